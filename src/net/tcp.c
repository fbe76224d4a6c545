#include "tcp.h"

#include <stdlib.h>
#include <string.h>

#include "cwaku/error.h"
#include "cwaku/log.h"

struct tcp_pipe {
  struct cwaku__pipe pipe; /* first: the pipe is the tcp_pipe */
  uv_tcp_t handle;
  uv_shutdown_t shutdown;
  size_t queued;
  bool drain_wanted;
  bool closing;
  int close_err;
};

/* One read buffer for all connections of a thread: the bytes are handed to
 * on_data, which consumes or copies them before returning, so no connection
 * needs its own (64 KiB each would be 3 MiB at 50 peers). Large reads mean
 * fewer system calls. */
static _Thread_local char readbuf[256 * 1024];

struct write_req {
  uv_write_t req;
  struct tcp_pipe *tp;
  size_t len;
  uint8_t data[];
};

struct cwaku__tcp_listener {
  uv_tcp_t handle;
  cwaku__tcp_accept_fn on_accept;
  void *arg;
};

struct dial_req {
  uv_connect_t req;
  uv_timer_t timer;
  struct tcp_pipe *tp;
  cwaku__tcp_dial_fn on_done;
  void *arg;
  int handles_open; /* the timer and, until the dial ends, the socket */
  bool done;
};

size_t cwaku__tcp_multiaddr(uint8_t out[64], const struct sockaddr *sa) {
  if (sa->sa_family == AF_INET) {
    const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
    uint16_t port = ntohs(in->sin_port);
    out[0] = 0x04; /* ip4 */
    memcpy(out + 1, &in->sin_addr, 4);
    out[5] = 0x06; /* tcp */
    out[6] = (uint8_t)(port >> 8);
    out[7] = (uint8_t)port;
    return 8;
  }
  if (sa->sa_family == AF_INET6) {
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
    uint16_t port = ntohs(in6->sin6_port);
    out[0] = 0x29; /* ip6 */
    memcpy(out + 1, &in6->sin6_addr, 16);
    out[17] = 0x06;
    out[18] = (uint8_t)(port >> 8);
    out[19] = (uint8_t)port;
    return 20;
  }
  return 0;
}

static void fill_addrs(struct tcp_pipe *tp) {
  struct sockaddr_storage ss;
  int len = sizeof ss;
  if (uv_tcp_getsockname(&tp->handle, (struct sockaddr *)&ss, &len) == 0)
    tp->pipe.local_addr_len =
        cwaku__tcp_multiaddr(tp->pipe.local_addr, (struct sockaddr *)&ss);
  len = sizeof ss;
  if (uv_tcp_getpeername(&tp->handle, (struct sockaddr *)&ss, &len) == 0)
    tp->pipe.remote_addr_len =
        cwaku__tcp_multiaddr(tp->pipe.remote_addr, (struct sockaddr *)&ss);
}

static void on_handle_closed(uv_handle_t *h) {
  struct tcp_pipe *tp = h->data;
  if (tp->pipe.cb.on_close)
    tp->pipe.cb.on_close(&tp->pipe, tp->close_err, tp->pipe.cb.arg);
  free(tp);
}

static void close_now(struct tcp_pipe *tp, int err) {
  if (uv_is_closing((uv_handle_t *)&tp->handle))
    return;
  tp->closing = true;
  if (!tp->close_err)
    tp->close_err = err;
  uv_close((uv_handle_t *)&tp->handle, on_handle_closed);
}

static void on_shutdown(uv_shutdown_t *req, int status) {
  struct tcp_pipe *tp = req->data;
  close_now(tp, 0);
}

static void on_write(uv_write_t *req, int status) {
  struct write_req *wr = (struct write_req *)req;
  struct tcp_pipe *tp = wr->tp;
  tp->queued -= wr->len;
  free(wr);
  if (status < 0 && status != UV_ECANCELED) {
    close_now(tp, CWAKU_EIO);
    return;
  }
  if (tp->drain_wanted && tp->queued == 0) {
    tp->drain_wanted = false;
    if (!tp->closing && tp->pipe.cb.on_drain)
      tp->pipe.cb.on_drain(&tp->pipe, tp->pipe.cb.arg);
  }
}

static int tcp_write(struct cwaku__pipe *p, const uint8_t *data, size_t len) {
  struct tcp_pipe *tp = (struct tcp_pipe *)p;
  if (tp->closing)
    return CWAKU_EIO;
  if (len == 0)
    return 0;
  if (len > CWAKU_TCP_MAX_QUEUED - tp->queued) {
    tp->drain_wanted = true; /* on_drain tells when to try again */
    return CWAKU_ETOOBIG;
  }
  /* With nothing queued, the kernel usually takes it all at once; only what
   * it leaves is copied and queued. */
  if (tp->queued == 0) {
    uv_buf_t now = uv_buf_init((char *)data, (unsigned)len);
    int n = uv_try_write((uv_stream_t *)&tp->handle, &now, 1);
    if (n > 0) {
      data += n;
      len -= (size_t)n;
      if (len == 0)
        return 0;
    } /* on an error, the queued write below reports it through on_write */
  }
  struct write_req *wr = malloc(sizeof *wr + len);
  if (!wr)
    return CWAKU_ENOMEM;
  wr->tp = tp;
  wr->len = len;
  memcpy(wr->data, data, len);
  uv_buf_t buf = uv_buf_init((char *)wr->data, (unsigned)len);
  int r = uv_write(&wr->req, (uv_stream_t *)&tp->handle, &buf, 1, on_write);
  if (r < 0) {
    free(wr);
    return CWAKU_EIO;
  }
  tp->queued += len;
  tp->drain_wanted = true; /* the kernel is full: on_drain when empty */
  return 0;
}

static size_t tcp_queued(const struct cwaku__pipe *p) {
  return ((const struct tcp_pipe *)p)->queued;
}

static void tcp_close(struct cwaku__pipe *p, int err) {
  struct tcp_pipe *tp = (struct tcp_pipe *)p;
  if (tp->closing)
    return;
  tp->closing = true;
  tp->close_err = err;
  uv_read_stop((uv_stream_t *)&tp->handle);
  /* An orderly close lets queued bytes go out first. */
  if (err == 0 && tp->queued > 0) {
    tp->shutdown.data = tp;
    if (uv_shutdown(&tp->shutdown, (uv_stream_t *)&tp->handle, on_shutdown) ==
        0)
      return;
  }
  close_now(tp, err);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
  buf->base = readbuf;
  buf->len = sizeof readbuf;
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf) {
  struct tcp_pipe *tp = s->data;
  if (n > 0) {
    if (!tp->closing && tp->pipe.cb.on_data)
      tp->pipe.cb.on_data(&tp->pipe, (const uint8_t *)buf->base, (size_t)n,
                          tp->pipe.cb.arg);
  } else if (n < 0) {
    close_now(tp, n == UV_EOF ? 0 : CWAKU_EIO);
  }
}

static void tcp_pause(struct cwaku__pipe *p, bool paused) {
  struct tcp_pipe *tp = (struct tcp_pipe *)p;
  if (tp->closing)
    return;
  if (paused)
    uv_read_stop((uv_stream_t *)&tp->handle);
  else
    uv_read_start((uv_stream_t *)&tp->handle, on_alloc, on_read);
}

static const struct cwaku__pipe_ops tcp_ops = {tcp_write, tcp_queued, tcp_close,
                                               tcp_pause};

static struct tcp_pipe *tcp_pipe_new(uv_loop_t *loop) {
  struct tcp_pipe *tp = calloc(1, sizeof *tp);
  if (!tp)
    return NULL;
  tp->pipe.ops = &tcp_ops;
  if (uv_tcp_init(loop, &tp->handle) != 0) {
    free(tp);
    return NULL;
  }
  tp->handle.data = tp;
  return tp;
}

static void on_connection(uv_stream_t *server, int status) {
  struct cwaku__tcp_listener *l = server->data;
  if (status < 0)
    return;
  struct tcp_pipe *tp = tcp_pipe_new(server->loop);
  if (!tp)
    return;
  if (uv_accept(server, (uv_stream_t *)&tp->handle) != 0) {
    close_now(tp, CWAKU_EIO);
    return;
  }
  uv_tcp_nodelay(&tp->handle, 1);
  fill_addrs(tp);
  l->on_accept(&tp->pipe, l->arg);
  if (!tp->closing)
    uv_read_start((uv_stream_t *)&tp->handle, on_alloc, on_read);
}

int cwaku__tcp_listen(struct cwaku__tcp_listener **out, uint16_t *bound_port,
                      uv_loop_t *loop, const char *ip, uint16_t port,
                      cwaku__tcp_accept_fn on_accept, void *arg) {
  struct sockaddr_storage ss;
  if (uv_ip4_addr(ip, port, (struct sockaddr_in *)&ss) != 0 &&
      uv_ip6_addr(ip, port, (struct sockaddr_in6 *)&ss) != 0)
    return CWAKU_EINVAL;
  struct cwaku__tcp_listener *l = calloc(1, sizeof *l);
  if (!l)
    return CWAKU_ENOMEM;
  l->on_accept = on_accept;
  l->arg = arg;
  uv_tcp_init(loop, &l->handle);
  l->handle.data = l;
  int r = uv_tcp_bind(&l->handle, (struct sockaddr *)&ss, 0);
  if (r == 0)
    r = uv_listen((uv_stream_t *)&l->handle, 128, on_connection);
  if (r != 0) {
    cwaku_log(CWAKU_LOG_ERROR, "tcp", "cannot listen on %s:%u: %s", ip, port,
              uv_strerror(r));
    cwaku__tcp_listener_close(l);
    return CWAKU_EIO;
  }
  int len = sizeof ss;
  uv_tcp_getsockname(&l->handle, (struct sockaddr *)&ss, &len);
  *bound_port =
      ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
                                    : ((struct sockaddr_in6 *)&ss)->sin6_port);
  *out = l;
  return 0;
}

static void free_on_close(uv_handle_t *h) {
  free(h->data);
}

void cwaku__tcp_listener_close(struct cwaku__tcp_listener *l) {
  if (l)
    uv_close((uv_handle_t *)&l->handle, free_on_close);
}

static void dial_handle_closed(uv_handle_t *h) {
  struct dial_req *d = h->data;
  if (--d->handles_open == 0)
    free(d);
}

static void dial_finish(struct dial_req *d, int err) {
  if (d->done)
    return;
  d->done = true;
  uv_timer_stop(&d->timer);
  uv_close((uv_handle_t *)&d->timer, dial_handle_closed);
  struct tcp_pipe *tp = d->tp;
  if (err) {
    close_now(tp, err); /* on_close is not set: nothing is reported */
    d->on_done(NULL, err, d->arg);
    return;
  }
  tp->pipe.outbound = true;
  uv_tcp_nodelay(&tp->handle, 1);
  fill_addrs(tp);
  d->on_done(&tp->pipe, 0, d->arg);
  if (!tp->closing)
    uv_read_start((uv_stream_t *)&tp->handle, on_alloc, on_read);
}

static void on_connect(uv_connect_t *req, int status) {
  struct dial_req *d = req->data;
  dial_finish(d, status < 0 ? CWAKU_EIO : 0); /* no-op after a timeout */
  if (--d->handles_open == 0)
    free(d);
}

static void on_dial_timeout(uv_timer_t *t) {
  struct dial_req *d = t->data;
  /* Closing the socket cancels the connect; on_connect then runs with
   * UV_ECANCELED and finds the dial already finished. */
  dial_finish(d, CWAKU_EIO);
}

int cwaku__tcp_dial(uv_loop_t *loop, const struct sockaddr *addr,
                    uint64_t timeout_ms, cwaku__tcp_dial_fn on_done,
                    void *arg) {
  struct dial_req *d = calloc(1, sizeof *d);
  if (!d)
    return CWAKU_ENOMEM;
  d->tp = tcp_pipe_new(loop);
  if (!d->tp) {
    free(d);
    return CWAKU_ENOMEM;
  }
  d->on_done = on_done;
  d->arg = arg;
  d->req.data = d;
  uv_timer_init(loop, &d->timer);
  d->timer.data = d;
  d->handles_open = 2; /* the timer and the pending connect request */
  int r = uv_tcp_connect(&d->req, &d->tp->handle, addr, on_connect);
  if (r != 0) {
    d->handles_open = 1;
    dial_finish(d, CWAKU_EIO);
    return 0;
  }
  uv_timer_start(&d->timer, on_dial_timeout, timeout_ms, 0);
  return 0;
}
