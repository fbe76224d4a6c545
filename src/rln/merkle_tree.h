/* The RLN membership tree: a sparse Merkle tree of depth 20 over BN254 Fr
 * (../shared/rln/README.md "Merkle tree", as zerokit's and circom-rln's):
 * node = Poseidon(left, right), an empty leaf is 0, and an empty subtree
 * of height i has the root Z_i (Z_0 = 0, Z_{i+1} = Poseidon(Z_i, Z_i)).
 * A member's leaf is its rate commitment.
 *
 * Only nodes that differ from the empty value of their height are stored,
 * so memory follows the leaves set (merkle_tree.c gives the figures);
 * setting a leaf back to 0 frees its path. Any index may be set, in any
 * order. Not thread-safe: one writer, or readers only. */
#ifndef CWAKU_RLN_MERKLE_TREE_H
#define CWAKU_RLN_MERKLE_TREE_H

#include <stddef.h>
#include <stdint.h>

#include "zk/field.h"

#define CWAKU_MERKLE_DEPTH 20
#define CWAKU_MERKLE_LEAVES ((uint32_t)1 << CWAKU_MERKLE_DEPTH)

/* A member's authentication path. elements[0] is the leaf's sibling,
 * elements[19] the child of the root on the other side; index_bits[i] is
 * bit i of the leaf index: 0 when the node on the path at height i is a
 * left child (the circuit's identity_path_index). */
struct cwaku__merkle_path {
  cwaku_fr elements[CWAKU_MERKLE_DEPTH];
  uint8_t index_bits[CWAKU_MERKLE_DEPTH];
};

struct cwaku__merkle_tree;

/* An empty tree, or NULL when out of memory. */
struct cwaku__merkle_tree *cwaku__merkle_tree_new(void);
void cwaku__merkle_tree_free(struct cwaku__merkle_tree *tree);

/* Sets leaf `index` and updates its path to the root (20 hashes). Returns
 * 0, CWAKU_EINVAL for an index >= CWAKU_MERKLE_LEAVES, or CWAKU_ENOMEM
 * (the tree is then unchanged). */
int cwaku__merkle_tree_set(struct cwaku__merkle_tree *tree, uint32_t index,
                           const cwaku_fr *leaf);
/* The leaf at `index` (0 when never set); 0 or CWAKU_EINVAL. */
int cwaku__merkle_tree_leaf(const struct cwaku__merkle_tree *tree,
                            cwaku_fr *leaf, uint32_t index);
void cwaku__merkle_tree_root(const struct cwaku__merkle_tree *tree,
                             cwaku_fr *root);
/* The path of leaf `index`, set or not; 0 or CWAKU_EINVAL. */
int cwaku__merkle_tree_path(const struct cwaku__merkle_tree *tree,
                            struct cwaku__merkle_path *path, uint32_t index);
/* The stored nodes, and the bytes the tree holds (both for accounting). */
size_t cwaku__merkle_tree_nodes(const struct cwaku__merkle_tree *tree);
size_t cwaku__merkle_tree_memory(const struct cwaku__merkle_tree *tree);

/* Z_height for height 0..20 (Z_20 is the empty tree's root); 1, or 0 with
 * out cleared for a larger height. */
CWAKU_MUST_CHECK int cwaku__merkle_empty_root(cwaku_fr *out, unsigned height);

/* The root that `path` leads to from `leaf`; 1, or 0 with root cleared
 * when an index bit is neither 0 nor 1. */
CWAKU_MUST_CHECK int
cwaku__merkle_path_root(cwaku_fr *root, const cwaku_fr *leaf,
                        const struct cwaku__merkle_path *path);
/* 1 if `path` leads from `leaf` to `root`, else 0. */
CWAKU_MUST_CHECK int
cwaku__merkle_path_verify(const cwaku_fr *root, const cwaku_fr *leaf,
                          const struct cwaku__merkle_path *path);
/* The leaf index the path's bits spell. */
uint32_t cwaku__merkle_path_index(const struct cwaku__merkle_path *path);

#endif
