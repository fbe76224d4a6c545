#include "connection.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "cwaku/log.h"
#include "mplex.h"
#include "multistream.h"
#include "noise.h"
#include "yamux.h"

/* Raw bytes kept between reads: at most a partial Noise frame (65537) plus
 * one transport read. */
#define CONN_MAX_RAW (256 * 1024)
#define CONN_RECV_PIECE (64 * 1024)
/* Decrypted bytes processed per round. */
#define CONN_MAX_PLAIN (1024 * 1024)
/* Bytes to send, not yet taken by the driver. */
#define CONN_MAX_WIRE (8u * 1024 * 1024)
/* Muxer output is encrypted only while less than this waits for the
 * driver: the rest stays with the muxer, whose limits push back on the
 * streams, and what is encrypted is still in cache when the socket takes
 * it. */
#define CONN_WIRE_HIGH (256u * 1024)
#define CONN_MAX_STREAMS 4096

static const char *const security_protocols[] = {"/noise"};
/* yamux first: it has flow control; mplex for stock js-waku light nodes. */
static const char *const muxer_protocols[] = {"/yamux/1.0.0", "/mplex/6.7.0"};

struct stream {
  uint64_t id;
  bool inbound;
  bool negotiated;
  const struct cwaku__proto_handler *h;
  const char *proposal[1]; /* outbound: the one protocol we ask for */
  const char **served;     /* inbound: the protocols we offer */
  struct cwaku__mss mss;
};

struct cwaku__conn {
  struct cwaku__conn_config cfg;
  enum cwaku__conn_state state;
  bool noise_started;
  bool mux_inlined; /* chosen in the Noise handshake */
  bool closed_reported;
  int error;
  struct cwaku__mss mss; /* the security, then the muxer negotiation */
  struct cwaku__noise noise;
  struct cwaku__muxer *mux;
  const char *mux_name;
  struct cwaku__wbuf raw;   /* unprocessed transport bytes */
  struct cwaku__wbuf plain; /* unprocessed decrypted bytes */
  struct cwaku__wbuf wire;  /* bytes for the transport */
  size_t wire_off;          /* how many of them the driver took */
  struct cwaku__wbuf tmp;   /* plaintext on its way into Noise */
  const char **served;      /* protocol ids of cfg.handlers */
  struct stream **streams;
  size_t n_streams;
};

static void conn_fail(struct cwaku__conn *c, int err);

/* ---- streams ------------------------------------------------------------ */

static struct stream *find_stream(struct cwaku__conn *c, uint64_t id) {
  for (size_t i = 0; i < c->n_streams; i++)
    if (c->streams[i]->id == id)
      return c->streams[i];
  return NULL;
}

static struct stream *add_stream(struct cwaku__conn *c, uint64_t id,
                                 bool inbound) {
  if (c->n_streams == CONN_MAX_STREAMS)
    return NULL;
  struct stream *s = calloc(1, sizeof *s);
  if (!s)
    return NULL;
  s->id = id;
  s->inbound = inbound;
  c->streams[c->n_streams++] = s;
  return s;
}

static void remove_stream(struct cwaku__conn *c, struct stream *s, int err) {
  for (size_t i = 0; i < c->n_streams; i++) {
    if (c->streams[i] != s)
      continue;
    c->streams[i] = c->streams[--c->n_streams];
    break;
  }
  const struct cwaku__proto_handler *h = s->h;
  uint64_t id = s->id;
  free(s);
  if (h && h->on_close)
    h->on_close(c, id, err, h->ctx);
}

static size_t inbound_count(const struct cwaku__conn *c,
                            const struct cwaku__proto_handler *h) {
  size_t n = 0;
  for (size_t i = 0; i < c->n_streams; i++)
    n += c->streams[i]->inbound && c->streams[i]->negotiated &&
         c->streams[i]->h == h;
  return n;
}

/* ---- output ------------------------------------------------------------- */

/* Moves muxer output into Noise frames on the wire, as far as room goes. */
static void flush_muxer(struct cwaku__conn *c) {
  if (!c->mux || c->state == CWAKU__CONN_CLOSED)
    return;
  while (c->wire.len - c->wire_off < CONN_WIRE_HIGH) {
    const uint8_t *p;
    size_t n;
    c->mux->ops->output(c->mux, &p, &n);
    if (n == 0)
      return;
    if (n > CWAKU__NOISE_MAX_PLAIN)
      n = CWAKU__NOISE_MAX_PLAIN; /* one whole frame at a time */
    int r = cwaku__noise_send(&c->noise, &c->wire, p, n);
    if (r == CWAKU_ETOOBIG)
      return; /* the driver has not taken enough yet */
    if (r) {
      conn_fail(c, r);
      return;
    }
    c->mux->ops->output_consumed(c->mux, n);
  }
}

/* Encrypts what negotiation wrote into tmp. */
static int flush_tmp(struct cwaku__conn *c) {
  int r = cwaku__wbuf_err(&c->tmp);
  if (!r && c->tmp.len)
    r = cwaku__noise_send(&c->noise, &c->wire, c->tmp.p, c->tmp.len);
  cwaku__wbuf_reset(&c->tmp);
  return r;
}

/* Writes negotiation bytes (small) onto a stream; all must fit. */
static int stream_put(struct cwaku__conn *c, uint64_t id,
                      struct cwaku__wbuf *b) {
  int r = cwaku__wbuf_err(b);
  size_t accepted = 0;
  if (!r && b->len) {
    r = c->mux->ops->write(c->mux, id, b->p, b->len, &accepted);
    if (!r && accepted != b->len)
      r = CWAKU_ETOOBIG;
  }
  cwaku__wbuf_reset(b);
  return r;
}

/* ---- muxer events ------------------------------------------------------- */

static void stream_refuse(struct cwaku__conn *c, struct stream *s, int err) {
  c->mux->ops->reset(c->mux, s->id);
  remove_stream(c, s, err);
}

static void limit_window(struct cwaku__conn *c, const struct stream *s) {
  if (s->h->manual_flow && s->h->max_unconsumed)
    c->mux->ops->stream_max_window(c->mux, s->id, s->h->max_unconsumed);
}

static void stream_data(struct cwaku__conn *c, struct stream *s,
                        const uint8_t *data, size_t len) {
  uint64_t id = s->id;
  size_t used = 0;
  if (!s->negotiated) {
    int r = cwaku__mss_recv(&s->mss, &c->tmp, data, len, &used);
    if (!r)
      r = stream_put(c, id, &c->tmp);
    if (r) {
      c->mux->ops->stream_consumed(c->mux, id, len);
      stream_refuse(c, s, r);
      return;
    }
    if (cwaku__mss_state(&s->mss) != CWAKU__MSS_SELECTED) {
      c->mux->ops->stream_consumed(c->mux, id, len);
      return;
    }
    s->negotiated = true;
    if (s->inbound) {
      int i = cwaku__mss_selected(&s->mss);
      s->h = c->cfg.handlers[i];
      if (s->h->max_inbound && inbound_count(c, s->h) > s->h->max_inbound) {
        c->mux->ops->stream_consumed(c->mux, id, len);
        stream_refuse(c, s, CWAKU_ETOOBIG);
        return;
      }
    }
    c->mux->ops->stream_consumed(c->mux, id, used);
    limit_window(c, s);
    if (s->h->on_open)
      s->h->on_open(c, id, s->inbound, s->h->ctx);
    s = find_stream(c, id); /* the handler may have reset it */
    if (!s)
      return;
  }
  if (len > used && s->h->on_data) {
    const struct cwaku__proto_handler *h = s->h;
    h->on_data(c, id, data + used, len - used, h->ctx);
    if (!h->manual_flow && c->mux && find_stream(c, id))
      c->mux->ops->stream_consumed(c->mux, id, len - used);
  }
}

static void handle_events(struct cwaku__conn *c) {
  struct cwaku_muxer_event ev;
  while (c->state == CWAKU__CONN_READY) {
    c->mux->ops->next_event(c->mux, &ev);
    struct stream *s = NULL;
    switch (ev.type) {
    case CWAKU_MUXER_EV_NONE:
      return;
    case CWAKU_MUXER_EV_STREAM_OPENED:
      s = add_stream(c, ev.stream_id, true);
      if (!s) {
        c->mux->ops->reset(c->mux, ev.stream_id);
        break;
      }
      cwaku__mss_init_responder(&s->mss, c->served, c->cfg.n_handlers);
      if (cwaku__mss_start(&s->mss, &c->tmp) || stream_put(c, s->id, &c->tmp))
        stream_refuse(c, s, CWAKU_EMALFORMED);
      break;
    case CWAKU_MUXER_EV_DATA:
      if ((s = find_stream(c, ev.stream_id)) != NULL)
        stream_data(c, s, ev.data, ev.len);
      else
        c->mux->ops->stream_consumed(c->mux, ev.stream_id, ev.len);
      break;
    case CWAKU_MUXER_EV_STREAM_FIN:
      if ((s = find_stream(c, ev.stream_id)) != NULL) {
        if (s->negotiated && s->h->on_fin)
          s->h->on_fin(c, s->id, s->h->ctx);
        else if (!s->negotiated)
          stream_refuse(c, s, CWAKU_EUNSUPPORTED);
      }
      break;
    case CWAKU_MUXER_EV_WRITABLE:
      if ((s = find_stream(c, ev.stream_id)) != NULL && s->negotiated &&
          s->h->on_writable)
        s->h->on_writable(c, s->id, s->h->ctx);
      break;
    case CWAKU_MUXER_EV_STREAM_RESET:
    case CWAKU_MUXER_EV_STREAM_CLOSED:
      /* A stream we opened that ends unnegotiated was refused; an inbound
       * one has no handler yet, so nobody is told. */
      if ((s = find_stream(c, ev.stream_id)) != NULL)
        remove_stream(c, s,
                      !s->negotiated ? CWAKU_EUNSUPPORTED
                      : ev.type == CWAKU_MUXER_EV_STREAM_RESET ? CWAKU_EIO
                                                               : 0);
      break;
    case CWAKU_MUXER_EV_PING:
      if (c->cfg.on_rtt)
        c->cfg.on_rtt(c, ev.rtt_ns, c->cfg.arg);
      break;
    case CWAKU_MUXER_EV_GOAWAY:
      cwaku_log(CWAKU_LOG_DEBUG, "conn", "remote sent go-away (%d)", ev.error);
      break;
    case CWAKU_MUXER_EV_ERROR:
      conn_fail(c, ev.error ? ev.error : CWAKU_EMALFORMED);
      return;
    }
  }
}

/* ---- the upgrade -------------------------------------------------------- */

static int start_noise(struct cwaku__conn *c) {
  struct cwaku__noise_config nc = {
      .initiator = c->cfg.initiator,
      .identity = c->cfg.identity,
      .rng = c->cfg.rng,
      .expected_peer = c->cfg.expected_peer,
      .stream_muxers = c->cfg.muxers,
      .n_stream_muxers = c->cfg.no_inlined_muxer ? 0 : c->cfg.n_muxers,
  };
  c->noise_started = true;
  return cwaku__noise_init(&c->noise, &c->wire, &nc);
}

static int start_muxer(struct cwaku__conn *c, int index, uint64_t now_ns);

/* inlined-muxer-negotiation.md §Multiplexer Negotiation over Noise: "The
 * multiplexer to use is determined by picking the first item from the
 * initiator's list that both parties support"; no overlap fails the
 * handshake. Returns our index of it, or -1. */
static int inlined_muxer(const struct cwaku__conn *c) {
  size_t n_remote = cwaku__noise_remote_muxer_count(&c->noise);
  size_t n_first = c->cfg.initiator ? c->cfg.n_muxers : n_remote;
  for (size_t i = 0; i < n_first; i++) {
    const char *cand = c->cfg.initiator
                           ? c->cfg.muxers[i]
                           : cwaku__noise_remote_muxer(&c->noise, i);
    for (size_t j = 0; j < c->cfg.n_muxers; j++) {
      bool ours = strcmp(cand, c->cfg.muxers[j]) == 0;
      for (size_t k = 0; ours && c->cfg.initiator && k < n_remote; k++)
        if (strcmp(cand, cwaku__noise_remote_muxer(&c->noise, k)) == 0)
          return (int)j;
      if (ours && !c->cfg.initiator)
        return (int)j;
    }
  }
  return -1;
}

static int start_muxer_negotiation(struct cwaku__conn *c, uint64_t now_ns) {
  /* A remote that listed muxers in its Noise payload skips the
   * multistream round (js-libp2p, go-libp2p); one that did not (nwaku)
   * negotiates with multistream-select. */
  if (cwaku__noise_remote_muxer_count(&c->noise) > 0 &&
      !c->cfg.no_inlined_muxer) {
    int i = inlined_muxer(c);
    if (i < 0)
      return CWAKU_EUNSUPPORTED;
    c->mux_inlined = true;
    return start_muxer(c, i, now_ns);
  }
  c->state = CWAKU__CONN_MUXING;
  if (c->cfg.initiator)
    cwaku__mss_init_initiator(&c->mss, c->cfg.muxers, c->cfg.n_muxers);
  else
    cwaku__mss_init_responder(&c->mss, c->cfg.muxers, c->cfg.n_muxers);
  int r = cwaku__mss_start(&c->mss, &c->tmp);
  return r ? r : flush_tmp(c);
}

static int start_muxer(struct cwaku__conn *c, int index, uint64_t now_ns) {
  c->mux_name = c->cfg.muxers[index];
  /* Decrypted data goes to the muxer, and its events are all taken before
   * the plaintext buffer is reused (process_plain): DATA events may point
   * into it instead of at copies. */
  c->cfg.muxer.lend_input = true;
  if (strcmp(c->mux_name, muxer_protocols[0]) == 0)
    c->mux = cwaku__yamux_new(c->cfg.initiator, &c->cfg.muxer);
  else if (strcmp(c->mux_name, muxer_protocols[1]) == 0)
    c->mux = cwaku__mplex_new(c->cfg.initiator, &c->cfg.muxer);
  else
    return CWAKU_EUNSUPPORTED;
  if (!c->mux)
    return CWAKU_ENOMEM;
  c->state = CWAKU__CONN_READY;
  /* A first ping measures the round trip at once, as js-libp2p-yamux does:
   * yamux grows a stream's window only once it knows it (mplex: no ping). */
  (void)c->mux->ops->ping(c->mux, now_ns);
  if (c->cfg.on_ready)
    c->cfg.on_ready(c, c->cfg.arg);
  return 0;
}

/* Feeds decrypted bytes to the muxer negotiation, then to the muxer. */
static int process_plain(struct cwaku__conn *c, uint64_t now_ns) {
  size_t off = 0;
  int r = 0;
  if (c->state == CWAKU__CONN_MUXING) {
    size_t used = 0;
    r = cwaku__mss_recv(&c->mss, &c->tmp, c->plain.p, c->plain.len, &used);
    if (!r)
      r = flush_tmp(c);
    off = used;
    if (!r && cwaku__mss_state(&c->mss) == CWAKU__MSS_SELECTED)
      r = start_muxer(c, cwaku__mss_selected(&c->mss), now_ns);
  }
  if (!r && c->state == CWAKU__CONN_READY && off < c->plain.len) {
    r = c->mux->ops->recv(c->mux, c->plain.p + off, c->plain.len - off, now_ns);
    off = c->plain.len;
    handle_events(c);
  }
  cwaku__wbuf_reset(&c->plain);
  return r;
}

static int recv_piece(struct cwaku__conn *c, const uint8_t *in, size_t len,
                      uint64_t now_ns);

/* Input goes through in pieces, so the raw buffer holds at most one piece
 * and a partial frame whatever the driver hands over at once. */
int cwaku__conn_recv(struct cwaku__conn *c, const uint8_t *in, size_t len,
                     uint64_t now_ns) {
  int r = 0;
  if (len == 0)
    return c->state == CWAKU__CONN_CLOSED ? (c->error ? c->error : CWAKU_EIO)
                                          : 0;
  do {
    size_t n = len < CONN_RECV_PIECE ? len : CONN_RECV_PIECE;
    r = recv_piece(c, in, n, now_ns);
    in += n;
    len -= n;
  } while (!r && len > 0);
  return r;
}

/* Runs bytes through multistream, Noise and the muxer; *used tells how
 * many were taken (the rest is a partial frame). */
static int consume(struct cwaku__conn *c, const uint8_t *buf, size_t len,
                   uint64_t now_ns, size_t *used_out) {
  int r = 0;
  size_t off = 0;
  while (!r && off < len && c->state != CWAKU__CONN_CLOSED) {
    size_t used = 0;
    if (!c->noise_started) {
      r = cwaku__mss_recv(&c->mss, &c->wire, buf + off, len - off, &used);
      off += used;
      if (!r && cwaku__mss_state(&c->mss) == CWAKU__MSS_SELECTED)
        r = start_noise(c);
      else if (!r && used == 0)
        break;
      continue;
    }
    bool was_ready = cwaku__noise_state(&c->noise) == CWAKU__NOISE_READY;
    r = cwaku__noise_recv(&c->noise, &c->wire, &c->plain, buf + off, len - off,
                          &used);
    off += used;
    if (!r && !was_ready && cwaku__noise_state(&c->noise) == CWAKU__NOISE_READY)
      r = start_muxer_negotiation(c, now_ns);
    if (!r && c->plain.len)
      r = process_plain(c, now_ns);
    if (!r && used == 0)
      break; /* an incomplete frame: wait for more */
  }
  *used_out = off;
  return r;
}

/* How many more bytes the partial Noise frame in raw needs, once its
 * length is known; len (all of it) before that. */
static size_t frame_rest(const struct cwaku__conn *c, size_t len) {
  if (!c->noise_started || cwaku__noise_state(&c->noise) != CWAKU__NOISE_READY)
    return len;
  if (c->raw.len < 2)
    return len < 2 - c->raw.len ? len : 2 - c->raw.len;
  size_t frame = 2 + ((size_t)c->raw.p[0] << 8 | c->raw.p[1]);
  size_t need = frame > c->raw.len ? frame - c->raw.len : 0;
  return len < need ? len : need;
}

/* Keeps the untaken bytes of raw at its start. */
static void raw_consumed(struct cwaku__conn *c, size_t used) {
  if (used) {
    memmove(c->raw.p, c->raw.p + used, c->raw.len - used);
    c->raw.len -= used;
  }
}

/* Bytes are read in place; only a frame split across reads is copied into
 * raw, and only up to its end. */
static int recv_piece(struct cwaku__conn *c, const uint8_t *in, size_t len,
                      uint64_t now_ns) {
  if (c->state == CWAKU__CONN_CLOSED)
    return c->error ? c->error : CWAKU_EIO;
  int r = 0;
  size_t used;
  while (!r && c->raw.len > 0 && len > 0 && c->state != CWAKU__CONN_CLOSED) {
    size_t take = frame_rest(c, len);
    cwaku__wbuf_put(&c->raw, in, take);
    if ((r = cwaku__wbuf_err(&c->raw)))
      break;
    in += take;
    len -= take;
    r = consume(c, c->raw.p, c->raw.len, now_ns, &used);
    raw_consumed(c, used);
    if (!r && used == 0 && take == 0) {
      /* no progress on a whole frame (cannot happen; be safe): queue all */
      cwaku__wbuf_put(&c->raw, in, len);
      len = 0;
      r = cwaku__wbuf_err(&c->raw);
      if (!r) {
        r = consume(c, c->raw.p, c->raw.len, now_ns, &used);
        raw_consumed(c, used);
      }
    }
  }
  if (!r && len > 0 && c->state != CWAKU__CONN_CLOSED) {
    r = consume(c, in, len, now_ns, &used);
    if (!r && used < len) {
      cwaku__wbuf_put(&c->raw, in + used, len - used);
      r = cwaku__wbuf_err(&c->raw);
    }
  }
  if (!r)
    flush_muxer(c);
  if (r)
    conn_fail(c, r);
  return r;
}

/* ---- lifecycle ---------------------------------------------------------- */

int cwaku__conn_new(struct cwaku__conn **out,
                    const struct cwaku__conn_config *cfg) {
  /* libsodium chooses its vectorised ChaCha20-Poly1305 in sodium_init and
   * runs portable code until then (2.5x slower here); it is idempotent. */
  if (sodium_init() < 0)
    return CWAKU_ECRYPTO;
  struct cwaku__conn *c = calloc(1, sizeof *c);
  if (!c)
    return CWAKU_ENOMEM;
  c->cfg = *cfg;
  if (!c->cfg.muxers) {
    c->cfg.muxers = muxer_protocols;
    c->cfg.n_muxers = sizeof muxer_protocols / sizeof muxer_protocols[0];
  }
  c->streams = calloc(CONN_MAX_STREAMS, sizeof *c->streams);
  c->served = calloc(cfg->n_handlers + 1, sizeof *c->served);
  if (!c->streams || !c->served) {
    free(c->streams);
    free(c->served);
    free(c);
    return CWAKU_ENOMEM;
  }
  for (size_t i = 0; i < cfg->n_handlers; i++)
    c->served[i] = cfg->handlers[i]->protocol;
  cwaku__wbuf_init(&c->raw, CONN_MAX_RAW);
  cwaku__wbuf_init(&c->plain, CONN_MAX_PLAIN);
  cwaku__wbuf_init(&c->wire, CONN_MAX_WIRE);
  cwaku__wbuf_init(&c->tmp, 64 * 1024);
  c->state = CWAKU__CONN_SECURING;
  if (cfg->initiator)
    cwaku__mss_init_initiator(&c->mss, security_protocols, 1);
  else
    cwaku__mss_init_responder(&c->mss, security_protocols, 1);
  int r = cwaku__mss_start(&c->mss, &c->wire);
  if (r) {
    cwaku__conn_free(c);
    return r;
  }
  *out = c;
  return 0;
}

void cwaku__conn_free(struct cwaku__conn *c) {
  if (!c)
    return;
  for (size_t i = 0; i < c->n_streams; i++)
    free(c->streams[i]);
  free(c->streams);
  free((void *)c->served);
  if (c->mux)
    c->mux->ops->free(c->mux);
  if (c->noise_started)
    cwaku__noise_clear(&c->noise);
  cwaku__wbuf_clear(&c->raw);
  cwaku__wbuf_clear(&c->plain);
  cwaku__wbuf_clear(&c->wire);
  cwaku__wbuf_clear(&c->tmp);
  free(c);
}

static void conn_fail(struct cwaku__conn *c, int err) {
  if (c->state == CWAKU__CONN_CLOSED)
    return;
  c->state = CWAKU__CONN_CLOSED;
  c->error = err;
  /* Every stream ends with the connection. */
  while (c->n_streams)
    remove_stream(c, c->streams[c->n_streams - 1], err ? err : CWAKU_EIO);
  if (!c->closed_reported) {
    c->closed_reported = true;
    if (c->cfg.on_closed)
      c->cfg.on_closed(c, err, c->cfg.arg);
  }
}

void cwaku__conn_close(struct cwaku__conn *c, int err) {
  if (c->state == CWAKU__CONN_READY && err == 0) {
    c->mux->ops->go_away(c->mux);
    flush_muxer(c);
  }
  conn_fail(c, err);
}

void cwaku__conn_output(struct cwaku__conn *c, const uint8_t **data,
                        size_t *len) {
  *data = c->wire.p + c->wire_off;
  *len = c->wire.len - c->wire_off;
}

void cwaku__conn_output_consumed(struct cwaku__conn *c, size_t n) {
  c->wire_off += n;
  if (c->wire_off == c->wire.len) {
    c->wire.len = 0;
    c->wire_off = 0;
  } else if (c->wire_off > c->wire.len / 2) {
    memmove(c->wire.p, c->wire.p + c->wire_off, c->wire.len - c->wire_off);
    c->wire.len -= c->wire_off;
    c->wire_off = 0;
  }
  flush_muxer(c);   /* room again: let more muxer output through */
  handle_events(c); /* and tell the streams that waited for it */
}

enum cwaku__conn_state cwaku__conn_state(const struct cwaku__conn *c) {
  return c->state;
}

const cwaku_peer_id *cwaku__conn_remote_peer(const struct cwaku__conn *c) {
  return c->noise_started ? cwaku__noise_remote_peer(&c->noise) : NULL;
}

void *cwaku__conn_arg(const struct cwaku__conn *c) {
  return c->cfg.arg;
}

bool cwaku__conn_muxer_inlined(const struct cwaku__conn *c) {
  return c->mux_inlined;
}

const char *cwaku__conn_muxer(const struct cwaku__conn *c) {
  return c->mux_name;
}

/* ---- streams, from the application side -------------------------------- */

int cwaku__conn_open_stream(struct cwaku__conn *c, uint64_t *stream,
                            const struct cwaku__proto_handler *h) {
  if (c->state != CWAKU__CONN_READY)
    return CWAKU_EINVAL;
  uint64_t id;
  int r = c->mux->ops->open_stream(c->mux, &id);
  if (r)
    return r;
  struct stream *s = add_stream(c, id, false);
  if (!s) {
    c->mux->ops->reset(c->mux, id);
    return CWAKU_ETOOBIG;
  }
  s->h = h;
  limit_window(c, s);
  s->proposal[0] = h->protocol;
  cwaku__mss_init_initiator(&s->mss, s->proposal, 1);
  r = cwaku__mss_start(&s->mss, &c->tmp);
  if (!r)
    r = stream_put(c, id, &c->tmp);
  if (r) {
    c->mux->ops->reset(c->mux, id);
    s->h = NULL;
    remove_stream(c, s, r);
    return r;
  }
  *stream = id;
  flush_muxer(c);
  return 0;
}

int cwaku__conn_stream_write(struct cwaku__conn *c, uint64_t stream,
                             const uint8_t *data, size_t len,
                             size_t *accepted) {
  *accepted = 0;
  struct stream *s =
      c->state == CWAKU__CONN_READY ? find_stream(c, stream) : NULL;
  if (!s || !s->negotiated)
    return CWAKU_EINVAL;
  int r = c->mux->ops->write(c->mux, stream, data, len, accepted);
  flush_muxer(c);
  return r;
}

int cwaku__conn_stream_close(struct cwaku__conn *c, uint64_t stream) {
  if (c->state != CWAKU__CONN_READY || !find_stream(c, stream))
    return CWAKU_EINVAL;
  int r = c->mux->ops->close_write(c->mux, stream);
  flush_muxer(c);
  handle_events(c);
  return r;
}

int cwaku__conn_stream_reset(struct cwaku__conn *c, uint64_t stream) {
  struct stream *s =
      c->state == CWAKU__CONN_READY ? find_stream(c, stream) : NULL;
  if (!s)
    return CWAKU_EINVAL;
  int r = c->mux->ops->reset(c->mux, stream);
  s->h = NULL; /* the caller asked: no callback */
  remove_stream(c, s, 0);
  flush_muxer(c);
  return r;
}

int cwaku__conn_stream_consumed(struct cwaku__conn *c, uint64_t stream,
                                size_t n) {
  if (c->state != CWAKU__CONN_READY || !find_stream(c, stream))
    return CWAKU_EINVAL;
  int r = c->mux->ops->stream_consumed(c->mux, stream, n);
  flush_muxer(c);
  return r;
}

int cwaku__conn_ping(struct cwaku__conn *c, uint64_t now_ns) {
  if (c->state != CWAKU__CONN_READY)
    return CWAKU_EINVAL;
  int r = c->mux->ops->ping(c->mux, now_ns);
  flush_muxer(c);
  return r;
}
