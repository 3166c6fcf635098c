/* Test program for tests/data/callgrind: two threads running recursive
 * work, for --separate-threads=yes (one output file per thread). */
#include <pthread.h>

#define NOINLINE __attribute__((noinline))

volatile long sink;

NOINLINE static long fib(int n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

NOINLINE static long spin(long n)
{
    long s = 0;
    for (long i = 0; i < n; i++)
        s += i & 3;
    return s;
}

NOINLINE static void *worker(void *arg)
{
    long n = (long)arg;
    sink += fib((int)n) + spin(n * 50);
    return NULL;
}

int main(void)
{
    pthread_t t[2];
    for (long i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, (void *)(10 + i * 3));
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    sink += spin(100);
    return 0;
}
