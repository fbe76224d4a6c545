/* libp2p benchmarks of cwaku against itself in one process on loopback, the
 * way bench/libp2p-bench.mjs measures js-libp2p against itself:
 *
 *   libp2p_bench throughput MIB   one yamux stream carries MIB MiB
 *   libp2p_bench throughput2 MIB  the same between two processes
 *   libp2p_bench handshakes SECS  sequential TCP+Noise+yamux connections
 *
 * Prints one JSON object. In throughput and handshakes, both sides share one
 * event loop and one core; in throughput2 the receiver is a child process,
 * as two nodes are deployed, and reports its end time (CLOCK_MONOTONIC, the
 * clock of uv_hrtime, is shared by processes) through a pipe. */
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "net/tcp.h"
#include "p2p/connection.h"

#define BENCH_PROTOCOL "/cwaku/bench/1.0.0"
#define CHUNK (64 * 1024)
/* Socket writes of up to 256 KiB, as the node's host does. */
#define WRITE_MAX (256 * 1024)

struct side {
  struct cwaku__pipe *pipe;
  struct cwaku__conn *conn;
  struct cwaku__conn_config cfg;
  bool closed;
};

static uv_loop_t loop;
static struct cwaku__tcp_listener *listener;
static struct sockaddr_in server_addr;
static cwaku_identity_key server_key, client_key;
static struct cwaku_seeded_rng rng;
static const struct cwaku__proto_handler *server_handlers[1];
static struct cwaku__proto_handler sink, source;

static uint64_t total_bytes, sent, received;
static uint64_t t_start, t_end;
static bool done;
static int report_fd = -1; /* throughput2: the receiver's pipe to the parent */
static int handshakes;
static uint64_t handshake_deadline;

static void flush(struct side *s) {
  for (;;) {
    const uint8_t *p;
    size_t n;
    cwaku__conn_output(s->conn, &p, &n);
    if (n > WRITE_MAX)
      n = WRITE_MAX;
    if (n == 0 || s->pipe->ops->queued(s->pipe) > 0 ||
        s->pipe->ops->write(s->pipe, p, n) != 0)
      break;
    cwaku__conn_output_consumed(s->conn, n);
  }
  if (s->closed)
    s->pipe->ops->close(s->pipe, 0);
}

static void pipe_data(struct cwaku__pipe *p, const uint8_t *d, size_t n,
                      void *arg) {
  struct side *s = arg;
  if (s->closed)
    return;
  cwaku__conn_recv(s->conn, d, n, uv_hrtime());
  flush(s);
}

static void pipe_drain(struct cwaku__pipe *p, void *arg) {
  struct side *s = arg;
  if (!s->closed)
    flush(s);
}

static void dial_next(void);

static void pipe_closed(struct cwaku__pipe *p, int err, void *arg) {
  struct side *s = arg;
  bool client = s->cfg.initiator;
  cwaku__conn_free(s->conn);
  free(s);
  if (client && handshake_deadline && !done)
    dial_next();
}

static void conn_closed(struct cwaku__conn *c, int err, void *arg) {
  ((struct side *)arg)->closed = true;
}

static void client_ready(struct cwaku__conn *c, void *arg) {
  if (handshake_deadline) {
    handshakes++;
    if (uv_hrtime() >= handshake_deadline) {
      done = true;
      t_end = uv_hrtime();
      cwaku__tcp_listener_close(listener);
    }
    cwaku__conn_close(c, 0);
    return;
  }
  uint64_t id;
  cwaku__conn_open_stream(c, &id, &source);
}

static struct side *adopt(struct cwaku__pipe *p, bool initiator) {
  struct side *s = calloc(1, sizeof *s);
  s->pipe = p;
  s->cfg = (struct cwaku__conn_config){
      .initiator = initiator,
      .identity = initiator ? &client_key : &server_key,
      .rng = &rng.rng,
      .handlers = initiator ? NULL : server_handlers,
      .n_handlers = initiator ? 0 : 1,
      .on_ready = initiator ? client_ready : NULL,
      .on_closed = conn_closed,
      .arg = s,
  };
  cwaku__muxer_config_default(&s->cfg.muxer);
  if (getenv("BENCH_OUTPUT"))
    s->cfg.muxer.max_output = (size_t)atol(getenv("BENCH_OUTPUT"));
  if (getenv("BENCH_WINDOW"))
    s->cfg.muxer.max_stream_window = (uint32_t)atol(getenv("BENCH_WINDOW"));
  static const char *const yamux_only[] = {"/yamux/1.0.0"};
  s->cfg.muxers = yamux_only;
  s->cfg.n_muxers = 1;
  if (cwaku__conn_new(&s->conn, &s->cfg) != 0)
    abort();
  p->cb.on_data = pipe_data;
  p->cb.on_drain = pipe_drain;
  p->cb.on_close = pipe_closed;
  p->cb.arg = s;
  flush(s);
  return s;
}

static void on_accept(struct cwaku__pipe *p, void *arg) {
  adopt(p, false);
}

static void on_dialed(struct cwaku__pipe *p, int err, void *arg) {
  if (err) {
    fprintf(stderr, "dial failed\n");
    exit(1);
  }
  adopt(p, true);
}

static void dial_next(void) {
  cwaku__tcp_dial(&loop, (struct sockaddr *)&server_addr, 5000, on_dialed,
                  NULL);
}

/* The sending side: as much as the window takes, more when writable. */
static uint8_t chunk[CHUNK];

static void source_pump(struct cwaku__conn *c, uint64_t stream) {
  while (sent < total_bytes) {
    size_t want = total_bytes - sent < CHUNK ? total_bytes - sent : CHUNK;
    size_t accepted = 0;
    if (cwaku__conn_stream_write(c, stream, chunk, want, &accepted) ||
        accepted == 0)
      return;
    sent += accepted;
  }
  cwaku__conn_stream_close(c, stream);
}

static void source_open(struct cwaku__conn *c, uint64_t stream, bool inbound,
                        void *ctx) {
  t_start = uv_hrtime();
  source_pump(c, stream);
}

static void source_writable(struct cwaku__conn *c, uint64_t stream, void *ctx) {
  source_pump(c, stream);
}

static void sink_data(struct cwaku__conn *c, uint64_t stream, const uint8_t *d,
                      size_t n, void *ctx) {
  received += n;
}

static void sink_fin(struct cwaku__conn *c, uint64_t stream, void *ctx) {
  t_end = uv_hrtime();
  done = true;
  if (report_fd >= 0) {
    uint64_t rep[2] = {t_end, received};
    if (write(report_fd, rep, sizeof rep) != (ssize_t)sizeof rep)
      exit(1);
  }
  cwaku__conn_close(c, 0);
  cwaku__tcp_listener_close(listener);
}

/* throughput2: fork before any libuv state exists, so the two processes
 * share no event loop. The child listens, tells the port, receives, and
 * reports {end time, bytes}. */
static int run_split(double mib) {
  int port_pipe[2], report_pipe[2];
  if (pipe(port_pipe) || pipe(report_pipe))
    return 1;
  total_bytes = (uint64_t)(mib * 1024 * 1024);
  pid_t pid = fork();
  if (pid < 0)
    return 1;
  if (pid == 0) {
    close(port_pipe[0]);
    close(report_pipe[0]);
    report_fd = report_pipe[1];
    uv_loop_init(&loop);
    uint16_t port;
    if (cwaku__tcp_listen(&listener, &port, &loop, "127.0.0.1", 0, on_accept,
                          NULL) != 0 ||
        write(port_pipe[1], &port, sizeof port) != (ssize_t)sizeof port)
      _exit(1);
    uv_run(&loop, UV_RUN_DEFAULT);
    _exit(0);
  }
  close(port_pipe[1]);
  close(report_pipe[1]);
  uint16_t port;
  if (read(port_pipe[0], &port, sizeof port) != (ssize_t)sizeof port)
    return 1;
  uv_loop_init(&loop);
  uv_ip4_addr("127.0.0.1", port, &server_addr);
  dial_next();
  uv_run(&loop, UV_RUN_DEFAULT);
  uint64_t rep[2];
  if (read(report_pipe[0], rep, sizeof rep) != (ssize_t)sizeof rep)
    return 1;
  if (rep[1] != total_bytes) {
    fprintf(stderr, "received %llu of %llu bytes\n", (unsigned long long)rep[1],
            (unsigned long long)total_bytes);
    return 1;
  }
  double secs = (double)(rep[0] - t_start) / 1e9;
  printf("{\"impl\":\"cwaku\",\"processes\":2,\"throughput_mib_s\":%.1f,"
         "\"mib\":%.0f,\"seconds\":%.3f}\n",
         mib / secs, mib, secs);
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 3 || (strcmp(argv[1], "throughput") != 0 &&
                    strcmp(argv[1], "throughput2") != 0 &&
                    strcmp(argv[1], "handshakes") != 0)) {
    fprintf(stderr, "usage: libp2p_bench throughput MIB | throughput2 MIB | "
                    "handshakes SECS\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  /* sodium_init picks the vectorised ChaCha20 and Poly1305 code for this
   * CPU; without it libsodium runs its portable reference code. */
  if (sodium_init() < 0)
    return 1;
  cwaku_seeded_rng_init(&rng, 1);
  if (!cwaku_identity_generate(&server_key, CWAKU_KEY_SECP256K1, &rng.rng) ||
      !cwaku_identity_generate(&client_key, CWAKU_KEY_SECP256K1, &rng.rng))
    return 1;
  memset(chunk, 0x5a, sizeof chunk);
  sink = (struct cwaku__proto_handler){
      .protocol = BENCH_PROTOCOL, .on_data = sink_data, .on_fin = sink_fin};
  source = (struct cwaku__proto_handler){.protocol = BENCH_PROTOCOL,
                                         .on_open = source_open,
                                         .on_writable = source_writable};
  server_handlers[0] = &sink;
  if (strcmp(argv[1], "throughput2") == 0)
    return run_split(atof(argv[2]));
  uv_loop_init(&loop);
  uint16_t port;
  if (cwaku__tcp_listen(&listener, &port, &loop, "127.0.0.1", 0, on_accept,
                        NULL) != 0)
    return 1;
  uv_ip4_addr("127.0.0.1", port, &server_addr);
  bool tp = strcmp(argv[1], "throughput") == 0;
  double arg = atof(argv[2]);
  if (tp) {
    total_bytes = (uint64_t)(arg * 1024 * 1024);
  } else {
    t_start = uv_hrtime();
    handshake_deadline = t_start + (uint64_t)(arg * 1e9);
  }
  dial_next();
  uv_run(&loop, UV_RUN_DEFAULT);
  double secs = (double)(t_end - t_start) / 1e9;
  if (tp) {
    if (received != total_bytes) {
      fprintf(stderr, "received %llu of %llu bytes\n",
              (unsigned long long)received, (unsigned long long)total_bytes);
      return 1;
    }
    printf("{\"impl\":\"cwaku\",\"throughput_mib_s\":%.1f,\"mib\":%.0f,"
           "\"seconds\":%.3f}\n",
           arg / secs, arg, secs);
  } else {
    printf("{\"impl\":\"cwaku\",\"handshakes_per_s\":%.1f,\"handshakes\":%d,"
           "\"seconds\":%.3f}\n",
           handshakes / secs, handshakes, secs);
  }
  return 0;
}
