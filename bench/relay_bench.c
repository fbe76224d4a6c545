/* The load generator of bench/relay.sh: a publisher P and a subscriber S,
 * two cwaku hosts with relay in this process on one event loop, measure the
 * relay nodes between them (cwaku-node or bench/relay-bench.mjs, js-waku's
 * relay), so that both kinds of relay face the same P and S:
 *
 *   relay_bench throughput BYTES SECS PUB_MA SUB_MA [PID...]
 *       P publishes WakuMessages with BYTES of payload, keeping WINDOW
 *       (default 64) of them in flight, for one second of warm-up and SECS
 *       measured; prints the messages S received per second.
 *   relay_bench latency BYTES SECS PUB_MA SUB_MA [PID...]
 *       P publishes one message every INTERVAL_MS (default 20) for SECS;
 *       prints the median and 99th percentile of the time each took to
 *       reach S (one process: one clock).
 *
 * P keeps PUB_MA connected, S SUB_MA (the same relay, or the two ends of a
 * chain), both on /waku/2/rs/1/0 of cluster 1. Measuring starts once the
 * path is a mesh path: three probes in a row reached S within 50 ms (a
 * message that went by gossip waits for a heartbeat, 1 s). The PIDs are
 * the relays' processes: their CPU use over the measured time is printed
 * beside ours, in cores (1.0: one core busy all the time).
 *
 * Environment: BENCH_WINDOW, BENCH_INTERVAL_MS. Prints one JSON object. */
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "cwaku/config.h"
#include "cwaku/identity.h"
#include "cwaku/log.h"
#include "cwaku/message.h"
#include "node/host.h"

#define PUBSUB_TOPIC "/waku/2/rs/1/0"
#define LOAD_TOPIC "/relay-bench/1/load/proto"
#define PROBE_TOPIC "/relay-bench/1/probe/proto"
/* Every payload starts with its send time (uv_hrtime) and a sequence
 * number, which also makes each message unique. */
#define HEADER_BYTES 16
#define MAX_PIDS 8
#define PROBE_MS 100
#define FAST_PROBE_NS (50 * 1000000ull)
#define FAST_PROBES 3
#define SETUP_TIMEOUT_MS 30000
#define WARMUP_MS 1000
/* Latency: how long stragglers may take after the last publish. */
#define DRAIN_MS 2000
/* Throughput: messages in flight that made no progress for this long are
 * written off as lost, so that a drop cannot stall the window. */
#define STALL_NS (2 * 1000000000ull)

enum mode { THROUGHPUT, LATENCY };
enum phase { SETUP, WARMUP, MEASURE, DRAIN, DONE };

struct cpu_sample {
  double self;
  double relay[MAX_PIDS];
  double machine; /* every process on every core */
};

static struct {
  enum mode mode;
  enum phase phase;
  size_t bytes;
  double secs;
  unsigned window, interval_ms;
  pid_t pids[MAX_PIDS];
  size_t n_pids;
  uv_loop_t loop;
  struct cwaku_node_config cfg[2]; /* P, S */
  cwaku_identity_key key[2];
  struct cwaku_host *host[2];
  uint8_t *payload;
  uint64_t seq;
  /* setup */
  unsigned fast_probes;
  /* throughput */
  uint64_t sent, arrived, written_off, measured, last_progress_ns;
  /* latency */
  uint64_t first_seq, published;
  uint64_t *lat;
  size_t n_lat, lat_cap;
  /* the measured interval */
  uint64_t t0, t1;
  struct cpu_sample cpu0, cpu1;
  uv_timer_t tick, phase_timer;
  uv_check_t check;
  int stopped_hosts;
} b;

/* ---- CPU time ----------------------------------------------------------- */

static double self_cpu_s(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
         (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* utime + stime of a process (all its threads), from /proc/PID/stat. */
static double proc_cpu_s(pid_t pid) {
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  FILE *f = fopen(path, "r");
  if (!f)
    return 0;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  /* The command name may hold blanks: fields count from its ')'. */
  const char *p = strrchr(buf, ')');
  unsigned long utime = 0, stime = 0;
  if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
                   &utime, &stime) != 2)
    return 0;
  return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

/* Busy time of all cores together, from the first line of /proc/stat
 * (user nice system idle iowait irq softirq steal, in ticks). */
static double machine_cpu_s(void) {
  FILE *f = fopen("/proc/stat", "r");
  if (!f)
    return 0;
  unsigned long long v[8] = {0};
  int n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1],
                 &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
  fclose(f);
  if (n != 8)
    return 0;
  unsigned long long busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
  return (double)busy / (double)sysconf(_SC_CLK_TCK);
}

static void cpu_sample(struct cpu_sample *s) {
  s->self = self_cpu_s();
  s->machine = machine_cpu_s();
  for (size_t i = 0; i < b.n_pids; i++)
    s->relay[i] = proc_cpu_s(b.pids[i]);
}

/* ---- publishing --------------------------------------------------------- */

static int64_t unix_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int publish(const char *content_topic) {
  uint64_t now = uv_hrtime(), seq = b.seq++;
  memcpy(b.payload, &now, 8);
  memcpy(b.payload + 8, &seq, 8);
  struct cwaku_message m;
  cwaku_message_init(&m, content_topic, b.payload, b.bytes);
  m.has_timestamp = true;
  m.timestamp = unix_ns();
  size_t peers = 0;
  int r = cwaku_host_publish(b.host[0], PUBSUB_TOPIC, &m, &peers);
  return r ? r : peers ? 0 : CWAKU_EIO;
}

/* Throughput: tops the window up after each turn of the loop (not from
 * inside S's delivery, which runs within S's router). */
static void on_check(uv_check_t *c) {
  if (b.mode != THROUGHPUT || (b.phase != WARMUP && b.phase != MEASURE))
    return;
  uint64_t now = uv_hrtime();
  uint64_t in_flight = b.sent - b.arrived - b.written_off;
  if (in_flight >= b.window && now - b.last_progress_ns > STALL_NS) {
    b.written_off += in_flight;
    b.last_progress_ns = now;
    in_flight = 0;
  }
  while (in_flight < b.window) {
    if (publish(LOAD_TOPIC) != 0)
      break;
    b.sent++;
    in_flight++;
  }
}

/* ---- phases ------------------------------------------------------------- */

static void stop_all(void);

static int cmp_u64(const void *x, const void *y) {
  uint64_t a = *(const uint64_t *)x, c = *(const uint64_t *)y;
  return a < c ? -1 : a > c;
}

static void report(void) {
  double secs = (double)(b.t1 - b.t0) / 1e9;
  printf("{\"mode\":\"%s\",\"bytes\":%zu,\"seconds\":%.3f,",
         b.mode == THROUGHPUT ? "throughput" : "latency", b.bytes, secs);
  if (b.mode == THROUGHPUT) {
    double rate = (double)b.measured / secs;
    printf("\"window\":%u,\"msgs_s\":%.1f,\"mib_s\":%.2f,\"sent\":%llu,"
           "\"received\":%llu,\"lost\":%llu,",
           b.window, rate, rate * (double)b.bytes / (1024.0 * 1024.0),
           (unsigned long long)b.sent, (unsigned long long)b.arrived,
           (unsigned long long)b.written_off);
  } else {
    uint64_t *v = b.lat;
    size_t n = b.n_lat;
    qsort(v, n, sizeof *v, cmp_u64);
    /* nearest rank */
    double median = n ? (double)v[(n + 1) / 2 - 1] / 1e6 : 0;
    size_t k = (size_t)((double)n * 0.99 + 0.999999);
    double p99 = n ? (double)v[(k ? k : 1) - 1] / 1e6 : 0;
    double max = n ? (double)v[n - 1] / 1e6 : 0;
    printf("\"interval_ms\":%u,\"published\":%llu,\"received\":%zu,"
           "\"median_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f,",
           b.interval_ms, (unsigned long long)b.published, n, median, p99, max);
  }
  /* cpu_other: what the rest of the machine used meanwhile (other jobs
   * take cores from this measurement). */
  double self = (b.cpu1.self - b.cpu0.self) / secs, relays = 0;
  printf("\"cpu_bench\":%.2f,\"cpu_relays\":[", self);
  for (size_t i = 0; i < b.n_pids; i++) {
    double c = (b.cpu1.relay[i] - b.cpu0.relay[i]) / secs;
    relays += c;
    printf("%s%.2f", i ? "," : "", c);
  }
  double other = (b.cpu1.machine - b.cpu0.machine) / secs - self - relays;
  printf("],\"cpu_other\":%.2f}\n", other > 0 ? other : 0);
  fflush(stdout);
}

static void end_measure(void) {
  b.t1 = uv_hrtime();
  cpu_sample(&b.cpu1);
}

static void on_phase_timer(uv_timer_t *t) {
  switch (b.phase) {
  case SETUP:
    fprintf(stderr, "relay_bench: no probe reached the subscriber through a "
                    "mesh path in time\n");
    exit(1);
  case WARMUP:
    b.phase = MEASURE;
    b.t0 = uv_hrtime();
    cpu_sample(&b.cpu0);
    b.measured = 0;
    b.first_seq = b.seq;
    b.published = 0;
    b.n_lat = 0;
    uv_timer_start(t, on_phase_timer, (uint64_t)(b.secs * 1000), 0);
    return;
  case MEASURE:
    if (b.mode == THROUGHPUT) {
      end_measure();
      b.phase = DONE;
      report();
      stop_all();
    } else {
      end_measure(); /* CPU over the publishing time */
      b.phase = DRAIN;
      uv_timer_start(t, on_phase_timer, DRAIN_MS, 0);
    }
    return;
  case DRAIN:
    b.phase = DONE;
    report();
    stop_all();
    return;
  case DONE:
    return;
  }
}

/* SETUP: a probe every PROBE_MS; LATENCY: a message every interval_ms. */
static void on_tick(uv_timer_t *t) {
  if (b.phase == SETUP) {
    (void)publish(PROBE_TOPIC);
  } else if (b.mode == LATENCY && (b.phase == WARMUP || b.phase == MEASURE)) {
    if (publish(LOAD_TOPIC) == 0 && b.phase == MEASURE)
      b.published++;
  }
}

static void on_message(void *arg, const char *pubsub_topic,
                       const struct cwaku_message *m) {
  if (m->payload_len < HEADER_BYTES)
    return;
  uint64_t now = uv_hrtime(), sent_at, seq;
  memcpy(&sent_at, m->payload, 8);
  memcpy(&seq, m->payload + 8, 8);
  bool probe = m->content_topic_len == strlen(PROBE_TOPIC) &&
               memcmp(m->content_topic, PROBE_TOPIC, m->content_topic_len) == 0;
  if (probe) {
    if (b.phase != SETUP)
      return;
    b.fast_probes = now - sent_at < FAST_PROBE_NS ? b.fast_probes + 1 : 0;
    if (b.fast_probes >= FAST_PROBES) {
      b.phase = WARMUP;
      b.last_progress_ns = now;
      uv_timer_stop(&b.phase_timer);
      uv_timer_start(&b.phase_timer, on_phase_timer, WARMUP_MS, 0);
      if (b.mode == LATENCY)
        uv_timer_start(&b.tick, on_tick, b.interval_ms, b.interval_ms);
      else
        uv_timer_stop(&b.tick);
    }
    return;
  }
  if (b.mode == THROUGHPUT) {
    b.arrived++;
    b.last_progress_ns = now;
    if (b.phase == MEASURE)
      b.measured++;
    return;
  }
  if ((b.phase == MEASURE || b.phase == DRAIN) && seq >= b.first_seq) {
    if (b.n_lat == b.lat_cap) {
      size_t cap = b.lat_cap ? 2 * b.lat_cap : 1024;
      uint64_t *v = realloc(b.lat, cap * sizeof *v);
      if (!v)
        exit(1);
      b.lat = v;
      b.lat_cap = cap;
    }
    b.lat[b.n_lat++] = now - sent_at;
  }
}

/* ---- start and stop ----------------------------------------------------- */

static void handle_closed(uv_handle_t *h) {
  (void)h;
}

static void host_stopped(void *arg) {
  if (++b.stopped_hosts == 2) {
    uv_close((uv_handle_t *)&b.tick, handle_closed);
    uv_close((uv_handle_t *)&b.phase_timer, handle_closed);
    uv_close((uv_handle_t *)&b.check, handle_closed);
  }
}

static void stop_all(void) {
  uv_timer_stop(&b.tick);
  uv_check_stop(&b.check);
  cwaku_host_stop(b.host[0], host_stopped, NULL);
  cwaku_host_stop(b.host[1], host_stopped, NULL);
}

static int make_host(int i, const char *peer) {
  struct cwaku_node_config *cfg = &b.cfg[i];
  cwaku_node_config_init(cfg);
  cfg->relay = true;
  cfg->cluster_id = 1;
  cfg->num_shards = 1;
  cfg->shards[0] = 0;
  snprintf(cfg->listen_address, sizeof cfg->listen_address, "127.0.0.1");
  cfg->tcp_port = 0;
  cfg->max_msg_size = CWAKU_MESSAGE_MAX_DEFAULT;
  cfg->log_level = CWAKU_LOG_WARN;
  if (strlen(peer) >= sizeof cfg->staticnodes[0])
    return CWAKU_EINVAL;
  snprintf(cfg->staticnodes[0], sizeof cfg->staticnodes[0], "%s", peer);
  cfg->num_staticnodes = 1;
  if (!cwaku_identity_generate(&b.key[i], CWAKU_KEY_SECP256K1,
                               cwaku_rng_system()))
    return CWAKU_EKEY;
  int r = cwaku_host_new(&b.host[i], &b.loop, cfg, &b.key[i]);
  if (r)
    return r;
  /* The hosts announce their listeners on stdout; ours is the report's. */
  fflush(stdout);
  int saved = dup(STDOUT_FILENO), null = open("/dev/null", O_WRONLY);
  if (saved < 0 || null < 0)
    return CWAKU_EIO;
  dup2(null, STDOUT_FILENO);
  r = cwaku_host_start(b.host[i]);
  fflush(stdout);
  dup2(saved, STDOUT_FILENO);
  close(saved);
  close(null);
  return r;
}

static unsigned env_uint(const char *name, unsigned dflt) {
  const char *v = getenv(name);
  return v && atoi(v) > 0 ? (unsigned)atoi(v) : dflt;
}

int main(int argc, char **argv) {
  if (argc < 6 ||
      (strcmp(argv[1], "throughput") != 0 && strcmp(argv[1], "latency") != 0)) {
    fprintf(stderr, "usage: relay_bench throughput|latency BYTES SECS PUB_MA "
                    "SUB_MA [RELAY_PID...]\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  if (sodium_init() < 0)
    return 1;
  cwaku_log_set_level(CWAKU_LOG_WARN);
  b.mode = strcmp(argv[1], "throughput") == 0 ? THROUGHPUT : LATENCY;
  b.bytes = (size_t)atol(argv[2]);
  b.secs = atof(argv[3]);
  if (b.bytes < HEADER_BYTES || b.secs <= 0) {
    fprintf(stderr, "relay_bench: BYTES >= %d and SECS > 0\n", HEADER_BYTES);
    return 2;
  }
  for (int i = 6; i < argc && b.n_pids < MAX_PIDS; i++)
    b.pids[b.n_pids++] = (pid_t)atoi(argv[i]);
  b.window = env_uint("BENCH_WINDOW", 64);
  b.interval_ms = env_uint("BENCH_INTERVAL_MS", 20);
  b.payload = malloc(b.bytes);
  if (!b.payload)
    return 1;
  randombytes_buf(b.payload, b.bytes); /* filler after the header */

  uv_loop_init(&b.loop);
  uv_timer_init(&b.loop, &b.tick);
  uv_timer_init(&b.loop, &b.phase_timer);
  uv_check_init(&b.loop, &b.check);
  int r = make_host(0, argv[4]);
  if (!r)
    r = make_host(1, argv[5]);
  if (r) {
    fprintf(stderr, "relay_bench: cannot start the hosts: %s\n",
            cwaku_strerror(r));
    return 1;
  }
  cwaku_host_set_message_handler(b.host[1], on_message, NULL);
  b.phase = SETUP;
  uv_timer_start(&b.tick, on_tick, PROBE_MS, PROBE_MS);
  uv_timer_start(&b.phase_timer, on_phase_timer, SETUP_TIMEOUT_MS, 0);
  uv_check_start(&b.check, on_check);
  uv_run(&b.loop, UV_RUN_DEFAULT);
  uv_loop_close(&b.loop);
  for (int i = 0; i < 2; i++) {
    cwaku_host_free(b.host[i]);
    cwaku_identity_key_clear(&b.key[i]);
    cwaku_node_config_clear(&b.cfg[i]);
  }
  free(b.payload);
  free(b.lat);
  return b.phase == DONE ? 0 : 1;
}
