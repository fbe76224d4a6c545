/* snarkjs JSON: the same text is read as a proof, a verification key and
 * public signals. What reads as a proof survives the arkworks encoding
 * (to bytes and back to the same points); a key prepares; public signals
 * are canonical (re-read from their little-endian bytes). */
#include <stdlib.h>
#include <string.h>

#include "zk/groth16.h"

static cwaku_groth16_vk vk;
static cwaku_groth16_pvk pvk;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *text = (const char *)data;
  cwaku_groth16_proof p, q;
  cwaku_fr x[CWAKU_GROTH16_MAX_PUBLIC];
  size_t n;
  if (size > 16384)
    return 0;
  if (cwaku__groth16_proof_from_snarkjs(&p, text, size)) {
    uint8_t b[CWAKU_GROTH16_PROOF_BYTES];
    cwaku__groth16_proof_to_bytes(b, &p);
    if (!cwaku__groth16_proof_from_bytes(&q, b, sizeof b) ||
        !cwaku__g1_equal(&p.a, &q.a) || !cwaku__g2_equal(&p.b, &q.b) ||
        !cwaku__g1_equal(&p.c, &q.c))
      abort();
  }
  if (cwaku__groth16_vk_from_snarkjs(&vk, text, size)) {
    if (vk.n_public > CWAKU_GROTH16_MAX_PUBLIC ||
        !cwaku__groth16_prepare(&pvk, &vk))
      abort();
  }
  if (cwaku__groth16_public_from_snarkjs(x, &n, CWAKU_GROTH16_MAX_PUBLIC, text,
                                         size)) {
    for (size_t i = 0; i < n; i++) {
      uint8_t b[32];
      cwaku_fr y;
      cwaku__fr_to_bytes_le(b, &x[i]);
      if (!cwaku__fr_from_bytes_le(&y, b) || !cwaku__fr_equal(&y, &x[i]))
        abort();
    }
  }
  return 0;
}
