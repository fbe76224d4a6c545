/* mplex (/mplex/6.7.0) as a sans-IO muxer: see mplex.h for the wire format,
 * the stream-id mapping and the limits. */
#include "mplex.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cursor.h"

/* Both header varints together: at most 9 bytes each (longer is EVARINT). */
#define HDR_MAX 18
/* Event slots one stream can hold in the queue at once: OPENED, DATA, FIN,
 * WRITABLE and its terminal event; one more for the connection's ERROR. */
#define EV_PER_STREAM 5
/* Wire ids must leave room for the 3 flag bits in a 63-bit varint. */
#define WIRE_ID_LIMIT (UINT64_C(1) << 60)

struct stream {
  uint64_t wire_id;
  uint64_t sid; /* wire_id * 2 (ours) or wire_id * 2 + 1 (theirs) */
  bool ours;
  bool local_closed;  /* we sent Close */
  bool remote_closed; /* the peer sent Close */
  bool ended;         /* terminal event queued; no longer in the table */
  bool reset;         /* reset: queued data is dropped */
  bool data_queued;   /* an EV_DATA for this stream is in the queue */
  bool writable_queued;
  bool blocked;      /* a write was cut short by the output cap */
  size_t unconsumed; /* received, not yet reported consumed */
  uint8_t *rx;       /* received, not yet handed out in an EV_DATA */
  size_t rx_len, rx_cap;
  struct stream *prev, *next; /* every stream not yet freed */
};

struct ev {
  enum cwaku_muxer_event_type type;
  struct stream *s;
  int error;
};

struct mplex {
  struct cwaku__muxer base;
  struct cwaku_muxer_config cfg;
  uint64_t next_id;
  int err; /* sticky connection failure */
  bool going_away;
  /* Streams not ended, sorted by sid. */
  struct stream **tab;
  size_t ntab, tabcap;
  struct stream *all;
  size_t nall;
  uint32_t n_inbound, n_outbound; /* until their terminal event is taken */
  /* Event ring; room for EV_PER_STREAM per stream is reserved when a stream
   * is created, so queueing never fails. */
  struct ev *evq;
  size_t ev_head, ev_len, ev_cap;
  uint8_t *held; /* the data of the last EV_DATA */
  /* Output: bytes [out_head, out.len) wait to be sent. */
  struct cwaku__wbuf out;
  size_t out_head;
  bool any_blocked;
  /* Input parser. */
  uint8_t hdr[HDR_MAX];
  size_t hdr_len;
  bool in_body;
  uint64_t body_left;
  bool body_keep; /* the body is data for body_sid; otherwise skipped */
  uint64_t body_sid;
};

static struct mplex *M(struct cwaku__muxer *m) {
  return (struct mplex *)m;
}

/* ---- streams ---- */

static size_t tab_find(const struct mplex *m, uint64_t sid, bool *found) {
  size_t lo = 0, hi = m->ntab;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (m->tab[mid]->sid < sid)
      lo = mid + 1;
    else
      hi = mid;
  }
  *found = lo < m->ntab && m->tab[lo]->sid == sid;
  return lo;
}

static struct stream *lookup(const struct mplex *m, uint64_t sid) {
  bool found;
  size_t i = tab_find(m, sid, &found);
  return found ? m->tab[i] : NULL;
}

static int ev_reserve(struct mplex *m, size_t need) {
  if (need <= m->ev_cap)
    return 0;
  size_t cap = m->ev_cap ? m->ev_cap : 16;
  while (cap < need)
    cap *= 2;
  struct ev *q = malloc(cap * sizeof *q);
  if (!q)
    return CWAKU_ENOMEM;
  for (size_t i = 0; i < m->ev_len; i++)
    q[i] = m->evq[(m->ev_head + i) % m->ev_cap];
  free(m->evq);
  m->evq = q;
  m->ev_head = 0;
  m->ev_cap = cap;
  return 0;
}

static void ev_push(struct mplex *m, enum cwaku_muxer_event_type type,
                    struct stream *s, int error) {
  /* Slots were reserved by stream creation and at engine creation. */
  if (m->ev_len >= m->ev_cap)
    abort();
  struct ev *e = &m->evq[(m->ev_head + m->ev_len) % m->ev_cap];
  e->type = type;
  e->s = s;
  e->error = error;
  m->ev_len++;
}

/* Creates a stream and puts it in the table. */
static int stream_new(struct mplex *m, struct stream **out, uint64_t wire_id,
                      bool ours) {
  int rc = ev_reserve(m, EV_PER_STREAM * (m->nall + 1) + 1);
  if (rc)
    return rc;
  if (m->ntab == m->tabcap) {
    size_t cap = m->tabcap ? m->tabcap * 2 : 16;
    struct stream **t = realloc(m->tab, cap * sizeof *t);
    if (!t)
      return CWAKU_ENOMEM;
    m->tab = t;
    m->tabcap = cap;
  }
  struct stream *s = calloc(1, sizeof *s);
  if (!s)
    return CWAKU_ENOMEM;
  s->wire_id = wire_id;
  s->sid = wire_id * 2 + (ours ? 0 : 1);
  s->ours = ours;
  bool found;
  size_t i = tab_find(m, s->sid, &found);
  memmove(&m->tab[i + 1], &m->tab[i], (m->ntab - i) * sizeof *m->tab);
  m->tab[i] = s;
  m->ntab++;
  s->next = m->all;
  if (m->all)
    m->all->prev = s;
  m->all = s;
  m->nall++;
  if (ours)
    m->n_outbound++;
  else
    m->n_inbound++;
  *out = s;
  return 0;
}

/* Takes s out of the table and queues its terminal event; s itself lives
 * until that event is taken. */
static void stream_end(struct mplex *m, struct stream *s,
                       enum cwaku_muxer_event_type type, int error) {
  bool found;
  size_t i = tab_find(m, s->sid, &found);
  if (found) {
    memmove(&m->tab[i], &m->tab[i + 1], (m->ntab - i - 1) * sizeof *m->tab);
    m->ntab--;
  }
  s->ended = true;
  if (type == CWAKU_MUXER_EV_STREAM_RESET) {
    /* mplex §Resetting a stream: "any data queued or in flight should be
     * dropped." */
    s->reset = true;
    free(s->rx);
    s->rx = NULL;
    s->rx_len = s->rx_cap = 0;
  }
  ev_push(m, type, s, error);
}

static void stream_free(struct mplex *m, struct stream *s) {
  if (s->prev)
    s->prev->next = s->next;
  else
    m->all = s->next;
  if (s->next)
    s->next->prev = s->prev;
  m->nall--;
  if (s->ours)
    m->n_outbound--;
  else
    m->n_inbound--;
  free(s->rx);
  free(s);
}

/* ---- output ---- */

static size_t out_pending(const struct mplex *m) {
  return m->out.len - m->out_head;
}

static void out_compact(struct mplex *m) {
  if (m->out_head == 0)
    return;
  memmove(m->out.p, m->out.p + m->out_head, out_pending(m));
  m->out.len -= m->out_head;
  m->out_head = 0;
}

/* Appends one message if the output has room for it under limit. */
static int put_frame(struct mplex *m, size_t limit, uint64_t wire_id,
                     enum cwaku__mplex_flag flag, const uint8_t *data,
                     size_t len) {
  uint64_t h = wire_id << 3 | (uint64_t)flag;
  size_t n = cwaku__uvarint_len(h) + cwaku__uvarint_len(len) + len;
  if (out_pending(m) > limit || n > limit - out_pending(m))
    return CWAKU_ETOOBIG;
  if (n > m->out.max - m->out.len)
    out_compact(m);
  size_t saved = m->out.len;
  cwaku__wbuf_uvarint(&m->out, h);
  cwaku__wbuf_uvarint(&m->out, len);
  cwaku__wbuf_put(&m->out, data, len);
  int rc = cwaku__wbuf_err(&m->out);
  if (rc) {
    m->out.len = saved;
    m->out.err = 0;
  }
  return rc;
}

static int put_control(struct mplex *m, const struct stream *s,
                       enum cwaku__mplex_flag initiator_flag) {
  /* The stream's opener sends the Initiator flag, the other side the
   * Receiver flag one below it. */
  enum cwaku__mplex_flag f =
      s->ours ? initiator_flag : (enum cwaku__mplex_flag)(initiator_flag - 1);
  return put_frame(m, m->cfg.max_output + CWAKU__MPLEX_CONTROL_RESERVE,
                   s->wire_id, f, NULL, 0);
}

/* ---- input ---- */

static int fail(struct mplex *m, int err) {
  if (!m->err) {
    m->err = err;
    ev_push(m, CWAKU_MUXER_EV_ERROR, NULL, err);
  }
  return err;
}

/* A reply the peer provoked (refusal, overrun reset): if it no longer fits,
 * the peer is not reading what we send and the connection goes. */
static int peer_provoked(struct mplex *m, int rc) {
  return rc ? fail(m, rc) : 0;
}

static int on_new_stream(struct mplex *m, uint64_t id) {
  if (lookup(m, id * 2 + 1))
    /* js-libp2p: "stream already exists" ends the connection. */
    return fail(m, CWAKU_EMALFORMED);
  if (m->going_away || m->n_inbound >= m->cfg.max_inbound_streams) {
    /* js-libp2p: past maxInboundStreams it answers with ResetReceiver and
     * keeps nothing. */
    return peer_provoked(
        m, put_frame(m, m->cfg.max_output + CWAKU__MPLEX_CONTROL_RESERVE, id,
                     CWAKU__MPLEX_RESET_RECEIVER, NULL, 0));
  }
  struct stream *s;
  int rc = stream_new(m, &s, id, false);
  if (rc)
    return fail(m, rc);
  ev_push(m, CWAKU_MUXER_EV_STREAM_OPENED, s, 0);
  return 0;
}

/* Handles a complete header; the body (len bytes) follows. */
static int on_header(struct mplex *m, uint64_t id, unsigned flag,
                     uint64_t len) {
  m->body_keep = false;
  if (flag == 7)
    return fail(m, CWAKU_EMALFORMED);
  enum cwaku__mplex_flag f = (enum cwaku__mplex_flag)flag;
  if (f == CWAKU__MPLEX_NEW_STREAM)
    return on_new_stream(m, id); /* the stream name is not kept */
  /* The Receiver flags (odd) travel on streams we opened. */
  struct stream *s = lookup(m, id * 2 + ((flag & 1) ? 0 : 1));
  if (!s)
    return 0; /* js-libp2p ignores messages for missing streams */
  switch (f) {
  case CWAKU__MPLEX_NEW_STREAM:
    break;
  case CWAKU__MPLEX_MESSAGE_RECEIVER:
  case CWAKU__MPLEX_MESSAGE_INITIATOR:
    if (s->remote_closed || len == 0)
      return 0;
    m->body_keep = true;
    m->body_sid = s->sid;
    break;
  case CWAKU__MPLEX_CLOSE_RECEIVER:
  case CWAKU__MPLEX_CLOSE_INITIATOR:
    if (s->remote_closed)
      return 0;
    s->remote_closed = true;
    ev_push(m, CWAKU_MUXER_EV_STREAM_FIN, s, 0);
    if (s->local_closed)
      stream_end(m, s, CWAKU_MUXER_EV_STREAM_CLOSED, 0);
    break;
  case CWAKU__MPLEX_RESET_RECEIVER:
  case CWAKU__MPLEX_RESET_INITIATOR:
    stream_end(m, s, CWAKU_MUXER_EV_STREAM_RESET, 0);
    break;
  }
  return 0;
}

static int on_body(struct mplex *m, const uint8_t *p, size_t n) {
  if (!m->body_keep)
    return 0;
  struct stream *s = lookup(m, m->body_sid);
  if (!s) { /* reset by the application in the middle of the message */
    m->body_keep = false;
    return 0;
  }
  /* mplex §Implementation notes: with no back pressure, a slow reader's
   * stream is reset ("Resetting the offending stream"). Checked as the data
   * arrives, so a message larger than the buffer passes a reader that keeps
   * up between reads. */
  if (n > m->cfg.max_stream_buffer - s->unconsumed) {
    m->body_keep = false;
    int rc = put_control(m, s, CWAKU__MPLEX_RESET_INITIATOR);
    stream_end(m, s, CWAKU_MUXER_EV_STREAM_RESET, CWAKU_ETOOBIG);
    return peer_provoked(m, rc);
  }
  if (n > s->rx_cap - s->rx_len) { /* rx_len <= unconsumed <= window */
    size_t cap = s->rx_cap ? s->rx_cap : 256;
    while (cap < s->rx_len + n)
      cap *= 2;
    if (cap > m->cfg.max_stream_buffer)
      cap = m->cfg.max_stream_buffer;
    uint8_t *r = realloc(s->rx, cap);
    if (!r)
      return fail(m, CWAKU_ENOMEM);
    s->rx = r;
    s->rx_cap = cap;
  }
  memcpy(s->rx + s->rx_len, p, n);
  s->rx_len += n;
  s->unconsumed += n;
  if (!s->data_queued) {
    s->data_queued = true;
    ev_push(m, CWAKU_MUXER_EV_DATA, s, 0);
  }
  return 0;
}

static int mplex_recv(struct cwaku__muxer *mux, const uint8_t *in, size_t inlen,
                      uint64_t now_ns) {
  struct mplex *m = M(mux);
  while (inlen > 0 && !m->err) {
    if (m->in_body) {
      size_t n = inlen < m->body_left ? inlen : (size_t)m->body_left;
      int rc = on_body(m, in, n);
      if (rc)
        return rc;
      in += n;
      inlen -= n;
      m->body_left -= n;
      m->in_body = m->body_left > 0;
      continue;
    }
    /* mplex §Message format: header = uvarint (id << 3 | flag), then
     * uvarint length, then the data. */
    size_t take = HDR_MAX - m->hdr_len;
    if (take > inlen)
      take = inlen;
    memcpy(m->hdr + m->hdr_len, in, take);
    struct cwaku__rcur c;
    cwaku__rcur_init(&c, m->hdr, m->hdr_len + take);
    uint64_t h = cwaku__rcur_uvarint(&c);
    uint64_t len = cwaku__rcur_uvarint(&c);
    int rc = cwaku__rcur_err(&c);
    if (rc == CWAKU_ETRUNC) { /* only when all of in went into hdr */
      m->hdr_len += take;
      break;
    }
    if (rc)
      return fail(m, rc);
    size_t used = m->hdr_len + take - cwaku__rcur_left(&c);
    in += used - m->hdr_len;
    inlen -= used - m->hdr_len;
    m->hdr_len = 0;
    /* "limited to a maximum size agreed upon out of band (... 1MB)":
     * refused before any of the data is read. */
    if (len > CWAKU__MPLEX_MAX_MESSAGE)
      return fail(m, CWAKU_ETOOBIG);
    rc = on_header(m, h >> 3, (unsigned)(h & 7), len);
    if (rc)
      return rc;
    m->body_left = len;
    m->in_body = len > 0;
  }
  return m->err;
}

/* ---- events ---- */

static void mplex_next_event(struct cwaku__muxer *mux,
                             struct cwaku_muxer_event *ev) {
  struct mplex *m = M(mux);
  free(m->held);
  m->held = NULL;
  memset(ev, 0, sizeof *ev);
  ev->type = CWAKU_MUXER_EV_NONE;
  while (m->ev_len > 0) {
    struct ev e = m->evq[m->ev_head];
    m->ev_head = (m->ev_head + 1) % m->ev_cap;
    m->ev_len--;
    struct stream *s = e.s;
    switch (e.type) {
    case CWAKU_MUXER_EV_NONE:
    case CWAKU_MUXER_EV_PING:
    case CWAKU_MUXER_EV_GOAWAY:
      continue; /* never queued by mplex */
    case CWAKU_MUXER_EV_DATA:
      s->data_queued = false;
      if (s->reset || s->rx_len == 0)
        continue;
      ev->type = e.type;
      ev->stream_id = s->sid;
      ev->data = s->rx;
      ev->len = s->rx_len;
      m->held = s->rx;
      s->rx = NULL;
      s->rx_len = s->rx_cap = 0;
      return;
    case CWAKU_MUXER_EV_WRITABLE:
      s->writable_queued = false;
      if (s->ended)
        continue;
      ev->type = e.type;
      ev->stream_id = s->sid;
      return;
    case CWAKU_MUXER_EV_STREAM_OPENED:
    case CWAKU_MUXER_EV_STREAM_FIN:
      ev->type = e.type;
      ev->stream_id = s->sid;
      return;
    case CWAKU_MUXER_EV_STREAM_RESET:
    case CWAKU_MUXER_EV_STREAM_CLOSED:
      ev->type = e.type;
      ev->stream_id = s->sid;
      ev->error = e.error;
      stream_free(m, s);
      return;
    case CWAKU_MUXER_EV_ERROR:
      ev->type = e.type;
      ev->error = e.error;
      return;
    }
  }
}

/* ---- API ---- */

static int mplex_open_stream(struct cwaku__muxer *mux, uint64_t *stream_id) {
  struct mplex *m = M(mux);
  if (m->err)
    return m->err;
  if (m->going_away || m->next_id >= WIRE_ID_LIMIT)
    return CWAKU_EINVAL;
  if (m->n_outbound >= CWAKU__MPLEX_MAX_OUTBOUND)
    return CWAKU_ETOOBIG;
  struct stream *s;
  int rc = stream_new(m, &s, m->next_id, true);
  if (rc)
    return rc;
  /* The name is "purely for interfaces"; like go-multiplex and js-libp2p we
   * send the id in decimal. */
  char name[24];
  int nlen = snprintf(name, sizeof name, "%" PRIu64, s->wire_id);
  rc =
      put_frame(m, m->cfg.max_output + CWAKU__MPLEX_CONTROL_RESERVE, s->wire_id,
                CWAKU__MPLEX_NEW_STREAM, (const uint8_t *)name, (size_t)nlen);
  if (rc) {
    bool found;
    size_t i = tab_find(m, s->sid, &found);
    memmove(&m->tab[i], &m->tab[i + 1], (m->ntab - i - 1) * sizeof *m->tab);
    m->ntab--;
    stream_free(m, s);
    return rc;
  }
  /* mplex §Opening a new stream: the session initiator allocates odd ids,
   * the session receiver even ones. */
  m->next_id += 2;
  *stream_id = s->sid;
  return 0;
}

static int mplex_write(struct cwaku__muxer *mux, uint64_t stream_id,
                       const uint8_t *data, size_t len, size_t *accepted) {
  struct mplex *m = M(mux);
  *accepted = 0;
  if (m->err)
    return m->err;
  struct stream *s = lookup(m, stream_id);
  if (!s)
    return CWAKU_ENOTFOUND;
  /* mplex §Closing a stream: "Writing to a stream after it has been closed
   * should result in an error." */
  if (s->local_closed)
    return CWAKU_EINVAL;
  enum cwaku__mplex_flag f =
      s->ours ? CWAKU__MPLEX_MESSAGE_INITIATOR : CWAKU__MPLEX_MESSAGE_RECEIVER;
  size_t hlen = cwaku__uvarint_len(s->wire_id << 3 | (uint64_t)f);
  size_t done = 0;
  int rc = 0;
  while (done < len) {
    size_t pending = out_pending(m);
    if (pending >= m->cfg.max_output)
      break;
    size_t room = m->cfg.max_output - pending;
    size_t chunk = len - done;
    if (chunk > CWAKU__MPLEX_MAX_MESSAGE)
      chunk = CWAKU__MPLEX_MAX_MESSAGE;
    /* The length of a message of at most 1 MiB takes 1..3 bytes. */
    if (hlen + cwaku__uvarint_len(chunk) + chunk > room) {
      if (room <= hlen + 3)
        break;
      chunk = room - hlen - 3;
    }
    rc = put_frame(m, m->cfg.max_output, s->wire_id, f, data + done, chunk);
    if (rc)
      break;
    done += chunk;
  }
  *accepted = done;
  if (done < len) { /* EV_WRITABLE once the output has drained */
    s->blocked = true;
    m->any_blocked = true;
  }
  return done > 0 || rc == CWAKU_ETOOBIG ? 0 : rc;
}

static int mplex_close_write(struct cwaku__muxer *mux, uint64_t stream_id) {
  struct mplex *m = M(mux);
  if (m->err)
    return m->err;
  struct stream *s = lookup(m, stream_id);
  if (!s)
    return CWAKU_ENOTFOUND;
  if (s->local_closed)
    return 0;
  /* mplex §Closing a stream: a zero-length Close{Initiator,Receiver}. */
  int rc = put_control(m, s, CWAKU__MPLEX_CLOSE_INITIATOR);
  if (rc)
    return rc;
  s->local_closed = true;
  if (s->remote_closed)
    stream_end(m, s, CWAKU_MUXER_EV_STREAM_CLOSED, 0);
  return 0;
}

static int mplex_reset(struct cwaku__muxer *mux, uint64_t stream_id) {
  struct mplex *m = M(mux);
  if (m->err)
    return m->err;
  struct stream *s = lookup(m, stream_id);
  if (!s)
    return CWAKU_ENOTFOUND;
  /* mplex §Resetting a stream: a zero-length Reset{Initiator,Receiver}. */
  int rc = put_control(m, s, CWAKU__MPLEX_RESET_INITIATOR);
  if (rc)
    return rc;
  stream_end(m, s, CWAKU_MUXER_EV_STREAM_RESET, 0);
  return 0;
}

static int mplex_stream_consumed(struct cwaku__muxer *mux, uint64_t stream_id,
                                 size_t n) {
  struct mplex *m = M(mux);
  struct stream *s = lookup(m, stream_id);
  if (!s) /* ended: its data may still be reported, nothing to count */
    return 0;
  if (n > s->unconsumed)
    return CWAKU_EINVAL;
  s->unconsumed -= n;
  return 0;
}

static void mplex_stream_max_window(struct cwaku__muxer *mux,
                                    uint64_t stream_id, uint32_t max) {
  /* no window: max_stream_buffer bounds what a stream may hold */
}

static int mplex_ping(struct cwaku__muxer *mux, uint64_t now_ns) {
  return CWAKU_EUNSUPPORTED; /* mplex has no ping */
}

/* mplex has no GoAway message: refuse new streams and half-close all. */
static int mplex_go_away(struct cwaku__muxer *mux) {
  struct mplex *m = M(mux);
  if (m->err)
    return m->err;
  m->going_away = true;
  for (size_t i = 0; i < m->ntab;) {
    struct stream *s = m->tab[i];
    int rc = mplex_close_write(mux, s->sid);
    if (rc)
      return rc;
    if (i < m->ntab && m->tab[i] == s) /* else it ended and left the table */
      i++;
  }
  return 0;
}

static void mplex_output(struct cwaku__muxer *mux, const uint8_t **data,
                         size_t *len) {
  struct mplex *m = M(mux);
  *data = m->out.p ? m->out.p + m->out_head : NULL;
  *len = out_pending(m);
}

static void mplex_output_consumed(struct cwaku__muxer *mux, size_t n) {
  struct mplex *m = M(mux);
  if (n > out_pending(m))
    n = out_pending(m);
  m->out_head += n;
  if (m->out_head == m->out.len)
    m->out_head = m->out.len = 0;
  else if (m->out_head >= m->out.len / 2)
    out_compact(m);
  /* Announce room once the output has drained to half its cap. */
  if (!m->any_blocked || out_pending(m) > m->cfg.max_output / 2)
    return;
  m->any_blocked = false;
  for (size_t i = 0; i < m->ntab; i++) {
    struct stream *s = m->tab[i];
    if (!s->blocked)
      continue;
    s->blocked = false;
    if (!s->writable_queued && !s->local_closed) {
      s->writable_queued = true;
      ev_push(m, CWAKU_MUXER_EV_WRITABLE, s, 0);
    }
  }
}

static void mplex_free(struct cwaku__muxer *mux) {
  struct mplex *m = M(mux);
  if (!m)
    return;
  while (m->all)
    stream_free(m, m->all);
  free(m->tab);
  free(m->evq);
  free(m->held);
  cwaku__wbuf_clear(&m->out);
  free(m);
}

static const struct cwaku__muxer_ops mplex_ops = {
    .protocol_id = CWAKU__MPLEX_PROTOCOL_ID,
    .free = mplex_free,
    .recv = mplex_recv,
    .next_event = mplex_next_event,
    .open_stream = mplex_open_stream,
    .write = mplex_write,
    .close_write = mplex_close_write,
    .reset = mplex_reset,
    .stream_consumed = mplex_stream_consumed,
    .stream_max_window = mplex_stream_max_window,
    .ping = mplex_ping,
    .go_away = mplex_go_away,
    .output = mplex_output,
    .output_consumed = mplex_output_consumed,
};

struct cwaku__muxer *cwaku__mplex_new(bool is_initiator_side,
                                      const struct cwaku_muxer_config *cfg) {
  struct cwaku_muxer_config def;
  if (!cfg) {
    cwaku__muxer_config_default(&def);
    cfg = &def;
  }
  if (cfg->max_stream_buffer == 0 || cfg->max_output < 64 ||
      cfg->max_output > SIZE_MAX / 4)
    return NULL;
  struct mplex *m = calloc(1, sizeof *m);
  if (!m)
    return NULL;
  m->base.ops = &mplex_ops;
  m->cfg = *cfg;
  m->next_id = is_initiator_side ? 1 : 0;
  cwaku__wbuf_init(&m->out, cfg->max_output + CWAKU__MPLEX_CONTROL_RESERVE);
  if (ev_reserve(m, 16)) {
    free(m);
    return NULL;
  }
  return &m->base;
}
