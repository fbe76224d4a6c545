/* The RLN v2 circuit (src/zk/rln_circuit.c): the native witness equals the
 * official one wire for wire ($CWAKU_SHARED/rln/vectors/rln_witness.json),
 * the R1CS is satisfied by it and not by a changed one, and its A and B in
 * snarkjs' layout equal the coefficient section of the official proving key
 * byte for byte ($CWAKU_SHARED/rln/rln_final.zkey). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "zk/rln_circuit.h"

static json_t *load(const char *rel) {
  const char *dir = getenv("CWAKU_SHARED");
  char path[4096];
  json_error_t err;
  snprintf(path, sizeof path, "%s/rln/%s", dir ? dir : "../shared", rel);
  json_t *j = json_load_file(path, 0, &err);
  if (!j)
    fprintf(stderr, "%s: %s\n", path, err.text);
  return j;
}

static int fr_of(cwaku_fr *out, const json_t *j) {
  const char *s = json_string_value(j);
  return s && cwaku__fr_from_dec(out, s, strlen(s));
}

/* Section 4 of a snarkjs zkey: "zkey", u32 version, u32 n, then sections
 * (u32 type, u64 size, data). */
static uint8_t *zkey_section(size_t *len, unsigned want) {
  const char *dir = getenv("CWAKU_SHARED");
  char path[4096];
  snprintf(path, sizeof path, "%s/rln/rln_final.zkey", dir ? dir : "../shared");
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  uint8_t hdr[12];
  uint8_t *out = NULL;
  if (fread(hdr, 1, 12, f) == 12 && memcmp(hdr, "zkey", 4) == 0) {
    uint32_t n = hdr[8] | hdr[9] << 8 | hdr[10] << 16 | (uint32_t)hdr[11] << 24;
    for (uint32_t i = 0; i < n; i++) {
      uint8_t sh[12];
      if (fread(sh, 1, 12, f) != 12)
        break;
      uint32_t type = sh[0] | sh[1] << 8 | sh[2] << 16 | (uint32_t)sh[3] << 24;
      uint64_t size = 0;
      for (int k = 7; k >= 0; k--)
        size = size << 8 | sh[4 + k];
      if (type == want) {
        out = malloc(size);
        if (out && fread(out, 1, size, f) != size) {
          free(out);
          out = NULL;
        }
        *len = size;
        break;
      }
      if (fseek(f, (long)size, SEEK_CUR) != 0)
        break;
    }
  }
  fclose(f);
  return out;
}

static cwaku_fr w[CWAKU_RLN_WIRES];

int main(void) {
  json_t *cases = load("vectors/rln_cases.json");
  json_t *wits = load("vectors/rln_witness.json");
  CHECK(cases && wits);
  if (!cases || !wits)
    return check_summary("rln circuit");

  struct cwaku__r1cs r1cs;
  CHECK_EQ_INT(cwaku__rln_r1cs(&r1cs), 0);
  CHECK_EQ_INT((int)r1cs.n, CWAKU_RLN_CONSTRAINTS);
  CHECK_EQ_INT((int)r1cs.n_wires, CWAKU_RLN_WIRES);
  CHECK_EQ_INT((int)r1cs.n_public, CWAKU_RLN_PUBLIC);

  /* the witness of cases 0-3, wire for wire */
  const json_t *list = json_object_get(cases, "cases");
  const json_t *by_id = json_object_get(wits, "witnesses");
  const char *id;
  const json_t *official;
  int compared = 0;
  json_object_foreach((json_t *)by_id, id, official) {
    const json_t *c = NULL;
    for (size_t i = 0; i < json_array_size(list); i++) {
      const json_t *e = json_array_get(list, i);
      if (json_integer_value(json_object_get(e, "id")) == atoi(id))
        c = e;
    }
    CHECK(c != NULL);
    struct cwaku__rln_inputs in;
    CHECK(c && cwaku__rln_inputs_from_json(
                   &in, json_object_get(c, "circuit_inputs")));
    if (!c)
      continue;
    CHECK_EQ_INT(cwaku__rln_witness(w, &in), 0);
    CHECK_EQ_INT((int)json_array_size(official), CWAKU_RLN_WIRES);
    int differ = 0;
    for (size_t k = 0; k < CWAKU_RLN_WIRES; k++) {
      cwaku_fr v;
      if (!fr_of(&v, json_array_get(official, k)) ||
          !cwaku__fr_equal(&v, &w[k]))
        differ++;
    }
    CHECK_EQ_INT(differ, 0);
    CHECK_EQ_INT((int)cwaku__r1cs_unsatisfied(&r1cs, w), 0);
    /* one wrong wire breaks a constraint */
    cwaku_fr one;
    cwaku__fr_one(&one);
    cwaku__fr_add(&w[CWAKU_RLN_WIRES - 100], &w[CWAKU_RLN_WIRES - 100], &one);
    CHECK(cwaku__r1cs_unsatisfied(&r1cs, w) > 0);
    compared++;
  }
  CHECK_EQ_INT(compared, 4);

  /* A and B in the zkey's layout, byte for byte */
  size_t ours_len = 0, theirs_len = 0;
  uint8_t *ours = cwaku__r1cs_zkey_coefficients(&r1cs, &ours_len);
  uint8_t *theirs = zkey_section(&theirs_len, 4);
  CHECK(ours && theirs);
  CHECK_EQ_INT((int)ours_len, (int)theirs_len);
  if (ours && theirs && ours_len == theirs_len) {
    size_t first = 0;
    while (first < ours_len && ours[first] == theirs[first])
      first++;
    if (first < ours_len)
      fprintf(stderr, "zkey coefficients differ from byte %zu (record %zu)\n",
              first, (first - 4) / 44);
    CHECK(first == ours_len);
  }
  free(ours);
  free(theirs);

  /* inputs that admit no witness */
  const json_t *c0 = json_array_get(list, 0);
  struct cwaku__rln_inputs in;
  CHECK(
      cwaku__rln_inputs_from_json(&in, json_object_get(c0, "circuit_inputs")));
  struct cwaku__rln_inputs bad = in;
  bad.path_index[3] = 2;
  CHECK_EQ_INT(cwaku__rln_witness(w, &bad), CWAKU_EINVAL);
  bad = in;
  bad.message_id = bad.user_message_limit; /* message_id must be < limit */
  CHECK_EQ_INT(cwaku__rln_witness(w, &bad), CWAKU_EINVAL);
  bad = in;
  cwaku__fr_from_u64(&bad.message_id, 65536);
  cwaku__fr_from_u64(&bad.user_message_limit, 70000);
  CHECK_EQ_INT(cwaku__rln_witness(w, &bad), CWAKU_EINVAL);
  bad = in;
  cwaku__fr_from_u64(&bad.message_id, 5);
  cwaku__fr_from_u64(&bad.user_message_limit, 65536 + 6);
  CHECK_EQ_INT(cwaku__rln_witness(w, &bad), CWAKU_EINVAL);
  /* the largest limit the circuit admits for a message id */
  cwaku__fr_from_u64(&bad.user_message_limit, 65536 + 5);
  CHECK_EQ_INT(cwaku__rln_witness(w, &bad), 0);
  CHECK_EQ_INT((int)cwaku__r1cs_unsatisfied(&r1cs, w), 0);

  cwaku__r1cs_free(&r1cs);
  json_decref(cases);
  json_decref(wits);
  return check_summary("rln circuit");
}
