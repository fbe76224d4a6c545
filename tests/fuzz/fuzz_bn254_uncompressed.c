/* BN254 points in the uncompressed big-endian form of EIP-196/197 (G1: 64
 * bytes, G2: 128 bytes): arbitrary bytes decode or fail; what decodes
 * re-encodes to the identical bytes and lies on the curve (G2: in the
 * subgroup). The first byte chooses the group. */
#include <stdlib.h>
#include <string.h>

#include "zk/curve.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  uint8_t back[CWAKU_G2_UNCOMPRESSED_BYTES];
  cwaku_g1 g1;
  cwaku_g2 g2;
  if (size < 1)
    return 0;
  int which = data[0] & 1;
  data++;
  size--;
  if (which == 0 && size >= CWAKU_G1_UNCOMPRESSED_BYTES &&
      cwaku__g1_from_uncompressed(&g1, data)) {
    cwaku__g1_to_uncompressed(back, &g1);
    if (memcmp(back, data, CWAKU_G1_UNCOMPRESSED_BYTES) != 0 ||
        !cwaku__g1_is_on_curve(&g1))
      abort();
  }
  if (which == 1 && size >= CWAKU_G2_UNCOMPRESSED_BYTES &&
      cwaku__g2_from_uncompressed(&g2, data)) {
    cwaku__g2_to_uncompressed(back, &g2);
    if (memcmp(back, data, CWAKU_G2_UNCOMPRESSED_BYTES) != 0 ||
        !cwaku__g2_is_in_subgroup_vartime(&g2))
      abort();
  }
  return 0;
}
