/* Test program for tests/data/callgrind: self recursion (fib), mutual
 * recursion (is_even/is_odd), a cycle of three (ping/pong/pang), a leaf
 * called from two places, and a function pointer call. */
#include <stdlib.h>

#define NOINLINE __attribute__((noinline))

volatile long sink;

NOINLINE static long leaf(long n)
{
    long s = 0;
    for (long i = 0; i < n; i++)
        s += i % 7;
    return s;
}

NOINLINE static long fib(int n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

NOINLINE static int is_odd(int n);
NOINLINE static int is_even(int n)
{
    return n == 0 ? 1 : is_odd(n - 1);
}
NOINLINE static int is_odd(int n)
{
    return n == 0 ? 0 : is_even(n - 1);
}

NOINLINE static long pang(int n);
NOINLINE static long ping(int n)
{
    return n <= 0 ? leaf(10) : 1 + pang(n - 1);
}
NOINLINE static long pong(int n)
{
    return n <= 0 ? 0 : 2 + ping(n - 1);
}
NOINLINE static long pang(int n)
{
    return n <= 0 ? 0 : 3 + pong(n - 1);
}

NOINLINE static long apply(long (*f)(long), long n)
{
    return f(n);
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 12;
    sink = fib(n);
    sink += is_even(n * 3);
    sink += ping(n);
    sink += leaf(n * 100);
    sink += apply(leaf, n * 10);
    return 0;
}
