/* noise-libp2p (libp2p/specs noise/README.md, r2): the secure channel,
 * Noise_XX_25519_ChaChaPoly_SHA256 with an empty prologue, as a sans-IO
 * engine.
 *
 * Two layers live here:
 *  - the Noise core (Noise Protocol Framework rev 34): CipherState,
 *    SymmetricState and the XX HandshakeState with any payloads and any
 *    prologue, so that it can be checked against the published vectors;
 *  - the libp2p session on top: u16 big-endian framing, the signed
 *    NoiseHandshakePayload in messages 2 and 3, peer id checks, and
 *    transport messages after the handshake.
 *
 * The session takes bytes in and gives bytes out: cwaku__noise_recv eats
 * complete frames from what the connection read, writes handshake replies
 * to the wire buffer and decrypted data to the plaintext buffer;
 * cwaku__noise_send encrypts application data into frames. Randomness (the
 * ephemeral key, and the static key unless given) comes from the injected
 * rng at init. Every function returns 0 or a negative CWAKU_E* code; once
 * the session has FAILED every later call returns the same code. */
#ifndef CWAKU_P2P_NOISE_H
#define CWAKU_P2P_NOISE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/cursor.h"
#include "cwaku/env.h"
#include "cwaku/error.h"
#include "cwaku/identity.h"
#include "cwaku/peer_id.h"

#define CWAKU__NOISE_KEY_BYTES 32
#define CWAKU__NOISE_HASH_BYTES 32
#define CWAKU__NOISE_TAG_BYTES 16
/* noise/README.md §Wire Format: a noise_message "has a maximum length of
 * 65535 bytes"; a transport message carries at most 65535 - 16. */
#define CWAKU__NOISE_MAX_MSG 65535
#define CWAKU__NOISE_MAX_PLAIN (CWAKU__NOISE_MAX_MSG - CWAKU__NOISE_TAG_BYTES)
/* Our own signed handshake payload, and the muxers we keep of the remote's
 * list (longer names and later entries are dropped: no muxer we could
 * speak has such a name). */
#define CWAKU__NOISE_PAYLOAD_MAX 1024
#define CWAKU__NOISE_MAX_MUXERS 8
#define CWAKU__NOISE_MUXER_MAX_LEN 64

/* ---- Noise core ---------------------------------------------------------- */

struct cwaku__noise_cipher {
  uint8_t k[CWAKU__NOISE_KEY_BYTES];
  uint64_t n;
  bool has_key;
};

struct cwaku__noise_symmetric {
  struct cwaku__noise_cipher cs;
  uint8_t ck[CWAKU__NOISE_HASH_BYTES];
  uint8_t h[CWAKU__NOISE_HASH_BYTES];
};

struct cwaku__noise_xx {
  struct cwaku__noise_symmetric ss;
  bool initiator;
  uint8_t step; /* next handshake message: 0, 1, 2; 3 when done */
  uint8_t s[32], s_pub[32];
  uint8_t e[32], e_pub[32];
  uint8_t rs[32], re[32];
};

/* Starts an XX handshake with the static private key s and the ephemeral
 * private key e (both X25519 scalars). */
void cwaku__noise_xx_init(struct cwaku__noise_xx *hs, bool initiator,
                          const uint8_t *prologue, size_t prologue_len,
                          const uint8_t s[32], const uint8_t e[32]);
/* Writes the next handshake message (it must be our turn) carrying payload;
 * *outlen: capacity of out on entry, bytes written on return. */
CWAKU_MUST_CHECK int cwaku__noise_xx_write(struct cwaku__noise_xx *hs,
                                           uint8_t *out, size_t *outlen,
                                           const uint8_t *payload,
                                           size_t payload_len);
/* Reads the next handshake message (it must be the remote's turn); the
 * payload goes to payload, *payload_len: capacity in, length out. */
CWAKU_MUST_CHECK int cwaku__noise_xx_read(struct cwaku__noise_xx *hs,
                                          uint8_t *payload, size_t *payload_len,
                                          const uint8_t *msg, size_t msglen);
/* After the third message: the two transport CipherStates, ours to send
 * and ours to receive. Wipes the handshake secrets (h stays readable). */
void cwaku__noise_xx_split(struct cwaku__noise_xx *hs,
                           struct cwaku__noise_cipher *tx,
                           struct cwaku__noise_cipher *rx);
void cwaku__noise_xx_clear(struct cwaku__noise_xx *hs);

/* Transport messages: out holds len + 16 (encrypt) or len - 16 (decrypt)
 * bytes; in-place (out == in) is allowed. The nonce 2^64-1 is never used:
 * past it the cipher refuses (CWAKU_ECRYPTO). */
CWAKU_MUST_CHECK int cwaku__noise_cipher_encrypt(struct cwaku__noise_cipher *c,
                                                 uint8_t *out,
                                                 const uint8_t *ad,
                                                 size_t adlen,
                                                 const uint8_t *in, size_t len);
CWAKU_MUST_CHECK int cwaku__noise_cipher_decrypt(struct cwaku__noise_cipher *c,
                                                 uint8_t *out,
                                                 const uint8_t *ad,
                                                 size_t adlen,
                                                 const uint8_t *in, size_t len);

/* ---- libp2p session ------------------------------------------------------ */

enum cwaku__noise_state {
  CWAKU__NOISE_HANDSHAKE,
  CWAKU__NOISE_READY,
  CWAKU__NOISE_FAILED,
};

struct cwaku__noise_config {
  bool initiator;
  const cwaku_identity_key *identity; /* signs our static key */
  const struct cwaku_rng *rng;        /* the ephemeral key, the static key */
  const uint8_t *static_key;          /* optional X25519 private key */
  const cwaku_peer_id *expected_peer; /* optional: the dialed /p2p/ id */
  /* Muxers we advertise in NoiseExtensions, in preference order. */
  const char *const *stream_muxers;
  size_t n_stream_muxers;
};

struct cwaku__noise {
  enum cwaku__noise_state state;
  int error;
  bool initiator;
  struct cwaku__noise_xx hs;
  struct cwaku__noise_cipher tx, rx;
  uint8_t handshake_hash[CWAKU__NOISE_HASH_BYTES];
  bool has_expected;
  cwaku_peer_id expected;
  uint8_t payload[CWAKU__NOISE_PAYLOAD_MAX]; /* our signed payload */
  size_t payload_len;
  /* The remote, valid once READY. */
  cwaku_identity_pubkey remote_key;
  cwaku_peer_id remote_peer;
  size_t n_remote_muxers;
  char remote_muxers[CWAKU__NOISE_MAX_MUXERS][CWAKU__NOISE_MUXER_MAX_LEN + 1];
};

/* Sets up a session; an initiator also writes message 1 to out_wire. */
CWAKU_MUST_CHECK int cwaku__noise_init(struct cwaku__noise *n,
                                       struct cwaku__wbuf *out_wire,
                                       const struct cwaku__noise_config *cfg);
/* Wipes all key material. */
void cwaku__noise_clear(struct cwaku__noise *n);

/* Feeds bytes read from the connection. Complete frames are processed:
 * handshake replies go to out_wire, decrypted transport data is appended to
 * out_plain. *consumed tells how many bytes were used; the caller keeps the
 * rest (an incomplete frame, at most 65537 bytes) and passes it again with
 * more. When out_plain lacks room for the next frame's data the call stops
 * there and returns 0: drain out_plain and call again. A malformed,
 * oversized or unauthentic frame fails the session. */
CWAKU_MUST_CHECK int cwaku__noise_recv(struct cwaku__noise *n,
                                       struct cwaku__wbuf *out_wire,
                                       struct cwaku__wbuf *out_plain,
                                       const uint8_t *in, size_t inlen,
                                       size_t *consumed);
/* Encrypts len bytes (READY only) into frames of at most 65519 bytes of
 * data each; len 0 writes nothing. CWAKU_ETOOBIG, with nothing written and
 * the session intact, when out_wire lacks room for all the frames. */
CWAKU_MUST_CHECK int cwaku__noise_send(struct cwaku__noise *n,
                                       struct cwaku__wbuf *out_wire,
                                       const uint8_t *plain, size_t len);

enum cwaku__noise_state cwaku__noise_state(const struct cwaku__noise *n);
/* The code the session failed with; 0 unless FAILED. */
int cwaku__noise_error(const struct cwaku__noise *n);
/* The remote identity, once READY (NULL before). */
const cwaku_identity_pubkey *
cwaku__noise_remote_key(const struct cwaku__noise *n);
const cwaku_peer_id *cwaku__noise_remote_peer(const struct cwaku__noise *n);
/* The remote's NoiseExtensions.stream_muxers, once READY: recorded so the
 * connection can skip the multistream round when both list the same muxer
 * (connections/inlined-muxer-negotiation.md); this engine does not act on
 * it. */
size_t cwaku__noise_remote_muxer_count(const struct cwaku__noise *n);
const char *cwaku__noise_remote_muxer(const struct cwaku__noise *n, size_t i);
/* The handshake hash h, once READY (channel binding; tests). */
const uint8_t *cwaku__noise_handshake_hash(const struct cwaku__noise *n);

/* The remote NoiseHandshakePayload, decoded (not verified): exposed for
 * the fuzzer. key/sig point into in. */
struct cwaku__noise_payload {
  const uint8_t *identity_key;
  size_t identity_key_len;
  const uint8_t *identity_sig;
  size_t identity_sig_len;
  size_t n_muxers;
  char muxers[CWAKU__NOISE_MAX_MUXERS][CWAKU__NOISE_MUXER_MAX_LEN + 1];
};
CWAKU_MUST_CHECK int cwaku__noise_payload_decode(struct cwaku__noise_payload *p,
                                                 const uint8_t *in,
                                                 size_t inlen);

/* Tests only: moves the transport nonces, to reach their limit. */
void cwaku__noise_test_set_nonces(struct cwaku__noise *n, uint64_t tx,
                                  uint64_t rx);

#endif
