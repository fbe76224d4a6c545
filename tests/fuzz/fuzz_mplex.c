/* mplex: two engines back to back driven by a script read from the input:
 * raw bytes injected into either side, partial deliveries between them, and
 * API calls (open, write, close, reset, consume, go_away) on streams they
 * know. Never crash; output stays under its cap; an engine that only ever
 * heard its well-behaved peer never sees a protocol error. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "p2p/mplex.h"

#define MAX_IDS 32

struct side {
  struct cwaku__muxer *m;
  size_t max_out;
  uint64_t ids[MAX_IDS]; /* streams it has heard of (may be gone) */
  size_t nids;
  bool tainted; /* raw fuzz bytes went in */
  bool failed;
  bool consume; /* report data consumed as it arrives */
};

struct in {
  const uint8_t *p;
  size_t n;
};

static uint8_t next(struct in *in) {
  if (in->n == 0)
    return 0;
  in->n--;
  return *in->p++;
}

static void remember(struct side *s, uint64_t sid) {
  s->ids[s->nids % MAX_IDS] = sid;
  s->nids++;
}

static uint64_t pick(struct side *s, struct in *in) {
  uint8_t b = next(in);
  if (s->nids == 0 || b == 0xff)
    return b; /* sometimes an id nobody opened */
  size_t n = s->nids < MAX_IDS ? s->nids : MAX_IDS;
  return s->ids[b % n];
}

static void drain(struct side *s) {
  struct cwaku_muxer_event ev;
  for (int guard = 0; guard < 100000; guard++) {
    s->m->ops->next_event(s->m, &ev);
    switch (ev.type) {
    case CWAKU_MUXER_EV_NONE:
      return;
    case CWAKU_MUXER_EV_DATA: {
      if (ev.len == 0 || !ev.data)
        abort();
      /* The engine's buffer: read all of it. */
      volatile uint8_t sink = 0;
      for (size_t i = 0; i < ev.len; i++)
        sink ^= ev.data[i];
      (void)sink;
      if (s->consume)
        (void)s->m->ops->stream_consumed(s->m, ev.stream_id, ev.len);
      break;
    }
    case CWAKU_MUXER_EV_STREAM_OPENED:
      if ((ev.stream_id & 1) == 0)
        abort(); /* peer streams are odd */
      remember(s, ev.stream_id);
      break;
    case CWAKU_MUXER_EV_STREAM_FIN:
    case CWAKU_MUXER_EV_STREAM_RESET:
    case CWAKU_MUXER_EV_STREAM_CLOSED:
    case CWAKU_MUXER_EV_WRITABLE:
      break;
    case CWAKU_MUXER_EV_ERROR:
      if (!s->tainted || ev.error >= 0)
        abort();
      s->failed = true;
      break;
    case CWAKU_MUXER_EV_PING:
    case CWAKU_MUXER_EV_GOAWAY:
      abort(); /* mplex has neither */
    }
  }
  abort(); /* events must run out */
}

static void check_output(struct side *s) {
  const uint8_t *p;
  size_t len;
  s->m->ops->output(s->m, &p, &len);
  if (len > s->max_out + CWAKU__MPLEX_CONTROL_RESERVE || (len && !p))
    abort();
}

/* Delivers up to n bytes of from's output to to. */
static void deliver(struct side *from, struct side *to, size_t n, size_t step) {
  const uint8_t *p;
  size_t len;
  from->m->ops->output(from->m, &p, &len);
  if (n > len)
    n = len;
  if (step == 0)
    step = 1;
  size_t done = 0;
  while (done < n) {
    size_t k = n - done < step ? n - done : step;
    int rc = to->m->ops->recv(to->m, p + done, k, 0);
    if (rc && !to->tainted)
      abort();
    if (rc)
      to->failed = true;
    drain(to);
    done += k;
  }
  from->m->ops->output_consumed(from->m, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct in in = {data, size};
  struct cwaku_muxer_config cfg;
  cwaku__muxer_config_default(&cfg);
  cfg.max_stream_buffer = 1 + next(&in) * 64u;
  cfg.max_inbound_streams = next(&in) % 17;
  cfg.max_output = 64 + next(&in) * 128u;
  struct side sd[2];
  memset(sd, 0, sizeof sd);
  for (int i = 0; i < 2; i++) {
    sd[i].m = cwaku__mplex_new(i == 0, &cfg);
    if (!sd[i].m)
      abort();
    sd[i].max_out = cfg.max_output;
  }
  uint8_t flags = next(&in);
  sd[0].consume = flags & 1;
  sd[1].consume = flags & 2;
  static uint8_t payload[4096];
  for (size_t i = 0; i < sizeof payload; i++)
    payload[i] = (uint8_t)i;

  while (in.n > 0) {
    uint8_t op = next(&in);
    struct side *s = &sd[op >> 7], *peer = &sd[!(op >> 7)];
    switch (op & 15) {
    case 0:
    case 1: { /* raw bytes from the input into s */
      size_t n = next(&in);
      if (op & 16)
        n *= 16;
      if (n > in.n)
        n = in.n;
      s->tainted = true;
      int rc = s->m->ops->recv(s->m, in.p, n, 0);
      if (rc)
        s->failed = true;
      in.p += n;
      in.n -= n;
      drain(s);
      break;
    }
    case 2:
    case 3: /* part of peer's output into s, in small reads */
      deliver(peer, s, (size_t)next(&in) * 16 + 1, next(&in) % 33);
      break;
    case 4: /* all of peer's output into s */
      deliver(peer, s, SIZE_MAX, 4096);
      break;
    case 5: {
      uint64_t sid;
      if (s->m->ops->open_stream(s->m, &sid) == 0) {
        if (sid & 1)
          abort(); /* ours are even */
        remember(s, sid);
      }
      break;
    }
    case 6:
    case 7: {
      uint64_t sid = pick(s, &in);
      size_t n = next(&in);
      if (op & 16)
        n *= 16;
      size_t acc = 99;
      int rc = s->m->ops->write(s->m, sid, payload, n, &acc);
      if (acc > n || (rc && acc))
        abort();
      break;
    }
    case 8:
      (void)s->m->ops->close_write(s->m, pick(s, &in));
      break;
    case 9:
      (void)s->m->ops->reset(s->m, pick(s, &in));
      break;
    case 10: {
      uint64_t sid = pick(s, &in);
      (void)s->m->ops->stream_consumed(s->m, sid, next(&in));
      break;
    }
    case 11:
      (void)s->m->ops->go_away(s->m);
      break;
    case 12:
      if (s->m->ops->ping(s->m, 0) != CWAKU_EUNSUPPORTED)
        abort();
      break;
    case 13: { /* the driver drops part of the output */
      const uint8_t *p;
      size_t len;
      s->m->ops->output(s->m, &p, &len);
      size_t n = next(&in);
      s->m->ops->output_consumed(s->m, n < len ? n : len);
      /* The peer missed bytes: what it reads next is garbage to it. */
      if (n)
        peer->tainted = true;
      break;
    }
    case 14:
      s->consume = !s->consume;
      break;
    case 15:
      drain(s);
      break;
    }
    drain(s);
    check_output(s);
    check_output(peer);
  }
  for (int round = 0; round < 4; round++) {
    deliver(&sd[0], &sd[1], SIZE_MAX, 4096);
    deliver(&sd[1], &sd[0], SIZE_MAX, 4096);
  }
  for (int i = 0; i < 2; i++)
    sd[i].m->ops->free(sd[i].m);
  return 0;
}
