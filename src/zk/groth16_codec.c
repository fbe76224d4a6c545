/* Groth16 proofs and keys on the wire: the 128-byte arkworks form and
 * snarkjs' JSON (see groth16.h). */
#include <string.h>

#include "zk/groth16.h"

/* ../shared/rln/README.md "Proofs": A (G1, 32) || B (G2, 64) || C (G1, 32),
 * arkworks compressed. */
int cwaku__groth16_proof_from_bytes(cwaku_groth16_proof *r, const uint8_t *in,
                                    size_t len) {
  if (len != CWAKU_GROTH16_PROOF_BYTES ||
      !cwaku__g1_from_compressed(&r->a, in) ||
      !cwaku__g2_from_compressed(&r->b, in + CWAKU_G1_COMPRESSED_BYTES) ||
      !cwaku__g1_from_compressed(&r->c, in + CWAKU_G1_COMPRESSED_BYTES +
                                            CWAKU_G2_COMPRESSED_BYTES)) {
    memset(r, 0, sizeof *r);
    return 0;
  }
  return 1;
}

void cwaku__groth16_proof_to_bytes(uint8_t out[CWAKU_GROTH16_PROOF_BYTES],
                                   const cwaku_groth16_proof *p) {
  cwaku__g1_to_compressed(out, &p->a);
  cwaku__g2_to_compressed(out + CWAKU_G1_COMPRESSED_BYTES, &p->b);
  cwaku__g1_to_compressed(
      out + CWAKU_G1_COMPRESSED_BYTES + CWAKU_G2_COMPRESSED_BYTES, &p->c);
}

/* --- snarkjs JSON */

static int dec_fp(cwaku_fp *r, const json_t *s) {
  if (!json_is_string(s))
    return 0;
  return cwaku__fp_from_dec(r, json_string_value(s), json_string_length(s));
}

/* 1 if s is the decimal string d. */
static int dec_is(const json_t *s, const char *d) {
  return json_is_string(s) && json_string_length(s) == strlen(d) &&
         memcmp(json_string_value(s), d, strlen(d)) == 0;
}

/* [c0, c1] */
static int dec_fp2(cwaku_fp2 *r, const json_t *a) {
  return json_is_array(a) && json_array_size(a) == 2 &&
         dec_fp(&r->c0, json_array_get(a, 0)) &&
         dec_fp(&r->c1, json_array_get(a, 1));
}

static int fp2_is(const json_t *a, const char *c0, const char *c1) {
  return json_is_array(a) && json_array_size(a) == 2 &&
         dec_is(json_array_get(a, 0), c0) && dec_is(json_array_get(a, 1), c1);
}

/* [x, y, z] with z = 1, or [0, 1, 0] for the point at infinity. */
static int json_g1(cwaku_g1 *r, const json_t *a) {
  if (!json_is_array(a) || json_array_size(a) != 3)
    return 0;
  const json_t *z = json_array_get(a, 2);
  if (dec_is(z, "0")) {
    cwaku__g1_infinity(r);
    return dec_is(json_array_get(a, 0), "0") &&
           dec_is(json_array_get(a, 1), "1");
  }
  r->infinity = 0;
  return dec_is(z, "1") && dec_fp(&r->x, json_array_get(a, 0)) &&
         dec_fp(&r->y, json_array_get(a, 1)) && cwaku__g1_is_on_curve(r);
}

/* [[x.c0, x.c1], [y.c0, y.c1], [z.c0, z.c1]] with z = 1 (snarkjs writes
 * c0 first), or x = 0, y = 1, z = 0; the point must be in G2. */
static int json_g2(cwaku_g2 *r, const json_t *a) {
  if (!json_is_array(a) || json_array_size(a) != 3)
    return 0;
  const json_t *z = json_array_get(a, 2);
  if (fp2_is(z, "0", "0")) {
    cwaku__g2_infinity(r);
    return fp2_is(json_array_get(a, 0), "0", "0") &&
           fp2_is(json_array_get(a, 1), "1", "0");
  }
  r->infinity = 0;
  return fp2_is(z, "1", "0") && dec_fp2(&r->x, json_array_get(a, 0)) &&
         dec_fp2(&r->y, json_array_get(a, 1)) &&
         cwaku__g2_is_in_subgroup_vartime(r);
}

/* "protocol" and "curve" are optional, but must be Groth16 on BN254. */
static int json_header_ok(const json_t *obj) {
  const json_t *p = json_object_get(obj, "protocol");
  const json_t *c = json_object_get(obj, "curve");
  return (!p || dec_is(p, "groth16")) && (!c || dec_is(c, "bn128"));
}

int cwaku__groth16_proof_from_json(cwaku_groth16_proof *r, const json_t *obj) {
  if (!json_is_object(obj) || !json_header_ok(obj) ||
      !json_g1(&r->a, json_object_get(obj, "pi_a")) ||
      !json_g2(&r->b, json_object_get(obj, "pi_b")) ||
      !json_g1(&r->c, json_object_get(obj, "pi_c"))) {
    memset(r, 0, sizeof *r);
    return 0;
  }
  return 1;
}

int cwaku__groth16_vk_from_json(cwaku_groth16_vk *r, const json_t *obj) {
  const json_t *np, *ic;
  memset(r, 0, sizeof *r);
  if (!json_is_object(obj) || !json_header_ok(obj))
    goto fail;
  np = json_object_get(obj, "nPublic");
  ic = json_object_get(obj, "IC");
  if (!json_is_integer(np) || json_integer_value(np) < 0 ||
      json_integer_value(np) > CWAKU_GROTH16_MAX_PUBLIC || !json_is_array(ic))
    goto fail;
  r->n_public = (size_t)json_integer_value(np);
  if (json_array_size(ic) != r->n_public + 1)
    goto fail;
  if (!json_g1(&r->alpha, json_object_get(obj, "vk_alpha_1")) ||
      !json_g2(&r->beta, json_object_get(obj, "vk_beta_2")) ||
      !json_g2(&r->gamma, json_object_get(obj, "vk_gamma_2")) ||
      !json_g2(&r->delta, json_object_get(obj, "vk_delta_2")))
    goto fail;
  for (size_t i = 0; i <= r->n_public; i++)
    if (!json_g1(&r->ic[i], json_array_get(ic, i)))
      goto fail;
  return 1;
fail:
  memset(r, 0, sizeof *r);
  return 0;
}

int cwaku__groth16_public_from_json(cwaku_fr *out, size_t *n, size_t cap,
                                    const json_t *arr) {
  size_t k = json_is_array(arr) ? json_array_size(arr) : 0;
  *n = 0;
  if (!json_is_array(arr) || k > cap)
    goto fail;
  for (size_t i = 0; i < k; i++) {
    const json_t *s = json_array_get(arr, i);
    if (!json_is_string(s) || !cwaku__fr_from_dec(&out[i], json_string_value(s),
                                                  json_string_length(s)))
      goto fail;
  }
  *n = k;
  return 1;
fail:
  if (cap)
    memset(out, 0, (k < cap ? k : cap) * sizeof *out);
  return 0;
}

/* Parses text (bounded) strictly: no duplicate keys, nothing after the
 * value. */
static json_t *load(const char *text, size_t len) {
  json_error_t err;
  if (len > CWAKU_GROTH16_JSON_MAX)
    return NULL;
  return json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
}

int cwaku__groth16_proof_from_snarkjs(cwaku_groth16_proof *r, const char *text,
                                      size_t len) {
  json_t *v = load(text, len);
  int ok = v && cwaku__groth16_proof_from_json(r, v);
  if (!v)
    memset(r, 0, sizeof *r);
  json_decref(v);
  return ok;
}

int cwaku__groth16_vk_from_snarkjs(cwaku_groth16_vk *r, const char *text,
                                   size_t len) {
  json_t *v = load(text, len);
  int ok = v && cwaku__groth16_vk_from_json(r, v);
  if (!v)
    memset(r, 0, sizeof *r);
  json_decref(v);
  return ok;
}

int cwaku__groth16_public_from_snarkjs(cwaku_fr *out, size_t *n, size_t cap,
                                       const char *text, size_t len) {
  json_t *v = load(text, len);
  int ok = v && cwaku__groth16_public_from_json(out, n, cap, v);
  if (!v)
    *n = 0;
  json_decref(v);
  return ok;
}
