/* Workload of tests/data/perf/make.sh: plain calls with distinct self
 * times, direct recursion (fib), mutual recursion (is_even/is_odd) and a
 * function reached from two callers (burn). */
#include <stdlib.h>

static volatile long sink;

__attribute__((noinline)) static void burn(long n)
{
    for (long i = 0; i < n; i++)
        sink += i;
}

__attribute__((noinline)) static long fib(int n)
{
    if (n < 2) {
        burn(300);
        return n;
    }
    return fib(n - 1) + fib(n - 2);
}

__attribute__((noinline)) static int is_odd(int n);

__attribute__((noinline)) static int is_even(int n)
{
    burn(2000);
    return n == 0 ? 1 : is_odd(n - 1);
}

__attribute__((noinline)) static int is_odd(int n)
{
    burn(1000);
    return n == 0 ? 0 : is_even(n - 1);
}

__attribute__((noinline)) static void leaf_a(void)
{
    burn(40000);
}

__attribute__((noinline)) static void leaf_b(void)
{
    burn(15000);
}

__attribute__((noinline)) static void work(void)
{
    leaf_a();
    leaf_b();
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 40;
    for (int r = 0; r < rounds; r++) {
        work();
        sink += fib(14);
        sink += is_even(40);
    }
    return 0;
}
