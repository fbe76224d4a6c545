/* BN254 Fp and Fr arithmetic (src/zk): nanoseconds per operation, each
 * measured as a chain where every result feeds the next call (latency, as
 * in a pairing's Miller loop), best of several runs. Prints one JSON object.
 *
 *   field_bench [SCALE]   SCALE multiplies the iteration counts (default 1) */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "zk/field.h"

#define RUNS 5

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Keeps the chains' results alive. */
static volatile uint64_t sink;

/* BENCH(field type, prefix, name, iterations, statement on x and y) */
#define BENCH(T, P, iters, stmt)                                               \
  do {                                                                         \
    T x, y;                                                                    \
    P##from_u64(&x, 0x1234567890abcdefULL);                                    \
    P##from_u64(&y, 0xfedcba0987654321ULL);                                    \
    P##inverse(&x, &x); /* a full-size value */                                \
    P##inverse(&y, &y);                                                        \
    best = 1e300;                                                              \
    for (int run = 0; run < RUNS; run++) {                                     \
      double t0 = now_ns();                                                    \
      for (long i = 0; i < (iters); i++)                                       \
        stmt;                                                                  \
      double t = (now_ns() - t0) / (double)(iters);                            \
      if (t < best)                                                            \
        best = t;                                                              \
    }                                                                          \
    sink ^= x.v[0] ^ y.v[0];                                                   \
  } while (0)

#define FIELD_FIGURES(T, P, name, scale, last)                                 \
  do {                                                                         \
    double best;                                                               \
    printf("  \"%s\": {", name);                                               \
    BENCH(T, P, 2000000 * scale, P##mul(&x, &x, &y));                          \
    printf("\"mul_ns\": %.2f, ", best);                                        \
    BENCH(T, P, 2000000 * scale, P##sqr(&x, &x));                              \
    printf("\"sqr_ns\": %.2f, ", best);                                        \
    BENCH(T, P, 5000000 * scale, P##add(&x, &x, &y));                          \
    printf("\"add_ns\": %.2f, ", best);                                        \
    BENCH(T, P, 5000000 * scale, P##sub(&x, &x, &y));                          \
    printf("\"sub_ns\": %.2f, ", best);                                        \
    BENCH(T, P, 5000 * scale, P##inverse(&x, &x));                             \
    printf("\"inverse_ns\": %.1f, ", best);                                    \
    BENCH(T, P, 20000 * scale, P##inverse_vartime(&x, &x));                    \
    printf("\"inverse_vartime_ns\": %.1f, ", best);                            \
    BENCH(T, P, 5000 * scale, P##pow(&x, &x, y.v));                            \
    printf("\"pow_ns\": %.1f", best);                                          \
    printf("}%s\n", last ? "" : ",");                                          \
  } while (0)

int main(int argc, char **argv) {
  long scale = argc > 1 ? atol(argv[1]) : 1;
  if (scale < 1)
    scale = 1;
  printf("{\n");
  FIELD_FIGURES(cwaku_fp, cwaku__fp_, "fp", scale, 0);
  {
    double best;
    /* constant time: the cost does not depend on x being a square */
    BENCH(cwaku_fp, cwaku__fp_, 5000 * scale,
          if (cwaku__fp_sqrt(&x, &x)) sink = sink + 1);
    printf("  \"fp_sqrt_ns\": %.1f,\n", best);
  }
  FIELD_FIGURES(cwaku_fr, cwaku__fr_, "fr", scale, 1);
  printf("}\n");
  return 0;
}
