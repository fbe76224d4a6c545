/* noise-libp2p handshake: arbitrary bytes as handshake frames into a
 * responder and into an initiator, arbitrary signed payloads inside a
 * genuine handshake, and the payload decoder alone. Nothing may crash; a
 * session ends READY only with an authenticated remote. */
#include <stdlib.h>
#include <string.h>

#include "cwaku/identity.h"
#include "p2p/noise.h"

static cwaku_identity_key key_a, key_b;

static void setup(void) {
  static int done;
  if (done)
    return;
  struct cwaku_seeded_rng r;
  cwaku_seeded_rng_init(&r, 1);
  if (!cwaku_identity_generate(&key_a, CWAKU_KEY_SECP256K1, &r.rng) ||
      !cwaku_identity_generate(&key_b, CWAKU_KEY_ED25519, &r.rng))
    abort();
  done = 1;
}

static void start(struct cwaku__noise *n, struct cwaku__wbuf *wire,
                  struct cwaku_seeded_rng *r, bool initiator, uint64_t seed) {
  static const char *const muxers[] = {"/yamux/1.0.0"};
  struct cwaku__noise_config cfg = {.initiator = initiator,
                                    .identity = initiator ? &key_a : &key_b,
                                    .rng = &r->rng,
                                    .stream_muxers = muxers,
                                    .n_stream_muxers = 1};
  cwaku_seeded_rng_init(r, seed);
  if (cwaku__noise_init(n, wire, &cfg) != 0)
    abort();
}

/* Feeds everything, as a driver would, until nothing more is consumed. */
static void feed(struct cwaku__noise *n, struct cwaku__wbuf *wire,
                 struct cwaku__wbuf *plain, const uint8_t *in, size_t len) {
  for (;;) {
    size_t used = 0;
    int r = cwaku__noise_recv(n, wire, plain, in, len, &used);
    if (used > len)
      abort();
    if (r && cwaku__noise_state(n) != CWAKU__NOISE_FAILED)
      abort();
    if (r || used == 0)
      break;
    in += used;
    len -= used;
  }
  if (cwaku__noise_state(n) == CWAKU__NOISE_READY &&
      (!cwaku__noise_remote_peer(n) || !cwaku__noise_remote_key(n)))
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  setup();
  uint8_t mode = data[0] % 4;
  data++;
  size--;
  struct cwaku__noise a, b;
  struct cwaku__wbuf wa, wb, pa, pb;
  struct cwaku_seeded_rng ra, rb;
  cwaku__wbuf_init(&wa, 1 << 20);
  cwaku__wbuf_init(&wb, 1 << 20);
  cwaku__wbuf_init(&pa, 1 << 20);
  cwaku__wbuf_init(&pb, 1 << 20);
  switch (mode) {
  case 0: /* raw frames into a responder */
    start(&b, &wb, &rb, false, 2);
    feed(&b, &wb, &pb, data, size);
    cwaku__noise_clear(&b);
    break;
  case 1: /* raw frames into an initiator that sent message 1 */
    start(&a, &wa, &ra, true, 3);
    feed(&a, &wa, &pa, data, size);
    cwaku__noise_clear(&a);
    break;
  case 2: { /* a real handshake where one side signs-and-sends fuzz bytes */
    bool spoil_b = size > 0 && (data[0] & 1);
    start(&a, &wa, &ra, true, 4);
    start(&b, &wb, &rb, false, 5);
    struct cwaku__noise *v = spoil_b ? &b : &a;
    size_t n = size > 1 ? size - 1 : 0;
    if (n > CWAKU__NOISE_PAYLOAD_MAX)
      n = CWAKU__NOISE_PAYLOAD_MAX;
    if (n)
      memcpy(v->payload, data + 1, n);
    v->payload_len = n;
    feed(&b, &wb, &pb, wa.p, wa.len);
    cwaku__wbuf_reset(&wa);
    feed(&a, &wa, &pa, wb.p, wb.len);
    feed(&b, &wb, &pb, wa.p, wa.len);
    /* The spoiled side's peer only accepts a payload that authenticates
     * with a key; ours are the only signers, so a READY peer saw one. */
    struct cwaku__noise *checker = spoil_b ? &a : &b;
    if (cwaku__noise_state(checker) == CWAKU__NOISE_READY &&
        cwaku__noise_remote_muxer_count(checker) > CWAKU__NOISE_MAX_MUXERS)
      abort();
    cwaku__noise_clear(&a);
    cwaku__noise_clear(&b);
    break;
  }
  case 3: { /* the payload decoder alone */
    struct cwaku__noise_payload p;
    if (cwaku__noise_payload_decode(&p, data, size) == 0) {
      if (p.identity_key < data ||
          p.identity_key + p.identity_key_len > data + size ||
          p.identity_sig < data ||
          p.identity_sig + p.identity_sig_len > data + size ||
          p.n_muxers > CWAKU__NOISE_MAX_MUXERS)
        abort();
      for (size_t i = 0; i < p.n_muxers; i++)
        if (strlen(p.muxers[i]) == 0 ||
            strlen(p.muxers[i]) > CWAKU__NOISE_MUXER_MAX_LEN)
          abort();
      cwaku_identity_pubkey pk;
      if (cwaku_identity_pubkey_decode(&pk, p.identity_key,
                                       p.identity_key_len) == 0) {
        uint8_t enc[CWAKU_IDENTITY_PUBKEY_PB_MAX];
        size_t enclen;
        cwaku_identity_pubkey_encode(enc, &enclen, &pk);
        /* strict decoding: only the canonical form decodes */
        if (enclen != p.identity_key_len ||
            memcmp(enc, p.identity_key, enclen) != 0)
          abort();
        (void)cwaku_identity_verify(&pk, p.identity_sig, p.identity_sig_len,
                                    data, size);
      }
    }
    break;
  }
  }
  cwaku__wbuf_clear(&wa);
  cwaku__wbuf_clear(&wb);
  cwaku__wbuf_clear(&pa);
  cwaku__wbuf_clear(&pb);
  return 0;
}
