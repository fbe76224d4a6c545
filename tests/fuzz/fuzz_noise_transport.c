/* noise-libp2p transport: a READY session (set up once, deterministically,
 * from seeded keys) takes (0) arbitrary frames, or (1) genuine frames of
 * fuzz data, maybe with one bit flipped, delivered in fuzz-sized chunks.
 * Decrypted output must always be a prefix of what was sent, and all of it
 * when nothing was flipped. */
#include <stdlib.h>
#include <string.h>

#include "cwaku/identity.h"
#include "p2p/noise.h"

static struct cwaku__noise snap_a, snap_b;

static void pump_once(struct cwaku__noise *n, struct cwaku__wbuf *wire,
                      struct cwaku__wbuf *plain, struct cwaku__wbuf *in) {
  size_t used = 0;
  if (cwaku__noise_recv(n, wire, plain, in->p, in->len, &used) != 0 &&
      cwaku__noise_state(n) != CWAKU__NOISE_FAILED)
    abort();
  if (used) {
    memmove(in->p, in->p + used, in->len - used);
    in->len -= used;
  }
}

static void setup(void) {
  static int done;
  if (done)
    return;
  struct cwaku_seeded_rng ra, rb;
  cwaku_identity_key ka, kb;
  cwaku_seeded_rng_init(&ra, 11);
  cwaku_seeded_rng_init(&rb, 12);
  if (!cwaku_identity_generate(&ka, CWAKU_KEY_SECP256K1, &ra.rng) ||
      !cwaku_identity_generate(&kb, CWAKU_KEY_SECP256K1, &rb.rng))
    abort();
  struct cwaku__noise_config ca = {
      .initiator = true, .identity = &ka, .rng = &ra.rng};
  struct cwaku__noise_config cb = {
      .initiator = false, .identity = &kb, .rng = &rb.rng};
  struct cwaku__wbuf wa, wb, pa, pb;
  cwaku__wbuf_init(&wa, 1 << 16);
  cwaku__wbuf_init(&wb, 1 << 16);
  cwaku__wbuf_init(&pa, 1 << 16);
  cwaku__wbuf_init(&pb, 1 << 16);
  if (cwaku__noise_init(&snap_a, &wa, &ca) ||
      cwaku__noise_init(&snap_b, &wb, &cb))
    abort();
  for (int i = 0; i < 3; i++) {
    struct cwaku__wbuf tmp;
    cwaku__wbuf_init(&tmp, 1 << 16);
    cwaku__wbuf_put(&tmp, wa.p, wa.len);
    cwaku__wbuf_reset(&wa);
    pump_once(&snap_b, &wb, &pb, &tmp);
    cwaku__wbuf_reset(&tmp);
    cwaku__wbuf_put(&tmp, wb.p, wb.len);
    cwaku__wbuf_reset(&wb);
    pump_once(&snap_a, &wa, &pa, &tmp);
    cwaku__wbuf_clear(&tmp);
  }
  if (cwaku__noise_state(&snap_a) != CWAKU__NOISE_READY ||
      cwaku__noise_state(&snap_b) != CWAKU__NOISE_READY)
    abort();
  cwaku__wbuf_clear(&wa);
  cwaku__wbuf_clear(&wb);
  cwaku__wbuf_clear(&pa);
  cwaku__wbuf_clear(&pb);
  cwaku_identity_key_clear(&ka);
  cwaku_identity_key_clear(&kb);
  done = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 4)
    return 0;
  setup();
  struct cwaku__noise a = snap_a, b = snap_b;
  struct cwaku__wbuf wire, plain, in, back;
  cwaku__wbuf_init(&wire, 1 << 20);
  cwaku__wbuf_init(&plain, 1 << 20);
  cwaku__wbuf_init(&in, 1 << 20);
  cwaku__wbuf_init(&back, 1 << 20);
  uint8_t mode = data[0] & 1;
  size_t chunk = (size_t)data[1] + 1;
  size_t flip = (size_t)data[2] << 8 | data[3];
  const uint8_t *payload = data + 4;
  size_t plen = size - 4;
  bool flipped = false;
  if (mode == 0) {
    cwaku__wbuf_put(&wire, payload, plen);
  } else {
    /* A few sends, split where the payload says. */
    size_t off = 0;
    while (off < plen) {
      size_t n = (payload[off] % 64) + 1;
      if (n > plen - off)
        n = plen - off;
      if (cwaku__noise_send(&a, &wire, payload + off, n) != 0)
        abort();
      off += n;
    }
    if (flip < wire.len * 8 && data[0] & 2) {
      wire.p[flip / 8] ^= (uint8_t)(1u << (flip % 8));
      flipped = true;
    }
  }
  for (size_t off = 0; off < wire.len; off += chunk) {
    size_t n = wire.len - off < chunk ? wire.len - off : chunk;
    cwaku__wbuf_put(&in, wire.p + off, n);
    pump_once(&b, &back, &plain, &in);
  }
  if (b.state == CWAKU__NOISE_READY && back.len != 0)
    abort(); /* a READY session answers nothing by itself */
  if (mode == 1) {
    if (plain.len > plen ||
        (plain.len && memcmp(plain.p, payload, plain.len) != 0))
      abort();
    if (!flipped && (plain.len != plen || in.len != 0 ||
                     cwaku__noise_state(&b) != CWAKU__NOISE_READY))
      abort();
  }
  cwaku__noise_clear(&a);
  cwaku__noise_clear(&b);
  cwaku__wbuf_clear(&wire);
  cwaku__wbuf_clear(&plain);
  cwaku__wbuf_clear(&in);
  cwaku__wbuf_clear(&back);
  return 0;
}
