#include "metadata.h"

#include <stdlib.h>
#include <string.h>

#include "base/protowire.h"
#include "cwaku/log.h"
#include "p2p/length_prefix.h"

/* ---- protobuf wire ------------------------------------------------------- */

enum {
  FIELD_CLUSTER = 1,
  FIELD_SHARDS = 2,        /* 66/ schema; nwaku writes it unpacked */
  FIELD_SHARDS_PACKED = 3, /* nwaku since #2511, go-waku */
};

/* A length prefix of at most MAX_BYTES takes two bytes. */
#define FRAME_MAX (CWAKU_METADATA_MAX_BYTES + 2)

struct shard_list {
  uint16_t *v;
  size_t n;
};

static void add_shard(struct cwaku__rcur *c, struct shard_list *l, uint64_t v) {
  if (cwaku__rcur_err(c))
    return;
  if (v >= CWAKU_METADATA_SHARD_LIMIT)
    cwaku__rcur_fail(c, CWAKU_ESHARD);
  else if (l->n == CWAKU_METADATA_MAX_SHARDS)
    cwaku__rcur_fail(c, CWAKU_ETOOBIG);
  else
    l->v[l->n++] = (uint16_t)v;
}

/* One entry (unpacked) or a run of them (packed) of a repeated uint32;
 * protobuf requires parsers to take both forms. */
static void read_shards(struct cwaku__rcur *c, uint32_t wt,
                        struct shard_list *l) {
  if (wt == CWAKU__PB_VARINT) {
    uint64_t v = cwaku__rcur_pbvarint(c);
    add_shard(c, l, v);
    return;
  }
  if (wt != CWAKU__PB_LEN) {
    cwaku__rcur_fail(c, CWAKU_EMALFORMED);
    return;
  }
  uint64_t n = cwaku__rcur_pbvarint(c);
  if (cwaku__rcur_err(c))
    return;
  if (n > cwaku__rcur_left(c)) {
    cwaku__rcur_fail(c, CWAKU_ETRUNC);
    return;
  }
  struct cwaku__rcur run;
  cwaku__rcur_init(&run, cwaku__rcur_take(c, (size_t)n), (size_t)n);
  while (!cwaku__rcur_err(&run) && cwaku__rcur_left(&run)) {
    uint64_t v = cwaku__rcur_pbvarint(&run);
    add_shard(&run, l, v);
  }
  /* The run is complete: a varint cut at its end is malformed, not a
   * truncated input. */
  int err = cwaku__rcur_err(&run);
  if (err)
    cwaku__rcur_fail(c, err == CWAKU_ETRUNC ? CWAKU_EMALFORMED : err);
}

int cwaku__metadata_decode(struct cwaku__metadata *m, const uint8_t *in,
                           size_t len) {
  uint16_t unpacked_schema[CWAKU_METADATA_MAX_SHARDS];
  struct shard_list f2 = {unpacked_schema, 0}, f3 = {m->shards, 0};
  struct cwaku__rcur c;
  cwaku__rcur_init(&c, in, len);
  m->has_cluster = false;
  m->cluster = 0;
  while (!cwaku__rcur_err(&c) && cwaku__rcur_left(&c)) {
    uint32_t wt, field = cwaku__pb_key(&c, &wt);
    if (cwaku__rcur_err(&c))
      break;
    switch (field) {
    case FIELD_CLUSTER: {
      if (wt != CWAKU__PB_VARINT) {
        cwaku__rcur_fail(&c, CWAKU_EMALFORMED);
        break;
      }
      uint64_t v = cwaku__rcur_pbvarint(&c);
      if (cwaku__rcur_err(&c))
        break;
      if (v > UINT32_MAX) {
        cwaku__rcur_fail(&c, CWAKU_EMALFORMED);
        break;
      }
      m->has_cluster = true; /* the last one counts, as protobuf */
      m->cluster = (uint32_t)v;
      break;
    }
    case FIELD_SHARDS:
      read_shards(&c, wt, &f2);
      break;
    case FIELD_SHARDS_PACKED:
      read_shards(&c, wt, &f3);
      break;
    default:
      cwaku__pb_skip(&c, wt);
      break;
    }
  }
  int err = cwaku__rcur_err(&c);
  if (err) {
    m->has_cluster = false;
    m->cluster = 0;
    m->n_shards = 0;
    return err;
  }
  /* nwaku rpc.nim decode: field 3 when it holds shards, else field 2. */
  if (f3.n == 0 && f2.n)
    memcpy(m->shards, f2.v, f2.n * sizeof *f2.v);
  m->n_shards = f3.n ? f3.n : f2.n;
  return 0;
}

int cwaku__metadata_encode(struct cwaku__wbuf *out,
                           const struct cwaku__metadata *m) {
  if (m->n_shards > CWAKU_METADATA_MAX_SHARDS)
    return CWAKU_ETOOBIG;
  size_t packed = 0;
  for (size_t i = 0; i < m->n_shards; i++) {
    if (m->shards[i] >= CWAKU_METADATA_SHARD_LIMIT)
      return CWAKU_ESHARD;
    packed += cwaku__uvarint_len(m->shards[i]);
  }
  if (m->has_cluster) {
    cwaku__wbuf_u8(out, FIELD_CLUSTER << 3 | CWAKU__PB_VARINT);
    cwaku__wbuf_uvarint(out, m->cluster);
  }
  /* nwaku rpc.nim encode: every shard as its own field-2 entry ("write3",
   * what nwaku before #2511 reads), then the list packed in field 3, which
   * minprotobuf's writePacked emits even when empty. */
  for (size_t i = 0; i < m->n_shards; i++) {
    cwaku__wbuf_u8(out, FIELD_SHARDS << 3 | CWAKU__PB_VARINT);
    cwaku__wbuf_uvarint(out, m->shards[i]);
  }
  cwaku__wbuf_u8(out, FIELD_SHARDS_PACKED << 3 | CWAKU__PB_LEN);
  cwaku__wbuf_uvarint(out, packed);
  for (size_t i = 0; i < m->n_shards; i++)
    cwaku__wbuf_uvarint(out, m->shards[i]);
  return cwaku__wbuf_err(out);
}

/* 64/WAKU2-NETWORK: disconnect when the cluster is empty or differs;
 * nwaku peer_manager.nim refreshPeerMetadata does the same for any
 * cluster. */
int cwaku__metadata_check(uint32_t our_cluster, bool has_cluster,
                          uint32_t remote_cluster) {
  if (!has_cluster)
    return CWAKU_ENOTFOUND;
  if (remote_cluster != our_cluster)
    return CWAKU_ESHARD;
  return 0;
}

/* ---- the service ----------------------------------------------------------
 */

/* One metadata stream. Found again by (conn, id) after every call into the
 * engine or the application, which may end the stream and free this. */
struct md_stream {
  struct md_stream *next;
  struct cwaku__conn *conn;
  uint64_t id;
  bool inbound;
  bool done;         /* request reported, or response queued */
  bool write_closed; /* our side is closed */
  size_t in_len, out_len, out_off;
  uint8_t in[FRAME_MAX];
  uint8_t out[FRAME_MAX];
};

struct cwaku__metadata_service {
  uint32_t cluster;
  size_t frame_len;
  uint8_t frame[FRAME_MAX]; /* our message, length-prefixed */
  cwaku__metadata_result_fn on_result;
  void *arg;
  struct cwaku__proto_handler server, client;
  struct md_stream *streams;
};

static struct md_stream **md_find(struct cwaku__metadata_service *s,
                                  struct cwaku__conn *c, uint64_t id) {
  for (struct md_stream **p = &s->streams; *p; p = &(*p)->next)
    if ((*p)->conn == c && (*p)->id == id)
      return p;
  return NULL;
}

static struct md_stream *md_get(struct cwaku__metadata_service *s,
                                struct cwaku__conn *c, uint64_t id) {
  struct md_stream **p = md_find(s, c, id);
  return p ? *p : NULL;
}

static struct md_stream *md_add(struct cwaku__metadata_service *s,
                                struct cwaku__conn *c, uint64_t id,
                                bool inbound) {
  struct md_stream *st = calloc(1, sizeof *st);
  if (!st)
    return NULL;
  st->conn = c;
  st->id = id;
  st->inbound = inbound;
  st->next = s->streams;
  s->streams = st;
  return st;
}

static void md_drop(struct cwaku__metadata_service *s, struct cwaku__conn *c,
                    uint64_t id) {
  struct md_stream **p = md_find(s, c, id);
  if (!p)
    return;
  struct md_stream *st = *p;
  *p = st->next;
  free(st);
}

/* Nothing more to read or write: the engine ends the stream by itself. */
static void md_drop_if_finished(struct cwaku__metadata_service *s,
                                struct cwaku__conn *c, uint64_t id) {
  struct md_stream *st = md_get(s, c, id);
  if (st && st->done && st->write_closed)
    md_drop(s, c, id);
}

static int set_frame(struct cwaku__metadata_service *s, uint32_t cluster,
                     const uint16_t *shards, size_t n) {
  static const struct cwaku__metadata empty;
  if (n > CWAKU_METADATA_MAX_SHARDS)
    return CWAKU_ETOOBIG;
  struct cwaku__metadata *m = malloc(sizeof *m);
  if (!m)
    return CWAKU_ENOMEM;
  *m = empty;
  /* 66/ §Providing Cluster Id: a node MUST include its cluster id. */
  m->has_cluster = true;
  m->cluster = cluster;
  m->n_shards = n;
  if (n)
    memcpy(m->shards, shards, n * sizeof *shards);
  struct cwaku__wbuf msg;
  cwaku__wbuf_init(&msg, CWAKU_METADATA_MAX_BYTES);
  int r = cwaku__metadata_encode(&msg, m);
  free(m);
  if (r == 0) {
    uint8_t prefix[10];
    size_t np = cwaku__uvarint_encode(prefix, msg.len);
    memcpy(s->frame, prefix, np);
    memcpy(s->frame + np, msg.p, msg.len);
    s->frame_len = np + msg.len;
    s->cluster = cluster;
  }
  cwaku__wbuf_clear(&msg);
  return r;
}

/* Sends what is left of the stream's output and, once the stream is done
 * (response read, or response queued), closes our side. An error leaves
 * the state for the caller to deal with.
 *
 * Never called from on_open: closing runs the engine's later events, this
 * stream's among them, before the rest of the data that opened it reaches
 * on_data. */
static int md_flush(struct cwaku__metadata_service *s, struct cwaku__conn *c,
                    uint64_t id) {
  struct md_stream *st = md_get(s, c, id);
  if (!st || st->write_closed)
    return 0;
  if (st->out_off < st->out_len) {
    size_t accepted = 0;
    int r = cwaku__conn_stream_write(c, id, st->out + st->out_off,
                                     st->out_len - st->out_off, &accepted);
    if (r)
      return r;
    st->out_off += accepted;
    if (st->out_off < st->out_len)
      return 0; /* on_writable brings us back */
  }
  if (!st->done)
    return 0;
  st->write_closed = true;
  /* May run other callbacks, this stream's on_close among them. */
  cwaku__conn_stream_close(c, id);
  return 0;
}

/* ---- initiator ------------------------------------------------------------
 */

/* Ends a request that failed: the stream goes, the callback hears why. */
static void request_fail(struct cwaku__metadata_service *s,
                         struct cwaku__conn *c, uint64_t id, int err) {
  struct md_stream *st = md_get(s, c, id);
  if (!st || st->done)
    return;
  md_drop(s, c, id);
  cwaku__conn_stream_reset(c, id); /* no on_close for it */
  if (s->on_result)
    s->on_result(c, err, 0, false, NULL, 0, s->arg);
}

static void client_open(struct cwaku__conn *c, uint64_t stream, bool inbound,
                        void *ctx) {
  struct cwaku__metadata_service *s = ctx;
  struct md_stream *st = md_get(s, c, stream);
  if (!st) {
    cwaku__conn_stream_reset(c, stream);
    return;
  }
  /* 66/ §Metadata Protocol: the request carries our own metadata. The
   * shards current now, not when the request was made. Our side stays open
   * until the response is read, as nwaku's request() does (writeLp, readLp,
   * closeWithEof); no responder we know of waits for our close. */
  memcpy(st->out, s->frame, s->frame_len);
  st->out_len = s->frame_len;
  if (md_flush(s, c, stream))
    request_fail(s, c, stream, CWAKU_EIO);
}

static void client_writable(struct cwaku__conn *c, uint64_t stream, void *ctx) {
  struct cwaku__metadata_service *s = ctx;
  struct md_stream *st = md_get(s, c, stream);
  if (!st)
    return;
  if (md_flush(s, c, stream) == 0) {
    md_drop_if_finished(s, c, stream);
  } else if (!st->done) { /* a failed write leaves st in place */
    request_fail(s, c, stream, CWAKU_EIO);
  } else { /* the answer is in: the stream just goes */
    md_drop(s, c, stream);
    cwaku__conn_stream_reset(c, stream);
  }
}

/* Adds received bytes to the stream's buffer and decodes the message once
 * its frame is whole: 1 while more is coming, 0 with *out set (the caller
 * frees it), or why the message is refused (a message that ends inside a
 * whole frame is refused with CWAKU_ETRUNC, not waited for). */
static int md_read(struct md_stream *st, const uint8_t *data, size_t len,
                   struct cwaku__metadata **out) {
  size_t room = sizeof st->in - st->in_len;
  size_t n = len < room ? len : room;
  memcpy(st->in + st->in_len, data, n);
  st->in_len += n;
  const uint8_t *msg;
  size_t msglen, framelen;
  int r = cwaku__lp_frame(&msg, &msglen, &framelen, st->in, st->in_len,
                          CWAKU_METADATA_MAX_BYTES);
  if (r == CWAKU_ETRUNC)
    return 1;
  if (r)
    return r;
  *out = malloc(sizeof **out);
  r = *out ? cwaku__metadata_decode(*out, msg, msglen) : CWAKU_ENOMEM;
  if (r) {
    free(*out);
    *out = NULL;
  }
  return r;
}

static void client_data(struct cwaku__conn *c, uint64_t stream,
                        const uint8_t *data, size_t len, void *ctx) {
  struct cwaku__metadata_service *s = ctx;
  struct md_stream *st = md_get(s, c, stream);
  if (!st || st->done)
    return; /* what follows the response is not read (nwaku neither) */
  struct cwaku__metadata *m = NULL;
  int r = md_read(st, data, len, &m);
  if (r == 1)
    return; /* a frame fits in the buffer: more is coming */
  if (r) {
    cwaku_log(CWAKU_LOG_DEBUG, "metadata", "unreadable response: %s",
              cwaku_strerror(r));
    free(m);
    request_fail(s, c, stream, r);
    return;
  }
  /* Reported first: the callback may close the connection, which ends
   * this stream too. */
  st->done = true;
  if (s->on_result)
    s->on_result(c, 0, m->cluster, m->has_cluster, m->shards, m->n_shards,
                 s->arg);
  free(m);
  client_writable(c, stream, s); /* finish writing, then close our side */
}

/* The responder closed its side: without a whole response, that is the
 * end of the request. */
static void client_fin(struct cwaku__conn *c, uint64_t stream, void *ctx) {
  request_fail(ctx, c, stream, CWAKU_ETRUNC);
}

static void client_close(struct cwaku__conn *c, uint64_t stream, int err,
                         void *ctx) {
  struct cwaku__metadata_service *s = ctx;
  struct md_stream *st = md_get(s, c, stream);
  if (!st)
    return;
  bool reported = st->done;
  md_drop(s, c, stream);
  if (!reported && s->on_result)
    s->on_result(c, err ? err : CWAKU_ETRUNC, 0, false, NULL, 0, s->arg);
}

int cwaku__metadata_request(struct cwaku__metadata_service *s,
                            struct cwaku__conn *c) {
  size_t pending = 0;
  for (struct md_stream *st = s->streams; st; st = st->next)
    pending += st->conn == c && !st->inbound;
  if (pending >= CWAKU_METADATA_MAX_STREAMS)
    return CWAKU_ETOOBIG;
  uint64_t id;
  int r = cwaku__conn_open_stream(c, &id, &s->client);
  if (r)
    return r;
  if (!md_add(s, c, id, false)) {
    cwaku__conn_stream_reset(c, id);
    return CWAKU_ENOMEM;
  }
  return 0;
}

/* ---- responder ------------------------------------------------------------
 */

static void server_fail(struct cwaku__metadata_service *s,
                        struct cwaku__conn *c, uint64_t id, int err) {
  cwaku_log(CWAKU_LOG_DEBUG, "metadata", "bad request: %s",
            cwaku_strerror(err));
  md_drop(s, c, id);
  cwaku__conn_stream_reset(c, id);
}

static void server_open(struct cwaku__conn *c, uint64_t stream, bool inbound,
                        void *ctx) {
  struct cwaku__metadata_service *s = ctx;
  if (!md_add(s, c, stream, true))
    cwaku__conn_stream_reset(c, stream);
}

static void server_data(struct cwaku__conn *c, uint64_t stream,
                        const uint8_t *data, size_t len, void *ctx) {
  struct cwaku__metadata_service *s = ctx;
  struct md_stream *st = md_get(s, c, stream);
  if (!st || st->done)
    return; /* after the request: read and dropped (nwaku closeWithEof) */
  /* nwaku decodes the request and answers whatever it holds; one that does
   * not decode gets no answer. */
  struct cwaku__metadata *m = NULL;
  int r = md_read(st, data, len, &m);
  free(m);
  if (r == 1)
    return;
  if (r) {
    server_fail(s, c, stream, r);
    return;
  }
  st->done = true;
  memcpy(st->out, s->frame, s->frame_len);
  st->out_len = s->frame_len;
  r = md_flush(s, c, stream);
  if (r)
    server_fail(s, c, stream, r);
  else
    md_drop_if_finished(s, c, stream);
}

static void server_writable(struct cwaku__conn *c, uint64_t stream, void *ctx) {
  struct cwaku__metadata_service *s = ctx;
  int r = md_flush(s, c, stream);
  if (r)
    server_fail(s, c, stream, r);
  else
    md_drop_if_finished(s, c, stream);
}

/* The remote closed its side: before a whole request, it asked nothing
 * and gets nothing but our close. */
static void server_fin(struct cwaku__conn *c, uint64_t stream, void *ctx) {
  struct cwaku__metadata_service *s = ctx;
  struct md_stream *st = md_get(s, c, stream);
  if (!st || st->done)
    return;
  md_drop(s, c, stream);
  cwaku__conn_stream_close(c, stream);
}

static void server_close(struct cwaku__conn *c, uint64_t stream, int err,
                         void *ctx) {
  md_drop(ctx, c, stream);
}

/* ---- service --------------------------------------------------------------
 */

int cwaku__metadata_service_new(struct cwaku__metadata_service **out,
                                uint32_t cluster_id, const uint16_t *shards,
                                size_t n_shards,
                                cwaku__metadata_result_fn on_result,
                                void *arg) {
  *out = NULL;
  struct cwaku__metadata_service *s = calloc(1, sizeof *s);
  if (!s)
    return CWAKU_ENOMEM;
  int r = set_frame(s, cluster_id, shards, n_shards);
  if (r) {
    free(s);
    return r;
  }
  s->on_result = on_result;
  s->arg = arg;
  s->server.protocol = CWAKU_METADATA_PROTOCOL;
  s->server.on_open = server_open;
  s->server.on_data = server_data;
  s->server.on_writable = server_writable;
  s->server.on_fin = server_fin;
  s->server.on_close = server_close;
  s->server.ctx = s;
  s->server.max_inbound = CWAKU_METADATA_MAX_STREAMS;
  s->client.protocol = CWAKU_METADATA_PROTOCOL;
  s->client.on_open = client_open;
  s->client.on_data = client_data;
  s->client.on_writable = client_writable;
  s->client.on_fin = client_fin;
  s->client.on_close = client_close;
  s->client.ctx = s;
  *out = s;
  return 0;
}

void cwaku__metadata_service_free(struct cwaku__metadata_service *s) {
  if (!s)
    return;
  while (s->streams) {
    struct md_stream *st = s->streams;
    s->streams = st->next;
    free(st);
  }
  free(s);
}

int cwaku__metadata_service_set_shards(struct cwaku__metadata_service *s,
                                       const uint16_t *shards,
                                       size_t n_shards) {
  return set_frame(s, s->cluster, shards, n_shards);
}

const struct cwaku__proto_handler *
cwaku__metadata_handler(struct cwaku__metadata_service *s) {
  return &s->server;
}

void cwaku__metadata_service_forget(struct cwaku__metadata_service *s,
                                    struct cwaku__conn *c) {
  struct md_stream **p = &s->streams;
  while (*p) {
    struct md_stream *st = *p;
    if (st->conn == c) {
      *p = st->next;
      free(st);
    } else {
      p = &st->next;
    }
  }
}
