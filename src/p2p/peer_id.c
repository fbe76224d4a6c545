#include "cwaku/peer_id.h"

#include <string.h>

#include "base/cursor.h"
#include "crypto/sha256.h"
#include "cwaku/encoding.h"

/* libp2p PublicKey protobuf: Type (field 1, varint) = 2 (Secp256k1),
 * Data (field 2, bytes) = 33-byte compressed key. */
#define KEYTYPE_SECP256K1 2
#define MULTIHASH_IDENTITY 0x00
#define MULTIHASH_SHA2_256 0x12
/* peer-ids.md (r2) §Peer Ids: keys that serialize to at most 42 bytes use
 * the identity multihash. */
#define IDENTITY_MAX 42
#define CID_VERSION_1 0x01
#define MULTICODEC_LIBP2P_KEY 0x72

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

/* Checks the multihash framing of out->data[0..len] and sets out->len. */
static int check_multihash(cwaku_peer_id *out, size_t len) {
  struct cwaku__rcur c;
  cwaku__rcur_init(&c, out->data, len);
  uint64_t code = cwaku__rcur_uvarint(&c);
  uint64_t dlen = cwaku__rcur_uvarint(&c);
  if (cwaku__rcur_err(&c) || dlen != cwaku__rcur_left(&c) ||
      (code == MULTIHASH_IDENTITY && dlen > IDENTITY_MAX) ||
      (code == MULTIHASH_SHA2_256 && dlen != 32) ||
      (code != MULTIHASH_IDENTITY && code != MULTIHASH_SHA2_256)) {
    memset(out, 0, sizeof *out);
    return CWAKU_EMALFORMED;
  }
  out->len = (uint8_t)len;
  return 0;
}

int cwaku_peer_id_from_string(cwaku_peer_id *out, const char *text) {
  size_t len = sizeof out->data;
  memset(out, 0, sizeof *out);
  int r = cwaku_base58btc_decode(out->data, &len, text, strlen(text));
  if (r)
    return r;
  return check_multihash(out, len);
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

void cwaku_peer_id_from_public_key_pb(cwaku_peer_id *out, const uint8_t *pb,
                                      size_t pblen) {
  memset(out, 0, sizeof *out);
  /* peer-ids.md (r2) §Peer Ids: "If the length of the serialized bytes is
   * less than or equal to 42, compute the identity multihash ... If the
   * length is greater than 42, then hash it using the SHA256 multihash." */
  if (pblen <= IDENTITY_MAX) {
    out->data[0] = MULTIHASH_IDENTITY;
    out->data[1] = (uint8_t)pblen;
    memcpy(out->data + 2, pb, pblen);
    out->len = (uint8_t)(2 + pblen);
  } else {
    out->data[0] = MULTIHASH_SHA2_256;
    out->data[1] = CWAKU_SHA256_BYTES;
    cwaku__sha256(out->data + 2, pb, pblen);
    out->len = 2 + CWAKU_SHA256_BYTES;
  }
}

void cwaku_peer_id_from_pubkey(cwaku_peer_id *out,
                               const cwaku_identity_pubkey *pk) {
  uint8_t pb[CWAKU_IDENTITY_PUBKEY_PB_MAX];
  size_t pblen;
  cwaku_identity_pubkey_encode(pb, &pblen, pk);
  cwaku_peer_id_from_public_key_pb(out, pb, pblen);
}

int cwaku_peer_id_pubkey(cwaku_identity_pubkey *out, const cwaku_peer_id *id) {
  memset(out, 0, sizeof *out);
  if (id->len < 2 || id->data[0] != MULTIHASH_IDENTITY ||
      id->data[1] != id->len - 2 ||
      cwaku_identity_pubkey_decode(out, id->data + 2, id->len - 2u) != 0) {
    memset(out, 0, sizeof *out);
    return CWAKU_EKEY;
  }
  return 0;
}

int cwaku_peer_id_equal(const cwaku_peer_id *a, const cwaku_peer_id *b) {
  return a->len == b->len && memcmp(a->data, b->data, a->len) == 0;
}

int cwaku_peer_id_to_cid_string(char *out, size_t outcap,
                                const cwaku_peer_id *id) {
  uint8_t cid[2 + CWAKU_PEER_ID_MAX_BYTES];
  size_t len = outcap ? outcap - 1 : 0;
  if (outcap < 2)
    return CWAKU_ETOOBIG;
  /* peer-ids.md (r2) §String representation: "<multibase-prefix>
   * <cid-version><multicodec><multihash>", CIDv1, libp2p-key, base32. */
  cid[0] = CID_VERSION_1;
  cid[1] = MULTICODEC_LIBP2P_KEY;
  memcpy(cid + 2, id->data, id->len);
  out[0] = 'b';
  int r = cwaku_base32_encode(out + 1, &len, cid, 2u + id->len);
  if (r)
    out[0] = 0;
  return r;
}

int cwaku_peer_id_from_cid_string(cwaku_peer_id *out, const char *text) {
  uint8_t cid[2 + CWAKU_PEER_ID_MAX_BYTES + 8];
  size_t len = sizeof cid;
  memset(out, 0, sizeof *out);
  /* Only the base32 multibase ('b'), the one the spec says to use. */
  if (text[0] != 'b')
    return CWAKU_EUNSUPPORTED;
  int r = cwaku_base32_decode(cid, &len, text + 1, strlen(text + 1));
  if (r)
    return r;
  struct cwaku__rcur c;
  cwaku__rcur_init(&c, cid, len);
  uint64_t version = cwaku__rcur_uvarint(&c);
  uint64_t codec = cwaku__rcur_uvarint(&c);
  if (cwaku__rcur_err(&c) || version != CID_VERSION_1 ||
      codec != MULTICODEC_LIBP2P_KEY)
    return CWAKU_EMALFORMED;
  /* peer-ids.md (r2) §Decoding: "verify that the CIDs multicodec is
   * libp2p-key ... extract the multihash from the CID". */
  size_t mhlen = cwaku__rcur_left(&c);
  if (mhlen > sizeof out->data)
    return CWAKU_EMALFORMED;
  memcpy(out->data, cwaku__rcur_take(&c, mhlen), mhlen);
  return check_multihash(out, mhlen);
}

int cwaku_peer_id_parse(cwaku_peer_id *out, const char *text) {
  /* peer-ids.md (r2) §Decoding: "If it starts with 1 or Qm, it's a bare
   * base58btc encoded multihash"; "If it starts with a multibase prefix,
   * it's a CIDv1". */
  if (text[0] == '1' || (text[0] == 'Q' && text[1] == 'm'))
    return cwaku_peer_id_from_string(out, text);
  return cwaku_peer_id_from_cid_string(out, text);
}
