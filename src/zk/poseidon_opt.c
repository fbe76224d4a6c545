#include "zk/poseidon_opt.h"

#include <stdlib.h>
#include <string.h>

#include "cwaku/error.h"
#include "zk/poseidon.h"

/* Square matrices of width t, row-major. */

/* out = a * b */
static void mat_mul(cwaku_fr *out, const cwaku_fr *a, const cwaku_fr *b,
                    size_t t) {
  for (size_t i = 0; i < t; i++)
    for (size_t j = 0; j < t; j++) {
      cwaku_fr acc, p;
      cwaku__fr_zero(&acc);
      for (size_t k = 0; k < t; k++) {
        cwaku__fr_mul(&p, &a[i * t + k], &b[k * t + j]);
        cwaku__fr_add(&acc, &acc, &p);
      }
      out[i * t + j] = acc;
    }
}

/* out_j = sum_i v_i a[i][j] (a row vector times the matrix) */
static void vec_mat(cwaku_fr *out, const cwaku_fr *v, const cwaku_fr *a,
                    size_t t) {
  for (size_t j = 0; j < t; j++) {
    cwaku_fr acc, p;
    cwaku__fr_zero(&acc);
    for (size_t i = 0; i < t; i++) {
      cwaku__fr_mul(&p, &v[i], &a[i * t + j]);
      cwaku__fr_add(&acc, &acc, &p);
    }
    out[j] = acc;
  }
}

/* out = a^-1 by Gauss-Jordan elimination (the inverse is unique, so any
 * method gives circomlibjs' values); 0, or CWAKU_EINVAL if singular. */
static int mat_inverse(cwaku_fr *out, const cwaku_fr *a, size_t t) {
  cwaku_fr m[9 * 18];
  size_t w = 2 * t;
  for (size_t i = 0; i < t; i++)
    for (size_t j = 0; j < w; j++) {
      if (j < t)
        m[i * w + j] = a[i * t + j];
      else if (j - t == i)
        cwaku__fr_one(&m[i * w + j]);
      else
        cwaku__fr_zero(&m[i * w + j]);
    }
  for (size_t col = 0; col < t; col++) {
    size_t piv = col;
    while (piv < t && cwaku__fr_is_zero(&m[piv * w + col]))
      piv++;
    if (piv == t)
      return CWAKU_EINVAL;
    if (piv != col)
      for (size_t j = 0; j < w; j++) {
        cwaku_fr tmp = m[col * w + j];
        m[col * w + j] = m[piv * w + j];
        m[piv * w + j] = tmp;
      }
    cwaku_fr inv;
    cwaku__fr_inverse_vartime(&inv, &m[col * w + col]);
    for (size_t j = 0; j < w; j++)
      cwaku__fr_mul(&m[col * w + j], &m[col * w + j], &inv);
    for (size_t i = 0; i < t; i++) {
      if (i == col || cwaku__fr_is_zero(&m[i * w + col]))
        continue;
      cwaku_fr f = m[i * w + col], p;
      for (size_t j = 0; j < w; j++) {
        cwaku__fr_mul(&p, &m[col * w + j], &f);
        cwaku__fr_sub(&m[i * w + j], &m[i * w + j], &p);
      }
    }
  }
  for (size_t i = 0; i < t; i++)
    for (size_t j = 0; j < t; j++)
      out[i * t + j] = m[i * w + t + j];
  return 0;
}

/* The round constants of the optimised schedule: the first full rounds'
 * constants pass through M'^-1, the partial rounds' are pushed backwards
 * through M'^-1 so only lane 0 keeps one per round, and what remains lands
 * on the round before the partial rounds. */
static void convert_constants(cwaku_fr *res, const cwaku_fr *c,
                              const cwaku_fr *minv, size_t t, size_t np) {
  size_t n = 0;
  cwaku_fr acc[9], accp[9], pc[64];
  for (size_t k = 0; k < t; k++)
    res[n++] = c[k];
  for (size_t r = 0; r < 3; r++) {
    vec_mat(accp, &c[(r + 1) * t], minv, t);
    for (size_t k = 0; k < t; k++)
      res[n++] = accp[k];
  }
  for (size_t k = 0; k < t; k++)
    acc[k] = c[(4 + np) * t + k];
  size_t npc = 0;
  for (size_t r = 4 + np - 1; r >= 4; r--) {
    vec_mat(accp, acc, minv, t);
    pc[npc++] = accp[0];
    cwaku__fr_zero(&accp[0]);
    for (size_t k = 0; k < t; k++)
      cwaku__fr_add(&acc[k], &accp[k], &c[r * t + k]);
  }
  vec_mat(accp, acc, minv, t);
  for (size_t k = 0; k < t; k++)
    res[n++] = accp[k];
  for (size_t i = 0; i < npc; i++)
    res[n++] = pc[npc - 1 - i];
  for (size_t r = 4 + np; r < 8 + np - 1; r++) {
    vec_mat(accp, &c[(r + 1) * t], minv, t);
    for (size_t k = 0; k < t; k++)
      res[n++] = accp[k];
  }
}

/* m = m' * sparse: m' keeps m's lower-right block with a 1 in the corner,
 * the sparse factor holds [m00, w', m01 .. m0_{t-1}] with w' = m_hat^-1 w. */
static int sparse_factor(cwaku_fr *mp, cwaku_fr *sparse, const cwaku_fr *m,
                         size_t t) {
  size_t h = t - 1;
  cwaku_fr mhat[64], mhat_inv[64], wv[8];
  memset(mhat, 0, sizeof mhat);
  for (size_t i = 0; i < t; i++)
    for (size_t j = 0; j < t; j++) {
      if (i > 0 && j > 0) {
        mhat[(i - 1) * h + (j - 1)] = m[i * t + j];
        mp[i * t + j] = m[i * t + j];
      } else if (i == 0 && j == 0) {
        cwaku__fr_one(&mp[0]);
      } else {
        cwaku__fr_zero(&mp[i * t + j]);
      }
      if (i > 0 && j == 0)
        wv[i - 1] = m[i * t];
    }
  int r = mat_inverse(mhat_inv, mhat, h);
  if (r)
    return r;
  size_t n = 0;
  sparse[n++] = m[0];
  for (size_t i = 0; i < h; i++) {
    cwaku_fr acc, p;
    cwaku__fr_zero(&acc);
    for (size_t j = 0; j < h; j++) {
      cwaku__fr_mul(&p, &mhat_inv[i * h + j], &wv[j]);
      cwaku__fr_add(&acc, &acc, &p);
    }
    sparse[n++] = acc;
  }
  for (size_t k = 1; k < t; k++)
    sparse[n++] = m[k];
  return 0;
}

void cwaku__poseidon_opt_clear(struct cwaku__poseidon_opt *o) {
  free(o->C);
  free(o->S);
  free(o->M);
  free(o->P);
  memset(o, 0, sizeof *o);
}

int cwaku__poseidon_opt_init(struct cwaku__poseidon_opt *o, size_t t) {
  memset(o, 0, sizeof *o);
  size_t np = cwaku__poseidon_partial_rounds(t);
  if (np == 0 || t < 2 || t > 9)
    return CWAKU_EINVAL;
  size_t nc = (8 + np) * t, ns = 2 * t - 1;
  cwaku_fr *c = calloc(nc, sizeof *c);
  cwaku_fr *minv = calloc(t * t, sizeof *minv);
  cwaku_fr *m = calloc(t * t, sizeof *m), *mp = calloc(t * t, sizeof *mp);
  o->t = t;
  o->n_partial = np;
  o->C = calloc(8 * t + np, sizeof *o->C);
  o->S = calloc(np * ns, sizeof *o->S);
  o->M = calloc(t * t, sizeof *o->M);
  o->P = calloc(t * t, sizeof *o->P);
  int r = 0;
  if (!c || !minv || !m || !mp || !o->C || !o->S || !o->M || !o->P)
    r = CWAKU_ENOMEM;
  for (size_t k = 0; !r && k < nc; k++)
    if (!cwaku__poseidon_round_constant(&c[k], t, k))
      r = CWAKU_EINVAL;
  /* circomlibjs' reference M is the textbook matrix (state'_i = sum_j
   * M[i][j] state_j); the circuit's is its transpose. */
  for (size_t i = 0; !r && i < t; i++)
    for (size_t j = 0; !r && j < t; j++)
      if (!cwaku__poseidon_mds(&o->M[j * t + i], t, i, j))
        r = CWAKU_EINVAL;
  if (!r)
    r = mat_inverse(minv, o->M, t);
  if (!r)
    convert_constants(o->C, c, minv, t, np);
  /* P and S: m starts as M'; each partial round splits off a sparse
   * factor, and what is left multiplies into P. The sparse factors are
   * stored last round first, as circomlibjs writes them. */
  if (!r)
    memcpy(m, o->M, t * t * sizeof *m);
  for (size_t i = 0; !r && i < np; i++) {
    r = sparse_factor(mp, &o->S[(np - 1 - i) * ns], m, t);
    if (!r)
      mat_mul(m, o->M, mp, t);
  }
  if (!r)
    memcpy(o->P, m, t * t * sizeof *m);
  free(c);
  free(minv);
  free(m);
  free(mp);
  if (r)
    cwaku__poseidon_opt_clear(o);
  return r;
}
