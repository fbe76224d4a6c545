/* yamux engine: the first byte picks a configuration and a mode.
 *
 * Raw mode: the rest is fed, in chunks, into a client and a server engine
 * as if a peer had sent it; the application side answers new streams,
 * consumes data and drains the output.
 *
 * Script mode: the rest is a sequence of API calls on two engines wired
 * back to back (open, write, close, reset, consume, ping, go-away, partial
 * deliveries, event draining, and injected raw bytes). Two of our engines
 * must never see a protocol error unless raw bytes were injected, or the
 * receiving side had its output filled to the hard cap by an application
 * that never drained it.
 *
 * Always: no crash, received data held by an engine stays within its
 * streams' windows, output within max_output plus the control reserve. */
#include <stdlib.h>
#include <string.h>

#include "p2p/yamux.h"

#define MAX_IDS 64

struct side {
  struct cwaku__muxer *m;
  size_t window, hard_cap;
  uint64_t ids[MAX_IDS]; /* streams the application knows */
  uint64_t unconsumed[MAX_IDS];
  size_t nids;
};

static void check_bounds(struct side *s) {
  size_t streams = cwaku__yamux_stream_count(s->m);
  if (cwaku__yamux_buffered(s->m) > (streams + 1) * s->window)
    abort();
  const uint8_t *p;
  size_t n;
  s->m->ops->output(s->m, &p, &n);
  if (n > s->hard_cap)
    abort();
}

static int slot_of(struct side *s, uint64_t id) {
  for (size_t i = 0; i < s->nids; i++)
    if (s->ids[i] == id)
      return (int)i;
  return -1;
}

static void forget(struct side *s, uint64_t id) {
  int i = slot_of(s, id);
  if (i < 0)
    return;
  s->nids--;
  s->ids[i] = s->ids[s->nids];
  s->unconsumed[i] = s->unconsumed[s->nids];
}

static void remember(struct side *s, uint64_t id) {
  if (slot_of(s, id) >= 0 || s->nids == MAX_IDS)
    return;
  s->ids[s->nids] = id;
  s->unconsumed[s->nids] = 0;
  s->nids++;
}

/* Takes every event; returns 1 if EV_ERROR was among them. */
static int drain(struct side *s, int answer) {
  int error = 0;
  struct cwaku_muxer_event ev;
  for (;;) {
    s->m->ops->next_event(s->m, &ev);
    int i;
    switch (ev.type) {
    case CWAKU_MUXER_EV_NONE:
      return error;
    case CWAKU_MUXER_EV_STREAM_OPENED:
      remember(s, ev.stream_id);
      if (answer) {
        size_t acc;
        (void)s->m->ops->write(s->m, ev.stream_id, (const uint8_t *)"ok", 2,
                               &acc);
      }
      break;
    case CWAKU_MUXER_EV_DATA:
      if (ev.len == 0 || !ev.data)
        abort();
      i = slot_of(s, ev.stream_id);
      if (i >= 0)
        s->unconsumed[i] += ev.len;
      if (answer)
        (void)s->m->ops->stream_consumed(s->m, ev.stream_id, ev.len);
      break;
    case CWAKU_MUXER_EV_STREAM_RESET:
    case CWAKU_MUXER_EV_STREAM_CLOSED:
      forget(s, ev.stream_id);
      break;
    case CWAKU_MUXER_EV_STREAM_FIN:
    case CWAKU_MUXER_EV_WRITABLE:
    case CWAKU_MUXER_EV_PING:
    case CWAKU_MUXER_EV_GOAWAY:
      break;
    case CWAKU_MUXER_EV_ERROR:
      error = 1;
      break;
    }
  }
}

static void side_init(struct side *s, bool client,
                      const struct cwaku_muxer_config *cfg) {
  memset(s, 0, sizeof *s);
  s->m = cwaku__yamux_new(client, cfg);
  if (!s->m)
    abort();
  s->window = cfg->max_stream_window;
  s->hard_cap = cfg->max_output + CWAKU_YAMUX_CONTROL_RESERVE;
}

static void raw_mode(const struct cwaku_muxer_config *cfg, size_t chunk,
                     const uint8_t *data, size_t size) {
  struct side c, s;
  side_init(&c, true, cfg);
  side_init(&s, false, cfg);
  for (size_t off = 0; off < size; off += chunk) {
    size_t n = size - off < chunk ? size - off : chunk;
    (void)c.m->ops->recv(c.m, data + off, n, off);
    (void)s.m->ops->recv(s.m, data + off, n, off);
    drain(&c, 1);
    drain(&s, 1);
    check_bounds(&c);
    check_bounds(&s);
    const uint8_t *p;
    size_t len;
    c.m->ops->output(c.m, &p, &len);
    c.m->ops->output_consumed(c.m, len);
    s.m->ops->output(s.m, &p, &len);
    s.m->ops->output_consumed(s.m, len);
  }
  c.m->ops->free(c.m);
  s.m->ops->free(s.m);
}

/* Delivers up to n bytes of a's output to b. */
static void deliver(struct side *a, struct side *b, size_t n, uint64_t now,
                    int tainted) {
  const uint8_t *p;
  size_t len;
  a->m->ops->output(a->m, &p, &len);
  if (n > len)
    n = len;
  if (n == 0)
    return;
  int rc = b->m->ops->recv(b->m, p, n, now);
  a->m->ops->output_consumed(a->m, n);
  if (rc != 0 && !tainted) {
    /* the only excuse: b's own output is full */
    const uint8_t *q;
    size_t qlen;
    b->m->ops->output(b->m, &q, &qlen);
    if (qlen + CWAKU_YAMUX_HEADER_BYTES <= b->hard_cap)
      abort();
  }
}

static void script_mode(const struct cwaku_muxer_config *cfg,
                        const uint8_t *data, size_t size) {
  static uint8_t payload[70000];
  struct side sides[2];
  side_init(&sides[0], true, cfg);
  side_init(&sides[1], false, cfg);
  int tainted = 0;
  uint64_t now = 0;
  size_t i = 0;
  while (i + 2 <= size) {
    uint8_t op = data[i], arg = data[i + 1];
    i += 2;
    struct side *x = &sides[op & 1], *peer = &sides[!(op & 1)];
    uint64_t id = x->nids ? x->ids[arg % x->nids] : arg;
    size_t acc;
    now += arg;
    switch ((op >> 1) % 12) {
    case 0: {
      uint64_t nid;
      if (x->m->ops->open_stream(x->m, &nid) == 0)
        remember(x, nid);
      break;
    }
    case 1: {
      size_t n = (size_t)arg * arg + arg; /* up to 65280 */
      memset(payload, arg, n);
      (void)x->m->ops->write(x->m, id, payload, n, &acc);
      if (acc > n)
        abort();
      break;
    }
    case 2:
      (void)x->m->ops->close_write(x->m, id);
      break;
    case 3:
      (void)x->m->ops->reset(x->m, id);
      break;
    case 4: {
      int k = slot_of(x, id);
      if (k >= 0) {
        uint64_t n = x->unconsumed[k] * (arg + 1u) / 256u;
        if (x->m->ops->stream_consumed(x->m, id, n) == 0)
          x->unconsumed[k] -= n;
      }
      break;
    }
    case 5:
      (void)x->m->ops->ping(x->m, now);
      break;
    case 6:
      if (arg < 16)
        (void)x->m->ops->go_away(x->m);
      break;
    case 7:
      deliver(x, peer, (size_t)arg * 97 + 1, now, tainted);
      break;
    case 8:
      deliver(x, peer, SIZE_MAX, now, tainted);
      break;
    case 9:
    case 10:
      if (drain(x, arg & 1) && !tainted) {
        const uint8_t *q;
        size_t qlen;
        x->m->ops->output(x->m, &q, &qlen);
        if (qlen + CWAKU_YAMUX_HEADER_BYTES <= x->hard_cap)
          abort();
      }
      break;
    case 11: {
      size_t n = arg % 32;
      if (n > size - i)
        n = size - i;
      tainted = 1;
      (void)x->m->ops->recv(x->m, data + i, n, now);
      i += n;
      break;
    }
    }
    check_bounds(&sides[0]);
    check_bounds(&sides[1]);
  }
  sides[0].m->ops->free(sides[0].m);
  sides[1].m->ops->free(sides[1].m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  uint8_t mode = data[0];
  struct cwaku_muxer_config cfg;
  cwaku__muxer_config_default(&cfg);
  if (mode & 2) { /* tight limits */
    cfg.max_inbound_streams = 3;
    cfg.max_unacked_inbound = 2;
    cfg.max_output = 200;
  }
  if (mode & 4)
    cfg.max_stream_window = 512 * 1024;
  if (mode & 1) {
    /* The input stays put and events are drained after every recv, so DATA
     * may point into it: half the raw runs let it. */
    cfg.lend_input = ((mode >> 3) / 7) & 1;
    static const size_t chunks[] = {1, 5, 12, 13, 64, 4096, SIZE_MAX};
    raw_mode(&cfg, chunks[(mode >> 3) % 7], data + 1, size - 1);
  } else {
    script_mode(&cfg, data + 1, size - 1);
  }
  return 0;
}
