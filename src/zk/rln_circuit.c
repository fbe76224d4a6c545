#include "zk/rln_circuit.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cwaku/error.h"
#include "zk/poseidon_opt.h"

/* ---- the optimised Poseidon constants of t = 2, 3, 4 ------------------- */

static struct cwaku__poseidon_opt opt[3];
static int opt_err;
static pthread_once_t opt_once = PTHREAD_ONCE_INIT;

static void opt_init(void) {
  for (size_t t = 2; t <= 4 && !opt_err; t++)
    opt_err = cwaku__poseidon_opt_init(&opt[t - 2], t);
}

/* ---- signals: a value, and in R1CS mode its linear combination --------- */

struct builder {
  bool r1cs; /* build constraints, not only values */
  cwaku_fr *w;
  int err;
  struct cwaku__r1cs *sink; /* where constraints go */
};

struct sig {
  cwaku_fr v;
  struct cwaku__lc lc;
};

static void sig_clear(struct sig *s) {
  cwaku__lc_clear(&s->lc);
}

static void sig_wire(struct builder *b, struct sig *s, uint32_t wire) {
  s->v = b->w[wire];
  if (b->r1cs) {
    cwaku_fr one;
    cwaku__fr_one(&one);
    cwaku__lc_reset(&s->lc);
    cwaku__lc_add_term(&s->lc, wire, &one, &b->err);
  }
}

static void sig_const(struct builder *b, struct sig *s, const cwaku_fr *k) {
  s->v = *k;
  if (b->r1cs) {
    cwaku__lc_reset(&s->lc);
    cwaku__lc_add_term(&s->lc, 0, k, &b->err);
  }
}

/* dst += k * src */
static void sig_axpy(struct builder *b, struct sig *dst, const struct sig *src,
                     const cwaku_fr *k) {
  cwaku_fr p;
  cwaku__fr_mul(&p, &src->v, k);
  cwaku__fr_add(&dst->v, &dst->v, &p);
  if (b->r1cs)
    cwaku__lc_axpy(&dst->lc, &src->lc, k, &b->err);
}

/* dst += k * ONE */
static void sig_add_const(struct builder *b, struct sig *dst,
                          const cwaku_fr *k) {
  cwaku__fr_add(&dst->v, &dst->v, k);
  if (b->r1cs)
    cwaku__lc_add_term(&dst->lc, 0, k, &b->err);
}

static void sig_scale(struct builder *b, struct sig *s, const cwaku_fr *k) {
  cwaku__fr_mul(&s->v, &s->v, k);
  if (b->r1cs)
    cwaku__lc_scale(&s->lc, k);
}

static void sig_copy(struct builder *b, struct sig *dst,
                     const struct sig *src) {
  dst->v = src->v;
  if (b->r1cs)
    cwaku__lc_copy(&dst->lc, &src->lc, &b->err);
}

static void set_wire(struct builder *b, uint32_t wire, const cwaku_fr *v) {
  b->w[wire] = *v;
}

/* Emits [ka * a] * [kb * b] = [kc * c] (copies of the combinations). */
static void emit(struct builder *b, const struct cwaku__lc *a,
                 const cwaku_fr *ka, const struct cwaku__lc *bb,
                 const cwaku_fr *kb, const struct cwaku__lc *c,
                 const cwaku_fr *kc) {
  if (!b->r1cs || b->err)
    return;
  struct cwaku__lc la = {0}, lb = {0}, lcc = {0};
  cwaku__lc_axpy(&la, a, ka, &b->err);
  cwaku__lc_axpy(&lb, bb, kb, &b->err);
  if (c)
    cwaku__lc_axpy(&lcc, c, kc, &b->err);
  cwaku__r1cs_push(b->sink, &la, &lb, &lcc, &b->err);
}

static void single(struct builder *b, struct cwaku__lc *lc, uint32_t wire) {
  cwaku_fr one;
  cwaku__fr_one(&one);
  cwaku__lc_reset(lc);
  cwaku__lc_add_term(lc, wire, &one, &b->err);
}

/* ---- the S-box: three constraints, x^2 and x^4 on wires ----------------- */

/* Sets the two wires of x^2 and x^4 and returns x^5 in *x5. */
static void sbox_values(struct builder *b, const struct sig *x, uint32_t q,
                        cwaku_fr *x5) {
  cwaku_fr x2, x4;
  cwaku__fr_sqr(&x2, &x->v);
  cwaku__fr_sqr(&x4, &x2);
  cwaku__fr_mul(x5, &x4, &x->v);
  set_wire(b, q, &x2);
  set_wire(b, q + 1, &x4);
}

/* specs/rln-circuit.md §7.1: [-x][x] = [-q], [-q][q] = [-(q+1)],
 * [-(q+1)][x] = [-o]. */
static void sbox_constraints(struct builder *b, const struct sig *x, uint32_t q,
                             const struct cwaku__lc *o) {
  if (!b->r1cs)
    return;
  cwaku_fr one, minus;
  cwaku__fr_one(&one);
  cwaku__fr_neg(&minus, &one);
  struct cwaku__lc lq = {0}, lq1 = {0};
  single(b, &lq, q);
  single(b, &lq1, q + 1);
  emit(b, &x->lc, &minus, &x->lc, &one, &lq, &minus);
  emit(b, &lq, &minus, &lq, &one, &lq1, &minus);
  emit(b, &lq1, &minus, &x->lc, &one, o, &minus);
  cwaku__lc_clear(&lq);
  cwaku__lc_clear(&lq1);
}

/* ---- circomlib's optimised Poseidon (PoseidonEx(n, 1), initial state 0) -- */

/* Wires of one Poseidon block at base (specs/rln-circuit.md §5). */
struct pos_layout {
  uint32_t base, t, np;
};

static uint32_t pl_ark(const struct pos_layout *l, uint32_t r, uint32_t j) {
  return r == 1 ? l->base + j - 1 : l->base + (l->t - 1) + (r - 2) * l->t + j;
}
static uint32_t pl_mixlast(const struct pos_layout *l, uint32_t j) {
  return l->base + 7 * l->t - 1 + j;
}
static uint32_t pl_mixs(const struct pos_layout *l, uint32_t rho) {
  return l->base + 7 * l->t - 1 + (l->t - 1) + rho;
}
static uint32_t pl_sigf(const struct pos_layout *l, uint32_t r, uint32_t j) {
  return l->base + 7 * l->t - 1 + (l->t - 1) + l->np + 2 * (r * l->t + j - 1);
}
static uint32_t pl_sigp(const struct pos_layout *l, uint32_t rho) {
  return l->base + 7 * l->t - 1 + (l->t - 1) + l->np + 2 * (8 * l->t - 1) +
         2 * rho;
}
static uint32_t pos_size(uint32_t t, uint32_t np) {
  return 24 * t - 4 + 3 * np;
}

/* One full round r (0..6): S-boxes with the next round's constants on the
 * ark wires, then s = u * mat. */
static void full_round(struct builder *b, const struct cwaku__poseidon_opt *o,
                       const struct pos_layout *l, uint32_t r,
                       const cwaku_fr *mat, struct sig *s, struct sig *u) {
  uint32_t t = l->t;
  for (uint32_t j = 0; j < t; j++) {
    size_t k = (size_t)(r + 1) * t + (r < 4 ? 0 : l->np) + j;
    const cwaku_fr *c = &o->C[k];
    if (r == 0 && j == 0) {
      /* lane 0 starts as the constant C[0]: no wires, no constraints */
      cwaku_fr x5;
      cwaku__fr_sqr(&x5, &s[0].v);
      cwaku__fr_sqr(&x5, &x5);
      cwaku__fr_mul(&x5, &x5, &s[0].v);
      cwaku__fr_add(&x5, &x5, c);
      sig_const(b, &u[0], &x5);
      continue;
    }
    uint32_t a = pl_ark(l, r + 1, j);
    cwaku_fr x5;
    sbox_values(b, &s[j], pl_sigf(l, r, j), &x5);
    cwaku__fr_add(&x5, &x5, c);
    set_wire(b, a, &x5);
    /* the S-box output is the ark wire minus its constant */
    sig_wire(b, &u[j], a);
    struct sig out = {0};
    sig_copy(b, &out, &u[j]);
    cwaku_fr mc;
    cwaku__fr_neg(&mc, c);
    sig_add_const(b, &out, &mc);
    sbox_constraints(b, &s[j], pl_sigf(l, r, j), &out.lc);
    sig_clear(&out);
  }
  /* circomlib Mix: out_i = sum_j mat[j][i] in_j */
  for (uint32_t i = 0; i < t; i++) {
    cwaku_fr zero;
    cwaku__fr_zero(&zero);
    sig_const(b, &s[i], &zero);
    if (b->r1cs)
      cwaku__lc_reset(&s[i].lc);
    for (uint32_t j = 0; j < t; j++)
      sig_axpy(b, &s[i], &u[j], &mat[j * t + i]);
  }
}

/* PoseidonEx with inputs on wires in[0..t-2]; the hash goes to out_wire.
 * Its constraints go to dst: all full-round S-boxes, then the partial
 * ones (specs/rln-circuit.md §7.1, §7.2). */
static void poseidon(struct builder *b, uint32_t base, uint32_t t,
                     const uint32_t *in, uint32_t out_wire,
                     struct cwaku__r1cs *dst) {
  const struct cwaku__poseidon_opt *o = &opt[t - 2];
  struct pos_layout l = {base, t, (uint32_t)o->n_partial};
  struct cwaku__r1cs full = {0}, partial = {0};
  struct sig s[4], u[4];
  memset(s, 0, sizeof s);
  memset(u, 0, sizeof u);
  sig_const(b, &s[0], &o->C[0]);
  for (uint32_t j = 1; j < t; j++) {
    sig_wire(b, &s[j], in[j - 1]);
    sig_add_const(b, &s[j], &o->C[j]);
  }
  struct cwaku__r1cs *saved = b->sink;
  b->sink = &full;
  for (uint32_t r = 0; r < 4; r++)
    full_round(b, o, &l, r, r == 3 ? o->P : o->M, s, u);

  /* partial rounds: one S-box on lane 0, the sparse matrix */
  b->sink = &partial;
  for (uint32_t rho = 0; rho < l.np; rho++) {
    size_t base_s = (size_t)(2 * t - 1) * rho;
    const cwaku_fr *c = &o->C[5 * t + rho], *sp = &o->S[base_s];
    uint32_t m = pl_mixs(&l, rho);
    cwaku_fr x5, in0v, mv, p;
    sbox_values(b, &s[0], pl_sigp(&l, rho), &x5);
    cwaku__fr_add(&in0v, &x5, c);
    cwaku__fr_mul(&mv, &sp[0], &in0v);
    for (uint32_t i = 1; i < t; i++) {
      cwaku__fr_mul(&p, &sp[i], &s[i].v);
      cwaku__fr_add(&mv, &mv, &p);
    }
    set_wire(b, m, &mv);
    /* z = S0^-1 (m - sum_i Si s_i): a combination whose value is x^5 + c
     * (only built for the R1CS; the witness needs just the value) */
    struct sig z = {0};
    if (b->r1cs) {
      sig_wire(b, &z, m);
      for (uint32_t i = 1; i < t; i++) {
        cwaku_fr neg;
        cwaku__fr_neg(&neg, &sp[i]);
        sig_axpy(b, &z, &s[i], &neg);
      }
      cwaku_fr inv;
      cwaku__fr_inverse_vartime(&inv, &sp[0]);
      sig_scale(b, &z, &inv);
    }
    z.v = in0v;
    struct sig out = {0};
    sig_copy(b, &out, &z);
    cwaku_fr mc;
    cwaku__fr_neg(&mc, c);
    sig_add_const(b, &out, &mc);
    sbox_constraints(b, &s[0], pl_sigp(&l, rho), &out.lc);
    sig_clear(&out);
    sig_wire(b, &s[0], m);
    for (uint32_t i = 1; i < t; i++)
      sig_axpy(b, &s[i], &z, &sp[t + i - 1]);
    sig_clear(&z);
  }

  b->sink = &full;
  for (uint32_t r = 4; r < 7; r++)
    full_round(b, o, &l, r, o->M, s, u);

  /* the last full round feeds MixLast: lanes 0..t-2 on wires, lane t-1
   * expressed through the output */
  cwaku_fr x5s[4];
  for (uint32_t j = 0; j < t; j++) {
    sbox_values(b, &s[j], pl_sigf(&l, 7, j), &x5s[j]);
    if (j < t - 1)
      set_wire(b, pl_mixlast(&l, j), &x5s[j]);
  }
  cwaku_fr h, p;
  cwaku__fr_zero(&h);
  for (uint32_t j = 0; j < t; j++) {
    cwaku__fr_mul(&p, &o->M[j * t], &x5s[j]);
    cwaku__fr_add(&h, &h, &p);
  }
  set_wire(b, out_wire, &h);
  for (uint32_t j = 0; j < t && b->r1cs; j++) {
    struct sig oj = {0};
    if (j < t - 1) {
      sig_wire(b, &oj, pl_mixlast(&l, j));
    } else {
      sig_wire(b, &oj, out_wire);
      for (uint32_t k = 0; k < t - 1; k++) {
        struct sig ok = {0};
        cwaku_fr neg;
        sig_wire(b, &ok, pl_mixlast(&l, k));
        cwaku__fr_neg(&neg, &o->M[k * t]);
        sig_axpy(b, &oj, &ok, &neg);
        sig_clear(&ok);
      }
      cwaku_fr inv;
      cwaku__fr_inverse_vartime(&inv, &o->M[(t - 1) * t]);
      sig_scale(b, &oj, &inv);
    }
    sbox_constraints(b, &s[j], pl_sigf(&l, 7, j), &oj.lc);
    sig_clear(&oj);
  }

  b->sink = saved;
  cwaku__r1cs_append(dst, &full, &b->err);
  cwaku__r1cs_append(dst, &partial, &b->err);
  for (uint32_t j = 0; j < 4; j++) {
    sig_clear(&s[j]);
    sig_clear(&u[j]);
  }
}

/* ---- the circuit -------------------------------------------------------- */

#define W_PATH_ELEMENT(i) (9u + (i))
#define W_PATH_INDEX(i) (29u + (i))
#define W_ID_COMMITMENT 49u
#define W_RATE_COMMITMENT 50u
#define W_A1 51u
#define W_MUX(i, k) (52u + 2u * (i) + (k))
#define W_LEVEL_HASH(i) (91u + (i)) /* i = 1..19 */
#define W_MERKLE_POSEIDON 111u

/* Num2Bits of a value whose top bit (n-1) is eliminated: the low n-1 bits
 * on wires, then the top bit as a combination (specs/rln-circuit.md §7.3).
 */
static void bits(struct builder *b, uint32_t first_wire, const struct sig *in,
                 uint32_t n, uint64_t value, struct cwaku__r1cs *dst) {
  struct cwaku__r1cs *saved = b->sink;
  b->sink = dst;
  cwaku_fr one, minus, zero;
  cwaku__fr_one(&one);
  cwaku__fr_neg(&minus, &one);
  cwaku__fr_zero(&zero);
  struct sig rest = {0}, bit = {0}, top = {0}, top1 = {0};
  sig_const(b, &rest, &zero);
  if (b->r1cs)
    cwaku__lc_reset(&rest.lc);
  for (uint32_t i = 0; i < n - 1; i++) {
    cwaku_fr bv, pow2;
    cwaku__fr_from_u64(&bv, (value >> i) & 1);
    set_wire(b, first_wire + i, &bv);
    sig_wire(b, &bit, first_wire + i);
    struct sig bm = {0};
    sig_copy(b, &bm, &bit);
    sig_add_const(b, &bm, &minus);
    emit(b, &bm.lc, &one, &bit.lc, &one, NULL, &one);
    sig_clear(&bm);
    cwaku__fr_from_u64(&pow2, (uint64_t)1 << i);
    sig_axpy(b, &rest, &bit, &pow2);
  }
  /* top = 2^-(n-1) (in - sum 2^i b_i) */
  cwaku_fr inv;
  cwaku__fr_from_u64(&inv, (uint64_t)1 << (n - 1));
  cwaku__fr_inverse_vartime(&inv, &inv);
  sig_copy(b, &top, in);
  sig_axpy(b, &top, &rest, &minus);
  sig_scale(b, &top, &inv);
  sig_copy(b, &top1, &top);
  sig_add_const(b, &top1, &minus);
  emit(b, &top1.lc, &one, &top.lc, &one, NULL, &one);
  sig_clear(&rest);
  sig_clear(&bit);
  sig_clear(&top);
  sig_clear(&top1);
  b->sink = saved;
}

static int u64_of(uint64_t *out, const cwaku_fr *a) {
  uint64_t l[4];
  cwaku__fr_to_limbs(l, a);
  *out = l[0];
  return (l[1] | l[2] | l[3]) == 0;
}

static int build(struct builder *b, const struct cwaku__rln_inputs *in,
                 struct cwaku__r1cs *out) {
  pthread_once(&opt_once, opt_init);
  if (opt_err)
    return opt_err;
  uint64_t limit, id;
  if (!u64_of(&limit, &in->user_message_limit) ||
      !u64_of(&id, &in->message_id) || id >= 65536 || id >= limit ||
      limit > id + 65536)
    return CWAKU_EINVAL;
  for (int i = 0; i < CWAKU_RLN_DEPTH; i++)
    if (in->path_index[i] > 1)
      return CWAKU_EINVAL;

  cwaku_fr *w = b->w;
  cwaku__fr_one(&w[0]);
  w[CWAKU_RLN_W_X] = in->x;
  w[CWAKU_RLN_W_EXTERNAL_NULLIFIER] = in->external_nullifier;
  w[CWAKU_RLN_W_IDENTITY_SECRET] = in->identity_secret;
  w[CWAKU_RLN_W_USER_MESSAGE_LIMIT] = in->user_message_limit;
  w[CWAKU_RLN_W_MESSAGE_ID] = in->message_id;
  for (uint32_t i = 0; i < CWAKU_RLN_DEPTH; i++) {
    w[W_PATH_ELEMENT(i)] = in->path_elements[i];
    cwaku__fr_from_u64(&w[W_PATH_INDEX(i)], in->path_index[i]);
  }

  /* Gadgets run in the order their values are needed; their constraints
   * are put in the official order at the end (specs/rln-circuit.md §7). */
  struct cwaku__r1cs c_idc = {0}, c_rate = {0}, c_mux = {0}, c_mpos = {0},
                     c_a1 = {0}, c_null = {0}, c_lt = {0}, c_n2b = {0},
                     c_main = {0};
  uint32_t pos3 = pos_size(3, (uint32_t)opt[1].n_partial);
  uint32_t pos2 = pos_size(2, (uint32_t)opt[0].n_partial);
  uint32_t base = W_MERKLE_POSEIDON + CWAKU_RLN_DEPTH * pos3;
  uint32_t b_idc = base, b_rate = b_idc + pos2, b_a1 = b_rate + pos3;
  uint32_t b_null = b_a1 + pos_size(4, (uint32_t)opt[2].n_partial);
  uint32_t b_bits = b_null + pos2;

  uint32_t in1[3];
  in1[0] = CWAKU_RLN_W_IDENTITY_SECRET;
  poseidon(b, b_idc, 2, in1, W_ID_COMMITMENT, &c_idc);
  in1[0] = W_ID_COMMITMENT;
  in1[1] = CWAKU_RLN_W_USER_MESSAGE_LIMIT;
  poseidon(b, b_rate, 3, in1, W_RATE_COMMITMENT, &c_rate);

  cwaku_fr one, minus;
  cwaku__fr_one(&one);
  cwaku__fr_neg(&minus, &one);
  for (uint32_t i = 0; i < CWAKU_RLN_DEPTH; i++) {
    uint32_t h = i == 0 ? W_RATE_COMMITMENT : W_LEVEL_HASH(i);
    uint32_t e = W_PATH_ELEMENT(i), s = W_PATH_INDEX(i);
    /* MultiMux1: mux0 = h + (e - h) s, mux1 = e + (h - e) s */
    cwaku_fr d, m0, m1;
    cwaku__fr_sub(&d, &w[e], &w[h]);
    cwaku__fr_mul(&d, &d, &w[s]);
    cwaku__fr_add(&m0, &w[h], &d);
    cwaku__fr_sub(&m1, &w[e], &d);
    set_wire(b, W_MUX(i, 0), &m0);
    set_wire(b, W_MUX(i, 1), &m1);
    if (b->r1cs) {
      /* [h - e][s] = [h - mux0], [e - h][s] = [e - mux1] */
      struct cwaku__lc he = {0}, eh = {0}, ls = {0}, c0 = {0}, c1 = {0};
      cwaku__lc_add_term(&he, h, &one, &b->err);
      cwaku__lc_add_term(&he, e, &minus, &b->err);
      cwaku__lc_add_term(&eh, e, &one, &b->err);
      cwaku__lc_add_term(&eh, h, &minus, &b->err);
      single(b, &ls, s);
      cwaku__lc_add_term(&c0, h, &one, &b->err);
      cwaku__lc_add_term(&c0, W_MUX(i, 0), &minus, &b->err);
      cwaku__lc_add_term(&c1, e, &one, &b->err);
      cwaku__lc_add_term(&c1, W_MUX(i, 1), &minus, &b->err);
      b->sink = &c_mux;
      emit(b, &he, &one, &ls, &one, &c0, &one);
      emit(b, &eh, &one, &ls, &one, &c1, &one);
      cwaku__lc_clear(&he);
      cwaku__lc_clear(&eh);
      cwaku__lc_clear(&ls);
      cwaku__lc_clear(&c0);
      cwaku__lc_clear(&c1);
    }
    uint32_t mux[2] = {W_MUX(i, 0), W_MUX(i, 1)};
    uint32_t o =
        i == CWAKU_RLN_DEPTH - 1 ? CWAKU_RLN_W_ROOT : W_LEVEL_HASH(i + 1);
    poseidon(b, W_MERKLE_POSEIDON + i * pos3, 3, mux, o, &c_mpos);
  }

  in1[0] = CWAKU_RLN_W_IDENTITY_SECRET;
  in1[1] = CWAKU_RLN_W_EXTERNAL_NULLIFIER;
  in1[2] = CWAKU_RLN_W_MESSAGE_ID;
  poseidon(b, b_a1, 4, in1, W_A1, &c_a1);
  /* y = identitySecret + a1 x */
  cwaku_fr y;
  cwaku__fr_mul(&y, &w[W_A1], &w[CWAKU_RLN_W_X]);
  cwaku__fr_add(&y, &y, &w[CWAKU_RLN_W_IDENTITY_SECRET]);
  set_wire(b, CWAKU_RLN_W_Y, &y);
  in1[0] = W_A1;
  poseidon(b, b_null, 2, in1, CWAKU_RLN_W_NULLIFIER, &c_null);

  /* RangeCheck(16): LessThan(16) = Num2Bits(17) of messageId + 2^16 -
   * limit with bit 16 = 0 (so 16 bits here), then Num2Bits(16) of
   * messageId. */
  struct sig lt = {0}, mid = {0}, lim = {0};
  cwaku_fr two16;
  cwaku__fr_from_u64(&two16, 65536);
  sig_wire(b, &lt, CWAKU_RLN_W_MESSAGE_ID);
  sig_add_const(b, &lt, &two16);
  sig_wire(b, &lim, CWAKU_RLN_W_USER_MESSAGE_LIMIT);
  sig_axpy(b, &lt, &lim, &minus);
  bits(b, b_bits + 15, &lt, 16, id + 65536 - limit, &c_lt);
  sig_wire(b, &mid, CWAKU_RLN_W_MESSAGE_ID);
  bits(b, b_bits, &mid, 16, id, &c_n2b);
  sig_clear(&lt);
  sig_clear(&mid);
  sig_clear(&lim);

  if (b->r1cs) {
    /* main: [-a1][x] = [identitySecret - y], then the path bits */
    struct cwaku__lc la = {0}, lx = {0}, lcy = {0};
    single(b, &la, W_A1);
    single(b, &lx, CWAKU_RLN_W_X);
    cwaku__lc_add_term(&lcy, CWAKU_RLN_W_IDENTITY_SECRET, &one, &b->err);
    cwaku__lc_add_term(&lcy, CWAKU_RLN_W_Y, &minus, &b->err);
    b->sink = &c_main;
    emit(b, &la, &minus, &lx, &one, &lcy, &one);
    for (uint32_t i = 0; i < CWAKU_RLN_DEPTH; i++) {
      struct cwaku__lc bm = {0}, bb = {0};
      cwaku__lc_add_term(&bm, 0, &minus, &b->err);
      cwaku__lc_add_term(&bm, W_PATH_INDEX(i), &one, &b->err);
      single(b, &bb, W_PATH_INDEX(i));
      emit(b, &bm, &one, &bb, &one, NULL, &one);
      cwaku__lc_clear(&bm);
      cwaku__lc_clear(&bb);
    }
    cwaku__lc_clear(&la);
    cwaku__lc_clear(&lx);
    cwaku__lc_clear(&lcy);
    out->n_wires = b_bits + 30;
    out->n_public = CWAKU_RLN_PUBLIC;
    struct cwaku__r1cs *order[] = {&c_main, &c_mux,  &c_mpos, &c_idc, &c_rate,
                                   &c_a1,   &c_null, &c_lt,   &c_n2b};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
      cwaku__r1cs_append(out, order[i], &b->err);
  }
  struct cwaku__r1cs *all[] = {&c_main, &c_mux,  &c_mpos, &c_idc, &c_rate,
                               &c_a1,   &c_null, &c_lt,   &c_n2b};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
    cwaku__r1cs_free(all[i]);
  return b->err;
}

int cwaku__rln_witness(cwaku_fr *w, const struct cwaku__rln_inputs *in) {
  struct builder b = {.r1cs = false, .w = w};
  return build(&b, in, NULL);
}

int cwaku__rln_r1cs(struct cwaku__r1cs *out) {
  memset(out, 0, sizeof *out);
  cwaku_fr *w = calloc(CWAKU_RLN_WIRES, sizeof *w);
  if (!w)
    return CWAKU_ENOMEM;
  /* Any valid input: the constraints do not depend on the values. */
  struct cwaku__rln_inputs in;
  memset(&in, 0, sizeof in);
  cwaku__fr_from_u64(&in.user_message_limit, 1);
  struct builder b = {.r1cs = true, .w = w};
  int r = build(&b, &in, out);
  free(w);
  if (r)
    cwaku__r1cs_free(out);
  return r;
}

/* ---- the circuit's input JSON ------------------------------------------ */

static int fr_dec(cwaku_fr *out, const json_t *j) {
  const char *s = json_string_value(j);
  return s && cwaku__fr_from_dec(out, s, strlen(s));
}

int cwaku__rln_inputs_from_json(struct cwaku__rln_inputs *in,
                                const json_t *ci) {
  memset(in, 0, sizeof *in);
  int ok =
      fr_dec(&in->identity_secret, json_object_get(ci, "identitySecret")) &&
      fr_dec(&in->user_message_limit,
             json_object_get(ci, "userMessageLimit")) &&
      fr_dec(&in->message_id, json_object_get(ci, "messageId")) &&
      fr_dec(&in->x, json_object_get(ci, "x")) &&
      fr_dec(&in->external_nullifier, json_object_get(ci, "externalNullifier"));
  const json_t *pe = json_object_get(ci, "pathElements");
  const json_t *pi = json_object_get(ci, "identityPathIndex");
  if (json_array_size(pe) != CWAKU_RLN_DEPTH ||
      json_array_size(pi) != CWAKU_RLN_DEPTH)
    return 0;
  for (size_t i = 0; ok && i < CWAKU_RLN_DEPTH; i++) {
    const json_t *b = json_array_get(pi, i);
    const char *s = json_string_value(b);
    int bit = json_is_integer(b) ? (int)json_integer_value(b)
              : s && (!strcmp(s, "0") || !strcmp(s, "1")) ? s[0] - '0'
                                                          : -1;
    ok = fr_dec(&in->path_elements[i], json_array_get(pe, i)) &&
         (bit == 0 || bit == 1);
    in->path_index[i] = (uint8_t)bit;
  }
  if (!ok)
    memset(in, 0, sizeof *in);
  return ok;
}
