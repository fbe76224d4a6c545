/* Our own single-party setup (src/zk/setup.c) for the RLN circuit: the key
 * it writes reads back, carries the same A/B coefficients as the official
 * key, and proofs made with it verify against the verification key it
 * wrote, and not against the official one. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "zk/groth16.h"
#include "zk/prover.h"
#include "zk/rln_circuit.h"
#include "zk/setup.h"

static char path_buf[4096];
static const char *shared(const char *rel) {
  const char *dir = getenv("CWAKU_SHARED");
  snprintf(path_buf, sizeof path_buf, "%s/rln/%s", dir ? dir : "../shared",
           rel);
  return path_buf;
}

static cwaku_fr w[CWAKU_RLN_WIRES];
static cwaku_groth16_pvk pvk, official_pvk;

int main(void) {
  struct cwaku__r1cs r1cs;
  CHECK_EQ_INT(cwaku__rln_r1cs(&r1cs), 0);
  struct cwaku_seeded_rng rng;
  cwaku_seeded_rng_init(&rng, 3);
  uint8_t *zk = NULL;
  size_t zk_len = 0;
  char *vk_text = NULL;
  CHECK_EQ_INT(cwaku__groth16_setup(&zk, &zk_len, &vk_text, &r1cs, &rng.rng),
               0);
  cwaku__r1cs_free(&r1cs);
  if (!zk || !vk_text)
    return check_summary("setup");

  struct cwaku__zkey ours, official;
  CHECK_EQ_INT(cwaku__zkey_parse(&ours, zk, zk_len), 0);
  CHECK_EQ_INT(cwaku__zkey_load(&official, shared("rln_final.zkey")), 0);
  CHECK_EQ_INT((int)ours.n_vars, 5844);
  CHECK_EQ_INT((int)ours.n_public, 5);
  CHECK_EQ_INT((int)ours.domain_size, 8192);
  CHECK_EQ_INT((int)ours.n_coefs, (int)official.n_coefs);
  int same = ours.n_coefs == official.n_coefs;
  for (size_t i = 0; same && i < ours.n_coefs; i++)
    same = ours.coefs[i].matrix == official.coefs[i].matrix &&
           ours.coefs[i].constraint == official.coefs[i].constraint &&
           ours.coefs[i].wire == official.coefs[i].wire &&
           cwaku__fr_equal(&ours.coefs[i].value, &official.coefs[i].value);
  CHECK(same);
  /* different toxic waste: different points */
  CHECK(memcmp(&ours.alpha1, &official.alpha1, sizeof ours.alpha1) != 0);

  struct cwaku__prover p;
  CHECK_EQ_INT(cwaku__prover_init(&p, &ours), 0);
  cwaku__zkey_free(&ours);
  cwaku__zkey_free(&official);

  cwaku_groth16_vk vk, ovk;
  CHECK(cwaku__groth16_vk_from_snarkjs(&vk, vk_text, strlen(vk_text)));
  CHECK(cwaku__groth16_prepare(&pvk, &vk));
  json_error_t err;
  json_t *ovkj = json_load_file(shared("verification_key.json"), 0, &err);
  CHECK(ovkj && cwaku__groth16_vk_from_json(&ovk, ovkj));
  CHECK(cwaku__groth16_prepare(&official_pvk, &ovk));
  json_decref(ovkj);
  json_t *vkj = json_loads(vk_text, 0, &err);
  CHECK(vkj && json_string_value(json_object_get(vkj, "cwaku_setup")));
  json_decref(vkj);

  /* a member at some leaf; the circuit checks the path only against itself */
  struct cwaku__rln_inputs in;
  memset(&in, 0, sizeof in);
  cwaku__fr_from_u64(&in.identity_secret, 123456789);
  cwaku__fr_from_u64(&in.user_message_limit, 10);
  cwaku__fr_from_u64(&in.message_id, 9);
  cwaku__fr_from_u64(&in.x, 42);
  cwaku__fr_from_u64(&in.external_nullifier, 77);
  for (int i = 0; i < CWAKU_RLN_DEPTH; i++) {
    cwaku__fr_from_u64(&in.path_elements[i], 1000 + (uint64_t)i);
    in.path_index[i] = (uint8_t)(i % 3 == 0);
  }
  CHECK_EQ_INT(cwaku__rln_witness(w, &in), 0);
  cwaku_groth16_proof pr;
  CHECK_EQ_INT(cwaku__prover_prove(&pr.a, &pr.b, &pr.c, &p, w, &rng.rng), 0);
  CHECK(cwaku__groth16_verify(&pvk, &pr, &w[1], 5));
  CHECK(!cwaku__groth16_verify(&official_pvk, &pr, &w[1], 5));
  cwaku_fr bad[5];
  memcpy(bad, &w[1], sizeof bad);
  cwaku__fr_add(&bad[0], &bad[0], &bad[1]);
  CHECK(!cwaku__groth16_verify(&pvk, &pr, bad, 5));

  cwaku__prover_clear(&p);
  free(zk);
  free(vk_text);
  return check_summary("setup");
}
