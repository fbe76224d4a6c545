/* Poseidon (circomlib's parameters), the constants generated at first use
 * by the reference script's Grain LFSR, and the optimised permutation of
 * the Poseidon paper (Grassi et al., ePrint 2019/458) appendix B. */
#include <pthread.h>
#include <sodium.h>

/* The BMI2/ADX assembly is for x86-64 (define CWAKU_NO_ASM to build
 * without it). */
#if defined(__x86_64__) && !defined(CWAKU_NO_ASM)
#define POSEIDON_ADX 1
#include <cpuid.h>
#else
#define POSEIDON_ADX 0
#endif
#include <stdlib.h>
#include <string.h>

#include "zk/mont256.h"
#include "zk/poseidon.h"

/* The hot path uses mont256.h directly so the modulus folds into the
 * inlined multiplications; only m and n0 are read by add, mul and sqr. */
static const struct mont256_modulus FRM = {
    .m = {0x43e1f593f0000001ULL, 0x2833e84879b97091ULL, 0xb85045b68181585dULL,
          0x30644e72e131a029ULL},
    .n0 = 0xc2e1f593efffffffULL,
};

#define RF 8          /* full rounds */
#define HALF (RF / 2) /* full rounds before and after the partial ones */
#define MIN_T 2
#define MAX_T (CWAKU_POSEIDON_MAX_INPUTS + 1)
#define NWIDTHS (MAX_T - MIN_T + 1)

/* X(t, R_P): circomlibjs' N_ROUNDS_P for t = 2..9. */
#define POSEIDON_WIDTHS(X)                                                     \
  X(2, 56) X(3, 57) X(4, 56) X(5, 60) X(6, 60) X(7, 63) X(8, 64) X(9, 63)

/* Elements kept per width: the plain round constants and MDS matrix, then
 * the optimised form's full-round constants, partial-round scalars, the
 * matrices of the full rounds next to the partial ones, and 2t - 2
 * coefficients per partial round. */
#define WIDTH_ELEMS(t, rp)                                                     \
  ((RF + (rp)) * (t) + (t) * (t) + RF * (t) + (rp) + 2 * (t) * (t) +           \
   (rp) * (2 * (t)-2))
#define RP_OF(t, rp) rp,
#define ELEMS_OF(t, rp) +WIDTH_ELEMS(t, rp)
#define POOL_ELEMS (0 POSEIDON_WIDTHS(ELEMS_OF))

static const unsigned PARTIAL_ROUNDS[NWIDTHS] = {POSEIDON_WIDTHS(RP_OF)};

struct width {
  unsigned t, rp;
  /* plain: rc[(RF + rp) * t], round r adds rc[r*t .. r*t + t-1];
   * mds[t*t], state'_i = sum_j mds[i*t + j] state_j */
  cwaku_fr *rc, *mds;
  /* optimised (see optimise()): fc[RF * t] full-round constants; pc[rp]
   * the constant added to state_0 in each partial round; pre[t*t] and
   * post[t*t] the linear layers of the full rounds just before and just
   * after the partial ones; sp[rp * (2t-2)] per partial round the
   * coefficients u_1..u_{t-1} of the new state_0, then w_1..w_{t-1}. */
  cwaku_fr *fc, *pc, *pre, *post, *sp;
  cwaku_fr first5; /* fc[0]^5: the first S-box on the state's 0 */
};

static cwaku_fr pool[POOL_ELEMS]; /* about 300 KB */
static struct width widths[NWIDTHS];
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

/* --- Grain LFSR, as generate_parameters_grain of the Poseidon reference
 * (extgit.iaik.tugraz.at/krypto/hadeshash): 80 bits b_0..b_79, b_0 the
 * oldest; each clock appends b_62 ^ b_51 ^ b_38 ^ b_23 ^ b_13 ^ b_0 and
 * drops b_0. Bit i of s is b_i. The taps lie 18 or more bits below the
 * end, so 16 clocks are computed at once.
 *
 * The output is self-shrunk: of each pair of clocked bits, the second is
 * output when the first is 1, and the pair is dropped when it is 0. That
 * is done a byte (four pairs) at a time through a table, into a queue of
 * output bits, the oldest in bit 0. */

struct grain {
  mont256_u128 s;
  unsigned fill; /* bits written by grain_push */
  unsigned qn;   /* bits in q */
  uint64_t q;
};

/* shrink[byte] = the kept bits (oldest in bit 0) | their count << 4 */
static uint8_t shrink[256];

static void shrink_table(void) {
  for (unsigned v = 0; v < 256; v++) {
    unsigned bits = 0, n = 0;
    for (unsigned pair = 0; pair < 4; pair++)
      if ((v >> (2 * pair)) & 1)
        bits |= ((v >> (2 * pair + 1)) & 1) << n++;
    shrink[v] = (uint8_t)(bits | n << 4);
  }
}

/* 16 clocks; the new bits, the oldest in bit 0. */
static unsigned grain_clock16(struct grain *g) {
  mont256_u128 s = g->s;
  unsigned b = (unsigned)((s >> 62) ^ (s >> 51) ^ (s >> 38) ^ (s >> 23) ^
                          (s >> 13) ^ s) &
               0xffff;
  g->s = (s >> 16) | ((mont256_u128)b << 64);
  return b;
}

/* Appends the w-bit value v, most significant bit first. */
static void grain_push(struct grain *g, uint64_t v, unsigned w) {
  for (unsigned i = 0; i < w; i++)
    g->s |= (mont256_u128)((v >> (w - 1 - i)) & 1) << g->fill++;
}

/* The seed: field (2 bits: 1 = prime field), S-box (4 bits: 0 = x^alpha),
 * field size n (12 bits), t (12), R_F (10), R_P (10), thirty 1 bits; then
 * 160 clocks discarded. */
static void grain_init(struct grain *g, unsigned t, unsigned rp) {
  g->s = 0;
  g->fill = 0;
  g->q = 0;
  g->qn = 0;
  grain_push(g, 1, 2);
  grain_push(g, 0, 4);
  grain_push(g, 254, 12);
  grain_push(g, t, 12);
  grain_push(g, RF, 10);
  grain_push(g, rp, 10);
  grain_push(g, (1u << 30) - 1, 30);
  for (int i = 0; i < 160 / 16; i++)
    grain_clock16(g);
}

/* Tops the queue up to at least 48 bits (at most 63). */
static void grain_fill(struct grain *g) {
  while (g->qn < 48) {
    unsigned raw = grain_clock16(g);
    for (int k = 0; k < 2; k++, raw >>= 8) {
      unsigned e = shrink[raw & 0xff];
      g->q |= (uint64_t)(e & 15) << g->qn;
      g->qn += e >> 4;
    }
  }
}

static uint64_t reverse64(uint64_t v) {
  v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
  v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
  v = ((v >> 4) & 0x0f0f0f0f0f0f0f0fULL) | ((v & 0x0f0f0f0f0f0f0f0fULL) << 4);
  return __builtin_bswap64(v);
}

/* A 254-bit integer, its most significant bit drawn first: the draws are
 * gathered oldest-first into y, whose bit order is then reversed. */
static void grain_bits254(struct grain *g, uint64_t x[4]) {
  uint64_t y[4] = {0, 0, 0, 0};
  unsigned have = 0;
  while (have < 254) {
    grain_fill(g);
    unsigned k = g->qn < 254 - have ? g->qn : 254 - have; /* 1..63 */
    uint64_t chunk = g->q & (((uint64_t)1 << k) - 1);
    unsigned word = have / 64, bit = have % 64;
    y[word] |= chunk << bit;
    if (bit + k > 64)
      y[word + 1] |= chunk >> (64 - bit);
    g->q >>= k;
    g->qn -= k;
    have += k;
  }
  for (int j = 0; j < 4; j++) /* bit i of y to bit 255 - i */
    x[3 - j] = reverse64(y[j]);
  for (int j = 0; j < 4; j++) /* then down by two: bit 253 - i */
    x[j] = (x[j] >> 2) | (j < 3 ? x[j + 1] << 62 : 0);
}

/* Round constants: 254-bit draws, rejected and redrawn when >= r. */
static void grain_constant(struct grain *g, cwaku_fr *out) {
  uint64_t x[4];
  do
    grain_bits254(g, x);
  while (!cwaku__fr_from_limbs(out, x));
}

/* MDS samples: 254-bit draws taken mod r (no rejection). */
static void grain_element(struct grain *g, cwaku_fr *out) {
  uint64_t x[4];
  uint8_t b[32];
  grain_bits254(g, x);
  for (int i = 0; i < 32; i++)
    b[i] = (uint8_t)(x[i / 8] >> (8 * (i % 8)));
  cwaku__fr_reduce_bytes_le(out, b);
}

/* The constants are public: a broken invariant here is a bug, never input. */
static void unreachable(void) {
  abort();
}

/* The reference script's order: all (R_F + R_P) t round constants, then the
 * MDS matrix M[i][j] = 1/(x_i + y_j) from 2t more draws x_0..x_{t-1},
 * y_0..y_{t-1}, all redrawn while two of them are equal or some x_i + y_j
 * is 0. circomlib's matrices are these first draws for every t = 2..9
 * (script versions that also test a matrix for invariant subspace trails
 * and redraw on failure are not needed to reproduce them). */
static void generate(struct width *w) {
  const unsigned t = w->t;
  struct grain g;
  cwaku_fr xy[2 * MAX_T], s;
  grain_init(&g, t, w->rp);
  for (unsigned k = 0; k < (RF + w->rp) * t; k++)
    grain_constant(&g, &w->rc[k]);
  for (;;) {
    int ok = 1;
    for (unsigned k = 0; k < 2 * t; k++)
      grain_element(&g, &xy[k]);
    for (unsigned a = 0; a < 2 * t; a++)
      for (unsigned b = a + 1; b < 2 * t; b++)
        ok &= !cwaku__fr_equal(&xy[a], &xy[b]);
    for (unsigned i = 0; ok && i < t; i++)
      for (unsigned j = 0; j < t; j++) {
        cwaku__fr_add(&s, &xy[i], &xy[t + j]);
        ok &= !cwaku__fr_is_zero(&s);
        cwaku__fr_inverse_vartime(&w->mds[i * t + j], &s);
      }
    if (ok)
      return;
  }
}

/* --- Small matrices over Fr, for the derivation only (row-major n x n). */

/* out = a^-1 by Gauss-Jordan; out must not overlap a. */
static void mat_inverse(cwaku_fr *out, const cwaku_fr *a, unsigned n) {
  cwaku_fr m[(MAX_T - 1) * (MAX_T - 1)], f, p, tmp;
  memcpy(m, a, sizeof m[0] * n * n);
  for (unsigned i = 0; i < n; i++)
    for (unsigned j = 0; j < n; j++) {
      if (i == j)
        cwaku__fr_one(&out[i * n + j]);
      else
        cwaku__fr_zero(&out[i * n + j]);
    }
  for (unsigned c = 0; c < n; c++) {
    unsigned piv = c;
    while (piv < n && cwaku__fr_is_zero(&m[piv * n + c]))
      piv++;
    if (piv == n)
      unreachable(); /* Cauchy matrices (and their blocks) are invertible */
    for (unsigned j = 0; j < n; j++) {
      tmp = m[c * n + j], m[c * n + j] = m[piv * n + j], m[piv * n + j] = tmp;
      tmp = out[c * n + j], out[c * n + j] = out[piv * n + j],
      out[piv * n + j] = tmp;
    }
    cwaku__fr_inverse_vartime(&f, &m[c * n + c]);
    for (unsigned j = 0; j < n; j++) {
      cwaku__fr_mul(&m[c * n + j], &m[c * n + j], &f);
      cwaku__fr_mul(&out[c * n + j], &out[c * n + j], &f);
    }
    for (unsigned i = 0; i < n; i++) {
      if (i == c)
        continue;
      f = m[i * n + c];
      for (unsigned j = 0; j < n; j++) {
        cwaku__fr_mul(&p, &f, &m[c * n + j]);
        cwaku__fr_sub(&m[i * n + j], &m[i * n + j], &p);
        cwaku__fr_mul(&p, &f, &out[c * n + j]);
        cwaku__fr_sub(&out[i * n + j], &out[i * n + j], &p);
      }
    }
  }
}

/* r = sum_l a[l] * b[l * stride] over n terms. */
static void fr_dot(cwaku_fr *r, const cwaku_fr *a, const cwaku_fr *b,
                   unsigned stride, unsigned n) {
  cwaku_fr p;
  cwaku__fr_zero(r);
  for (unsigned l = 0; l < n; l++) {
    cwaku__fr_mul(&p, &a[l], &b[l * stride]);
    cwaku__fr_add(r, r, &p);
  }
}

static void pow5_fr(cwaku_fr *r, const cwaku_fr *x) {
  cwaku_fr x4;
  cwaku__fr_sqr(&x4, x);
  cwaku__fr_sqr(&x4, &x4);
  cwaku__fr_mul(r, &x4, x);
}

/* out = a b; out must not overlap a or b. */
static void mat_mul(cwaku_fr *out, const cwaku_fr *a, const cwaku_fr *b,
                    unsigned n) {
  for (unsigned i = 0; i < n; i++)
    for (unsigned c = 0; c < n; c++)
      fr_dot(&out[i * n + c], &a[i * n], &b[c], n, n);
}

/* The optimised form. The plain rounds are
 *   full:    s <- M (s + c)^5          partial: s <- M (s + c)^5 on s_0 only
 * 1. Constants: in a partial round only s_0 meets the S-box, so the part
 *    (0, c_1, ..., c_{t-1}) of its constant passes through unchanged and is
 *    carried through M into the next round's constant; every partial round
 *    then adds one scalar, and the carry lands in the first full round
 *    after them.
 * 2. Matrices: write M = [[m00, u^T], [w, N]] (N the (t-1) x (t-1) block).
 *    Any matrix [[m00, u^T], [a, B]] with B invertible factors as
 *    S * diag(1, B) with the sparse S = [[m00, u^T B^-1], [a, I]]. The
 *    factor diag(1, B) does not touch s_0, so it commutes with the next
 *    partial round's S-box and scalar constant and moves back into the
 *    previous round's matrix: diag(1, B) M = [[m00, u^T], [B w, B N]].
 *    From the last partial round backwards (j = 1, 2, ..., R_P) this gives
 *    B = N^j, so the j-th last round uses S_j = [[m00, u^T N^-j],
 *    [N^(j-1) w, I]], and the full round before the partial ones uses
 *    diag(1, N^R_P) M. One inversion, of N, is all it takes.
 * 3. Scaling (ours): a partial round is then y = (s_0 + c)^5,
 *    s_0 <- m00 y + u.s', s' <- s' + w y. Keeping s_0 / a_k instead of s_0
 *    in round k, with a_0 = 1 and a_{k+1} = m00 a_k^5, turns it into
 *    y' = (s_0 + c / a_k)^5, s_0 <- y' + (u / a_{k+1}).s',
 *    s' <- s' + (w a_k^5) y': the multiplication by m00 leaves the
 *    critical path. After the last partial round s_0 is short of the factor
 *    a = a_{R_P}: the next full round adds c_0 / a to it and its matrix
 *    takes a^5 into column 0. */
static void optimise(struct width *w) {
  const unsigned t = w->t, n = t - 1, rp = w->rp, stride = 2 * t - 2;
  const cwaku_fr *mds = w->mds;
  cwaku_fr nb[(MAX_T - 1) * (MAX_T - 1)], ninv[(MAX_T - 1) * (MAX_T - 1)];
  cwaku_fr npow[(MAX_T - 1) * (MAX_T - 1)], tmpm[(MAX_T - 1) * (MAX_T - 1)];
  cwaku_fr sq[(MAX_T - 1) * (MAX_T - 1)];
  cwaku_fr u[MAX_T - 1], col[MAX_T - 1], tmpv[MAX_T], carry[MAX_T], d[MAX_T];
  cwaku_fr a, a5, inv, m00inv;

  for (unsigned i = 0; i < n; i++) {
    for (unsigned j = 0; j < n; j++) {
      nb[i * n + j] = mds[(i + 1) * t + (j + 1)];
      if (i == j)
        cwaku__fr_one(&npow[i * n + j]);
      else
        cwaku__fr_zero(&npow[i * n + j]);
    }
    u[i] = mds[i + 1];
    col[i] = mds[(i + 1) * t];
  }
  mat_inverse(ninv, nb, n);

  /* 2: the sparse matrices, unscaled, from the last partial round back */
  for (unsigned j = 1; j <= rp; j++) {
    cwaku_fr *row = &w->sp[(rp - j) * stride];
    for (unsigned c = 0; c < n; c++) /* u^T N^-j */
      fr_dot(&tmpv[c], u, &ninv[c], n, n);
    memcpy(u, tmpv, sizeof u[0] * n);
    for (unsigned i = 0; i < n; i++) {
      row[i] = u[i];
      row[n + i] = col[i]; /* N^(j-1) w */
    }
    for (unsigned i = 0; i < n; i++)
      fr_dot(&tmpv[i], &nb[i * n], col, 1, n);
    memcpy(col, tmpv, sizeof col[0] * n);
  }
  /* npow = N^R_P, by squaring */
  memcpy(sq, nb, sizeof nb[0] * n * n);
  for (unsigned e = rp; e; e >>= 1) {
    if (e & 1) {
      mat_mul(tmpm, npow, sq, n);
      memcpy(npow, tmpm, sizeof npow[0] * n * n);
    }
    mat_mul(tmpm, sq, sq, n);
    memcpy(sq, tmpm, sizeof sq[0] * n * n);
  }
  /* pre = diag(1, N^R_P) M */
  memcpy(w->pre, mds, sizeof mds[0] * t);
  for (unsigned i = 1; i < t; i++)
    for (unsigned c = 0; c < t; c++)
      fr_dot(&w->pre[i * t + c], &npow[(i - 1) * n], &mds[t + c], t, n);

  /* 1: the constants */
  memcpy(w->fc, w->rc, sizeof w->fc[0] * HALF * t);
  for (unsigned i = 0; i < t; i++)
    cwaku__fr_zero(&carry[i]);
  for (unsigned k = 0; k < rp; k++) {
    for (unsigned i = 0; i < t; i++)
      cwaku__fr_add(&d[i], &w->rc[(HALF + k) * t + i], &carry[i]);
    w->pc[k] = d[0];
    for (unsigned i = 0; i < t; i++)
      fr_dot(&carry[i], &mds[i * t + 1], &d[1], 1, n);
  }
  memcpy(&w->fc[HALF * t], &w->rc[(HALF + rp) * t], sizeof w->fc[0] * HALF * t);
  for (unsigned i = 0; i < t; i++)
    cwaku__fr_add(&w->fc[HALF * t + i], &w->fc[HALF * t + i], &carry[i]);

  /* 3: the scaling, forwards; inv = 1/a follows a as 1/m00 (1/a)^5 */
  cwaku__fr_one(&a);
  cwaku__fr_one(&inv);
  cwaku__fr_inverse_vartime(&m00inv, &mds[0]);
  for (unsigned k = 0; k < rp; k++) {
    cwaku_fr *row = &w->sp[k * stride];
    cwaku__fr_mul(&w->pc[k], &w->pc[k], &inv);
    pow5_fr(&a5, &a);
    cwaku__fr_mul(&a, &mds[0], &a5);
    pow5_fr(&inv, &inv);
    cwaku__fr_mul(&inv, &inv, &m00inv);
    for (unsigned i = 0; i < n; i++) {
      cwaku__fr_mul(&row[i], &row[i], &inv);
      cwaku__fr_mul(&row[n + i], &row[n + i], &a5);
    }
  }
  cwaku__fr_mul(&w->fc[HALF * t], &w->fc[HALF * t], &inv);
  pow5_fr(&a5, &a);
  memcpy(w->post, mds, sizeof mds[0] * t * t);
  for (unsigned i = 0; i < t; i++)
    cwaku__fr_mul(&w->post[i * t], &w->post[i * t], &a5);
  pow5_fr(&w->first5, &w->fc[0]);
}

/* --- Field arithmetic for the hot path.
 *
 * Two instances of the permutation: the portable one on mont256.h, with
 * every value canonical (< m), and on x86-64 CPUs with BMI2 and ADX one
 * on the assembly below, where values are "loose": any representative
 * below 2m (m < 2^254, so 4m < 2^256). Loose values cost fewer final
 * subtractions; the bounds are given at each operation, and the result is
 * brought below m once at the end. Constants are always canonical. */

#if POSEIDON_ADX
static const uint64_t ZERO = 0; /* a memory operand where registers run out */

/* 2m, for reductions of loose values */
static const uint64_t TWO_M[4] = {0x87c3eb27e0000002ULL, 0x5067d090f372e122ULL,
                                  0x70a08b6d0302b0baULL, 0x60c89ce5c2634053ULL};

/* Montgomery multiplication with BMI2/ADX (mulx, and adcx/adox for two
 * independent carry chains), in the CIOS order of mont256_mul: per word b_i,
 * t += a*b_i, then t = (t + q*m) / 2^64 with q = t_0 * n0 mod 2^64. Five
 * registers hold t; each REDUCE leaves the word it divides out as zero and
 * the register names rotate. */
#define MULADD(i, A, B, C, D, E)                                               \
  "movq " #i "*8(%[b]), %%rdx\n\t"                                             \
  "testq %%rdx, %%rdx\n\t" /* clears CF and OF */                              \
  "mulxq 0(%[a]), %[lo], %[hi]\n\t"                                            \
  "adcxq %[lo], %[" #A "]\n\t"                                                 \
  "adoxq %[hi], %[" #B "]\n\t"                                                 \
  "mulxq 8(%[a]), %[lo], %[hi]\n\t"                                            \
  "adcxq %[lo], %[" #B "]\n\t"                                                 \
  "adoxq %[hi], %[" #C "]\n\t"                                                 \
  "mulxq 16(%[a]), %[lo], %[hi]\n\t"                                           \
  "adcxq %[lo], %[" #C "]\n\t"                                                 \
  "adoxq %[hi], %[" #D "]\n\t"                                                 \
  "mulxq 24(%[a]), %[lo], %[" #E "]\n\t"                                       \
  "adcxq %[lo], %[" #D "]\n\t"                                                 \
  "adoxq %[zero], %[" #E "]\n\t"                                               \
  "adcxq %[zero], %[" #E "]\n\t"
#define REDUCE(A, B, C, D, E)                                                  \
  "movq %[" #A "], %%rdx\n\t"                                                  \
  "imulq %[n0], %%rdx\n\t"                                                     \
  "testq %%rdx, %%rdx\n\t"                                                     \
  "mulxq %[m0], %[lo], %[hi]\n\t"                                              \
  "adcxq %[lo], %[" #A "]\n\t"                                                 \
  "adoxq %[hi], %[" #B "]\n\t"                                                 \
  "mulxq %[m1], %[lo], %[hi]\n\t"                                              \
  "adcxq %[lo], %[" #B "]\n\t"                                                 \
  "adoxq %[hi], %[" #C "]\n\t"                                                 \
  "mulxq %[m2], %[lo], %[hi]\n\t"                                              \
  "adcxq %[lo], %[" #C "]\n\t"                                                 \
  "adoxq %[hi], %[" #D "]\n\t"                                                 \
  "mulxq %[m3], %[lo], %[hi]\n\t"                                              \
  "adcxq %[lo], %[" #D "]\n\t"                                                 \
  "adoxq %[hi], %[" #E "]\n\t"                                                 \
  "adcxq %[zero], %[" #E "]\n\t"
#define MODULUS_OPERANDS                                                       \
  [m0] "m"(FRM.m[0]), [m1] "m"(FRM.m[1]), [m2] "m"(FRM.m[2]),                  \
      [m3] "m"(FRM.m[3]), [n0] "m"(FRM.n0), [zero] "m"(ZERO)

/* r = a*b/2^256 mod m, loose: for a, b < 2m the result is below
 * (a b + (2^256 - 1) m) / 2^256 < (4m/2^256 + 1) m < 1.76m, and each
 * round's t stays below 3m + 2^192 < 2^256, so no word carries out. */
MONT256_INLINE void mul_adx(uint64_t r[4], const uint64_t a[4],
                            const uint64_t b[4]) {
  uint64_t t0, t1, t2, t3, t4, lo, hi;
  /* clang-format off */
  __asm__("movq 0(%[b]), %%rdx\n\t"
          "mulxq 0(%[a]), %[t0], %[t1]\n\t"
          "mulxq 8(%[a]), %[lo], %[t2]\n\t"
          "addq %[lo], %[t1]\n\t"
          "mulxq 16(%[a]), %[lo], %[t3]\n\t"
          "adcq %[lo], %[t2]\n\t"
          "mulxq 24(%[a]), %[lo], %[t4]\n\t"
          "adcq %[lo], %[t3]\n\t"
          "adcq $0, %[t4]\n\t"
          REDUCE(t0, t1, t2, t3, t4)
          MULADD(1, t1, t2, t3, t4, t0)
          REDUCE(t1, t2, t3, t4, t0)
          MULADD(2, t2, t3, t4, t0, t1)
          REDUCE(t2, t3, t4, t0, t1)
          MULADD(3, t3, t4, t0, t1, t2)
          REDUCE(t3, t4, t0, t1, t2)
          : [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3),
            [t4] "=&r"(t4), [lo] "=&r"(lo), [hi] "=&r"(hi)
          : [a] "r"(a), [b] "r"(b), "m"(*(const uint64_t(*)[4])a),
            "m"(*(const uint64_t(*)[4])b), MODULUS_OPERANDS
          : "rdx", "cc");
  /* clang-format on */
  r[0] = t4, r[1] = t0, r[2] = t1, r[3] = t2;
}

/* T = a*b, the full 512-bit product: the same rows without reductions,
 * each low word stored once final. */
MONT256_INLINE void mul_wide_adx(uint64_t T[8], const uint64_t a[4],
                                 const uint64_t b[4]) {
  uint64_t t0, t1, t2, t3, t4, lo, hi;
  /* clang-format off */
  __asm__("movq 0(%[b]), %%rdx\n\t"
          "mulxq 0(%[a]), %[t0], %[t1]\n\t"
          "mulxq 8(%[a]), %[lo], %[t2]\n\t"
          "addq %[lo], %[t1]\n\t"
          "mulxq 16(%[a]), %[lo], %[t3]\n\t"
          "adcq %[lo], %[t2]\n\t"
          "mulxq 24(%[a]), %[lo], %[t4]\n\t"
          "adcq %[lo], %[t3]\n\t"
          "adcq $0, %[t4]\n\t"
          "movq %[t0], 0(%[T])\n\t"
          MULADD(1, t1, t2, t3, t4, t0)
          "movq %[t1], 8(%[T])\n\t"
          MULADD(2, t2, t3, t4, t0, t1)
          "movq %[t2], 16(%[T])\n\t"
          MULADD(3, t3, t4, t0, t1, t2)
          "movq %[t3], 24(%[T])\n\t"
          "movq %[t4], 32(%[T])\n\t"
          "movq %[t0], 40(%[T])\n\t"
          "movq %[t1], 48(%[T])\n\t"
          "movq %[t2], 56(%[T])\n\t"
          : [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3),
            [t4] "=&r"(t4), [lo] "=&r"(lo), [hi] "=&r"(hi),
            "=m"(*(uint64_t(*)[8])T)
          : [a] "r"(a), [b] "r"(b), [T] "r"(T), "m"(*(const uint64_t(*)[4])a),
            "m"(*(const uint64_t(*)[4])b), [zero] "m"(ZERO)
          : "rdx", "cc");
  /* clang-format on */
}

/* r = T_lo / 2^256 mod m + T_hi for a 512-bit T = T_hi 2^256 + T_lo, i.e.
 * REDC(T) up to multiples of m: four REDUCE rounds on T_lo give at most
 * (T_lo + (2^256 - 1) m) / 2^256 <= m, then T_hi is added. The caller
 * bounds the sum below 2^256. */
MONT256_INLINE void redc_wide_adx(uint64_t r[4], const uint64_t T[8]) {
  uint64_t t0 = T[0], t1 = T[1], t2 = T[2], t3 = T[3], t4 = 0, lo, hi;
  /* clang-format off */
  __asm__(REDUCE(t0, t1, t2, t3, t4)
          REDUCE(t1, t2, t3, t4, t0)
          REDUCE(t2, t3, t4, t0, t1)
          REDUCE(t3, t4, t0, t1, t2)
          "addq 32(%[T]), %[t4]\n\t"
          "adcq 40(%[T]), %[t0]\n\t"
          "adcq 48(%[T]), %[t1]\n\t"
          "adcq 56(%[T]), %[t2]\n\t"
          : [t0] "+&r"(t0), [t1] "+&r"(t1), [t2] "+&r"(t2), [t3] "+&r"(t3),
            [t4] "+&r"(t4), [lo] "=&r"(lo), [hi] "=&r"(hi)
          : [T] "r"(T), "m"(*(const uint64_t(*)[8])T), MODULUS_OPERANDS
          : "rdx", "cc");
  /* clang-format on */
  r[0] = t4, r[1] = t0, r[2] = t1, r[3] = t2;
}

/* r = a^2/2^256 mod m, loose: the 512-bit square from the six cross
 * products (summed, doubled) and the four squares, 10 mulx instead of 16;
 * then four REDUCE rounds divide the low half (at most m after) and the
 * high half is added. For a < 2m, the high half is below
 * 4m^2/2^256 < 0.76m: r < 1.76m. Two statements, so that each fits in the
 * registers left by a frame pointer and the sanitizers. */
MONT256_INLINE void sqr_adx(uint64_t r[4], const uint64_t a[4]) {
  uint64_t x0, x1, x2, x3, x4, x5, x6, x7, lo, hi, e = 0;
  __asm__("movq 0(%[a]), %%rdx\n\t"
          "mulxq 8(%[a]), %[x1], %[x2]\n\t"  /* a0 a1 */
          "mulxq 16(%[a]), %[lo], %[x3]\n\t" /* a0 a2 */
          "addq %[lo], %[x2]\n\t"
          "mulxq 24(%[a]), %[lo], %[x4]\n\t" /* a0 a3 */
          "adcq %[lo], %[x3]\n\t"
          "movq 8(%[a]), %%rdx\n\t"
          "mulxq 24(%[a]), %[lo], %[x5]\n\t" /* a1 a3 */
          "adcq %[lo], %[x4]\n\t"
          "movq 16(%[a]), %%rdx\n\t"
          "mulxq 24(%[a]), %[lo], %[x6]\n\t" /* a2 a3 */
          "adcq %[lo], %[x5]\n\t"
          "adcq $0, %[x6]\n\t"
          "movq 8(%[a]), %%rdx\n\t"
          "mulxq 16(%[a]), %[lo], %[hi]\n\t" /* a1 a2 */
          "addq %[lo], %[x3]\n\t"
          "adcq %[hi], %[x4]\n\t"
          "adcq $0, %[x5]\n\t"
          "adcq $0, %[x6]\n\t"
          "xorl %k[x7], %k[x7]\n\t" /* double the cross products */
          "addq %[x1], %[x1]\n\t"
          "adcq %[x2], %[x2]\n\t"
          "adcq %[x3], %[x3]\n\t"
          "adcq %[x4], %[x4]\n\t"
          "adcq %[x5], %[x5]\n\t"
          "adcq %[x6], %[x6]\n\t"
          "adcq $0, %[x7]\n\t"
          "movq 0(%[a]), %%rdx\n\t" /* add the squares */
          "mulxq %%rdx, %[x0], %[hi]\n\t"
          "addq %[hi], %[x1]\n\t"
          "movq 8(%[a]), %%rdx\n\t"
          "mulxq %%rdx, %[lo], %[hi]\n\t"
          "adcq %[lo], %[x2]\n\t"
          "adcq %[hi], %[x3]\n\t"
          "movq 16(%[a]), %%rdx\n\t"
          "mulxq %%rdx, %[lo], %[hi]\n\t"
          "adcq %[lo], %[x4]\n\t"
          "adcq %[hi], %[x5]\n\t"
          "movq 24(%[a]), %%rdx\n\t"
          "mulxq %%rdx, %[lo], %[hi]\n\t"
          "adcq %[lo], %[x6]\n\t"
          "adcq %[hi], %[x7]\n\t"
          : [x0] "=&r"(x0), [x1] "=&r"(x1), [x2] "=&r"(x2), [x3] "=&r"(x3),
            [x4] "=&r"(x4), [x5] "=&r"(x5), [x6] "=&r"(x6), [x7] "=&r"(x7),
            [lo] "=&r"(lo), [hi] "=&r"(hi)
          : [a] "r"(a), "m"(*(const uint64_t(*)[4])a)
          : "rdx", "cc");
  /* clang-format off */
  __asm__(REDUCE(x0, x1, x2, x3, e)
          REDUCE(x1, x2, x3, e, x0)
          REDUCE(x2, x3, e, x0, x1)
          REDUCE(x3, e, x0, x1, x2)
          "addq %[x4], %[e]\n\t"
          "adcq %[x5], %[x0]\n\t"
          "adcq %[x6], %[x1]\n\t"
          "adcq %[x7], %[x2]\n\t"
          : [x0] "+&r"(x0), [x1] "+&r"(x1), [x2] "+&r"(x2), [x3] "+&r"(x3),
            [e] "+&r"(e), [lo] "=&r"(lo), [hi] "=&r"(hi)
          : [x4] "r"(x4), [x5] "r"(x5), [x6] "r"(x6), [x7] "r"(x7),
            MODULUS_OPERANDS
          : "rdx", "cc");
  /* clang-format on */
  r[0] = e, r[1] = x0, r[2] = x1, r[3] = x2;
}

/* r = x - 2m if x >= 2m, else x (cmov, no branch): x < 4m becomes < 2m. */
MONT256_INLINE void reduce_2m(uint64_t r[4], const uint64_t x[4]) {
  uint64_t x0 = x[0], x1 = x[1], x2 = x[2], x3 = x[3], y0, y1, y2, y3;
  __asm__("movq %[x0], %[y0]\n\t"
          "movq %[x1], %[y1]\n\t"
          "movq %[x2], %[y2]\n\t"
          "movq %[x3], %[y3]\n\t"
          "subq %[p0], %[y0]\n\t"
          "sbbq %[p1], %[y1]\n\t"
          "sbbq %[p2], %[y2]\n\t"
          "sbbq %[p3], %[y3]\n\t"
          "cmovncq %[y0], %[x0]\n\t"
          "cmovncq %[y1], %[x1]\n\t"
          "cmovncq %[y2], %[x2]\n\t"
          "cmovncq %[y3], %[x3]\n\t"
          : [x0] "+r"(x0), [x1] "+r"(x1), [x2] "+r"(x2), [x3] "+r"(x3),
            [y0] "=&r"(y0), [y1] "=&r"(y1), [y2] "=&r"(y2), [y3] "=&r"(y3)
          : [p0] "m"(TWO_M[0]), [p1] "m"(TWO_M[1]), [p2] "m"(TWO_M[2]),
            [p3] "m"(TWO_M[3])
          : "cc");
  r[0] = x0, r[1] = x1, r[2] = x2, r[3] = x3;
}

/* r = a + b reduced below 2m, for a, b < 2m (a + b < 4m < 2^256). */
MONT256_INLINE void add_loose(uint64_t r[4], const uint64_t a[4],
                              const uint64_t b[4]) {
  uint64_t t[4];
  mont256_add_raw(t, a, b);
  reduce_2m(r, t);
}

/* T += P as 512-bit integers (the callers' bounds exclude a carry out). */
MONT256_INLINE void add512(uint64_t T[8], const uint64_t P[8]) {
  __asm__("addq 0(%[P]), %[t0]\n\t"
          "adcq 8(%[P]), %[t1]\n\t"
          "adcq 16(%[P]), %[t2]\n\t"
          "adcq 24(%[P]), %[t3]\n\t"
          "adcq 32(%[P]), %[t4]\n\t"
          "adcq 40(%[P]), %[t5]\n\t"
          "adcq 48(%[P]), %[t6]\n\t"
          "adcq 56(%[P]), %[t7]\n\t"
          : [t0] "+r"(T[0]), [t1] "+r"(T[1]), [t2] "+r"(T[2]), [t3] "+r"(T[3]),
            [t4] "+r"(T[4]), [t5] "+r"(T[5]), [t6] "+r"(T[6]), [t7] "+r"(T[7])
          : [P] "r"(P), "m"(*(const uint64_t(*)[8])P)
          : "cc");
}

/* The same rows as separate statements on five C variables, which the
 * compiler keeps in registers across them, for sums of products: t +=
 * a*bi with the product's top word added into e (which holds no more than
 * a carry before). */
MONT256_INLINE void row_acc(uint64_t *w0, uint64_t *w1, uint64_t *w2,
                            uint64_t *w3, uint64_t *w4, const uint64_t a[4],
                            uint64_t bi) {
  uint64_t lo, hi;
  __asm__("testq %%rdx, %%rdx\n\t" /* clears CF and OF */
          "mulxq 0(%[a]), %[lo], %[hi]\n\t"
          "adcxq %[lo], %[A]\n\t"
          "adoxq %[hi], %[B]\n\t"
          "mulxq 8(%[a]), %[lo], %[hi]\n\t"
          "adcxq %[lo], %[B]\n\t"
          "adoxq %[hi], %[C]\n\t"
          "mulxq 16(%[a]), %[lo], %[hi]\n\t"
          "adcxq %[lo], %[C]\n\t"
          "adoxq %[hi], %[D]\n\t"
          "mulxq 24(%[a]), %[lo], %[hi]\n\t"
          "adcxq %[lo], %[D]\n\t"
          "adoxq %[hi], %[E]\n\t"
          "adcxq %[zero], %[E]\n\t"
          : [A] "+r"(*w0), [B] "+r"(*w1), [C] "+r"(*w2), [D] "+r"(*w3),
            [E] "+r"(*w4), [lo] "=&r"(lo), [hi] "=&r"(hi)
          : [a] "r"(a), "d"(bi), "m"(*(const uint64_t(*)[4])a), [zero] "m"(ZERO)
          : "cc");
}

/* t = (t + q m) / 2^64, q = t_0 n0: w0 becomes zero, the value moves to
 * w1..w4. */
MONT256_INLINE void row_reduce(uint64_t *w0, uint64_t *w1, uint64_t *w2,
                               uint64_t *w3, uint64_t *w4) {
  uint64_t lo, hi;
  __asm__(REDUCE(A, B, C, D, E)
          : [A] "+r"(*w0), [B] "+r"(*w1), [C] "+r"(*w2), [D] "+r"(*w3),
            [E] "+r"(*w4), [lo] "=&r"(lo), [hi] "=&r"(hi)
          : MODULUS_OPERANDS
          : "rdx", "cc");
}

/* r = sum_j c[j] s[j] / 2^256 mod m for n <= 3, c canonical and s loose,
 * by CIOS over all n products at once: per word i, t += sum_j c_j s_j[i],
 * then one reduction. Each round's sum stays below 2^256 + 3 m 2^64 <
 * 2^320, so five words hold it, and the result is below
 * (n m 2m / 2^256 + 1) m < 2.14m. */
MONT256_INLINE void dot_cios(uint64_t r[4], const cwaku_fr *c,
                             const uint64_t s[][4], const unsigned n) {
  uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0;
  for (unsigned j = 0; j < n; j++)
    row_acc(&t0, &t1, &t2, &t3, &t4, c[j].v, s[j][0]);
  row_reduce(&t0, &t1, &t2, &t3, &t4);
  for (unsigned j = 0; j < n; j++)
    row_acc(&t1, &t2, &t3, &t4, &t0, c[j].v, s[j][1]);
  row_reduce(&t1, &t2, &t3, &t4, &t0);
  for (unsigned j = 0; j < n; j++)
    row_acc(&t2, &t3, &t4, &t0, &t1, c[j].v, s[j][2]);
  row_reduce(&t2, &t3, &t4, &t0, &t1);
  for (unsigned j = 0; j < n; j++)
    row_acc(&t3, &t4, &t0, &t1, &t2, c[j].v, s[j][3]);
  row_reduce(&t3, &t4, &t0, &t1, &t2);
  r[0] = t4, r[1] = t0, r[2] = t1, r[3] = t2;
}
#undef MULADD
#undef REDUCE
#undef MODULUS_OPERANDS
#endif

/* The operations of both instances; adx is a constant in each. */
MONT256_INLINE void fmul(uint64_t r[4], const uint64_t a[4],
                         const uint64_t b[4], const int adx) {
#if POSEIDON_ADX
  if (adx) {
    mul_adx(r, a, b);
    return;
  }
#endif
  mont256_mul(r, a, b, &FRM);
}

MONT256_INLINE void fsqr(uint64_t r[4], const uint64_t a[4], const int adx) {
#if POSEIDON_ADX
  if (adx) {
    sqr_adx(r, a);
    return;
  }
#endif
  mont256_sqr(r, a, &FRM);
}

MONT256_INLINE void fadd(uint64_t r[4], const uint64_t a[4],
                         const uint64_t b[4], const int adx) {
#if POSEIDON_ADX
  if (adx) {
    add_loose(r, a, b);
    return;
  }
#endif
  mont256_add(r, a, b, &FRM);
}

/* r = sum_j c[j] s[j] + k, n <= 9 terms, c and k canonical, k optional
 * (NULL; only with n <= 8). With ADX the products are summed as 512-bit
 * integers and reduced once, k joining T_hi: with s < 2m, T < 2n m^2 <
 * 2^512 and T_hi < 2n (m/2^256) m < 0.38 n m, so the REDC is below
 * (1 + 0.38 n) m, or (2 + 0.38 n) m with k: below 2m, 4m or 6m (and below
 * 2^256: at most 5.03m = 0.95 * 2^256, for n = 8 with k), and that many
 * subtractions of 2m make it loose. */
MONT256_INLINE void dot(uint64_t r[4], const cwaku_fr *c, const uint64_t s[][4],
                        const unsigned n, const cwaku_fr *k, const int adx) {
#if POSEIDON_ADX
  if (adx && n <= 3) {
    dot_cios(r, c, s, n);
    if (n > 2)
      reduce_2m(r, r); /* below 2.14m */
    if (k)
      add_loose(r, r, k->v);
    return;
  }
  if (adx) {
    uint64_t T[8], P[8];
    const unsigned bound = k ? 200 + 38 * n : 100 + 38 * n; /* in m/100 */
    mul_wide_adx(T, c[0].v, s[0]);
    for (unsigned j = 1; j < n; j++) {
      mul_wide_adx(P, c[j].v, s[j]);
      add512(T, P);
    }
    if (k)
      mont256_add_raw(&T[4], &T[4], k->v);
    redc_wide_adx(r, T);
    if (bound >= 200)
      reduce_2m(r, r);
    if (bound >= 400)
      reduce_2m(r, r);
    return;
  }
#endif
  uint64_t p[4];
  mont256_mul(r, c[0].v, s[0], &FRM);
  for (unsigned j = 1; j < n; j++) {
    mont256_mul(p, c[j].v, s[j], &FRM);
    mont256_add(r, r, p, &FRM);
  }
  if (k)
    mont256_add(r, r, k->v, &FRM);
}

/* --- The optimised permutation, instantiated per width and per
 * arithmetic so that t is a constant and the loops unroll. */

MONT256_INLINE void pow5(uint64_t x[4], const int adx) {
  uint64_t x2[4], x4[4];
  fsqr(x2, x, adx);
  fsqr(x4, x2, adx);
  fmul(x, x4, x, adx);
}

/* s <- m s for a full t x t matrix. */
MONT256_INLINE void mix(uint64_t s[][4], const cwaku_fr *m, const unsigned t,
                        const int adx) {
  uint64_t out[MAX_T][4];
  for (unsigned i = 0; i < t; i++)
    dot(out[i], &m[i * t], s, t, NULL, adx);
  memcpy(s, out, 32 * t);
}

MONT256_INLINE void full_round(uint64_t s[][4], const cwaku_fr *c,
                               const cwaku_fr *m, const unsigned t,
                               const int adx) {
  for (unsigned i = 0; i < t; i++) {
    fadd(s[i], s[i], c[i].v, adx);
    pow5(s[i], adx);
  }
  mix(s, m, t, adx);
}

/* The hash of s[1..t-1]: the permutation of (0, s[1], ..., s[t-1]), s[0]
 * (in, ignored, and out) canonical and the rest of s left loose. Only
 * s[0] of the last round is computed, and (0 + c_0)^5 of the first round
 * was computed once (first5). */
MONT256_INLINE void permute(uint64_t s[][4], const struct width *w,
                            const unsigned t, const unsigned rp,
                            const int adx) {
  const unsigned n = t - 1;
  memcpy(s[0], w->first5.v, 32);
  for (unsigned i = 1; i < t; i++) {
    fadd(s[i], s[i], w->fc[i].v, adx);
    pow5(s[i], adx);
  }
  mix(s, w->mds, t, adx);
  for (unsigned r = 1; r < HALF; r++)
    full_round(s, &w->fc[r * t], r == HALF - 1 ? w->pre : w->mds, t, adx);
  /* Each partial round adds the next one's constant to the new s_0 inside
   * its dot product; the last one adds the first constant of the next full
   * round. */
  fadd(s[0], s[0], w->pc[0].v, adx);
  for (unsigned k = 0; k < rp; k++) {
    const cwaku_fr *row = &w->sp[k * 2 * n];
    const cwaku_fr *next = k + 1 < rp ? &w->pc[k + 1] : &w->fc[HALF * t];
    uint64_t s0[4], p[4];
    pow5(s[0], adx);
    dot(s0, row, &s[1], n, next, adx);
    fadd(s0, s0, s[0], adx);
    for (unsigned i = 0; i < n; i++) {
      fmul(p, row[n + i].v, s[0], adx);
      fadd(s[1 + i], s[1 + i], p, adx);
    }
    memcpy(s[0], s0, 32);
  }
  pow5(s[0], adx);
  for (unsigned i = 1; i < t; i++) {
    fadd(s[i], s[i], w->fc[HALF * t + i].v, adx);
    pow5(s[i], adx);
  }
  mix(s, w->post, t, adx);
  for (unsigned r = HALF + 1; r < RF - 1; r++)
    full_round(s, &w->fc[r * t], w->mds, t, adx);
  for (unsigned i = 0; i < t; i++) {
    fadd(s[i], s[i], w->fc[(RF - 1) * t + i].v, adx);
    pow5(s[i], adx);
  }
  uint64_t out[4];
  dot(out, w->mds, s, t, NULL, adx);
  mont256_reduce_once(s[0], out, &FRM);
}

typedef void (*permute_fn)(uint64_t s[][4]);

#define PERMUTE_T(t, rp)                                                       \
  static void permute##t(uint64_t s[][4]) {                                    \
    permute(s, &widths[(t)-MIN_T], (t), (rp), 0);                              \
  }
#define FN_OF(t, rp) permute##t,
POSEIDON_WIDTHS(PERMUTE_T)
static const permute_fn PERMUTE_PORTABLE[NWIDTHS] = {POSEIDON_WIDTHS(FN_OF)};
#undef PERMUTE_T
#undef FN_OF

#if POSEIDON_ADX
#define PERMUTE_T(t, rp)                                                       \
  static void permute##t##_adx(uint64_t s[][4]) {                              \
    permute(s, &widths[(t)-MIN_T], (t), (rp), 1);                              \
  }
#define FN_OF(t, rp) permute##t##_adx,
POSEIDON_WIDTHS(PERMUTE_T)
static const permute_fn PERMUTE_ADX[NWIDTHS] = {POSEIDON_WIDTHS(FN_OF)};
#undef PERMUTE_T
#undef FN_OF
#endif

/* PERMUTE_ADX when the CPU has BMI2 and ADX; set once by init_all. */
static const permute_fn *permutes = PERMUTE_PORTABLE;

/* CPUID leaf 7: EBX bit 8 is BMI2 (mulx), bit 19 ADX (adcx, adox). */
static void choose_permutes(void) {
#if POSEIDON_ADX
  unsigned eax, ebx, ecx, edx;
  if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) && (ebx >> 8 & 1) &&
      (ebx >> 19 & 1))
    permutes = PERMUTE_ADX;
#endif
}

static void init_all(void) {
  cwaku_fr *p = pool;
  shrink_table();
  for (unsigned k = 0; k < NWIDTHS; k++) {
    struct width *w = &widths[k];
    const unsigned t = k + MIN_T, rp = PARTIAL_ROUNDS[k];
    w->t = t;
    w->rp = rp;
    w->rc = p, p += (RF + rp) * t;
    w->mds = p, p += t * t;
    w->fc = p, p += RF * t;
    w->pc = p, p += rp;
    w->pre = p, p += t * t;
    w->post = p, p += t * t;
    w->sp = p, p += rp * (2 * t - 2);
    generate(w);
    optimise(w);
  }
  if (p != pool + POOL_ELEMS)
    unreachable();
  choose_permutes();
}

void cwaku__poseidon_init(void) {
  if (pthread_once(&init_once, init_all) != 0)
    unreachable();
}

/* Hashes s[1..t-1] (s[0] is set here) by the given instances and wipes
 * the state. */
static void hash_state(cwaku_fr *out, uint64_t s[MAX_T][4], unsigned t,
                       const permute_fn *fns) {
  memset(s[0], 0, 32);
  fns[t - MIN_T](s);
  memcpy(out->v, s[0], 32);
  sodium_memzero(s, 32 * MAX_T);
}

int cwaku__poseidon(cwaku_fr *out, const cwaku_fr *in, size_t n) {
  return cwaku__poseidon_with(out, in, n, -1);
}

int cwaku__poseidon_with(cwaku_fr *out, const cwaku_fr *in, size_t n, int adx) {
  uint64_t s[MAX_T][4];
  const permute_fn *fns;
  cwaku__poseidon_init();
  if (adx < 0)
    fns = permutes;
  else if (adx == 0)
    fns = PERMUTE_PORTABLE;
  else
#if POSEIDON_ADX
    fns = permutes == PERMUTE_ADX ? PERMUTE_ADX : NULL;
#else
    fns = NULL;
#endif
  if (n < 1 || n > CWAKU_POSEIDON_MAX_INPUTS || !fns) {
    cwaku__fr_zero(out);
    return 0;
  }
  for (size_t i = 0; i < n; i++)
    memcpy(s[i + 1], in[i].v, 32);
  hash_state(out, s, (unsigned)n + 1, fns);
  return 1;
}

void cwaku__poseidon1(cwaku_fr *out, const cwaku_fr *a) {
  uint64_t s[MAX_T][4];
  cwaku__poseidon_init();
  memcpy(s[1], a->v, 32);
  hash_state(out, s, 2, permutes);
}

void cwaku__poseidon2(cwaku_fr *out, const cwaku_fr *a, const cwaku_fr *b) {
  uint64_t s[MAX_T][4];
  cwaku__poseidon_init();
  memcpy(s[1], a->v, 32);
  memcpy(s[2], b->v, 32);
  hash_state(out, s, 3, permutes);
}

void cwaku__poseidon3(cwaku_fr *out, const cwaku_fr *a, const cwaku_fr *b,
                      const cwaku_fr *c) {
  uint64_t s[MAX_T][4];
  cwaku__poseidon_init();
  memcpy(s[1], a->v, 32);
  memcpy(s[2], b->v, 32);
  memcpy(s[3], c->v, 32);
  hash_state(out, s, 4, permutes);
}

/* --- The textbook form, through field.h only. */

int cwaku__poseidon_reference(cwaku_fr *out, const cwaku_fr *in, size_t n) {
  cwaku_fr s[MAX_T], m[MAX_T], p;
  if (n < 1 || n > CWAKU_POSEIDON_MAX_INPUTS) {
    cwaku__fr_zero(out);
    return 0;
  }
  cwaku__poseidon_init();
  const struct width *w = &widths[n + 1 - MIN_T];
  const unsigned t = w->t;
  cwaku__fr_zero(&s[0]);
  for (size_t i = 0; i < n; i++)
    s[i + 1] = in[i];
  for (unsigned r = 0; r < RF + w->rp; r++) {
    const int full = r < HALF || r >= HALF + w->rp;
    for (unsigned i = 0; i < t; i++) {
      cwaku__fr_add(&s[i], &s[i], &w->rc[r * t + i]);
      if (full || i == 0) {
        cwaku_fr x2;
        cwaku__fr_sqr(&x2, &s[i]);
        cwaku__fr_sqr(&x2, &x2);
        cwaku__fr_mul(&s[i], &s[i], &x2);
      }
    }
    for (unsigned i = 0; i < t; i++) {
      cwaku__fr_zero(&m[i]);
      for (unsigned j = 0; j < t; j++) {
        cwaku__fr_mul(&p, &w->mds[i * t + j], &s[j]);
        cwaku__fr_add(&m[i], &m[i], &p);
      }
    }
    memcpy(s, m, sizeof s[0] * t);
  }
  *out = s[0];
  sodium_memzero(s, sizeof s);
  sodium_memzero(m, sizeof m);
  return 1;
}

/* --- The generated parameters, for tests. */

size_t cwaku__poseidon_partial_rounds(size_t t) {
  return t >= MIN_T && t <= MAX_T ? PARTIAL_ROUNDS[t - MIN_T] : 0;
}

int cwaku__poseidon_round_constant(cwaku_fr *out, size_t t, size_t k) {
  size_t rp = cwaku__poseidon_partial_rounds(t);
  if (!rp || k >= (RF + rp) * t) {
    cwaku__fr_zero(out);
    return 0;
  }
  cwaku__poseidon_init();
  *out = widths[t - MIN_T].rc[k];
  return 1;
}

int cwaku__poseidon_mds(cwaku_fr *out, size_t t, size_t i, size_t j) {
  if (!cwaku__poseidon_partial_rounds(t) || i >= t || j >= t) {
    cwaku__fr_zero(out);
    return 0;
  }
  cwaku__poseidon_init();
  *out = widths[t - MIN_T].mds[i * t + j];
  return 1;
}
