/* Text decoders (hex, base58btc, base32, base64url): arbitrary text must
 * decode or fail; what decodes must encode back to the same text (modulo
 * case and the 0x prefix for hex). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cwaku/encoding.h"

typedef int (*enc_fn)(char *, size_t *, const uint8_t *, size_t);
typedef int (*dec_fn)(uint8_t *, size_t *, const char *, size_t);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const enc_fn enc[4] = {cwaku_hex_encode, cwaku_base58btc_encode,
                                cwaku_base32_encode, cwaku_base64url_encode};
  static const dec_fn dec[4] = {cwaku_hex_decode, cwaku_base58btc_decode,
                                cwaku_base32_decode, cwaku_base64url_decode};
  if (size < 1 || size > 1500)
    return 0;
  int which = data[0] % 4;
  const char *text = (const char *)data + 1;
  size_t tlen = size - 1;
  uint8_t bytes[1500];
  size_t blen = sizeof bytes;
  if (dec[which](bytes, &blen, text, tlen) != 0)
    return 0;
  char back[3100];
  size_t backlen = sizeof back;
  if (enc[which](back, &backlen, bytes, blen) != 0)
    abort();
  if (which == 0) {
    if (tlen >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
      text += 2;
      tlen -= 2;
    }
    if (backlen != tlen || strncasecmp(back, text, tlen) != 0)
      abort();
  } else if (backlen != tlen || memcmp(back, text, tlen) != 0) {
    abort();
  }
  return 0;
}
