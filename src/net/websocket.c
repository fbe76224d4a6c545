#include "websocket.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <wslay/wslay.h>

#include "base/cursor.h"
#include "cwaku/error.h"
#include "websocket_handshake.h"

struct ws_pipe {
  struct cwaku__pipe pipe; /* first: the pipe is the ws_pipe */
  struct cwaku__pipe *tcp;
  wslay_event_context_ptr ctx;
  bool server;
  bool open; /* handshake done */
  bool closing;
  struct cwaku__wbuf head; /* handshake bytes until the blank line */
  char key[CWAKU_WS_KEY_CHARS + 1];
  const uint8_t *in; /* the bytes wslay is reading from, during recv */
  size_t inlen;
  cwaku__ws_ready_fn ready;
  void *ready_arg;
};

static ssize_t ws_recv_cb(wslay_event_context_ptr ctx, uint8_t *buf, size_t len,
                          int flags, void *user) {
  struct ws_pipe *ws = user;
  if (ws->inlen == 0) {
    wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
    return -1;
  }
  size_t n = len < ws->inlen ? len : ws->inlen;
  memcpy(buf, ws->in, n);
  ws->in += n;
  ws->inlen -= n;
  return (ssize_t)n;
}

static ssize_t ws_send_cb(wslay_event_context_ptr ctx, const uint8_t *data,
                          size_t len, int flags, void *user) {
  struct ws_pipe *ws = user;
  if (ws->tcp->ops->write(ws->tcp, data, len) != 0) {
    /* The TCP queue is full: wslay keeps the rest until on_drain. */
    wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
    return -1;
  }
  return (ssize_t)len;
}

static int ws_genmask_cb(wslay_event_context_ptr ctx, uint8_t *buf, size_t len,
                         void *user) {
  randombytes_buf(buf, len);
  return 0;
}

static void ws_msg_cb(wslay_event_context_ptr ctx,
                      const struct wslay_event_on_msg_recv_arg *arg,
                      void *user) {
  struct ws_pipe *ws = user;
  if (wslay_is_ctrl_frame(arg->opcode) || ws->closing)
    return; /* wslay answers pings and close frames itself */
  if (ws->pipe.cb.on_data)
    ws->pipe.cb.on_data(&ws->pipe, arg->msg, arg->msg_length, ws->pipe.cb.arg);
}

static const struct wslay_event_callbacks ws_callbacks = {
    ws_recv_cb, ws_send_cb, ws_genmask_cb, NULL, NULL, NULL, ws_msg_cb};

static void ws_flush(struct ws_pipe *ws) {
  if (wslay_event_send(ws->ctx) != 0)
    ws->tcp->ops->close(ws->tcp, CWAKU_EIO);
  else if (wslay_event_get_close_sent(ws->ctx) &&
           wslay_event_get_queued_msg_count(ws->ctx) == 0)
    ws->tcp->ops->close(ws->tcp, 0);
}

static int ws_write(struct cwaku__pipe *p, const uint8_t *data, size_t len) {
  struct ws_pipe *ws = (struct ws_pipe *)p;
  if (!ws->open || ws->closing)
    return CWAKU_EIO;
  if (len == 0)
    return 0;
  if (wslay_event_get_queued_msg_length(ws->ctx) > 16u * 1024 * 1024)
    return CWAKU_ETOOBIG;
  struct wslay_event_msg msg = {WSLAY_BINARY_FRAME, data, len};
  if (wslay_event_queue_msg(ws->ctx, &msg) != 0)
    return CWAKU_EIO;
  ws_flush(ws);
  return 0;
}

static size_t ws_queued(const struct cwaku__pipe *p) {
  const struct ws_pipe *ws = (const struct ws_pipe *)p;
  return (ws->ctx ? wslay_event_get_queued_msg_length(ws->ctx) : 0) +
         ws->tcp->ops->queued(ws->tcp);
}

static void ws_close(struct cwaku__pipe *p, int err) {
  struct ws_pipe *ws = (struct ws_pipe *)p;
  if (ws->closing)
    return;
  ws->closing = true;
  if (ws->open && err == 0 &&
      wslay_event_queue_close(ws->ctx, WSLAY_CODE_NORMAL_CLOSURE, NULL, 0) ==
          0) {
    ws_flush(ws); /* closes the TCP pipe once the close frame is out */
    return;
  }
  ws->tcp->ops->close(ws->tcp, err);
}

static void ws_pause(struct cwaku__pipe *p, bool paused) {
  struct ws_pipe *ws = (struct ws_pipe *)p;
  ws->tcp->ops->pause(ws->tcp, paused);
}

static const struct cwaku__pipe_ops ws_ops = {ws_write, ws_queued, ws_close,
                                              ws_pause};

static void ws_feed_frames(struct ws_pipe *ws, const uint8_t *data,
                           size_t len) {
  ws->in = data;
  ws->inlen = len;
  int r = wslay_event_recv(ws->ctx);
  ws->in = NULL;
  ws->inlen = 0;
  if (r != 0) {
    ws->tcp->ops->close(ws->tcp, CWAKU_EMALFORMED);
    return;
  }
  ws_flush(ws);
}

static void fail_handshake(struct ws_pipe *ws, int err) {
  ws->closing = true;
  ws->tcp->ops->close(ws->tcp, err);
}

/* Handshake bytes: gather the header block, check it, answer it. */
static void ws_handshake_data(struct ws_pipe *ws, const uint8_t *data,
                              size_t len) {
  size_t before = ws->head.len;
  cwaku__wbuf_put(&ws->head, data, len);
  if (cwaku__wbuf_err(&ws->head)) {
    /* more than the cap: take only what fits to find the end */
    cwaku__wbuf_reset(&ws->head);
    fail_handshake(ws, CWAKU_ETOOBIG);
    return;
  }
  long end = cwaku__ws_header_end(ws->head.p, ws->head.len);
  if (end == CWAKU_ETRUNC)
    return;
  if (end < 0) {
    fail_handshake(ws, (int)end);
    return;
  }
  int r;
  if (ws->server) {
    r = cwaku__ws_parse_request(ws->key, ws->head.p, (size_t)end);
    if (r == 0) {
      struct cwaku__wbuf resp;
      cwaku__wbuf_init(&resp, 1024);
      cwaku__ws_write_response(&resp, ws->key);
      r = cwaku__wbuf_err(&resp)
              ? CWAKU_ENOMEM
              : ws->tcp->ops->write(ws->tcp, resp.p, resp.len);
      cwaku__wbuf_clear(&resp);
    }
  } else {
    r = cwaku__ws_parse_response(ws->head.p, (size_t)end, ws->key);
  }
  if (r == 0)
    r = ws->server
            ? wslay_event_context_server_init(&ws->ctx, &ws_callbacks, ws)
            : wslay_event_context_client_init(&ws->ctx, &ws_callbacks, ws);
  if (r != 0) {
    fail_handshake(ws, r < 0 && r > -100 ? r : CWAKU_EMALFORMED);
    ws->ready(NULL, r < 0 && r > -100 ? r : CWAKU_EMALFORMED, ws->ready_arg);
    ws->ready = NULL;
    return;
  }
  wslay_event_config_set_max_recv_msg_length(ws->ctx, CWAKU_WS_MAX_MESSAGE);
  ws->open = true;
  /* Bytes after the header block are already frames. */
  size_t used_from_data = (size_t)end - before;
  const uint8_t *rest = data + used_from_data;
  size_t restlen = len - used_from_data;
  cwaku__ws_ready_fn ready = ws->ready;
  ws->ready = NULL;
  ready(&ws->pipe, 0, ws->ready_arg);
  if (restlen && !ws->closing)
    ws_feed_frames(ws, rest, restlen);
}

static void tcp_data(struct cwaku__pipe *tcp, const uint8_t *data, size_t len,
                     void *arg) {
  struct ws_pipe *ws = arg;
  if (ws->closing && !ws->open)
    return;
  if (!ws->open)
    ws_handshake_data(ws, data, len);
  else
    ws_feed_frames(ws, data, len);
}

static void tcp_drain(struct cwaku__pipe *tcp, void *arg) {
  struct ws_pipe *ws = arg;
  if (!ws->open)
    return;
  ws_flush(ws);
  if (!ws->closing && ws->pipe.cb.on_drain)
    ws->pipe.cb.on_drain(&ws->pipe, ws->pipe.cb.arg);
}

static void tcp_closed(struct cwaku__pipe *tcp, int err, void *arg) {
  struct ws_pipe *ws = arg;
  if (ws->ready)
    ws->ready(NULL, err ? err : CWAKU_EIO, ws->ready_arg);
  else if (ws->open && ws->pipe.cb.on_close)
    ws->pipe.cb.on_close(&ws->pipe, err, ws->pipe.cb.arg);
  if (ws->ctx)
    wslay_event_context_free(ws->ctx);
  cwaku__wbuf_clear(&ws->head);
  free(ws);
}

static struct ws_pipe *ws_new(struct cwaku__pipe *tcp, bool server,
                              cwaku__ws_ready_fn ready, void *arg) {
  struct ws_pipe *ws = calloc(1, sizeof *ws);
  if (!ws)
    return NULL;
  ws->pipe.ops = &ws_ops;
  ws->tcp = tcp;
  ws->server = server;
  ws->ready = ready;
  ws->ready_arg = arg;
  cwaku__wbuf_init(&ws->head, CWAKU_WS_HANDSHAKE_MAX);
  /* The pipe's addresses gain /ws (multiaddr code 477: dd 03). */
  memcpy(ws->pipe.local_addr, tcp->local_addr, tcp->local_addr_len);
  memcpy(ws->pipe.remote_addr, tcp->remote_addr, tcp->remote_addr_len);
  ws->pipe.local_addr_len = tcp->local_addr_len;
  ws->pipe.remote_addr_len = tcp->remote_addr_len;
  if (ws->pipe.local_addr_len + 2 <= sizeof ws->pipe.local_addr) {
    ws->pipe.local_addr[ws->pipe.local_addr_len++] = 0xdd;
    ws->pipe.local_addr[ws->pipe.local_addr_len++] = 0x03;
  }
  if (ws->pipe.remote_addr_len + 2 <= sizeof ws->pipe.remote_addr) {
    ws->pipe.remote_addr[ws->pipe.remote_addr_len++] = 0xdd;
    ws->pipe.remote_addr[ws->pipe.remote_addr_len++] = 0x03;
  }
  ws->pipe.outbound = tcp->outbound;
  tcp->cb.on_data = tcp_data;
  tcp->cb.on_drain = tcp_drain;
  tcp->cb.on_close = tcp_closed;
  tcp->cb.arg = ws;
  return ws;
}

int cwaku__ws_accept_pipe(struct cwaku__pipe *tcp, cwaku__ws_ready_fn ready,
                          void *arg) {
  return ws_new(tcp, true, ready, arg) ? 0 : CWAKU_ENOMEM;
}

int cwaku__ws_connect_pipe(struct cwaku__pipe *tcp, const char *host,
                           cwaku__ws_ready_fn ready, void *arg) {
  struct ws_pipe *ws = ws_new(tcp, false, ready, arg);
  if (!ws)
    return CWAKU_ENOMEM;
  uint8_t nonce[16];
  randombytes_buf(nonce, sizeof nonce);
  sodium_bin2base64(ws->key, sizeof ws->key, nonce, sizeof nonce,
                    sodium_base64_VARIANT_ORIGINAL);
  struct cwaku__wbuf req;
  cwaku__wbuf_init(&req, 2048);
  cwaku__ws_write_request(&req, host, "/", ws->key);
  int r = cwaku__wbuf_err(&req) ? CWAKU_EINVAL
                                : tcp->ops->write(tcp, req.p, req.len);
  cwaku__wbuf_clear(&req);
  return r;
}
