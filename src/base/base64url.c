/* RFC 4648 §5 base64url without padding, as the ENR text form uses it. */
#include "cwaku/encoding.h"

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int cwaku_base64url_encode(char *out, size_t *outlen, const uint8_t *in,
                           size_t inlen) {
  size_t need = CWAKU_BASE64URL_CHARS(inlen);
  if (*outlen < need + 1)
    return CWAKU_ETOOBIG;
  size_t o = 0;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < inlen; i++) {
    acc = (acc << 8) | in[i];
    bits += 8;
    while (bits >= 6) {
      out[o++] = b64_alphabet[(acc >> (bits - 6)) & 63];
      bits -= 6;
    }
  }
  if (bits > 0)
    out[o++] = b64_alphabet[(acc << (6 - bits)) & 63];
  out[o] = 0;
  *outlen = o;
  return 0;
}

static int b64_value(char c) {
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '-')
    return 62;
  if (c == '_')
    return 63;
  return -1;
}

int cwaku_base64url_decode(uint8_t *out, size_t *outlen, const char *in,
                           size_t inlen) {
  if (inlen % 4 == 1)
    return CWAKU_EENCODING;
  size_t need = inlen * 6 / 8;
  if (*outlen < need)
    return CWAKU_ETOOBIG;
  size_t o = 0;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < inlen; i++) {
    int v = b64_value(in[i]);
    if (v < 0)
      return CWAKU_EENCODING;
    acc = (acc << 6) | (uint32_t)v;
    bits += 6;
    if (bits >= 8) {
      out[o++] = (uint8_t)(acc >> (bits - 8));
      bits -= 8;
    }
  }
  if (acc & ((1u << bits) - 1))
    return CWAKU_EENCODING;
  *outlen = o;
  return 0;
}
