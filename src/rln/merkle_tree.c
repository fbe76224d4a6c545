/* The sparse RLN membership tree (see merkle_tree.h).
 *
 * Storage: one open-addressing hash table (linear probing, backward-shift
 * deletion) from (height, index at that height) to the node's value,
 * holding exactly the nodes whose value is not Z_height; any other node is
 * empty and its value is Z_height. A slot is 36 bytes (a 4-byte key, a
 * 32-byte value) and the table stays between 3/8 and 3/4 full once past
 * its first 64 slots, so a stored node costs 48 to 96 bytes.
 *
 * Memory per member: a member alone in its subtree costs up to 21 nodes
 * (its path); members at consecutive indices, as the membership contract
 * hands them out, share their upper nodes: about 2 nodes per member (N
 * leaves, N/2 parents, ... and the spine), 100 to 190 bytes per member:
 * 10,000 members take 20,011 nodes in 1.2 MB (118 bytes each), a full tree
 * of 2^20 about 150 MB. Members scattered at random indices cost more:
 * about 21 - log2(N) nodes each. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cwaku/error.h"
#include "rln/merkle_tree.h"
#include "zk/poseidon.h"

#define HEIGHTS (CWAKU_MERKLE_DEPTH + 1) /* 0 (leaves) .. 20 (root) */
#define EMPTY_KEY UINT32_MAX             /* no node has it: height <= 20 */
#define MIN_BITS 6                       /* 64 slots */

struct cwaku__merkle_tree {
  uint32_t *keys;   /* height << 20 | index at that height, or EMPTY_KEY */
  cwaku_fr *values; /* the node of keys[i] */
  unsigned bits;    /* 2^bits slots */
  size_t count;     /* stored nodes */
};

/* Z_0..Z_20, made once. */
static cwaku_fr empty_roots[HEIGHTS];
static pthread_once_t empty_once = PTHREAD_ONCE_INIT;

static void make_empty_roots(void) {
  cwaku__fr_zero(&empty_roots[0]);
  for (unsigned h = 0; h < CWAKU_MERKLE_DEPTH; h++)
    cwaku__poseidon2(&empty_roots[h + 1], &empty_roots[h], &empty_roots[h]);
}

static void init_empty_roots(void) {
  if (pthread_once(&empty_once, make_empty_roots) != 0)
    abort(); /* pthread_once fails only on misuse */
}

int cwaku__merkle_empty_root(cwaku_fr *out, unsigned height) {
  if (height >= HEIGHTS) {
    cwaku__fr_zero(out);
    return 0;
  }
  init_empty_roots();
  *out = empty_roots[height];
  return 1;
}

/* --- the table */

static uint32_t node_key(unsigned height, uint32_t index) {
  return (uint32_t)height << CWAKU_MERKLE_DEPTH | index;
}

static size_t capacity(const struct cwaku__merkle_tree *t) {
  return (size_t)1 << t->bits;
}

/* Fibonacci hashing: the top bits of key * 2^64/phi. */
static size_t home(const struct cwaku__merkle_tree *t, uint32_t key) {
  return (size_t)(((uint64_t)key * 0x9e3779b97f4a7c15ULL) >> (64 - t->bits));
}

/* The slot holding key, or the free slot where it would go. */
static size_t probe(const struct cwaku__merkle_tree *t, uint32_t key) {
  size_t mask = capacity(t) - 1, i = home(t, key);
  while (t->keys[i] != key && t->keys[i] != EMPTY_KEY)
    i = (i + 1) & mask;
  return i;
}

static int alloc_table(struct cwaku__merkle_tree *t, unsigned bits) {
  size_t n = (size_t)1 << bits;
  uint32_t *keys = malloc(n * sizeof *keys);
  cwaku_fr *values = malloc(n * sizeof *values);
  if (!keys || !values) {
    free(keys);
    free(values);
    return CWAKU_ENOMEM;
  }
  memset(keys, 0xff, n * sizeof *keys); /* EMPTY_KEY */
  t->keys = keys;
  t->values = values;
  t->bits = bits;
  return 0;
}

/* Makes room for `extra` more nodes at a load of at most 3/4, so that the
 * insertions that follow cannot fail. */
static int reserve(struct cwaku__merkle_tree *t, size_t extra) {
  unsigned bits = t->bits;
  while ((t->count + extra) * 4 > ((size_t)3 << bits))
    bits++;
  if (bits == t->bits)
    return 0;
  struct cwaku__merkle_tree old = *t;
  if (alloc_table(t, bits) != 0) {
    *t = old;
    return CWAKU_ENOMEM;
  }
  for (size_t i = 0; i < capacity(&old); i++)
    if (old.keys[i] != EMPTY_KEY) {
      size_t j = probe(t, old.keys[i]);
      t->keys[j] = old.keys[i];
      t->values[j] = old.values[i];
    }
  free(old.keys);
  free(old.values);
  return 0;
}

/* Removes the node in slot i, moving later nodes of its probe run back so
 * that every node stays reachable from its home slot. */
static void erase_slot(struct cwaku__merkle_tree *t, size_t i) {
  size_t mask = capacity(t) - 1, j = i;
  for (;;) {
    j = (j + 1) & mask;
    if (t->keys[j] == EMPTY_KEY)
      break;
    size_t k = home(t, t->keys[j]);
    /* The node at j may fill the hole at i unless its home lies
     * cyclically in (i, j]. */
    int home_between = i <= j ? (i < k && k <= j) : (i < k || k <= j);
    if (!home_between) {
      t->keys[i] = t->keys[j];
      t->values[i] = t->values[j];
      i = j;
    }
  }
  t->keys[i] = EMPTY_KEY;
  t->count--;
}

/* The node (height, index): stored, or Z_height. */
static const cwaku_fr *node(const struct cwaku__merkle_tree *t, unsigned height,
                            uint32_t index) {
  size_t i = probe(t, node_key(height, index));
  return t->keys[i] == EMPTY_KEY ? &empty_roots[height] : &t->values[i];
}

/* Stores a node, or drops it when it has the empty value; needs room for
 * one more node (reserve). */
static void store(struct cwaku__merkle_tree *t, unsigned height, uint32_t index,
                  const cwaku_fr *value) {
  uint32_t key = node_key(height, index);
  size_t i = probe(t, key);
  if (cwaku__fr_equal(value, &empty_roots[height])) {
    if (t->keys[i] != EMPTY_KEY)
      erase_slot(t, i);
    return;
  }
  if (t->keys[i] == EMPTY_KEY) {
    t->keys[i] = key;
    t->count++;
  }
  t->values[i] = *value;
}

/* --- the tree */

struct cwaku__merkle_tree *cwaku__merkle_tree_new(void) {
  struct cwaku__merkle_tree *t = calloc(1, sizeof *t);
  if (!t)
    return NULL;
  init_empty_roots();
  if (alloc_table(t, MIN_BITS) != 0) {
    free(t);
    return NULL;
  }
  return t;
}

void cwaku__merkle_tree_free(struct cwaku__merkle_tree *tree) {
  if (!tree)
    return;
  free(tree->keys);
  free(tree->values);
  free(tree);
}

int cwaku__merkle_tree_set(struct cwaku__merkle_tree *tree, uint32_t index,
                           const cwaku_fr *leaf) {
  if (index >= CWAKU_MERKLE_LEAVES)
    return CWAKU_EINVAL;
  cwaku_fr cur = *leaf;
  if (cwaku__fr_equal(node(tree, 0, index), &cur))
    return 0; /* unchanged */
  if (reserve(tree, HEIGHTS) != 0)
    return CWAKU_ENOMEM;
  store(tree, 0, index, &cur);
  for (unsigned h = 0; h < CWAKU_MERKLE_DEPTH; h++) {
    const cwaku_fr *sib = node(tree, h, index ^ 1);
    cwaku_fr parent;
    if (cwaku__fr_equal(&cur, &empty_roots[h]) &&
        cwaku__fr_equal(sib, &empty_roots[h]))
      parent = empty_roots[h + 1]; /* an empty subtree: no hash */
    else if (index & 1)
      cwaku__poseidon2(&parent, sib, &cur);
    else
      cwaku__poseidon2(&parent, &cur, sib);
    index >>= 1;
    store(tree, h + 1, index, &parent);
    cur = parent;
  }
  return 0;
}

int cwaku__merkle_tree_leaf(const struct cwaku__merkle_tree *tree,
                            cwaku_fr *leaf, uint32_t index) {
  if (index >= CWAKU_MERKLE_LEAVES) {
    cwaku__fr_zero(leaf);
    return CWAKU_EINVAL;
  }
  *leaf = *node(tree, 0, index);
  return 0;
}

void cwaku__merkle_tree_root(const struct cwaku__merkle_tree *tree,
                             cwaku_fr *root) {
  *root = *node(tree, CWAKU_MERKLE_DEPTH, 0);
}

int cwaku__merkle_tree_path(const struct cwaku__merkle_tree *tree,
                            struct cwaku__merkle_path *path, uint32_t index) {
  if (index >= CWAKU_MERKLE_LEAVES) {
    memset(path, 0, sizeof *path);
    return CWAKU_EINVAL;
  }
  for (unsigned h = 0; h < CWAKU_MERKLE_DEPTH; h++) {
    path->elements[h] = *node(tree, h, index ^ 1);
    path->index_bits[h] = (uint8_t)(index & 1);
    index >>= 1;
  }
  return 0;
}

size_t cwaku__merkle_tree_nodes(const struct cwaku__merkle_tree *tree) {
  return tree->count;
}

size_t cwaku__merkle_tree_memory(const struct cwaku__merkle_tree *tree) {
  return sizeof *tree +
         capacity(tree) * (sizeof tree->keys[0] + sizeof tree->values[0]);
}

/* --- paths */

int cwaku__merkle_path_root(cwaku_fr *root, const cwaku_fr *leaf,
                            const struct cwaku__merkle_path *path) {
  cwaku_fr cur = *leaf;
  for (unsigned h = 0; h < CWAKU_MERKLE_DEPTH; h++) {
    if (path->index_bits[h] > 1) {
      cwaku__fr_zero(root);
      return 0;
    }
    if (path->index_bits[h])
      cwaku__poseidon2(&cur, &path->elements[h], &cur);
    else
      cwaku__poseidon2(&cur, &cur, &path->elements[h]);
  }
  *root = cur;
  return 1;
}

int cwaku__merkle_path_verify(const cwaku_fr *root, const cwaku_fr *leaf,
                              const struct cwaku__merkle_path *path) {
  cwaku_fr got;
  return cwaku__merkle_path_root(&got, leaf, path) &&
         cwaku__fr_equal(&got, root);
}

uint32_t cwaku__merkle_path_index(const struct cwaku__merkle_path *path) {
  uint32_t index = 0;
  for (unsigned h = 0; h < CWAKU_MERKLE_DEPTH; h++)
    index |= (uint32_t)(path->index_bits[h] & 1) << h;
  return index;
}
