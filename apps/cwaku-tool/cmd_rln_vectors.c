/* cwaku-tool rln vectors FILE [--vk PATH] [--zkey PATH]: runs one RLN v2
 * vector file of ../shared/rln/README.md against cwaku.
 *
 * Every value the file gives is recomputed and compared, or, where it is an
 * input (an identity, a payload, a time), used; a key the runner does not
 * know fails the file, so nothing in it goes unchecked unseen. A test is
 * one case (one Merkle insertion, one path, one message, ...) plus one for
 * the file's header; it passes when all its checks do. The result names
 * the first failures with their reasons, and "summary" ("N passed, M
 * failed") comes last; that line also goes to stderr after the JSON, and
 * the exit status is 1 when M > 0.
 *
 * rln_cases, rln_negative and slashing need the verification key (--vk,
 * by default verification_key.json in the folder above FILE's); rln_cases
 * also proves with the proving key (--zkey, by default rln_final.zkey
 * there). rln_witness and rln_negative also check their cases against
 * rln_cases.json beside them when that file is there (the result says
 * whether it was). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cursor.h"
#include "cwaku/encoding.h"
#include "cwaku/message.h"
#include "cwaku/topic.h"
#include "rln/merkle_tree.h"
#include "rln/rln.h"
#include "rln/validate.h"
#include "tool.h"
#include "zk/groth16.h"
#include "zk/poseidon.h"
#include "zk/prover.h"
#include "zk/rln_circuit.h"

/* How many failed checks the result lists. */
#define SHOWN_FAILURES 20
/* Allocations a test may hold until it ends. */
#define TEST_ALLOCS 32
/* Keys of one JSON object the runner can account for. */
#define OBJ_KEYS 64

static const char *const signal_names[CWAKU_RLN_PUBLIC_SIGNALS] = {
    "y", "root", "nullifier", "x", "externalNullifier"};

struct run {
  int passed, failed;
  char test[96];   /* the current test */
  int test_failed; /* it has a failed check */
  json_t *failures;
  int not_shown;
  void *allocs[TEST_ALLOCS]; /* freed when the test ends */
  size_t n_allocs;
  json_t *extra; /* kind-specific members of the result */
};

/* --- tests, failures and scratch memory ---------------------------------- */

static void test_begin(struct run *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void test_begin(struct run *r, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r->test, sizeof r->test, fmt, ap);
  va_end(ap);
  r->test_failed = 0;
}

static void test_end(struct run *r) {
  if (r->test_failed)
    r->failed++;
  else
    r->passed++;
  for (size_t i = 0; i < r->n_allocs; i++)
    free(r->allocs[i]);
  r->n_allocs = 0;
}

/* JSON strings hold UTF-8 only: reasons quote vector text, so anything but
 * printable ASCII is shown as '?'. */
static void ascii_only(char *s) {
  for (; *s; s++)
    if ((unsigned char)*s >= 0x7f || (unsigned char)*s < 0x20)
      *s = '?';
}

static void fail(struct run *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void fail(struct run *r, const char *fmt, ...) {
  r->test_failed = 1;
  if (json_array_size(r->failures) >= SHOWN_FAILURES) {
    r->not_shown++;
    return;
  }
  char why[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, sizeof why, fmt, ap);
  va_end(ap);
  ascii_only(why);
  char test[sizeof r->test];
  memcpy(test, r->test, sizeof test);
  ascii_only(test);
  json_array_append_new(r->failures,
                        json_pack("{s:s, s:s}", "test", test, "reason", why));
}

/* Keeps p until the test ends; NULL (and a failure) when p is NULL. */
static void *keep(struct run *r, void *p) {
  if (!p || r->n_allocs == TEST_ALLOCS) {
    free(p);
    fail(r, "out of memory");
    return NULL;
  }
  return r->allocs[r->n_allocs++] = p;
}

static const char *dec(char out[CWAKU_FIELD_DEC_MAX], const cwaku_fr *a) {
  cwaku__fr_to_dec(out, a);
  return out;
}

/* --- JSON values ----------------------------------------------------------
 * val_* read one value, cmp_* compare one with what cwaku computed; both
 * record a failure under the value's name and return 1 when all is well. */

static int val_fr(struct run *r, const json_t *v, const char *name,
                  cwaku_fr *out) {
  const char *s = json_string_value(v);
  if (s && cwaku__fr_from_dec(out, s, strlen(s)))
    return 1;
  fail(r, "%s: not a canonical decimal field element", name);
  return 0;
}

static int val_int(struct run *r, const json_t *v, const char *name,
                   long long min, long long max, long long *out) {
  if (json_is_integer(v) && json_integer_value(v) >= min &&
      json_integer_value(v) <= max) {
    *out = json_integer_value(v);
    return 1;
  }
  fail(r, "%s: an integer in %lld..%lld is expected", name, min, max);
  return 0;
}

/* A decimal string of a 64-bit value. */
static int val_u64(struct run *r, const json_t *v, const char *name,
                   uint64_t *out) {
  const char *s = json_string_value(v);
  uint64_t x = 0;
  int ok = s && s[0] && (s[0] != '0' || !s[1]);
  for (; ok && *s; s++) {
    unsigned d = (unsigned)(*s - '0');
    ok = d <= 9 && x <= (UINT64_MAX - d) / 10;
    x = x * 10 + d;
  }
  if (ok) {
    *out = x;
    return 1;
  }
  fail(r, "%s: a decimal string of a 64-bit value is expected", name);
  return 0;
}

static const char *val_str(struct run *r, const json_t *v, const char *name) {
  const char *s = json_string_value(v);
  if (!s)
    fail(r, "%s: a string is expected", name);
  return s;
}

/* Hex bytes into memory kept until the test ends. */
static uint8_t *val_hex(struct run *r, const json_t *v, const char *name,
                        size_t *len) {
  const char *s = json_string_value(v);
  size_t n = s ? strlen(s) : 0;
  uint8_t *b = s ? keep(r, malloc(n / 2 + 1)) : NULL;
  *len = n / 2 + 1;
  if (!b || n % 2 || cwaku_hex_decode(b, len, s, n) != 0) {
    if (s)
      fail(r, "%s: hex bytes are expected", name);
    else
      fail(r, "%s: a hex string is expected", name);
    *len = 0;
    return NULL;
  }
  return b;
}

/* 32 bytes of hex into out. */
static int val_hex32(struct run *r, const json_t *v, const char *name,
                     uint8_t out[32]) {
  size_t n;
  const uint8_t *b = val_hex(r, v, name, &n);
  if (b && n != 32) {
    fail(r, "%s: %zu bytes, 32 expected", name, n);
    b = NULL;
  }
  if (b)
    memcpy(out, b, 32);
  return b != NULL;
}

static void cmp_fr(struct run *r, const json_t *v, const char *name,
                   const cwaku_fr *want) {
  cwaku_fr got;
  char a[CWAKU_FIELD_DEC_MAX], b[CWAKU_FIELD_DEC_MAX];
  if (val_fr(r, v, name, &got) && !cwaku__fr_equal(&got, want))
    fail(r, "%s: the file has %s, cwaku computes %s", name, dec(a, &got),
         dec(b, want));
}

static void cmp_bytes(struct run *r, const json_t *v, const char *name,
                      const uint8_t *want, size_t want_len) {
  size_t n;
  const uint8_t *got = val_hex(r, v, name, &n);
  if (!got)
    return;
  if (n != want_len) {
    fail(r, "%s: %zu bytes, cwaku computes %zu", name, n, want_len);
    return;
  }
  for (size_t i = 0; i < n; i++)
    if (got[i] != want[i]) {
      fail(r, "%s: differs from cwaku's at byte %zu (%02x, cwaku %02x)", name,
           i, got[i], want[i]);
      return;
    }
}

/* A field element as 32 bytes little-endian hex. */
static void cmp_fr_le(struct run *r, const json_t *v, const char *name,
                      const cwaku_fr *want) {
  uint8_t le[CWAKU_FIELD_BYTES];
  cwaku__fr_to_bytes_le(le, want);
  cmp_bytes(r, v, name, le, sizeof le);
}

static void cmp_u64(struct run *r, const json_t *v, const char *name,
                    uint64_t want) {
  uint64_t got;
  if (val_u64(r, v, name, &got) && got != want)
    fail(r, "%s: the file has %llu, cwaku computes %llu", name,
         (unsigned long long)got, (unsigned long long)want);
}

static void cmp_str(struct run *r, const json_t *v, const char *name,
                    const char *want) {
  const char *got = val_str(r, v, name);
  if (got && strcmp(got, want) != 0)
    fail(r, "%s: \"%s\" where \"%s\" is expected", name, got, want);
}

/* --- JSON objects ---------------------------------------------------------
 * An object is read through take(), which notes each key; obj_done() fails
 * the test for every key nobody took. */

struct obj {
  struct run *run;
  const json_t *j;
  char prefix[48]; /* prepended to key names in failures */
  const char *taken[OBJ_KEYS];
  size_t n_taken;
  char name[160]; /* the name of the key last taken */
};

static void obj_init(struct obj *o, struct run *r, const json_t *j,
                     const char *prefix) {
  o->run = r;
  o->j = j;
  o->n_taken = 0;
  snprintf(o->prefix, sizeof o->prefix, "%s", prefix);
  if (!json_is_object(j))
    fail(r, "%s: an object is expected", prefix[0] ? prefix : "the file");
}

/* The value of key (NULL, and a failure, when absent). o->name becomes the
 * key's name for messages. */
static const json_t *take(struct obj *o, const char *key) {
  if (o->n_taken < OBJ_KEYS)
    o->taken[o->n_taken++] = key;
  snprintf(o->name, sizeof o->name, "%s%s", o->prefix, key);
  const json_t *v = json_object_get(o->j, key);
  if (!v)
    fail(o->run, "%s: missing", o->name);
  return v;
}

/* Takes a key that only informs a reader (a description, a reason): its
 * being a non-empty string is all there is to check. */
static void take_note(struct obj *o, const char *key) {
  const json_t *v = take(o, key);
  if (v && (!json_is_string(v) || json_string_length(v) == 0))
    fail(o->run, "%s: a non-empty string is expected", o->name);
}

/* (After another failure the runner may have stopped reading the object:
 * then the keys it left are not reported.) */
static void obj_done(struct obj *o) {
  const char *key;
  json_t *v;
  if (o->run->test_failed)
    return;
  json_object_foreach((json_t *)o->j, key, v) {
    size_t i = 0;
    while (i < o->n_taken && strcmp(o->taken[i], key) != 0)
      i++;
    if (i == o->n_taken)
      fail(o->run, "%s%s: a key this runner does not check", o->prefix, key);
  }
}

static int o_fr(struct obj *o, const char *key, cwaku_fr *out) {
  const json_t *v = take(o, key);
  return v && val_fr(o->run, v, o->name, out);
}
static int o_int(struct obj *o, const char *key, long long min, long long max,
                 long long *out) {
  const json_t *v = take(o, key);
  return v && val_int(o->run, v, o->name, min, max, out);
}
static int o_u64(struct obj *o, const char *key, uint64_t *out) {
  const json_t *v = take(o, key);
  return v && val_u64(o->run, v, o->name, out);
}
static const char *o_str(struct obj *o, const char *key) {
  const json_t *v = take(o, key);
  return v ? val_str(o->run, v, o->name) : NULL;
}
static uint8_t *o_hex(struct obj *o, const char *key, size_t *len) {
  const json_t *v = take(o, key);
  *len = 0;
  return v ? val_hex(o->run, v, o->name, len) : NULL;
}
static void o_cmp_fr(struct obj *o, const char *key, const cwaku_fr *want) {
  const json_t *v = take(o, key);
  if (v)
    cmp_fr(o->run, v, o->name, want);
}
static void o_cmp_fr_le(struct obj *o, const char *key, const cwaku_fr *want) {
  const json_t *v = take(o, key);
  if (v)
    cmp_fr_le(o->run, v, o->name, want);
}
static void o_cmp_bytes(struct obj *o, const char *key, const uint8_t *want,
                        size_t n) {
  const json_t *v = take(o, key);
  if (v)
    cmp_bytes(o->run, v, o->name, want, n);
}
static void o_cmp_u64(struct obj *o, const char *key, uint64_t want) {
  const json_t *v = take(o, key);
  if (v)
    cmp_u64(o->run, v, o->name, want);
}
static void o_cmp_str(struct obj *o, const char *key, const char *want) {
  const json_t *v = take(o, key);
  if (v)
    cmp_str(o->run, v, o->name, want);
}

/* An array member of exactly n elements, or NULL (and a failure). */
static const json_t *o_array(struct obj *o, const char *key, size_t n) {
  const json_t *v = take(o, key);
  if (v && (!json_is_array(v) || json_array_size(v) != n)) {
    fail(o->run, "%s: an array of %zu is expected", o->name, n);
    v = NULL;
  }
  return v;
}

/* Arrays of field elements: decimal, and 32-byte LE hex. */
static int o_fr_array(struct obj *o, const char *key, cwaku_fr *out, size_t n) {
  const json_t *a = o_array(o, key, n);
  int ok = a != NULL;
  char name[200];
  for (size_t i = 0; a && i < n; i++) {
    snprintf(name, sizeof name, "%s[%zu]", o->name, i);
    ok &= val_fr(o->run, json_array_get(a, i), name, &out[i]);
  }
  return ok;
}
static void o_cmp_fr_array(struct obj *o, const char *key, const cwaku_fr *want,
                           size_t n) {
  const json_t *a = o_array(o, key, n);
  char name[200];
  for (size_t i = 0; a && i < n; i++) {
    snprintf(name, sizeof name, "%s[%zu]", o->name, i);
    cmp_fr(o->run, json_array_get(a, i), name, &want[i]);
  }
}
static void o_cmp_fr_le_array(struct obj *o, const char *key,
                              const cwaku_fr *want, size_t n) {
  const json_t *a = o_array(o, key, n);
  char name[200];
  for (size_t i = 0; a && i < n; i++) {
    snprintf(name, sizeof name, "%s[%zu]", o->name, i);
    cmp_fr_le(o->run, json_array_get(a, i), name, &want[i]);
  }
}
/* Path bits as JSON numbers 0/1 (or, as circom takes them, "0"/"1"). */
static void o_cmp_bits(struct obj *o, const char *key, const uint8_t *want,
                       size_t n, int as_strings) {
  const json_t *a = o_array(o, key, n);
  for (size_t i = 0; a && i < n; i++) {
    const json_t *b = json_array_get(a, i);
    const char *s = json_string_value(b);
    long long got = -1;
    if (!as_strings && json_is_integer(b))
      got = json_integer_value(b);
    else if (as_strings && s && (!strcmp(s, "0") || !strcmp(s, "1")))
      got = s[0] - '0';
    if (got != want[i])
      fail(o->run, "%s[%zu]: %s %u is expected", o->name, i,
           as_strings ? "the string" : "the number", want[i]);
  }
}

/* --- the header every file starts with ----------------------------------- */

/* The decimal of m from that of m - 1. */
static void dec_plus_one(char *s) {
  size_t n = strlen(s);
  while (n > 0 && s[n - 1] == '9')
    s[--n] = '0';
  if (n > 0) {
    s[n - 1]++;
  } else {
    memmove(s + 1, s, strlen(s) + 1);
    s[0] = '1';
  }
}

/* ../shared/rln/README.md "Encodings": kind, format_version, description,
 * curve, scalar_field_r, base_field_p, merkle_depth, public_signal_order,
 * encoding. Returns the kind, or NULL. */
static const char *check_header(struct run *r, struct obj *top) {
  char rdec[CWAKU_FIELD_DEC_MAX + 1], pdec[CWAKU_FIELD_DEC_MAX + 1];
  cwaku_fr fr_m1;
  cwaku_fp fp_m1;
  cwaku__fr_one(&fr_m1);
  cwaku__fr_neg(&fr_m1, &fr_m1);
  cwaku__fr_to_dec(rdec, &fr_m1);
  dec_plus_one(rdec);
  cwaku__fp_one(&fp_m1);
  cwaku__fp_neg(&fp_m1, &fp_m1);
  cwaku__fp_to_dec(pdec, &fp_m1);
  dec_plus_one(pdec);

  test_begin(r, "header");
  const char *kind = o_str(top, "kind");
  long long v;
  if (o_int(top, "format_version", 0, 1000, &v) && v != 1)
    fail(r, "format_version: %lld, this runner reads version 1", v);
  take_note(top, "description");
  o_cmp_str(top, "curve", "BN254");
  o_cmp_str(top, "scalar_field_r", rdec);
  o_cmp_str(top, "base_field_p", pdec);
  if (o_int(top, "merkle_depth", 0, 1000, &v) && v != CWAKU_MERKLE_DEPTH)
    fail(r, "merkle_depth: %lld, cwaku's tree has depth %d", v,
         CWAKU_MERKLE_DEPTH);
  const json_t *order = o_array(top, "public_signal_order", 5);
  for (size_t i = 0; order && i < 5; i++) {
    char name[64];
    snprintf(name, sizeof name, "public_signal_order[%zu]", i);
    cmp_str(r, json_array_get(order, i), name, signal_names[i]);
  }
  take_note(top, "encoding");
  /* the kind's own header keys are checked by its runner, in this test */
  return kind;
}

/* Ends the header test once the kind's runner has taken its own header
 * keys: every top-level key is then accounted for. */
static void header_end(struct run *r, struct obj *top) {
  obj_done(top);
  test_end(r);
}

/* --- poseidon.json -------------------------------------------------------- */

static void run_poseidon(struct run *r, struct obj *top) {
  const json_t *cases = take(top, "cases");
  header_end(r, top);
  size_t i;
  const json_t *c;
  json_array_foreach(cases, i, c) {
    struct obj o;
    cwaku_fr in[CWAKU_POSEIDON_MAX_INPUTS], out;
    long long arity;
    test_begin(r, "cases[%zu]", i);
    obj_init(&o, r, c, "");
    if (o_int(&o, "arity", 1, CWAKU_POSEIDON_MAX_INPUTS, &arity) &&
        o_fr_array(&o, "inputs", in, (size_t)arity)) {
      o_cmp_fr_le_array(&o, "inputs_le_hex", in, (size_t)arity);
      if (cwaku__poseidon(&out, in, (size_t)arity)) {
        o_cmp_fr(&o, "output", &out);
        o_cmp_fr_le(&o, "output_le_hex", &out);
      } else {
        fail(r, "Poseidon refuses %lld inputs", arity);
      }
    }
    obj_done(&o);
    test_end(r);
  }
  if (!json_is_array(cases) || json_array_size(cases) == 0) {
    test_begin(r, "cases");
    fail(r, "cases: a non-empty array is expected");
    test_end(r);
  }
}

/* --- merkle.json ---------------------------------------------------------- */

/* README "Merkle tree": bit h of the leaf index, 0 = a left child. */
static void bits_of(uint8_t bits[CWAKU_MERKLE_DEPTH], uint32_t index) {
  for (int h = 0; h < CWAKU_MERKLE_DEPTH; h++)
    bits[h] = (uint8_t)(index >> h & 1);
}

static void run_merkle(struct run *r, struct obj *top) {
  struct cwaku__merkle_tree *tree = cwaku__merkle_tree_new();
  cwaku_fr z[CWAKU_MERKLE_DEPTH + 1], root;
  /* README "Merkle tree": Z_0 = 0, Z_{i+1} = Poseidon(Z_i, Z_i) */
  cwaku__fr_zero(&z[0]);
  for (int h = 0; h < CWAKU_MERKLE_DEPTH; h++)
    cwaku__poseidon2(&z[h + 1], &z[h], &z[h]);
  if (!tree)
    fail(r, "out of memory");
  /* Every key of the file is taken here, in the header test; each value is
   * checked in the test of its own below. */
  const json_t *zero_leaf = take(top, "zero_leaf");
  const json_t *empty = o_array(top, "empty_subtree_roots", 21);
  const json_t *empty_le = o_array(top, "empty_subtree_roots_le_hex", 21);
  const json_t *empty_root = take(top, "empty_tree_root");
  const json_t *inserts = take(top, "inserts");
  const json_t *final_root = take(top, "final_root");
  const json_t *paths = take(top, "paths");
  header_end(r, top);
  if (!tree)
    return;

  test_begin(r, "zero_leaf");
  if (zero_leaf)
    cmp_fr(r, zero_leaf, "zero_leaf", &z[0]);
  test_end(r);
  for (unsigned h = 0; empty && empty_le && h <= CWAKU_MERKLE_DEPTH; h++) {
    char name[64];
    cwaku_fr lib;
    test_begin(r, "empty_subtree_roots[%u]", h);
    if (!cwaku__merkle_empty_root(&lib, h) || !cwaku__fr_equal(&lib, &z[h]))
      fail(r, "cwaku__merkle_empty_root(%u) differs from the Poseidon chain",
           h);
    snprintf(name, sizeof name, "empty_subtree_roots[%u]", h);
    cmp_fr(r, json_array_get(empty, h), name, &z[h]);
    snprintf(name, sizeof name, "empty_subtree_roots_le_hex[%u]", h);
    cmp_fr_le(r, json_array_get(empty_le, h), name, &z[h]);
    test_end(r);
  }
  test_begin(r, "empty_tree_root");
  cwaku__merkle_tree_root(tree, &root);
  if (!cwaku__fr_equal(&root, &z[CWAKU_MERKLE_DEPTH]))
    fail(r, "the root of cwaku's empty tree is not Z_20");
  if (empty_root)
    cmp_fr(r, empty_root, "empty_tree_root", &z[CWAKU_MERKLE_DEPTH]);
  test_end(r);

  size_t i;
  const json_t *c;
  json_array_foreach(inserts, i, c) {
    struct obj o;
    long long index;
    cwaku_fr leaf;
    test_begin(r, "inserts[%zu]", i);
    obj_init(&o, r, c, "");
    if (o_int(&o, "index", 0, CWAKU_MERKLE_LEAVES - 1, &index) &&
        o_fr(&o, "leaf", &leaf)) {
      o_cmp_fr_le(&o, "leaf_le_hex", &leaf);
      if (cwaku__merkle_tree_set(tree, (uint32_t)index, &leaf) != 0)
        fail(r, "cwaku__merkle_tree_set failed");
      cwaku__merkle_tree_root(tree, &root);
      o_cmp_fr(&o, "root_after", &root);
      o_cmp_fr_le(&o, "root_after_le_hex", &root);
    }
    obj_done(&o);
    test_end(r);
  }
  test_begin(r, "final_root");
  cwaku__merkle_tree_root(tree, &root);
  if (json_array_size(inserts) == 0)
    fail(r, "inserts: a non-empty array is expected");
  if (final_root)
    cmp_fr(r, final_root, "final_root", &root);
  test_end(r);

  json_array_foreach(paths, i, c) {
    struct obj o;
    long long index;
    cwaku_fr leaf, got_leaf, path_root;
    struct cwaku__merkle_path given, ours;
    test_begin(r, "paths[%zu]", i);
    obj_init(&o, r, c, "");
    if (o_int(&o, "index", 0, CWAKU_MERKLE_LEAVES - 1, &index) &&
        o_fr(&o, "leaf", &leaf) &&
        cwaku__merkle_tree_path(tree, &ours, (uint32_t)index) == 0 &&
        cwaku__merkle_tree_leaf(tree, &got_leaf, (uint32_t)index) == 0) {
      if (!cwaku__fr_equal(&leaf, &got_leaf))
        fail(r, "leaf: not the leaf inserted at index %lld", index);
      /* the path is the tree's, its bits those of the index */
      bits_of(given.index_bits, (uint32_t)index);
      if (memcmp(given.index_bits, ours.index_bits, CWAKU_MERKLE_DEPTH) != 0)
        fail(r, "cwaku's path bits are not those of index %lld", index);
      o_cmp_bits(&o, "path_index", given.index_bits, CWAKU_MERKLE_DEPTH, 0);
      if (o_fr_array(&o, "path_elements", given.elements, CWAKU_MERKLE_DEPTH)) {
        for (int h = 0; h < CWAKU_MERKLE_DEPTH; h++)
          if (!cwaku__fr_equal(&given.elements[h], &ours.elements[h]))
            fail(r, "path_elements[%d]: not the sibling in cwaku's tree", h);
        /* and, as the file gives it, it leads from the leaf to the root */
        if (!cwaku__merkle_path_root(&path_root, &leaf, &given) ||
            !cwaku__fr_equal(&path_root, &root))
          fail(r,
               "path_elements do not lead from the leaf at %lld to "
               "final_root",
               index);
      }
      o_cmp_fr_le_array(&o, "path_elements_le_hex", ours.elements,
                        CWAKU_MERKLE_DEPTH);
    }
    obj_done(&o);
    test_end(r);
  }
  if (json_array_size(paths) == 0) {
    test_begin(r, "paths");
    fail(r, "paths: a non-empty array is expected");
    test_end(r);
  }
  cwaku__merkle_tree_free(tree);
}

/* --- keys, proofs and messages ------------------------------------------- */

static cwaku_groth16_pvk pvk; /* about 110 KiB: not on the stack */
static const struct cwaku__prover *prover;

static int load_pvk(struct tool_result *res, const char *path) {
  FILE *f = fopen(path, "rb");
  char buf[CWAKU_GROTH16_JSON_MAX];
  size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
  if (f)
    fclose(f);
  cwaku_groth16_vk vk;
  if (!f || n == sizeof buf || !cwaku__groth16_vk_from_snarkjs(&vk, buf, n) ||
      vk.n_public != CWAKU_RLN_PUBLIC || !cwaku__groth16_prepare(&pvk, &vk))
    return tool_fail(res, CWAKU_EIO,
                     "cannot read an RLN verification key from %s (--vk)",
                     path);
  return 0;
}

static int proofs_equal(const cwaku_groth16_proof *a,
                        const cwaku_groth16_proof *b) {
  return cwaku__g1_equal(&a->a, &b->a) && cwaku__g2_equal(&a->b, &b->b) &&
         cwaku__g1_equal(&a->c, &b->c);
}

/* An arkworks proof given as hex, and the same proof as snarkjs JSON (one
 * of them may be absent: NULL key): both decode to one proof, whose
 * encoding is the hex bit for bit, and it verifies. The hex, when it is
 * 128 bytes, goes to ark; returns 1 when it decodes. */
static int check_proof(struct obj *o, const char *ark_key, const char *json_key,
                       const cwaku_fr *pub,
                       uint8_t ark[CWAKU_GROTH16_PROOF_BYTES]) {
  struct run *r = o->run;
  cwaku_groth16_proof p, pj;
  size_t n;
  const uint8_t *b = o_hex(o, ark_key, &n);
  char ark_name[sizeof o->name];
  snprintf(ark_name, sizeof ark_name, "%s", o->name);
  int ok = b && cwaku__groth16_proof_from_bytes(&p, b, n);
  if (b && n == CWAKU_GROTH16_PROOF_BYTES)
    memcpy(ark, b, CWAKU_GROTH16_PROOF_BYTES);
  if (b && !ok)
    fail(r, "%s: does not decode as an arkworks proof", ark_name);
  if (ok) {
    if (!cwaku__groth16_verify(&pvk, &p, pub, CWAKU_RLN_PUBLIC))
      fail(r, "%s: the proof does not verify", ark_name);
  }
  if (!json_key)
    return ok;
  const json_t *j = take(o, json_key);
  if (!j)
    return ok;
  const char *json_name = o->name;
  /* snarkjs' keys; protocol and curve are optional, the decoder checks
   * them when present */
  struct obj po;
  char prefix[sizeof po.prefix];
  snprintf(prefix, sizeof prefix, "%.*s.", (int)sizeof prefix - 2, json_name);
  obj_init(&po, r, j, prefix);
  take(&po, "pi_a");
  take(&po, "pi_b");
  take(&po, "pi_c");
  if (json_object_get(j, "protocol"))
    take(&po, "protocol");
  if (json_object_get(j, "curve"))
    take(&po, "curve");
  obj_done(&po);
  if (!cwaku__groth16_proof_from_json(&pj, j)) {
    fail(r, "%s: does not decode as a snarkjs proof", json_name);
    return ok;
  }
  uint8_t again[CWAKU_GROTH16_PROOF_BYTES];
  cwaku__groth16_proof_to_bytes(again, &pj);
  if (ok && (!proofs_equal(&p, &pj) || memcmp(again, b, sizeof again) != 0))
    fail(r, "%s and %s are not the same proof", json_name, ark_name);
  if (!cwaku__groth16_verify(&pvk, &pj, pub, CWAKU_RLN_PUBLIC))
    fail(r, "%s: the proof does not verify", json_name);
  return ok;
}

static const char *const wire_proof_names[7] = {
    "proof",   "merkle_root", "epoch",         "share_x",
    "share_y", "nullifier",   "rln_identifier"};

static const uint8_t *wire_proof_at(const struct cwaku__rln_wire_proof *p,
                                    int i, size_t *len) {
  const uint8_t *f[7] = {p->proof,         p->merkle_root, p->epoch,
                         p->share_x,       p->share_y,     p->nullifier,
                         p->rln_identifier};
  *len = i == 0 ? sizeof p->proof : CWAKU_FIELD_BYTES;
  return f[i];
}

/* What a message of the vectors must hold. */
struct msg_want {
  const uint8_t *payload;
  size_t payload_len;
  const char *content_topic;
  uint64_t timestamp;
  struct cwaku__rln_wire_proof proof;
};

/* rate_limit_proof_pb_hex, waku_message_pb_hex, message_hash_hex against
 * w; returns the message bytes (kept until the test ends) or NULL. */
static const uint8_t *check_wire(struct obj *o, const struct msg_want *w,
                                 const char *pubsub_topic, size_t *msg_len) {
  struct run *r = o->run;
  const char *pre = o->prefix; /* names the message in failures */
  size_t rlp_len, n;
  const uint8_t *rlp = o_hex(o, "rate_limit_proof_pb_hex", &rlp_len);
  if (rlp) {
    struct cwaku__rln_wire_proof got;
    int e = cwaku__rln_wire_proof_decode(&got, rlp, rlp_len);
    for (int i = 0; i < 7 && !e; i++) {
      size_t len;
      const uint8_t *a = wire_proof_at(&got, i, &len);
      const uint8_t *b = wire_proof_at(&w->proof, i, &len);
      if (memcmp(a, b, len) != 0)
        fail(r, "%srate_limit_proof_pb_hex: %s is not the expected value", pre,
             wire_proof_names[i]);
    }
    uint8_t again[CWAKU_RLN_WIRE_PROOF_BYTES];
    cwaku__rln_wire_proof_encode(again, &w->proof);
    if (e)
      fail(r, "%srate_limit_proof_pb_hex: does not decode (%s)", pre,
           cwaku_errname(e));
    else if (rlp_len != sizeof again || memcmp(again, rlp, rlp_len) != 0)
      fail(r, "%srate_limit_proof_pb_hex: not the encoding cwaku writes", pre);
  }
  const uint8_t *msg = o_hex(o, "waku_message_pb_hex", &n);
  const json_t *hash = take(o, "message_hash_hex");
  *msg_len = n;
  if (!msg)
    return NULL;
  struct cwaku_message m;
  int e = cwaku_message_decode(&m, msg, n, CWAKU_MESSAGE_MAX_DEFAULT);
  if (e) {
    fail(r, "%swaku_message_pb_hex: does not decode (%s)", pre,
         cwaku_errname(e));
    return msg;
  }
  if (m.payload_len != w->payload_len ||
      (m.payload_len && memcmp(m.payload, w->payload, m.payload_len) != 0))
    fail(r, "%swaku_message_pb_hex: payload is not payload_hex", pre);
  if (strcmp(m.content_topic, w->content_topic) != 0 ||
      m.content_topic_len != strlen(w->content_topic))
    fail(r, "%swaku_message_pb_hex: content topic \"%s\", not \"%s\"", pre,
         m.content_topic, w->content_topic);
  /* README "Wire": version 0, written explicitly */
  if (!m.has_version || m.version != 0)
    fail(r, "%swaku_message_pb_hex: version 0 is not written explicitly", pre);
  if (!m.has_timestamp || (uint64_t)m.timestamp != w->timestamp)
    fail(r, "%swaku_message_pb_hex: timestamp is not timestamp_ns", pre);
  if (m.has_meta || m.has_ephemeral)
    fail(r, "%swaku_message_pb_hex: meta or ephemeral is present", pre);
  if (rlp && (!m.has_rate_limit_proof || m.rate_limit_proof_len != rlp_len ||
              memcmp(m.rate_limit_proof, rlp, rlp_len) != 0))
    fail(r,
         "%swaku_message_pb_hex: rate_limit_proof is not "
         "rate_limit_proof_pb_hex",
         pre);
  uint8_t *again = NULL;
  size_t again_len = 0;
  if (cwaku_message_encode(&again, &again_len, &m, CWAKU_MESSAGE_MAX_DEFAULT) !=
          0 ||
      again_len != n || memcmp(again, msg, n) != 0)
    fail(r, "%swaku_message_pb_hex: not the encoding cwaku writes", pre);
  free(again);
  uint8_t h[CWAKU_MESSAGE_HASH_BYTES];
  if (pubsub_topic) {
    cwaku_message_hash(h, pubsub_topic, &m);
    if (hash) {
      char name[80];
      snprintf(name, sizeof name, "%smessage_hash_hex", pre);
      cmp_bytes(r, hash, name, h, sizeof h);
    }
  }
  cwaku_message_clear(&m);
  return msg;
}

/* README "Wire": /waku/2/rs/1/<shard>, shard 0..7. */
static const char *o_pubsub_topic(struct obj *o) {
  const char *t = o_str(o, "pubsub_topic");
  uint16_t cluster, shard;
  if (t && (cwaku_static_shard_parse(&cluster, &shard, t) != 0 ||
            cluster != 1 || shard > 7))
    fail(o->run, "pubsub_topic: \"%s\" is not /waku/2/rs/1/<0..7>", t);
  return t;
}

/* zerokit's serialized witness (README "Proofs"). */
static int zerokit_witness_parse(struct cwaku__rln_inputs *in, const uint8_t *b,
                                 size_t n) {
  struct cwaku__rcur c;
  int ok = 1;
  cwaku__rcur_init(&c, b, n);
  memset(in, 0, sizeof *in);
  const uint8_t *v = cwaku__rcur_take(&c, 96);
  ok &= v && cwaku__fr_from_bytes_le(&in->identity_secret, v) &&
        cwaku__fr_from_bytes_le(&in->user_message_limit, v + 32) &&
        cwaku__fr_from_bytes_le(&in->message_id, v + 64);
  ok &= cwaku__rcur_le64(&c) == CWAKU_RLN_DEPTH;
  for (int i = 0; ok && i < CWAKU_RLN_DEPTH; i++) {
    v = cwaku__rcur_take(&c, 32);
    ok = v && cwaku__fr_from_bytes_le(&in->path_elements[i], v);
  }
  ok &= cwaku__rcur_le64(&c) == CWAKU_RLN_DEPTH;
  for (int i = 0; ok && i < CWAKU_RLN_DEPTH; i++) {
    in->path_index[i] = cwaku__rcur_u8(&c);
    ok = in->path_index[i] <= 1;
  }
  v = cwaku__rcur_take(&c, 64);
  ok &= v && cwaku__fr_from_bytes_le(&in->x, v) &&
        cwaku__fr_from_bytes_le(&in->external_nullifier, v + 32);
  return ok && !cwaku__rcur_err(&c) && cwaku__rcur_left(&c) == 0;
}

/* The name of the first circuit input where a and b differ, or NULL. */
static const char *inputs_differ(const struct cwaku__rln_inputs *a,
                                 const struct cwaku__rln_inputs *b) {
  if (!cwaku__fr_equal(&a->identity_secret, &b->identity_secret))
    return "identitySecret";
  if (!cwaku__fr_equal(&a->user_message_limit, &b->user_message_limit))
    return "userMessageLimit";
  if (!cwaku__fr_equal(&a->message_id, &b->message_id))
    return "messageId";
  for (int i = 0; i < CWAKU_RLN_DEPTH; i++)
    if (!cwaku__fr_equal(&a->path_elements[i], &b->path_elements[i]))
      return "pathElements";
  if (memcmp(a->path_index, b->path_index, sizeof a->path_index) != 0)
    return "identityPathIndex";
  if (!cwaku__fr_equal(&a->x, &b->x))
    return "x";
  if (!cwaku__fr_equal(&a->external_nullifier, &b->external_nullifier))
    return "externalNullifier";
  return NULL;
}

/* --- rln_cases.json ------------------------------------------------------- */

/* The message, then the same with our own proof in place of the file's,
 * through the relay check. */
static void check_validation(struct obj *o, const uint8_t *msg, size_t len,
                             const char *topic, const struct msg_want *w,
                             const cwaku_fr *pub, const cwaku_fr *root,
                             const uint8_t hash_want[32], int own_proof,
                             const cwaku_fr *witness) {
  struct run *r = o->run;
  uint64_t now;
  cwaku_fr roots[8];
  size_t n_roots = 0;
  const json_t *jr = take(o, "valid_roots");
  int have_now = o_u64(o, "now_ns", &now);
  if (!json_is_array(jr) || json_array_size(jr) < 1 ||
      json_array_size(jr) > 8) {
    fail(r, "valid_roots: an array of 1..8 roots is expected");
    return;
  }
  int root_listed = 0;
  for (size_t i = 0; i < json_array_size(jr); i++) {
    char name[32];
    snprintf(name, sizeof name, "valid_roots[%zu]", i);
    if (!val_fr(r, json_array_get(jr, i), name, &roots[n_roots]))
      return;
    root_listed |= cwaku__fr_equal(&roots[n_roots++], root);
  }
  if (!root_listed)
    fail(r, "valid_roots: the case's root is not among them");
  if (!have_now || !msg || !topic || now > INT64_MAX)
    return;
  struct cwaku__rln_validated v;
  int e = cwaku__rln_validate(&pvk, &v, msg, len, topic, (int64_t)now, roots,
                              n_roots);
  if (e) {
    fail(r, "the relay check refuses the message: %s (%s)", cwaku_errname(e),
         cwaku_strerror(e));
  } else if (v.epoch != cwaku__rln_epoch(w->timestamp) ||
             !cwaku__fr_equal(&v.share.y, &pub[0]) ||
             !cwaku__fr_equal(&v.root, &pub[1]) ||
             !cwaku__fr_equal(&v.share.nullifier, &pub[2]) ||
             !cwaku__fr_equal(&v.share.x, &pub[3]) ||
             !cwaku__fr_equal(&v.external_nullifier, &pub[4]) ||
             memcmp(v.message_hash, hash_want, 32) != 0) {
    fail(r, "the relay check accepts the message but reports other values");
  }
  if (!own_proof)
    return;

  /* Our proof of the same witness, in the same message. */
  cwaku_groth16_proof p;
  if (cwaku__prover_prove(&p.a, &p.b, &p.c, prover, witness,
                          cwaku_rng_system()) != 0) {
    fail(r, "cwaku's prover failed");
    return;
  }
  if (!cwaku__groth16_verify(&pvk, &p, pub, CWAKU_RLN_PUBLIC)) {
    fail(r, "cwaku's own proof does not verify");
    return;
  }
  struct cwaku__rln_wire_proof wp = w->proof;
  uint8_t rlp[CWAKU_RLN_WIRE_PROOF_BYTES];
  cwaku__groth16_proof_to_bytes(wp.proof, &p);
  cwaku__rln_wire_proof_encode(rlp, &wp);
  struct cwaku_message m;
  cwaku_message_init(&m, w->content_topic, w->payload, w->payload_len);
  m.has_version = 1;
  m.has_timestamp = 1;
  m.timestamp = (int64_t)w->timestamp;
  m.has_rate_limit_proof = 1;
  m.rate_limit_proof = rlp;
  m.rate_limit_proof_len = sizeof rlp;
  uint8_t *enc = NULL;
  size_t enc_len = 0;
  e = cwaku_message_encode(&enc, &enc_len, &m, CWAKU_MESSAGE_MAX_DEFAULT);
  if (!e)
    e = cwaku__rln_validate(&pvk, NULL, enc, enc_len, topic, (int64_t)now,
                            roots, n_roots);
  free(enc);
  if (e)
    fail(r, "the message with cwaku's own proof is refused: %s",
         cwaku_errname(e));
}

static void run_case(struct run *r, struct obj *o, size_t index,
                     int own_proof) {
  long long id, limit, mid, leaf_index;
  cwaku_fr trapdoor, nullifier, root, path_root;
  struct cwaku__rln_identity ident;
  struct cwaku__merkle_path path;
  struct msg_want w;
  memset(&w, 0, sizeof w);

  if (o_int(o, "id", 0, 1 << 30, &id) && id != (long long)index)
    fail(r, "id: %lld, the case's index is %zu", id, index);
  /* identity: a0 = Poseidon(trapdoor, nullifier), id_commitment */
  if (!o_fr(o, "identity_trapdoor", &trapdoor) ||
      !o_fr(o, "identity_nullifier", &nullifier))
    return;
  cwaku__rln_identity_from_keys(&ident, &trapdoor, &nullifier);
  o_cmp_fr(o, "identity_secret", &ident.secret);
  o_cmp_fr_le(o, "identity_secret_le_hex", &ident.secret);
  o_cmp_fr(o, "id_commitment", &ident.commitment);
  o_cmp_fr_le(o, "id_commitment_le_hex", &ident.commitment);

  /* membership: rate_commitment is the leaf, the path leads to root */
  cwaku_fr rate;
  if (!o_int(o, "user_message_limit", 1, CWAKU_RLN_MAX_USER_MESSAGE_LIMIT,
             &limit) ||
      !o_int(o, "message_id", 0, limit - 1, &mid) ||
      !o_int(o, "leaf_index", 0, CWAKU_MERKLE_LEAVES - 1, &leaf_index) ||
      !cwaku__rln_rate_commitment(&rate, &ident.commitment, (uint32_t)limit))
    return;
  o_cmp_fr(o, "rate_commitment", &rate);
  o_cmp_fr_le(o, "rate_commitment_le_hex", &rate);
  bits_of(path.index_bits, (uint32_t)leaf_index);
  o_cmp_bits(o, "identity_path_index", path.index_bits, CWAKU_MERKLE_DEPTH, 0);
  if (!o_fr_array(o, "path_elements", path.elements, CWAKU_MERKLE_DEPTH) ||
      !cwaku__merkle_path_root(&path_root, &rate, &path))
    return;
  o_cmp_fr(o, "root", &path_root);
  o_cmp_fr_le(o, "root_le_hex", &path_root);
  root = path_root;

  /* the message and its signal */
  size_t payload_len, signal_len;
  const uint8_t *payload = o_hex(o, "payload_hex", &payload_len);
  const char *topic = o_str(o, "content_topic");
  uint64_t ts;
  if (!payload || !topic || !o_u64(o, "timestamp_ns", &ts))
    return;
  signal_len = cwaku__rln_signal_len(payload_len, strlen(topic));
  uint8_t *signal = keep(r, malloc(signal_len));
  if (!signal)
    return;
  cwaku__rln_signal(signal, payload, payload_len, topic, strlen(topic), ts);
  o_cmp_bytes(o, "signal_hex", signal, signal_len);
  cwaku_fr x, x2;
  cwaku__rln_hash_to_field(&x, signal, signal_len);
  cwaku__rln_signal_hash(&x2, payload, payload_len, topic, strlen(topic), ts);
  if (!cwaku__fr_equal(&x, &x2))
    fail(r, "cwaku__rln_signal_hash differs from hashing the signal");
  o_cmp_fr(o, "x", &x);
  o_cmp_fr_le(o, "x_le_hex", &x);

  /* epoch, rln_identifier, external nullifier */
  uint64_t epoch = cwaku__rln_epoch(ts);
  uint8_t epoch_bytes[CWAKU_RLN_EPOCH_BYTES], id_bytes[32];
  cwaku_fr epoch_hash, id_hash, ext, ext2;
  cwaku__rln_epoch_bytes(epoch_bytes, epoch);
  if (!cwaku__rln_identifier_bytes(id_bytes, CWAKU_RLN_IDENTIFIER,
                                   strlen(CWAKU_RLN_IDENTIFIER)))
    return;
  o_cmp_u64(o, "epoch", epoch);
  o_cmp_bytes(o, "epoch_le_hex", epoch_bytes, sizeof epoch_bytes);
  cwaku__rln_hash_to_field(&epoch_hash, epoch_bytes, sizeof epoch_bytes);
  o_cmp_fr(o, "epoch_hash", &epoch_hash);
  o_cmp_bytes(o, "rln_identifier_hex", id_bytes, sizeof id_bytes);
  cwaku__rln_hash_to_field(&id_hash, id_bytes, sizeof id_bytes);
  o_cmp_fr(o, "rln_identifier_hash", &id_hash);
  cwaku__poseidon2(&ext, &epoch_hash, &id_hash);
  cwaku__rln_external_nullifier(&ext2, epoch_bytes, id_bytes);
  if (!cwaku__fr_equal(&ext, &ext2))
    fail(r, "cwaku__rln_external_nullifier differs from its definition");
  o_cmp_fr(o, "external_nullifier", &ext);
  o_cmp_fr_le(o, "external_nullifier_le_hex", &ext);

  /* a1, the share, the public signals */
  cwaku_fr a1;
  struct cwaku__rln_share share;
  if (!cwaku__rln_a1(&a1, &ident.secret, &ext, (uint32_t)mid,
                     (uint32_t)limit) ||
      !cwaku__rln_share(&share, &ident.secret, &ext, (uint32_t)mid,
                        (uint32_t)limit, &x)) {
    fail(r, "cwaku refuses message_id %lld with limit %lld", mid, limit);
    return;
  }
  o_cmp_fr(o, "a1", &a1);
  o_cmp_fr(o, "y", &share.y);
  o_cmp_fr_le(o, "y_le_hex", &share.y);
  o_cmp_fr(o, "nullifier", &share.nullifier);
  o_cmp_fr_le(o, "nullifier_le_hex", &share.nullifier);
  cwaku_fr pub[CWAKU_RLN_PUBLIC_SIGNALS];
  cwaku__rln_public_signals(pub, &share, &root, &ext);
  o_cmp_fr_array(o, "public_signals", pub, CWAKU_RLN_PUBLIC_SIGNALS);
  o_cmp_fr_le_array(o, "public_signals_le_hex", pub, CWAKU_RLN_PUBLIC_SIGNALS);

  /* the circuit's inputs, as JSON and as zerokit serializes them */
  struct cwaku__rln_inputs in, got;
  in.identity_secret = ident.secret;
  cwaku__fr_from_u64(&in.user_message_limit, (uint64_t)limit);
  cwaku__fr_from_u64(&in.message_id, (uint64_t)mid);
  memcpy(in.path_elements, path.elements, sizeof in.path_elements);
  memcpy(in.path_index, path.index_bits, sizeof in.path_index);
  in.x = x;
  in.external_nullifier = ext;
  const json_t *ci = take(o, "circuit_inputs");
  if (ci) {
    struct obj co;
    const char *diff;
    obj_init(&co, r, ci, "circuit_inputs.");
    static const char *const keys[] = {"identitySecret",    "userMessageLimit",
                                       "messageId",         "pathElements",
                                       "identityPathIndex", "x",
                                       "externalNullifier"};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
      take(&co, keys[k]);
    if (!cwaku__rln_inputs_from_json(&got, ci))
      fail(r, "circuit_inputs: cwaku cannot read them");
    else if ((diff = inputs_differ(&got, &in)) != NULL)
      fail(r, "circuit_inputs.%s: not the case's value", diff);
    else
      o_cmp_bits(&co, "identityPathIndex", in.path_index, CWAKU_RLN_DEPTH, 1);
    obj_done(&co);
  }
  size_t n;
  const uint8_t *zw = o_hex(o, "zerokit_witness_hex", &n);
  if (zw) {
    const char *diff;
    if (!zerokit_witness_parse(&got, zw, n))
      fail(r, "zerokit_witness_hex: not zerokit's serialized witness");
    else if ((diff = inputs_differ(&got, &in)) != NULL)
      fail(r, "zerokit_witness_hex: %s is not the case's value", diff);
  }

  /* the witness, natively: its public wires are the public signals */
  cwaku_fr *witness = keep(r, malloc(CWAKU_RLN_WIRES * sizeof *witness));
  if (!witness)
    return;
  if (cwaku__rln_witness(witness, &in) != 0) {
    fail(r, "cwaku finds no witness for the case's inputs");
    return;
  }
  for (int i = 0; i < CWAKU_RLN_PUBLIC; i++)
    if (!cwaku__fr_equal(&witness[1 + i], &pub[i]))
      fail(r, "native witness: wire %d is not %s", 1 + i, signal_names[i]);

  /* the proofs: zerokit's and snarkjs', each in both forms */
  uint8_t ark[CWAKU_GROTH16_PROOF_BYTES] = {0};
  uint8_t snark_ark[CWAKU_GROTH16_PROOF_BYTES];
  int have_ark = check_proof(o, "proof_zerokit_ark_hex",
                             "proof_zerokit_snarkjs", pub, ark);
  check_proof(o, "proof_snarkjs_ark_hex", "proof_snarkjs", pub, snark_ark);
  /* zerokit's output: proof || root || external_nullifier || x || y ||
   * nullifier */
  if (have_ark) {
    uint8_t out288[288];
    memcpy(out288, ark, 128);
    cwaku__fr_to_bytes_le(out288 + 128, &root);
    cwaku__fr_to_bytes_le(out288 + 160, &ext);
    cwaku__fr_to_bytes_le(out288 + 192, &x);
    cwaku__fr_to_bytes_le(out288 + 224, &share.y);
    cwaku__fr_to_bytes_le(out288 + 256, &share.nullifier);
    o_cmp_bytes(o, "zerokit_output_288_hex", out288, sizeof out288);
  } else {
    take(o, "zerokit_output_288_hex");
  }

  /* the wire */
  const char *pubsub = o_pubsub_topic(o);
  w.payload = payload;
  w.payload_len = payload_len;
  w.content_topic = topic;
  w.timestamp = ts;
  memcpy(w.proof.proof, ark, sizeof ark);
  cwaku__fr_to_bytes_le(w.proof.merkle_root, &root);
  memcpy(w.proof.epoch, epoch_bytes, sizeof epoch_bytes);
  cwaku__fr_to_bytes_le(w.proof.share_x, &x);
  cwaku__fr_to_bytes_le(w.proof.share_y, &share.y);
  cwaku__fr_to_bytes_le(w.proof.nullifier, &share.nullifier);
  memcpy(w.proof.rln_identifier, id_bytes, sizeof id_bytes);
  size_t msg_len;
  const uint8_t *msg = check_wire(o, &w, pubsub, &msg_len);

  /* the relay check, with the file's proof and with ours */
  uint8_t hash[CWAKU_MESSAGE_HASH_BYTES];
  struct cwaku_message m;
  cwaku_message_init(&m, topic, payload, payload_len);
  m.has_timestamp = 1;
  m.timestamp = (int64_t)ts;
  if (pubsub)
    cwaku_message_hash(hash, pubsub, &m);
  check_validation(o, have_ark ? msg : NULL, msg_len, pubsub, &w, pub, &root,
                   hash, own_proof, witness);
  cwaku__rln_identity_clear(&ident);
}

static void run_rln_cases(struct run *r, struct obj *top, int own_proof) {
  const json_t *cases = take(top, "cases");
  header_end(r, top);
  size_t i;
  const json_t *c;
  json_array_foreach(cases, i, c) {
    struct obj o;
    test_begin(r, "cases[%zu]", i);
    obj_init(&o, r, c, "");
    run_case(r, &o, i, own_proof);
    obj_done(&o);
    test_end(r);
  }
  if (json_array_size(cases) == 0) {
    test_begin(r, "cases");
    fail(r, "cases: a non-empty array is expected");
    test_end(r);
  }
  json_object_set_new(r->extra, "own_proofs", json_boolean(own_proof));
}

/* --- rln_witness.json ----------------------------------------------------- */

/* The circuit's inputs from their wires (specs/rln-circuit.md §5). */
static int inputs_from_wires(struct cwaku__rln_inputs *in, const cwaku_fr *w) {
  in->x = w[CWAKU_RLN_W_X];
  in->external_nullifier = w[CWAKU_RLN_W_EXTERNAL_NULLIFIER];
  in->identity_secret = w[CWAKU_RLN_W_IDENTITY_SECRET];
  in->user_message_limit = w[CWAKU_RLN_W_USER_MESSAGE_LIMIT];
  in->message_id = w[CWAKU_RLN_W_MESSAGE_ID];
  for (int i = 0; i < CWAKU_RLN_DEPTH; i++) {
    cwaku_fr one;
    cwaku__fr_one(&one);
    in->path_elements[i] = w[9 + i];
    if (cwaku__fr_is_zero(&w[29 + i]))
      in->path_index[i] = 0;
    else if (cwaku__fr_equal(&w[29 + i], &one))
      in->path_index[i] = 1;
    else
      return 0;
  }
  return 1;
}

static void run_rln_witness(struct run *r, struct obj *top,
                            const json_t *cases) {
  long long wires;
  if (o_int(top, "wires", 0, 1 << 30, &wires) && wires != CWAKU_RLN_WIRES)
    fail(r, "wires: %lld, the circuit has %d", wires, CWAKU_RLN_WIRES);
  take_note(top, "layout");
  const json_t *ws = take(top, "witnesses");
  header_end(r, top);
  if (!json_is_object(ws) || json_object_size(ws) == 0) {
    test_begin(r, "witnesses");
    fail(r, "witnesses: a non-empty object is expected");
    test_end(r);
    return;
  }
  const char *key;
  const json_t *arr;
  json_object_foreach((json_t *)ws, key, arr) {
    test_begin(r, "witnesses[\"%s\"]", key);
    cwaku_fr *given = keep(r, malloc(CWAKU_RLN_WIRES * sizeof *given));
    cwaku_fr *ours = keep(r, malloc(CWAKU_RLN_WIRES * sizeof *ours));
    struct cwaku__rln_inputs in;
    int ok = given && ours;
    if (ok && (!json_is_array(arr) ||
               json_array_size(arr) != (size_t)CWAKU_RLN_WIRES)) {
      fail(r, "an array of %d wires is expected", CWAKU_RLN_WIRES);
      ok = 0;
    }
    for (size_t i = 0; ok && i < CWAKU_RLN_WIRES; i++) {
      char name[48];
      snprintf(name, sizeof name, "wire %zu", i);
      ok = val_fr(r, json_array_get(arr, i), name, &given[i]);
    }
    if (ok && !inputs_from_wires(&in, given)) {
      fail(r, "an identityPathIndex wire is neither 0 nor 1");
      ok = 0;
    }
    if (ok && cwaku__rln_witness(ours, &in) != 0) {
      fail(r, "cwaku finds no witness for the inputs on the input wires");
      ok = 0;
    }
    size_t differ = 0, first = 0;
    for (size_t i = 0; ok && i < CWAKU_RLN_WIRES; i++)
      if (!cwaku__fr_equal(&given[i], &ours[i]) && differ++ == 0)
        first = i;
    if (differ)
      fail(r, "%zu of %d wires differ from cwaku's witness, the first is %zu",
           differ, CWAKU_RLN_WIRES, first);
    /* Beside rln_cases.json: the inputs are those of case <key>. */
    char *end;
    long id = strtol(key, &end, 10);
    const json_t *c = cases && key[0] && !*end && id >= 0
                          ? json_array_get(cases, (size_t)id)
                          : NULL;
    if (ok && cases) {
      struct cwaku__rln_inputs want;
      const char *diff = NULL;
      if (!c || !cwaku__rln_inputs_from_json(
                    &want, json_object_get(c, "circuit_inputs")))
        fail(r, "rln_cases.json has no case %s to compare with", key);
      else if ((diff = inputs_differ(&in, &want)) != NULL)
        fail(r, "the input wires are not case %s's inputs: %s differs", key,
             diff);
    }
    test_end(r);
  }
  json_object_set_new(r->extra, "compared_with_rln_cases",
                      json_boolean(cases != NULL));
}

/* --- rln_negative.json ---------------------------------------------------- */

/* The kinds of README "vectors/rln_negative.json", with the verdict each
 * gets: at the proof level, what stops it ("decode": the proof bytes,
 * "input": a public input >= r, "pairing": the Groth16 check; NULL: it
 * verifies), and the relay check's code. */
static const struct neg_kind {
  const char *kind;
  const char *proof_level;
  int message_level;
} neg_kinds[] = {
    {"flip_a", "pairing", CWAKU_EPROOF},
    {"flip_b", "decode", CWAKU_EPROOF},
    {"flip_c", "pairing", CWAKU_EPROOF},
    {"x_plus_1", "pairing", CWAKU_ESIGNAL},
    {"wrong_root", "pairing", CWAKU_EPROOF},
    {"wrong_ext", "pairing", CWAKU_EPROOF},
    {"y_swapped", "pairing", CWAKU_EPROOF},
    {"noncanon_x", "input", CWAKU_ERANGE},
    {"a_off_curve", "decode", CWAKU_EPROOF},
    {"inf_a", "decode", CWAKU_EPROOF},
    {"truncated", "decode", CWAKU_EMALFORMED},
    {"epoch_far", NULL, CWAKU_EEPOCH},
};

/* A decimal string of any value below 2^256 as 32 bytes little-endian. */
static int dec_to_le256(uint8_t out[32], const char *s) {
  memset(out, 0, 32);
  if (!s || !s[0] || (s[0] == '0' && s[1]))
    return 0;
  for (; *s; s++) {
    unsigned carry = (unsigned)(*s - '0');
    if (carry > 9)
      return 0;
    for (int i = 0; i < 32; i++) {
      carry += out[i] * 10u;
      out[i] = (uint8_t)carry;
      carry >>= 8;
    }
    if (carry)
      return 0;
  }
  return 1;
}

/* a + b on 32-byte little-endian integers; 0 on overflow. */
static int add_le256(uint8_t out[32], const uint8_t a[32],
                     const uint8_t b[32]) {
  unsigned carry = 0;
  for (int i = 0; i < 32; i++) {
    carry += (unsigned)a[i] + b[i];
    out[i] = (uint8_t)carry;
    carry >>= 8;
  }
  return carry == 0;
}

/* The fields of a RateLimitProof whatever their length: the last of each
 * of 1..7, pointing into in. 0 when the framing is broken. */
struct raw_field {
  const uint8_t *p;
  size_t n;
};
static int raw_fields(struct raw_field f[8], const uint8_t *in, size_t len) {
  struct cwaku__rcur c;
  memset(f, 0, 8 * sizeof *f);
  cwaku__rcur_init(&c, in, len);
  while (cwaku__rcur_left(&c) && !cwaku__rcur_err(&c)) {
    uint64_t key = cwaku__rcur_pbvarint(&c);
    uint64_t n = cwaku__rcur_pbvarint(&c);
    if ((key & 7) != 2 || n > cwaku__rcur_left(&c))
      return 0;
    const uint8_t *p = cwaku__rcur_take(&c, (size_t)n);
    if (key >> 3 >= 1 && key >> 3 <= 7)
      f[key >> 3] = (struct raw_field){p, (size_t)n};
  }
  return !cwaku__rcur_err(&c);
}

static int raw_is(const struct raw_field *f, const uint8_t *want, size_t n) {
  return f->p && f->n == n && memcmp(f->p, want, n) == 0;
}

/* Beside rln_cases.json: the case is base_case's message, on its topic,
 * received at its time, with another RateLimitProof. */
static void check_base(struct run *r, const json_t *base,
                       const struct cwaku_message *m, const char *topic,
                       const json_t *now) {
  const char *payload = json_string_value(json_object_get(base, "payload_hex"));
  const char *ct = json_string_value(json_object_get(base, "content_topic"));
  const char *ts = json_string_value(json_object_get(base, "timestamp_ns"));
  const char *bt = json_string_value(json_object_get(base, "pubsub_topic"));
  const char *bn = json_string_value(json_object_get(base, "now_ns"));
  char hex[2 * 256 + 1], tsdec[24];
  size_t hex_len = sizeof hex;
  snprintf(tsdec, sizeof tsdec, "%llu", (unsigned long long)m->timestamp);
  if (!payload || !ct || !ts || !bt || !bn ||
      cwaku_hex_encode(hex, &hex_len, m->payload,
                       m->payload_len < 256 ? m->payload_len : 0) != 0 ||
      strcmp(hex, payload) != 0 || strcmp(ct, m->content_topic) != 0 ||
      strcmp(ts, tsdec) != 0)
    fail(r, "the message is not base_case's (payload, content topic, "
            "timestamp)");
  if (!topic || !bt || strcmp(topic, bt) != 0 ||
      !json_equal((json_t *)now, json_object_get(base, "now_ns")))
    fail(r, "pubsub_topic or now_ns is not base_case's");
}

static void run_negative_case(struct run *r, struct obj *o, size_t index,
                              const json_t *base_cases, json_t *report) {
  long long id, base;
  if (o_int(o, "id", 0, 1 << 30, &id) && id != (long long)index)
    fail(r, "id: %lld, the case's index is %zu", id, index);
  if (!o_int(o, "base_case", 0, 1 << 30, &base))
    base = -1;
  const char *kind = o_str(o, "kind");
  take_note(o, "reason");
  if (json_object_get(o->j, "note"))
    take_note(o, "note");
  /* what other implementations answered: {"name": "verdict", ...} */
  const json_t *refs = take(o, "reference_results");
  const char *ref_name;
  const json_t *ref;
  if (refs && (!json_is_object(refs) || json_object_size(refs) == 0))
    fail(r, "reference_results: an object is expected");
  json_object_foreach((json_t *)refs, ref_name, ref) {
    if (!json_is_string(ref))
      fail(r, "reference_results.%s: a string is expected", ref_name);
  }
  o_cmp_str(o, "expected", "reject");
  const struct neg_kind *k = NULL;
  for (size_t i = 0; kind && i < sizeof neg_kinds / sizeof neg_kinds[0]; i++)
    if (strcmp(kind, neg_kinds[i].kind) == 0)
      k = &neg_kinds[i];
  if (kind && !k)
    fail(r, "kind: \"%s\" is not a kind this runner knows", kind);
  int at_proof = 0, at_message = 0;
  const json_t *ra = take(o, "reject_at");
  for (size_t i = 0; i < json_array_size(ra); i++) {
    const char *s = json_string_value(json_array_get(ra, i));
    if (s && !strcmp(s, "proof") && !at_proof)
      at_proof = 1;
    else if (s && !strcmp(s, "message") && !at_message)
      at_message = 1;
    else
      fail(r, "reject_at[%zu]: \"proof\" or \"message\", once each", i);
  }
  if (!at_proof && !at_message)
    fail(r, "reject_at: names no level");

  /* What the case holds, and that its parts agree. */
  size_t msg_len, rlp_len, proof_len, signal_len;
  const char *topic = o_pubsub_topic(o);
  const uint8_t *msg = o_hex(o, "waku_message_pb_hex", &msg_len);
  const uint8_t *rlp = o_hex(o, "rate_limit_proof_pb_hex", &rlp_len);
  const uint8_t *proof = o_hex(o, "proof_ark_hex", &proof_len);
  const uint8_t *signal = o_hex(o, "signal_hex", &signal_len);
  uint8_t pub_le[CWAKU_RLN_PUBLIC_SIGNALS][32];
  const json_t *pd = o_array(o, "public_signals", CWAKU_RLN_PUBLIC_SIGNALS);
  const json_t *ph =
      o_array(o, "public_signals_le_hex", CWAKU_RLN_PUBLIC_SIGNALS);
  int have_pub = pd && ph;
  for (size_t i = 0; have_pub && i < CWAKU_RLN_PUBLIC_SIGNALS; i++) {
    uint8_t from_dec[32];
    char name[48];
    snprintf(name, sizeof name, "public_signals_le_hex[%zu]", i);
    have_pub = val_hex32(r, json_array_get(ph, i), name, pub_le[i]);
    if (have_pub &&
        (!dec_to_le256(from_dec, json_string_value(json_array_get(pd, i))) ||
         memcmp(from_dec, pub_le[i], 32) != 0))
      fail(r, "public_signals[%zu] is not public_signals_le_hex[%zu]", i, i);
  }
  struct cwaku_message m;
  struct raw_field f[8];
  memset(f, 0, sizeof f);
  int have_msg = msg && cwaku_message_decode(&m, msg, msg_len,
                                             CWAKU_MESSAGE_MAX_DEFAULT) == 0;
  if (msg && !have_msg)
    fail(r, "waku_message_pb_hex: does not decode");
  cwaku_fr x;
  cwaku__fr_zero(&x);
  if (have_msg) {
    if (!m.has_timestamp)
      fail(r, "waku_message_pb_hex: no timestamp");
    size_t sl = cwaku__rln_signal_len(m.payload_len, m.content_topic_len);
    uint8_t *s = keep(r, malloc(sl));
    if (s) {
      cwaku__rln_signal(s, m.payload, m.payload_len, m.content_topic,
                        m.content_topic_len, (uint64_t)m.timestamp);
      if (signal && (sl != signal_len || memcmp(s, signal, sl) != 0))
        fail(r, "signal_hex: not the signal of the message");
      cwaku__rln_hash_to_field(&x, s, sl);
    }
    if (rlp && (!m.has_rate_limit_proof || m.rate_limit_proof_len != rlp_len ||
                memcmp(m.rate_limit_proof, rlp, rlp_len) != 0))
      fail(r, "waku_message_pb_hex: its rate_limit_proof is not "
              "rate_limit_proof_pb_hex");
    if (base_cases) {
      const json_t *b = json_array_get(base_cases, (size_t)base);
      if (!b)
        fail(r, "base_case: rln_cases.json has no case %lld", base);
      else
        check_base(r, b, &m, topic, json_object_get(o->j, "now_ns"));
    }
  }
  if (rlp && !raw_fields(f, rlp, rlp_len))
    fail(r, "rate_limit_proof_pb_hex: broken protobuf framing");
  if (proof && !raw_is(&f[1], proof, proof_len))
    fail(r, "proof_ark_hex: not the proof of rate_limit_proof_pb_hex");
  /* public signals: share_y, merkle_root, nullifier, share_x, and the
   * external nullifier of the proof's epoch and rln_identifier */
  static const int field_of_signal[4] = {5, 2, 6, 4};
  for (int i = 0; have_pub && i < 4; i++)
    if (!raw_is(&f[field_of_signal[i]], pub_le[i], 32))
      fail(r, "public_signals_le_hex[%d]: not the %s of the RateLimitProof", i,
           wire_proof_names[field_of_signal[i] - 1]);
  if (have_pub && f[3].n == 32 && f[7].n == 32) {
    cwaku_fr ext;
    uint8_t le[32];
    cwaku__rln_external_nullifier(&ext, f[3].p, f[7].p);
    cwaku__fr_to_bytes_le(le, &ext);
    if (memcmp(le, pub_le[4], 32) != 0)
      fail(r, "public_signals_le_hex[4]: not the external nullifier of the "
              "proof's epoch and rln_identifier");
  }

  /* What the kind says was changed, where the file alone shows it. */
  if (k && have_msg && f[1].p && f[2].p && f[3].p && f[4].p && f[7].p) {
    uint8_t want[32], xr[32], rle[32];
    cwaku_fr one, t;
    cwaku__fr_one(&one);
    if (!strcmp(k->kind, "x_plus_1")) {
      cwaku__fr_add(&t, &x, &one);
      cwaku__fr_to_bytes_le(want, &t);
      if (!raw_is(&f[4], want, 32))
        fail(r, "share_x is not x + 1");
    } else if (!strcmp(k->kind, "noncanon_x")) {
      cwaku__fr_to_bytes_le(xr, &x);
      cwaku__fr_neg(&t, &one); /* r - 1 */
      cwaku__fr_to_bytes_le(rle, &t);
      rle[0]++; /* r ends in ...01: no carry */
      if (!add_le256(want, xr, rle) || !raw_is(&f[4], want, 32))
        fail(r, "share_x is not x + r");
    } else if (!strcmp(k->kind, "wrong_root")) {
      if (json_array_size(json_object_get(o->j, "valid_roots")) < 2)
        fail(r, "valid_roots: two roots expected");
    } else if (!strcmp(k->kind, "wrong_ext")) {
      uint8_t v2[32];
      if (cwaku__rln_identifier_bytes(v2, CWAKU_RLN_IDENTIFIER,
                                      strlen(CWAKU_RLN_IDENTIFIER)) &&
          raw_is(&f[7], v2, 32))
        fail(r, "rln_identifier is the network's own");
    } else if (!strcmp(k->kind, "epoch_far")) {
      cwaku__rln_epoch_bytes(want, cwaku__rln_epoch((uint64_t)m.timestamp) - 2);
      if (!raw_is(&f[3], want, 32))
        fail(r, "the proof's epoch is not the message's epoch - 2");
    } else if (!strcmp(k->kind, "truncated")) {
      if (f[1].n != 127)
        fail(r, "the proof is %zu bytes, not 127", f[1].n);
    } else if (!strcmp(k->kind, "inf_a")) {
      int nonzero = 0;
      for (int i = 0; i < 31 && f[1].n >= 32; i++)
        nonzero |= f[1].p[i];
      if (f[1].n < 32 || !(f[1].p[31] & 0x40) || !nonzero)
        fail(r, "A has no infinity flag over non-zero x bytes");
    }
  }

  /* Level "proof": the proof bytes against the public signals. */
  const char *proof_verdict = NULL; /* NULL: accepted */
  cwaku_groth16_proof p;
  cwaku_fr pub[CWAKU_RLN_PUBLIC_SIGNALS];
  if (!proof || !have_pub)
    proof_verdict = "unreadable";
  else if (!cwaku__groth16_proof_from_bytes(&p, proof, proof_len))
    proof_verdict = "decode";
  for (int i = 0; !proof_verdict && i < CWAKU_RLN_PUBLIC_SIGNALS; i++)
    if (!cwaku__fr_from_bytes_le(&pub[i], pub_le[i]))
      proof_verdict = "input";
  if (!proof_verdict &&
      !cwaku__groth16_verify(&pvk, &p, pub, CWAKU_RLN_PUBLIC_SIGNALS))
    proof_verdict = "pairing";

  /* Level "message": the relay check. */
  uint64_t now;
  cwaku_fr roots[8];
  size_t n_roots = 0;
  int have_now = o_u64(o, "now_ns", &now) && now <= INT64_MAX;
  const json_t *jr = take(o, "valid_roots");
  int have_roots =
      json_is_array(jr) && json_array_size(jr) >= 1 && json_array_size(jr) <= 8;
  for (size_t i = 0; have_roots && i < json_array_size(jr); i++) {
    char name[32];
    snprintf(name, sizeof name, "valid_roots[%zu]", i);
    have_roots = val_fr(r, json_array_get(jr, i), name, &roots[n_roots++]);
  }
  if (!have_roots)
    fail(r, "valid_roots: an array of 1..8 roots is expected");
  int message_verdict = CWAKU_EINVAL; /* the case could not be read */
  if (msg && topic && have_now && have_roots)
    message_verdict = cwaku__rln_validate(&pvk, NULL, msg, msg_len, topic,
                                          (int64_t)now, roots, n_roots);

  /* Each level named in reject_at rejects, the others accept, and each
   * for the reason its kind implies. */
  if (at_proof && !proof_verdict)
    fail(r, "level proof: the proof verifies");
  if (!at_proof && proof_verdict)
    fail(r, "level proof: rejected (%s), but reject_at does not name it",
         proof_verdict);
  if (k && proof_verdict &&
      (!k->proof_level || strcmp(proof_verdict, k->proof_level) != 0))
    fail(r, "level proof: rejected by %s, a %s case is expected to fail %s",
         proof_verdict, k->kind, k->proof_level ? k->proof_level : "nowhere");
  if (at_message && message_verdict == 0)
    fail(r, "level message: the relay check accepts the message");
  if (!at_message && message_verdict != 0)
    fail(r, "level message: refused (%s), but reject_at does not name it",
         cwaku_errname(message_verdict));
  if (k && message_verdict != 0 && message_verdict != k->message_level)
    fail(r, "level message: refused with %s, %s is expected for %s",
         cwaku_errname(message_verdict), cwaku_errname(k->message_level),
         k->kind);
  if (have_msg)
    cwaku_message_clear(&m);

  static const char *const proof_text[][2] = {
      {"decode", "the proof bytes do not decode"},
      {"input", "a public input is not below r"},
      {"pairing", "the pairing check fails"},
      {"unreadable", "the case cannot be read"}};
  const char *pt = "accepted";
  for (size_t i = 0; proof_verdict && i < 4; i++)
    if (!strcmp(proof_verdict, proof_text[i][0]))
      pt = proof_text[i][1];
  char mt[160];
  if (message_verdict)
    snprintf(mt, sizeof mt, "%s: %s", cwaku_errname(message_verdict),
             cwaku_strerror(message_verdict));
  else
    snprintf(mt, sizeof mt, "accepted");
  json_array_append_new(
      report, json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)index, "kind",
                        kind ? kind : "?", "proof", pt, "message", mt));
}

static void run_rln_negative(struct run *r, struct obj *top,
                             const json_t *base_cases) {
  long long secs;
  o_cmp_u64(top, "max_clock_gap_ns", (uint64_t)CWAKU_RLN_MAX_CLOCK_GAP_NS);
  if (o_int(top, "epoch_seconds", 0, 1 << 30, &secs) &&
      secs != CWAKU_RLN_EPOCH_SECONDS)
    fail(r, "epoch_seconds: %lld, cwaku's epoch is %d s", secs,
         CWAKU_RLN_EPOCH_SECONDS);
  const json_t *cases = take(top, "cases");
  header_end(r, top);
  json_t *report = json_array();
  size_t i;
  const json_t *c;
  json_array_foreach(cases, i, c) {
    struct obj o;
    test_begin(r, "cases[%zu]", i);
    obj_init(&o, r, c, "");
    run_negative_case(r, &o, i, base_cases, report);
    obj_done(&o);
    test_end(r);
  }
  if (json_array_size(cases) == 0) {
    test_begin(r, "cases");
    fail(r, "cases: a non-empty array is expected");
    test_end(r);
  }
  json_object_set_new(r->extra, "compared_with_rln_cases",
                      json_boolean(base_cases != NULL));
  json_object_set_new(r->extra, "rejections", report);
}

/* --- slashing.json -------------------------------------------------------- */

static void run_slashing_case(struct run *r, struct obj *o, size_t index) {
  long long id, limit, mid, leaf_index;
  cwaku_fr root, ext, nullifier, a1_file;
  struct cwaku__rln_share s[2];
  uint64_t epoch;
  uint8_t epoch_bytes[32], id_bytes[32];
  if (o_int(o, "id", 0, 1 << 30, &id) && id != (long long)index)
    fail(r, "id: %lld, the case's index is %zu", id, index);
  int ok = o_int(o, "user_message_limit", 1, CWAKU_RLN_MAX_USER_MESSAGE_LIMIT,
                 &limit) &&
           o_int(o, "message_id", 0, limit - 1, &mid) &&
           o_fr(o, "root", &root) && o_u64(o, "epoch", &epoch) &&
           o_fr(o, "nullifier", &nullifier);
  /* the leaf index needs a path to be checked, and the file has none */
  o_int(o, "leaf_index", 0, CWAKU_MERKLE_LEAVES - 1, &leaf_index);
  if (!ok || !cwaku__rln_identifier_bytes(id_bytes, CWAKU_RLN_IDENTIFIER,
                                          strlen(CWAKU_RLN_IDENTIFIER)))
    return;
  cwaku__rln_epoch_bytes(epoch_bytes, epoch);
  o_cmp_bytes(o, "epoch_le_hex", epoch_bytes, sizeof epoch_bytes);
  cwaku__rln_external_nullifier(&ext, epoch_bytes, id_bytes);
  o_cmp_fr(o, "external_nullifier", &ext);
  for (int i = 0; i < 2; i++) {
    struct obj so;
    const json_t *sj = take(o, i ? "share2" : "share1");
    obj_init(&so, r, sj, i ? "share2." : "share1.");
    ok &= o_fr(&so, "x", &s[i].x) && o_fr(&so, "y", &s[i].y);
    s[i].nullifier = nullifier;
    obj_done(&so);
  }
  if (!ok)
    return;

  /* README "slashing.json": a1 = (y1 - y2)/(x1 - x2), a0 = y1 - x1 a1 */
  cwaku_fr a0, a1, t, u;
  if (!cwaku__rln_recover_secret(&a0, &a1, &s[0], &s[1])) {
    fail(r, "cwaku__rln_recover_secret refuses the two shares");
    return;
  }
  cwaku__fr_sub(&t, &s[0].y, &s[1].y);
  cwaku__fr_sub(&u, &s[0].x, &s[1].x);
  cwaku__fr_inverse_vartime(&u, &u);
  cwaku__fr_mul(&t, &t, &u);
  if (!cwaku__fr_equal(&t, &a1))
    fail(r, "cwaku__rln_recover_secret's a1 is not (y1 - y2)/(x1 - x2)");
  if (o_fr(o, "a1", &a1_file) && !cwaku__fr_equal(&a1_file, &a1))
    fail(r, "a1: not (y1 - y2)/(x1 - x2)");
  o_cmp_fr(o, "recovered_identity_secret", &a0);
  o_cmp_fr_le(o, "recovered_identity_secret_le_hex", &a0);
  cwaku_fr idc, rate, a1_def, null_def;
  cwaku__rln_id_commitment(&idc, &a0);
  o_cmp_fr(o, "id_commitment", &idc);
  if (cwaku__rln_rate_commitment(&rate, &idc, (uint32_t)limit))
    o_cmp_fr(o, "rate_commitment", &rate);
  /* the recovered secret is the one that made the shares: a1 and the
   * nullifier follow from it, the epoch and message_id */
  if (!cwaku__rln_a1(&a1_def, &a0, &ext, (uint32_t)mid, (uint32_t)limit) ||
      !cwaku__fr_equal(&a1_def, &a1))
    fail(r, "a1 is not Poseidon(secret, external_nullifier, message_id)");
  cwaku__poseidon1(&null_def, &a1);
  if (!cwaku__fr_equal(&null_def, &nullifier))
    fail(r, "nullifier: not Poseidon(a1)");

  const json_t *ms = o_array(o, "messages", 2);
  for (size_t i = 0; ms && i < 2; i++) {
    struct obj mo;
    char prefix[32];
    snprintf(prefix, sizeof prefix, "messages[%zu].", i);
    obj_init(&mo, r, json_array_get(ms, i), prefix);
    size_t payload_len;
    uint64_t ts;
    const uint8_t *payload = o_hex(&mo, "payload_hex", &payload_len);
    const char *topic = o_str(&mo, "content_topic");
    if (!payload || !topic || !o_u64(&mo, "timestamp_ns", &ts)) {
      obj_done(&mo);
      continue;
    }
    size_t sl = cwaku__rln_signal_len(payload_len, strlen(topic));
    uint8_t *signal = keep(r, malloc(sl));
    cwaku_fr x;
    if (signal) {
      cwaku__rln_signal(signal, payload, payload_len, topic, strlen(topic), ts);
      o_cmp_bytes(&mo, "signal_hex", signal, sl);
    }
    cwaku__rln_signal_hash(&x, payload, payload_len, topic, strlen(topic), ts);
    if (!cwaku__fr_equal(&x, &s[i].x))
      fail(r, "%sx: share%zu.x is not the hash of this signal", prefix, i + 1);
    o_cmp_fr(&mo, "x", &x);
    o_cmp_fr(&mo, "y", &s[i].y);
    if (cwaku__rln_epoch(ts) != epoch)
      fail(r, "%stimestamp_ns: not in the case's epoch", prefix);
    cwaku_fr pub[CWAKU_RLN_PUBLIC_SIGNALS];
    cwaku__rln_public_signals(pub, &s[i], &root, &ext);
    o_cmp_fr_array(&mo, "public_signals", pub, CWAKU_RLN_PUBLIC_SIGNALS);
    uint8_t ark[CWAKU_GROTH16_PROOF_BYTES] = {0};
    int have_ark = check_proof(&mo, "proof_zerokit_ark_hex", NULL, pub, ark);
    const char *pubsub = o_pubsub_topic(&mo);
    struct msg_want w;
    w.payload = payload;
    w.payload_len = payload_len;
    w.content_topic = topic;
    w.timestamp = ts;
    memcpy(w.proof.proof, ark, sizeof ark);
    cwaku__fr_to_bytes_le(w.proof.merkle_root, &root);
    memcpy(w.proof.epoch, epoch_bytes, 32);
    cwaku__fr_to_bytes_le(w.proof.share_x, &x);
    cwaku__fr_to_bytes_le(w.proof.share_y, &s[i].y);
    cwaku__fr_to_bytes_le(w.proof.nullifier, &nullifier);
    memcpy(w.proof.rln_identifier, id_bytes, 32);
    size_t msg_len;
    const uint8_t *msg = check_wire(&mo, &w, pubsub, &msg_len);
    /* each message passes a relay check at its own timestamp */
    int e = have_ark && msg && pubsub
                ? cwaku__rln_validate(&pvk, NULL, msg, msg_len, pubsub,
                                      (int64_t)ts, &root, 1)
                : 0;
    if (e)
      fail(r, "%s: the relay check refuses it: %s", prefix, cwaku_errname(e));
    obj_done(&mo);
  }
}

static void run_slashing(struct run *r, struct obj *top) {
  const json_t *cases = take(top, "cases");
  header_end(r, top);
  size_t i;
  const json_t *c;
  json_array_foreach(cases, i, c) {
    struct obj o;
    test_begin(r, "cases[%zu]", i);
    obj_init(&o, r, c, "");
    run_slashing_case(r, &o, i);
    obj_done(&o);
    test_end(r);
  }
  if (json_array_size(cases) == 0) {
    test_begin(r, "cases");
    fail(r, "cases: a non-empty array is expected");
    test_end(r);
  }
}

/* --- the command ---------------------------------------------------------- */

/* "DIR/../NAME" for FILE = "DIR/file" (DIR "." when FILE has no slash). */
static void beside_parent(char *out, size_t cap, const char *file,
                          const char *name) {
  const char *slash = strrchr(file, '/');
  if (slash)
    snprintf(out, cap, "%.*s/../%s", (int)(slash - file), file, name);
  else
    snprintf(out, cap, "../%s", name);
}

static void beside(char *out, size_t cap, const char *file, const char *name) {
  const char *slash = strrchr(file, '/');
  if (slash)
    snprintf(out, cap, "%.*s/%s", (int)(slash - file), file, name);
  else
    snprintf(out, cap, "%s", name);
}

int tool_cmd_rln_vectors(struct tool_result *res, int argc, char **argv) {
  const char *file = NULL, *vk_opt = NULL, *zkey_opt = NULL;
  for (int i = 2; i < argc; i++) {
    const char *v = NULL;
    if (strcmp(argv[i], "--vk") == 0)
      v = vk_opt = tool_next_value(&i, argc, argv);
    else if (strcmp(argv[i], "--zkey") == 0)
      v = zkey_opt = tool_next_value(&i, argc, argv);
    else if (argv[i][0] == '-' || file)
      return tool_fail(res, CWAKU_EINVAL, "unexpected argument '%s'", argv[i]);
    else
      v = file = argv[i];
    if (!v)
      return tool_fail(res, CWAKU_EINVAL, "%s needs a value", argv[i]);
  }
  if (!file)
    return tool_fail(res, CWAKU_EINVAL,
                     "usage: rln vectors FILE [--vk PATH] [--zkey PATH]");
  char vk_path[4096], zkey_path[4096];
  beside_parent(vk_path, sizeof vk_path, file, "verification_key.json");
  beside_parent(zkey_path, sizeof zkey_path, file, "rln_final.zkey");
  if (vk_opt)
    snprintf(vk_path, sizeof vk_path, "%s", vk_opt);
  if (zkey_opt)
    snprintf(zkey_path, sizeof zkey_path, "%s", zkey_opt);

  json_error_t jerr;
  json_t *doc = json_load_file(file, 0, &jerr);
  if (!doc)
    return tool_fail(res, CWAKU_EMALFORMED, "%s: %s (line %d)", file, jerr.text,
                     jerr.line);
  struct run r;
  memset(&r, 0, sizeof r);
  r.failures = json_array();
  r.extra = json_object();
  struct obj top;
  obj_init(&top, &r, doc, "");
  const char *kind = check_header(&r, &top);
  const char *k = kind ? kind : "";
  int err = 0;
  if (!strcmp(k, "rln_cases") || !strcmp(k, "rln_negative") ||
      !strcmp(k, "slashing"))
    err = load_pvk(res, vk_path);
  if (!err && !strcmp(k, "rln_cases"))
    err = tool_rln_prover(res, zkey_path, &prover);
  if (err) {
    /* nothing to run without the keys: a tool error, not a failed test */
  } else if (!strcmp(k, "poseidon")) {
    run_poseidon(&r, &top);
  } else if (!strcmp(k, "merkle")) {
    run_merkle(&r, &top);
  } else if (!strcmp(k, "rln_cases")) {
    run_rln_cases(&r, &top, 1);
  } else if (!strcmp(k, "rln_witness") || !strcmp(k, "rln_negative")) {
    char cases_path[4096];
    beside(cases_path, sizeof cases_path, file, "rln_cases.json");
    json_t *cases_doc = json_load_file(cases_path, 0, &jerr);
    const json_t *cases = json_object_get(cases_doc, "cases");
    if (!strcmp(k, "rln_witness"))
      run_rln_witness(&r, &top, cases);
    else
      run_rln_negative(&r, &top, cases);
    json_decref(cases_doc);
  } else if (!strcmp(k, "slashing")) {
    run_slashing(&r, &top);
  } else {
    err = tool_fail(res, CWAKU_EUNSUPPORTED,
                    "%s: kind \"%s\" is not one of poseidon, merkle, "
                    "rln_cases, rln_witness, rln_negative, slashing",
                    file, k);
  }
  for (size_t i = 0; i < r.n_allocs; i++)
    free(r.allocs[i]);
  char kind_copy[32];
  snprintf(kind_copy, sizeof kind_copy, "%s", k); /* k points into doc */
  k = kind_copy;
  json_decref(doc);
  if (err) {
    json_decref(r.failures);
    json_decref(r.extra);
    return err;
  }
  char summary[64];
  snprintf(summary, sizeof summary, "%d passed, %d failed", r.passed, r.failed);
  res->json =
      json_pack("{s:s, s:s, s:i, s:i, s:o}", "file", file, "kind", k, "passed",
                r.passed, "failed", r.failed, "failures", r.failures);
  if (!res->json) {
    json_decref(r.extra);
    return tool_fail(res, CWAKU_ENOMEM, "out of memory");
  }
  if (r.not_shown)
    json_object_set_new(res->json, "failures_not_shown",
                        json_integer(r.not_shown));
  json_object_update(res->json, r.extra);
  json_decref(r.extra);
  json_object_set_new(res->json, "summary", json_string(summary));
  snprintf(res->note, sizeof res->note, "%s", summary);
  res->status = r.failed ? 1 : 0;
  return 0;
}
