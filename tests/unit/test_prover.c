/* Groth16 proofs made natively (src/zk/prover.c) with the official RLN
 * proving key from our own witness of the vector cases verify against the
 * official verification key; a proof for other public inputs does not, and
 * two proofs of one witness differ (they are randomised). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cwaku/env.h"
#include "zk/groth16.h"
#include "zk/prover.h"
#include "zk/rln_circuit.h"

static char path_buf[4096];
static const char *shared(const char *rel) {
  const char *dir = getenv("CWAKU_SHARED");
  snprintf(path_buf, sizeof path_buf, "%s/rln/%s", dir ? dir : "../shared",
           rel);
  return path_buf;
}

static int fr_of(cwaku_fr *out, const json_t *j) {
  const char *s = json_string_value(j);
  return s && cwaku__fr_from_dec(out, s, strlen(s));
}

static cwaku_fr w[CWAKU_RLN_WIRES];
static cwaku_groth16_pvk pvk;

int main(void) {
  struct cwaku__zkey z;
  struct cwaku__prover p;
  CHECK_EQ_INT(cwaku__zkey_load(&z, shared("rln_final.zkey")), 0);
  CHECK_EQ_INT(cwaku__prover_init(&p, &z), 0);
  cwaku__zkey_free(&z);

  json_error_t err;
  json_t *vkj = json_load_file(shared("verification_key.json"), 0, &err);
  json_t *cases = json_load_file(shared("vectors/rln_cases.json"), 0, &err);
  CHECK(vkj && cases);
  cwaku_groth16_vk vk;
  CHECK(vkj && cwaku__groth16_vk_from_json(&vk, vkj));
  CHECK(cwaku__groth16_prepare(&pvk, &vk));

  struct cwaku_seeded_rng rng;
  cwaku_seeded_rng_init(&rng, 42);
  const json_t *list = json_object_get(cases, "cases");
  for (size_t i = 0; i < json_array_size(list) && i < 3; i++) {
    const json_t *c = json_array_get(list, i);
    struct cwaku__rln_inputs in;
    CHECK(
        cwaku__rln_inputs_from_json(&in, json_object_get(c, "circuit_inputs")));
    CHECK_EQ_INT(cwaku__rln_witness(w, &in), 0);
    cwaku_groth16_proof pr, pr2;
    CHECK_EQ_INT(cwaku__prover_prove(&pr.a, &pr.b, &pr.c, &p, w, &rng.rng), 0);
    /* public signals: y, root, nullifier, x, external nullifier */
    cwaku_fr pub[5];
    memcpy(pub, &w[1], sizeof pub);
    CHECK(cwaku__groth16_verify(&pvk, &pr, pub, 5));
    /* they are the vector's public signals too */
    const json_t *ps = json_object_get(c, "public_signals");
    for (size_t k = 0; k < 5; k++) {
      cwaku_fr v;
      CHECK(fr_of(&v, json_array_get(ps, k)) && cwaku__fr_equal(&v, &pub[k]));
    }
    cwaku_fr one;
    cwaku__fr_one(&one);
    cwaku__fr_add(&pub[3], &pub[3], &one);
    CHECK(!cwaku__groth16_verify(&pvk, &pr, pub, 5));
    cwaku__fr_sub(&pub[3], &pub[3], &one);
    /* randomised: another proof of the same witness differs, and verifies */
    CHECK_EQ_INT(cwaku__prover_prove(&pr2.a, &pr2.b, &pr2.c, &p, w, &rng.rng),
                 0);
    CHECK(!cwaku__g1_equal(&pr.a, &pr2.a));
    CHECK(cwaku__groth16_verify(&pvk, &pr2, pub, 5));
    /* the arkworks bytes round-trip and still verify */
    uint8_t bytes[CWAKU_GROTH16_PROOF_BYTES];
    cwaku__groth16_proof_to_bytes(bytes, &pr);
    CHECK(cwaku__groth16_proof_from_bytes(&pr2, bytes, sizeof bytes));
    CHECK(cwaku__groth16_verify(&pvk, &pr2, pub, 5));
  }
  cwaku__prover_clear(&p);
  json_decref(vkj);
  json_decref(cases);
  return check_summary("prover");
}
