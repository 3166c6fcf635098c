/* prof2png: a tiny work queue over POSIX threads.  Used where the pieces are
 * independent and each is big: reading (decompressing) several inputs, and
 * parsing --compare's two profiles. */
#include "jobs.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#define MAX_JOBS 64

int p2p_cli_jobs_default(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int n = CPU_COUNT(&set);
        if (n > 0)
            return n < MAX_JOBS ? n : MAX_JOBS;
    }
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n < MAX_JOBS ? (int)n : MAX_JOBS;
}

typedef struct queue {
    atomic_size_t next;
    size_t n;
    void (*fn)(void *ctx, size_t i);
    void *ctx;
} queue;

static void *worker(void *arg)
{
    queue *q = arg;
    for (;;) {
        size_t i = atomic_fetch_add(&q->next, 1);
        if (i >= q->n)
            return NULL;
        q->fn(q->ctx, i);
    }
}

void p2p_cli_jobs_run(size_t n, int jobs, void (*fn)(void *ctx, size_t i), void *ctx)
{
    queue q = {.n = n, .fn = fn, .ctx = ctx};
    atomic_init(&q.next, 0);
    size_t extra = 0;
    pthread_t tid[MAX_JOBS];
    if (jobs > MAX_JOBS)
        jobs = MAX_JOBS;
    /* this thread is one of the workers: start jobs-1 more, no more than
     * there are pieces left for them */
    while (jobs > 1 && extra + 1 < (size_t)jobs && extra + 1 < n) {
        if (pthread_create(&tid[extra], NULL, worker, &q) != 0)
            break;
        extra++;
    }
    worker(&q);
    for (size_t t = 0; t < extra; t++)
        pthread_join(tid[t], NULL);
}
