/* A small program with every kind of recursion gprof reports, for the gprof
 * parser's golden tests (make.sh builds it with -pg and runs gprof on it):
 *   fib       calls itself             (called+self, no cycle)
 *   is_even / is_odd call each other   (a two-function cycle)
 *   ping -> pong -> pang -> ping       (a three-function cycle)
 *   work      a plain leaf called from all of them
 * The call counts are fixed by the code; only the times vary between runs. */
#include <stdio.h>

static volatile unsigned long sink;

__attribute__((noinline)) static void work(unsigned n)
{
    for (unsigned i = 0; i < n * 30; i++)
        sink += i * 2654435761u;
}

__attribute__((noinline)) static unsigned long fib(unsigned n)
{
    work(200);
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

__attribute__((noinline)) static int is_odd(unsigned n);

__attribute__((noinline)) static int is_even(unsigned n)
{
    work(300);
    return n == 0 ? 1 : is_odd(n - 1);
}

__attribute__((noinline)) static int is_odd(unsigned n)
{
    work(100);
    return n == 0 ? 0 : is_even(n - 1);
}

__attribute__((noinline)) static void pang(unsigned n);
__attribute__((noinline)) static void pong(unsigned n);

__attribute__((noinline)) static void ping(unsigned n)
{
    work(100);
    if (n)
        pong(n - 1);
}

__attribute__((noinline)) static void pong(unsigned n)
{
    work(200);
    if (n)
        pang(n - 1);
}

__attribute__((noinline)) static void pang(unsigned n)
{
    work(400);
    if (n)
        ping(n - 1);
}

int main(void)
{
    unsigned long total = fib(20);
    for (unsigned i = 0; i < 200; i++)
        total += (unsigned long)is_even(100 + i % 2);
    for (unsigned i = 0; i < 100; i++)
        ping(299);
    printf("%lu\n", total + sink % 2);
    return 0;
}
