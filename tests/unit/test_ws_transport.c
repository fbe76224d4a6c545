/* The WebSocket transport over loopback TCP (src/net/websocket.c): the
 * opening handshake both ways, a megabyte echoed in binary messages, and an
 * orderly close. */
#include <signal.h>
#include <uv.h>

#include "check.h"
#include "net/tcp.h"
#include "net/websocket.h"

#define TOTAL (1024 * 1024)

struct side {
  struct cwaku__pipe *pipe;
  size_t received;
  uint32_t sum;
  bool closed;
  int close_err;
};

static struct side server, client;
static struct cwaku__tcp_listener *listener;
static int dial_err = 1;
static uint32_t sent_sum;

static void on_close(struct cwaku__pipe *p, int err, void *arg) {
  struct side *s = arg;
  s->closed = true;
  s->close_err = err;
  s->pipe = NULL;
  if (server.closed && client.closed)
    cwaku__tcp_listener_close(listener);
}

/* The server echoes; the client counts and checks what comes back. */
static void server_data(struct cwaku__pipe *p, const uint8_t *d, size_t n,
                        void *arg) {
  CHECK_EQ_INT(p->ops->write(p, d, n), 0);
  server.received += n;
}

static void client_data(struct cwaku__pipe *p, const uint8_t *d, size_t n,
                        void *arg) {
  for (size_t i = 0; i < n; i++)
    client.sum = client.sum * 31 + d[i];
  client.received += n;
  if (client.received == TOTAL)
    p->ops->close(p, 0); /* orderly: the server then sees EOF */
}

static void on_server_ready(struct cwaku__pipe *p, int err, void *arg) {
  CHECK_EQ_INT(err, 0);
  if (err)
    return;
  server.pipe = p;
  CHECK(!p->outbound);
  CHECK_EQ_INT(p->remote_addr_len, 10); /* /ip4/127.0.0.1/tcp/N/ws */
  p->cb.on_data = server_data;
  p->cb.on_close = on_close;
  p->cb.arg = &server;
}

static void on_accept(struct cwaku__pipe *p, void *arg) {
  CHECK_EQ_INT(cwaku__ws_accept_pipe(p, on_server_ready, NULL), 0);
}

static void on_client_ready(struct cwaku__pipe *p, int err, void *arg);

static void on_dialed(struct cwaku__pipe *p, int err, void *arg) {
  dial_err = err;
  if (err)
    return;
  CHECK_EQ_INT(cwaku__ws_connect_pipe(p, "127.0.0.1", on_client_ready, NULL),
               0);
}

static void on_client_ready(struct cwaku__pipe *p, int err, void *arg) {
  CHECK_EQ_INT(err, 0);
  if (err)
    return;
  client.pipe = p;
  CHECK(p->outbound);
  p->cb.on_data = client_data;
  p->cb.on_close = on_close;
  p->cb.arg = &client;
  /* Queue the whole megabyte at once, in odd-sized writes. */
  static uint8_t buf[TOTAL];
  for (size_t i = 0; i < TOTAL; i++) {
    buf[i] = (uint8_t)(i * 7 + i / 251);
    sent_sum = sent_sum * 31 + buf[i];
  }
  for (size_t off = 0; off < TOTAL;) {
    size_t n = TOTAL - off < 9973 ? TOTAL - off : 9973;
    CHECK_EQ_INT(p->ops->write(p, buf + off, n), 0);
    off += n;
  }
  /* The kernel may have taken it all at once: what is queued is at most the
   * rest, and the echo below checks every byte arrived. */
  CHECK(p->ops->queued(p) <= TOTAL + TOTAL / 8);
}

static void test_echo(void) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  uint16_t port = 0;
  CHECK_EQ_INT(cwaku__tcp_listen(&listener, &port, &loop, "127.0.0.1", 0,
                                 on_accept, NULL),
               0);
  CHECK(port != 0);
  struct sockaddr_in sa;
  uv_ip4_addr("127.0.0.1", port, &sa);
  CHECK_EQ_INT(
      cwaku__tcp_dial(&loop, (struct sockaddr *)&sa, 5000, on_dialed, NULL), 0);
  uv_run(&loop, UV_RUN_DEFAULT);
  CHECK_EQ_INT(dial_err, 0);
  CHECK_EQ_INT(server.received, TOTAL);
  CHECK_EQ_INT(client.received, TOTAL);
  CHECK(client.sum == sent_sum);
  CHECK(client.closed && server.closed);
  CHECK_EQ_INT(client.close_err, 0);
  CHECK_EQ_INT(uv_loop_close(&loop), 0); /* every handle was closed */
}

int main(void) {
  signal(SIGPIPE, SIG_IGN); /* as the node does: a closed peer is an error */
  test_echo();
  return check_summary("websocket transport");
}
