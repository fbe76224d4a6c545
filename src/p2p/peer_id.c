#include "cwaku/peer_id.h"

#include <string.h>

#include "base/cursor.h"
#include "cwaku/encoding.h"

/* libp2p PublicKey protobuf: Type (field 1, varint) = 2 (Secp256k1),
 * Data (field 2, bytes) = 33-byte compressed key. */
#define KEYTYPE_SECP256K1 2
#define MULTIHASH_IDENTITY 0x00
#define MULTIHASH_SHA2_256 0x12

void cwaku_peer_id_from_secp256k1(cwaku_peer_id *out, const cwaku_pubkey *pk) {
  uint8_t *p = out->data;
  p[0] = MULTIHASH_IDENTITY;
  p[1] = 4 + CWAKU_PUBKEY_BYTES; /* length of the encoded PublicKey */
  p[2] = 0x08;                   /* field 1, varint */
  p[3] = KEYTYPE_SECP256K1;
  p[4] = 0x12; /* field 2, length-delimited */
  p[5] = CWAKU_PUBKEY_BYTES;
  memcpy(p + 6, pk->data, CWAKU_PUBKEY_BYTES);
  out->len = 6 + CWAKU_PUBKEY_BYTES;
}

int cwaku_peer_id_to_string(char *out, size_t outcap, const cwaku_peer_id *id) {
  size_t len = outcap;
  return cwaku_base58btc_encode(out, &len, id->data, id->len);
}

int cwaku_peer_id_from_string(cwaku_peer_id *out, const char *text) {
  size_t len = sizeof out->data;
  memset(out, 0, sizeof *out);
  int r = cwaku_base58btc_decode(out->data, &len, text, strlen(text));
  if (r)
    return r;
  struct cwaku__rcur c;
  cwaku__rcur_init(&c, out->data, len);
  uint64_t code = cwaku__rcur_uvarint(&c);
  uint64_t dlen = cwaku__rcur_uvarint(&c);
  if (cwaku__rcur_err(&c) || dlen != cwaku__rcur_left(&c) ||
      (code == MULTIHASH_IDENTITY && dlen > 42) ||
      (code == MULTIHASH_SHA2_256 && dlen != 32) ||
      (code != MULTIHASH_IDENTITY && code != MULTIHASH_SHA2_256)) {
    memset(out, 0, sizeof *out);
    return CWAKU_EMALFORMED;
  }
  out->len = (uint8_t)len;
  return 0;
}

int cwaku_peer_id_secp256k1_key(cwaku_pubkey *out, const cwaku_peer_id *id) {
  static const uint8_t prefix[6] = {
      MULTIHASH_IDENTITY, 4 + CWAKU_PUBKEY_BYTES, 0x08, KEYTYPE_SECP256K1, 0x12,
      CWAKU_PUBKEY_BYTES};
  if (id->len != 6 + CWAKU_PUBKEY_BYTES || memcmp(id->data, prefix, 6) != 0 ||
      !cwaku_pubkey_parse(out, id->data + 6, CWAKU_PUBKEY_BYTES))
    return CWAKU_EKEY;
  return 0;
}
