#include "basic_protocols.h"

#include <stdlib.h>
#include <string.h>

#include "cwaku/log.h"
#include "length_prefix.h"

/* ---- ping (ping/ping.md): the responder echoes 32-byte payloads ---------- */

static void ping_data(struct cwaku__conn *c, uint64_t stream,
                      const uint8_t *data, size_t len, void *ctx) {
  size_t accepted;
  /* A ping is 32 bytes and the window far larger: a short write means the
   * peer floods us, which ends its stream. */
  if (cwaku__conn_stream_write(c, stream, data, len, &accepted) ||
      accepted != len)
    cwaku__conn_stream_reset(c, stream);
}

static void ping_fin(struct cwaku__conn *c, uint64_t stream, void *ctx) {
  cwaku__conn_stream_close(c, stream);
}

void cwaku__ping_handler(struct cwaku__proto_handler *h) {
  memset(h, 0, sizeof *h);
  h->protocol = CWAKU_PING_PROTOCOL;
  h->on_data = ping_data;
  h->on_fin = ping_fin;
  h->max_inbound = 2; /* ping/ping.md: at most one stream per peer; slack */
}

/* ---- per-stream state for echo and identify ------------------------------ */

struct stream_state {
  struct stream_state *next;
  struct cwaku__conn *conn;
  uint64_t id;
  bool fin;
  size_t len;
  size_t cap;
  uint8_t *buf;
};

static struct stream_state **find_state(struct stream_state **list,
                                        struct cwaku__conn *c, uint64_t id) {
  for (; *list; list = &(*list)->next)
    if ((*list)->conn == c && (*list)->id == id)
      return list;
  return NULL;
}

static struct stream_state *get_state(struct stream_state **list,
                                      struct cwaku__conn *c, uint64_t id,
                                      size_t cap) {
  struct stream_state **p = find_state(list, c, id);
  if (p)
    return *p;
  struct stream_state *s = calloc(1, sizeof *s);
  if (!s)
    return NULL;
  s->conn = c;
  s->id = id;
  s->cap = cap;
  s->next = *list;
  *list = s;
  return s;
}

static void drop_state(struct stream_state **list, struct cwaku__conn *c,
                       uint64_t id) {
  struct stream_state **p = find_state(list, c, id);
  if (!p)
    return;
  struct stream_state *s = *p;
  *p = s->next;
  free(s->buf);
  free(s);
}

static bool state_append(struct stream_state *s, const uint8_t *d, size_t n) {
  if (n > s->cap - s->len)
    return false;
  if (!s->buf) {
    s->buf = malloc(s->cap);
    if (!s->buf)
      return false;
  }
  memcpy(s->buf + s->len, d, n);
  s->len += n;
  return true;
}

/* ---- echo ---------------------------------------------------------------- */

#define ECHO_MAX_BACKLOG (1024 * 1024)

static void echo_pump(struct cwaku__conn *c, struct stream_state *s) {
  while (s->len) {
    size_t accepted = 0;
    if (cwaku__conn_stream_write(c, s->id, s->buf, s->len, &accepted) ||
        accepted == 0)
      break;
    memmove(s->buf, s->buf + accepted, s->len - accepted);
    s->len -= accepted;
    cwaku__conn_stream_consumed(c, s->id, accepted);
  }
  if (s->fin && s->len == 0)
    cwaku__conn_stream_close(c, s->id);
}

static void echo_data(struct cwaku__conn *c, uint64_t stream,
                      const uint8_t *data, size_t len, void *ctx) {
  struct stream_state **streams = ctx;
  struct stream_state *s = get_state(streams, c, stream, ECHO_MAX_BACKLOG);
  if (!s || !state_append(s, data, len)) {
    drop_state(streams, c, stream);
    cwaku__conn_stream_reset(c, stream);
    return;
  }
  echo_pump(c, s);
}

static void echo_writable(struct cwaku__conn *c, uint64_t stream, void *ctx) {
  struct stream_state **p = find_state(ctx, c, stream);
  if (p)
    echo_pump(c, *p);
}

static void echo_fin(struct cwaku__conn *c, uint64_t stream, void *ctx) {
  struct stream_state *s = get_state(ctx, c, stream, ECHO_MAX_BACKLOG);
  if (!s) {
    cwaku__conn_stream_reset(c, stream);
    return;
  }
  s->fin = true;
  echo_pump(c, s);
}

static void echo_close(struct cwaku__conn *c, uint64_t stream, int err,
                       void *ctx) {
  drop_state(ctx, c, stream);
}

void cwaku__echo_handler(struct cwaku__proto_handler *h,
                         struct cwaku__echo_streams *streams) {
  memset(h, 0, sizeof *h);
  streams->head = NULL;
  h->ctx = &streams->head;
  h->protocol = CWAKU_ECHO_PROTOCOL;
  h->on_data = echo_data;
  h->on_writable = echo_writable;
  h->on_fin = echo_fin;
  h->on_close = echo_close;
  h->manual_flow = true;
  h->max_unconsumed = ECHO_MAX_BACKLOG;
  h->max_inbound = 2048;
}

/* ---- identify ------------------------------------------------------------ */

struct cwaku__identify_service {
  struct cwaku__identify_info info;
  cwaku__identified_fn on_identified;
  void *arg;
  cwaku__observed_fn observed;
  void *observed_arg;
  struct cwaku__proto_handler request, push, client;
  struct stream_state *reading; /* streams we read an identify from */
};

/* Someone asked: answer and close our side. */
static void identify_open(struct cwaku__conn *c, uint64_t stream, bool inbound,
                          void *ctx) {
  struct cwaku__identify_service *s = ctx;
  if (!inbound)
    return; /* our request: wait for the answer */
  struct cwaku__identify_info info = s->info;
  if (s->observed && !s->observed(&info.observed_addr, c, s->observed_arg))
    info.observed_addr.len = 0;
  struct cwaku__wbuf w;
  cwaku__wbuf_init(&w, CWAKU_IDENTIFY_MAX_SEND + 16);
  size_t accepted = 0;
  int r = cwaku__identify_encode(&w, &info);
  if (!r)
    r = cwaku__conn_stream_write(c, stream, w.p, w.len, &accepted);
  cwaku__wbuf_clear(&w);
  if (r)
    cwaku__conn_stream_reset(c, stream);
  else
    cwaku__conn_stream_close(c, stream);
}

static void identify_data(struct cwaku__conn *c, uint64_t stream,
                          const uint8_t *data, size_t len, void *ctx) {
  struct cwaku__identify_service *s = ctx;
  struct stream_state *st =
      get_state(&s->reading, c, stream, CWAKU_IDENTIFY_MAX_RECV + 16);
  if (!st || !state_append(st, data, len)) {
    cwaku__conn_stream_reset(c, stream);
    drop_state(&s->reading, c, stream);
  }
}

/* The answer (or push) is complete when the remote closes its side. */
static void identify_fin(struct cwaku__conn *c, uint64_t stream, void *ctx) {
  struct cwaku__identify_service *s = ctx;
  struct stream_state **p = find_state(&s->reading, c, stream);
  const uint8_t *msg;
  size_t msglen, framelen;
  struct cwaku__identify_msg m;
  if (p &&
      cwaku__lp_frame(&msg, &msglen, &framelen, (*p)->buf, (*p)->len,
                      CWAKU_IDENTIFY_MAX_RECV) == 0 &&
      cwaku__identify_decode(&m, msg, msglen) == 0) {
    if (s->on_identified)
      s->on_identified(c, &m, s->arg);
    cwaku__identify_msg_clear(&m);
  } else if (p) { /* (no state: the remote ends a stream we answered on) */
    cwaku_log(CWAKU_LOG_DEBUG, "identify", "unreadable identify message");
  }
  drop_state(&s->reading, c, stream);
  cwaku__conn_stream_close(c, stream);
}

static void identify_close(struct cwaku__conn *c, uint64_t stream, int err,
                           void *ctx) {
  struct cwaku__identify_service *s = ctx;
  drop_state(&s->reading, c, stream);
}

int cwaku__identify_service_new(struct cwaku__identify_service **out,
                                const struct cwaku__identify_info *info,
                                cwaku__identified_fn on_identified, void *arg) {
  struct cwaku__identify_service *s = calloc(1, sizeof *s);
  if (!s)
    return CWAKU_ENOMEM;
  s->info = *info;
  s->on_identified = on_identified;
  s->arg = arg;
  struct cwaku__proto_handler *hs[3] = {&s->request, &s->push, &s->client};
  for (int i = 0; i < 3; i++) {
    hs[i]->on_open = identify_open;
    hs[i]->on_data = identify_data;
    hs[i]->on_fin = identify_fin;
    hs[i]->on_close = identify_close;
    hs[i]->ctx = s;
    hs[i]->max_inbound = 4;
  }
  s->request.protocol = CWAKU_IDENTIFY_PROTOCOL;
  s->push.protocol = CWAKU_IDENTIFY_PUSH_PROTOCOL;
  s->push.on_open = NULL; /* a push is read, never answered */
  s->client.protocol = CWAKU_IDENTIFY_PROTOCOL;
  *out = s;
  return 0;
}

void cwaku__identify_service_free(struct cwaku__identify_service *s) {
  if (!s)
    return;
  while (s->reading)
    drop_state(&s->reading, s->reading->conn, s->reading->id);
  free(s);
}

void cwaku__identify_service_set_addrs(struct cwaku__identify_service *s,
                                       const struct cwaku__bytes *addrs,
                                       size_t n) {
  s->info.listen_addrs = addrs;
  s->info.n_listen_addrs = n;
}

void cwaku__identify_service_set_observer(struct cwaku__identify_service *s,
                                          cwaku__observed_fn fn, void *arg) {
  s->observed = fn;
  s->observed_arg = arg;
}

const struct cwaku__proto_handler *
cwaku__identify_handler(struct cwaku__identify_service *s) {
  return &s->request;
}

const struct cwaku__proto_handler *
cwaku__identify_push_handler(struct cwaku__identify_service *s) {
  return &s->push;
}

int cwaku__identify_request(struct cwaku__identify_service *s,
                            struct cwaku__conn *c) {
  uint64_t stream;
  return cwaku__conn_open_stream(c, &stream, &s->client);
}
