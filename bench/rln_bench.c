/* Poseidon and the RLN membership tree (src/zk/poseidon.c,
 * src/rln/merkle_tree.c): microseconds per operation, best of several runs.
 * Each hash feeds the next (latency, as along a Merkle path). Prints one
 * JSON object.
 *
 *   rln_bench [SCALE]   SCALE multiplies the iteration counts (default 1)
 *
 * Figures: the one-time constant generation; Poseidon of 1, 2 and 3 inputs
 * as used (BMI2/ADX where the CPU has it), through the portable arithmetic,
 * and the textbook permutation; inserting members into a tree that holds
 * 10,000 (appending, and overwriting random members); extracting and
 * verifying paths; the tree's memory. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "rln/merkle_tree.h"
#include "zk/poseidon.h"

#define RUNS 5
#define MEMBERS 10000

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static volatile uint64_t sink;

/* Best time per call of `stmt` over RUNS runs of `iters` calls. */
#define BEST(iters, stmt)                                                      \
  ({                                                                           \
    double best_ = 1e300;                                                      \
    for (int run_ = 0; run_ < RUNS; run_++) {                                  \
      double t0_ = now_us();                                                   \
      for (long i_ = 0; i_ < (iters); i_++)                                    \
        stmt;                                                                  \
      double t_ = (now_us() - t0_) / (double)(iters);                          \
      if (t_ < best_)                                                          \
        best_ = t_;                                                            \
    }                                                                          \
    best_;                                                                     \
  })

static uint64_t lcg = 0x853c49e6748fea9bULL;

static uint32_t next_u32(void) {
  lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
  return (uint32_t)(lcg >> 33);
}

static void member(cwaku_fr *leaf) {
  cwaku__fr_from_u64(leaf, ((uint64_t)next_u32() << 32) | next_u32());
  cwaku__poseidon1(leaf, leaf); /* a full-size value */
}

int main(int argc, char **argv) {
  long scale = argc > 1 ? atol(argv[1]) : 1;
  if (scale < 1)
    scale = 1;
  cwaku_fr in[3], x;
  double t0 = now_us();
  cwaku__poseidon_init();
  double init_us = now_us() - t0;
  for (int i = 0; i < 3; i++)
    cwaku__fr_from_u64(&in[i], 1000 + (uint64_t)i);
  x = in[0];

  printf("{\n  \"poseidon_init_ms\": %.2f,\n", init_us / 1e3);
  printf("  \"poseidon1_us\": %.2f,\n",
         BEST(20000 * scale, cwaku__poseidon1(&x, &x)));
  printf("  \"poseidon2_us\": %.2f,\n",
         BEST(20000 * scale, cwaku__poseidon2(&x, &x, &in[1])));
  printf("  \"poseidon3_us\": %.2f,\n",
         BEST(20000 * scale, cwaku__poseidon3(&x, &x, &in[1], &in[2])));
  {
    cwaku_fr v[2] = {in[0], in[1]};
    int adx = cwaku__poseidon_with(&x, v, 2, 1);
    printf("  \"poseidon2_generic_us\": %.2f,\n",
           BEST(20000 * scale, sink += (uint64_t)cwaku__poseidon(&v[0], v, 2)));
    printf("  \"poseidon2_portable_us\": %.2f,\n",
           BEST(10000 * scale,
                sink += (uint64_t)cwaku__poseidon_with(&v[0], v, 2, 0)));
    printf("  \"poseidon2_adx\": %s,\n", adx ? "true" : "false");
    printf("  \"poseidon2_textbook_us\": %.2f,\n",
           BEST(5000 * scale,
                sink += (uint64_t)cwaku__poseidon_reference(&v[0], v, 2)));
    sink ^= v[0].v[0];
  }

  /* a tree of MEMBERS consecutive members */
  struct cwaku__merkle_tree *tree = cwaku__merkle_tree_new();
  if (!tree)
    return 1;
  cwaku_fr leaf, root;
  t0 = now_us();
  for (uint32_t i = 0; i < MEMBERS; i++) {
    member(&leaf);
    if (cwaku__merkle_tree_set(tree, i, &leaf) != 0)
      return 1;
  }
  double build_us = (now_us() - t0) / MEMBERS;
  printf("  \"merkle_build_10000_us_per_member\": %.1f,\n", build_us);
  printf("  \"merkle_10000_nodes\": %zu,\n", cwaku__merkle_tree_nodes(tree));
  printf("  \"merkle_10000_bytes\": %zu,\n", cwaku__merkle_tree_memory(tree));
  printf("  \"merkle_10000_bytes_per_member\": %.0f,\n",
         (double)cwaku__merkle_tree_memory(tree) / MEMBERS);

  /* appends after the 10,000 (the tree grows by RUNS * 200 * SCALE) */
  uint32_t next = MEMBERS;
  member(&leaf);
  double append = BEST(200 * scale, {
    if (cwaku__merkle_tree_set(tree, next++, &leaf) != 0)
      return 1;
  });
  printf("  \"merkle_insert_at_10000_us\": %.1f,\n", append);
  /* overwriting random members of the 10,000 */
  double update = BEST(200 * scale, {
    member(&leaf);
    if (cwaku__merkle_tree_set(tree, next_u32() % MEMBERS, &leaf) != 0)
      return 1;
  });
  printf("  \"merkle_update_random_us\": %.1f,\n", update);

  struct cwaku__merkle_path path;
  double path_us = BEST(20000 * scale, {
    if (cwaku__merkle_tree_path(tree, &path, next_u32() % MEMBERS) != 0)
      return 1;
    sink ^= path.elements[3].v[0];
  });
  printf("  \"merkle_path_us\": %.3f,\n", path_us);
  cwaku__merkle_tree_root(tree, &root);
  uint32_t idx = 4321;
  if (cwaku__merkle_tree_path(tree, &path, idx) != 0 ||
      cwaku__merkle_tree_leaf(tree, &leaf, idx) != 0)
    return 1;
  printf("  \"merkle_verify_path_us\": %.1f\n",
         BEST(200 * scale, sink += (uint64_t)cwaku__merkle_path_verify(
                               &root, &leaf, &path)));
  printf("}\n");
  cwaku__merkle_tree_free(tree);
  return sink == 42;
}
