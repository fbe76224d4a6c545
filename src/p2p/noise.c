/* noise-libp2p: the Noise XX core and the libp2p secure-channel session.
 * Section names "NPF §..." refer to the Noise Protocol Framework, rev 34;
 * "noise/README.md §..." to the libp2p spec (r2). */
#include "noise.h"

#include "base/protowire.h"
#include "crypto/aead.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define PROTOCOL_NAME "Noise_XX_25519_ChaChaPoly_SHA256"
#define DH_BYTES 32
#define SIG_PREFIX "noise-libp2p-static-key:"
#define SIG_PREFIX_LEN (sizeof SIG_PREFIX - 1)

/* ---- Noise core ---------------------------------------------------------- */

static void hmac(uint8_t out[32], const uint8_t key[32], const uint8_t *a,
                 size_t alen, const uint8_t *b, size_t blen) {
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, key, 32);
  crypto_auth_hmacsha256_update(&st, a, alen);
  if (blen)
    crypto_auth_hmacsha256_update(&st, b, blen);
  crypto_auth_hmacsha256_final(&st, out);
  sodium_memzero(&st, sizeof st);
}

/* NPF §4.3 HKDF(chaining_key, input_key_material, 2):
 * temp_key = HMAC(ck, ikm); out1 = HMAC(temp_key, 0x01);
 * out2 = HMAC(temp_key, out1 || 0x02). */
static void hkdf2(uint8_t out1[32], uint8_t out2[32], const uint8_t ck[32],
                  const uint8_t *ikm, size_t ikmlen) {
  static const uint8_t one = 0x01, two = 0x02;
  uint8_t temp[32];
  hmac(temp, ck, ikm, ikmlen, NULL, 0);
  hmac(out1, temp, &one, 1, NULL, 0);
  hmac(out2, temp, out1, 32, &two, 1);
  sodium_memzero(temp, sizeof temp);
}

/* NPF §12.3 ChaChaPoly: "96-bit nonce is formed by encoding 32 bits of
 * zeros followed by little-endian encoding of n". */
static void nonce_bytes(uint8_t out[12], uint64_t n) {
  memset(out, 0, 4);
  for (int i = 0; i < 8; i++)
    out[4 + i] = (uint8_t)(n >> (8 * i));
}

int cwaku__noise_cipher_encrypt(struct cwaku__noise_cipher *c, uint8_t *out,
                                const uint8_t *ad, size_t adlen,
                                const uint8_t *in, size_t len) {
  uint8_t nonce[12];
  /* NPF §5.1: "If incrementing n results in 2^64-1, then any further
   * EncryptWithAd() or DecryptWithAd() calls will signal an error". */
  if (c->n == UINT64_MAX)
    return CWAKU_ECRYPTO;
  nonce_bytes(nonce, c->n);
  if (!cwaku__aead_encrypt(out, out + len, c->k, nonce, ad, adlen, in, len))
    return CWAKU_ECRYPTO;
  c->n++;
  return 0;
}

int cwaku__noise_cipher_decrypt(struct cwaku__noise_cipher *c, uint8_t *out,
                                const uint8_t *ad, size_t adlen,
                                const uint8_t *in, size_t len) {
  uint8_t nonce[12];
  if (len < CWAKU__NOISE_TAG_BYTES)
    return CWAKU_EMALFORMED;
  if (c->n == UINT64_MAX)
    return CWAKU_ECRYPTO;
  size_t mlen = len - CWAKU__NOISE_TAG_BYTES;
  nonce_bytes(nonce, c->n);
  /* NPF §5.1 DecryptWithAd: "If an authentication failure occurs ... n is
   * not incremented". */
  if (!cwaku__aead_decrypt(out, c->k, nonce, ad, adlen, in, mlen, in + mlen))
    return CWAKU_ECRYPTO;
  c->n++;
  return 0;
}

/* NPF §5.2 MixHash: h = HASH(h || data). */
static void mix_hash(struct cwaku__noise_symmetric *ss, const uint8_t *data,
                     size_t len) {
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  crypto_hash_sha256_update(&st, ss->h, sizeof ss->h);
  crypto_hash_sha256_update(&st, data, len);
  crypto_hash_sha256_final(&st, ss->h);
}

/* NPF §5.2 MixKey: ck, temp_k = HKDF(ck, ikm, 2); InitializeKey(temp_k). */
static void mix_key(struct cwaku__noise_symmetric *ss, const uint8_t *ikm,
                    size_t len) {
  uint8_t ck[32];
  hkdf2(ck, ss->cs.k, ss->ck, ikm, len);
  memcpy(ss->ck, ck, 32);
  ss->cs.n = 0;
  ss->cs.has_key = true;
  sodium_memzero(ck, sizeof ck);
}

/* NPF §5.2 EncryptAndHash: ciphertext = EncryptWithAd(h, plaintext) (the
 * plaintext itself while there is no key); MixHash(ciphertext). out holds
 * len (+16 with a key) bytes. */
static int encrypt_and_hash(struct cwaku__noise_symmetric *ss, uint8_t *out,
                            const uint8_t *in, size_t len, size_t *outlen) {
  if (ss->cs.has_key) {
    int r =
        cwaku__noise_cipher_encrypt(&ss->cs, out, ss->h, sizeof ss->h, in, len);
    if (r)
      return r;
    len += CWAKU__NOISE_TAG_BYTES;
  } else if (len) {
    memmove(out, in, len);
  }
  mix_hash(ss, out, len);
  *outlen = len;
  return 0;
}

/* NPF §5.2 DecryptAndHash; the caller checks that len covers the tag. */
static int decrypt_and_hash(struct cwaku__noise_symmetric *ss, uint8_t *out,
                            const uint8_t *in, size_t len, size_t *outlen) {
  uint8_t h[CWAKU__NOISE_HASH_BYTES];
  memcpy(h, ss->h, sizeof h);
  /* MixHash sees the ciphertext, which decryption may overwrite. */
  mix_hash(ss, in, len);
  if (ss->cs.has_key) {
    int r = cwaku__noise_cipher_decrypt(&ss->cs, out, h, sizeof h, in, len);
    if (r)
      return r;
    len -= CWAKU__NOISE_TAG_BYTES;
  } else if (len) {
    memmove(out, in, len);
  }
  *outlen = len;
  return 0;
}

/* NPF §12.1 DH(key_pair, public_key) for 25519, refusing an all-zero
 * result (a low-order remote key) as libsodium reports it. */
static int dh_mix(struct cwaku__noise_symmetric *ss, const uint8_t priv[32],
                  const uint8_t pub[32]) {
  uint8_t shared[DH_BYTES];
  if (crypto_scalarmult(shared, priv, pub) != 0) {
    sodium_memzero(shared, sizeof shared);
    return CWAKU_ECRYPTO;
  }
  mix_key(ss, shared, sizeof shared);
  sodium_memzero(shared, sizeof shared);
  return 0;
}

void cwaku__noise_xx_init(struct cwaku__noise_xx *hs, bool initiator,
                          const uint8_t *prologue, size_t prologue_len,
                          const uint8_t s[32], const uint8_t e[32]) {
  memset(hs, 0, sizeof *hs);
  hs->initiator = initiator;
  /* NPF §5.2 InitializeSymmetric: "If protocol_name is less than or equal
   * to HASHLEN bytes in length, sets h equal to protocol_name with zero
   * bytes appended to make HASHLEN bytes"; ck = h. The name is 32 bytes. */
  memcpy(hs->ss.h, PROTOCOL_NAME, sizeof PROTOCOL_NAME - 1);
  memcpy(hs->ss.ck, hs->ss.h, sizeof hs->ss.ck);
  /* NPF §5.3 Initialize: MixHash(prologue). */
  mix_hash(&hs->ss, prologue, prologue_len);
  memcpy(hs->s, s, 32);
  memcpy(hs->e, e, 32);
  if (crypto_scalarmult_base(hs->s_pub, hs->s) != 0 ||
      crypto_scalarmult_base(hs->e_pub, hs->e) != 0)
    hs->step = 0xff; /* unusable: every later call fails */
}

void cwaku__noise_xx_clear(struct cwaku__noise_xx *hs) {
  sodium_memzero(hs, sizeof *hs);
}

static bool my_turn(const struct cwaku__noise_xx *hs) {
  return hs->step < 3 && ((hs->step % 2) == 0) == hs->initiator;
}

/* XX:  -> e   <- e, ee, s, es   -> s, se */
int cwaku__noise_xx_write(struct cwaku__noise_xx *hs, uint8_t *out,
                          size_t *outlen, const uint8_t *payload,
                          size_t payload_len) {
  struct cwaku__noise_symmetric *ss = &hs->ss;
  size_t cap = *outlen, pos = 0, n = 0;
  int r = 0;
  *outlen = 0;
  if (!my_turn(hs))
    return CWAKU_EINVAL;
  size_t need = payload_len + (hs->step == 0   ? DH_BYTES
                               : hs->step == 1 ? DH_BYTES + 48 + 16
                                               : 48 + 16);
  if (need > cap)
    return CWAKU_ETOOBIG;
  if (hs->step == 0 || hs->step == 1) { /* e */
    memcpy(out, hs->e_pub, DH_BYTES);
    mix_hash(ss, hs->e_pub, DH_BYTES);
    pos = DH_BYTES;
  }
  if (hs->step == 1) {
    r = dh_mix(ss, hs->e, hs->re); /* ee */
    if (!r)
      r = encrypt_and_hash(ss, out + pos, hs->s_pub, 32, &n); /* s */
    pos += n;
    if (!r)
      r = dh_mix(ss, hs->s, hs->re); /* es, as the responder */
  } else if (hs->step == 2) {
    r = encrypt_and_hash(ss, out, hs->s_pub, 32, &n); /* s */
    pos = n;
    if (!r)
      r = dh_mix(ss, hs->s, hs->re); /* se, as the initiator */
  }
  if (!r)
    r = encrypt_and_hash(ss, out + pos, payload, payload_len, &n);
  if (r) {
    hs->step = 0xff;
    return r;
  }
  *outlen = pos + n;
  hs->step++;
  return 0;
}

int cwaku__noise_xx_read(struct cwaku__noise_xx *hs, uint8_t *payload,
                         size_t *payload_len, const uint8_t *msg,
                         size_t msglen) {
  struct cwaku__noise_symmetric *ss = &hs->ss;
  size_t cap = *payload_len, pos = 0, n = 0;
  int r = 0;
  *payload_len = 0;
  if (hs->step >= 3 || my_turn(hs))
    return CWAKU_EINVAL;
  size_t fixed = hs->step == 0   ? DH_BYTES
                 : hs->step == 1 ? DH_BYTES + 48 + 16
                                 : 48 + 16;
  if (msglen < fixed)
    return CWAKU_ETRUNC;
  if (msglen - fixed > cap)
    return CWAKU_ETOOBIG;
  if (hs->step == 0 || hs->step == 1) { /* e */
    memcpy(hs->re, msg, DH_BYTES);
    mix_hash(ss, hs->re, DH_BYTES);
    pos = DH_BYTES;
  }
  if (hs->step == 1) {
    uint8_t rs[48];
    r = dh_mix(ss, hs->e, hs->re); /* ee */
    if (!r)
      r = decrypt_and_hash(ss, rs, msg + pos, 48, &n); /* s */
    if (!r) {
      memcpy(hs->rs, rs, 32);
      r = dh_mix(ss, hs->e, hs->rs); /* es, as the initiator */
    }
    pos += 48;
  } else if (hs->step == 2) {
    uint8_t rs[48];
    r = decrypt_and_hash(ss, rs, msg, 48, &n); /* s */
    if (!r) {
      memcpy(hs->rs, rs, 32);
      r = dh_mix(ss, hs->e, hs->rs); /* se, as the responder */
    }
    pos = 48;
  }
  if (!r)
    r = decrypt_and_hash(ss, payload, msg + pos, msglen - pos, &n);
  if (r) {
    hs->step = 0xff;
    return r;
  }
  *payload_len = n;
  hs->step++;
  return 0;
}

void cwaku__noise_xx_split(struct cwaku__noise_xx *hs,
                           struct cwaku__noise_cipher *tx,
                           struct cwaku__noise_cipher *rx) {
  uint8_t k1[32], k2[32];
  /* NPF §5.2 Split: temp_k1, temp_k2 = HKDF(ck, zerolen, 2); the first
   * CipherState is the initiator's for sending. */
  hkdf2(k1, k2, hs->ss.ck, NULL, 0);
  memset(tx, 0, sizeof *tx);
  memset(rx, 0, sizeof *rx);
  memcpy(tx->k, hs->initiator ? k1 : k2, 32);
  memcpy(rx->k, hs->initiator ? k2 : k1, 32);
  tx->has_key = rx->has_key = true;
  sodium_memzero(k1, sizeof k1);
  sodium_memzero(k2, sizeof k2);
  sodium_memzero(&hs->ss.cs, sizeof hs->ss.cs);
  sodium_memzero(hs->ss.ck, sizeof hs->ss.ck);
  sodium_memzero(hs->s, sizeof hs->s);
  sodium_memzero(hs->e, sizeof hs->e);
  hs->step = 3;
}

/* ---- handshake payload --------------------------------------------------- */

/* message NoiseExtensions { repeated bytes webtransport_certhashes = 1;
 *                           repeated string stream_muxers = 2; } */
static void decode_extensions(struct cwaku__noise_payload *p,
                              struct cwaku__rcur *outer, const uint8_t *in,
                              size_t inlen) {
  struct cwaku__rcur c;
  cwaku__rcur_init(&c, in, inlen);
  while (cwaku__rcur_left(&c) > 0 && !cwaku__rcur_err(&c)) {
    uint64_t key = cwaku__rcur_pbvarint(&c);
    uint64_t field = key >> 3, wt = key & 7;
    if (cwaku__rcur_err(&c))
      break;
    if (field == 0) {
      cwaku__rcur_fail(&c, CWAKU_EMALFORMED);
      break;
    }
    if (field == 2 && wt == CWAKU__PB_LEN) {
      size_t len;
      const uint8_t *s = cwaku__pb_bytes(&c, &len);
      /* Keep what fits; a name with a NUL is no muxer id. */
      if (s && p->n_muxers < CWAKU__NOISE_MAX_MUXERS && len > 0 &&
          len <= CWAKU__NOISE_MUXER_MAX_LEN && !memchr(s, 0, len)) {
        memcpy(p->muxers[p->n_muxers], s, len);
        p->muxers[p->n_muxers][len] = 0;
        p->n_muxers++;
      }
    } else if ((field == 1 || field == 2) && wt != CWAKU__PB_LEN) {
      cwaku__rcur_fail(&c, CWAKU_EMALFORMED);
    } else {
      cwaku__pb_skip(&c, (uint32_t)wt);
    }
  }
  if (cwaku__rcur_err(&c))
    cwaku__rcur_fail(outer, cwaku__rcur_err(&c) == CWAKU_ETRUNC
                                ? CWAKU_EMALFORMED
                                : cwaku__rcur_err(&c));
}

/* noise/README.md §The libp2p Handshake Payload, with the extensions field
 * js-libp2p and go-libp2p send:
 *   message NoiseHandshakePayload { bytes identity_key = 1;
 *     bytes identity_sig = 2; bytes data = 3 (legacy, ignored);
 *     NoiseExtensions extensions = 4; }
 * As protobuf decoders do, a repeated scalar field keeps its last value and
 * repeated extensions merge; unknown fields are skipped. */
int cwaku__noise_payload_decode(struct cwaku__noise_payload *p,
                                const uint8_t *in, size_t inlen) {
  struct cwaku__rcur c;
  memset(p, 0, sizeof *p);
  cwaku__rcur_init(&c, in, inlen);
  while (cwaku__rcur_left(&c) > 0 && !cwaku__rcur_err(&c)) {
    uint64_t key = cwaku__rcur_pbvarint(&c);
    uint64_t field = key >> 3, wt = key & 7;
    if (cwaku__rcur_err(&c))
      break;
    if (field == 0 || (field >= 1 && field <= 4 && wt != CWAKU__PB_LEN)) {
      cwaku__rcur_fail(&c, CWAKU_EMALFORMED);
      break;
    }
    size_t len;
    const uint8_t *v;
    switch (field) {
    case 1:
      p->identity_key = cwaku__pb_bytes(&c, &p->identity_key_len);
      break;
    case 2:
      p->identity_sig = cwaku__pb_bytes(&c, &p->identity_sig_len);
      break;
    case 4:
      v = cwaku__pb_bytes(&c, &len);
      if (v)
        decode_extensions(p, &c, v, len);
      break;
    default:
      cwaku__pb_skip(&c, (uint32_t)wt);
    }
  }
  int r = cwaku__rcur_err(&c);
  if (!r && (!p->identity_key || !p->identity_sig))
    r = CWAKU_EMALFORMED; /* both are required to authenticate */
  if (r)
    memset(p, 0, sizeof *p);
  return r;
}

/* Our payload: identity_key = 1, identity_sig = 2, and extensions = 4 with
 * the muxers we speak (omitted when there are none). */
static int build_payload(struct cwaku__noise *n,
                         const struct cwaku__noise_config *cfg) {
  cwaku_identity_pubkey pk;
  uint8_t pb[CWAKU_IDENTITY_PUBKEY_PB_MAX], sig[CWAKU_IDENTITY_SIG_MAX];
  uint8_t msg[SIG_PREFIX_LEN + 32];
  size_t pblen, siglen;
  if (!cwaku_identity_public(&pk, cfg->identity))
    return CWAKU_EKEY;
  cwaku_identity_pubkey_encode(pb, &pblen, &pk);
  /* noise/README.md §The libp2p Handshake Payload: "The data to be signed
   * is the UTF-8 string noise-libp2p-static-key:, followed by the Noise
   * static public key". */
  memcpy(msg, SIG_PREFIX, SIG_PREFIX_LEN);
  memcpy(msg + SIG_PREFIX_LEN, n->hs.s_pub, 32);
  if (!cwaku_identity_sign(sig, &siglen, cfg->identity, msg, sizeof msg))
    return CWAKU_ECRYPTO;
  struct cwaku__wbuf w, ext;
  cwaku__wbuf_init(&w, CWAKU__NOISE_PAYLOAD_MAX);
  cwaku__wbuf_init(&ext, CWAKU__NOISE_PAYLOAD_MAX);
  cwaku__pb_put_bytes(&w, 1, pb, pblen);
  cwaku__pb_put_bytes(&w, 2, sig, siglen);
  for (size_t i = 0; i < cfg->n_stream_muxers; i++)
    cwaku__pb_put_bytes(&ext, 2, cfg->stream_muxers[i],
                        strlen(cfg->stream_muxers[i]));
  if (cfg->n_stream_muxers)
    cwaku__pb_put_bytes(&w, 4, ext.p, ext.len);
  int r = cwaku__wbuf_err(&w) ? cwaku__wbuf_err(&w) : cwaku__wbuf_err(&ext);
  if (!r) {
    memcpy(n->payload, w.p, w.len);
    n->payload_len = w.len;
  }
  cwaku__wbuf_clear(&w);
  cwaku__wbuf_clear(&ext);
  return r;
}

/* Authenticates the remote (noise/README.md §The libp2p Handshake Payload:
 * "The key MUST then be used to validate the identity_sig field against the
 * static Noise key received in the handshake"; §SecureOutbound: a key "not
 * capable of deriving their expected peer id" aborts the connection). */
static int verify_payload(struct cwaku__noise *n, const uint8_t *in,
                          size_t inlen) {
  struct cwaku__noise_payload p;
  uint8_t msg[SIG_PREFIX_LEN + 32];
  int r = cwaku__noise_payload_decode(&p, in, inlen);
  if (r)
    return r;
  r = cwaku_identity_pubkey_decode(&n->remote_key, p.identity_key,
                                   p.identity_key_len);
  if (r)
    return r;
  memcpy(msg, SIG_PREFIX, SIG_PREFIX_LEN);
  memcpy(msg + SIG_PREFIX_LEN, n->hs.rs, 32);
  if (!cwaku_identity_verify(&n->remote_key, p.identity_sig, p.identity_sig_len,
                             msg, sizeof msg))
    return CWAKU_ESIGNATURE;
  cwaku_peer_id_from_pubkey(&n->remote_peer, &n->remote_key);
  /* No dedicated "unexpected peer" code: EKEY, the key is not the one we
   * dialed. */
  if (n->has_expected && !cwaku_peer_id_equal(&n->remote_peer, &n->expected))
    return CWAKU_EKEY;
  n->n_remote_muxers = p.n_muxers;
  memcpy(n->remote_muxers, p.muxers, sizeof p.muxers);
  return 0;
}

/* ---- session ------------------------------------------------------------- */

static int fail(struct cwaku__noise *n, int err) {
  if (n->state != CWAKU__NOISE_FAILED) {
    n->state = CWAKU__NOISE_FAILED;
    n->error = err ? err : CWAKU_EMALFORMED;
    /* Keys are useless now; the remote identity is not trustworthy. */
    cwaku__noise_xx_clear(&n->hs);
    sodium_memzero(&n->tx, sizeof n->tx);
    sodium_memzero(&n->rx, sizeof n->rx);
    memset(&n->remote_key, 0, sizeof n->remote_key);
    memset(&n->remote_peer, 0, sizeof n->remote_peer);
    memset(n->remote_muxers, 0, sizeof n->remote_muxers);
    n->n_remote_muxers = 0;
  }
  return n->error;
}

/* Writes the next handshake message, framed, to out_wire. */
static int write_handshake(struct cwaku__noise *n, struct cwaku__wbuf *out,
                           const uint8_t *payload, size_t payload_len) {
  uint8_t msg[CWAKU__NOISE_PAYLOAD_MAX + 96];
  size_t len = sizeof msg;
  int r = cwaku__noise_xx_write(&n->hs, msg, &len, payload, payload_len);
  if (r)
    return r;
  /* noise/README.md §Wire Format: noise_message_len, u16 big-endian. */
  cwaku__wbuf_be16(out, (uint16_t)len);
  cwaku__wbuf_put(out, msg, len);
  return cwaku__wbuf_err(out);
}

static void become_ready(struct cwaku__noise *n) {
  cwaku__noise_xx_split(&n->hs, &n->tx, &n->rx);
  memcpy(n->handshake_hash, n->hs.ss.h, sizeof n->handshake_hash);
  n->state = CWAKU__NOISE_READY;
}

static int handshake_frame(struct cwaku__noise *n, struct cwaku__wbuf *out,
                           const uint8_t *msg, size_t len) {
  size_t plen = len;
  uint8_t *payload = malloc(len ? len : 1);
  if (!payload)
    return CWAKU_ENOMEM;
  uint8_t step = n->hs.step;
  int r = cwaku__noise_xx_read(&n->hs, payload, &plen, msg, len);
  if (r)
    goto done;
  switch (step) {
  case 0:
    /* noise/README.md: "the initiator must not send a payload in their
     * first message"; whatever it sent was hashed and is ignored. */
    r = write_handshake(n, out, n->payload, n->payload_len);
    break;
  case 1:
    /* The initiator checks the responder before revealing itself. */
    r = verify_payload(n, payload, plen);
    if (!r)
      r = write_handshake(n, out, n->payload, n->payload_len);
    if (!r)
      become_ready(n);
    break;
  case 2:
    r = verify_payload(n, payload, plen);
    if (!r)
      become_ready(n);
    break;
  default:
    r = CWAKU_EINVAL;
  }
done:
  sodium_memzero(payload, plen);
  free(payload);
  return r;
}

int cwaku__noise_init(struct cwaku__noise *n, struct cwaku__wbuf *out_wire,
                      const struct cwaku__noise_config *cfg) {
  uint8_t s[32], e[32];
  memset(n, 0, sizeof *n);
  n->state = CWAKU__NOISE_HANDSHAKE;
  if (!cfg->identity || !cfg->rng || cfg->n_stream_muxers > 0xff ||
      (cfg->n_stream_muxers && !cfg->stream_muxers))
    return fail(n, CWAKU_EINVAL);
  for (size_t i = 0; i < cfg->n_stream_muxers; i++) {
    size_t l = cfg->stream_muxers[i] ? strlen(cfg->stream_muxers[i]) : 0;
    if (l == 0 || l > CWAKU__NOISE_MUXER_MAX_LEN)
      return fail(n, CWAKU_EINVAL);
  }
  n->initiator = cfg->initiator;
  if (cfg->expected_peer) {
    n->has_expected = true;
    n->expected = *cfg->expected_peer;
  }
  /* noise/README.md §Static Key Authentication: implementations "MAY
   * generate a new static Noise keypair for each new session". */
  if (cfg->static_key)
    memcpy(s, cfg->static_key, 32);
  else
    cwaku_random(cfg->rng, s, sizeof s);
  cwaku_random(cfg->rng, e, sizeof e);
  /* noise/README.md §Handshake Pattern and §Noise Protocol Name: XX,
   * Noise_XX_25519_ChaChaPoly_SHA256, and an empty prologue. */
  cwaku__noise_xx_init(&n->hs, n->initiator, NULL, 0, s, e);
  sodium_memzero(s, sizeof s);
  sodium_memzero(e, sizeof e);
  int r = build_payload(n, cfg);
  /* noise/README.md §The libp2p Handshake Payload: "the initiator will send
   * its payload in message 3 ... the responder ... in message 2". */
  if (!r && n->initiator)
    r = write_handshake(n, out_wire, NULL, 0);
  return r ? fail(n, r) : 0;
}

void cwaku__noise_clear(struct cwaku__noise *n) {
  sodium_memzero(n, sizeof *n);
}

static int transport_frame(struct cwaku__noise *n, struct cwaku__wbuf *out,
                           const uint8_t *msg, size_t len) {
  /* noise/README.md §Wire Format: a transport message is "an AEAD
   * ciphertext consisting of an encrypted payload plus 16 bytes of
   * authentication data"; no inner length or padding since r2. */
  if (len < CWAKU__NOISE_TAG_BYTES)
    return CWAKU_EMALFORMED;
  size_t plen = len - CWAKU__NOISE_TAG_BYTES, off = out->len;
  /* Decrypted straight into the output: no copy of the ciphertext. An empty
   * message (tag only) has nowhere to go in an empty buffer. */
  uint8_t none[1];
  uint8_t *dst = plen ? cwaku__wbuf_extend(out, plen) : none;
  if (!dst)
    return cwaku__wbuf_err(out);
  int r = cwaku__noise_cipher_decrypt(&n->rx, dst, NULL, 0, msg, len);
  if (r && plen) {
    sodium_memzero(dst, plen);
    out->len = off;
  }
  return r;
}

int cwaku__noise_recv(struct cwaku__noise *n, struct cwaku__wbuf *out_wire,
                      struct cwaku__wbuf *out_plain, const uint8_t *in,
                      size_t inlen, size_t *consumed) {
  struct cwaku__rcur c;
  *consumed = 0;
  if (n->state == CWAKU__NOISE_FAILED)
    return n->error;
  cwaku__rcur_init(&c, in, inlen);
  for (;;) {
    size_t left = cwaku__rcur_left(&c);
    if (left < 2 || left < 2u + ((size_t)c.p[0] << 8 | c.p[1]))
      return 0; /* an incomplete frame stays with the caller */
    size_t len = (size_t)c.p[0] << 8 | c.p[1];
    if (n->state == CWAKU__NOISE_READY) {
      if (cwaku__wbuf_err(out_plain))
        return cwaku__wbuf_err(out_plain);
      if (len >= CWAKU__NOISE_TAG_BYTES &&
          out_plain->max - out_plain->len < len - CWAKU__NOISE_TAG_BYTES)
        return 0; /* no room: the caller drains out_plain first */
    }
    cwaku__rcur_be16(&c);
    const uint8_t *msg = cwaku__rcur_take(&c, len);
    int r = 0;
    switch (n->state) {
    case CWAKU__NOISE_HANDSHAKE:
      r = handshake_frame(n, out_wire, msg, len);
      break;
    case CWAKU__NOISE_READY:
      r = transport_frame(n, out_plain, msg, len);
      if (r == CWAKU_ENOMEM)
        return r; /* ours, not the peer's: the frame can come again */
      break;
    case CWAKU__NOISE_FAILED:
      r = n->error;
      break;
    }
    if (r)
      return fail(n, r);
    *consumed = inlen - cwaku__rcur_left(&c);
  }
}

int cwaku__noise_send(struct cwaku__noise *n, struct cwaku__wbuf *out_wire,
                      const uint8_t *plain, size_t len) {
  switch (n->state) {
  case CWAKU__NOISE_HANDSHAKE:
    return CWAKU_EINVAL;
  case CWAKU__NOISE_FAILED:
    return n->error;
  case CWAKU__NOISE_READY:
    break;
  }
  if (len == 0)
    return 0;
  if (cwaku__wbuf_err(out_wire))
    return cwaku__wbuf_err(out_wire);
  size_t frames = (len - 1) / CWAKU__NOISE_MAX_PLAIN + 1;
  size_t extra = 2 + CWAKU__NOISE_TAG_BYTES;
  if (frames > (SIZE_MAX - len) / extra ||
      out_wire->max - out_wire->len < len + frames * extra)
    return CWAKU_ETOOBIG;
  /* noise/README.md §Encryption and I/O: past 2^64-1 messages peers "MUST
   * terminate the connection to avoid reusing nonces". */
  if ((uint64_t)frames > UINT64_MAX - n->tx.n)
    return fail(n, CWAKU_ECRYPTO);
  while (len > 0) {
    size_t chunk = len < CWAKU__NOISE_MAX_PLAIN ? len : CWAKU__NOISE_MAX_PLAIN;
    cwaku__wbuf_be16(out_wire, (uint16_t)(chunk + CWAKU__NOISE_TAG_BYTES));
    /* Encrypted straight into the wire buffer: no copy of the plaintext. */
    uint8_t *dst = cwaku__wbuf_extend(out_wire, chunk + CWAKU__NOISE_TAG_BYTES);
    if (!dst)
      return fail(n, cwaku__wbuf_err(out_wire));
    int r = cwaku__noise_cipher_encrypt(&n->tx, dst, NULL, 0, plain, chunk);
    if (r)
      return fail(n, r);
    plain += chunk;
    len -= chunk;
  }
  return 0;
}

enum cwaku__noise_state cwaku__noise_state(const struct cwaku__noise *n) {
  return n->state;
}

int cwaku__noise_error(const struct cwaku__noise *n) {
  return n->state == CWAKU__NOISE_FAILED ? n->error : 0;
}

const cwaku_identity_pubkey *
cwaku__noise_remote_key(const struct cwaku__noise *n) {
  return n->state == CWAKU__NOISE_READY ? &n->remote_key : NULL;
}

const cwaku_peer_id *cwaku__noise_remote_peer(const struct cwaku__noise *n) {
  return n->state == CWAKU__NOISE_READY ? &n->remote_peer : NULL;
}

size_t cwaku__noise_remote_muxer_count(const struct cwaku__noise *n) {
  return n->state == CWAKU__NOISE_READY ? n->n_remote_muxers : 0;
}

const char *cwaku__noise_remote_muxer(const struct cwaku__noise *n, size_t i) {
  if (n->state != CWAKU__NOISE_READY || i >= n->n_remote_muxers)
    return NULL;
  return n->remote_muxers[i];
}

const uint8_t *cwaku__noise_handshake_hash(const struct cwaku__noise *n) {
  return n->state == CWAKU__NOISE_READY ? n->handshake_hash : NULL;
}

void cwaku__noise_test_set_nonces(struct cwaku__noise *n, uint64_t tx,
                                  uint64_t rx) {
  n->tx.n = tx;
  n->rx.n = rx;
}
