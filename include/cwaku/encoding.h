/* Text encodings of bytes: hex, base58btc, base32 (RFC 4648, lower case, no
 * padding) and base64url (RFC 4648 §5, no padding).
 *
 * Encoders: *outlen holds the capacity of out (including the NUL) on entry
 * and the number of characters written (excluding the NUL) on return.
 * Decoders: *outlen holds the capacity of out on entry and the number of
 * bytes written on return. All return 0, CWAKU_ETOOBIG when out is too
 * small, or CWAKU_EENCODING when the text is not canonical in the encoding. */
#ifndef CWAKU_ENCODING_H
#define CWAKU_ENCODING_H

#include <stddef.h>
#include <stdint.h>

#include "cwaku/error.h"

/* Characters needed for n bytes, without the NUL. */
#define CWAKU_HEX_CHARS(n) ((n)*2)
#define CWAKU_BASE58_CHARS(n) ((n)*138 / 100 + 1)
#define CWAKU_BASE32_CHARS(n) (((n)*8 + 4) / 5)
#define CWAKU_BASE64URL_CHARS(n) (((n)*4 + 2) / 3)

CWAKU_MUST_CHECK int cwaku_hex_encode(char *out, size_t *outlen,
                                      const uint8_t *in, size_t inlen);
/* Either case; an optional "0x" prefix is accepted. */
CWAKU_MUST_CHECK int cwaku_hex_decode(uint8_t *out, size_t *outlen,
                                      const char *in, size_t inlen);

CWAKU_MUST_CHECK int cwaku_base58btc_encode(char *out, size_t *outlen,
                                            const uint8_t *in, size_t inlen);
CWAKU_MUST_CHECK int cwaku_base58btc_decode(uint8_t *out, size_t *outlen,
                                            const char *in, size_t inlen);

CWAKU_MUST_CHECK int cwaku_base32_encode(char *out, size_t *outlen,
                                         const uint8_t *in, size_t inlen);
/* Lower case only; the unused low bits of the last character must be 0. */
CWAKU_MUST_CHECK int cwaku_base32_decode(uint8_t *out, size_t *outlen,
                                         const char *in, size_t inlen);

CWAKU_MUST_CHECK int cwaku_base64url_encode(char *out, size_t *outlen,
                                            const uint8_t *in, size_t inlen);
/* No padding; the unused low bits of the last character must be 0. */
CWAKU_MUST_CHECK int cwaku_base64url_decode(uint8_t *out, size_t *outlen,
                                            const char *in, size_t inlen);

#endif
