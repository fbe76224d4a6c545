/* Groth16 proofs in the arkworks form (128 bytes, A || B || C compressed)
 * and the compressed G1/G2 points inside them: arbitrary bytes decode or
 * fail; what decodes re-encodes to the identical bytes (the encoding is
 * canonical: flags from y, x below p, infinity only as 0x40 over zeros),
 * lies on its curve and, for G2, in the subgroup. */
#include <stdlib.h>
#include <string.h>

#include "zk/groth16.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  uint8_t back[CWAKU_GROTH16_PROOF_BYTES];
  cwaku_groth16_proof p;
  cwaku_g1 g1;
  cwaku_g2 g2;
  if (size > 256)
    return 0;
  if (cwaku__groth16_proof_from_bytes(&p, data, size)) {
    if (size != CWAKU_GROTH16_PROOF_BYTES)
      abort();
    cwaku__groth16_proof_to_bytes(back, &p);
    if (memcmp(back, data, sizeof back) != 0)
      abort();
    if (!cwaku__g1_is_on_curve(&p.a) || !cwaku__g1_is_on_curve(&p.c) ||
        !cwaku__g2_is_in_subgroup_vartime(&p.b))
      abort();
  }
  /* the point decoders on the first bytes */
  if (size >= CWAKU_G1_COMPRESSED_BYTES &&
      cwaku__g1_from_compressed(&g1, data)) {
    cwaku__g1_to_compressed(back, &g1);
    if (memcmp(back, data, CWAKU_G1_COMPRESSED_BYTES) != 0 ||
        !cwaku__g1_is_on_curve(&g1))
      abort();
  }
  if (size >= CWAKU_G2_COMPRESSED_BYTES &&
      cwaku__g2_from_compressed(&g2, data)) {
    cwaku__g2_to_compressed(back, &g2);
    if (memcmp(back, data, CWAKU_G2_COMPRESSED_BYTES) != 0 ||
        !cwaku__g2_is_in_subgroup_vartime(&g2))
      abort();
  }
  return 0;
}
