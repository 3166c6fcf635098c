/* prof2png: running independent pieces of work on several threads. */
#ifndef P2P_CLI_JOBS_H
#define P2P_CLI_JOBS_H

#include <stddef.h>

/* The default for --jobs: the processors this process may run on. */
int p2p_cli_jobs_default(void);

/* Call fn(ctx, i) once for every i in [0, n), on up to `jobs` threads (this
 * one included).  Returns when all calls have returned.  With jobs <= 1, or
 * when no thread can be started, the calls run here, in order.  fn must
 * only touch what belongs to its i (and what it only reads). */
void p2p_cli_jobs_run(size_t n, int jobs, void (*fn)(void *ctx, size_t i), void *ctx);

#endif
