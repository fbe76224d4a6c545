/* mplex: exact frame bytes, two engines back to back (whole and byte by
 * byte), colliding ids, many streams, 64 MiB through one stream with a slow
 * and a timely reader, limits. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/cursor.h"
#include "check.h"
#include "p2p/mplex.h"

/* ---- harness ---- */

struct got {
  uint64_t sid;
  uint8_t *buf; /* the first KEEP bytes received */
  size_t len;   /* bytes received */
  size_t bad;   /* bytes that differ from pat() (pattern checks) */
  int opened, fin, reset, closed, writable;
  int reset_err;
};

#define KEEP (64 * 1024)
#define LOGN 64

struct side {
  struct cwaku__muxer *m;
  struct got *g;
  size_t ng, gcap;
  int errors, last_error, recv_rc;
  bool auto_consume; /* report data consumed as soon as it arrives */
  bool check_pattern;
  /* The first LOGN events, as type * 1000 + stream id (ids < 1000). */
  long log[LOGN];
  size_t nlog;
};

static uint8_t pat(uint64_t pos) {
  return (uint8_t)(pos * 131 + (pos >> 13) + 7);
}

static struct got *got_for(struct side *s, uint64_t sid) {
  for (size_t i = 0; i < s->ng; i++)
    if (s->g[i].sid == sid)
      return &s->g[i];
  if (s->ng == s->gcap) {
    s->gcap = s->gcap ? s->gcap * 2 : 16;
    s->g = realloc(s->g, s->gcap * sizeof *s->g);
    if (!s->g)
      abort();
  }
  struct got *g = &s->g[s->ng++];
  memset(g, 0, sizeof *g);
  g->sid = sid;
  return g;
}

static void side_init(struct side *s, bool initiator,
                      const struct cwaku_muxer_config *cfg) {
  memset(s, 0, sizeof *s);
  s->m = cwaku__mplex_new(initiator, cfg);
  s->auto_consume = true;
  if (!s->m)
    abort();
}

static void side_clear(struct side *s) {
  s->m->ops->free(s->m);
  for (size_t i = 0; i < s->ng; i++)
    free(s->g[i].buf);
  free(s->g);
}

static void drain(struct side *s) {
  struct cwaku_muxer_event ev;
  for (;;) {
    s->m->ops->next_event(s->m, &ev);
    if (ev.type == CWAKU_MUXER_EV_NONE)
      return;
    if (s->nlog < LOGN)
      s->log[s->nlog++] = (long)ev.type * 1000 + (long)ev.stream_id;
    if (ev.type == CWAKU_MUXER_EV_ERROR) {
      s->errors++;
      s->last_error = ev.error;
      continue;
    }
    struct got *g = got_for(s, ev.stream_id);
    switch (ev.type) {
    case CWAKU_MUXER_EV_STREAM_OPENED:
      g->opened++;
      break;
    case CWAKU_MUXER_EV_DATA:
      if (!g->buf) {
        g->buf = malloc(KEEP);
        if (!g->buf)
          abort();
      }
      for (size_t i = 0; i < ev.len; i++) {
        if (g->len + i < KEEP)
          g->buf[g->len + i] = ev.data[i];
        if (s->check_pattern && ev.data[i] != pat(g->len + i))
          g->bad++;
      }
      g->len += ev.len;
      if (s->auto_consume &&
          s->m->ops->stream_consumed(s->m, ev.stream_id, ev.len) != 0)
        abort();
      break;
    case CWAKU_MUXER_EV_STREAM_FIN:
      g->fin++;
      break;
    case CWAKU_MUXER_EV_STREAM_RESET:
      g->reset++;
      g->reset_err = ev.error;
      break;
    case CWAKU_MUXER_EV_STREAM_CLOSED:
      g->closed++;
      break;
    case CWAKU_MUXER_EV_WRITABLE:
      g->writable++;
      break;
    case CWAKU_MUXER_EV_NONE:
    case CWAKU_MUXER_EV_PING:
    case CWAKU_MUXER_EV_GOAWAY:
    case CWAKU_MUXER_EV_ERROR:
      abort(); /* mplex never produces these here */
    }
  }
}

/* Moves from's output into to, in pieces of at most step bytes, draining
 * to's events after each piece (as a driver does after each socket read).
 * Returns the number of bytes moved. */
static size_t move(struct side *from, struct side *to, size_t step) {
  const uint8_t *p;
  size_t len, moved = 0;
  from->m->ops->output(from->m, &p, &len);
  while (len > 0) {
    size_t n = len < step ? len : step;
    int rc = to->m->ops->recv(to->m, p, n, 0);
    if (rc && !to->recv_rc)
      to->recv_rc = rc;
    drain(to);
    from->m->ops->output_consumed(from->m, n);
    moved += n;
    from->m->ops->output(from->m, &p, &len);
  }
  return moved;
}

static void pump(struct side *a, struct side *b, size_t step) {
  drain(a);
  drain(b);
  while (move(a, b, step) + move(b, a, step) > 0) {
  }
}

/* Compares the pending output of s with hex and consumes it. */
static void check_out(struct side *s, const char *hex) {
  unsigned char want[256];
  size_t n = check_unhex(want, sizeof want, hex);
  const uint8_t *p;
  size_t len;
  s->m->ops->output(s->m, &p, &len);
  CHECK_EQ_INT(len, n);
  if (len == n && n > 0)
    CHECK_MEM(p, want, n);
  s->m->ops->output_consumed(s->m, len);
}

static int feed_hex(struct side *s, const char *hex) {
  unsigned char in[256];
  size_t n = check_unhex(in, sizeof in, hex);
  int rc = s->m->ops->recv(s->m, in, n, 0);
  drain(s);
  return rc;
}

static int wr(struct side *s, uint64_t sid, const char *text) {
  size_t acc = 0;
  int rc =
      s->m->ops->write(s->m, sid, (const uint8_t *)text, strlen(text), &acc);
  return rc ? rc : (acc == strlen(text) ? 0 : -100);
}

static bool got_text(struct side *s, uint64_t sid, const char *text) {
  struct got *g = got_for(s, sid);
  return g->len == strlen(text) &&
         (g->len == 0 || memcmp(g->buf, text, g->len) == 0);
}

#define EV(type, sid) ((long)CWAKU_MUXER_EV_##type * 1000 + (sid))

/* ---- tests ---- */

static void test_frames(void) {
  struct side a, b;
  side_init(&a, true, NULL);
  side_init(&b, false, NULL);
  CHECK_EQ_STR(a.m->ops->protocol_id, "/mplex/6.7.0");
  CHECK_EQ_INT(a.m->ops->ping(a.m, 0), CWAKU_EUNSUPPORTED);

  /* Session initiator: odd wire ids; our stream ids are wire id * 2. */
  uint64_t s1 = 99, s3 = 99;
  CHECK_EQ_INT(a.m->ops->open_stream(a.m, &s1), 0);
  CHECK_EQ_INT(s1, 2);
  check_out(&a, "080131"); /* NewStream id 1, name "1" */
  CHECK_EQ_INT(wr(&a, s1, "hi"), 0);
  check_out(&a, "0a026869"); /* MessageInitiator id 1 */
  CHECK_EQ_INT(a.m->ops->close_write(a.m, s1), 0);
  check_out(&a, "0c00"); /* CloseInitiator id 1 */
  CHECK_EQ_INT(a.m->ops->open_stream(a.m, &s3), 0);
  CHECK_EQ_INT(s3, 6);
  check_out(&a, "180133"); /* NewStream id 3, name "3" */
  CHECK_EQ_INT(a.m->ops->reset(a.m, s3), 0);
  check_out(&a, "1e00"); /* ResetInitiator id 3 */
  drain(&a);
  CHECK_EQ_INT(got_for(&a, s3)->reset, 1); /* a local reset is reported */
  CHECK_EQ_INT(got_for(&a, s3)->reset_err, 0);
  CHECK_EQ_INT(wr(&a, s1, "x"), CWAKU_EINVAL); /* closed for writing */
  CHECK_EQ_INT(wr(&a, s3, "x"), CWAKU_ENOTFOUND);

  /* Session receiver: even wire ids, from 0. */
  uint64_t s0 = 99;
  CHECK_EQ_INT(b.m->ops->open_stream(b.m, &s0), 0);
  CHECK_EQ_INT(s0, 0);
  check_out(&b, "000130"); /* NewStream id 0, name "0" */

  /* The receiving side of a peer's stream (wire id 1 -> our id 3). */
  CHECK_EQ_INT(feed_hex(&b, "080131"), 0);
  CHECK_EQ_INT(got_for(&b, 3)->opened, 1);
  CHECK_EQ_INT(wr(&b, 3, "yo"), 0);
  check_out(&b, "0902796f"); /* MessageReceiver id 1 */
  CHECK_EQ_INT(b.m->ops->close_write(b.m, 3), 0);
  check_out(&b, "0b00");                          /* CloseReceiver id 1 */
  CHECK_EQ_INT(b.m->ops->close_write(b.m, 3), 0); /* idempotent */
  check_out(&b, "");
  CHECK_EQ_INT(feed_hex(&b, "180133"), 0); /* peer's id 3 -> our id 7 */
  CHECK_EQ_INT(b.m->ops->reset(b.m, 7), 0);
  check_out(&b, "1d00"); /* ResetReceiver id 3 */

  /* A two-byte header: wire id 16 (16 << 3 = 0x80 -> 80 01). */
  CHECK_EQ_INT(feed_hex(&b, "800100"), 0);
  CHECK_EQ_INT(got_for(&b, 33)->opened, 1);
  CHECK_EQ_INT(wr(&b, 33, "z"), 0);
  check_out(&b, "8101017a"); /* MessageReceiver id 16 */

  /* Received data, then the peer's close, then ours: FIN, CLOSED. */
  b.nlog = 0;
  CHECK_EQ_INT(feed_hex(&b, "8201026162" /* MessageInitiator id 16 "ab" */
                            "840100"),   /* CloseInitiator id 16 */
               0);
  CHECK(got_text(&b, 33, "ab"));
  CHECK_EQ_INT(b.m->ops->close_write(b.m, 33), 0);
  check_out(&b, "8301"
                "00"); /* CloseReceiver id 16 */
  drain(&b);
  CHECK_EQ_INT(b.nlog, 3);
  CHECK_EQ_INT(b.log[0], EV(DATA, 33));
  CHECK_EQ_INT(b.log[1], EV(STREAM_FIN, 33));
  CHECK_EQ_INT(b.log[2], EV(STREAM_CLOSED, 33));
  side_clear(&a);
  side_clear(&b);
}

static void test_echo(size_t step) {
  struct side a, b;
  side_init(&a, true, NULL);
  side_init(&b, false, NULL);
  uint64_t s = 0;
  CHECK_EQ_INT(a.m->ops->open_stream(a.m, &s), 0);
  CHECK_EQ_INT(wr(&a, s, "hello mplex"), 0);
  CHECK_EQ_INT(a.m->ops->close_write(a.m, s), 0);
  pump(&a, &b, step);
  uint64_t t = s + 1; /* the same stream, seen from b */
  CHECK_EQ_INT(got_for(&b, t)->opened, 1);
  CHECK(got_text(&b, t, "hello mplex"));
  CHECK_EQ_INT(got_for(&b, t)->fin, 1);
  CHECK_EQ_INT(b.log[0], EV(STREAM_OPENED, t));
  CHECK_EQ_INT(b.log[1], EV(DATA, t));
  /* Half-closed: b can still answer. */
  CHECK_EQ_INT(wr(&b, t, "HELLO MPLEX"), 0);
  CHECK_EQ_INT(b.m->ops->close_write(b.m, t), 0);
  pump(&a, &b, step);
  CHECK(got_text(&a, s, "HELLO MPLEX"));
  CHECK_EQ_INT(got_for(&a, s)->fin, 1);
  CHECK_EQ_INT(got_for(&a, s)->closed, 1);
  CHECK_EQ_INT(got_for(&b, t)->closed, 1);
  CHECK_EQ_INT(wr(&a, s, "late"), CWAKU_ENOTFOUND); /* the id is free */

  /* Reset from the receiving side: the opener sees it, data is dropped. */
  uint64_t r = 0;
  CHECK_EQ_INT(a.m->ops->open_stream(a.m, &r), 0);
  CHECK_EQ_INT(r, s + 4);
  CHECK_EQ_INT(wr(&a, r, "x"), 0);
  pump(&a, &b, step);
  CHECK(got_text(&b, r + 1, "x"));
  CHECK_EQ_INT(b.m->ops->reset(b.m, r + 1), 0);
  CHECK_EQ_INT(wr(&a, r, "in flight"), 0); /* crosses the reset */
  pump(&a, &b, step);
  CHECK_EQ_INT(got_for(&a, r)->reset, 1);
  CHECK_EQ_INT(got_for(&b, r + 1)->reset, 1);
  CHECK(got_text(&b, r + 1, "x")); /* the late data was ignored */
  CHECK_EQ_INT(wr(&a, r, "x"), CWAKU_ENOTFOUND);
  CHECK_EQ_INT(a.recv_rc, 0);
  CHECK_EQ_INT(b.recv_rc, 0);
  CHECK_EQ_INT(a.errors + b.errors, 0);
  side_clear(&a);
  side_clear(&b);
}

/* A js-libp2p style peer numbers its streams 0, 1, 2, ... like we may: the
 * same wire id names two streams, told apart by the flags. */
static void test_colliding_ids(void) {
  struct side b;
  side_init(&b, false, NULL);
  uint64_t ours = 99;
  CHECK_EQ_INT(b.m->ops->open_stream(b.m, &ours), 0);
  CHECK_EQ_INT(ours, 0);
  check_out(&b, "000130");
  CHECK_EQ_INT(feed_hex(&b, "000130"), 0); /* the peer's own stream 0 */
  CHECK_EQ_INT(got_for(&b, 1)->opened, 1);
  CHECK_EQ_INT(got_for(&b, 0)->opened, 0);
  CHECK_EQ_INT(feed_hex(&b, "020141"), 0); /* MessageInitiator 0: theirs */
  CHECK_EQ_INT(feed_hex(&b, "010142"), 0); /* MessageReceiver 0: ours */
  CHECK(got_text(&b, 1, "A"));
  CHECK(got_text(&b, 0, "B"));
  CHECK_EQ_INT(wr(&b, 0, "o"), 0);
  CHECK_EQ_INT(wr(&b, 1, "t"), 0);
  check_out(&b, "02016f"
                "010174");
  CHECK_EQ_INT(feed_hex(&b, "0600"), 0); /* ResetInitiator 0: theirs only */
  CHECK_EQ_INT(got_for(&b, 1)->reset, 1);
  CHECK_EQ_INT(got_for(&b, 0)->reset, 0);
  CHECK_EQ_INT(wr(&b, 0, "x"), 0);
  check_out(&b, "020178");
  CHECK_EQ_INT(feed_hex(&b, "0300"), 0); /* CloseReceiver 0: ours */
  CHECK_EQ_INT(got_for(&b, 0)->fin, 1);
  side_clear(&b);

  /* Two engines, both opening at once, and the byte-by-byte path. */
  struct side x, y;
  side_init(&x, true, NULL);
  side_init(&y, false, NULL);
  uint64_t xs[4], ys[4];
  for (int i = 0; i < 4; i++) {
    CHECK_EQ_INT(x.m->ops->open_stream(x.m, &xs[i]), 0);
    CHECK_EQ_INT(y.m->ops->open_stream(y.m, &ys[i]), 0);
    CHECK_EQ_INT(wr(&x, xs[i], "from x"), 0);
    CHECK_EQ_INT(wr(&y, ys[i], "from y"), 0);
  }
  pump(&x, &y, 1);
  for (int i = 0; i < 4; i++) {
    CHECK(got_text(&y, xs[i] + 1, "from x"));
    CHECK(got_text(&x, ys[i] + 1, "from y"));
    CHECK_EQ_INT(got_for(&x, xs[i])->len, 0);
  }
  side_clear(&x);
  side_clear(&y);
}

static void test_many_streams(void) {
  struct cwaku_muxer_config cfg;
  cwaku__muxer_config_default(&cfg);
  cfg.max_inbound_streams = 1000;
  struct side a, b;
  side_init(&a, true, &cfg);
  side_init(&b, false, &cfg);
  enum { N = 1000 };
  static uint64_t ids[N];
  char msg[32];
  for (int i = 0; i < N; i++) {
    /* Half opened by each side. */
    struct side *o = i % 2 ? &a : &b;
    CHECK_EQ_INT(o->m->ops->open_stream(o->m, &ids[i]), 0);
    snprintf(msg, sizeof msg, "stream %d", i);
    CHECK_EQ_INT(wr(o, ids[i], msg), 0);
  }
  pump(&a, &b, 4096);
  int echoed = 0;
  for (int i = 0; i < N; i++) {
    struct side *p = i % 2 ? &b : &a;
    snprintf(msg, sizeof msg, "stream %d", i);
    struct got *g = got_for(p, ids[i] + 1);
    if (g->opened == 1 && got_text(p, ids[i] + 1, msg) &&
        wr(p, ids[i] + 1, msg) == 0 &&
        p->m->ops->close_write(p->m, ids[i] + 1) == 0)
      echoed++;
  }
  CHECK_EQ_INT(echoed, N);
  pump(&a, &b, 4096);
  int closed = 0;
  for (int i = 0; i < N; i++) {
    struct side *o = i % 2 ? &a : &b;
    snprintf(msg, sizeof msg, "stream %d", i);
    if (got_text(o, ids[i], msg) && got_for(o, ids[i])->fin == 1 &&
        o->m->ops->close_write(o->m, ids[i]) == 0)
      closed++;
  }
  CHECK_EQ_INT(closed, N);
  pump(&a, &b, 4096);
  int done = 0;
  for (int i = 0; i < N; i++) {
    struct side *o = i % 2 ? &a : &b, *p = i % 2 ? &b : &a;
    done +=
        got_for(o, ids[i])->closed == 1 && got_for(p, ids[i] + 1)->closed == 1;
  }
  CHECK_EQ_INT(done, N);
  side_clear(&a);
  side_clear(&b);
}

/* 64 MiB from a to b over one stream. slow: b never reports data consumed,
 * so the 256 KiB window overruns and b resets the stream. */
static void test_bulk(bool slow) {
  struct cwaku_muxer_config cfg;
  cwaku__muxer_config_default(&cfg);
  struct side a, b;
  side_init(&a, true, &cfg);
  side_init(&b, false, &cfg);
  b.check_pattern = true;
  b.auto_consume = !slow;
  const uint64_t total = 64u << 20;
  uint8_t *chunk = malloc(CWAKU__MPLEX_MAX_MESSAGE + 7);
  if (!chunk)
    abort();
  uint64_t s = 0, sent = 0;
  CHECK_EQ_INT(a.m->ops->open_stream(a.m, &s), 0);
  int partial = 0, rounds = 0, write_rc = 0;
  while (sent < total && !got_for(&a, s)->reset && rounds < 100000) {
    rounds++;
    /* Odd sizes so messages and reads do not line up. */
    size_t n = 0;
    /* Write until the output cap cuts a write short. */
    size_t acc = n;
    while (acc == n && sent < total) {
      n = CWAKU__MPLEX_MAX_MESSAGE + 7;
      if (n > total - sent)
        n = (size_t)(total - sent);
      for (size_t i = 0; i < n; i++)
        chunk[i] = pat(sent + i);
      int rc = a.m->ops->write(a.m, s, chunk, n, &acc);
      if (rc) {
        write_rc = rc;
        break;
      }
      partial += acc < n;
      sent += acc;
    }
    if (write_rc)
      break;
    /* A socket between them: 64 KiB reads, events taken after each. */
    pump(&a, &b, 64 * 1024);
  }
  struct got *gb = got_for(&b, s + 1), *ga = got_for(&a, s);
  if (slow) {
    CHECK_EQ_INT(write_rc, 0);
    CHECK_EQ_INT(wr(&a, s, "x"), CWAKU_ENOTFOUND);
    CHECK_EQ_INT(gb->reset, 1);
    CHECK_EQ_INT(gb->reset_err, CWAKU_ETOOBIG);
    CHECK_EQ_INT(ga->reset, 1);
    CHECK_EQ_INT(ga->reset_err, 0);
    /* Everything b kept fits the window; nothing got past it. */
    CHECK(gb->len <= cfg.max_stream_buffer);
    CHECK(gb->len > cfg.max_stream_buffer - 64 * 1024);
    CHECK_EQ_INT(gb->bad, 0);
    CHECK(sent < total);
    CHECK_EQ_INT(a.errors + b.errors, 0);
  } else {
    CHECK_EQ_INT(sent, total);
    CHECK(rounds > 16);
    CHECK(partial > 0); /* the 4 MiB output cap cut writes short */
    CHECK(ga->writable > 0);
    CHECK_EQ_INT(a.m->ops->close_write(a.m, s), 0);
    pump(&a, &b, 64 * 1024);
    CHECK_EQ_INT(gb->len, total);
    CHECK_EQ_INT(gb->bad, 0);
    CHECK_EQ_INT(gb->fin, 1);
    CHECK_EQ_INT(gb->reset, 0);
    CHECK_EQ_INT(b.m->ops->close_write(b.m, s + 1), 0);
    pump(&a, &b, 64 * 1024);
    CHECK_EQ_INT(ga->closed, 1);
    CHECK_EQ_INT(gb->closed, 1);
  }
  free(chunk);
  side_clear(&a);
  side_clear(&b);
}

static void test_over_cap_frame(void) {
  /* The slow-reader reset on the wire: a frame that would take the stream
   * past its window is answered with ResetReceiver and never buffered. */
  struct cwaku_muxer_config cfg;
  cwaku__muxer_config_default(&cfg);
  cfg.max_stream_buffer = 4;
  struct side b;
  side_init(&b, false, &cfg);
  b.auto_consume = false;
  CHECK_EQ_INT(feed_hex(&b, "080131"
                            "0a03616263"),
               0); /* "abc" fits */
  CHECK(got_text(&b, 3, "abc"));
  CHECK_EQ_INT(b.m->ops->stream_consumed(b.m, 3, 1), 0);
  CHECK_EQ_INT(b.m->ops->stream_consumed(b.m, 3, 3), CWAKU_EINVAL);
  CHECK_EQ_INT(feed_hex(&b, "0a026465"), 0); /* 2 + 2 unconsumed: fits */
  CHECK_EQ_INT(feed_hex(&b, "0a0166"), 0);   /* 5 > 4: reset */
  check_out(&b, "0d00");
  CHECK(got_text(&b, 3, "abcde"));
  CHECK_EQ_INT(got_for(&b, 3)->reset, 1);
  CHECK_EQ_INT(got_for(&b, 3)->reset_err, CWAKU_ETOOBIG);
  CHECK_EQ_INT(feed_hex(&b, "0a0167"), 0); /* later data: ignored */
  check_out(&b, "");
  side_clear(&b);
}

static void test_bad_input(void) {
  static const struct {
    const char *hex;
    int rc;
  } cases[] = {
      {"0700", CWAKU_EMALFORMED},              /* flag 7 */
      {"8000", CWAKU_EVARINT},                 /* non-minimal header */
      {"000080", 0},                           /* truncated: waits */
      {"00800000", CWAKU_EVARINT},             /* non-minimal length */
      {"ffffffffffffffffff01", CWAKU_EVARINT}, /* header over 9 bytes */
      {"02808040", 0},                         /* 1 MiB: accepted */
      {"02818040", CWAKU_ETOOBIG}, /* 1 MiB + 1: refused on the header */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct side b;
    side_init(&b, false, NULL);
    CHECK_EQ_INT(feed_hex(&b, cases[i].hex), cases[i].rc);
    CHECK_EQ_INT(b.errors, cases[i].rc ? 1 : 0);
    CHECK_EQ_INT(b.last_error, cases[i].rc);
    side_clear(&b);
  }

  /* Over-long message on an open stream, then everything stays failed. */
  struct side b;
  side_init(&b, false, NULL);
  CHECK_EQ_INT(feed_hex(&b, "000130"), 0);
  CHECK_EQ_INT(feed_hex(&b, "0201"), 0);
  CHECK_EQ_INT(feed_hex(&b, "61"
                            "02ffff7f"),
               CWAKU_ETOOBIG);
  CHECK(got_text(&b, 1, "a"));
  CHECK_EQ_INT(b.errors, 1);
  CHECK_EQ_INT(b.last_error, CWAKU_ETOOBIG);
  CHECK_EQ_INT(feed_hex(&b, "0000"), CWAKU_ETOOBIG);
  uint64_t s;
  CHECK_EQ_INT(b.m->ops->open_stream(b.m, &s), CWAKU_ETOOBIG);
  CHECK_EQ_INT(wr(&b, 1, "x"), CWAKU_ETOOBIG);
  CHECK_EQ_INT(b.errors, 1);
  side_clear(&b);

  /* The same stream opened twice while open. */
  side_init(&b, false, NULL);
  CHECK_EQ_INT(feed_hex(&b, "000130"), 0);
  CHECK_EQ_INT(feed_hex(&b, "000130"), CWAKU_EMALFORMED);
  side_clear(&b);
}

static void test_unknown_streams(void) {
  struct side b;
  side_init(&b, false, NULL);
  /* Data, close and reset for streams nobody opened, on both sides of the
   * id space, the body split over calls: ignored. */
  CHECK_EQ_INT(feed_hex(&b, "2a0568"), 0);
  CHECK_EQ_INT(feed_hex(&b, "656c6c"), 0);
  CHECK_EQ_INT(feed_hex(&b, "6f"
                            "2900"
                            "2c00"
                            "2b00"
                            "2e00"
                            "2d00"),
               0);
  CHECK_EQ_INT(b.ng, 0);
  CHECK_EQ_INT(b.nlog, 0);
  check_out(&b, "");
  /* Then a real stream still works, and a stale id after close is unknown.*/
  CHECK_EQ_INT(feed_hex(&b, "280135"
                            "2a0178"
                            "2c00"),
               0);
  CHECK(got_text(&b, 11, "x"));
  CHECK_EQ_INT(feed_hex(&b, "2a0179"), 0); /* data after its close: dropped */
  CHECK(got_text(&b, 11, "x"));
  CHECK_EQ_INT(b.m->ops->close_write(b.m, 11), 0);
  check_out(&b, "2b00");
  drain(&b);
  CHECK_EQ_INT(got_for(&b, 11)->closed, 1);
  CHECK_EQ_INT(feed_hex(&b, "2a0179"), 0);
  CHECK(got_text(&b, 11, "x"));
  CHECK_EQ_INT(b.errors, 0);
  side_clear(&b);
}

static void test_inbound_limit(void) {
  struct cwaku_muxer_config cfg;
  cwaku__muxer_config_default(&cfg);
  cfg.max_inbound_streams = 2;
  struct side b;
  side_init(&b, false, &cfg);
  CHECK_EQ_INT(feed_hex(&b, "0000"
                            "0800"
                            "1000"),
               0); /* ids 0, 1, 2 */
  CHECK_EQ_INT(got_for(&b, 1)->opened, 1);
  CHECK_EQ_INT(got_for(&b, 3)->opened, 1);
  CHECK_EQ_INT(got_for(&b, 5)->opened, 0);
  check_out(&b, "1500");                   /* ResetReceiver id 2 */
  CHECK_EQ_INT(feed_hex(&b, "120161"), 0); /* data for the refused one */
  CHECK_EQ_INT(got_for(&b, 5)->len, 0);
  CHECK_EQ_INT(wr(&b, 5, "x"), CWAKU_ENOTFOUND);
  /* Our own streams do not count against the inbound limit. */
  uint64_t s;
  CHECK_EQ_INT(b.m->ops->open_stream(b.m, &s), 0);
  check_out(&b, "000130");
  /* Once one of them is gone (its last event taken), room again. */
  CHECK_EQ_INT(feed_hex(&b, "0600"), 0);
  CHECK_EQ_INT(got_for(&b, 1)->reset, 1);
  CHECK_EQ_INT(feed_hex(&b, "1800"), 0); /* id 3 */
  CHECK_EQ_INT(got_for(&b, 7)->opened, 1);
  check_out(&b, "");
  /* go_away: everything half-closed, nothing new either way. */
  CHECK_EQ_INT(b.m->ops->go_away(b.m), 0);
  check_out(&b, "0400"
                "0b00"
                "1b00"); /* ours 0, theirs 1 and 3 */
  CHECK_EQ_INT(b.m->ops->open_stream(b.m, &s), CWAKU_EINVAL);
  CHECK_EQ_INT(feed_hex(&b, "2000"), 0); /* id 4 refused */
  check_out(&b, "2500");
  CHECK_EQ_INT(b.errors, 0);
  side_clear(&b);
}

static void test_output_cap(void) {
  struct cwaku_muxer_config cfg;
  cwaku__muxer_config_default(&cfg);
  cfg.max_output = 100;
  struct side a;
  side_init(&a, true, &cfg);
  uint64_t s;
  CHECK_EQ_INT(a.m->ops->open_stream(a.m, &s), 0); /* 3 bytes */
  uint8_t data[300];
  memset(data, 'd', sizeof data);
  size_t acc = 0;
  CHECK_EQ_INT(a.m->ops->write(a.m, s, data, sizeof data, &acc), 0);
  CHECK_EQ_INT(acc, 100 - 3 - 4); /* header 1 + room kept for 3 len bytes */
  const uint8_t *p;
  size_t len;
  a.m->ops->output(a.m, &p, &len);
  CHECK(len <= 100);
  CHECK_EQ_INT(a.m->ops->write(a.m, s, data, sizeof data, &acc), 0);
  CHECK_EQ_INT(acc, 0);
  /* Control messages still fit (the reserve). */
  CHECK_EQ_INT(a.m->ops->close_write(a.m, s), 0);
  drain(&a);
  CHECK_EQ_INT(got_for(&a, s)->writable, 0);
  a.m->ops->output_consumed(a.m, 40);
  drain(&a);
  CHECK_EQ_INT(got_for(&a, s)->writable, 0); /* closed: nothing to say */
  uint64_t t;
  CHECK_EQ_INT(a.m->ops->open_stream(a.m, &t), 0);
  CHECK_EQ_INT(a.m->ops->write(a.m, t, data, sizeof data, &acc), 0);
  CHECK(acc > 0 && acc < sizeof data);
  a.m->ops->output(a.m, &p, &len);
  a.m->ops->output_consumed(a.m, len);
  drain(&a);
  CHECK_EQ_INT(got_for(&a, t)->writable, 1);
  side_clear(&a);

  /* A write larger than a message is split at 1 MiB. */
  cwaku__muxer_config_default(&cfg);
  cfg.max_output = 8u << 20;
  side_init(&a, true, &cfg);
  CHECK_EQ_INT(a.m->ops->open_stream(a.m, &s), 0);
  check_out(&a, "080131");
  size_t big = (5u << 19); /* 2.5 MiB */
  uint8_t *buf = calloc(1, big);
  if (!buf)
    abort();
  CHECK_EQ_INT(a.m->ops->write(a.m, s, buf, big, &acc), 0);
  CHECK_EQ_INT(acc, big);
  a.m->ops->output(a.m, &p, &len);
  CHECK_EQ_INT(len, 2 * (4 + (1u << 20)) + 4 + (1u << 19));
  static const uint8_t h1[] = {0x0a, 0x80, 0x80, 0x40},
                       h3[] = {0x0a, 0x80, 0x80, 0x20};
  if (len == 2 * (4 + (1u << 20)) + 4 + (1u << 19)) {
    CHECK_MEM(p, h1, 4);
    CHECK_MEM(p + 4 + (1u << 20), h1, 4);
    CHECK_MEM(p + 2 * (4 + (1u << 20)), h3, 4);
  }
  free(buf);
  side_clear(&a);

  /* Replies the peer provokes while never reading: the connection fails
   * once the control reserve is gone, instead of growing without end. */
  cwaku__muxer_config_default(&cfg);
  cfg.max_inbound_streams = 0;
  cfg.max_output = 64;
  struct side b;
  side_init(&b, false, &cfg);
  static uint8_t opens[40000 * 4];
  size_t olen = 0;
  for (uint64_t i = 0; i < 40000; i++) { /* NewStream i, empty name */
    olen += cwaku__uvarint_encode(opens + olen, i << 3);
    opens[olen++] = 0;
  }
  int rc = b.m->ops->recv(b.m, opens, olen, 0);
  drain(&b);
  CHECK_EQ_INT(rc, CWAKU_ETOOBIG);
  CHECK_EQ_INT(b.errors, 1);
  b.m->ops->output(b.m, &p, &len);
  CHECK(len <= 64 + CWAKU__MPLEX_CONTROL_RESERVE);
  CHECK(len > CWAKU__MPLEX_CONTROL_RESERVE);
  side_clear(&b);
}

int main(void) {
  test_frames();
  test_echo(1 << 20);
  test_echo(1);
  test_colliding_ids();
  test_many_streams();
  test_bulk(true);
  test_bulk(false);
  test_over_cap_frame();
  test_bad_input();
  test_unknown_streams();
  test_inbound_limit();
  test_output_cap();
  return check_summary("test_mplex");
}
