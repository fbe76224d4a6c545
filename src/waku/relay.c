#include "relay.h"

#include <stdlib.h>
#include <string.h>

#include "cwaku/log.h"
#include "p2p/length_prefix.h"

#define MAX_VALIDATORS 8
/* An RPC carries a message plus control and framing: nwaku reads pubsub
 * RPCs up to its message size limit with room for the rest. */
#define RPC_OVERHEAD (64 * 1024)

struct relay_conn {
  struct relay_conn *next;
  struct cwaku__conn *conn;
  struct cwaku__gossipsub_peer *peer; /* NULL until a stream is up */
  bool outbound, duplicate;
  uint8_t ip[16];
  size_t ip_len;
  bool out_open, out_opening, in_open;
  uint64_t out_stream, in_stream;
  struct cwaku__wbuf inbuf; /* the start of an RPC split across reads */
};

struct validator {
  cwaku_relay_validator_fn fn;
  void *arg;
};

struct cwaku_relay {
  struct cwaku_relay_config cfg;
  struct cwaku__gossipsub *router;
  struct cwaku__proto_handler handler;
  struct relay_conn *conns;
  struct validator validators[MAX_VALIDATORS];
  size_t n_validators;
  size_t max_rpc;
  /* The message validate just decoded: deliver follows at once when it
   * was accepted, and need not decode it again. */
  struct cwaku_message decoded;
  uint8_t decoded_id[CWAKU_GOSSIPSUB_ID_BYTES];
  bool has_decoded;
};

static void forget_decoded(struct cwaku_relay *r) {
  if (r->has_decoded)
    cwaku_message_clear(&r->decoded);
  r->has_decoded = false;
}

void cwaku_relay_config_default(struct cwaku_relay_config *cfg) {
  memset(cfg, 0, sizeof *cfg);
  cwaku_gossipsub_params_default(&cfg->gossipsub);
  cfg->max_message_size = CWAKU_MESSAGE_MAX_DEFAULT;
  cfg->clock = cwaku_clock_system();
  cfg->rng = cwaku_rng_system();
}

static uint64_t mono(const struct cwaku_relay *r) {
  return r->cfg.clock->mono_ns(r->cfg.clock->arg);
}

static struct relay_conn *find_conn(const struct cwaku_relay *r,
                                    const struct cwaku__conn *c) {
  for (struct relay_conn *rc = r->conns; rc; rc = rc->next)
    if (rc->conn == c)
      return rc;
  return NULL;
}

/* ---- validation ------------------------------------------------------------
 */

/* nwaku's order: size, content topic, timestamp, then the validators. */
static int check_message(struct cwaku_relay *r, const char *pubsub_topic,
                         const struct cwaku_message *m, size_t encoded_len) {
  if (encoded_len > r->cfg.max_message_size)
    return CWAKU_ETOOBIG;
  if (m->content_topic_len == 0)
    return CWAKU_ETOPIC;
  if (r->cfg.timestamp_window_ns) {
    int64_t now = r->cfg.clock->now_ns(r->cfg.clock->arg);
    int64_t ts = m->has_timestamp ? m->timestamp : 0;
    uint64_t d =
        ts > now ? (uint64_t)ts - (uint64_t)now : (uint64_t)now - (uint64_t)ts;
    if (d > r->cfg.timestamp_window_ns)
      return CWAKU_ESTALE;
  }
  return 0;
}

static enum cwaku_gossipsub_validation
run_validators(struct cwaku_relay *r, const char *topic,
               const struct cwaku_message *m) {
  for (size_t i = 0; i < r->n_validators; i++) {
    enum cwaku_gossipsub_validation v =
        r->validators[i].fn(r->validators[i].arg, topic, m);
    if (v != CWAKU_GOSSIPSUB_ACCEPT)
      return v;
  }
  return CWAKU_GOSSIPSUB_ACCEPT;
}

static enum cwaku_gossipsub_validation
validate_cb(void *arg, const char *topic, const uint8_t *data, size_t len,
            const uint8_t id[CWAKU_GOSSIPSUB_ID_BYTES]) {
  struct cwaku_relay *r = arg;
  forget_decoded(r);
  /* 11/WAKU2-RELAY: data that is no WakuMessage is rejected. */
  if (cwaku_message_decode(&r->decoded, data, len, r->cfg.max_message_size) !=
      0)
    return CWAKU_GOSSIPSUB_REJECT;
  r->has_decoded = true;
  memcpy(r->decoded_id, id, sizeof r->decoded_id);
  enum cwaku_gossipsub_validation v = CWAKU_GOSSIPSUB_REJECT;
  if (check_message(r, topic, &r->decoded, len) == 0)
    v = run_validators(r, topic, &r->decoded);
  if (v != CWAKU_GOSSIPSUB_ACCEPT)
    forget_decoded(r);
  return v;
}

static void deliver_cb(void *arg, const char *topic, const uint8_t *data,
                       size_t len, const uint8_t id[CWAKU_GOSSIPSUB_ID_BYTES],
                       struct cwaku__gossipsub_peer *from) {
  struct cwaku_relay *r = arg;
  if (!r->cfg.on_message) {
    forget_decoded(r);
    return;
  }
  if (!r->has_decoded || memcmp(r->decoded_id, id, sizeof r->decoded_id)) {
    forget_decoded(r); /* a message whose validation came later */
    if (cwaku_message_decode(&r->decoded, data, len, r->cfg.max_message_size) !=
        0)
      return;
    r->has_decoded = true;
  }
  r->cfg.on_message(r->cfg.arg, topic, &r->decoded);
  forget_decoded(r);
}

static void disconnect_cb(void *arg, struct cwaku__gossipsub_peer *p) {
  struct cwaku_relay *r = arg;
  struct relay_conn *rc = cwaku__gossipsub_peer_arg(p);
  if (rc && r->cfg.on_bad_peer)
    r->cfg.on_bad_peer(r->cfg.arg, rc->conn);
}

/* ---- moving bytes
 * ------------------------------------------------------------ */

/* Writes what the router queued for rc while its stream takes it. */
static void write_out(struct cwaku_relay *r, struct relay_conn *rc) {
  if (!rc->peer || !rc->out_open)
    return;
  const uint8_t *data;
  size_t len, acc = 0;
  cwaku__gossipsub_output(rc->peer, &data, &len);
  if (len == 0)
    return;
  if (cwaku__conn_stream_write(rc->conn, rc->out_stream, data, len, &acc) == 0)
    cwaku__gossipsub_output_consumed(r->router, rc->peer, acc);
}

static void pump(struct cwaku_relay *r) {
  struct cwaku__gossipsub_peer *p;
  while ((p = cwaku__gossipsub_next_pending(r->router))) {
    struct relay_conn *rc = cwaku__gossipsub_peer_arg(p);
    if (rc)
      write_out(r, rc);
  }
}

static int ensure_peer(struct cwaku_relay *r, struct relay_conn *rc) {
  if (rc->peer || rc->duplicate)
    return rc->peer ? 0 : CWAKU_EINVAL;
  const cwaku_peer_id *id = cwaku__conn_remote_peer(rc->conn);
  if (!id)
    return CWAKU_EINVAL;
  int e = cwaku__gossipsub_add_peer(r->router, &rc->peer, id, rc->outbound,
                                    rc->ip_len ? rc->ip : NULL, rc->ip_len, rc,
                                    mono(r));
  if (e == CWAKU_EINVAL) /* relay already runs on another connection */
    rc->duplicate = true;
  return e;
}

/* Hands the complete RPCs at the start of data to the router; returns the
 * bytes used (the rest is the start of an RPC still coming), or SIZE_MAX
 * when the stream was reset for a bad frame. */
static size_t feed(struct cwaku_relay *r, struct relay_conn *rc,
                   const uint8_t *data, size_t len) {
  uint64_t now = mono(r);
  size_t used = 0;
  while (used < len && rc->peer) {
    const uint8_t *msg;
    size_t mlen, flen;
    int e = cwaku__lp_frame(&msg, &mlen, &flen, data + used, len - used,
                            r->max_rpc);
    if (e == CWAKU_ETRUNC)
      break;
    if (e) { /* too large or a bad prefix: this stream is done */
      cwaku__conn_stream_reset(rc->conn, rc->in_stream);
      return SIZE_MAX;
    }
    cwaku__gossipsub_recv_rpc(r->router, rc->peer, msg, mlen, now);
    used += flen;
  }
  return used;
}

static void on_data(struct cwaku__conn *c, uint64_t stream, const uint8_t *data,
                    size_t len, void *ctx) {
  struct cwaku_relay *r = ctx;
  struct relay_conn *rc = find_conn(r, c);
  if (!rc || !rc->in_open || stream != rc->in_stream || !rc->peer)
    return;
  if (rc->inbuf.len == 0) {
    /* The usual case: whole RPCs straight from the engine's buffer. */
    size_t used = feed(r, rc, data, len);
    if (used != SIZE_MAX && used < len)
      cwaku__wbuf_put(&rc->inbuf, data + used, len - used);
  } else {
    /* An RPC split across reads: the buffer keeps its storage, so a run
     * of large messages does not allocate again and again. */
    cwaku__wbuf_put(&rc->inbuf, data, len);
    if (rc->inbuf.err) {
      cwaku__conn_stream_reset(c, stream);
      cwaku__wbuf_reset(&rc->inbuf);
      return;
    }
    size_t used = feed(r, rc, rc->inbuf.p, rc->inbuf.len);
    if (used == SIZE_MAX || !rc->in_open) {
      cwaku__wbuf_reset(&rc->inbuf);
    } else if (used > 0) {
      memmove(rc->inbuf.p, rc->inbuf.p + used, rc->inbuf.len - used);
      rc->inbuf.len -= used;
    }
  }
  pump(r);
}

static struct relay_conn *add_conn(struct cwaku_relay *r,
                                   struct cwaku__conn *c);

static void on_open(struct cwaku__conn *c, uint64_t stream, bool inbound,
                    void *ctx) {
  struct cwaku_relay *r = ctx;
  struct relay_conn *rc = find_conn(r, c);
  if (!rc && inbound) /* before the driver told us the connection is up */
    rc = add_conn(r, c);
  if (!rc || ensure_peer(r, rc) != 0) {
    cwaku__conn_stream_reset(c, stream);
    return;
  }
  if (inbound) {
    /* A new stream from the peer replaces the old one (as js-libp2p's
     * pubsub does when a peer reconnects its stream). */
    if (rc->in_open)
      cwaku__conn_stream_reset(c, rc->in_stream);
    rc->in_open = true;
    rc->in_stream = stream;
    cwaku__wbuf_reset(&rc->inbuf);
  } else {
    rc->out_opening = false;
    rc->out_open = true;
    rc->out_stream = stream;
    write_out(r, rc);
  }
  pump(r);
}

static void on_writable(struct cwaku__conn *c, uint64_t stream, void *ctx) {
  struct cwaku_relay *r = ctx;
  struct relay_conn *rc = find_conn(r, c);
  if (rc && rc->out_open && stream == rc->out_stream)
    write_out(r, rc);
}

static void on_fin(struct cwaku__conn *c, uint64_t stream, void *ctx) {
  /* The peer stopped sending on its stream; ours stays. */
}

static void drop_peer(struct cwaku_relay *r, struct relay_conn *rc) {
  if (rc->peer)
    cwaku__gossipsub_remove_peer(r->router, rc->peer, mono(r));
  rc->peer = NULL;
}

static void on_close(struct cwaku__conn *c, uint64_t stream, int err,
                     void *ctx) {
  struct cwaku_relay *r = ctx;
  struct relay_conn *rc = find_conn(r, c);
  if (!rc)
    return;
  if (rc->in_open && stream == rc->in_stream) {
    rc->in_open = false;
    cwaku__wbuf_reset(&rc->inbuf);
  } else if ((rc->out_open && stream == rc->out_stream) || rc->out_opening) {
    /* Without our stream we cannot send: the peer leaves the router (a
     * peer that answered "na" never joined it). */
    rc->out_open = rc->out_opening = false;
    drop_peer(r, rc);
    pump(r);
  }
}

/* ---- the service ------------------------------------------------------------
 */

int cwaku_relay_new(struct cwaku_relay **out,
                    const struct cwaku_relay_config *cfg) {
  struct cwaku_relay *r = calloc(1, sizeof *r);
  if (!r)
    return CWAKU_ENOMEM;
  r->cfg = *cfg;
  r->cfg.gossipsub.max_message_size = cfg->max_message_size;
  r->max_rpc = cfg->max_message_size + RPC_OVERHEAD;
  struct cwaku_gossipsub_callbacks cb = {
      .validate = validate_cb,
      .deliver = deliver_cb,
      .disconnect = disconnect_cb,
      .arg = r,
  };
  int e = cwaku__gossipsub_new(&r->router, &r->cfg.gossipsub, &cb, cfg->rng);
  if (e) {
    free(r);
    return e;
  }
  r->handler = (struct cwaku__proto_handler){
      .protocol = CWAKU_RELAY_PROTOCOL,
      .on_open = on_open,
      .on_data = on_data,
      .on_writable = on_writable,
      .on_fin = on_fin,
      .on_close = on_close,
      .ctx = r,
      .max_inbound = 2,
  };
  *out = r;
  return 0;
}

static void free_conn(struct relay_conn *rc) {
  cwaku__wbuf_clear(&rc->inbuf);
  free(rc);
}

void cwaku_relay_free(struct cwaku_relay *r) {
  if (!r)
    return;
  while (r->conns) {
    struct relay_conn *rc = r->conns;
    r->conns = rc->next;
    free_conn(rc);
  }
  cwaku__gossipsub_free(r->router);
  forget_decoded(r);
  free(r);
}

const struct cwaku__proto_handler *cwaku_relay_handler(struct cwaku_relay *r) {
  return &r->handler;
}

struct cwaku__gossipsub *cwaku_relay_router(struct cwaku_relay *r) {
  return r->router;
}

/* Starts relay on a connection: our stream opens at once. */
static struct relay_conn *add_conn(struct cwaku_relay *r,
                                   struct cwaku__conn *c) {
  struct relay_conn *rc = calloc(1, sizeof *rc);
  if (!rc)
    return NULL;
  rc->conn = c;
  cwaku__wbuf_init(&rc->inbuf, r->max_rpc + 16);
  rc->next = r->conns;
  r->conns = rc;
  uint64_t s;
  if (cwaku__conn_open_stream(c, &s, &r->handler) == 0)
    rc->out_opening = true;
  return rc;
}

void cwaku_relay_conn_ready(struct cwaku_relay *r, struct cwaku__conn *c,
                            bool outbound, const uint8_t *ip, size_t ip_len,
                            uint64_t now_ns) {
  struct relay_conn *rc = find_conn(r, c);
  if (!rc && !(rc = add_conn(r, c)))
    return;
  rc->outbound = outbound;
  if (ip && (ip_len == 4 || ip_len == 16)) {
    memcpy(rc->ip, ip, ip_len);
    rc->ip_len = ip_len;
  }
}

void cwaku_relay_conn_closed(struct cwaku_relay *r, struct cwaku__conn *c,
                             uint64_t now_ns) {
  for (struct relay_conn **pp = &r->conns; *pp; pp = &(*pp)->next)
    if ((*pp)->conn == c) {
      struct relay_conn *rc = *pp;
      *pp = rc->next;
      drop_peer(r, rc);
      free_conn(rc);
      pump(r);
      return;
    }
}

void cwaku_relay_peer_idontwant(struct cwaku_relay *r, struct cwaku__conn *c) {
  struct relay_conn *rc = find_conn(r, c);
  if (rc && rc->peer)
    cwaku__gossipsub_peer_set_idontwant(rc->peer, true);
}

int cwaku_relay_add_validator(struct cwaku_relay *r,
                              cwaku_relay_validator_fn fn, void *arg) {
  if (r->n_validators == MAX_VALIDATORS)
    return CWAKU_ETOOBIG;
  r->validators[r->n_validators++] = (struct validator){fn, arg};
  return 0;
}

int cwaku_relay_subscribe(struct cwaku_relay *r, const char *pubsub_topic,
                          uint64_t now_ns) {
  int e = cwaku__gossipsub_subscribe(r->router, pubsub_topic, now_ns);
  pump(r);
  return e;
}

int cwaku_relay_unsubscribe(struct cwaku_relay *r, const char *pubsub_topic,
                            uint64_t now_ns) {
  int e = cwaku__gossipsub_unsubscribe(r->router, pubsub_topic, now_ns);
  pump(r);
  return e;
}

bool cwaku_relay_subscribed(const struct cwaku_relay *r,
                            const char *pubsub_topic) {
  return cwaku__gossipsub_subscribed(r->router, pubsub_topic);
}

size_t cwaku_relay_topics(const struct cwaku_relay *r, const char **out,
                          size_t max) {
  return cwaku__gossipsub_topics(r->router, out, max);
}

int cwaku_relay_publish(struct cwaku_relay *r, const char *pubsub_topic,
                        const struct cwaku_message *m, size_t *peers,
                        uint64_t now_ns) {
  *peers = 0;
  uint8_t *data;
  size_t len;
  int e = cwaku_message_encode(&data, &len, m, r->cfg.max_message_size);
  if (e)
    return e;
  e = check_message(r, pubsub_topic, m, len);
  if (!e && run_validators(r, pubsub_topic, m) != CWAKU_GOSSIPSUB_ACCEPT)
    e = CWAKU_EINVAL;
  if (!e)
    e = cwaku__gossipsub_publish(r->router, pubsub_topic, data, len, peers,
                                 now_ns);
  free(data);
  pump(r);
  return e;
}

void cwaku_relay_heartbeat(struct cwaku_relay *r, uint64_t now_ns) {
  cwaku__gossipsub_heartbeat(r->router, now_ns);
  pump(r);
}
