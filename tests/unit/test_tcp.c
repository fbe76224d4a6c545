/* The libuv TCP transport on loopback (src/net/tcp.c): listen, dial, echo
 * a megabyte both ways, orderly close with queued data, refused dial. */
#include <signal.h>
#include <uv.h>

#include "check.h"
#include "net/tcp.h"

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

static void on_accept(struct cwaku__pipe *p, void *arg) {
  server.pipe = p;
  CHECK(!p->outbound);
  CHECK_EQ_INT(p->remote_addr_len, 8); /* /ip4/127.0.0.1/tcp/N */
  p->cb.on_data = server_data;
  p->cb.on_close = on_close;
  p->cb.arg = &server;
}

static void on_dialed(struct cwaku__pipe *p, int err, void *arg) {
  dial_err = err;
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
  /* The kernel may take it all at once (tcp_write tries first); what is
   * queued is at most the rest, and the echo checks every byte. */
  CHECK(p->ops->queued(p) <= TOTAL);
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

static int refused_err = 1;
static void on_refused(struct cwaku__pipe *p, int err, void *arg) {
  CHECK(p == NULL);
  refused_err = err;
}

static void test_refused(void) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  /* Bind a port, close it, then dial it: nothing listens there. */
  struct cwaku__tcp_listener *l;
  uint16_t port;
  CHECK_EQ_INT(
      cwaku__tcp_listen(&l, &port, &loop, "127.0.0.1", 0, on_accept, NULL), 0);
  cwaku__tcp_listener_close(l);
  uv_run(&loop, UV_RUN_DEFAULT);
  struct sockaddr_in sa;
  uv_ip4_addr("127.0.0.1", port, &sa);
  CHECK_EQ_INT(
      cwaku__tcp_dial(&loop, (struct sockaddr *)&sa, 5000, on_refused, NULL),
      0);
  uv_run(&loop, UV_RUN_DEFAULT);
  CHECK_EQ_INT(refused_err, CWAKU_EIO);
  CHECK_EQ_INT(uv_loop_close(&loop), 0);
  CHECK_EQ_INT(
      cwaku__tcp_listen(&l, &port, &loop, "not-an-ip", 0, on_accept, NULL),
      CWAKU_EINVAL);
}

int main(void) {
  signal(SIGPIPE, SIG_IGN); /* as the node does: a closed peer is an error */
  test_echo();
  test_refused();
  return check_summary("tcp");
}
