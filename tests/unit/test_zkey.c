/* snarkjs .zkey reader (src/zk/zkey.c): the official RLN key's header,
 * points and coefficients agree with its verification_key.json and with
 * the circuit; damaged keys are refused with the right error. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "zk/zkey.h"

static char path_buf[4096];
static const char *shared(const char *rel) {
  const char *dir = getenv("CWAKU_SHARED");
  snprintf(path_buf, sizeof path_buf, "%s/rln/%s", dir ? dir : "../shared",
           rel);
  return path_buf;
}

static int fp_is_dec(const cwaku_fp *a, const json_t *j) {
  char dec[CWAKU_FIELD_DEC_MAX];
  cwaku__fp_to_dec(dec, a);
  return json_string_value(j) && strcmp(dec, json_string_value(j)) == 0;
}

static int g1_is(const cwaku__zkey_g1 *p, const json_t *j) {
  return fp_is_dec(&p->x, json_array_get(j, 0)) &&
         fp_is_dec(&p->y, json_array_get(j, 1));
}

/* snarkjs JSON writes G2 as [[x.c0, x.c1], [y.c0, y.c1], ...] */
static int g2_is(const cwaku__zkey_g2 *p, const json_t *j) {
  const json_t *x = json_array_get(j, 0), *y = json_array_get(j, 1);
  return fp_is_dec(&p->x0, json_array_get(x, 0)) &&
         fp_is_dec(&p->x1, json_array_get(x, 1)) &&
         fp_is_dec(&p->y0, json_array_get(y, 0)) &&
         fp_is_dec(&p->y1, json_array_get(y, 1));
}

static uint8_t *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *b = malloc((size_t)n);
  if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
    free(b);
    b = NULL;
  }
  fclose(f);
  *len = (size_t)n;
  return b;
}

int main(void) {
  struct cwaku__zkey z;
  CHECK_EQ_INT(cwaku__zkey_load(&z, shared("rln_final.zkey")), 0);
  CHECK_EQ_INT((int)z.n_vars, 5844);
  CHECK_EQ_INT((int)z.n_public, 5);
  CHECK_EQ_INT((int)z.domain_size, 8192);
  CHECK_EQ_INT((int)z.log_domain, 13);
  CHECK_EQ_INT((int)z.n_coefs, 22946);

  json_error_t err;
  json_t *vk = json_load_file(shared("verification_key.json"), 0, &err);
  CHECK(vk != NULL);
  if (vk && z.ic) {
    CHECK(g1_is(&z.alpha1, json_object_get(vk, "vk_alpha_1")));
    CHECK(g2_is(&z.beta2, json_object_get(vk, "vk_beta_2")));
    CHECK(g2_is(&z.gamma2, json_object_get(vk, "vk_gamma_2")));
    CHECK(g2_is(&z.delta2, json_object_get(vk, "vk_delta_2")));
    const json_t *ic = json_object_get(vk, "IC");
    CHECK_EQ_INT((int)json_array_size(ic), 6);
    for (size_t i = 0; i < 6; i++)
      CHECK(g1_is(&z.ic[i], json_array_get(ic, i)));
  }
  json_decref(vk);
  if (z.coefs) {
    /* constraint 0 is [-a1][x] = [secret - y] (specs/rln-circuit.md §7):
     * A = {51: -1}, then B = {4: 1}; the last six rows are the public
     * wires 0..5 with value 1 */
    cwaku_fr one, m1;
    cwaku__fr_one(&one);
    cwaku__fr_neg(&m1, &one);
    CHECK(z.coefs[0].matrix == 0 && z.coefs[0].constraint == 0 &&
          z.coefs[0].wire == 51 && cwaku__fr_equal(&z.coefs[0].value, &m1));
    CHECK(z.coefs[1].matrix == 1 && z.coefs[1].constraint == 0 &&
          z.coefs[1].wire == 4 && cwaku__fr_equal(&z.coefs[1].value, &one));
    for (uint32_t s = 0; s < 6; s++) {
      const struct cwaku__zkey_coef *k = &z.coefs[z.n_coefs - 6 + s];
      CHECK(k->matrix == 0 && k->constraint == 5820 + s && k->wire == s &&
            cwaku__fr_equal(&k->value, &one));
    }
  }
  cwaku__zkey_free(&z);

  /* damaged copies */
  size_t len;
  uint8_t *key = slurp(shared("rln_final.zkey"), &len);
  CHECK(key != NULL);
  if (key) {
    uint8_t *copy = malloc(len);
    static const size_t cuts[] = {0, 3, 11, 12, 100, 1000, 500000};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++)
      CHECK_EQ_INT(cwaku__zkey_parse(&z, key, cuts[i]), CWAKU_ETRUNC);
    CHECK_EQ_INT(cwaku__zkey_parse(&z, key, len - 1), CWAKU_ETRUNC);
    memcpy(copy, key, len);
    copy[0] = 'Z';
    CHECK_EQ_INT(cwaku__zkey_parse(&z, copy, len), CWAKU_EMALFORMED);
    memcpy(copy, key, len);
    copy[4] = 2; /* version */
    CHECK_EQ_INT(cwaku__zkey_parse(&z, copy, len), CWAKU_EMALFORMED);
    /* section 1 (at 12: type, size, then protocol) says plonk */
    memcpy(copy, key, len);
    CHECK(copy[12] == 1);
    copy[12 + 12] = 2;
    CHECK_EQ_INT(cwaku__zkey_parse(&z, copy, len), CWAKU_EUNSUPPORTED);
    /* section 2 follows: the base field modulus changed */
    memcpy(copy, key, len);
    size_t s2 = 12 + 12 + 4;
    CHECK(copy[s2] == 2);
    copy[s2 + 12 + 4] ^= 1;
    CHECK_EQ_INT(cwaku__zkey_parse(&z, copy, len), CWAKU_EUNSUPPORTED);
    /* alpha1.x >= p: all ones */
    memcpy(copy, key, len);
    size_t alpha = s2 + 12 + 4 + 32 + 4 + 32 + 12;
    memset(copy + alpha, 0xff, 32);
    CHECK_EQ_INT(cwaku__zkey_parse(&z, copy, len), CWAKU_ERANGE);
    /* a section twice: section 1's type overwritten with 2's */
    memcpy(copy, key, len);
    copy[12] = 2;
    CHECK_EQ_INT(cwaku__zkey_parse(&z, copy, len), CWAKU_EMALFORMED);
    free(copy);
  }
  free(key);
  return check_summary("zkey");
}
