/* multiaddr: arbitrary bytes as binary must convert to text or fail; what
 * converts must parse back to the same bytes. The bytes as text must parse
 * or fail; what parses must print and parse again to the same binary. */
#include <stdlib.h>
#include <string.h>

#include "cwaku/multiaddr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static char text[CWAKU_MULTIADDR_STRING_MAX];
  static uint8_t bin[CWAKU_MULTIADDR_MAX_BYTES];
  if (size > 4096)
    return 0;

  int v = cwaku_multiaddr_validate(data, size);
  int r = cwaku_multiaddr_to_string(text, sizeof text, data, size);
  if (v != r)
    abort();
  if (r == 0) {
    size_t len = sizeof bin;
    if (cwaku_multiaddr_from_string(bin, &len, text) != 0 || len != size ||
        memcmp(bin, data, size) != 0)
      abort();
  }

  static char in[4097];
  memcpy(in, data, size);
  in[size] = 0;
  size_t len = sizeof bin;
  if (cwaku_multiaddr_from_string(bin, &len, in) == 0) {
    if (cwaku_multiaddr_validate(bin, len) != 0 ||
        cwaku_multiaddr_to_string(text, sizeof text, bin, len) != 0)
      abort();
    static uint8_t bin2[CWAKU_MULTIADDR_MAX_BYTES];
    size_t len2 = sizeof bin2;
    if (cwaku_multiaddr_from_string(bin2, &len2, text) != 0 || len2 != len ||
        memcmp(bin, bin2, len) != 0)
      abort();
  }
  return 0;
}
