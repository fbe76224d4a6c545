/* yamux (src/p2p/yamux.c): exact frame bytes, then two engines wired back
 * to back through their output and recv. */
#include "p2p/yamux.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#define KIB 1024u

static struct cwaku__muxer *mk(bool client,
                               const struct cwaku_muxer_config *c) {
  struct cwaku__muxer *m = cwaku__yamux_new(client, c);
  if (!m)
    abort();
  return m;
}

static void drop(struct cwaku__muxer *m) {
  m->ops->free(m);
}

/* Feeds hex bytes into m. */
static int feed(struct cwaku__muxer *m, const char *hex, uint64_t now) {
  static unsigned char buf[4096];
  size_t n = check_unhex(buf, sizeof buf, hex);
  return m->ops->recv(m, buf, n, now);
}

/* Output as hex; the output is consumed. */
static const char *out_hex(struct cwaku__muxer *m) {
  static char hex[2 * 4096 + 1];
  const uint8_t *p;
  size_t n;
  m->ops->output(m, &p, &n);
  if (n > 4096)
    n = 4096;
  for (size_t i = 0; i < n; i++)
    sprintf(hex + 2 * i, "%02x", p[i]);
  hex[2 * n] = 0;
  m->ops->output_consumed(m, n);
  return hex;
}

static size_t out_len(struct cwaku__muxer *m) {
  const uint8_t *p;
  size_t n;
  m->ops->output(m, &p, &n);
  return n;
}

static struct cwaku_muxer_event ev_next(struct cwaku__muxer *m) {
  struct cwaku_muxer_event ev;
  m->ops->next_event(m, &ev);
  return ev;
}

/* Moves a's output into b, chunk bytes per recv call. */
static int move(struct cwaku__muxer *a, struct cwaku__muxer *b, size_t chunk,
                uint64_t now) {
  const uint8_t *p;
  size_t n;
  a->ops->output(a, &p, &n);
  size_t moved = 0;
  while (moved < n) {
    size_t k = n - moved < chunk ? n - moved : chunk;
    int rc = b->ops->recv(b, p + moved, k, now);
    if (rc)
      return rc;
    moved += k;
  }
  a->ops->output_consumed(a, n);
  return 0;
}

static int pump(struct cwaku__muxer *a, struct cwaku__muxer *b, size_t chunk) {
  int rc = 0;
  while (rc == 0 && (out_len(a) || out_len(b))) {
    rc = move(a, b, chunk, 0);
    if (rc == 0)
      rc = move(b, a, chunk, 0);
  }
  return rc;
}

/* ---- exact frame bytes ------------------------------------------------- */

static void test_frames_client(void) {
  struct cwaku__muxer *c = mk(true, NULL);
  CHECK_EQ_STR(c->ops->protocol_id, "/yamux/1.0.0");
  uint64_t id = 0, id2 = 0;
  size_t acc = 0;
  /* open: WindowUpdate|SYN, id 1, delta 0 */
  CHECK_EQ_INT(c->ops->open_stream(c, &id), 0);
  CHECK_EQ_INT(id, 1);
  CHECK_EQ_STR(out_hex(c), "000100010000000100000000");
  /* data: no flags once the SYN went out */
  CHECK_EQ_INT(c->ops->write(c, id, (const uint8_t *)"hi", 2, &acc), 0);
  CHECK_EQ_INT(acc, 2);
  CHECK_EQ_STR(out_hex(c), "0000000000000001000000026869");
  /* half-close: WindowUpdate|FIN */
  CHECK_EQ_INT(c->ops->close_write(c, id), 0);
  CHECK_EQ_STR(out_hex(c), "000100040000000100000000");
  CHECK_EQ_INT(c->ops->write(c, id, (const uint8_t *)"x", 1, &acc),
               CWAKU_EINVAL);
  CHECK_EQ_INT(c->ops->close_write(c, id), 0); /* idempotent */
  CHECK_EQ_STR(out_hex(c), "");
  /* reset: WindowUpdate|RST */
  CHECK_EQ_INT(c->ops->open_stream(c, &id2), 0);
  CHECK_EQ_INT(id2, 3);
  CHECK_EQ_STR(out_hex(c), "000100010000000300000000");
  CHECK_EQ_INT(c->ops->reset(c, id2), 0);
  CHECK_EQ_STR(out_hex(c), "000100080000000300000000");
  struct cwaku_muxer_event ev = ev_next(c);
  CHECK_EQ_INT(ev.type, CWAKU_MUXER_EV_STREAM_RESET);
  CHECK_EQ_INT(ev.stream_id, 3);
  CHECK_EQ_INT(ev_next(c).type, CWAKU_MUXER_EV_NONE);
  /* pings: SYN, opaque counts up from 0 */
  CHECK_EQ_INT(c->ops->ping(c, 10), 0);
  CHECK_EQ_INT(c->ops->ping(c, 20), 0);
  CHECK_EQ_STR(out_hex(c), "000200010000000000000000"
                           "000200010000000000000001");
  /* go-away, normal termination */
  CHECK_EQ_INT(c->ops->go_away(c), 0);
  CHECK_EQ_STR(out_hex(c), "000300000000000000000000");
  CHECK_EQ_INT(c->ops->go_away(c), 0);
  CHECK_EQ_STR(out_hex(c), "");
  CHECK_EQ_INT(c->ops->open_stream(c, &id), CWAKU_EINVAL);
  drop(c);
}

static void test_frames_server(void) {
  struct cwaku__muxer *s = mk(false, NULL);
  struct cwaku_muxer_event ev;
  size_t acc;
  /* a client's stream 1 opened by WindowUpdate|SYN: no reply yet */
  CHECK_EQ_INT(feed(s, "000100010000000100000000", 0), 0);
  CHECK_EQ_STR(out_hex(s), "");
  ev = ev_next(s);
  CHECK_EQ_INT(ev.type, CWAKU_MUXER_EV_STREAM_OPENED);
  CHECK_EQ_INT(ev.stream_id, 1);
  /* the first data we send carries the ACK */
  CHECK_EQ_INT(s->ops->write(s, 1, (const uint8_t *)"ok", 2, &acc), 0);
  CHECK_EQ_STR(out_hex(s), "00000002000000010000000"
                           "26f6b");
  CHECK_EQ_INT(s->ops->write(s, 1, (const uint8_t *)"!", 1, &acc), 0);
  CHECK_EQ_STR(out_hex(s), "000000000000000100000001"
                           "21");
  /* stream 3 opened by a Data|SYN frame with payload; the first consumed
   * bytes are credited at once with WindowUpdate|ACK */
  CHECK_EQ_INT(feed(s, "00000001000000030000000361626300", 0), 0);
  ev = ev_next(s);
  CHECK_EQ_INT(ev.type, CWAKU_MUXER_EV_STREAM_OPENED);
  CHECK_EQ_INT(ev.stream_id, 3);
  ev = ev_next(s);
  CHECK_EQ_INT(ev.type, CWAKU_MUXER_EV_DATA);
  CHECK_EQ_INT(ev.stream_id, 3);
  CHECK_EQ_INT(ev.len, 3);
  CHECK_MEM(ev.data, "abc", 3);
  CHECK_EQ_INT(cwaku__yamux_buffered(s), 3);
  CHECK_EQ_INT(s->ops->stream_consumed(s, 3, 4), CWAKU_EINVAL);
  CHECK_EQ_INT(s->ops->stream_consumed(s, 3, 2), 0);
  CHECK_EQ_STR(out_hex(s), "000100020000000300000002");
  /* later consumption waits for half a window (128 KiB) */
  CHECK_EQ_INT(s->ops->stream_consumed(s, 3, 1), 0);
  CHECK_EQ_STR(out_hex(s), "");
  /* the trailing byte "00" above began the next header: complete it as a
   * ping request; the answer echoes the opaque value with ACK */
  CHECK_EQ_INT(feed(s, "0200010000000012345678", 0), 0);
  CHECK_EQ_STR(out_hex(s), "000200020000000012345678");
  /* FIN on Data after payload: DATA then FIN */
  CHECK_EQ_INT(feed(s,
                    "000000040000000300000001"
                    "7a",
                    0),
               0);
  ev = ev_next(s);
  CHECK_EQ_INT(ev.type, CWAKU_MUXER_EV_DATA);
  CHECK_EQ_INT(ev.len, 1);
  ev = ev_next(s);
  CHECK_EQ_INT(ev.type, CWAKU_MUXER_EV_STREAM_FIN);
  CHECK_EQ_INT(ev.stream_id, 3);
  /* our FIN then closes it */
  CHECK_EQ_INT(s->ops->close_write(s, 3), 0);
  CHECK_EQ_STR(out_hex(s), "000100040000000300000000");
  ev = ev_next(s);
  CHECK_EQ_INT(ev.type, CWAKU_MUXER_EV_STREAM_CLOSED);
  CHECK_EQ_INT(ev.stream_id, 3);
  CHECK_EQ_INT(cwaku__yamux_stream_count(s), 1);
  /* frames for the closed stream are dropped */
  CHECK_EQ_INT(feed(s,
                    "000000000000000300000002"
                    "6162",
                    0),
               0);
  CHECK_EQ_INT(feed(s, "000100000000000300001000", 0), 0);
  CHECK_EQ_INT(ev_next(s).type, CWAKU_MUXER_EV_NONE);
  /* the remote resets stream 1 */
  CHECK_EQ_INT(feed(s, "000100080000000100000000", 0), 0);
  ev = ev_next(s);
  CHECK_EQ_INT(ev.type, CWAKU_MUXER_EV_STREAM_RESET);
  CHECK_EQ_INT(ev.stream_id, 1);
  CHECK_EQ_INT(cwaku__yamux_stream_count(s), 0);
  CHECK_EQ_INT(cwaku__yamux_buffered(s), 0);
  /* the remote goes away with "protocol error" */
  CHECK_EQ_INT(feed(s, "000300000000000000000001", 0), 0);
  ev = ev_next(s);
  CHECK_EQ_INT(ev.type, CWAKU_MUXER_EV_GOAWAY);
  CHECK_EQ_INT(ev.error, 1);
  uint64_t id;
  CHECK_EQ_INT(s->ops->open_stream(s, &id), CWAKU_EINVAL);
  drop(s);
}

/* Feeds one Data frame of n bytes (0x61) on stream id. */
static int feed_data(struct cwaku__muxer *m, uint32_t id, uint32_t n,
                     uint64_t now) {
  static uint8_t buf[12 + 256 * KIB];
  memset(buf, 0, 12);
  buf[4] = (uint8_t)(id >> 24), buf[5] = (uint8_t)(id >> 16);
  buf[6] = (uint8_t)(id >> 8), buf[7] = (uint8_t)id;
  buf[8] = (uint8_t)(n >> 24), buf[9] = (uint8_t)(n >> 16);
  buf[10] = (uint8_t)(n >> 8), buf[11] = (uint8_t)n;
  memset(buf + 12, 0x61, n);
  return m->ops->recv(m, buf, 12 + n, now);
}

/* Reads all DATA of stream id and reports it consumed; returns the bytes. */
static size_t consume_all(struct cwaku__muxer *m, uint64_t id) {
  size_t total = 0;
  for (struct cwaku_muxer_event ev = ev_next(m); ev.type != CWAKU_MUXER_EV_NONE;
       ev = ev_next(m)) {
    if (ev.type != CWAKU_MUXER_EV_DATA)
      continue;
    CHECK_EQ_INT(m->ops->stream_consumed(m, id, ev.len), 0);
    total += ev.len;
  }
  return total;
}

/* lend_input: a DATA event points into the recv input when one frame is all
 * the stream got; a second frame, or the next recv, makes it a copy. */
static void test_lend_input(void) {
  struct cwaku_muxer_config cfg;
  cwaku__muxer_config_default(&cfg);
  cfg.lend_input = true;
  struct cwaku__muxer *s = mk(false, &cfg);
  static uint8_t in1[64], in2[64];
  size_t n1 = check_unhex(in1, sizeof in1,
                          "000100010000000100000000"
                          "000000000000000100000003616263");
  CHECK_EQ_INT(s->ops->recv(s, in1, n1, 0), 0);
  struct cwaku_muxer_event ev = ev_next(s);
  CHECK_EQ_INT(ev.type, CWAKU_MUXER_EV_STREAM_OPENED);
  ev = ev_next(s);
  CHECK_EQ_INT(ev.type, CWAKU_MUXER_EV_DATA);
  CHECK(ev.data == in1 + n1 - 3 && ev.len == 3); /* no copy */
  CHECK_EQ_INT(s->ops->stream_consumed(s, 1, 3), 0);
  /* two frames for one stream in one recv: one event, a copy of both */
  size_t n2 = check_unhex(in2, sizeof in2,
                          "00000000000000010000000164"
                          "00000000000000010000000165");
  CHECK_EQ_INT(s->ops->recv(s, in2, n2, 0), 0);
  ev = ev_next(s);
  CHECK_EQ_INT(ev.type, CWAKU_MUXER_EV_DATA);
  CHECK(ev.len == 2 && memcmp(ev.data, "de", 2) == 0);
  CHECK(ev.data < in2 || ev.data >= in2 + sizeof in2);
  CHECK_EQ_INT(s->ops->stream_consumed(s, 1, 2), 0);
  /* lent, then another recv before the event is taken: the lent bytes are
   * copied first, so the caller may reuse the first input afterwards */
  n1 = check_unhex(in1, sizeof in1, "00000000000000010000000178");
  CHECK_EQ_INT(s->ops->recv(s, in1, n1, 0), 0);
  n2 = check_unhex(in2, sizeof in2, "00000000000000010000000179");
  CHECK_EQ_INT(s->ops->recv(s, in2, n2, 0), 0);
  memset(in1, 0, sizeof in1);
  memset(in2, 0, sizeof in2);
  ev = ev_next(s);
  CHECK_EQ_INT(ev.type, CWAKU_MUXER_EV_DATA);
  CHECK(ev.len == 2 && memcmp(ev.data, "xy", 2) == 0);
  CHECK_EQ_INT(ev_next(s).type, CWAKU_MUXER_EV_NONE);
  drop(s);
}

/* Window auto-tuning (js-libp2p-yamux, go-yamux): a window consumed within
 * 4 round trips doubles at the next update, up to max_stream_window; a
 * slow reader or an unknown round trip keeps it. */
static void test_window_autotune(void) {
  struct cwaku_muxer_config cfg;
  cwaku__muxer_config_default(&cfg);
  cfg.max_stream_window = 1024 * KIB;
  struct cwaku__muxer *c = mk(true, &cfg);
  uint64_t id;
  /* the SYN grants nothing beyond the initial window */
  CHECK_EQ_INT(c->ops->open_stream(c, &id), 0);
  CHECK_EQ_STR(out_hex(c), "000100010000000100000000");
  CHECK_EQ_INT(feed(c, "000100020000000100000000", 1000), 0);
  consume_all(c, id);
  /* no round trip known yet: the update gives back what was consumed */
  CHECK_EQ_INT(feed_data(c, 1, 128 * KIB, 2000), 0);
  CHECK_EQ_INT((int)consume_all(c, id), (int)(128 * KIB));
  CHECK_EQ_STR(out_hex(c), "000100000000000100020000");
  /* a ping answered after 1 ms */
  CHECK_EQ_INT(c->ops->ping(c, 3000), 0);
  CHECK_EQ_STR(out_hex(c), "000200010000000000000000");
  CHECK_EQ_INT(feed(c, "000200020000000000000000", 1003000), 0);
  CHECK_EQ_INT(ev_next(c).type, CWAKU_MUXER_EV_PING);
  /* half the window consumed 3.998 ms after the last update: it doubles,
   * so the update grants 128 KiB consumed + 256 KiB growth */
  CHECK_EQ_INT(feed_data(c, 1, 128 * KIB, 4000000), 0);
  CHECK_EQ_INT((int)consume_all(c, id), (int)(128 * KIB));
  CHECK_EQ_STR(out_hex(c), "000100000000000100060000");
  /* 512 KiB now; 256 KiB consumed fast: it doubles again to the 1 MiB max */
  CHECK_EQ_INT(feed_data(c, 1, 256 * KIB, 6000000), 0);
  CHECK_EQ_INT((int)consume_all(c, id), (int)(256 * KIB));
  CHECK_EQ_STR(out_hex(c), "0001000000000001000c0000");
  /* at the maximum: only what was consumed */
  for (int i = 0; i < 2; i++)
    CHECK_EQ_INT(feed_data(c, 1, 256 * KIB, 8000000), 0);
  CHECK_EQ_INT((int)consume_all(c, id), (int)(512 * KIB));
  CHECK_EQ_STR(out_hex(c), "000100000000000100080000");
  drop(c);

  /* a slow reader (20 ms > 4 round trips between updates) keeps 256 KiB */
  c = mk(true, &cfg);
  CHECK_EQ_INT(c->ops->open_stream(c, &id), 0);
  CHECK_EQ_INT(c->ops->ping(c, 0), 0);
  out_hex(c);
  CHECK_EQ_INT(feed(c, "000100020000000100000000", 1000000), 0);
  CHECK_EQ_INT(feed(c, "000200020000000000000000", 1000000), 0);
  consume_all(c, id);
  for (uint64_t t = 21000000; t < 100000000; t += 20000000) {
    CHECK_EQ_INT(feed_data(c, 1, 128 * KIB, t), 0);
    CHECK_EQ_INT((int)consume_all(c, id), (int)(128 * KIB));
    CHECK_EQ_STR(out_hex(c), "000100000000000100020000");
  }
  /* the remote may not send past the window it was given */
  CHECK_EQ_INT(feed_data(c, 1, 256 * KIB, 200000000), 0);
  CHECK(feed_data(c, 1, 1, 200000000) != 0);
  drop(c);

  cfg.max_stream_window = 100 * KIB;
  CHECK(cwaku__yamux_new(true, &cfg) == NULL);
}

static void test_frames_rejected(void) {
  struct cwaku_muxer_config cfg;
  cwaku__muxer_config_default(&cfg);
  cfg.max_inbound_streams = 1;
  struct cwaku__muxer *s = mk(false, &cfg);
  CHECK_EQ_INT(feed(s, "000100010000000100000000", 0), 0);
  /* over max_inbound_streams: WindowUpdate|RST, data discarded */
  CHECK_EQ_INT(feed(s,
                    "000000010000000300000002"
                    "6162",
                    0),
               0);
  CHECK_EQ_STR(out_hex(s), "000100080000000300000000");
  CHECK_EQ_INT(ev_next(s).type, CWAKU_MUXER_EV_STREAM_OPENED);
  CHECK_EQ_INT(ev_next(s).type, CWAKU_MUXER_EV_NONE);
  /* a late frame for the rejected stream is dropped */
  CHECK_EQ_INT(feed(s,
                    "000000000000000300000001"
                    "63",
                    0),
               0);
  CHECK_EQ_INT(ev_next(s).type, CWAKU_MUXER_EV_NONE);
  drop(s);
}

/* One protocol violation: recv fails with err, the GoAway says "protocol
 * error", EV_ERROR comes last and the engine stays failed. */
static void check_violation(bool client, const char *setup, const char *bad,
                            int err) {
  struct cwaku__muxer *m = mk(client, NULL);
  if (setup)
    CHECK_EQ_INT(feed(m, setup, 0), 0);
  out_hex(m);
  CHECK_EQ_INT(feed(m, bad, 0), err);
  CHECK_EQ_STR(out_hex(m), "000300000000000000000001");
  struct cwaku_muxer_event ev;
  do
    ev = ev_next(m);
  while (ev.type != CWAKU_MUXER_EV_ERROR && ev.type != CWAKU_MUXER_EV_NONE);
  CHECK_EQ_INT(ev.type, CWAKU_MUXER_EV_ERROR);
  CHECK_EQ_INT(ev.error, err);
  CHECK_EQ_INT(ev_next(m).type, CWAKU_MUXER_EV_NONE);
  CHECK_EQ_INT(feed(m, "000200010000000000000000", 0), err);
  uint64_t id;
  CHECK_EQ_INT(m->ops->open_stream(m, &id), err);
  drop(m);
}

static void test_violations(void) {
  const char *syn1 = "000100010000000100000000";
  /* version 1 */
  check_violation(false, NULL, "010100010000000100000000", CWAKU_EUNSUPPORTED);
  /* unknown type 4 */
  check_violation(false, NULL, "000400000000000000000000", CWAKU_EMALFORMED);
  /* data on stream 0 */
  check_violation(false, NULL, "000000000000000000000000", CWAKU_EMALFORMED);
  /* an odd id opened at a client: both sides are clients */
  check_violation(true, NULL, "000100010000000100000000", CWAKU_EMALFORMED);
  /* the server opening an even id at the server */
  check_violation(false, NULL, "000100010000000200000000", CWAKU_EMALFORMED);
  /* reuse of stream 1, and an older id */
  check_violation(false, syn1, syn1, CWAKU_EMALFORMED);
  check_violation(false, "000100010000000500000000", "000100010000000300000000",
                  CWAKU_EMALFORMED);
  /* data on a stream never opened */
  check_violation(false, syn1,
                  "000000000000000700000001"
                  "61",
                  CWAKU_EMALFORMED);
  check_violation(true, NULL, "000100000000000100000000", CWAKU_EMALFORMED);
  /* ping and go-away off stream 0; a ping with both flags */
  check_violation(false, NULL, "000200010000000100000000", CWAKU_EMALFORMED);
  check_violation(false, NULL, "000300000000000100000000", CWAKU_EMALFORMED);
  check_violation(false, NULL, "000200030000000000000000", CWAKU_EMALFORMED);
  check_violation(false, NULL, "000200000000000000000000", CWAKU_EMALFORMED);
  /* data after FIN */
  check_violation(false, "000100050000000100000000",
                  "000000000000000100000001"
                  "61",
                  CWAKU_EMALFORMED);
  /* window: 256 KiB + 1 in one SYN frame; 1 byte past a full window */
  check_violation(false, NULL, "000000010000000100040001", CWAKU_ETOOBIG);
  {
    struct cwaku__muxer *s = mk(false, NULL);
    CHECK_EQ_INT(feed(s, "000000010000000100040000", 0), 0);
    uint8_t *zero = calloc(1, 256 * KIB);
    CHECK_EQ_INT(s->ops->recv(s, zero, 256 * KIB, 0), 0);
    free(zero);
    CHECK_EQ_INT(cwaku__yamux_buffered(s), 256 * KIB);
    CHECK_EQ_INT(feed(s,
                      "000000000000000100000001"
                      "00",
                      0),
                 CWAKU_ETOOBIG);
    CHECK_EQ_STR(out_hex(s), "000300000000000000000001");
    drop(s);
  }
  /* an answer to a ping we never sent is ignored */
  struct cwaku__muxer *m = mk(true, NULL);
  CHECK_EQ_INT(feed(m, "000200020000000000000007", 0), 0);
  CHECK_EQ_INT(ev_next(m).type, CWAKU_MUXER_EV_NONE);
  drop(m);
}

/* ---- back to back ------------------------------------------------------ */

/* Open, echo, half-close both ways, delivering chunk bytes per recv. */
static void test_echo(size_t chunk) {
  struct cwaku__muxer *c = mk(true, NULL), *s = mk(false, NULL);
  struct cwaku_muxer_event ev;
  uint64_t id;
  size_t acc;
  CHECK_EQ_INT(c->ops->open_stream(c, &id), 0);
  CHECK_EQ_INT(c->ops->write(c, id, (const uint8_t *)"hello", 5, &acc), 0);
  CHECK_EQ_INT(acc, 5);
  CHECK_EQ_INT(c->ops->close_write(c, id), 0);
  CHECK_EQ_INT(pump(c, s, chunk), 0);
  ev = ev_next(s);
  CHECK_EQ_INT(ev.type, CWAKU_MUXER_EV_STREAM_OPENED);
  CHECK_EQ_INT(ev.stream_id, id);
  char got[16] = {0};
  size_t gotn = 0;
  for (;;) {
    ev = ev_next(s);
    if (ev.type != CWAKU_MUXER_EV_DATA)
      break;
    CHECK(gotn + ev.len <= 5);
    if (gotn + ev.len > 5)
      break;
    memcpy(got + gotn, ev.data, ev.len);
    gotn += ev.len;
    /* echo straight from the event's buffer */
    CHECK_EQ_INT(s->ops->write(s, id, ev.data, ev.len, &acc), 0);
    CHECK_EQ_INT(acc, ev.len);
    CHECK_EQ_INT(s->ops->stream_consumed(s, id, ev.len), 0);
  }
  CHECK_EQ_INT(gotn, 5);
  CHECK_MEM(got, "hello", 5);
  CHECK_EQ_INT(ev.type, CWAKU_MUXER_EV_STREAM_FIN);
  CHECK_EQ_INT(s->ops->close_write(s, id), 0);
  ev = ev_next(s);
  CHECK_EQ_INT(ev.type, CWAKU_MUXER_EV_STREAM_CLOSED);
  CHECK_EQ_INT(pump(c, s, chunk), 0);
  gotn = 0;
  for (;;) {
    ev = ev_next(c);
    if (ev.type != CWAKU_MUXER_EV_DATA)
      break;
    if (gotn + ev.len > 5)
      break;
    memcpy(got + gotn, ev.data, ev.len);
    gotn += ev.len;
    CHECK_EQ_INT(c->ops->stream_consumed(c, id, ev.len), 0);
  }
  CHECK_EQ_INT(gotn, 5);
  CHECK_MEM(got, "hello", 5);
  CHECK_EQ_INT(ev.type, CWAKU_MUXER_EV_STREAM_FIN);
  ev = ev_next(c);
  CHECK_EQ_INT(ev.type, CWAKU_MUXER_EV_STREAM_CLOSED);
  CHECK_EQ_INT(ev.stream_id, id);
  CHECK_EQ_INT(ev_next(c).type, CWAKU_MUXER_EV_NONE);
  CHECK_EQ_INT(ev_next(s).type, CWAKU_MUXER_EV_NONE);
  CHECK_EQ_INT(cwaku__yamux_stream_count(c), 0);
  CHECK_EQ_INT(cwaku__yamux_stream_count(s), 0);
  CHECK_EQ_INT(c->ops->write(c, id, (const uint8_t *)"x", 1, &acc),
               CWAKU_EINVAL);
  /* the server can open streams too: even ids */
  CHECK_EQ_INT(s->ops->open_stream(s, &id), 0);
  CHECK_EQ_INT(id, 2);
  CHECK_EQ_INT(pump(c, s, chunk), 0);
  ev = ev_next(c);
  CHECK_EQ_INT(ev.type, CWAKU_MUXER_EV_STREAM_OPENED);
  CHECK_EQ_INT(ev.stream_id, 2);
  drop(c);
  drop(s);
}

static void test_reset(void) {
  struct cwaku__muxer *c = mk(true, NULL), *s = mk(false, NULL);
  struct cwaku_muxer_event ev;
  uint64_t id;
  size_t acc;
  CHECK_EQ_INT(c->ops->open_stream(c, &id), 0);
  CHECK_EQ_INT(c->ops->write(c, id, (const uint8_t *)"abc", 3, &acc), 0);
  CHECK_EQ_INT(pump(c, s, 1), 0);
  CHECK_EQ_INT(ev_next(s).type, CWAKU_MUXER_EV_STREAM_OPENED);
  CHECK_EQ_INT(ev_next(s).type, CWAKU_MUXER_EV_DATA);
  /* the server answers while the client resets: the answer is dropped */
  CHECK_EQ_INT(s->ops->write(s, id, (const uint8_t *)"late", 4, &acc), 0);
  CHECK_EQ_INT(c->ops->reset(c, id), 0);
  ev = ev_next(c);
  CHECK_EQ_INT(ev.type, CWAKU_MUXER_EV_STREAM_RESET);
  CHECK_EQ_INT(ev.stream_id, id);
  CHECK_EQ_INT(pump(c, s, 1), 0);
  CHECK_EQ_INT(ev_next(c).type, CWAKU_MUXER_EV_NONE);
  ev = ev_next(s);
  CHECK_EQ_INT(ev.type, CWAKU_MUXER_EV_STREAM_RESET);
  CHECK_EQ_INT(ev.stream_id, id);
  CHECK_EQ_INT(s->ops->write(s, id, (const uint8_t *)"x", 1, &acc),
               CWAKU_EINVAL);
  CHECK_EQ_INT(cwaku__yamux_stream_count(c), 0);
  CHECK_EQ_INT(cwaku__yamux_stream_count(s), 0);
  /* the id is gone after the RESET event */
  CHECK_EQ_INT(c->ops->reset(c, id), CWAKU_EINVAL);
  drop(c);
  drop(s);
}

#define NSTREAMS 1000

static void test_many_streams(void) {
  struct cwaku_muxer_config cfg;
  cwaku__muxer_config_default(&cfg);
  cfg.max_inbound_streams = 2 * NSTREAMS;
  struct cwaku__muxer *c = mk(true, NULL), *s = mk(false, &cfg);
  static uint64_t ids[NSTREAMS];
  static unsigned char echoed[NSTREAMS];
  int opened = 0, backlog_hits = 0, echo_ok = 0, rc;
  size_t peak = 0;
  struct cwaku_muxer_event ev;
  while (opened < NSTREAMS) {
    rc = c->ops->open_stream(c, &ids[opened]);
    if (rc == CWAKU_ETOOBIG) {
      /* §ACK backlog: 256 unacknowledged streams at most */
      backlog_hits++;
      CHECK_EQ_INT(opened % 256, 0);
      CHECK_EQ_INT(pump(c, s, 4096), 0);
      while ((ev = ev_next(s)).type != CWAKU_MUXER_EV_NONE) {
        if (ev.type != CWAKU_MUXER_EV_DATA)
          continue;
        size_t acc;
        CHECK_EQ_INT(s->ops->write(s, ev.stream_id, ev.data, ev.len, &acc), 0);
        CHECK_EQ_INT(s->ops->stream_consumed(s, ev.stream_id, ev.len), 0);
      }
      CHECK_EQ_INT(pump(c, s, 4096), 0);
      continue;
    }
    CHECK_EQ_INT(rc, 0);
    CHECK_EQ_INT(ids[opened], 2 * opened + 1);
    char msg[32];
    int n = snprintf(msg, sizeof msg, "stream %d", opened);
    size_t acc;
    CHECK_EQ_INT(c->ops->write(c, ids[opened], (uint8_t *)msg, n, &acc), 0);
    CHECK_EQ_INT(acc, n);
    opened++;
  }
  CHECK_EQ_INT(backlog_hits, 3);
  /* everything delivered, echoed, all 1000 open at once */
  for (int round = 0; round < 3; round++) {
    CHECK_EQ_INT(pump(c, s, 1000), 0);
    while ((ev = ev_next(s)).type != CWAKU_MUXER_EV_NONE) {
      if (ev.type != CWAKU_MUXER_EV_DATA)
        continue;
      size_t acc;
      CHECK_EQ_INT(s->ops->write(s, ev.stream_id, ev.data, ev.len, &acc), 0);
      CHECK_EQ_INT(s->ops->stream_consumed(s, ev.stream_id, ev.len), 0);
    }
  }
  if (cwaku__yamux_stream_count(s) > peak)
    peak = cwaku__yamux_stream_count(s);
  CHECK_EQ_INT(peak, NSTREAMS);
  CHECK_EQ_INT(cwaku__yamux_stream_count(c), NSTREAMS);
  while ((ev = ev_next(c)).type != CWAKU_MUXER_EV_NONE) {
    if (ev.type != CWAKU_MUXER_EV_DATA)
      continue;
    int k = (int)(ev.stream_id - 1) / 2;
    char msg[32];
    int n = snprintf(msg, sizeof msg, "stream %d", k);
    if (k >= 0 && k < NSTREAMS && (size_t)n == ev.len &&
        memcmp(msg, ev.data, ev.len) == 0 && !echoed[k]) {
      echoed[k] = 1;
      echo_ok++;
    }
    CHECK_EQ_INT(c->ops->stream_consumed(c, ev.stream_id, ev.len), 0);
  }
  CHECK_EQ_INT(echo_ok, NSTREAMS);
  /* close everything from both sides */
  for (int i = 0; i < NSTREAMS; i++)
    CHECK_EQ_INT(c->ops->close_write(c, ids[i]), 0);
  CHECK_EQ_INT(pump(c, s, 777), 0);
  int fins = 0, closed_s = 0, closed_c = 0;
  while ((ev = ev_next(s)).type != CWAKU_MUXER_EV_NONE) {
    if (ev.type == CWAKU_MUXER_EV_STREAM_FIN) {
      fins++;
      CHECK_EQ_INT(s->ops->close_write(s, ev.stream_id), 0);
    }
    if (ev.type == CWAKU_MUXER_EV_STREAM_CLOSED)
      closed_s++;
  }
  CHECK_EQ_INT(pump(c, s, 777), 0);
  while ((ev = ev_next(c)).type != CWAKU_MUXER_EV_NONE)
    if (ev.type == CWAKU_MUXER_EV_STREAM_CLOSED)
      closed_c++;
  CHECK_EQ_INT(fins, NSTREAMS);
  CHECK_EQ_INT(closed_s, NSTREAMS);
  CHECK_EQ_INT(closed_c, NSTREAMS);
  CHECK_EQ_INT(cwaku__yamux_stream_count(c), 0);
  CHECK_EQ_INT(cwaku__yamux_stream_count(s), 0);
  drop(c);
  drop(s);
}

static uint8_t pattern(uint64_t i) {
  return (uint8_t)((i * 131u) ^ (i >> 9));
}

/* 64 MiB through one stream; the receiver consumes at most 16 KiB per
 * round, so flow control, not the receiver, bounds what is in flight. */
static void test_bulk(void) {
  const uint64_t total = 64ull * 1024 * 1024;
  struct cwaku__muxer *c = mk(true, NULL), *s = mk(false, NULL);
  static uint8_t chunk[100000];
  uint64_t id, sent = 0, got = 0, consumed = 0, unconsumed = 0;
  uint64_t max_flight = 0, max_buffered = 0, max_out = 0, s_out = 0;
  int bad = 0, writable = 0, done = 0, closing = 0;
  size_t rounds = 0;
  CHECK_EQ_INT(c->ops->open_stream(c, &id), 0);
  while (!done && !bad && rounds < 20000) {
    rounds++;
    /* the sender writes as much as it may */
    while (sent < total) {
      size_t n = sizeof chunk;
      if (n > total - sent)
        n = total - sent;
      for (size_t i = 0; i < n; i++)
        chunk[i] = pattern(sent + i);
      size_t acc = 0;
      CHECK_EQ_INT(c->ops->write(c, id, chunk, n, &acc), 0);
      sent += acc;
      if (acc < n)
        break;
    }
    if (sent == total && !closing) {
      closing = 1;
      if (c->ops->close_write(c, id) != 0)
        bad++;
    }
    if (sent - consumed > max_flight)
      max_flight = sent - consumed;
    if (out_len(c) > max_out)
      max_out = out_len(c);
    /* 7919-byte deliveries split headers and payloads anywhere */
    if (move(c, s, 7919, 0) != 0)
      bad++;
    s_out += out_len(s);
    if (move(s, c, 7919, 0) != 0)
      bad++;
    if (cwaku__yamux_buffered(s) > max_buffered)
      max_buffered = cwaku__yamux_buffered(s);
    struct cwaku_muxer_event ev;
    while ((ev = ev_next(s)).type != CWAKU_MUXER_EV_NONE) {
      if (ev.type == CWAKU_MUXER_EV_DATA) {
        for (size_t i = 0; i < ev.len; i++)
          if (ev.data[i] != pattern(got + i))
            bad++;
        got += ev.len;
        unconsumed += ev.len;
      } else if (ev.type == CWAKU_MUXER_EV_STREAM_FIN) {
        CHECK_EQ_INT(s->ops->close_write(s, id), 0);
      } else if (ev.type == CWAKU_MUXER_EV_STREAM_CLOSED) {
        done = 1;
      } else if (ev.type != CWAKU_MUXER_EV_STREAM_OPENED) {
        bad++;
      }
    }
    /* the slow reader */
    uint64_t k = unconsumed < 16 * KIB ? unconsumed : 16 * KIB;
    if (k && s->ops->stream_consumed(s, id, k) != 0)
      bad++;
    unconsumed -= k;
    consumed += k;
    s_out += out_len(s);
    if (move(s, c, 7919, 0) != 0)
      bad++;
    while ((ev = ev_next(c)).type != CWAKU_MUXER_EV_NONE) {
      if (ev.type == CWAKU_MUXER_EV_WRITABLE)
        writable++;
      else if (ev.type != CWAKU_MUXER_EV_STREAM_FIN &&
               ev.type != CWAKU_MUXER_EV_STREAM_CLOSED)
        bad++;
    }
  }
  CHECK_EQ_INT(bad, 0);
  CHECK_EQ_INT(done, 1);
  CHECK_EQ_INT(sent, total);
  CHECK_EQ_INT(got, total);
  /* flow control: never more than the 256 KiB window unconsumed */
  CHECK(max_flight <= 256 * KIB);
  CHECK(max_flight >= 128 * KIB);
  CHECK(max_buffered <= 256 * KIB);
  CHECK(max_out <= 256 * KIB + 22 * CWAKU_YAMUX_HEADER_BYTES);
  CHECK(writable > 100);
  /* the receiver sends only window updates, one per 128 KiB consumed, plus
   * its FIN: 64 MiB / 128 KiB = 512 */
  CHECK(s_out >= 512 * CWAKU_YAMUX_HEADER_BYTES);
  CHECK(s_out <= 514 * CWAKU_YAMUX_HEADER_BYTES);
  CHECK_EQ_INT(cwaku__yamux_stream_count(c), 0);
  CHECK_EQ_INT(cwaku__yamux_stream_count(s), 0);
  drop(c);
  drop(s);
}

static void test_window_violation_peer(void) {
  /* a raw peer that ignores the window: 256 KiB is fine, the next byte
   * is a protocol error */
  struct cwaku__muxer *s = mk(false, NULL);
  static uint8_t frame[12 + 64 * KIB];
  memset(frame, 0x55, sizeof frame);
  memcpy(frame, "\x00\x00\x00\x01\x00\x00\x00\x01\x00\x01\x00\x00", 12);
  CHECK_EQ_INT(s->ops->recv(s, frame, sizeof frame, 0), 0);
  frame[3] = 0; /* no SYN on the next ones */
  for (int i = 0; i < 3; i++)
    CHECK_EQ_INT(s->ops->recv(s, frame, sizeof frame, 0), 0);
  /* all consumed: the credit of a whole window goes out with the ACK */
  struct cwaku_muxer_event ev;
  size_t total = 0;
  while ((ev = ev_next(s)).type != CWAKU_MUXER_EV_NONE)
    if (ev.type == CWAKU_MUXER_EV_DATA) {
      total += ev.len;
      CHECK_EQ_INT(s->ops->stream_consumed(s, 1, ev.len), 0);
    }
  CHECK_EQ_INT(total, 256 * KIB);
  CHECK_EQ_STR(out_hex(s), "000100020000000100040000");
  for (int i = 0; i < 4; i++)
    CHECK_EQ_INT(s->ops->recv(s, frame, sizeof frame, 0), 0);
  CHECK_EQ_INT(cwaku__yamux_buffered(s), 256 * KIB);
  CHECK_EQ_INT(s->ops->recv(s, frame, 13, 0), CWAKU_ETOOBIG);
  CHECK_EQ_STR(out_hex(s), "000300000000000000000001");
  ev = ev_next(s);
  CHECK_EQ_INT(ev.type, CWAKU_MUXER_EV_DATA);
  CHECK_EQ_INT(ev.len, 256 * KIB);
  ev = ev_next(s);
  CHECK_EQ_INT(ev.type, CWAKU_MUXER_EV_ERROR);
  CHECK_EQ_INT(ev.error, CWAKU_ETOOBIG);
  drop(s);
}

static void test_inbound_limits(void) {
  struct cwaku_muxer_config cfg;
  cwaku__muxer_config_default(&cfg);
  cfg.max_inbound_streams = 2;
  struct cwaku__muxer *c = mk(true, NULL), *s = mk(false, &cfg);
  uint64_t a, b, d;
  CHECK_EQ_INT(c->ops->open_stream(c, &a), 0);
  CHECK_EQ_INT(c->ops->open_stream(c, &b), 0);
  CHECK_EQ_INT(c->ops->open_stream(c, &d), 0);
  CHECK_EQ_INT(pump(c, s, 1), 0);
  struct cwaku_muxer_event ev = ev_next(c);
  CHECK_EQ_INT(ev.type, CWAKU_MUXER_EV_STREAM_RESET);
  CHECK_EQ_INT(ev.stream_id, d);
  CHECK_EQ_INT(ev_next(c).type, CWAKU_MUXER_EV_NONE);
  CHECK_EQ_INT(ev_next(s).stream_id, a);
  CHECK_EQ_INT(ev_next(s).stream_id, b);
  CHECK_EQ_INT(ev_next(s).type, CWAKU_MUXER_EV_NONE);
  drop(c);
  drop(s);

  /* the inbound backlog: two unacknowledged at most, the third is reset;
   * once the server acknowledges one (by writing), one more fits */
  cwaku__muxer_config_default(&cfg);
  cfg.max_unacked_inbound = 2;
  c = mk(true, NULL);
  s = mk(false, &cfg);
  CHECK_EQ_INT(c->ops->open_stream(c, &a), 0);
  CHECK_EQ_INT(c->ops->open_stream(c, &b), 0);
  CHECK_EQ_INT(c->ops->open_stream(c, &d), 0);
  CHECK_EQ_INT(pump(c, s, 5), 0);
  ev = ev_next(c);
  CHECK_EQ_INT(ev.type, CWAKU_MUXER_EV_STREAM_RESET);
  CHECK_EQ_INT(ev.stream_id, d);
  size_t acc;
  CHECK_EQ_INT(s->ops->write(s, a, (const uint8_t *)"y", 1, &acc), 0);
  CHECK_EQ_INT(c->ops->open_stream(c, &d), 0);
  CHECK_EQ_INT(pump(c, s, 5), 0);
  CHECK_EQ_INT(ev_next(c).type, CWAKU_MUXER_EV_DATA);
  CHECK_EQ_INT(ev_next(c).type, CWAKU_MUXER_EV_NONE);
  CHECK_EQ_INT(cwaku__yamux_stream_count(s), 3);
  drop(c);
  drop(s);

  /* our own backlog: 256 unacknowledged outbound streams at most */
  c = mk(true, NULL);
  int n = 0;
  while (c->ops->open_stream(c, &a) == 0 && n < 1000)
    n++;
  CHECK_EQ_INT(n, 256);
  drop(c);
}

static void test_ping_rtt(void) {
  struct cwaku__muxer *c = mk(true, NULL), *s = mk(false, NULL);
  uint64_t t0 = 1000000000ull;
  CHECK_EQ_INT(c->ops->ping(c, t0), 0);
  CHECK_EQ_INT(s->ops->ping(s, 5), 0);
  CHECK_EQ_INT(move(c, s, 3, t0 + 1000), 0);
  CHECK_EQ_INT(move(s, c, 3, t0 + 7500000), 0);
  struct cwaku_muxer_event ev = ev_next(c);
  CHECK_EQ_INT(ev.type, CWAKU_MUXER_EV_PING);
  CHECK_EQ_INT(ev.rtt_ns, 7500000);
  CHECK_EQ_INT(ev_next(c).type, CWAKU_MUXER_EV_NONE);
  CHECK_EQ_INT(move(c, s, 3, 42), 0);
  ev = ev_next(s);
  CHECK_EQ_INT(ev.type, CWAKU_MUXER_EV_PING);
  CHECK_EQ_INT(ev.rtt_ns, 37);
  /* at most CWAKU_YAMUX_MAX_PINGS unanswered */
  for (unsigned i = 0; i < CWAKU_YAMUX_MAX_PINGS; i++)
    CHECK_EQ_INT(c->ops->ping(c, i), 0);
  CHECK_EQ_INT(c->ops->ping(c, 99), CWAKU_ETOOBIG);
  drop(c);
  drop(s);
}

static void test_go_away(void) {
  struct cwaku__muxer *c = mk(true, NULL), *s = mk(false, NULL);
  uint64_t id, id2;
  size_t acc;
  CHECK_EQ_INT(c->ops->open_stream(c, &id), 0);
  CHECK_EQ_INT(pump(c, s, 2), 0);
  CHECK_EQ_INT(ev_next(s).type, CWAKU_MUXER_EV_STREAM_OPENED);
  CHECK_EQ_INT(s->ops->go_away(s), 0);
  CHECK_EQ_INT(s->ops->open_stream(s, &id2), CWAKU_EINVAL);
  CHECK_EQ_INT(pump(c, s, 2), 0);
  struct cwaku_muxer_event ev = ev_next(c);
  CHECK_EQ_INT(ev.type, CWAKU_MUXER_EV_GOAWAY);
  CHECK_EQ_INT(ev.error, CWAKU_YAMUX_GOAWAY_NORMAL);
  CHECK_EQ_INT(c->ops->open_stream(c, &id2), CWAKU_EINVAL);
  /* open streams keep working */
  CHECK_EQ_INT(c->ops->write(c, id, (const uint8_t *)"still", 5, &acc), 0);
  CHECK_EQ_INT(pump(c, s, 2), 0);
  ev = ev_next(s);
  CHECK_EQ_INT(ev.type, CWAKU_MUXER_EV_DATA);
  CHECK_EQ_INT(ev.len, 5);
  /* a stream opened anyway after our GoAway is reset */
  CHECK_EQ_INT(feed(s, "000100010000000900000000", 0), 0);
  CHECK_EQ_STR(out_hex(s), "000100080000000900000000");
  CHECK_EQ_INT(ev_next(s).type, CWAKU_MUXER_EV_NONE);
  drop(c);
  drop(s);
}

static void test_output_cap(void) {
  struct cwaku_muxer_config cfg;
  cwaku__muxer_config_default(&cfg);
  cfg.max_output = 100;
  struct cwaku__muxer *c = mk(true, &cfg);
  uint64_t id;
  size_t acc;
  static const uint8_t buf[500];
  CHECK_EQ_INT(c->ops->open_stream(c, &id), 0); /* 12 bytes queued */
  CHECK_EQ_INT(c->ops->write(c, id, buf, sizeof buf, &acc), 0);
  CHECK_EQ_INT(acc, 100 - 12 - 12);
  CHECK_EQ_INT(out_len(c), 100);
  CHECK_EQ_INT(c->ops->write(c, id, buf, sizeof buf, &acc), 0);
  CHECK_EQ_INT(acc, 0);
  /* control frames still fit */
  CHECK_EQ_INT(c->ops->ping(c, 0), 0);
  CHECK_EQ_INT(ev_next(c).type, CWAKU_MUXER_EV_NONE);
  /* WRITABLE once the output is down to half of max_output */
  c->ops->output_consumed(c, 61);
  CHECK_EQ_INT(ev_next(c).type, CWAKU_MUXER_EV_NONE);
  c->ops->output_consumed(c, 1);
  struct cwaku_muxer_event ev = ev_next(c);
  CHECK_EQ_INT(ev.type, CWAKU_MUXER_EV_WRITABLE);
  CHECK_EQ_INT(ev.stream_id, id);
  CHECK_EQ_INT(c->ops->write(c, id, buf, sizeof buf, &acc), 0);
  CHECK_EQ_INT(acc, 100 - 50 - 12);
  drop(c);
}

int main(void) {
  test_frames_client();
  test_frames_server();
  test_window_autotune();
  test_lend_input();
  test_frames_rejected();
  test_violations();
  test_echo(1);
  test_echo(5);
  test_echo(SIZE_MAX);
  test_reset();
  test_many_streams();
  test_bulk();
  test_window_violation_peer();
  test_inbound_limits();
  test_ping_rtt();
  test_go_away();
  test_output_cap();
  return check_summary("test_yamux");
}
