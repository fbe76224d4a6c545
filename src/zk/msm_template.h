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
 *   MSM_FP_16, MSM_FP_INV16   16 and 1/16 in Fp (scalar form)
 *
 * A batch of independent additions a_i + b_i costs one Fp inversion and,
 * over Fp, 6 multiplications each: the prefix products of the
 * denominators' norms, then backwards 1/den_i = acc * prefix_{i-1} and
 * acc = acc * den_i, lambda = (yb - ya) / den, x3 = lambda^2 - xa - xb,
 * y3 = lambda (xa - x3) - ya. Equal x (a doubling or a point and its
 * negation) and infinity are sorted out in the forward pass. With the
 * IFMA kernels (msm_ifma.h) the points are in their form throughout and
 * only the last few sums come back to the scalar one. */

#ifndef MSM_REF_NEG
/* A reference to a point of a source array, negated when REF_NEG is set. */
#define MSM_REF_NEG 0x80000000u
#define MSM_REF_IDX 0x7fffffffu
enum { MSM_ADD, MSM_DBL, MSM_COPY_A, MSM_COPY_B, MSM_INF };
#define MSM_CHAINS 4 /* batch_add's inversion below takes four */
#define MSM_AHEAD 6  /* prefetch distance, in additions */
#define MSM_WSUM_LEVELS_MAX 2
#define MSM_PASS 1 /* windows summed together (2 measured no faster) */
#endif

struct S(work) {
  XY *t[2]; /* the rounds' points, alternately source and destination */
  uint32_t *ia, *ib, *io;
  cwaku_fp *pre, *nrm;
  uint8_t *kind;
  size_t *gid, *gstart, *gcount; /* the groups still being summed */
  uint32_t *count;               /* bucket counts, then starts */
  uint32_t *refs;
  XY *buckets, *lvl[MSM_WSUM_LEVELS_MAX]; /* wsum's levels */
  int vec;    /* the points are in the IFMA form (msm_ifma.h) */
  void *vbuf; /* VEC_ADD's scratch */
  uint32_t *special;
};

static inline __attribute__((always_inline)) int S(is_inf)(const XY *p) {
  return FE_IS_ZERO(&p->x) && FE_IS_ZERO(&p->y);
}

static inline __attribute__((always_inline)) void
S(load)(XY *out, const XY *src, uint32_t ref) {
  *out = src[ref & MSM_REF_IDX];
  if (ref & MSM_REF_NEG)
    FE_NEG(&out->y, &out->y);
}

static inline __attribute__((always_inline)) void S(y_of)(FE *y, const XY *src,
                                                          uint32_t ref) {
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
  size_t nsp = VEC_ADD(dst, src, ia, ib, io, n, wk->vbuf, wk->special);
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
    /* the last point of a later group, which may be copied (odd) */
    if (g + MSM_AHEAD < ngroups && starts[g + MSM_AHEAD + 1] > 0)
      __builtin_prefetch(
          &src[refs[starts[g + MSM_AHEAD + 1] - 1] & MSM_REF_IDX]);
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

/* r = sum_{i < m} i p_i by running sums from the top, in Jacobian
 * coordinates (vec: the points are in the IFMA form). */
static void S(weighted_sum)(JAC *r, const XY *p, size_t m, int vec) {
  JAC run, acc;
  AFF t;
  G(jac_infinity)(&run);
  G(jac_infinity)(&acc);
  for (size_t i = m; i-- > 1;) {
    S(to_aff)(&t, &p[i]);
    if (vec && !t.infinity) {
      FE_SCALE(&t.x, &t.x, &MSM_FP_INV16);
      FE_SCALE(&t.y, &t.y, &MSM_FP_INV16);
    }
    G(add_mixed)(&run, &run, &t);
    G(add)(&acc, &acc, &run);
  }
  *r = acc;
}

/* Weighted sums r[j] = sum_{i < m[j]} i P_i over P = base[start[j] ..],
 * j < k: the long ones split as i = hi L + lo into L sum hi R_hi + sum lo
 * C_lo, the row sums R_hi and column sums C_lo all in one group_sum, then
 * weighted sums of those (of about sqrt(m) points) the same way; the
 * short ones (and those of the last level) by running sums. */
#define MSM_WSUM_SHORT 24
#define MSM_WSUM_LEVELS 2
#define MSM_WSUM_CAP 256 /* the points of the levels after the first */
#define MSM_WSUM_K 8     /* sums at once: MSM_PASS, doubled per level */
static void S(wsum)(JAC *r, const XY *base, const size_t *start,
                    const size_t *m, size_t k, struct S(work) * wk, int level) {
  size_t lg[MSM_WSUM_K], hh[MSM_WSUM_K], off[MSM_WSUM_K], ng = 0, k2 = 0;
  size_t start2[2 * MSM_WSUM_K], m2[2 * MSM_WSUM_K];
  for (size_t j = 0; j < k; j++) {
    hh[j] = 0;
    if (m[j] <= MSM_WSUM_SHORT || level > MSM_WSUM_LEVELS)
      continue;
    size_t bits = 0;
    while ((m[j] - 1) >> bits)
      bits++;
    lg[j] = bits / 2;
    hh[j] = ((m[j] - 1) >> lg[j]) + 1;
    off[j] = ng;
    start2[k2] = ng;
    m2[k2++] = hh[j];
    start2[k2] = ng + hh[j];
    m2[k2++] = (size_t)1 << lg[j];
    ng += hh[j] + ((size_t)1 << lg[j]);
  }
  if (level > 1 && ng > MSM_WSUM_CAP) /* not with these sizes: all short */
    for (size_t j = 0; j < k; j++)
      hh[j] = 0, ng = 0;
  if (ng) {
    /* rows hi then columns lo of the finite points (row 0 and column 0
     * weigh nothing and stay empty) */
    uint32_t *cnt = wk->count;
    memset(cnt, 0, (ng + 1) * sizeof *cnt);
    for (size_t j = 0; j < k; j++) {
      if (!hh[j])
        continue;
      size_t lm = ((size_t)1 << lg[j]) - 1;
      for (size_t i = 1; i < m[j]; i++) {
        if (S(is_inf)(&base[start[j] + i]))
          continue;
        if (i >> lg[j])
          cnt[off[j] + (i >> lg[j]) + 1]++;
        if (i & lm)
          cnt[off[j] + hh[j] + (i & lm) + 1]++;
      }
    }
    for (size_t g = 0; g < ng; g++)
      cnt[g + 1] += cnt[g];
    for (size_t j = 0; j < k; j++) {
      if (!hh[j])
        continue;
      size_t lm = ((size_t)1 << lg[j]) - 1;
      for (size_t i = 1; i < m[j]; i++) {
        uint32_t ref = (uint32_t)(start[j] + i);
        if (S(is_inf)(&base[ref]))
          continue;
        if (i >> lg[j])
          wk->refs[cnt[off[j] + (i >> lg[j])]++] = ref;
        if (i & lm)
          wk->refs[cnt[off[j] + hh[j] + (i & lm)]++] = ref;
      }
    }
    for (size_t g = ng; g-- > 1;)
      cnt[g] = cnt[g - 1];
    cnt[0] = 0;
    XY *out = wk->lvl[level - 1];
    S(group_sum)(out, base, wk->refs, cnt, ng, wk);
    JAC sub[2 * MSM_WSUM_K];
    S(wsum)(sub, out, start2, m2, k2, wk, level + 1);
    k2 = 0;
    for (size_t j = 0; j < k; j++) {
      if (!hh[j])
        continue;
      for (size_t b = 0; b < lg[j]; b++)
        G(dbl)(&sub[k2], &sub[k2]);
      G(add)(&r[j], &sub[k2], &sub[k2 + 1]);
      k2 += 2;
    }
  }
  for (size_t j = 0; j < k; j++)
    if (!hh[j])
      S(weighted_sum)(&r[j], base + start[j], m[j], wk->vec);
}

/* Window width for m terms of nbits-bit scalars, by the estimated cost in
 * affine additions: W windows of B = 2^(c-1) buckets, each with m - filled
 * bucket additions and 2 filled ones for the bucket sum; the sorting and
 * bookkeeping per term and per bucket; and per window a few inversions and
 * Jacobian additions, which weigh more beside the IFMA kernels (vec).
 * c <= 15 keeps the signed digits in int16_t. */
static int S(window)(size_t m, int nbits, int vec) {
  const double per_term = vec ? 0.25 : 0.06, fixed = vec ? 300.0 : 80.0;
  int best = 2;
  double best_cost = 1e300;
  for (int c = 2; c <= 15; c++) {
    double b = (double)((size_t)1 << (c - 1)), w = (nbits + c) / c;
    double filled = b * (1.0 - exp(-(double)m / b));
    double cost = w * ((double)m * (1.0 + per_term) + filled + 0.1 * b + fixed);
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
  free(wk->lvl[0]);
  free(wk->lvl[1]);
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
  int c = S(window)(m, nbits, vec);
  int nwin = (nbits + c) / c; /* the signed digits' last carry fits */
  /* MSM_PASS windows at a time: their buckets are the groups of one
   * group_sum, and their bucket sums the weighted sums of one wsum, which
   * splits the nb + 1 buckets of each in h rows of l */
  const size_t np = MSM_PASS;
  size_t nb = (size_t)1 << (c - 1), lgl = (size_t)c / 2, nb1 = nb + 1;
  size_t l = (size_t)1 << lgl, h = (nb >> lgl) + 1;
  size_t refs_max = np * (m > 2 * nb ? m : 2 * nb);
  size_t groups_max = np * (nb1 > h + l ? nb1 : h + l);
  size_t tcap = refs_max / 2 + groups_max + 2, pcap = refs_max / 2 + 1;
  struct S(work) wk;
  memset(&wk, 0, sizeof wk);
  int16_t *dig = malloc(np * m * sizeof *dig); /* a pass' digits */
  uint8_t *carry = malloc(m);
  JAC *win = malloc((size_t)(nwin + 1) * sizeof *win);
  wk.t[0] = malloc(tcap * sizeof *wk.t[0]);
  wk.t[1] = malloc(tcap * sizeof *wk.t[1]);
  wk.ia = malloc(pcap * sizeof *wk.ia);
  wk.ib = malloc(pcap * sizeof *wk.ib);
  wk.io = malloc(pcap * sizeof *wk.io);
  wk.gid = malloc(groups_max * sizeof *wk.gid);
  wk.gstart = malloc(groups_max * sizeof *wk.gstart);
  wk.gcount = malloc(groups_max * sizeof *wk.gcount);
  wk.count = malloc((groups_max + 2) * sizeof *wk.count);
  wk.refs = malloc(refs_max * sizeof *wk.refs);
  wk.buckets = malloc(np * nb1 * sizeof *wk.buckets);
  wk.lvl[0] = malloc(np * (h + l) * sizeof *wk.lvl[0]);
  wk.lvl[1] = malloc(MSM_WSUM_CAP * sizeof *wk.lvl[1]);
  wk.vec = vec;
  int ok;
  if (vec) {
    size_t vb = (cwaku__msm_ifma_scratch_bytes(pcap) + 63) / 64 * 64;
    wk.vbuf = aligned_alloc(64, vb);
    wk.special = malloc(pcap * sizeof *wk.special);
    ok = wk.vbuf && wk.special;
  } else {
    wk.pre = malloc(pcap * sizeof *wk.pre);
    wk.nrm = malloc(pcap * sizeof *wk.nrm);
    wk.kind = malloc(pcap);
    ok = wk.pre && wk.nrm && wk.kind;
  }
  if (!ok || !dig || !carry || !win || !wk.t[0] || !wk.t[1] || !wk.ia ||
      !wk.ib || !wk.io || !wk.gid || !wk.gstart || !wk.gcount || !wk.count ||
      !wk.refs || !wk.buckets || !wk.lvl[0] || !wk.lvl[1]) {
    free(dig);
    free(carry);
    free(win);
    S(work_free)(&wk);
    return CWAKU_ENOMEM;
  }
  const int half = 1 << (c - 1), full = 1 << c;
  memset(carry, 0, m);
  for (int w0 = 0; w0 < nwin; w0 += (int)np) {
    /* group q nb1 + v: bucket v of window w0 + q (v = 0 stays empty) */
    size_t nq = (size_t)(nwin - w0) < np ? (size_t)(nwin - w0) : np;
    size_t ng = nq * nb1;
    uint32_t *cnt = wk.count;
    memset(cnt, 0, (ng + 1) * sizeof *cnt);
    for (size_t q = 0; q < nq; q++) {
      /* Signed digits in [-2^(c-1), 2^(c-1)): a digit at or over half
       * the base becomes negative with a carry into the next window.
       * Window w is bits w c .. w c + c - 1 of the magnitude, maybe
       * across limbs. */
      int bit = (w0 + (int)q) * c, limb = bit / 64, off = bit % 64;
      int two = limb == 0 && off + c > 64;
      uint64_t lmask = limb < 2 ? ~(uint64_t)0 : 0;
      uint64_t hmask = two ? ~(uint64_t)0 : 0;
      int lsh = limb < 2 ? limb : 0, hsh = two ? 64 - off : 0;
      int16_t *dq = dig + q * m;
      uint32_t *cq = cnt + q * nb1 + 1;
      for (size_t i = 0; i < m; i++) {
        uint64_t v =
            ((mag[i][lsh] >> off) & lmask) | ((mag[i][1] << hsh) & hmask);
        /* without branches: the signs are random, so mispredicted */
        int d = (int)(v & (uint64_t)(full - 1)) + carry[i];
        int cr = d >= half, sn = -(int)neg[i], sg;
        carry[i] = (uint8_t)cr;
        d -= cr * full;
        sg = d >> 31;
        dq[i] = (int16_t)((d ^ sn) - sn);
        cq[(d ^ sg) - sg]++;
      }
      cq[0] = 0; /* the zero digits take no part */
    }
    /* counting sort of the terms into their groups: cnt[g] the start of
     * group g, then its end as the group fills */
    for (size_t g = 0; g < ng; g++)
      cnt[g + 1] += cnt[g];
    for (size_t q = 0; q < nq; q++) {
      const int16_t *dq = dig + q * m;
      uint32_t *cq = cnt + q * nb1;
      for (size_t i = 0; i < m; i++) {
        int d = dq[i], sg = d >> 31;
        if (d == 0)
          continue;
        wk.refs[cq[(d ^ sg) - sg]++] = pidx[i] | ((uint32_t)sg & MSM_REF_NEG);
      }
    }
    for (size_t g = ng; g-- > 1;)
      cnt[g] = cnt[g - 1];
    cnt[0] = 0;
    S(group_sum)(wk.buckets, pts, wk.refs, cnt, ng, &wk);
    /* sum_v v S_v for each window */
    size_t start[MSM_PASS], len[MSM_PASS];
    for (size_t q = 0; q < nq; q++) {
      start[q] = q * nb1;
      len[q] = nb1;
    }
    S(wsum)(&win[w0], wk.buckets, start, len, nq, &wk, 1);
  }
  *r = win[nwin - 1];
  for (int w = nwin - 1; w-- > 0;) {
    for (int k = 0; k < c; k++)
      G(dbl)(r, r);
    G(add)(r, r, &win[w]);
  }
  /* the scalars' traces (a witness' digits) */
  sodium_memzero(dig, np * m * sizeof *dig);
  sodium_memzero(carry, m);
  sodium_memzero(wk.refs, refs_max * sizeof *wk.refs);
  free(dig);
  free(carry);
  free(win);
  S(work_free)(&wk);
  return 0;
}
