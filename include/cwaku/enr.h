/* Ethereum Node Records (EIP-778) with the "v4" identity scheme, and the
 * Waku fields of 31/WAKU2-ENR and WAKU2-RELAY-SHARDING.
 *
 * A record is a signature, a sequence number and key/value pairs sorted by
 * key, encoded as the RLP list [signature, seq, k, v, ...] of at most 300
 * bytes; its text form is "enr:" + base64url (no padding). The "v4" scheme
 * signs keccak256(rlp([seq, k, v, ...])) with secp256k1 (64-byte r || s);
 * the node id is keccak256 of the 64-byte uncompressed public key (x || y).
 *
 * struct cwaku_enr is a fixed-size value the caller owns; nothing here
 * allocates it. Keys the code does not know are kept as they are, so a
 * decoded record re-encodes to the same bytes and its signature still
 * verifies.
 *
 * To make a record: cwaku_enr_init, the setters, cwaku_enr_sign, then
 * cwaku_enr_encode or cwaku_enr_encode_text. Any setter clears the
 * signature; encoding an unsigned record fails with CWAKU_EINVAL.
 *
 * Decoding errors: CWAKU_ETRUNC (input ends before the RLP says it does),
 * CWAKU_ETOOBIG (over 300 bytes), CWAKU_EENCODING (text not "enr:" +
 * base64url), CWAKU_EUNSUPPORTED (an identity scheme other than "v4"),
 * CWAKU_ESIGNATURE (structure fine, signature does not verify) and
 * CWAKU_EENR for everything else (non-canonical RLP, nested lists, trailing
 * bytes, unsorted or duplicate keys, missing "id", a "secp256k1" that is
 * not a 33-byte point). The signature is checked last, so CWAKU_ESIGNATURE
 * means every structural check passed. Other known fields (ip, ports,
 * waku2, multiaddrs, rs, rsv) are checked when read: a bad value makes its
 * accessor return CWAKU_EENR and leaves the rest of the record usable, as
 * go-ethereum and nwaku treat it. The setters refuse bad values. */
#ifndef CWAKU_ENR_H
#define CWAKU_ENR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cwaku/error.h"
#include "cwaku/key.h"
#include "cwaku/peer_id.h"

#define CWAKU_ENR_MAX_BYTES 300
/* Text form with its NUL: "enr:" + base64url of 300 bytes. */
#define CWAKU_ENR_TEXT_MAX (4 + ((CWAKU_ENR_MAX_BYTES * 4 + 2) / 3) + 1)
#define CWAKU_ENR_SIG_BYTES 64
#define CWAKU_ENR_NODE_ID_BYTES 32
/* Every pair takes at least 2 encoded bytes, so 300 bytes hold fewer. */
#define CWAKU_ENR_MAX_PAIRS 150

/* 31/WAKU2-ENR "waku2" bit field. */
#define CWAKU_ENR_WAKU2_RELAY 0x01
#define CWAKU_ENR_WAKU2_STORE 0x02
#define CWAKU_ENR_WAKU2_FILTER 0x04
#define CWAKU_ENR_WAKU2_LIGHTPUSH 0x08
#define CWAKU_ENR_WAKU2_SYNC 0x10

/* WAKU2-RELAY-SHARDING: 1024 shards per cluster. */
#define CWAKU_ENR_MAX_SHARDS 1024
/* Bytes of the "rsv" bit vector. */
#define CWAKU_ENR_RSV_BITS_BYTES 128

struct cwaku_enr_pair_ref {
  uint16_t key_off, key_len;
  uint16_t val_off, val_len;
};

/* Treat the members as private; use the functions below. */
struct cwaku_enr {
  uint64_t seq;
  uint8_t signature[CWAKU_ENR_SIG_BYTES];
  bool is_signed; /* the signature covers the current contents */
  uint16_t npairs;
  uint16_t used; /* bytes of data in use */
  struct cwaku_enr_pair_ref pairs[CWAKU_ENR_MAX_PAIRS];
  uint8_t data[CWAKU_ENR_MAX_BYTES]; /* keys and values */
};

enum cwaku_enr_port {
  CWAKU_ENR_TCP,
  CWAKU_ENR_UDP,
  CWAKU_ENR_TCP6,
  CWAKU_ENR_UDP6,
};

enum cwaku_enr_shard_encoding {
  CWAKU_ENR_SHARDS_RS,  /* index list: u16 cluster || u8 n || n x u16 */
  CWAKU_ENR_SHARDS_RSV, /* bit vector: u16 cluster || 128 bytes */
};

struct cwaku_enr_shards {
  uint16_t cluster;
  uint16_t count;
  enum cwaku_enr_shard_encoding encoding;
  uint16_t shards[CWAKU_ENR_MAX_SHARDS]; /* ascending, no duplicates */
};

/* ---- decoding and encoding ---- */

/* Decodes RLP bytes and verifies the "v4" signature. */
CWAKU_MUST_CHECK int cwaku_enr_decode(struct cwaku_enr *out, const uint8_t *in,
                                      size_t inlen);
/* Decodes "enr:<base64url>" (NUL-terminated) and verifies it. */
CWAKU_MUST_CHECK int cwaku_enr_decode_text(struct cwaku_enr *out,
                                           const char *text);
/* RLP bytes of a signed record; *outlen holds the capacity of out on entry
 * (CWAKU_ENR_MAX_BYTES always suffices) and the length on return. */
CWAKU_MUST_CHECK int cwaku_enr_encode(uint8_t *out, size_t *outlen,
                                      const struct cwaku_enr *enr);
/* Text form of a signed record; outcap >= CWAKU_ENR_TEXT_MAX suffices. */
CWAKU_MUST_CHECK int cwaku_enr_encode_text(char *out, size_t outcap,
                                           const struct cwaku_enr *enr);

/* ---- building ---- */

/* An empty, unsigned record with the given sequence number. */
void cwaku_enr_init(struct cwaku_enr *enr, uint64_t seq);
void cwaku_enr_set_seq(struct cwaku_enr *enr, uint64_t seq);
/* Sets "id" = "v4" and "secp256k1" from sk, then signs. CWAKU_ETOOBIG when
 * the record would exceed 300 bytes, CWAKU_EKEY for an invalid key. */
CWAKU_MUST_CHECK int cwaku_enr_sign(struct cwaku_enr *enr,
                                    const cwaku_seckey *sk);

/* Sets or replaces a pair (key: NUL-terminated). Values of known keys are
 * checked as decoding checks them (CWAKU_EINVAL). CWAKU_ETOOBIG when the
 * keys and values no longer fit in a record. */
CWAKU_MUST_CHECK int cwaku_enr_set(struct cwaku_enr *enr, const char *key,
                                   const uint8_t *val, size_t vallen);
/* Removes a pair; 0 or CWAKU_ENOTFOUND. */
int cwaku_enr_remove(struct cwaku_enr *enr, const char *key);

CWAKU_MUST_CHECK int cwaku_enr_set_ip4(struct cwaku_enr *enr,
                                       const uint8_t ip[4]);
CWAKU_MUST_CHECK int cwaku_enr_set_ip6(struct cwaku_enr *enr,
                                       const uint8_t ip[16]);
/* Written as canonical RLP integers (big-endian, no leading zero). */
CWAKU_MUST_CHECK int cwaku_enr_set_port(struct cwaku_enr *enr,
                                        enum cwaku_enr_port which,
                                        uint16_t port);
/* flags: CWAKU_ENR_WAKU2_* */
CWAKU_MUST_CHECK int cwaku_enr_set_waku2(struct cwaku_enr *enr, uint8_t flags);
/* Replaces "multiaddrs" with the n binary multiaddrs (each validated). */
CWAKU_MUST_CHECK int cwaku_enr_set_multiaddrs(struct cwaku_enr *enr,
                                              const uint8_t *const *mas,
                                              const size_t *lens, size_t n);
/* Writes "rs" or "rsv" (and removes the other). Shards are < 1024 without
 * duplicates; "rs" holds at most 255 and keeps the given order.
 * CWAKU_ESHARD for a bad shard list. */
CWAKU_MUST_CHECK int
cwaku_enr_set_shards(struct cwaku_enr *enr, uint16_t cluster,
                     const uint16_t *shards, size_t n,
                     enum cwaku_enr_shard_encoding encoding);

/* ---- reading (CWAKU_ENOTFOUND when the key is absent) ---- */

uint64_t cwaku_enr_seq(const struct cwaku_enr *enr);
/* The signature of a signed record; CWAKU_EINVAL when unsigned. */
CWAKU_MUST_CHECK int cwaku_enr_signature(uint8_t out[CWAKU_ENR_SIG_BYTES],
                                         const struct cwaku_enr *enr);
size_t cwaku_enr_pair_count(const struct cwaku_enr *enr);
/* The index-th pair in key order. */
CWAKU_MUST_CHECK int cwaku_enr_pair_at(const uint8_t **key, size_t *keylen,
                                       const uint8_t **val, size_t *vallen,
                                       const struct cwaku_enr *enr,
                                       size_t index);
CWAKU_MUST_CHECK int cwaku_enr_get(const uint8_t **val, size_t *vallen,
                                   const struct cwaku_enr *enr,
                                   const char *key);

CWAKU_MUST_CHECK int cwaku_enr_pubkey(cwaku_pubkey *out,
                                      const struct cwaku_enr *enr);
CWAKU_MUST_CHECK int cwaku_enr_node_id(uint8_t out[CWAKU_ENR_NODE_ID_BYTES],
                                       const struct cwaku_enr *enr);
CWAKU_MUST_CHECK int cwaku_enr_peer_id(cwaku_peer_id *out,
                                       const struct cwaku_enr *enr);
CWAKU_MUST_CHECK int cwaku_enr_ip4(uint8_t out[4], const struct cwaku_enr *enr);
CWAKU_MUST_CHECK int cwaku_enr_ip6(uint8_t out[16],
                                   const struct cwaku_enr *enr);
CWAKU_MUST_CHECK int cwaku_enr_port(uint16_t *out, const struct cwaku_enr *enr,
                                    enum cwaku_enr_port which);
CWAKU_MUST_CHECK int cwaku_enr_waku2(uint8_t *out, const struct cwaku_enr *enr);
/* Entries of "multiaddrs" (binary); 0 when the key is absent. */
size_t cwaku_enr_multiaddr_count(const struct cwaku_enr *enr);
CWAKU_MUST_CHECK int cwaku_enr_multiaddr_at(const uint8_t **ma, size_t *malen,
                                            const struct cwaku_enr *enr,
                                            size_t index);
/* Relay shards from "rs", or from "rsv" when there is no "rs" (sharding
 * spec: nodes may interpret "rs" and must ignore "rsv" when both exist). */
CWAKU_MUST_CHECK int cwaku_enr_shards(struct cwaku_enr_shards *out,
                                      const struct cwaku_enr *enr);

#endif
