/* BN254 Fp and Fr (src/zk): every operation against OpenSSL's BIGNUM on
 * seeded random values and on edge values, the encodings' round trips and
 * refusals, and Fp's square roots.
 *
 * The generic part is written once below FIELD_TEMPLATE and included twice,
 * once per field: F(op) names the field's function, T its type, FN(x) the
 * test's own instance of x. */
#ifndef FIELD_TEMPLATE

#include <openssl/bn.h>

#include "check.h"
#include "cwaku/env.h"
#include "zk/field.h"

#define ROUNDS 1000

static BN_CTX *ctx;
static struct cwaku_seeded_rng rng;

static void random_bytes(uint8_t *b, size_t n) {
  cwaku_random(&rng.rng, b, n);
}

static BIGNUM *bn_dec(const char *s) {
  BIGNUM *x = NULL;
  if (!BN_dec2bn(&x, s))
    abort();
  return x;
}

static BIGNUM *bn_from_le(const uint8_t in[32]) {
  BIGNUM *x = BN_lebin2bn(in, 32, NULL);
  if (!x)
    abort();
  return x;
}

static void bn_to_le(uint8_t out[32], const BIGNUM *x) {
  if (BN_bn2lebinpad(x, out, 32) != 32)
    abort();
}

/* New numbers: a + k, a * 2^k (a / 2^-k for k < 0), 2^k - 1. */
static BIGNUM *bn_add(const BIGNUM *a, long k) {
  BIGNUM *x = BN_dup(a);
  if (!x ||
      !(k >= 0 ? BN_add_word(x, (BN_ULONG)k) : BN_sub_word(x, (BN_ULONG)-k)))
    abort();
  return x;
}

static BIGNUM *bn_shift(const BIGNUM *a, int k) {
  BIGNUM *x = BN_new();
  if (!x || !(k >= 0 ? BN_lshift(x, a, k) : BN_rshift(x, a, -k)))
    abort();
  return x;
}

static BIGNUM *bn_ones(int k) {
  BIGNUM *x = bn_shift(BN_value_one(), k);
  BN_sub_word(x, 1);
  return x;
}

#define FIELD_TEMPLATE

#define T cwaku_fp
#define F(op) cwaku__fp_##op
#define FN(x) x##_fp
#define FIELD_NAME "fp"
#define MODULUS_DEC                                                            \
  "21888242871839275222246405745257275088696311157297823662689037894645226208" \
  "583"
#include "test_field.c"
#undef T
#undef F
#undef FN
#undef FIELD_NAME
#undef MODULUS_DEC

#define T cwaku_fr
#define F(op) cwaku__fr_##op
#define FN(x) x##_fr
#define FIELD_NAME "fr"
#define MODULUS_DEC                                                            \
  "21888242871839275222246405745257275088548364400416034343698204186575808495" \
  "617"
#include "test_field.c"

/* --- Fp only: square roots and the sign of compressed points */

static void test_fp_sqrt(void) {
  int squares = 0, non_squares = 0;
  for (int i = 0; i < ROUNDS; i++) {
    BIGNUM *x = BN_new();
    cwaku_fp a, y, y2, negy;
    random_value_fp(&a, x, i);
    int kr = BN_kronecker(x, modulus_fp, ctx);
    CHECK_EQ_INT(cwaku__fp_is_square(&a), kr >= 0);
    memset(&y, 0xa5, sizeof y);
    int ok = cwaku__fp_sqrt(&y, &a);
    CHECK_EQ_INT(ok, kr >= 0);
    if (ok) {
      squares++;
      cwaku__fp_sqr(&y2, &y);
      CHECK(cwaku__fp_equal(&y2, &a));
    } else {
      non_squares++;
      CHECK(cwaku__fp_is_zero(&y));
    }
    /* the square of a value always has a root, and it is +-the value */
    cwaku__fp_sqr(&y2, &a);
    CHECK(cwaku__fp_is_square(&y2));
    CHECK(cwaku__fp_sqrt(&y, &y2));
    cwaku__fp_neg(&negy, &y);
    CHECK(cwaku__fp_equal(&y, &a) || cwaku__fp_equal(&negy, &a));
    BN_free(x);
  }
  CHECK(squares > ROUNDS / 4 && non_squares > ROUNDS / 4);
  /* -1 is not a square when p = 3 mod 4 */
  cwaku_fp one, minus_one, y;
  cwaku__fp_one(&one);
  cwaku__fp_neg(&minus_one, &one);
  CHECK(!cwaku__fp_is_square(&minus_one));
  CHECK(!cwaku__fp_sqrt(&y, &minus_one));
  cwaku_fp zero;
  cwaku__fp_zero(&zero);
  CHECK(cwaku__fp_sqrt(&y, &zero));
  CHECK(cwaku__fp_is_zero(&y));
  CHECK(cwaku__fp_is_square(&zero));
}

static void test_fp_sign(void) {
  BIGNUM *half = BN_dup(modulus_fp);
  BN_rshift1(half, half); /* (p-1)/2 */
  for (int i = 0; i < ROUNDS; i++) {
    BIGNUM *x = BN_new();
    cwaku_fp a;
    random_value_fp(&a, x, i);
    CHECK_EQ_INT(cwaku__fp_sign(&a), BN_cmp(x, half) > 0);
    BN_free(x);
  }
  uint8_t le[32];
  cwaku_fp a;
  bn_to_le(le, half);
  CHECK(cwaku__fp_from_bytes_le(&a, le));
  CHECK_EQ_INT(cwaku__fp_sign(&a), 0);
  BN_add_word(half, 1);
  bn_to_le(le, half);
  CHECK(cwaku__fp_from_bytes_le(&a, le));
  CHECK_EQ_INT(cwaku__fp_sign(&a), 1);
  cwaku__fp_zero(&a);
  CHECK_EQ_INT(cwaku__fp_sign(&a), 0);
  cwaku__fp_one(&a);
  cwaku__fp_neg(&a, &a);
  CHECK_EQ_INT(cwaku__fp_sign(&a), 1);
  BN_free(half);
}

int main(void) {
  ctx = BN_CTX_new();
  cwaku_seeded_rng_init(&rng, 254);
  setup_fp();
  setup_fr();
  run_fp();
  run_fr();
  test_fp_sqrt();
  test_fp_sign();
  teardown_fp();
  teardown_fr();
  BN_CTX_free(ctx);
  return check_summary("test_field");
}

#else /* FIELD_TEMPLATE: the tests for one field */

static BIGNUM *FN(modulus);
#define N_EDGES 16
static BIGNUM *FN(edges)[N_EDGES];

static void FN(setup)(void) {
  BIGNUM *m = FN(modulus) = bn_dec(MODULUS_DEC);
  BIGNUM *half = bn_shift(m, -1); /* (m - 1) / 2 */
  BIGNUM *r = bn_shift(BN_value_one(), 256);
  BN_nnmod(r, r, m, ctx); /* 2^256 mod m: 1 in Montgomery form */
  BIGNUM *e[N_EDGES] = {
      bn_add(BN_value_one(), -1), /* 0 */
      bn_add(BN_value_one(), 0),
      bn_add(BN_value_one(), 1),
      bn_add(m, -1),
      bn_add(m, -2),
      bn_add(half, 0),
      bn_add(half, 1),
      bn_ones(64),
      bn_shift(BN_value_one(), 64),
      bn_ones(128),
      bn_shift(BN_value_one(), 192),
      bn_shift(BN_value_one(), 253),
      bn_ones(253),
      r,
      BN_mod_inverse(NULL, r, m, ctx),
      bn_add(m, -(1L << 62)),
  };
  memcpy(FN(edges), e, sizeof e);
  BN_free(half);
}

static void FN(teardown)(void) {
  BN_free(FN(modulus));
  for (int i = 0; i < N_EDGES; i++)
    BN_free(FN(edges)[i]);
}

static BIGNUM *FN(to_bn)(const T *a) {
  uint8_t le[32];
  F(to_bytes_le)(le, a);
  return bn_from_le(le);
}

static void FN(from_bn)(T *a, const BIGNUM *x) {
  uint8_t le[32];
  bn_to_le(le, x);
  CHECK(F(from_bytes_le)(a, le));
}

/* Value number i: an edge value for the first rounds and now and then,
 * otherwise uniform below m. x receives the same value. */
static void FN(random_value)(T *a, BIGNUM *x, int i) {
  if (i < N_EDGES || i % 7 == 0) {
    BN_copy(x, FN(edges)[(unsigned)i % N_EDGES]);
  } else {
    uint8_t le[32];
    random_bytes(le, sizeof le);
    BIGNUM *y = bn_from_le(le);
    BN_nnmod(x, y, FN(modulus), ctx);
    BN_free(y);
  }
  FN(from_bn)(a, x);
}

static int FN(matches)(const T *a, const BIGNUM *want, const char *what,
                       int i) {
  BIGNUM *got = FN(to_bn)(a);
  int ok = BN_cmp(got, want) == 0;
  if (!ok) {
    char *g = BN_bn2dec(got), *w = BN_bn2dec(want);
    fprintf(stderr, "%s %s round %d: got %s want %s\n", FIELD_NAME, what, i, g,
            w);
    OPENSSL_free(g);
    OPENSSL_free(w);
  }
  BN_free(got);
  return ok;
}

static void FN(test_constants)(void) {
  T zero, one, x;
  uint64_t limbs[4];
  F(zero)(&zero);
  F(one)(&one);
  CHECK(F(is_zero)(&zero));
  CHECK(!F(is_zero)(&one));
  F(to_limbs)(limbs, &one);
  CHECK(limbs[0] == 1 && limbs[1] == 0 && limbs[2] == 0 && limbs[3] == 0);
  F(from_u64)(&x, 1);
  CHECK(F(equal)(&x, &one));
  F(from_u64)(&x, 0);
  CHECK(F(equal)(&x, &zero));
  F(from_u64)(&x, UINT64_MAX);
  F(to_limbs)(limbs, &x);
  CHECK(limbs[0] == UINT64_MAX && limbs[1] == 0 && limbs[2] == 0 &&
        limbs[3] == 0);
  BIGNUM *m1 = BN_dup(FN(modulus));
  BN_sub_word(m1, 1);
  F(neg)(&x, &one);
  CHECK(FN(matches)(&x, m1, "-1", 0));
  BN_free(m1);
}

static void FN(test_arith)(void) {
  BIGNUM *m = FN(modulus), *want = BN_new();
  for (int i = 0; i < ROUNDS; i++) {
    BIGNUM *x = BN_new(), *y = BN_new();
    T a, b, r;
    FN(random_value)(&a, x, i);
    /* b walks the edges at another pace so edge meets edge */
    FN(random_value)(&b, y, i < N_EDGES * N_EDGES ? i / N_EDGES : i + 3);

    F(add)(&r, &a, &b);
    BN_mod_add(want, x, y, m, ctx);
    CHECK(FN(matches)(&r, want, "add", i));
    F(sub)(&r, &a, &b);
    BN_mod_sub(want, x, y, m, ctx);
    CHECK(FN(matches)(&r, want, "sub", i));
    F(neg)(&r, &a);
    BN_mod_sub(want, m, x, m, ctx);
    CHECK(FN(matches)(&r, want, "neg", i));
    F(double)(&r, &a);
    BN_mod_add(want, x, x, m, ctx);
    CHECK(FN(matches)(&r, want, "double", i));
    F(mul)(&r, &a, &b);
    BN_mod_mul(want, x, y, m, ctx);
    CHECK(FN(matches)(&r, want, "mul", i));
    F(sqr)(&r, &a);
    BN_mod_sqr(want, x, m, ctx);
    CHECK(FN(matches)(&r, want, "sqr", i));
    F(mul)(&r, &a, &a);
    CHECK(FN(matches)(&r, want, "mul a*a", i));

    /* results written over their inputs */
    r = a;
    F(mul)(&r, &r, &b);
    BN_mod_mul(want, x, y, m, ctx);
    CHECK(FN(matches)(&r, want, "mul in place", i));
    r = b;
    F(sub)(&r, &a, &r);
    BN_mod_sub(want, x, y, m, ctx);
    CHECK(FN(matches)(&r, want, "sub in place", i));
    r = a;
    F(sqr)(&r, &r);
    BN_mod_sqr(want, x, m, ctx);
    CHECK(FN(matches)(&r, want, "sqr in place", i));

    CHECK_EQ_INT(F(equal)(&a, &b), BN_cmp(x, y) == 0);
    CHECK(F(equal)(&a, &a));
    CHECK_EQ_INT(F(is_zero)(&a), BN_is_zero(x));
    r = b;
    F(cmov)(&r, &a, 0);
    CHECK(F(equal)(&r, &b));
    F(cmov)(&r, &a, 1);
    CHECK(F(equal)(&r, &a));
    BN_free(x);
    BN_free(y);
  }
  BN_free(want);
}

static void FN(test_inverse)(void) {
  BIGNUM *m = FN(modulus), *want = BN_new();
  T one;
  F(one)(&one);
  for (int i = 0; i < ROUNDS; i++) {
    BIGNUM *x = BN_new();
    T a, r, rv, t;
    FN(random_value)(&a, x, i);
    F(inverse)(&r, &a);
    F(inverse_vartime)(&rv, &a);
    if (BN_is_zero(x)) {
      CHECK(F(is_zero)(&r));
      CHECK(F(is_zero)(&rv));
    } else {
      if (!BN_mod_inverse(want, x, m, ctx))
        abort();
      CHECK(FN(matches)(&r, want, "inverse", i));
      CHECK(FN(matches)(&rv, want, "inverse_vartime", i));
      F(mul)(&t, &r, &a);
      CHECK(F(equal)(&t, &one));
    }
    t = a;
    F(inverse_vartime)(&t, &t);
    CHECK(F(equal)(&t, &rv));
    BN_free(x);
  }
  BN_free(want);

  /* batch: a run with zeros at both ends and in the middle */
  enum { NB = 37 };
  T in[NB], out[NB], one_by_one;
  for (int i = 0; i < NB; i++) {
    BIGNUM *x = BN_new();
    FN(random_value)(&in[i], x, i + 1000);
    BN_free(x);
  }
  F(zero)(&in[0]);
  F(zero)(&in[17]);
  F(zero)(&in[NB - 1]);
  F(batch_inverse)(out, in, NB);
  for (int i = 0; i < NB; i++) {
    F(inverse_vartime)(&one_by_one, &in[i]);
    CHECK(F(equal)(&out[i], &one_by_one));
  }
  F(batch_inverse)(out, in, 1);
  F(inverse)(&one_by_one, &in[0]);
  CHECK(F(equal)(&out[0], &one_by_one));
  F(batch_inverse)(out, in, 0); /* nothing to do, nothing touched */
}

static void FN(test_pow)(void) {
  BIGNUM *m = FN(modulus), *want = BN_new();
  /* special exponents: 0, 1, 2, m-1, m, m-2, 2^256-1 */
  BIGNUM *specials[7] = {
      bn_add(BN_value_one(), -1),
      bn_add(BN_value_one(), 0),
      bn_add(BN_value_one(), 1),
      bn_add(m, -1),
      bn_add(m, 0),
      bn_add(m, -2),
      bn_ones(256),
  };
  for (int i = 0; i < ROUNDS / 4; i++) {
    BIGNUM *x = BN_new(), *e;
    T a, r;
    uint8_t le[32];
    uint64_t limbs[4];
    FN(random_value)(&a, x, i);
    if (i < 7 * 3) {
      e = BN_dup(specials[i % 7]);
    } else {
      random_bytes(le, sizeof le);
      e = bn_from_le(le); /* any 256-bit exponent, often above m */
    }
    bn_to_le(le, e);
    for (int k = 0; k < 4; k++) {
      limbs[k] = 0;
      for (int j = 7; j >= 0; j--)
        limbs[k] = (limbs[k] << 8) | le[8 * k + j];
    }
    F(pow)(&r, &a, limbs);
    BN_mod_exp(want, x, e, m, ctx);
    CHECK(FN(matches)(&r, want, "pow", i));
    BN_free(x);
    BN_free(e);
  }
  for (int i = 0; i < 7; i++)
    BN_free(specials[i]);
  BN_free(want);
}

static void FN(test_bytes)(void) {
  BIGNUM *m = FN(modulus);
  for (int i = 0; i < ROUNDS; i++) {
    BIGNUM *x = BN_new();
    T a, b;
    uint8_t le[32], be[32], back[32];
    uint64_t limbs[4];
    FN(random_value)(&a, x, i);
    bn_to_le(le, x);
    if (BN_bn2binpad(x, be, 32) != 32)
      abort();
    F(to_bytes_le)(back, &a);
    CHECK_MEM(back, le, 32);
    F(to_bytes_be)(back, &a);
    CHECK_MEM(back, be, 32);
    CHECK(F(from_bytes_be)(&b, be));
    CHECK(F(equal)(&a, &b));
    CHECK(F(from_bytes_le)(&b, le));
    CHECK(F(equal)(&a, &b));
    F(reduce_bytes_le)(&b, le);
    CHECK(F(equal)(&a, &b));
    F(to_limbs)(limbs, &a);
    CHECK(F(from_limbs)(&b, limbs));
    CHECK(F(equal)(&a, &b));
    BN_free(x);
  }

  /* values >= m: refused (output cleared), and reduced by reduce_bytes */
  BIGNUM *bad[7] = {
      bn_add(m, 0),
      bn_add(m, 1),
      bn_ones(255),
      bn_ones(256),
      bn_shift(m, 1), /* 2m */
      bn_shift(BN_value_one(), 254),
      bn_shift(m, 2), /* 4m */
  };
  for (int i = 0; i < 7 + ROUNDS; i++) {
    BIGNUM *x, *want = BN_new();
    uint8_t le[32], be[32];
    uint64_t limbs[4];
    T a;
    if (i < 7) {
      x = BN_dup(bad[i]);
    } else { /* random 256-bit values: most are >= m */
      random_bytes(le, sizeof le);
      x = bn_from_le(le);
    }
    bn_to_le(le, x);
    if (BN_bn2binpad(x, be, 32) != 32)
      abort();
    int canonical = BN_cmp(x, m) < 0;
    memset(&a, 0xa5, sizeof a);
    CHECK_EQ_INT(F(from_bytes_le)(&a, le), canonical);
    if (!canonical)
      CHECK(F(is_zero)(&a));
    memset(&a, 0xa5, sizeof a);
    CHECK_EQ_INT(F(from_bytes_be)(&a, be), canonical);
    if (!canonical)
      CHECK(F(is_zero)(&a));
    for (int k = 0; k < 4; k++) {
      limbs[k] = 0;
      for (int j = 7; j >= 0; j--)
        limbs[k] = (limbs[k] << 8) | le[8 * k + j];
    }
    memset(&a, 0xa5, sizeof a);
    CHECK_EQ_INT(F(from_limbs)(&a, limbs), canonical);
    if (!canonical)
      CHECK(F(is_zero)(&a));
    F(reduce_bytes_le)(&a, le);
    BN_nnmod(want, x, m, ctx);
    CHECK(FN(matches)(&a, want, "reduce_bytes_le", i));
    BN_free(x);
    BN_free(want);
  }
  for (int i = 0; i < 7; i++)
    BN_free(bad[i]);
}

static int FN(dec_refused)(const char *s, size_t len) {
  T a;
  memset(&a, 0xa5, sizeof a);
  return F(from_dec)(&a, s, len) == 0 && F(is_zero)(&a);
}

static void FN(test_dec)(void) {
  BIGNUM *m = FN(modulus);
  for (int i = 0; i < ROUNDS; i++) {
    BIGNUM *x = BN_new();
    T a, b;
    char out[CWAKU_FIELD_DEC_MAX];
    FN(random_value)(&a, x, i);
    char *want = BN_bn2dec(x);
    size_t n = F(to_dec)(out, &a);
    CHECK_EQ_STR(out, want);
    CHECK_EQ_INT(n, strlen(want));
    CHECK(F(from_dec)(&b, out, n));
    CHECK(F(equal)(&a, &b));
    OPENSSL_free(want);
    BN_free(x);
  }
  T a;
  char out[CWAKU_FIELD_DEC_MAX];
  CHECK(F(from_dec)(&a, "0", 1));
  CHECK(F(is_zero)(&a));
  CHECK_EQ_INT(F(to_dec)(out, &a), 1);
  CHECK_EQ_STR(out, "0");
  CHECK(F(from_dec)(&a, "1234567890123456789", 19)); /* one full chunk */
  F(to_dec)(out, &a);
  CHECK_EQ_STR(out, "1234567890123456789");
  CHECK(F(from_dec)(&a, "10000000000000000000", 20));
  F(to_dec)(out, &a);
  CHECK_EQ_STR(out, "10000000000000000000");

  /* m - 1 is the largest accepted; m and above are refused */
  BIGNUM *x = BN_dup(m);
  BN_sub_word(x, 1);
  char *s = BN_bn2dec(x);
  CHECK(F(from_dec)(&a, s, strlen(s)));
  CHECK_EQ_INT(F(to_dec)(out, &a), 77);
  CHECK_EQ_STR(out, s);
  OPENSSL_free(s);
  CHECK(FN(dec_refused)(MODULUS_DEC, strlen(MODULUS_DEC)));
  BN_add_word(x, 2);
  s = BN_bn2dec(x);
  CHECK(FN(dec_refused)(s, strlen(s)));
  OPENSSL_free(s);
  BN_free(x);

  CHECK(FN(dec_refused)("", 0));
  CHECK(FN(dec_refused)("01", 2));
  CHECK(FN(dec_refused)("00", 2));
  CHECK(FN(dec_refused)("-1", 2));
  CHECK(FN(dec_refused)("+1", 2));
  CHECK(FN(dec_refused)("1a", 2));
  CHECK(FN(dec_refused)(" 1", 2));
  CHECK(FN(dec_refused)("1 ", 2));
  CHECK(FN(dec_refused)("1\0", 2)); /* the length counts, not the NUL */
  char digits[100];
  memset(digits, '9', sizeof digits);
  CHECK(FN(dec_refused)(digits, 77)); /* 77 digits, above m */
  CHECK(FN(dec_refused)(digits, 78));
  CHECK(FN(dec_refused)(digits, 79));
  CHECK(FN(dec_refused)(digits, 100)); /* above 2^256 too */
  digits[0] = '1';
  memset(digits + 1, '0', sizeof digits - 1);
  CHECK(FN(dec_refused)(digits, 78)); /* 10^77 */
  CHECK(F(from_dec)(&a, digits, 76)); /* 10^75 < m */
  F(to_dec)(out, &a);
  CHECK(strlen(out) == 76 && memcmp(out, digits, 76) == 0);
}

static void FN(run)(void) {
  FN(test_constants)();
  FN(test_arith)();
  FN(test_inverse)();
  FN(test_pow)();
  FN(test_bytes)();
  FN(test_dec)();
}

#endif
