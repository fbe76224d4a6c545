/* Pippenger's bucket method with batched affine additions (msm.h), written
 * once for G1 and G2 and included twice by msm.c. The includer defines:
 *
 *   FE, XY, AFF, JAC   the coordinate field, the flagless affine point,
 *                      curve.h's affine and Jacobian points
 *   G(name)            curve.h's functions (cwaku__g1_name)
 *   S(name)            static names (g1_name)
 *   FE_ADD, FE_SUB, FE_DBL, FE_NEG, FE_MUL, FE_SQR, FE_IS_ZERO, FE_EQUAL
 *   FE_NORM(n, d)      n = the norm of d down to Fp (d itself over Fp)
 *   FE_INV_NORM(r, d, ninv)   r = 1/d from ninv = 1/norm(d)
 *   FE_SCALE(r, a, c)  r = a c for c in Fp
 *   VEC_ADD            msm_ifma.h's batch addition for the group
 *
 * A batch of independent additions a_i + b_i costs one Fp inversion and,
 * over Fp, 6 multiplications each: the prefix products of the
 * denominators' norms, then backwards 1/den_i = acc * prefix_{i-1} and
 * acc = acc * den_i, lambda = (yb - ya) / den, x3 = lambda^2 - xa - xb,
 * y3 = lambda (xa - x3) - ya. Equal x (a doubling or a point and its
 * negation) and infinity are sorted out in the forward pass. */

/* A reference to a point of a source array, negated when REF_NEG is set. */
#ifndef MSM_REF_NEG
#include <stdio.h>
#include <time.h>
static size_t msm_dbg_adds, msm_dbg_batches;
static double msm_dbg_t[6];
static double msm_dbg_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}
#define MSM_REF_NEG 0x80000000u
#define MSM_REF_IDX 0x7fffffffu
enum { MSM_ADD, MSM_DBL, MSM_COPY_A, MSM_COPY_B, MSM_INF };
#define MSM_CHAINS 4 /* batch_add's inversion below takes four */
#define MSM_AHEAD 6  /* prefetch distance, in additions */
#endif

struct S(work) {
  XY *t[2];   /* the rounds' points, alternately source and destination */
  uint32_t *ia, *ib, *io;
  cwaku_fp *pre, *nrm;
  uint8_t *kind;
  size_t *gid, *gstart, *gcount; /* the groups still being summed */
  uint32_t *count; /* bucket counts, then starts */
  uint32_t *refs;
  XY *buckets, *rc;
  int vec;       /* the points are in the IFMA form (msm_ifma.h) */
  void *vbuf;    /* VEC_ADD's scratch */
  uint32_t *special;
};

static inline __attribute__((always_inline)) int S(is_inf)(const XY *p) {
  return FE_IS_ZERO(&p->x) && FE_IS_ZERO(&p->y);
}

static inline __attribute__((always_inline)) void S(load)(XY *out, const XY *src, uint32_t ref) {
  *out = src[ref & MSM_REF_IDX];
  if (ref & MSM_REF_NEG)
    FE_NEG(&out->y, &out->y);
}

static inline __attribute__((always_inline)) void S(y_of)(FE *y, const XY *src, uint32_t ref) {
  if (ref & MSM_REF_NEG)
    FE_NEG(y, &src[ref & MSM_REF_IDX].y);
  else
    *y = src[ref & MSM_REF_IDX].y;
}

/* dst[io[i]] = src[ia[i]] + src[ib[i]] for i < n; no destination may be
 * read as a source. The products run in MSM_CHAINS interleaved chains
 * (element i in chain i % MSM_CHAINS), so that the multiplications of one
 * chain wait less on each other. */
static void S(batch_add)(XY *dst, const XY *src, const uint32_t *ia,
                         const uint32_t *ib, const uint32_t *io, size_t n,
                         struct S(work) * wk) {
  cwaku_fp acc[MSM_CHAINS];
  int any = 0;
  for (int k = 0; k < MSM_CHAINS; k++)
    fp_set_one(&acc[k]);
  for (size_t i = 0; i < n; i++) {
    if (i + MSM_AHEAD < n) {
      __builtin_prefetch(&src[ia[i + MSM_AHEAD] & MSM_REF_IDX]);
      __builtin_prefetch(&src[ib[i + MSM_AHEAD] & MSM_REF_IDX]);
    }
    const XY *a = &src[ia[i] & MSM_REF_IDX], *b = &src[ib[i] & MSM_REF_IDX];
    uint8_t k;
    FE d;
    if (S(is_inf)(a)) {
      k = MSM_COPY_B;
    } else if (S(is_inf)(b)) {
      k = MSM_COPY_A;
    } else {
      FE_SUB(&d, &b->x, &a->x);
      if (!FE_IS_ZERO(&d)) {
        k = MSM_ADD;
      } else {
        /* b = +-a: the same point after the signs when the y agree
         * exactly as often as the signs do */
        int same_sign = (ia[i] >> 31) == (ib[i] >> 31);
        int same_y = FE_EQUAL(&a->y, &b->y);
        if (same_sign == same_y) {
          k = MSM_DBL;
          S(y_of)(&d, src, ia[i]);
          FE_DBL(&d, &d);
        } else {
          k = MSM_INF;
        }
      }
    }
    wk->kind[i] = k;
    if (k <= MSM_DBL) {
      cwaku_fp *c = &acc[i % MSM_CHAINS];
      FE_NORM(&wk->nrm[i], &d);
      wk->pre[i] = *c;
      fp_mul(c, c, &wk->nrm[i]);
      any = 1;
    }
  }
  if (!any)
    goto copies;
  {
    /* 1/acc_k for the four chains from one inversion */
    cwaku_fp p01, p23, t, i01, i23;
    fp_mul(&p01, &acc[0], &acc[1]);
    fp_mul(&p23, &acc[2], &acc[3]);
    fp_mul(&t, &p01, &p23);
    cwaku__fp_inverse_vartime(&t, &t);
    fp_mul(&i01, &t, &p23);
    fp_mul(&i23, &t, &p01);
    t = acc[0];
    fp_mul(&acc[0], &i01, &acc[1]);
    fp_mul(&acc[1], &i01, &t);
    t = acc[2];
    fp_mul(&acc[2], &i23, &acc[3]);
    fp_mul(&acc[3], &i23, &t);
  }
copies:
  for (size_t i = n; i-- > 0;) {
    if (i >= MSM_AHEAD) {
      __builtin_prefetch(&src[ia[i - MSM_AHEAD] & MSM_REF_IDX]);
      __builtin_prefetch(&src[ib[i - MSM_AHEAD] & MSM_REF_IDX]);
    }
    XY *o = &dst[io[i]];
    const XY *a = &src[ia[i] & MSM_REF_IDX], *b = &src[ib[i] & MSM_REF_IDX];
    switch (wk->kind[i]) {
    case MSM_COPY_A:
      S(load)(o, src, ia[i]);
      continue;
    case MSM_COPY_B:
      S(load)(o, src, ib[i]);
      continue;
    case MSM_INF:
      memset(o, 0, sizeof *o);
      continue;
    }
    cwaku_fp ninv, *c = &acc[i % MSM_CHAINS];
    FE ya, den, num, dinv, lam, t;
    fp_mul(&ninv, c, &wk->pre[i]);
    fp_mul(c, c, &wk->nrm[i]);
    S(y_of)(&ya, src, ia[i]);
    if (wk->kind[i] == MSM_ADD) {
      FE_SUB(&den, &b->x, &a->x);
      S(y_of)(&num, src, ib[i]);
      FE_SUB(&num, &num, &ya);
    } else {
      FE_DBL(&den, &ya);
      FE_SQR(&t, &a->x);
      FE_DBL(&num, &t);
      FE_ADD(&num, &num, &t);
    }
    FE_INV_NORM(&dinv, &den, &ninv);
    FE_MUL(&lam, &num, &dinv);
    FE_SQR(&t, &lam);
    FE_SUB(&t, &t, &a->x);
    FE_SUB(&t, &t, &b->x);
    FE_SUB(&den, &a->x, &t);
    FE_MUL(&den, &den, &lam);
    FE_SUB(&o->y, &den, &ya);
    o->x = t;
  }
}

/* A pair that VEC_ADD left out: a point at infinity, or equal x. The
 * doubling converts to the scalar form and back: 2^-4 and 2^4 as the
 * scalar form's factors. */
static void S(special_vec)(XY *dst, const XY *src, uint32_t ra, uint32_t rb) {
  const XY *a = &src[ra & MSM_REF_IDX], *b = &src[rb & MSM_REF_IDX];
  if (S(is_inf)(a)) {
    S(load)(dst, src, rb);
    return;
  }
  if (S(is_inf)(b)) {
    S(load)(dst, src, ra);
    return;
  }
  int same_sign = (ra >> 31) == (rb >> 31);
  if (same_sign != FE_EQUAL(&a->y, &b->y)) {
    memset(dst, 0, sizeof *dst);
    return;
  }
  XY p;
  AFF q;
  JAC j;
  S(load)(&p, src, ra);
  memset(&q, 0, sizeof q);
  FE_SCALE(&q.x, &p.x, &MSM_FP_INV16);
  FE_SCALE(&q.y, &p.y, &MSM_FP_INV16);
  G(from_affine)(&j, &q);
  G(dbl)(&j, &j);
  G(to_affine_vartime)(&q, &j);
  FE_SCALE(&dst->x, &q.x, &MSM_FP_16);
  FE_SCALE(&dst->y, &q.y, &MSM_FP_16);
}

static void S(batch)(XY *dst, const XY *src, const uint32_t *ia,
                     const uint32_t *ib, const uint32_t *io, size_t n,
                     struct S(work) * wk) {
  if (!wk->vec) {
    S(batch_add)(dst, src, ia, ib, io, n, wk);
    return;
  }
  double t0_ = msm_dbg_now();
  size_t nsp = VEC_ADD(dst, src, ia, ib, io, n, wk->vbuf, wk->special);
  msm_dbg_t[0] += msm_dbg_now() - t0_;
  msm_dbg_adds += n;
  for (size_t k = 0; k < nsp; k++) {
    uint32_t i = wk->special[k];
    S(special_vec)(&dst[io[i]], src, ia[i], ib[i]);
  }
}

/* out[g] = the sum of the points refs[starts[g] .. starts[g + 1]) of src,
 * g < ngroups, by pairwise rounds: each round adds the points of every
 * group two by two in one batch, so a group of k points takes ceil(log2
 * k) rounds and k - 1 additions. */
static void S(group_sum)(XY *out, const XY *src, const uint32_t *refs,
                         const uint32_t *starts, size_t ngroups,
                         struct S(work) * wk) {
  size_t nact = 0, npairs = 0, pos = 0;
  XY *dst = wk->t[0];
  for (size_t g = 0; g < ngroups; g++) {
    size_t s = starts[g], k = starts[g + 1] - s;
    if (k == 0) {
      memset(&out[g], 0, sizeof out[g]);
      continue;
    }
    if (k == 1) {
      S(load)(&out[g], src, refs[s]);
      continue;
    }
    wk->gid[nact] = g;
    wk->gstart[nact] = pos;
    wk->gcount[nact] = (k + 1) / 2;
    nact++;
    for (size_t j = 0; j + 1 < k; j += 2) {
      wk->ia[npairs] = refs[s + j];
      wk->ib[npairs] = refs[s + j + 1];
      wk->io[npairs] = (uint32_t)pos++;
      npairs++;
    }
    if (k & 1)
      S(load)(&dst[pos++], src, refs[s + k - 1]);
  }
  int cur = 0;
  for (;;) {
    S(batch)(wk->t[cur], src, wk->ia, wk->ib, wk->io, npairs, wk);
    src = wk->t[cur];
    cur ^= 1;
    dst = wk->t[cur];
    /* groups of one are done; the others pair up again */
    size_t kept = 0;
    npairs = 0;
    pos = 0;
    for (size_t a = 0; a < nact; a++) {
      size_t g = wk->gid[a], s = wk->gstart[a], k = wk->gcount[a];
      if (k == 1) {
        out[g] = src[s];
        continue;
      }
      wk->gid[kept] = g;
      wk->gstart[kept] = pos;
      wk->gcount[kept] = (k + 1) / 2;
      kept++;
      for (size_t j = 0; j + 1 < k; j += 2) {
        wk->ia[npairs] = (uint32_t)(s + j);
        wk->ib[npairs] = (uint32_t)(s + j + 1);
        wk->io[npairs] = (uint32_t)pos++;
        npairs++;
      }
      if (k & 1)
        dst[pos++] = src[s + k - 1];
    }
    nact = kept;
    if (nact == 0)
      break;
  }
}

static void S(to_aff)(AFF *r, const XY *p) {
  memset(r, 0, sizeof *r);
  if (S(is_inf)(p)) {
    r->infinity = 1;
    return;
  }
  r->x = p->x;
  r->y = p->y;
}

/* r = sum_{i < m} i p_i by running sums from the top. */
static void S(weighted_sum)(JAC *r, const XY *p, size_t m) {
  JAC run, acc;
  AFF t;
  G(jac_infinity)(&run);
  G(jac_infinity)(&acc);
  for (size_t i = m; i-- > 1;) {
    S(to_aff)(&t, &p[i]);
    G(add_mixed)(&run, &run, &t);
    G(add)(&acc, &acc, &run);
  }
  *r = acc;
}

/* Window width for m terms of nbits-bit scalars: the estimated number of
 * affine additions, W windows of (m - filled) bucket additions, 2 filled
 * row and column additions, the 4 sqrt(B) Jacobian ones (about twice the
 * price) and a few inversions. */
static int S(window)(size_t m, int nbits) {
  int best = 2;
  double best_cost = 1e300;
  for (int c = 2; c <= 15; c++) {
    double b = (double)((size_t)1 << (c - 1)), w = (nbits + c) / c;
    double filled = b * (1.0 - exp(-(double)m / b));
    double cost =
        w * ((double)m - filled + 2.0 * filled + 9.0 * sqrt(b) + 100.0);
    if (cost < best_cost) {
      best_cost = cost;
      best = c;
    }
  }
  return best;
}

static void S(work_free)(struct S(work) * wk) {
  free(wk->t[0]);
  free(wk->t[1]);
  free(wk->ia);
  free(wk->ib);
  free(wk->io);
  free(wk->pre);
  free(wk->nrm);
  free(wk->kind);
  free(wk->gid);
  free(wk->gstart);
  free(wk->gcount);
  free(wk->count);
  free(wk->refs);
  free(wk->buckets);
  free(wk->rc);
  free(wk->vbuf);
  free(wk->special);
}

/* r = sum_i (-1)^neg[i] mag[i] pts[pidx[i]] over m terms, magnitudes
 * non-zero and below 2^nbits (nbits <= 128); vec: the points are in the
 * IFMA form. */
static int S(msm_core)(JAC *r, const XY *pts, const uint32_t *pidx,
                       const uint64_t (*mag)[2], const uint8_t *neg, size_t m,
                       int nbits, int vec) {
  G(jac_infinity)(r);
  if (m == 0)
    return 0;
  int c = S(window)(m, nbits);
  if (getenv("MSM_C"))
    c += atoi(getenv("MSM_C"));
  int nwin = (nbits + c) / c; /* the signed digits' last carry fits */
  size_t nb = (size_t)1 << (c - 1), lgl = (size_t)(c - 1) / 2;
  size_t l = (size_t)1 << lgl, h = (nb >> lgl) + 1;
  size_t refs_max = m > 2 * nb ? m : 2 * nb;
  size_t groups_max = nb + 1 > h + l ? nb + 1 : h + l;
  size_t tcap = refs_max / 2 + groups_max + 2, pcap = refs_max / 2 + 1;
  struct S(work) wk;
  memset(&wk, 0, sizeof wk);
  int16_t *dig = malloc(m * sizeof *dig); /* one window's digits */
  uint8_t *carry = malloc(m);
  JAC *win = malloc((size_t)nwin * sizeof *win);
  wk.t[0] = malloc(tcap * sizeof *wk.t[0]);
  wk.t[1] = malloc(tcap * sizeof *wk.t[1]);
  wk.ia = malloc(pcap * sizeof *wk.ia);
  wk.ib = malloc(pcap * sizeof *wk.ib);
  wk.io = malloc(pcap * sizeof *wk.io);
  wk.pre = malloc(pcap * sizeof *wk.pre);
  wk.nrm = malloc(pcap * sizeof *wk.nrm);
  wk.kind = malloc(pcap);
  wk.gid = malloc(groups_max * sizeof *wk.gid);
  wk.gstart = malloc(groups_max * sizeof *wk.gstart);
  wk.gcount = malloc(groups_max * sizeof *wk.gcount);
  wk.count = malloc((groups_max + 2) * sizeof *wk.count);
  wk.refs = malloc(refs_max * sizeof *wk.refs);
  wk.buckets = malloc((nb + 1) * sizeof *wk.buckets);
  wk.rc = malloc((h + l) * sizeof *wk.rc);
  wk.vec = vec;
  if (vec) {
    size_t vb = (cwaku__msm_ifma_scratch_bytes(pcap) + 63) / 64 * 64;
    wk.vbuf = aligned_alloc(64, vb);
    wk.special = malloc(pcap * sizeof *wk.special);
  }
  if ((vec && (!wk.vbuf || !wk.special)) || !dig || !carry || !win || !wk.t[0] || !wk.t[1] || !wk.ia || !wk.ib || !wk.io ||
      !wk.pre || !wk.nrm || !wk.kind || !wk.gid || !wk.gstart || !wk.gcount ||
      !wk.count || !wk.refs || !wk.buckets || !wk.rc) {
    free(dig);
    free(carry);
    free(win);
    S(work_free)(&wk);
    return CWAKU_ENOMEM;
  }
  const int half = 1 << (c - 1), full = 1 << c;
  memset(carry, 0, m);
  for (int w = 0; w < nwin; w++) {
    /* Signed digits in [-2^(c-1), 2^(c-1)): a digit at or over half the
     * base becomes negative with a carry into the next window. Window w
     * is bits w c .. w c + c - 1 of the magnitude, maybe across limbs. */
    int bit = w * c, limb = bit / 64, off = bit % 64;
    int two = limb == 0 && off + c > 64;
    uint64_t lmask = limb < 2 ? ~(uint64_t)0 : 0, hmask = two ? ~(uint64_t)0 : 0;
    int lsh = limb < 2 ? limb : 0, hsh = two ? 64 - off : 0;
    uint32_t *cnt = wk.count;
    double t1_ = msm_dbg_now();
    memset(cnt, 0, (nb + 2) * sizeof *cnt);
    for (size_t i = 0; i < m; i++) {
      uint64_t v = ((mag[i][lsh] >> off) & lmask) |
                   ((mag[i][1] << hsh) & hmask);
      /* without branches: the signs are random, so mispredicted */
      int d = (int)(v & (uint64_t)(full - 1)) + carry[i];
      int cr = d >= half, sn = -(int)neg[i], sg;
      carry[i] = (uint8_t)cr;
      d -= cr * full;
      sg = d >> 31;
      dig[i] = (int16_t)((d ^ sn) - sn);
      cnt[(size_t)((d ^ sg) - sg) + 1]++;
    }
    /* bucket v (1..nb) is group v - 1: counting sort of the terms;
     * cnt[v + 1] counted bucket v, shift to starts of groups v - 1 */
    uint32_t sum = 0;
    for (size_t v = 1; v <= nb; v++) {
      uint32_t k = cnt[v + 1];
      cnt[v - 1] = sum;
      sum += k;
    }
    cnt[nb] = sum;
    /* fill: cnt[v - 1] runs through group v - 1 */
    for (size_t i = 0; i < m; i++) {
      int d = dig[i], sg = d >> 31;
      if (d == 0)
        continue;
      size_t v = (size_t)((d ^ sg) - sg);
      wk.refs[cnt[v - 1]++] = pidx[i] | ((uint32_t)sg & MSM_REF_NEG);
    }
    /* back to starts: each cnt[v - 1] now holds the end of group v - 1 */
    for (size_t v = nb; v-- > 1;)
      cnt[v] = cnt[v - 1];
    cnt[0] = 0;
    double t2_ = msm_dbg_now();
    msm_dbg_t[1] += t2_ - t1_;
    S(group_sum)(wk.buckets + 1, pts, wk.refs, cnt, nb, &wk);
    double t3_ = msm_dbg_now();
    msm_dbg_t[2] += t3_ - t2_;
    /* sum_v v S_v = L sum_hi hi R_hi + sum_lo lo C_lo, v = hi L + lo:
     * rows hi < h then columns lo < l of the finite buckets (row 0 and
     * column 0 weigh nothing and stay empty) */
    size_t ng = h + l;
    memset(cnt, 0, (ng + 1) * sizeof *cnt);
    for (size_t v = 1; v <= nb; v++) {
      if (S(is_inf)(&wk.buckets[v]))
        continue;
      if (v >> lgl)
        cnt[(v >> lgl) + 1]++;
      if (v & (l - 1))
        cnt[h + (v & (l - 1)) + 1]++;
    }
    for (size_t g = 0; g < ng; g++)
      cnt[g + 1] += cnt[g];
    for (size_t v = 1; v <= nb; v++) {
      if (S(is_inf)(&wk.buckets[v]))
        continue;
      if (v >> lgl)
        wk.refs[cnt[v >> lgl]++] = (uint32_t)v;
      if (v & (l - 1))
        wk.refs[cnt[h + (v & (l - 1))]++] = (uint32_t)v;
    }
    for (size_t g = ng; g-- > 1;)
      cnt[g] = cnt[g - 1];
    cnt[0] = 0;
    S(group_sum)(wk.rc, wk.buckets, wk.refs, cnt, ng, &wk);
    if (vec)
      for (size_t g = 0; g < ng; g++) {
        FE_SCALE(&wk.rc[g].x, &wk.rc[g].x, &MSM_FP_INV16);
        FE_SCALE(&wk.rc[g].y, &wk.rc[g].y, &MSM_FP_INV16);
      }
    double t4_ = msm_dbg_now();
    msm_dbg_t[3] += t4_ - t3_;
    JAC rows, cols;
    S(weighted_sum)(&rows, wk.rc, h);
    S(weighted_sum)(&cols, wk.rc + h, l);
    for (size_t k = 0; k < lgl; k++)
      G(dbl)(&rows, &rows);
    G(add)(&win[w], &rows, &cols);
    msm_dbg_t[4] += msm_dbg_now() - t4_;
  }
  *r = win[nwin - 1];
  for (int w = nwin - 1; w-- > 0;) {
    for (int k = 0; k < c; k++)
      G(dbl)(r, r);
    G(add)(r, r, &win[w]);
  }
  free(dig);
  free(carry);
  free(win);
  S(work_free)(&wk);
  if (getenv("MSM_DEBUG"))
    fprintf(stderr, "msm m=%zu c=%d nwin=%d adds=%zu kernel %.2f digits+sort %.2f accumulate %.2f rowcol %.2f jacobian %.2f\n", m, c, nwin, msm_dbg_adds, msm_dbg_t[0], msm_dbg_t[1], msm_dbg_t[2], msm_dbg_t[3], msm_dbg_t[4]);
  msm_dbg_adds = msm_dbg_batches = 0;
  memset(msm_dbg_t, 0, sizeof msm_dbg_t);
  return 0;
}
