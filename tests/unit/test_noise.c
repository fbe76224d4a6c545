/* noise-libp2p: the Noise XX core against the cacophony vector, then full
 * libp2p handshakes and transport between two of our engines. */
#include <sodium.h>

#include "check.h"
#include "cwaku/identity.h"
#include "cwaku/peer_id.h"
#include "p2p/noise.h"

/* haskell-cryptography/cacophony vectors/cacophony.txt,
 * "Noise_XX_25519_ChaChaPoly_SHA256" (prologue "John Galt"); messages 4-6
 * are transport messages, alternating from the responder. */
static const char *const V_PROLOGUE = "4a6f686e2047616c74";
static const char *const V_INIT_STATIC =
    "e61ef9919cde45dd5f82166404bd08e38bceb5dfdfded0a34c8df7ed542214d1";
static const char *const V_INIT_EPHEMERAL =
    "893e28b9dc6ca8d611ab664754b8ceb7bac5117349a4439a6b0569da977c464a";
static const char *const V_RESP_STATIC =
    "4a3acbfdb163dec651dfa3194dece676d437029c62a408b4c5ea9114246e4893";
static const char *const V_RESP_EPHEMERAL =
    "bbdb4cdbd309f1a1f2e1456967fe288cadd6f712d65dc7b7793d5e63da6b375b";
static const struct {
  const char *payload, *ciphertext;
} V_MSGS[6] = {
    {"4c756477696720766f6e204d69736573",
     "ca35def5ae56cec33dc2036731ab14896bc4c75dbb07a61f879f8e3afa4c79444c756477"
     "696720766f6e204d69736573"},
    {"4d757272617920526f746862617264",
     "95ebc60d2b1fa672c1f46a8aa265ef51bfe38e7ccb39ec5be34069f14480884381cbad1f"
     "276e038c48378ffce2b65285e08d6b68aaa3629a5a8639392490e5b9bd5269c2f1e4f488"
     "ed8831161f19b7815528f8982ffe09be9b5c412f8a0db50f8814c7194e83f23dbd8d162c"
     "9326ad"},
    {"462e20412e20486179656b",
     "c7195ffacac1307ff99046f219750fc47693e23c3cb08b89c2af808b444850a80ae475b9"
     "df0f169ae80a89be0865b57f58c9fea0d4ec82a286427402f113e4b6ae769a1d95941d49"
     "b25030"},
    {"4361726c204d656e676572",
     "96763ed773f8e47bb3712f0e29b3060ffc956ffc146cee53d5e1df"},
    {"4a65616e2d426170746973746520536179",
     "3e40f15f6f3a46ae446b253bf8b1d9ffb6ed9b174d272328ff91a7e2e5c79c07f5"},
    {"457567656e2042f6686d20766f6e2042617765726b",
     "eb3f3515110702e047a6c9da4478b6ead94873c11c0f2d710ddb3f09fce024b3a58502ae"
     "3f"},
};

static void test_cacophony_vector(void) {
  uint8_t prologue[16], is[32], ie[32], rs[32], re[32];
  size_t plen = check_unhex(prologue, sizeof prologue, V_PROLOGUE);
  check_unhex(is, 32, V_INIT_STATIC);
  check_unhex(ie, 32, V_INIT_EPHEMERAL);
  check_unhex(rs, 32, V_RESP_STATIC);
  check_unhex(re, 32, V_RESP_EPHEMERAL);
  struct cwaku__noise_xx ini, resp;
  struct cwaku__noise_cipher itx, irx, rtx, rrx;
  cwaku__noise_xx_init(&ini, true, prologue, plen, is, ie);
  cwaku__noise_xx_init(&resp, false, prologue, plen, rs, re);

  for (int i = 0; i < 6; i++) {
    uint8_t payload[64], want[256], got[256], back[256];
    size_t paylen = check_unhex(payload, sizeof payload, V_MSGS[i].payload);
    size_t wantlen = check_unhex(want, sizeof want, V_MSGS[i].ciphertext);
    bool from_ini = i % 2 == 0;
    size_t gotlen = sizeof got, backlen = sizeof back;
    if (i < 3) {
      CHECK_EQ_INT(cwaku__noise_xx_write(from_ini ? &ini : &resp, got, &gotlen,
                                         payload, paylen),
                   0);
      CHECK_EQ_INT(cwaku__noise_xx_read(from_ini ? &resp : &ini, back, &backlen,
                                        got, gotlen),
                   0);
      if (i == 2) {
        cwaku__noise_xx_split(&ini, &itx, &irx);
        cwaku__noise_xx_split(&resp, &rtx, &rrx);
        CHECK_MEM(ini.ss.h, resp.ss.h, 32);
        CHECK_MEM(ini.rs, resp.s_pub, 32);
        CHECK_MEM(resp.rs, ini.s_pub, 32);
      }
    } else {
      gotlen = paylen + 16;
      backlen = paylen;
      CHECK_EQ_INT(cwaku__noise_cipher_encrypt(from_ini ? &itx : &rtx, got,
                                               NULL, 0, payload, paylen),
                   0);
      CHECK_EQ_INT(cwaku__noise_cipher_decrypt(from_ini ? &rrx : &irx, back,
                                               NULL, 0, got, gotlen),
                   0);
    }
    CHECK_EQ_INT(gotlen, wantlen);
    CHECK_MEM(got, want, wantlen);
    CHECK_EQ_INT(backlen, paylen);
    CHECK_MEM(back, payload, paylen);
  }
  /* A tampered transport message is refused and the nonce stays. */
  uint8_t ct[32], pt[16];
  CHECK_EQ_INT(cwaku__noise_cipher_encrypt(&itx, ct, NULL, 0, pt, 16), 0);
  ct[3] ^= 1;
  uint64_t n = rrx.n;
  CHECK_EQ_INT(cwaku__noise_cipher_decrypt(&rrx, pt, NULL, 0, ct, 32),
               CWAKU_ECRYPTO);
  CHECK_EQ_INT(rrx.n, n);
  /* Out-of-turn calls. */
  size_t l = sizeof ct;
  CHECK_EQ_INT(cwaku__noise_xx_write(&ini, ct, &l, NULL, 0), CWAKU_EINVAL);
  cwaku__noise_xx_clear(&ini);
  cwaku__noise_xx_clear(&resp);
}

/* ---- two engines --------------------------------------------------------- */

struct peer {
  struct cwaku__noise n;
  struct cwaku__wbuf wire;  /* what it sends */
  struct cwaku__wbuf in;    /* what it received and has not consumed */
  struct cwaku__wbuf plain; /* decrypted data */
  struct cwaku_seeded_rng rng;
  cwaku_identity_key key;
  cwaku_peer_id id;
  int last;
};

static const char *const MUXERS[] = {"/yamux/1.0.0", "/mplex/6.7.0"};

static void peer_setup(struct peer *p, bool initiator, enum cwaku_key_type type,
                       uint64_t seed, size_t plain_max) {
  memset(p, 0, sizeof *p);
  cwaku_seeded_rng_init(&p->rng, seed);
  cwaku__wbuf_init(&p->wire, 4u << 20);
  cwaku__wbuf_init(&p->in, 4u << 20);
  cwaku__wbuf_init(&p->plain, plain_max);
  CHECK(cwaku_identity_generate(&p->key, type, &p->rng.rng));
  cwaku_identity_pubkey pk;
  CHECK(cwaku_identity_public(&pk, &p->key));
  cwaku_peer_id_from_pubkey(&p->id, &pk);
  (void)initiator;
}

static int peer_start(struct peer *p, bool initiator,
                      const cwaku_peer_id *expected, size_t n_muxers) {
  struct cwaku__noise_config cfg = {
      .initiator = initiator,
      .identity = &p->key,
      .rng = &p->rng.rng,
      .expected_peer = expected,
      .stream_muxers = MUXERS,
      .n_stream_muxers = n_muxers,
  };
  return cwaku__noise_init(&p->n, &p->wire, &cfg);
}

static void peer_free(struct peer *p) {
  cwaku__noise_clear(&p->n);
  cwaku__wbuf_clear(&p->wire);
  cwaku__wbuf_clear(&p->in);
  cwaku__wbuf_clear(&p->plain);
  cwaku_identity_key_clear(&p->key);
}

/* Lets to consume what it has received; keeps the rest. */
static void peer_recv(struct peer *to) {
  size_t used = 0;
  to->last = cwaku__noise_recv(&to->n, &to->wire, &to->plain, to->in.p,
                               to->in.len, &used);
  if (used) {
    memmove(to->in.p, to->in.p + used, to->in.len - used);
    to->in.len -= used;
  }
}

/* Moves what from has written to to's input, chunk bytes at a time
 * (0: all at once), feeding to after each chunk. */
static void deliver(struct peer *from, struct peer *to, size_t chunk) {
  size_t off = 0;
  while (off < from->wire.len) {
    size_t n = from->wire.len - off;
    if (chunk && n > chunk)
      n = chunk;
    cwaku__wbuf_put(&to->in, from->wire.p + off, n);
    off += n;
    peer_recv(to);
  }
  cwaku__wbuf_reset(&from->wire);
}

/* Runs the exchange until neither side has anything to send. */
static void pump(struct peer *a, struct peer *b) {
  for (int i = 0; i < 8 && (a->wire.len || b->wire.len); i++) {
    deliver(a, b, 0);
    deliver(b, a, 0);
  }
}

static void test_handshake(enum cwaku_key_type ta, enum cwaku_key_type tb,
                           size_t muxers_a, size_t muxers_b) {
  struct peer a, b;
  peer_setup(&a, true, ta, 1, 1u << 21);
  peer_setup(&b, false, tb, 2, 1u << 21);
  CHECK_EQ_INT(peer_start(&a, true, &b.id, muxers_a), 0);
  CHECK_EQ_INT(peer_start(&b, false, NULL, muxers_b), 0);
  /* Our payload, read as a remote would: the identity key, a signature
   * over the literal prefix and the static key, the muxers. */
  {
    struct cwaku__noise_payload pl;
    cwaku_identity_pubkey pk;
    uint8_t signed_msg[24 + 32];
    CHECK_EQ_INT(a.n.payload[0], 0x0a);
    CHECK_EQ_INT(cwaku__noise_payload_decode(&pl, a.n.payload, a.n.payload_len),
                 0);
    CHECK_EQ_INT(
        cwaku_identity_pubkey_decode(&pk, pl.identity_key, pl.identity_key_len),
        0);
    memcpy(signed_msg, "noise-libp2p-static-key:", 24);
    memcpy(signed_msg + 24, a.n.hs.s_pub, 32);
    CHECK(cwaku_identity_verify(&pk, pl.identity_sig, pl.identity_sig_len,
                                signed_msg, sizeof signed_msg));
    CHECK_EQ_INT(pl.n_muxers, muxers_a);
    /* extensions (field 4) only when there are muxers to list */
    size_t ext = 0;
    for (size_t i = 0; i < muxers_a; i++)
      ext += 2 + strlen(MUXERS[i]);
    CHECK_EQ_INT(a.n.payload_len, 2 + pl.identity_key_len + 2 +
                                      pl.identity_sig_len +
                                      (muxers_a ? 2 + ext : 0));
  }
  /* -> e: 2 + 32 bytes, nothing else. */
  CHECK_EQ_INT(a.wire.len, 34);
  CHECK_EQ_INT(b.wire.len, 0);
  CHECK_EQ_INT(cwaku__noise_state(&a.n), CWAKU__NOISE_HANDSHAKE);
  CHECK(cwaku__noise_remote_peer(&a.n) == NULL);
  CHECK_EQ_INT(cwaku__noise_send(&a.n, &a.wire, (const uint8_t *)"x", 1),
               CWAKU_EINVAL);
  pump(&a, &b);
  CHECK_EQ_INT(a.last, 0);
  CHECK_EQ_INT(b.last, 0);
  CHECK_EQ_INT(cwaku__noise_state(&a.n), CWAKU__NOISE_READY);
  CHECK_EQ_INT(cwaku__noise_state(&b.n), CWAKU__NOISE_READY);
  CHECK(cwaku__noise_remote_peer(&a.n) &&
        cwaku_peer_id_equal(cwaku__noise_remote_peer(&a.n), &b.id));
  CHECK(cwaku__noise_remote_peer(&b.n) &&
        cwaku_peer_id_equal(cwaku__noise_remote_peer(&b.n), &a.id));
  CHECK(cwaku__noise_remote_key(&a.n) &&
        cwaku__noise_remote_key(&a.n)->type == tb);
  CHECK(cwaku__noise_remote_key(&b.n) &&
        cwaku__noise_remote_key(&b.n)->type == ta);
  CHECK_MEM(cwaku__noise_handshake_hash(&a.n),
            cwaku__noise_handshake_hash(&b.n), 32);
  CHECK_EQ_INT(cwaku__noise_remote_muxer_count(&a.n), muxers_b);
  CHECK_EQ_INT(cwaku__noise_remote_muxer_count(&b.n), muxers_a);
  if (muxers_b)
    CHECK_EQ_STR(cwaku__noise_remote_muxer(&a.n, 0), "/yamux/1.0.0");
  if (muxers_a == 2)
    CHECK_EQ_STR(cwaku__noise_remote_muxer(&b.n, 1), "/mplex/6.7.0");
  CHECK(cwaku__noise_remote_muxer(&b.n, muxers_a) == NULL);
  /* Both ways. */
  CHECK_EQ_INT(cwaku__noise_send(&a.n, &a.wire, (const uint8_t *)"ping", 4), 0);
  CHECK_EQ_INT(cwaku__noise_send(&b.n, &b.wire, (const uint8_t *)"pong!", 5),
               0);
  deliver(&a, &b, 0);
  deliver(&b, &a, 0);
  CHECK_EQ_INT(b.plain.len, 4);
  CHECK_EQ_INT(a.plain.len, 5);
  CHECK(b.plain.len == 4 && memcmp(b.plain.p, "ping", 4) == 0);
  CHECK(a.plain.len == 5 && memcmp(a.plain.p, "pong!", 5) == 0);
  peer_free(&a);
  peer_free(&b);
}

/* The initiator's message 3 and its first data in one read. */
static void test_coalesced(void) {
  struct peer a, b;
  peer_setup(&a, true, CWAKU_KEY_SECP256K1, 3, 1u << 20);
  peer_setup(&b, false, CWAKU_KEY_SECP256K1, 4, 1u << 20);
  CHECK_EQ_INT(peer_start(&a, true, NULL, 1), 0);
  CHECK_EQ_INT(peer_start(&b, false, NULL, 1), 0);
  deliver(&a, &b, 1); /* byte by byte */
  CHECK_EQ_INT(b.in.len, 0);
  deliver(&b, &a, 7);
  CHECK_EQ_INT(cwaku__noise_state(&a.n), CWAKU__NOISE_READY);
  CHECK_EQ_INT(cwaku__noise_send(&a.n, &a.wire, (const uint8_t *)"early", 5),
               0);
  CHECK_EQ_INT(cwaku__noise_state(&b.n), CWAKU__NOISE_HANDSHAKE);
  deliver(&a, &b, 0);
  CHECK_EQ_INT(b.last, 0);
  CHECK_EQ_INT(cwaku__noise_state(&b.n), CWAKU__NOISE_READY);
  CHECK(b.plain.len == 5 && memcmp(b.plain.p, "early", 5) == 0);
  peer_free(&a);
  peer_free(&b);
}

static void test_expected_mismatch(void) {
  struct peer a, b, c;
  peer_setup(&a, true, CWAKU_KEY_SECP256K1, 5, 1u << 20);
  peer_setup(&b, false, CWAKU_KEY_SECP256K1, 6, 1u << 20);
  peer_setup(&c, false, CWAKU_KEY_ED25519, 7, 1u << 20);
  /* a dials c's id but reaches b. */
  CHECK_EQ_INT(peer_start(&a, true, &c.id, 0), 0);
  CHECK_EQ_INT(peer_start(&b, false, NULL, 0), 0);
  pump(&a, &b);
  CHECK_EQ_INT(cwaku__noise_state(&a.n), CWAKU__NOISE_FAILED);
  CHECK_EQ_INT(cwaku__noise_error(&a.n), CWAKU_EKEY);
  CHECK_EQ_INT(a.last, CWAKU_EKEY);
  CHECK(cwaku__noise_remote_peer(&a.n) == NULL);
  /* b never gets message 3. */
  CHECK_EQ_INT(cwaku__noise_state(&b.n), CWAKU__NOISE_HANDSHAKE);
  /* A failed session stays failed. */
  size_t used = 1;
  CHECK_EQ_INT(cwaku__noise_recv(&a.n, &a.wire, &a.plain,
                                 (const uint8_t *)"\0\0", 2, &used),
               CWAKU_EKEY);
  CHECK_EQ_INT(used, 0);
  CHECK_EQ_INT(cwaku__noise_send(&a.n, &a.wire, (const uint8_t *)"x", 1),
               CWAKU_EKEY);
  peer_free(&a);
  peer_free(&b);
  peer_free(&c);
}

/* Which side's payload to spoil, and how. */
enum spoil { SPOIL_SIG, SPOIL_KEY };

static void test_bad_signature(bool spoil_responder, enum spoil how) {
  struct peer a, b, other;
  peer_setup(&a, true, CWAKU_KEY_SECP256K1, 8, 1u << 20);
  peer_setup(&b, false, CWAKU_KEY_ED25519, 9, 1u << 20);
  peer_setup(&other, false, CWAKU_KEY_ED25519, 10, 1u << 20);
  CHECK_EQ_INT(peer_start(&a, true, NULL, 0), 0);
  CHECK_EQ_INT(peer_start(&b, false, NULL, 0), 0);
  struct cwaku__noise *victim = spoil_responder ? &b.n : &a.n;
  if (how == SPOIL_SIG) {
    victim->payload[victim->payload_len - 1] ^= 0x01;
  } else {
    /* Another valid key of the same type in place of the signer's. */
    cwaku_identity_pubkey pk;
    uint8_t pb[CWAKU_IDENTITY_PUBKEY_PB_MAX];
    size_t pblen;
    cwaku_identity_key k;
    CHECK(cwaku_identity_generate(
        &k, spoil_responder ? CWAKU_KEY_ED25519 : CWAKU_KEY_SECP256K1,
        &other.rng.rng));
    CHECK(cwaku_identity_public(&pk, &k));
    cwaku_identity_pubkey_encode(pb, &pblen, &pk);
    CHECK_EQ_INT(victim->payload[1], pblen);
    memcpy(victim->payload + 2, pb, pblen);
    cwaku_identity_key_clear(&k);
  }
  pump(&a, &b);
  struct peer *checker = spoil_responder ? &a : &b;
  CHECK_EQ_INT(cwaku__noise_state(&checker->n), CWAKU__NOISE_FAILED);
  CHECK_EQ_INT(cwaku__noise_error(&checker->n), CWAKU_ESIGNATURE);
  peer_free(&a);
  peer_free(&b);
  peer_free(&other);
}

/* Handshake frames cut short, too short or corrupted. */
static void test_bad_frames(void) {
  for (int mode = 0; mode < 5; mode++) {
    struct peer a, b;
    peer_setup(&a, true, CWAKU_KEY_SECP256K1, 11, 1u << 20);
    peer_setup(&b, false, CWAKU_KEY_SECP256K1, 12, 1u << 20);
    CHECK_EQ_INT(peer_start(&a, true, NULL, 1), 0);
    CHECK_EQ_INT(peer_start(&b, false, NULL, 1), 0);
    deliver(&a, &b, 0);
    /* b's message 2 is in b.wire. */
    uint8_t *m = b.wire.p;
    size_t len = b.wire.len;
    int want = 0;
    switch (mode) {
    case 0: /* the frame minus its last byte: waits for more */
      b.wire.len--;
      deliver(&b, &a, 3);
      CHECK_EQ_INT(a.last, 0);
      CHECK_EQ_INT(a.in.len, len - 1);
      CHECK_EQ_INT(cwaku__noise_state(&a.n), CWAKU__NOISE_HANDSHAKE);
      cwaku__wbuf_put(&a.in, m + len - 1, 1);
      peer_recv(&a);
      want = 0;
      break;
    case 1: /* a frame too short for e, s and the tags */
      m[0] = 0;
      m[1] = 40;
      b.wire.len = 42;
      want = CWAKU_ETRUNC;
      break;
    case 2: /* the encrypted static key flipped */
      m[2 + 40] ^= 0x80;
      want = CWAKU_ECRYPTO;
      break;
    case 3: /* the payload tag flipped */
      m[len - 1] ^= 0x01;
      want = CWAKU_ECRYPTO;
      break;
    case 4: /* a low-order ephemeral key (all zero) */
      memset(m + 2, 0, 32);
      want = CWAKU_ECRYPTO;
      break;
    }
    if (mode != 0)
      deliver(&b, &a, 0);
    CHECK_EQ_INT(a.last, want);
    CHECK_EQ_INT(cwaku__noise_state(&a.n),
                 want ? CWAKU__NOISE_FAILED : CWAKU__NOISE_READY);
    peer_free(&a);
    peer_free(&b);
  }
}

static void ready_pair(struct peer *a, struct peer *b, size_t plain_max) {
  peer_setup(a, true, CWAKU_KEY_SECP256K1, 21, plain_max);
  peer_setup(b, false, CWAKU_KEY_ED25519, 22, plain_max);
  CHECK_EQ_INT(peer_start(a, true, &b->id, 2), 0);
  CHECK_EQ_INT(peer_start(b, false, &a->id, 1), 0);
  pump(a, b);
  CHECK_EQ_INT(cwaku__noise_state(&a->n), CWAKU__NOISE_READY);
  CHECK_EQ_INT(cwaku__noise_state(&b->n), CWAKU__NOISE_READY);
}

static void test_round_trips(void) {
  static const size_t sizes[] = {0, 1, 65519, 65520, 1u << 20};
  static const size_t frames[] = {0, 1, 1, 2, 17};
  struct peer a, b;
  ready_pair(&a, &b, 2u << 20);
  uint8_t *data = malloc(1u << 20);
  struct cwaku_seeded_rng r;
  cwaku_seeded_rng_init(&r, 99);
  cwaku_random(&r.rng, data, 1u << 20);
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
    CHECK_EQ_INT(cwaku__noise_send(&a.n, &a.wire, data, sizes[i]), 0);
    CHECK_EQ_INT(a.wire.len, sizes[i] + frames[i] * 18);
    /* Count the frames and check each length field. */
    size_t off = 0, nf = 0;
    while (off + 2 <= a.wire.len) {
      size_t fl = (size_t)a.wire.p[off] << 8 | a.wire.p[off + 1];
      CHECK(fl >= 16 && fl <= 65535);
      off += 2 + fl;
      nf++;
    }
    CHECK_EQ_INT(off, a.wire.len);
    CHECK_EQ_INT(nf, frames[i]);
    deliver(&a, &b, i % 2 ? 1000 : 0);
    CHECK_EQ_INT(b.last, 0);
    CHECK_EQ_INT(b.plain.len, sizes[i]);
    CHECK(b.plain.len == sizes[i] &&
          (sizes[i] == 0 || memcmp(b.plain.p, data, sizes[i]) == 0));
    cwaku__wbuf_reset(&b.plain);
    /* And back. */
    CHECK_EQ_INT(cwaku__noise_send(&b.n, &b.wire, data, sizes[i]), 0);
    deliver(&b, &a, 0);
    CHECK_EQ_INT(a.plain.len, sizes[i]);
    CHECK(a.plain.len == sizes[i] &&
          (sizes[i] == 0 || memcmp(a.plain.p, data, sizes[i]) == 0));
    cwaku__wbuf_reset(&a.plain);
  }
  /* An empty transport message (tag only) is valid and yields nothing. */
  uint8_t frame[2 + 16];
  frame[0] = 0;
  frame[1] = 16;
  CHECK_EQ_INT(
      cwaku__noise_cipher_encrypt(&a.n.tx, frame + 2, NULL, 0, frame + 2, 0),
      0);
  cwaku__wbuf_put(&b.in, frame, sizeof frame);
  peer_recv(&b);
  CHECK_EQ_INT(b.last, 0);
  CHECK_EQ_INT(b.in.len, 0);
  CHECK_EQ_INT(b.plain.len, 0);
  free(data);
  peer_free(&a);
  peer_free(&b);
}

/* The plaintext buffer's cap holds data back instead of failing. */
static void test_backpressure(void) {
  struct peer a, b;
  ready_pair(&a, &b, 70000);
  uint8_t *data = calloc(1, 3 * 65519);
  for (size_t i = 0; i < 3 * 65519; i++)
    data[i] = (uint8_t)(i * 7);
  CHECK_EQ_INT(cwaku__noise_send(&a.n, &a.wire, data, 3 * 65519), 0);
  deliver(&a, &b, 0);
  CHECK_EQ_INT(b.last, 0);
  CHECK_EQ_INT(b.plain.len, 65519);
  CHECK_EQ_INT(b.in.len, 2 * 65537);
  size_t got = 0;
  for (int i = 0; i < 3; i++) {
    CHECK(memcmp(b.plain.p, data + got, b.plain.len) == 0);
    got += b.plain.len;
    cwaku__wbuf_reset(&b.plain);
    peer_recv(&b);
  }
  CHECK_EQ_INT(got, 3 * 65519);
  CHECK_EQ_INT(b.in.len, 0);
  /* A wire buffer too small for the frames: nothing written, no harm. */
  struct cwaku__wbuf small;
  cwaku__wbuf_init(&small, 100);
  CHECK_EQ_INT(cwaku__noise_send(&a.n, &small, data, 82), 0);
  CHECK_EQ_INT(small.len, 82 + 18);
  cwaku__wbuf_put(&b.in, small.p, small.len);
  cwaku__wbuf_reset(&small);
  CHECK_EQ_INT(cwaku__noise_send(&a.n, &small, data, 82), 0);
  CHECK_EQ_INT(cwaku__noise_send(&a.n, &small, data, 1), CWAKU_ETOOBIG);
  CHECK_EQ_INT(cwaku__noise_state(&a.n), CWAKU__NOISE_READY);
  cwaku__wbuf_put(&b.in, small.p, small.len);
  peer_recv(&b);
  CHECK_EQ_INT(b.last, 0);
  CHECK_EQ_INT(b.plain.len, 2 * 82);
  cwaku__wbuf_clear(&small);
  free(data);
  peer_free(&a);
  peer_free(&b);
}

static void test_transport_errors(void) {
  for (int mode = 0; mode < 4; mode++) {
    struct peer a, b;
    ready_pair(&a, &b, 1u << 20);
    CHECK_EQ_INT(cwaku__noise_send(&a.n, &a.wire, (const uint8_t *)"hello", 5),
                 0);
    int want = CWAKU_ECRYPTO;
    switch (mode) {
    case 0: /* a flipped ciphertext byte */
      a.wire.p[3] ^= 1;
      break;
    case 1: /* a flipped tag byte */
      a.wire.p[a.wire.len - 1] ^= 1;
      break;
    case 2: /* shorter than a tag */
      a.wire.p[1] = 5;
      a.wire.len = 7;
      want = CWAKU_EMALFORMED;
      break;
    case 3: /* replayed: the second copy has the wrong nonce */
      cwaku__wbuf_put(&a.wire, a.wire.p, a.wire.len);
      break;
    }
    deliver(&a, &b, 0);
    CHECK_EQ_INT(b.last, want);
    CHECK_EQ_INT(cwaku__noise_state(&b.n), CWAKU__NOISE_FAILED);
    CHECK_EQ_INT(b.plain.len, mode == 3 ? 5 : 0);
    peer_free(&a);
    peer_free(&b);
  }
}

static void test_nonce_exhaustion(void) {
  struct peer a, b;
  ready_pair(&a, &b, 1u << 20);
  cwaku__noise_test_set_nonces(&a.n, UINT64_MAX - 2, 0);
  cwaku__noise_test_set_nonces(&b.n, 0, UINT64_MAX - 2);
  /* Nonces 2^64-3 and 2^64-2 are the last ones. */
  CHECK_EQ_INT(cwaku__noise_send(&a.n, &a.wire, (const uint8_t *)"a", 1), 0);
  CHECK_EQ_INT(cwaku__noise_send(&a.n, &a.wire, (const uint8_t *)"b", 1), 0);
  deliver(&a, &b, 0);
  CHECK_EQ_INT(b.last, 0);
  CHECK(b.plain.len == 2 && memcmp(b.plain.p, "ab", 2) == 0);
  CHECK_EQ_INT(cwaku__noise_send(&a.n, &a.wire, (const uint8_t *)"c", 1),
               CWAKU_ECRYPTO);
  CHECK_EQ_INT(cwaku__noise_state(&a.n), CWAKU__NOISE_FAILED);
  CHECK_EQ_INT(a.wire.len, 0);
  /* Two frames at once when one nonce is left: refused as a whole. */
  struct peer c, d;
  ready_pair(&c, &d, 1u << 20);
  cwaku__noise_test_set_nonces(&c.n, UINT64_MAX - 1, 0);
  uint8_t *big = calloc(1, 65520);
  CHECK_EQ_INT(cwaku__noise_send(&c.n, &c.wire, big, 65520), CWAKU_ECRYPTO);
  CHECK_EQ_INT(c.wire.len, 0);
  free(big);
  /* The receiver refuses at the reserved nonce too. */
  cwaku__noise_test_set_nonces(&d.n, 0, UINT64_MAX);
  CHECK_EQ_INT(cwaku__noise_send(&b.n, &b.wire, (const uint8_t *)"z", 1), 0);
  cwaku__wbuf_put(&d.in, b.wire.p, b.wire.len);
  peer_recv(&d);
  CHECK_EQ_INT(d.last, CWAKU_ECRYPTO);
  peer_free(&a);
  peer_free(&b);
  peer_free(&c);
  peer_free(&d);
}

static void test_payload_decode(void) {
  struct cwaku__noise_payload p;
  /* key, sig, legacy data, an unknown varint field, extensions with a
   * certhash and two muxers, one too long to keep. */
  static const uint8_t ok[] = {0x0a, 0x02, 0xaa, 0xbb, 0x12, 0x01, 0xcc, 0x1a,
                               0x01, 0x00, 0x28, 0x05, 0x22, 0x0a, 0x0a, 0x00,
                               0x12, 0x02, '/',  'y',  0x12, 0x02, '/',  'm'};
  CHECK_EQ_INT(cwaku__noise_payload_decode(&p, ok, sizeof ok), 0);
  CHECK_EQ_INT(p.identity_key_len, 2);
  CHECK_EQ_INT(p.identity_sig_len, 1);
  CHECK_EQ_INT(p.n_muxers, 2);
  CHECK_EQ_STR(p.muxers[0], "/y");
  CHECK_EQ_STR(p.muxers[1], "/m");
  for (size_t i = 1; i < sizeof ok; i++)
    if (i != 4 && i != 7 && i != 10 && i != 12)
      CHECK(cwaku__noise_payload_decode(&p, ok, i) != 0);
  /* Field 1 with the varint wire type. */
  static const uint8_t wt[] = {0x08, 0x01, 0x12, 0x01, 0xcc};
  CHECK_EQ_INT(cwaku__noise_payload_decode(&p, wt, sizeof wt),
               CWAKU_EMALFORMED);
  /* No signature. */
  static const uint8_t nosig[] = {0x0a, 0x01, 0xaa};
  CHECK_EQ_INT(cwaku__noise_payload_decode(&p, nosig, sizeof nosig),
               CWAKU_EMALFORMED);
  /* A length past the end. */
  static const uint8_t longer[] = {0x0a, 0x05, 0xaa};
  CHECK_EQ_INT(cwaku__noise_payload_decode(&p, longer, sizeof longer),
               CWAKU_ETRUNC);
}

int main(void) {
  if (sodium_init() < 0)
    return 1;
  test_cacophony_vector();
  test_handshake(CWAKU_KEY_SECP256K1, CWAKU_KEY_SECP256K1, 2, 2);
  test_handshake(CWAKU_KEY_ED25519, CWAKU_KEY_SECP256K1, 1, 0);
  test_handshake(CWAKU_KEY_SECP256K1, CWAKU_KEY_ED25519, 0, 2);
  test_coalesced();
  test_expected_mismatch();
  test_bad_signature(true, SPOIL_SIG);
  test_bad_signature(false, SPOIL_SIG);
  test_bad_signature(true, SPOIL_KEY);
  test_bad_signature(false, SPOIL_KEY);
  test_bad_frames();
  test_round_trips();
  test_backpressure();
  test_transport_errors();
  test_nonce_exhaustion();
  test_payload_decode();
  return check_summary("test_noise");
}
