/* yamux (/yamux/1.0.0): see yamux.h for the model and interop choices.
 * Spec quotes below are from libp2p/specs yamux/README.md. */
#include "yamux.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "base/cursor.h"

/* §Type Field */
enum yamux_type {
  YAMUX_DATA = 0x0,
  YAMUX_WINDOW_UPDATE = 0x1,
  YAMUX_PING = 0x2,
  YAMUX_GO_AWAY = 0x3,
};

/* §Flag Field */
#define FLAG_SYN 0x1
#define FLAG_ACK 0x2
#define FLAG_FIN 0x4
#define FLAG_RST 0x8

/* Ceiling on queued events; the queue is bounded by construction (a few
 * per tracked stream), this only guards against a bug. */
#define EVQ_MAX (1u << 22)

struct yamux_stream {
  struct yamux_stream *next; /* hash chain */
  uint32_t id;
  bool inbound;
  bool ack_pending; /* inbound: our ACK not sent yet */
  bool acked;       /* outbound: the remote acknowledged it */
  bool local_fin;   /* we half-closed */
  bool remote_fin;  /* the remote half-closed */
  bool local_reset; /* we reset it: drop its pending events */
  bool terminal;    /* RESET or CLOSED queued; freed when it is taken */
  bool data_queued; /* a DATA event is in the queue */
  bool want_writable;
  bool writable_queued;
  uint32_t send_window;     /* bytes we may still send */
  uint32_t recv_window;     /* receive window announced so far */
  uint32_t recv_target;     /* the window we grant now; grows when used */
  uint32_t recv_max;        /* what recv_target may grow to */
  uint64_t recv_epoch_ns;   /* when the last window update went out */
  uint32_t recv_avail;      /* bytes the remote may still send */
  uint32_t recv_pending;    /* consumed, not yet credited to the remote */
  uint32_t recv_unconsumed; /* handed out, not yet reported consumed */
  struct cwaku__wbuf rx;    /* received, not yet handed out */
  /* Or received and still in the caller's input buffer (never both): a
   * DATA event can point there instead of at a copy. */
  const uint8_t *lent;
  size_t lent_len;
  struct yamux_stream *lent_next; /* on y->lent */
};

struct yamux_event {
  enum cwaku_muxer_event_type type;
  uint32_t stream_id;
  int error;
  uint64_t rtt_ns;
};

struct yamux_ping {
  bool used;
  uint32_t opaque;
  uint64_t sent_ns;
};

struct yamux {
  struct cwaku__muxer base; /* first: the muxer handle points here */
  bool is_client;
  struct cwaku_muxer_config cfg;

  /* Frame parser. */
  uint8_t hdr[CWAKU_YAMUX_HEADER_BYTES];
  size_t hdr_have;
  bool in_body;
  uint32_t body_left;
  uint32_t body_stream; /* 0: discard the body */
  uint16_t body_flags;

  /* Streams: chained hash table keyed by id. */
  struct yamux_stream **buckets;
  size_t nbuckets; /* power of two */
  size_t nstreams;
  size_t n_inbound;
  size_t n_unacked_in;
  size_t n_unacked_out;
  uint64_t next_local_id;
  uint32_t last_remote_id;

  /* Event ring. */
  struct yamux_event *evq;
  size_t ev_head, ev_len, ev_cap;

  /* Output; bytes before out_off are already sent. */
  struct cwaku__wbuf out;
  size_t out_off;
  bool out_blocked; /* a write stopped on max_output */

  struct cwaku__wbuf held;   /* data of the last DATA event */
  size_t rx_total;           /* sum of the streams' rx.len */
  struct yamux_stream *lent; /* streams with lent data */

  struct yamux_ping pings[CWAKU_YAMUX_MAX_PINGS];
  uint32_t next_ping;
  uint64_t rtt_ns; /* of the last answered ping; 0 before one */
  uint64_t now_ns; /* the latest time the driver told us */

  bool local_goaway;
  bool remote_goaway;
  int dead;            /* 0, or the error that ended the session */
  bool error_reported; /* EV_ERROR taken */
};

static struct yamux *ymx(struct cwaku__muxer *m) {
  return (struct yamux *)m;
}

/* ---- streams ---------------------------------------------------------- */

static size_t bucket_of(const struct yamux *y, uint32_t id) {
  return (size_t)((id * 2654435761u) & (uint32_t)(y->nbuckets - 1));
}

static struct yamux_stream *stream_find(const struct yamux *y, uint32_t id) {
  for (struct yamux_stream *s = y->buckets[bucket_of(y, id)]; s; s = s->next)
    if (s->id == id)
      return s;
  return NULL;
}

static int table_grow(struct yamux *y) {
  size_t n = y->nbuckets * 2;
  struct yamux_stream **nb = calloc(n, sizeof *nb);
  if (!nb)
    return CWAKU_ENOMEM;
  struct yamux_stream **old = y->buckets;
  size_t oldn = y->nbuckets;
  y->buckets = nb;
  y->nbuckets = n;
  for (size_t i = 0; i < oldn; i++) {
    struct yamux_stream *s = old[i];
    while (s) {
      struct yamux_stream *next = s->next;
      size_t b = bucket_of(y, s->id);
      s->next = nb[b];
      nb[b] = s;
      s = next;
    }
  }
  free(old);
  return 0;
}

static struct yamux_stream *stream_new(struct yamux *y, uint32_t id,
                                       bool inbound) {
  if (y->nstreams >= y->nbuckets && table_grow(y) != 0)
    return NULL;
  struct yamux_stream *s = calloc(1, sizeof *s);
  if (!s)
    return NULL;
  s->id = id;
  s->inbound = inbound;
  s->send_window = CWAKU_YAMUX_INITIAL_WINDOW;
  s->recv_window = CWAKU_YAMUX_INITIAL_WINDOW;
  s->recv_target = CWAKU_YAMUX_INITIAL_WINDOW;
  s->recv_max = y->cfg.max_stream_window;
  s->recv_epoch_ns = y->now_ns;
  s->recv_avail = CWAKU_YAMUX_INITIAL_WINDOW;
  cwaku__wbuf_init(&s->rx, y->cfg.max_stream_window);
  size_t b = bucket_of(y, id);
  s->next = y->buckets[b];
  y->buckets[b] = s;
  y->nstreams++;
  if (inbound) {
    y->n_inbound++;
    s->ack_pending = true;
    y->n_unacked_in++;
  } else {
    y->n_unacked_out++;
  }
  return s;
}

/* The stream no longer counts toward either ACK backlog. */
static void stream_settle(struct yamux *y, struct yamux_stream *s) {
  if (s->inbound && s->ack_pending) {
    s->ack_pending = false;
    y->n_unacked_in--;
  }
  if (!s->inbound && !s->acked) {
    s->acked = true;
    y->n_unacked_out--;
  }
}

static void forget_lent(struct yamux *y, struct yamux_stream *s) {
  for (struct yamux_stream **pp = &y->lent; *pp; pp = &(*pp)->lent_next)
    if (*pp == s) {
      *pp = s->lent_next;
      break;
    }
  s->lent = NULL;
  s->lent_len = 0;
}

/* Copies a stream's lent bytes into its own buffer: the caller's input
 * they point into is about to change. */
static int unlend(struct yamux *y, struct yamux_stream *s) {
  if (!s->lent_len)
    return 0;
  cwaku__wbuf_put(&s->rx, s->lent, s->lent_len);
  y->rx_total += s->lent_len;
  forget_lent(y, s);
  return cwaku__wbuf_err(&s->rx) ? CWAKU_ENOMEM : 0;
}

static void stream_free(struct yamux *y, struct yamux_stream *s) {
  forget_lent(y, s);
  struct yamux_stream **pp = &y->buckets[bucket_of(y, s->id)];
  while (*pp != s)
    pp = &(*pp)->next;
  *pp = s->next;
  y->nstreams--;
  stream_settle(y, s);
  if (s->inbound)
    y->n_inbound--;
  y->rx_total -= s->rx.len;
  cwaku__wbuf_clear(&s->rx);
  free(s);
}

static bool is_remote_id(const struct yamux *y, uint32_t id) {
  /* §StreamID Field: "The client side should use odd ID's, and the server
   * even." */
  return (id & 1u) == (y->is_client ? 0u : 1u);
}

/* An id that was opened before (and may be gone by now). */
static bool id_was_used(const struct yamux *y, uint32_t id) {
  if (is_remote_id(y, id))
    return id <= y->last_remote_id;
  return (uint64_t)id < y->next_local_id;
}

/* ---- events ------------------------------------------------------------ */

static int ev_push(struct yamux *y, enum cwaku_muxer_event_type type,
                   uint32_t id, int error, uint64_t rtt_ns) {
  if (y->ev_len == y->ev_cap) {
    size_t ncap = y->ev_cap ? y->ev_cap * 2 : 64;
    if (ncap > EVQ_MAX)
      return CWAKU_ENOMEM;
    struct yamux_event *nq = malloc(ncap * sizeof *nq);
    if (!nq)
      return CWAKU_ENOMEM;
    for (size_t i = 0; i < y->ev_len; i++)
      nq[i] = y->evq[(y->ev_head + i) & (y->ev_cap - 1)];
    free(y->evq);
    y->evq = nq;
    y->ev_cap = ncap;
    y->ev_head = 0;
  }
  struct yamux_event *e = &y->evq[(y->ev_head + y->ev_len) & (y->ev_cap - 1)];
  e->type = type;
  e->stream_id = id;
  e->error = error;
  e->rtt_ns = rtt_ns;
  y->ev_len++;
  return 0;
}

/* ---- output ------------------------------------------------------------ */

static size_t out_pending(const struct yamux *y) {
  return y->out.len - y->out_off;
}

/* Appends one frame. Data frames must fit in cfg.max_output, control
 * frames in cfg.max_output + CWAKU_YAMUX_CONTROL_RESERVE: ETOOBIG, with
 * nothing written, when they do not. */
static int emit(struct yamux *y, enum yamux_type type, uint16_t flags,
                uint32_t id, uint32_t length, const uint8_t *payload,
                size_t plen) {
  size_t need = CWAKU_YAMUX_HEADER_BYTES + plen;
  size_t limit = y->cfg.max_output;
  if (type != YAMUX_DATA || plen == 0)
    limit += CWAKU_YAMUX_CONTROL_RESERVE;
  if (out_pending(y) > limit || need > limit - out_pending(y))
    return CWAKU_ETOOBIG;
  if (y->out_off > 0 &&
      (y->out.len + need > y->out.max || y->out_off >= y->out.len / 2)) {
    memmove(y->out.p, y->out.p + y->out_off, out_pending(y));
    y->out.len -= y->out_off;
    y->out_off = 0;
  }
  /* §Framing: version, type, flags, stream id, length, big endian. */
  cwaku__wbuf_u8(&y->out, 0);
  cwaku__wbuf_u8(&y->out, (uint8_t)type);
  cwaku__wbuf_be16(&y->out, flags);
  cwaku__wbuf_be32(&y->out, id);
  cwaku__wbuf_be32(&y->out, length);
  cwaku__wbuf_put(&y->out, payload, plen);
  return cwaku__wbuf_err(&y->out) ? CWAKU_ENOMEM : 0;
}

/* Ends the session: later recv calls return err, EV_ERROR is the last
 * event, and a GoAway tells the remote why. */
static int fail(struct yamux *y, int err) {
  if (y->dead)
    return y->dead;
  y->dead = err;
  if (!y->local_goaway) {
    /* §Session termination: "0x1 Protocol error", "0x2 Internal error". */
    uint32_t code = err == CWAKU_ENOMEM ? CWAKU_YAMUX_GOAWAY_INTERNAL_ERROR
                                        : CWAKU_YAMUX_GOAWAY_PROTOCOL_ERROR;
    (void)emit(y, YAMUX_GO_AWAY, 0, 0, code, NULL, 0);
    y->local_goaway = true;
  }
  return err;
}

/* The credit a window update grants now: growth of the window not yet
 * announced, plus bytes consumed since the last update. */
static uint32_t credit_owed(const struct yamux *y,
                            const struct yamux_stream *s) {
  return (s->recv_target - s->recv_window) + s->recv_pending;
}

static void credit_sent(struct yamux *y, struct yamux_stream *s) {
  s->recv_avail += credit_owed(y, s);
  s->recv_window = s->recv_target;
  s->recv_pending = 0;
  s->recv_epoch_ns = y->now_ns;
}

/* Window auto-tuning, as go-yamux and js-libp2p-yamux do it: when a window
 * was consumed within 4 round trips, the window, not the reader, limits the
 * stream, so the next update doubles it, up to the configured maximum. With
 * no round trip measured yet the window stays. */
static void tune_window(struct yamux *y, struct yamux_stream *s) {
  if (y->rtt_ns == 0 || s->recv_target >= s->recv_max)
    return;
  if (y->now_ns - s->recv_epoch_ns > 4 * y->rtt_ns)
    return;
  uint32_t grown =
      s->recv_target > s->recv_max / 2 ? s->recv_max : s->recv_target * 2;
  s->recv_target = grown;
}

/* A WindowUpdate with flags and all the owed credit; an ACK rides along if
 * the stream still owes one. */
static int send_window_update(struct yamux *y, struct yamux_stream *s,
                              uint16_t flags) {
  if (s->ack_pending)
    flags |= FLAG_ACK;
  /* No credit once the remote can send no more. */
  bool credit = !(flags & FLAG_RST) && !s->remote_fin;
  uint32_t delta = credit ? credit_owed(y, s) : 0;
  int rc = emit(y, YAMUX_WINDOW_UPDATE, flags, s->id, delta, NULL, 0);
  if (rc != 0)
    return rc;
  if (credit)
    credit_sent(y, s);
  if (flags & FLAG_ACK)
    stream_settle(y, s);
  return 0;
}

static int make_terminal(struct yamux *y, struct yamux_stream *s,
                         enum cwaku_muxer_event_type type) {
  s->terminal = true;
  stream_settle(y, s);
  return ev_push(y, type, s->id, 0, 0);
}

static int queue_writable(struct yamux *y, struct yamux_stream *s) {
  if (!s->want_writable || s->writable_queued || s->terminal || s->local_fin ||
      s->send_window == 0)
    return 0;
  s->want_writable = false;
  s->writable_queued = true;
  return ev_push(y, CWAKU_MUXER_EV_WRITABLE, s->id, 0, 0);
}

/* ---- receiving ------------------------------------------------------- */

static void skip_body(struct yamux *y, uint32_t len) {
  if (len == 0)
    return;
  y->in_body = true;
  y->body_left = len;
  y->body_stream = 0;
  y->body_flags = 0;
}

/* FIN and RST of a frame, applied after its data. */
static int stream_flags(struct yamux *y, struct yamux_stream *s,
                        uint16_t flags) {
  if (s->terminal)
    return 0;
  /* §Closing a stream: "the RST flag can be used to hard close a stream
   * immediately." */
  if (flags & FLAG_RST)
    return make_terminal(y, s, CWAKU_MUXER_EV_STREAM_RESET);
  /* §Closing a stream: "Once both sides have closed the connection, the
   * stream is closed." */
  if ((flags & FLAG_FIN) && !s->remote_fin) {
    s->remote_fin = true;
    int rc = ev_push(y, CWAKU_MUXER_EV_STREAM_FIN, s->id, 0, 0);
    if (rc == 0 && s->local_fin)
      rc = make_terminal(y, s, CWAKU_MUXER_EV_STREAM_CLOSED);
    return rc;
  }
  return 0;
}

static uint32_t add_sat(uint32_t a, uint32_t b) {
  return b > UINT32_MAX - a ? UINT32_MAX : a + b;
}

static int on_stream_frame(struct yamux *y, enum yamux_type type,
                           uint16_t flags, uint32_t id, uint32_t length) {
  bool is_data = type == YAMUX_DATA;
  uint32_t body = is_data ? length : 0;
  /* §StreamID Field: "the 0 ID is reserved to represent the session." */
  if (id == 0)
    return fail(y, CWAKU_EMALFORMED);
  struct yamux_stream *s;
  int rc;
  if (flags & FLAG_SYN) {
    /* §Opening a stream: "an initial data or window update frame is sent
     * with a new StreamID. The SYN flag should be set". A SYN with our
     * parity means both sides are clients; an old id is a reuse. */
    if (!is_remote_id(y, id) || id <= y->last_remote_id)
      return fail(y, CWAKU_EMALFORMED);
    y->last_remote_id = id;
    if (is_data && length > CWAKU_YAMUX_INITIAL_WINDOW)
      return fail(y, CWAKU_ETOOBIG);
    if (flags & FLAG_RST) { /* opened and reset at once: nothing to do */
      skip_body(y, body);
      return 0;
    }
    /* §ACK backlog: "SHOULD buffer at least 256 unacknowledged inbound
     * streams"; beyond the configured limits, and after our GoAway, the
     * stream is rejected: "reply ... with the RST flag to reject". */
    if (y->local_goaway || y->n_inbound >= y->cfg.max_inbound_streams ||
        y->n_unacked_in >= y->cfg.max_unacked_inbound) {
      rc = emit(y, YAMUX_WINDOW_UPDATE, FLAG_RST, id, 0, NULL, 0);
      if (rc != 0)
        return fail(y, rc);
      skip_body(y, body);
      return 0;
    }
    s = stream_new(y, id, true);
    if (!s)
      return fail(y, CWAKU_ENOMEM);
    rc = ev_push(y, CWAKU_MUXER_EV_STREAM_OPENED, id, 0, 0);
    if (rc != 0)
      return fail(y, rc);
  } else {
    s = stream_find(y, id);
    if (!s) {
      if (!id_was_used(y, id))
        return fail(y, CWAKU_EMALFORMED);
      /* A stream that is gone: js-libp2p discards its data and ignores
       * other frames; the remote may not have seen our RST yet. It could
       * not have been granted more than a full window. */
      if (body > y->cfg.max_stream_window)
        return fail(y, CWAKU_ETOOBIG);
      skip_body(y, body);
      return 0;
    }
    if (s->terminal) {
      if (body > y->cfg.max_stream_window)
        return fail(y, CWAKU_ETOOBIG);
      skip_body(y, body);
      return 0;
    }
    /* §Opening a stream: the receiver replies "with the ACK flag to accept
     * the stream". Any other frame from the remote also shows it has the
     * stream, so it leaves our backlog too. */
    if (!s->inbound && !(flags & FLAG_RST))
      stream_settle(y, s);
  }

  if (type == YAMUX_WINDOW_UPDATE) {
    /* §Length Field: "Window update - provides a delta update to the
     * window size". */
    s->send_window = add_sat(s->send_window, length);
    if (length > 0 && (rc = queue_writable(y, s)) != 0)
      return fail(y, rc);
  } else if (length > 0) {
    if (s->remote_fin)
      return fail(y, CWAKU_EMALFORMED); /* data after FIN */
    /* §Flow Control: the remote may send no more than the window. */
    if (length > s->recv_avail)
      return fail(y, CWAKU_ETOOBIG);
    s->recv_avail -= length;
    y->in_body = true;
    y->body_left = length;
    y->body_stream = id;
    y->body_flags = flags;
    return 0;
  }
  rc = stream_flags(y, s, flags);
  return rc ? fail(y, rc) : 0;
}

static int on_ping(struct yamux *y, uint16_t flags, uint32_t id,
                   uint32_t opaque, uint64_t now_ns) {
  /* §StreamID Field: "Both Ping and Go Away messages should always use the
   * 0 StreamID." */
  if (id != 0)
    return fail(y, CWAKU_EMALFORMED);
  bool syn = flags & FLAG_SYN, ack = flags & FLAG_ACK;
  if (syn && !ack) {
    /* §Flag Field: SYN is "sent with a ping to indicate outbound", ACK "to
     * indicate response"; §Length Field: the opaque value is "echoed back". */
    int rc = emit(y, YAMUX_PING, FLAG_ACK, 0, opaque, NULL, 0);
    return rc ? fail(y, rc) : 0;
  }
  if (!ack || syn)
    return fail(y, CWAKU_EMALFORMED);
  for (size_t i = 0; i < CWAKU_YAMUX_MAX_PINGS; i++) {
    struct yamux_ping *p = &y->pings[i];
    if (p->used && p->opaque == opaque) {
      p->used = false;
      uint64_t rtt = now_ns >= p->sent_ns ? now_ns - p->sent_ns : 0;
      y->rtt_ns = rtt ? rtt : 1;
      int rc = ev_push(y, CWAKU_MUXER_EV_PING, 0, 0, rtt);
      return rc ? fail(y, rc) : 0;
    }
  }
  return 0; /* an answer we no longer wait for (go-yamux ignores it too) */
}

static int on_go_away(struct yamux *y, uint32_t id, uint32_t code) {
  if (id != 0)
    return fail(y, CWAKU_EMALFORMED);
  if (y->remote_goaway)
    return 0;
  y->remote_goaway = true;
  int err = code > INT_MAX ? INT_MAX : (int)code;
  int rc = ev_push(y, CWAKU_MUXER_EV_GOAWAY, 0, err, 0);
  return rc ? fail(y, rc) : 0;
}

static int on_header(struct yamux *y, uint64_t now_ns) {
  struct cwaku__rcur c;
  cwaku__rcur_init(&c, y->hdr, sizeof y->hdr);
  uint8_t version = cwaku__rcur_u8(&c);
  uint8_t type = cwaku__rcur_u8(&c);
  uint16_t flags = cwaku__rcur_be16(&c);
  uint32_t id = cwaku__rcur_be32(&c);
  uint32_t length = cwaku__rcur_be32(&c);
  if (cwaku__rcur_err(&c))
    return fail(y, cwaku__rcur_err(&c));
  /* §Version Field: "the field is always set to 0". */
  if (version != 0)
    return fail(y, CWAKU_EUNSUPPORTED);
  if (type > YAMUX_GO_AWAY)
    return fail(y, CWAKU_EMALFORMED);
  switch ((enum yamux_type)type) {
  case YAMUX_DATA:
  case YAMUX_WINDOW_UPDATE:
    return on_stream_frame(y, (enum yamux_type)type, flags, id, length);
  case YAMUX_PING:
    return on_ping(y, flags, id, length, now_ns);
  case YAMUX_GO_AWAY:
    return on_go_away(y, id, length);
  }
  return fail(y, CWAKU_EMALFORMED);
}

static int on_body(struct yamux *y, const uint8_t *p, size_t n) {
  y->body_left -= (uint32_t)n;
  struct yamux_stream *s =
      y->body_stream ? stream_find(y, y->body_stream) : NULL;
  if (s && !s->terminal) {
    if (y->cfg.lend_input && !s->data_queued && s->rx.len == 0) {
      /* The common case, one frame per stream between events: no copy. */
      s->lent = p;
      s->lent_len = n;
      s->lent_next = y->lent;
      y->lent = s;
    } else {
      if (unlend(y, s))
        return fail(y, CWAKU_ENOMEM);
      cwaku__wbuf_put(&s->rx, p, n);
      if (cwaku__wbuf_err(&s->rx))
        return fail(y, CWAKU_ENOMEM);
      y->rx_total += n;
    }
    if (!s->data_queued) {
      s->data_queued = true;
      int rc = ev_push(y, CWAKU_MUXER_EV_DATA, s->id, 0, 0);
      if (rc)
        return fail(y, rc);
    }
  }
  if (y->body_left > 0)
    return 0;
  y->in_body = false;
  if (s) {
    int rc = stream_flags(y, s, y->body_flags);
    if (rc)
      return fail(y, rc);
  }
  return 0;
}

static int yamux_recv(struct cwaku__muxer *m, const uint8_t *in, size_t inlen,
                      uint64_t now_ns) {
  struct yamux *y = ymx(m);
  if (y->dead)
    return y->dead;
  if (now_ns > y->now_ns)
    y->now_ns = now_ns;
  cwaku__wbuf_clear(&y->held);
  while (y->lent)
    if (unlend(y, y->lent))
      return fail(y, CWAKU_ENOMEM);
  struct cwaku__rcur c;
  cwaku__rcur_init(&c, in, inlen);
  while (cwaku__rcur_left(&c) > 0) {
    int rc;
    if (!y->in_body) {
      size_t n = sizeof y->hdr - y->hdr_have;
      if (n > cwaku__rcur_left(&c))
        n = cwaku__rcur_left(&c);
      cwaku__rcur_copy(&c, y->hdr + y->hdr_have, n);
      y->hdr_have += n;
      if (y->hdr_have < sizeof y->hdr)
        break;
      y->hdr_have = 0;
      rc = on_header(y, now_ns);
    } else {
      size_t n = y->body_left;
      if (n > cwaku__rcur_left(&c))
        n = cwaku__rcur_left(&c);
      const uint8_t *p = cwaku__rcur_take(&c, n);
      rc = p ? on_body(y, p, n) : fail(y, cwaku__rcur_err(&c));
    }
    if (rc)
      return rc;
  }
  return 0;
}

/* ---- events out ------------------------------------------------------- */

static void yamux_next_event(struct cwaku__muxer *m,
                             struct cwaku_muxer_event *ev) {
  struct yamux *y = ymx(m);
  memset(ev, 0, sizeof *ev);
  ev->type = CWAKU_MUXER_EV_NONE;
  cwaku__wbuf_clear(&y->held);
  while (y->ev_len > 0) {
    struct yamux_event e = y->evq[y->ev_head];
    y->ev_head = (y->ev_head + 1) & (y->ev_cap - 1);
    y->ev_len--;
    struct yamux_stream *s = NULL;
    if (e.stream_id != 0)
      s = stream_find(y, e.stream_id);
    ev->stream_id = e.stream_id;
    switch (e.type) {
    case CWAKU_MUXER_EV_NONE:
      continue;
    case CWAKU_MUXER_EV_STREAM_OPENED:
    case CWAKU_MUXER_EV_STREAM_FIN:
      if (!s || s->local_reset)
        continue;
      break;
    case CWAKU_MUXER_EV_DATA:
      if (!s)
        continue;
      s->data_queued = false;
      if (s->lent_len && !s->local_reset) {
        ev->data = s->lent;
        ev->len = s->lent_len;
        s->recv_unconsumed += (uint32_t)s->lent_len;
        forget_lent(y, s);
        break;
      }
      forget_lent(y, s);
      if (s->local_reset || s->rx.len == 0)
        continue;
      /* Hand the stream's buffer over; it lives until the next call. */
      y->held = s->rx;
      cwaku__wbuf_init(&s->rx, y->cfg.max_stream_window);
      y->rx_total -= y->held.len;
      s->recv_unconsumed += (uint32_t)y->held.len;
      ev->data = y->held.p;
      ev->len = y->held.len;
      break;
    case CWAKU_MUXER_EV_WRITABLE:
      if (!s)
        continue;
      s->writable_queued = false;
      if (s->terminal || s->local_fin)
        continue;
      break;
    case CWAKU_MUXER_EV_STREAM_RESET:
    case CWAKU_MUXER_EV_STREAM_CLOSED:
      if (s)
        stream_free(y, s);
      break;
    case CWAKU_MUXER_EV_PING:
    case CWAKU_MUXER_EV_GOAWAY:
    case CWAKU_MUXER_EV_ERROR:
      break;
    }
    ev->type = e.type;
    ev->error = e.error;
    ev->rtt_ns = e.rtt_ns;
    return;
  }
  ev->stream_id = 0;
  if (y->dead && !y->error_reported) {
    y->error_reported = true;
    ev->type = CWAKU_MUXER_EV_ERROR;
    ev->error = y->dead;
  }
}

/* ---- application calls --------------------------------------------------
 */

static int yamux_open_stream(struct cwaku__muxer *m, uint64_t *stream_id) {
  struct yamux *y = ymx(m);
  *stream_id = 0;
  if (y->dead)
    return y->dead;
  if (y->local_goaway || y->remote_goaway)
    return CWAKU_EINVAL;
  /* §ACK backlog: "Implementations SHOULD at most allow an ACK backlog of
   * 256 streams." */
  if (y->n_unacked_out >= CWAKU_YAMUX_ACK_BACKLOG ||
      y->next_local_id > UINT32_MAX)
    return CWAKU_ETOOBIG;
  uint32_t id = (uint32_t)y->next_local_id;
  struct yamux_stream *s = stream_new(y, id, false);
  if (!s)
    return CWAKU_ENOMEM;
  /* Opened at once with WindowUpdate|SYN, as js-libp2p and go-yamux do;
   * §Flow Control: a larger window may be announced "as part of the
   * SYN/ACK". */
  int rc = send_window_update(y, s, FLAG_SYN);
  if (rc != 0) {
    stream_free(y, s);
    return rc == CWAKU_ENOMEM ? fail(y, rc) : rc;
  }
  y->next_local_id += 2;
  *stream_id = id;
  return 0;
}

static struct yamux_stream *app_stream(struct yamux *y, uint64_t stream_id) {
  if (stream_id == 0 || stream_id > UINT32_MAX)
    return NULL;
  return stream_find(y, (uint32_t)stream_id);
}

static int yamux_write(struct cwaku__muxer *m, uint64_t stream_id,
                       const uint8_t *data, size_t len, size_t *accepted) {
  struct yamux *y = ymx(m);
  *accepted = 0;
  if (y->dead)
    return y->dead;
  struct yamux_stream *s = app_stream(y, stream_id);
  if (!s || s->terminal || s->local_fin)
    return CWAKU_EINVAL;
  if (len == 0)
    return 0;
  uint16_t flags = 0;
  if (s->ack_pending) {
    if (credit_owed(y, s) > 0) {
      int rc = send_window_update(y, s, 0);
      if (rc == CWAKU_ENOMEM)
        return fail(y, rc);
      if (rc != 0) {
        s->want_writable = true;
        y->out_blocked = true;
        return 0;
      }
    } else {
      flags = FLAG_ACK; /* js-libp2p: ACK on the first Data frame */
    }
  }
  size_t done = 0;
  while (done < len && s->send_window > 0) {
    size_t pending = out_pending(y);
    if (pending + CWAKU_YAMUX_HEADER_BYTES >= y->cfg.max_output) {
      y->out_blocked = true;
      break;
    }
    size_t chunk = len - done;
    if (chunk > s->send_window)
      chunk = s->send_window;
    if (chunk > CWAKU_YAMUX_MAX_FRAME_PAYLOAD)
      chunk = CWAKU_YAMUX_MAX_FRAME_PAYLOAD;
    if (chunk > y->cfg.max_output - pending - CWAKU_YAMUX_HEADER_BYTES)
      chunk = y->cfg.max_output - pending - CWAKU_YAMUX_HEADER_BYTES;
    /* §Flow Control: "track the number of bytes sent in Data frames". */
    int rc =
        emit(y, YAMUX_DATA, flags, s->id, (uint32_t)chunk, data + done, chunk);
    if (rc != 0)
      return fail(y, rc);
    if (flags & FLAG_ACK)
      stream_settle(y, s);
    flags = 0;
    s->send_window -= (uint32_t)chunk;
    done += chunk;
  }
  *accepted = done;
  if (done < len)
    s->want_writable = true;
  return 0;
}

static int yamux_close_write(struct cwaku__muxer *m, uint64_t stream_id) {
  struct yamux *y = ymx(m);
  if (y->dead)
    return y->dead;
  struct yamux_stream *s = app_stream(y, stream_id);
  if (!s)
    return CWAKU_EINVAL;
  if (s->local_fin)
    return 0;
  if (s->terminal)
    return CWAKU_EINVAL;
  /* §Closing a stream: "either side sends a data or window update frame
   * along with the FIN flag." */
  int rc = send_window_update(y, s, FLAG_FIN);
  if (rc != 0)
    return rc == CWAKU_ENOMEM ? fail(y, rc) : rc;
  s->local_fin = true;
  s->want_writable = false;
  if (s->remote_fin && (rc = make_terminal(y, s, CWAKU_MUXER_EV_STREAM_CLOSED)))
    return fail(y, rc);
  return 0;
}

static int yamux_reset(struct cwaku__muxer *m, uint64_t stream_id) {
  struct yamux *y = ymx(m);
  if (y->dead)
    return y->dead;
  struct yamux_stream *s = app_stream(y, stream_id);
  if (!s)
    return CWAKU_EINVAL;
  if (s->terminal)
    return 0;
  int rc = emit(y, YAMUX_WINDOW_UPDATE, FLAG_RST, s->id, 0, NULL, 0);
  if (rc != 0)
    return rc == CWAKU_ENOMEM ? fail(y, rc) : rc;
  s->local_reset = true;
  if ((rc = make_terminal(y, s, CWAKU_MUXER_EV_STREAM_RESET)))
    return fail(y, rc);
  return 0;
}

static int yamux_stream_consumed(struct cwaku__muxer *m, uint64_t stream_id,
                                 size_t n) {
  struct yamux *y = ymx(m);
  if (y->dead)
    return y->dead;
  struct yamux_stream *s = app_stream(y, stream_id);
  if (!s)
    return 0; /* the stream ended; nothing to credit */
  if (n > s->recv_unconsumed)
    return CWAKU_EINVAL;
  if (n == 0)
    return 0;
  s->recv_unconsumed -= (uint32_t)n;
  s->recv_pending += (uint32_t)n;
  if (s->terminal || (s->remote_fin && !s->ack_pending))
    return 0; /* no more data will come */
  /* §Flow Control: "window update frames should be sent regularly"; we
   * send one once half the window is consumed, and the first one at once
   * since it acknowledges the stream. */
  if (!s->ack_pending && s->recv_pending < s->recv_window / 2)
    return 0;
  if (!s->ack_pending)
    tune_window(y, s);
  int rc = send_window_update(y, s, 0);
  if (rc == CWAKU_ENOMEM)
    return fail(y, rc);
  return rc;
}

static void yamux_stream_max_window(struct cwaku__muxer *m, uint64_t stream_id,
                                    uint32_t max) {
  struct yamux *y = ymx(m);
  struct yamux_stream *s = app_stream(y, stream_id);
  if (!s)
    return;
  if (max < CWAKU_YAMUX_INITIAL_WINDOW)
    max = CWAKU_YAMUX_INITIAL_WINDOW;
  if (max > y->cfg.max_stream_window)
    max = y->cfg.max_stream_window;
  s->recv_max = max;
}

static int yamux_ping(struct cwaku__muxer *m, uint64_t now_ns) {
  struct yamux *y = ymx(m);
  if (y->dead)
    return y->dead;
  if (now_ns > y->now_ns)
    y->now_ns = now_ns;
  struct yamux_ping *slot = NULL;
  for (size_t i = 0; i < CWAKU_YAMUX_MAX_PINGS && !slot; i++)
    if (!y->pings[i].used)
      slot = &y->pings[i];
  if (!slot)
    return CWAKU_ETOOBIG;
  uint32_t opaque = y->next_ping;
  int rc = emit(y, YAMUX_PING, FLAG_SYN, 0, opaque, NULL, 0);
  if (rc != 0)
    return rc == CWAKU_ENOMEM ? fail(y, rc) : rc;
  y->next_ping++;
  slot->used = true;
  slot->opaque = opaque;
  slot->sent_ns = now_ns;
  return 0;
}

static int yamux_go_away(struct cwaku__muxer *m) {
  struct yamux *y = ymx(m);
  if (y->dead)
    return y->dead;
  if (y->local_goaway)
    return 0;
  /* §Session termination: "the Go Away message should be sent", "0x0
   * Normal termination". */
  int rc = emit(y, YAMUX_GO_AWAY, 0, 0, CWAKU_YAMUX_GOAWAY_NORMAL, NULL, 0);
  if (rc != 0)
    return rc == CWAKU_ENOMEM ? fail(y, rc) : rc;
  y->local_goaway = true;
  return 0;
}

static void yamux_output(struct cwaku__muxer *m, const uint8_t **data,
                         size_t *len) {
  struct yamux *y = ymx(m);
  *len = out_pending(y);
  *data = *len ? y->out.p + y->out_off : NULL;
}

static void yamux_output_consumed(struct cwaku__muxer *m, size_t n) {
  struct yamux *y = ymx(m);
  if (n > out_pending(y))
    n = out_pending(y);
  y->out_off += n;
  if (y->out_off == y->out.len) {
    cwaku__wbuf_reset(&y->out);
    y->out_off = 0;
  }
  if (!y->out_blocked || y->dead || out_pending(y) > y->cfg.max_output / 2)
    return;
  y->out_blocked = false;
  for (size_t i = 0; i < y->nbuckets; i++)
    for (struct yamux_stream *s = y->buckets[i]; s; s = s->next) {
      int rc = queue_writable(y, s);
      if (rc) {
        fail(y, rc);
        return;
      }
    }
}

static void yamux_free(struct cwaku__muxer *m) {
  struct yamux *y = ymx(m);
  if (!y)
    return;
  for (size_t i = 0; i < y->nbuckets; i++) {
    struct yamux_stream *s = y->buckets[i];
    while (s) {
      struct yamux_stream *next = s->next;
      cwaku__wbuf_clear(&s->rx);
      free(s);
      s = next;
    }
  }
  free(y->buckets);
  free(y->evq);
  cwaku__wbuf_clear(&y->out);
  cwaku__wbuf_clear(&y->held);
  free(y);
}

static const struct cwaku__muxer_ops yamux_ops = {
    .protocol_id = CWAKU_YAMUX_PROTOCOL_ID,
    .free = yamux_free,
    .recv = yamux_recv,
    .next_event = yamux_next_event,
    .open_stream = yamux_open_stream,
    .write = yamux_write,
    .close_write = yamux_close_write,
    .reset = yamux_reset,
    .stream_consumed = yamux_stream_consumed,
    .stream_max_window = yamux_stream_max_window,
    .ping = yamux_ping,
    .go_away = yamux_go_away,
    .output = yamux_output,
    .output_consumed = yamux_output_consumed,
};

struct cwaku__muxer *cwaku__yamux_new(bool is_client,
                                      const struct cwaku_muxer_config *cfg) {
  struct cwaku_muxer_config def;
  if (!cfg) {
    cwaku__muxer_config_default(&def);
    cfg = &def;
  }
  if (cfg->max_stream_window < CWAKU_YAMUX_INITIAL_WINDOW ||
      cfg->max_output <= CWAKU_YAMUX_HEADER_BYTES ||
      cfg->max_output > SIZE_MAX / 4)
    return NULL;
  struct yamux *y = calloc(1, sizeof *y);
  if (!y)
    return NULL;
  y->base.ops = &yamux_ops;
  y->is_client = is_client;
  y->cfg = *cfg;
  y->nbuckets = 64;
  y->buckets = calloc(y->nbuckets, sizeof *y->buckets);
  if (!y->buckets) {
    free(y);
    return NULL;
  }
  /* §StreamID Field: clients odd, servers even. */
  y->next_local_id = is_client ? 1 : 2;
  cwaku__wbuf_init(&y->out, cfg->max_output + CWAKU_YAMUX_CONTROL_RESERVE);
  cwaku__wbuf_init(&y->held, cfg->max_stream_window);
  return &y->base;
}

size_t cwaku__yamux_buffered(const struct cwaku__muxer *m) {
  const struct yamux *y = (const struct yamux *)m;
  return y->rx_total + y->held.len;
}

size_t cwaku__yamux_stream_count(const struct cwaku__muxer *m) {
  return ((const struct yamux *)m)->nstreams;
}
