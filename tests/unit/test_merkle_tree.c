/* The sparse RLN membership tree (src/rln/merkle_tree.c): vectors/
 * merkle.json (empty-subtree roots, the root after each of 45 insertions,
 * the final root, 10 paths), order independence, deleting leaves, random
 * operations against a naive recursive root, refused indices and path
 * bits, and the memory it keeps. */
#include "check.h"
#include "cwaku/env.h"
#include "cwaku/error.h"
#include "rln/merkle_tree.h"
#include "rln_vectors.h"
#include "zk/poseidon.h"

static struct cwaku_seeded_rng rng;

static void random_fr(cwaku_fr *x) {
  uint8_t b[32];
  cwaku_random(&rng.rng, b, sizeof b);
  cwaku__fr_reduce_bytes_le(x, b);
}

static uint32_t random_index(void) {
  uint32_t v;
  cwaku_random(&rng.rng, &v, sizeof v);
  return v % CWAKU_MERKLE_LEAVES;
}

static void print_fr(const char *what, const cwaku_fr *x) {
  char dec[CWAKU_FIELD_DEC_MAX];
  cwaku__fr_to_dec(dec, x);
  fprintf(stderr, "  %s = %s\n", what, dec);
}

static void test_vectors(void) {
  json_t *doc = vectors_load("merkle.json");
  json_t *roots = json_object_get(doc, "empty_subtree_roots");
  json_t *roots_hex = json_object_get(doc, "empty_subtree_roots_le_hex");
  json_t *inserts = json_object_get(doc, "inserts");
  json_t *paths = json_object_get(doc, "paths");
  cwaku_fr want, got;
  uint8_t le[32];
  size_t i;
  json_t *c;

  CHECK_EQ_INT(json_integer_value(json_object_get(doc, "merkle_depth")),
               CWAKU_MERKLE_DEPTH);
  CHECK(vectors_fr_at(&want, doc, "zero_leaf"));
  CHECK(cwaku__fr_is_zero(&want));
  CHECK_EQ_INT(json_array_size(roots), CWAKU_MERKLE_DEPTH + 1);
  for (unsigned h = 0; h <= CWAKU_MERKLE_DEPTH; h++) {
    CHECK(vectors_fr(&want, json_array_get(roots, h)));
    CHECK(cwaku__merkle_empty_root(&got, h));
    CHECK(cwaku__fr_equal(&got, &want));
    CHECK(vectors_hex(le, sizeof le, json_array_get(roots_hex, h)) == 32);
    cwaku_fr from_le;
    CHECK(cwaku__fr_from_bytes_le(&from_le, le));
    CHECK(cwaku__fr_equal(&from_le, &want));
  }
  CHECK(!cwaku__merkle_empty_root(&got, CWAKU_MERKLE_DEPTH + 1));
  CHECK(cwaku__fr_is_zero(&got));

  struct cwaku__merkle_tree *tree = cwaku__merkle_tree_new();
  struct cwaku__merkle_tree *backwards = cwaku__merkle_tree_new();
  CHECK(tree && backwards);
  if (!tree || !backwards)
    goto out;
  CHECK(vectors_fr_at(&want, doc, "empty_tree_root"));
  cwaku__merkle_tree_root(tree, &got);
  CHECK(cwaku__fr_equal(&got, &want));

  CHECK_EQ_INT(json_array_size(inserts), 45);
  json_array_foreach(inserts, i, c) {
    cwaku_fr leaf;
    uint32_t index = (uint32_t)json_integer_value(json_object_get(c, "index"));
    CHECK(vectors_fr_at(&leaf, c, "leaf"));
    CHECK(vectors_fr_at(&want, c, "root_after"));
    CHECK_EQ_INT(cwaku__merkle_tree_set(tree, index, &leaf), 0);
    cwaku__merkle_tree_root(tree, &got);
    if (!cwaku__fr_equal(&got, &want)) {
      fprintf(stderr, "merkle.json insert %zu (index %u):\n", i, index);
      print_fr("root", &got);
      print_fr("root_after", &want);
    }
    CHECK(cwaku__fr_equal(&got, &want));
    CHECK(vectors_hex(le, sizeof le, json_object_get(c, "root_after_le_hex")) ==
          32);
    uint8_t got_le[32];
    cwaku__fr_to_bytes_le(got_le, &got);
    CHECK_MEM(got_le, le, 32);
  }
  /* the same leaves inserted backwards end at the same root */
  for (size_t k = json_array_size(inserts); k-- > 0;) {
    cwaku_fr leaf;
    c = json_array_get(inserts, k);
    CHECK(vectors_fr_at(&leaf, c, "leaf"));
    CHECK_EQ_INT(cwaku__merkle_tree_set(
                     backwards,
                     (uint32_t)json_integer_value(json_object_get(c, "index")),
                     &leaf),
                 0);
  }
  CHECK(vectors_fr_at(&want, doc, "final_root"));
  cwaku__merkle_tree_root(tree, &got);
  CHECK(cwaku__fr_equal(&got, &want));
  cwaku__merkle_tree_root(backwards, &got);
  CHECK(cwaku__fr_equal(&got, &want));
  CHECK_EQ_INT(cwaku__merkle_tree_nodes(tree),
               cwaku__merkle_tree_nodes(backwards));

  CHECK_EQ_INT(json_array_size(paths), 10);
  json_array_foreach(paths, i, c) {
    uint32_t index = (uint32_t)json_integer_value(json_object_get(c, "index"));
    json_t *elements = json_object_get(c, "path_elements");
    json_t *elements_hex = json_object_get(c, "path_elements_le_hex");
    json_t *bits = json_object_get(c, "path_index");
    struct cwaku__merkle_path path;
    cwaku_fr leaf, stored, root;
    CHECK(vectors_fr_at(&leaf, c, "leaf"));
    CHECK_EQ_INT(cwaku__merkle_tree_leaf(tree, &stored, index), 0);
    CHECK(cwaku__fr_equal(&stored, &leaf));
    CHECK_EQ_INT(cwaku__merkle_tree_path(tree, &path, index), 0);
    CHECK_EQ_INT(json_array_size(elements), CWAKU_MERKLE_DEPTH);
    for (unsigned h = 0; h < CWAKU_MERKLE_DEPTH; h++) {
      CHECK(vectors_fr(&want, json_array_get(elements, h)));
      CHECK(cwaku__fr_equal(&path.elements[h], &want));
      CHECK(vectors_hex(le, sizeof le, json_array_get(elements_hex, h)) == 32);
      uint8_t got_le[32];
      cwaku__fr_to_bytes_le(got_le, &path.elements[h]);
      CHECK_MEM(got_le, le, 32);
      CHECK_EQ_INT(path.index_bits[h],
                   json_integer_value(json_array_get(bits, h)));
    }
    CHECK_EQ_INT(cwaku__merkle_path_index(&path), index);
    CHECK(vectors_fr_at(&want, doc, "final_root"));
    CHECK(cwaku__merkle_path_root(&root, &leaf, &path));
    CHECK(cwaku__fr_equal(&root, &want));
    CHECK(cwaku__merkle_path_verify(&want, &leaf, &path));
    /* a path from the other tree is the same */
    struct cwaku__merkle_path other;
    CHECK_EQ_INT(cwaku__merkle_tree_path(backwards, &other, index), 0);
    CHECK_MEM(other.elements, path.elements, sizeof path.elements);
    CHECK_MEM(other.index_bits, path.index_bits, sizeof path.index_bits);
  }
out:
  cwaku__merkle_tree_free(tree);
  cwaku__merkle_tree_free(backwards);
  json_decref(doc);
}

/* The root of the leaves (index[k], value[k]) (later entries win), by
 * recursion into non-empty subtrees only. */
static void naive_root(cwaku_fr *out, unsigned height, uint32_t node,
                       const uint32_t *index, const cwaku_fr *value, size_t n) {
  int found = 0;
  for (size_t k = 0; k < n && !found; k++)
    found = (index[k] >> height) == node;
  if (!found) {
    CHECK(cwaku__merkle_empty_root(out, height));
    return;
  }
  if (height == 0) {
    for (size_t k = 0; k < n; k++)
      if (index[k] == node)
        *out = value[k];
    return;
  }
  cwaku_fr l, r;
  naive_root(&l, height - 1, node * 2, index, value, n);
  naive_root(&r, height - 1, node * 2 + 1, index, value, n);
  cwaku__poseidon2(out, &l, &r);
}

#define RANDOM_OPS 40

static void test_random_against_naive(void) {
  struct cwaku__merkle_tree *tree = cwaku__merkle_tree_new();
  uint32_t index[RANDOM_OPS];
  cwaku_fr value[RANDOM_OPS], got, want, zero;
  CHECK(tree != NULL);
  if (!tree)
    return;
  cwaku__fr_zero(&zero);
  for (size_t k = 0; k < RANDOM_OPS; k++) {
    uint8_t kind;
    cwaku_random(&rng.rng, &kind, 1);
    if (k > 0 && kind % 4 == 0)
      index[k] = index[kind % k]; /* overwrite a leaf */
    else if (k > 0 && kind % 4 == 1)
      index[k] = index[kind % k] ^ (1u << (kind % 20)); /* a near one */
    else
      index[k] = random_index();
    if (k > 0 && kind % 8 == 2)
      value[k] = zero; /* delete */
    else
      random_fr(&value[k]);
    CHECK_EQ_INT(cwaku__merkle_tree_set(tree, index[k], &value[k]), 0);
    cwaku__merkle_tree_root(tree, &got);
    naive_root(&want, CWAKU_MERKLE_DEPTH, 0, index, value, k + 1);
    CHECK(cwaku__fr_equal(&got, &want));
    /* every leaf set so far has a path to this root */
    for (size_t j = 0; j <= k; j += 7) {
      struct cwaku__merkle_path path;
      cwaku_fr leaf;
      CHECK_EQ_INT(cwaku__merkle_tree_path(tree, &path, index[j]), 0);
      CHECK_EQ_INT(cwaku__merkle_tree_leaf(tree, &leaf, index[j]), 0);
      CHECK(cwaku__merkle_path_verify(&got, &leaf, &path));
    }
  }
  cwaku__merkle_tree_free(tree);
}

/* Deleting every leaf gives the empty tree back with no node stored;
 * re-inserting gives the same root; an unchanged leaf is no work. */
static void test_delete(void) {
  struct cwaku__merkle_tree *tree = cwaku__merkle_tree_new();
  cwaku_fr leaves[50], root, empty, zero, again;
  uint32_t index[50];
  CHECK(tree != NULL);
  if (!tree)
    return;
  cwaku__fr_zero(&zero);
  CHECK(cwaku__merkle_empty_root(&empty, CWAKU_MERKLE_DEPTH));
  for (int k = 0; k < 50; k++) {
    index[k] = k < 25 ? (uint32_t)k : random_index();
    random_fr(&leaves[k]);
    CHECK_EQ_INT(cwaku__merkle_tree_set(tree, index[k], &leaves[k]), 0);
  }
  cwaku__merkle_tree_root(tree, &root);
  size_t nodes = cwaku__merkle_tree_nodes(tree);
  CHECK(nodes > 0);
  CHECK_EQ_INT(cwaku__merkle_tree_set(tree, index[3], &leaves[3]), 0);
  CHECK_EQ_INT(cwaku__merkle_tree_nodes(tree), nodes);
  for (int k = 0; k < 50; k++)
    CHECK_EQ_INT(cwaku__merkle_tree_set(tree, index[k], &zero), 0);
  cwaku__merkle_tree_root(tree, &again);
  CHECK(cwaku__fr_equal(&again, &empty));
  CHECK_EQ_INT(cwaku__merkle_tree_nodes(tree), 0);
  for (int k = 49; k >= 0; k--)
    CHECK_EQ_INT(cwaku__merkle_tree_set(tree, index[k], &leaves[k]), 0);
  cwaku__merkle_tree_root(tree, &again);
  CHECK(cwaku__fr_equal(&again, &root));
  CHECK_EQ_INT(cwaku__merkle_tree_nodes(tree), nodes);
  cwaku__merkle_tree_free(tree);
}

static void test_refusals(void) {
  struct cwaku__merkle_tree *tree = cwaku__merkle_tree_new();
  struct cwaku__merkle_path path;
  cwaku_fr leaf, root, empty;
  CHECK(tree != NULL);
  if (!tree)
    return;
  random_fr(&leaf);
  CHECK_EQ_INT(cwaku__merkle_tree_set(tree, CWAKU_MERKLE_LEAVES, &leaf),
               CWAKU_EINVAL);
  CHECK_EQ_INT(cwaku__merkle_tree_set(tree, UINT32_MAX, &leaf), CWAKU_EINVAL);
  CHECK_EQ_INT(cwaku__merkle_tree_nodes(tree), 0);
  CHECK_EQ_INT(cwaku__merkle_tree_leaf(tree, &root, CWAKU_MERKLE_LEAVES),
               CWAKU_EINVAL);
  CHECK_EQ_INT(cwaku__merkle_tree_path(tree, &path, CWAKU_MERKLE_LEAVES),
               CWAKU_EINVAL);
  /* the last index works, and an unset leaf's path proves the leaf 0 */
  CHECK_EQ_INT(cwaku__merkle_tree_set(tree, CWAKU_MERKLE_LEAVES - 1, &leaf), 0);
  cwaku__merkle_tree_root(tree, &root);
  CHECK_EQ_INT(cwaku__merkle_tree_path(tree, &path, 12345), 0);
  cwaku_fr zero;
  cwaku__fr_zero(&zero);
  CHECK(cwaku__merkle_path_verify(&root, &zero, &path));
  CHECK(!cwaku__merkle_path_verify(&root, &leaf, &path));
  CHECK_EQ_INT(cwaku__merkle_tree_path(tree, &path, CWAKU_MERKLE_LEAVES - 1),
               0);
  CHECK(cwaku__merkle_path_verify(&root, &leaf, &path));
  CHECK(!cwaku__merkle_path_verify(&root, &zero, &path));
  CHECK(cwaku__merkle_empty_root(&empty, CWAKU_MERKLE_DEPTH));
  CHECK(!cwaku__merkle_path_verify(&empty, &leaf, &path));
  /* a changed element or bit breaks the path; a bit that is not 0/1 is
   * refused */
  struct cwaku__merkle_path bad = path;
  cwaku__fr_add(&bad.elements[7], &bad.elements[7], &leaf);
  CHECK(!cwaku__merkle_path_verify(&root, &leaf, &bad));
  bad = path;
  bad.index_bits[19] ^= 1;
  CHECK(!cwaku__merkle_path_verify(&root, &leaf, &bad));
  bad = path;
  bad.index_bits[0] = 2;
  CHECK(!cwaku__merkle_path_root(&root, &leaf, &bad));
  CHECK(cwaku__fr_is_zero(&root));
  cwaku__merkle_tree_free(tree);
}

/* Consecutive members cost about two nodes each. */
static void test_memory(void) {
  struct cwaku__merkle_tree *tree = cwaku__merkle_tree_new();
  cwaku_fr leaf;
  CHECK(tree != NULL);
  if (!tree)
    return;
  for (uint32_t k = 0; k < 1000; k++) {
    random_fr(&leaf);
    CHECK_EQ_INT(cwaku__merkle_tree_set(tree, k, &leaf), 0);
  }
  size_t nodes = cwaku__merkle_tree_nodes(tree);
  size_t bytes = cwaku__merkle_tree_memory(tree);
  printf("test_merkle_tree: 1000 consecutive members: %zu nodes, %zu bytes\n",
         nodes, bytes);
  CHECK(nodes >= 2000 && nodes <= 2000 + 2 * CWAKU_MERKLE_DEPTH);
  CHECK(bytes <= 200 * 1000);
  cwaku__merkle_tree_free(tree);
}

int main(void) {
  cwaku_seeded_rng_init(&rng, 0x3e41);
  test_vectors();
  test_random_against_naive();
  test_delete();
  test_refusals();
  test_memory();
  return check_summary("test_merkle_tree");
}
