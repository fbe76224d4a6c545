/* libp2p peer ids (peer-ids.md): a multihash of the protobuf-encoded public
 * key; keys of at most 42 encoded bytes use the identity multihash, so a
 * secp256k1 node key gives "16Uiu2..." in base58btc. */
#ifndef CWAKU_PEER_ID_H
#define CWAKU_PEER_ID_H

#include <stddef.h>
#include <stdint.h>

#include "cwaku/error.h"
#include "cwaku/identity.h"
#include "cwaku/key.h"

#define CWAKU_PEER_ID_MAX_BYTES 64
/* Text form of a peer id, with the NUL. */
#define CWAKU_PEER_ID_STRING_MAX 96

typedef struct {
  uint8_t len;
  uint8_t data[CWAKU_PEER_ID_MAX_BYTES];
} cwaku_peer_id;

void cwaku_peer_id_from_secp256k1(cwaku_peer_id *out, const cwaku_pubkey *pk);
/* base58btc text; out holds at least CWAKU_PEER_ID_STRING_MAX bytes. */
CWAKU_MUST_CHECK int cwaku_peer_id_to_string(char *out, size_t outcap,
                                             const cwaku_peer_id *id);
/* Parses the base58btc text form and checks the multihash framing. */
CWAKU_MUST_CHECK int cwaku_peer_id_from_string(cwaku_peer_id *out,
                                               const char *text);
/* When the id embeds a secp256k1 key (identity multihash), extracts it. */
CWAKU_MUST_CHECK int cwaku_peer_id_secp256k1_key(cwaku_pubkey *out,
                                                 const cwaku_peer_id *id);

/* The id of any key, given its encoded PublicKey protobuf: the identity
 * multihash when it is at most 42 bytes, else sha2-256. An Ed25519 key gives
 * "12D3KooW..." in base58btc. */
void cwaku_peer_id_from_public_key_pb(cwaku_peer_id *out, const uint8_t *pb,
                                      size_t pblen);
void cwaku_peer_id_from_pubkey(cwaku_peer_id *out,
                               const cwaku_identity_pubkey *pk);
/* When the id embeds its key (identity multihash of a PublicKey of a type
 * we support), extracts it; CWAKU_EKEY otherwise (e.g. sha2-256 ids). */
CWAKU_MUST_CHECK int cwaku_peer_id_pubkey(cwaku_identity_pubkey *out,
                                          const cwaku_peer_id *id);
int cwaku_peer_id_equal(const cwaku_peer_id *a, const cwaku_peer_id *b);

/* The CIDv1 text form: multibase 'b' (base32, lower case, no padding) of
 * version 1, multicodec libp2p-key (0x72), multihash. */
CWAKU_MUST_CHECK int cwaku_peer_id_to_cid_string(char *out, size_t outcap,
                                                 const cwaku_peer_id *id);
CWAKU_MUST_CHECK int cwaku_peer_id_from_cid_string(cwaku_peer_id *out,
                                                   const char *text);
/* Either text form, as peer-ids.md §Decoding tells them apart: "1..." or
 * "Qm..." is a bare base58btc multihash; anything else a multibase CID. */
CWAKU_MUST_CHECK int cwaku_peer_id_parse(cwaku_peer_id *out, const char *text);

#endif
