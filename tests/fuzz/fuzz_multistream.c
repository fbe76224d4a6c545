/* multistream-select: arbitrary bytes into a responder or an initiator
 * (after start). It must never crash nor consume past its input; its state
 * must be consistent; its output must be well-framed messages; and feeding
 * the same bytes whole or in pieces must give the same result.
 *
 * Input: byte 0 picks the role (bit 0), the protocol list (bits 1-2) and the
 * piece sizes (bits 3-7); the rest is what the peer sends. */
#include <stdlib.h>
#include <string.h>

#include "base/cursor.h"
#include "p2p/multistream.h"

static const char *const set0[] = {"/noise"};
static const char *const set1[] = {"/tls/1.0.0", "/noise"};
static const char *const set2[] = {"/yamux/1.0.0", "/mplex/6.7.0", "/a"};
static const char *const *const sets[] = {set0, set1, set2, NULL};
static const size_t set_n[] = {1, 2, 3, 0};

struct run {
  struct cwaku__mss m;
  struct cwaku__wbuf out;
  size_t consumed;
  int ret;
};

static void check_state(const struct cwaku__mss *m, size_t n) {
  switch (cwaku__mss_state(m)) {
  case CWAKU__MSS_NEGOTIATING:
    if (cwaku__mss_error(m) != 0 || cwaku__mss_selected(m) != -1)
      abort();
    break;
  case CWAKU__MSS_SELECTED:
    if (cwaku__mss_error(m) != 0 || cwaku__mss_selected(m) < 0 ||
        (size_t)cwaku__mss_selected(m) >= n)
      abort();
    break;
  case CWAKU__MSS_FAILED:
    if (cwaku__mss_error(m) >= 0 || cwaku__mss_selected(m) != -1)
      abort();
    break;
  }
}

/* One recv with the invariants every call must keep. */
static void recv_checked(struct run *r, const uint8_t *in, size_t len,
                         size_t n) {
  size_t used = (size_t)-1;
  enum cwaku__mss_state before = cwaku__mss_state(&r->m);
  int ret = cwaku__mss_recv(&r->m, &r->out, in, len, &used);
  if (used > len)
    abort();
  check_state(&r->m, n);
  switch (cwaku__mss_state(&r->m)) {
  case CWAKU__MSS_NEGOTIATING:
    if (ret != 0 || used != len) /* all taken while negotiating */
      abort();
    break;
  case CWAKU__MSS_SELECTED:
    if (ret != 0 || (before != CWAKU__MSS_NEGOTIATING && used != 0))
      abort();
    break;
  case CWAKU__MSS_FAILED:
    if (ret != cwaku__mss_error(&r->m) ||
        (before != CWAKU__MSS_NEGOTIATING && used != 0))
      abort();
    break;
  }
  r->consumed += used;
  r->ret = ret;
}

/* Our output is a sequence of well-framed messages; returns the text of the
 * last one through last and last_n. */
static void check_output(const struct cwaku__wbuf *w, const uint8_t **last,
                         size_t *last_n) {
  struct cwaku__rcur c;
  cwaku__rcur_init(&c, w->p, w->len);
  *last = NULL;
  *last_n = 0;
  while (cwaku__rcur_left(&c) > 0) {
    uint64_t len = cwaku__rcur_uvarint(&c);
    const uint8_t *p = cwaku__rcur_take(&c, (size_t)len);
    if (cwaku__rcur_err(&c) || len == 0 || p[len - 1] != '\n')
      abort();
    *last = p;
    *last_n = (size_t)len - 1;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  bool initiator = data[0] & 1;
  size_t which = (data[0] >> 1) & 3;
  uint32_t seed = data[0] >> 3;
  const char *const *protos = sets[which];
  size_t n = set_n[which];
  if (initiator && n == 0) {
    protos = set2;
    n = 3;
  }
  const uint8_t *in = data + 1;
  size_t inlen = size - 1;

  static struct run whole, pieces;
  struct run *runs[2] = {&whole, &pieces};
  for (int i = 0; i < 2; i++) {
    struct run *r = runs[i];
    if (initiator)
      cwaku__mss_init_initiator(&r->m, protos, n);
    else
      cwaku__mss_init_responder(&r->m, protos, n);
    cwaku__wbuf_init(&r->out, 1 << 16);
    r->consumed = 0;
    r->ret = 0;
    if (cwaku__mss_start(&r->m, &r->out) != 0)
      abort();
  }

  recv_checked(&whole, in, inlen, n);
  size_t at = 0;
  while (at < inlen) {
    seed = seed * 1103515245u + 12345u;
    size_t piece = 1 + (seed >> 16) % 7;
    if (piece > inlen - at)
      piece = inlen - at;
    recv_checked(&pieces, in + at, piece, n);
    at += piece;
  }
  /* Once finished, nothing more is taken. */
  if (cwaku__mss_state(&whole.m) != CWAKU__MSS_NEGOTIATING)
    recv_checked(&whole, in, inlen, n);

  if (whole.consumed != pieces.consumed || whole.ret != pieces.ret ||
      cwaku__mss_state(&whole.m) != cwaku__mss_state(&pieces.m) ||
      cwaku__mss_selected(&whole.m) != cwaku__mss_selected(&pieces.m) ||
      whole.out.len != pieces.out.len ||
      (whole.out.len && memcmp(whole.out.p, pieces.out.p, whole.out.len) != 0))
    abort();

  /* The last message we sent names the protocol we selected. */
  const uint8_t *last;
  size_t last_n;
  check_output(&whole.out, &last, &last_n);
  if (cwaku__mss_state(&whole.m) == CWAKU__MSS_SELECTED) {
    const char *sel = protos[cwaku__mss_selected(&whole.m)];
    if (last == NULL || last_n != strlen(sel) || memcmp(last, sel, last_n))
      abort();
  }

  cwaku__wbuf_clear(&whole.out);
  cwaku__wbuf_clear(&pieces.out);
  return 0;
}
