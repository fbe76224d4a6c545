/* The REST API (src/node/rest.c): a server on a libuv loop with a fake
 * backend that records what it is asked, driven by real HTTP requests from
 * a second thread over plain sockets. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include "check.h"
#include "cwaku/env.h"
#include "cwaku/log.h"
#include "cwaku/multiaddr.h"
#include "cwaku/peer_id.h"
#include "node/rest.h"
#include "p2p/peer_store.h"

#define NOW_NS 1700000000000000000LL
#define PEER "16Uiu2HAm3cuhhRL2msUuLF62KRSfneFDx94RsuouyW25Ho42cFMq"
#define MAX_MSG 1024

/* ---- the fake backend (runs on the loop thread) ------------------------- */

static struct {
  pthread_mutex_t mu;
  char calls[8192];
  int publish_result;
  char publish_err[64];
  int subscribe_result;
} fake = {.mu = PTHREAD_MUTEX_INITIALIZER};

static void record(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void record(const char *fmt, ...) {
  pthread_mutex_lock(&fake.mu);
  size_t n = strlen(fake.calls);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(fake.calls + n, sizeof fake.calls - n, fmt, ap);
  va_end(ap);
  n = strlen(fake.calls);
  snprintf(fake.calls + n, sizeof fake.calls - n, "\n");
  pthread_mutex_unlock(&fake.mu);
}

/* The calls recorded since the last look, one a line; then forgotten. */
static void expect_calls(const char *want, int line) {
  pthread_mutex_lock(&fake.mu);
  check_count++;
  if (strcmp(fake.calls, want) != 0) {
    check_failures++;
    fprintf(stderr, "test_rest.c:%d: calls\n%s--- want ---\n%s---\n", line,
            fake.calls, want);
  }
  fake.calls[0] = 0;
  pthread_mutex_unlock(&fake.mu);
}
#define EXPECT_CALLS(want) expect_calls(want, __LINE__)

static void set_results(int publish, const char *err, int subscribe) {
  pthread_mutex_lock(&fake.mu);
  fake.publish_result = publish;
  snprintf(fake.publish_err, sizeof fake.publish_err, "%s", err);
  fake.subscribe_result = subscribe;
  pthread_mutex_unlock(&fake.mu);
}

static void hex(char *out, size_t cap, bool has, const uint8_t *p, size_t n) {
  if (!has) {
    snprintf(out, cap, "-");
    return;
  }
  out[0] = 0;
  for (size_t i = 0; i < n && 2 * i + 3 <= cap; i++)
    snprintf(out + 2 * i, 3, "%02x", p[i]);
}

static int fake_publish(void *arg, const char *topic,
                        const struct cwaku_message *m, char *err,
                        size_t errcap) {
  char payload[2 * MAX_MSG + 1], meta[160], proof[160], version[16], ts[32];
  hex(payload, sizeof payload, true, m->payload, m->payload_len);
  hex(meta, sizeof meta, m->has_meta, m->meta, m->meta_len);
  hex(proof, sizeof proof, m->has_rate_limit_proof, m->rate_limit_proof,
      m->rate_limit_proof_len);
  snprintf(version, sizeof version, m->has_version ? "%u" : "-", m->version);
  snprintf(ts, sizeof ts, m->has_timestamp ? "%lld" : "-",
           (long long)m->timestamp);
  record("pub %s ct=%s payload=%s v=%s ts=%s meta=%s eph=%s proof=%s", topic,
         m->content_topic, payload, version, ts, meta,
         m->has_ephemeral ? (m->ephemeral ? "1" : "0") : "-", proof);
  pthread_mutex_lock(&fake.mu);
  int r = fake.publish_result;
  if (r)
    snprintf(err, errcap, "%s", fake.publish_err);
  pthread_mutex_unlock(&fake.mu);
  return r;
}

static int fake_subscribe(void *arg, const char *topic) {
  pthread_mutex_lock(&fake.mu);
  int r = fake.subscribe_result;
  pthread_mutex_unlock(&fake.mu);
  record("sub %s%s", topic, r ? " (fails)" : "");
  return r;
}

static int fake_unsubscribe(void *arg, const char *topic) {
  record("unsub %s", topic);
  return 0;
}

static int fake_info(void *arg, struct cwaku_rest_info *out) {
  static const char *const addrs[] = {"/ip4/127.0.0.1/tcp/60000/p2p/" PEER,
                                      "/ip4/127.0.0.1/tcp/8000/ws/p2p/" PEER};
  out->listen_addresses = addrs;
  out->n_listen_addresses = 2;
  out->enr_uri = "enr:-test";
  out->tcp_port = 60000;
  out->websocket_port = 8000;
  return 0;
}

static void fake_health(void *arg, struct cwaku_rest_health *out) {
  out->node = CWAKU_REST_READY;
  out->connection = CWAKU_REST_PARTIALLY_CONNECTED;
  out->n_protocols = 2;
  out->protocols[0].protocol = "Relay";
  out->protocols[0].health = CWAKU_REST_NOT_READY;
  out->protocols[0].desc = "No connected peers";
  out->protocols[1].protocol = "Lightpush";
  out->protocols[1].health = CWAKU_REST_NOT_MOUNTED;
}

static void fake_peers(void *arg,
                       void (*emit)(void *ctx, const struct cwaku_rest_peer *p),
                       void *ctx) {
  /* one from a peer-store entry, one given directly */
  static struct cwaku_peer p;
  memset(&p, 0, sizeof p);
  if (cwaku_peer_id_from_string(&p.id, PEER) != 0)
    abort();
  p.source = CWAKU_PEER_SOURCE_STATIC;
  p.connected = true;
  size_t n = sizeof p.addrs[0];
  if (cwaku_multiaddr_from_string(p.addrs[0], &n, "/ip4/10.0.0.2/tcp/60000"))
    abort();
  p.addr_len[0] = (uint8_t)n;
  p.n_addrs = 1;
  const char *ids[] = {"/vac/waku/relay/2.0.0", "/ipfs/id/1.0.0"};
  size_t lens[] = {21, 14};
  cwaku_peer_set_protocols(&p, ids, lens, 2);
  cwaku_peer_set_agent(&p, "nwaku", 5);
  cwaku_rest_emit_store_peer(&p, emit, ctx);
  static const uint16_t shards[] = {0, 3};
  struct cwaku_rest_peer row = {.multiaddr = "/ip4/10.0.0.3/tcp/1/p2p/" PEER,
                                .shards = shards,
                                .n_shards = 2,
                                .connected = CWAKU_REST_CAN_CONNECT,
                                .agent = "js-waku",
                                .origin = CWAKU_REST_ORIGIN_PEER_EXCHANGE};
  emit(ctx, &row);
}

static void one_connected_peer(void *arg,
                               void (*emit)(void *ctx,
                                            const struct cwaku_rest_peer *p),
                               void *ctx) {
  struct cwaku_rest_peer row = {
      .multiaddr = "", .agent = "", .connected = CWAKU_REST_CONNECTED};
  emit(ctx, &row);
}

/* ---- the loop thread ---------------------------------------------------- */

static uv_loop_t loop;
static uv_async_t wake;
static struct cwaku_rest *rest, *bare;
static uint16_t port, bare_port;
static pthread_mutex_t job_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t job_cv = PTHREAD_COND_INITIALIZER;
static void (*job)(void);

static void on_wake(uv_async_t *a) {
  pthread_mutex_lock(&job_mu);
  if (job) {
    job();
    job = NULL;
    pthread_cond_signal(&job_cv);
  }
  pthread_mutex_unlock(&job_mu);
}

/* Runs fn on the loop thread and waits for it. */
static void on_loop(void (*fn)(void)) {
  pthread_mutex_lock(&job_mu);
  job = fn;
  uv_async_send(&wake);
  while (job)
    pthread_cond_wait(&job_cv, &job_mu);
  pthread_mutex_unlock(&job_mu);
}

static void deliver(const char *topic, const char *ct, const char *payload,
                    size_t plen, int64_t ts, uint32_t version, const char *meta,
                    bool ephemeral, const char *proof) {
  struct cwaku_message m;
  cwaku_message_init(&m, ct, (const uint8_t *)payload, plen);
  m.has_timestamp = true;
  m.timestamp = ts;
  m.has_version = version != 0;
  m.version = version;
  if (meta) {
    m.has_meta = true;
    m.meta = (const uint8_t *)meta;
    m.meta_len = strlen(meta);
  }
  m.has_ephemeral = ephemeral;
  m.ephemeral = ephemeral;
  if (proof) {
    m.has_rate_limit_proof = true;
    m.rate_limit_proof = (const uint8_t *)proof;
    m.rate_limit_proof_len = strlen(proof);
  }
  cwaku_rest_on_message(rest, topic, &m);
}

static void deliver_three(void) {
  deliver("/waku/2/rs/1/0", "/app/1/chat/proto", "hello", 5, 1, 0, NULL, false,
          NULL);
  deliver("/waku/2/rs/1/0", "/app/1/chat/proto", "\x00\x01\x02", 3, 2, 1,
          "\xaa\xbb", true, "pr");
  deliver("/waku/2/rs/1/0", "/app/1/chat/proto", "x", 1, 3, 0, NULL, false,
          NULL);
  deliver("/waku/2/rs/1/5", "/app/1/chat/proto", "y", 1, 4, 0, NULL, false,
          NULL);
}

static void deliver_auto(void) {
  deliver("/waku/2/rs/1/0", "/myapp/1/topic/proto", "auto", 4, 9, 0, NULL,
          false, NULL);
}

/* One small message, then three of 4000 bytes on a topic that keeps two:
 * with the 8 KiB budget only the newest big one stays. */
static void deliver_big(void) {
  deliver("/waku/2/rs/1/0", "/app/1/chat/proto", "small", 5, 50, 0, NULL, false,
          NULL);
  static char payload[4000];
  memset(payload, 'a', sizeof payload);
  for (int i = 97; i < 100; i++)
    deliver("/waku/2/rs/1/1", "/app/1/chat/proto", payload, sizeof payload, i,
            0, NULL, false, NULL);
}

static void stop_all(void) {
  cwaku_rest_free(rest);
  cwaku_rest_free(bare);
  uv_close((uv_handle_t *)&wake, NULL);
}

/* ---- the HTTP client ---------------------------------------------------- */

struct resp {
  int status;
  char type[64];
  char allow[64];
  char *body; /* NUL-terminated */
  size_t len;
  char *raw;
};

static void resp_free(struct resp *r) {
  free(r->raw);
  memset(r, 0, sizeof *r);
}

static int dial(uint16_t p) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons(p);
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0)
    abort();
  return fd;
}

static void send_all(int fd, const void *p, size_t n) {
  const char *c = p;
  while (n) {
    ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
    if (w <= 0)
      return;
    c += w;
    n -= (size_t)w;
  }
}

static void header(struct resp *r, const char *raw, const char *name, char *out,
                   size_t cap) {
  size_t n = strlen(name);
  for (const char *h = strstr(raw, "\r\n"); h && h < r->body;
       h = strstr(h + 2, "\r\n"))
    if (strncasecmp(h + 2, name, n) == 0 && h[2 + n] == ':') {
      const char *v = h + 3 + n;
      while (*v == ' ')
        v++;
      snprintf(out, cap, "%.*s", (int)strcspn(v, "\r"), v);
      return;
    }
}

/* Reads the response until the server closes (5 s at most). */
static void read_response(int fd, struct resp *r) {
  memset(r, 0, sizeof *r);
  size_t cap = 4096, len = 0;
  char *buf = malloc(cap);
  for (;;) {
    struct pollfd pf = {.fd = fd, .events = POLLIN};
    if (poll(&pf, 1, 5000) != 1)
      break;
    if (len + 1024 > cap)
      buf = realloc(buf, cap *= 2);
    ssize_t n = recv(fd, buf + len, cap - len - 1, 0);
    if (n <= 0)
      break;
    len += (size_t)n;
  }
  buf[len] = 0;
  r->raw = buf;
  char *end = strstr(buf, "\r\n\r\n");
  if (sscanf(buf, "HTTP/1.1 %d", &r->status) != 1 || !end) {
    r->status = -1;
    r->body = buf + len;
    return;
  }
  r->body = end + 4;
  r->len = len - (size_t)(r->body - buf);
  header(r, buf, "Content-Type", r->type, sizeof r->type);
  header(r, buf, "Allow", r->allow, sizeof r->allow);
}

static void request_on(uint16_t p, struct resp *r, const char *method,
                       const char *path, const char *type, const char *body,
                       size_t blen) {
  int fd = dial(p);
  char head[1024];
  int n = snprintf(head, sizeof head,
                   "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n",
                   method, path);
  if (type)
    n += snprintf(head + n, sizeof head - (size_t)n, "Content-Type: %s\r\n",
                  type);
  if (body)
    n += snprintf(head + n, sizeof head - (size_t)n, "Content-Length: %zu\r\n",
                  blen);
  n += snprintf(head + n, sizeof head - (size_t)n, "\r\n");
  send_all(fd, head, (size_t)n);
  if (body)
    send_all(fd, body, blen);
  read_response(fd, r);
  close(fd);
}

static void request(struct resp *r, const char *method, const char *path,
                    const char *json) {
  request_on(port, r, method, path, json ? "application/json" : NULL, json,
             json ? strlen(json) : 0);
}

/* One request, its status, content type and body checked exactly. */
static void expect(int line, const char *method, const char *path,
                   const char *json, int status, const char *type,
                   const char *body) {
  struct resp r;
  request(&r, method, path, json);
  check_count++;
  if (r.status != status || (type && strcmp(r.type, type) != 0) ||
      (body && strcmp(r.body, body) != 0)) {
    check_failures++;
    fprintf(stderr,
            "test_rest.c:%d: %s %s: got %d %s \"%s\"; want %d %s \"%s\"\n",
            line, method, path, r.status, r.type, r.body, status,
            type ? type : "*", body ? body : "*");
  }
  resp_free(&r);
}
#define EXPECT(method, path, json, status, type, body)                         \
  expect(__LINE__, method, path, json, status, type, body)
#define TEXT "text/plain"
#define JSON "application/json"

/* ---- the checks --------------------------------------------------------- */

static void test_debug_health_admin(void) {
  EXPECT("GET", "/debug/v1/version", NULL, 200, TEXT, "v" CWAKU_VERSION);
  EXPECT("GET", "/version", NULL, 200, TEXT, "v" CWAKU_VERSION);
  char want[512];
  snprintf(want, sizeof want,
           "{\"listenAddresses\":[\"/ip4/127.0.0.1/tcp/60000/p2p/" PEER
           "\",\"/ip4/127.0.0.1/tcp/8000/ws/p2p/" PEER "\"],"
           "\"enrUri\":\"enr:-test\","
           "\"ports\":{\"tcp\":60000,\"webSocket\":8000,\"rest\":%u}}",
           port);
  EXPECT("GET", "/debug/v1/info", NULL, 200, JSON, want);
  EXPECT("GET", "/info", NULL, 200, JSON, want);
  EXPECT("GET", "/health", NULL, 200, JSON,
         "{\"nodeHealth\":\"READY\",\"connectionStatus\":"
         "\"PartiallyConnected\",\"protocolsHealth\":[{\"Relay\":"
         "\"NOT_READY\",\"desc\":\"No connected peers\"},{\"Lightpush\":"
         "\"NOT_MOUNTED\"}]}");
  EXPECT("GET", "/admin/v1/peers", NULL, 200, JSON,
         "[{\"multiaddr\":\"/ip4/10.0.0.2/tcp/60000/p2p/" PEER "\","
         "\"protocols\":[\"/vac/waku/relay/2.0.0\",\"/ipfs/id/1.0.0\"],"
         "\"shards\":[],\"connected\":\"Connected\",\"agent\":\"nwaku\","
         "\"origin\":\"Static\"},"
         "{\"multiaddr\":\"/ip4/10.0.0.3/tcp/1/p2p/" PEER "\","
         "\"protocols\":[],\"shards\":[0,3],\"connected\":\"CanConnect\","
         "\"agent\":\"js-waku\",\"origin\":\"PeerExchange\"}]");
  EXPECT("POST", "/health", "{}", 405, TEXT, NULL);
  EXPECT("DELETE", "/admin/v1/peers", NULL, 405, TEXT, NULL);
  EXPECT("GET", "/nope", NULL, 404, TEXT, NULL);
  EXPECT("GET", "/debug/v1/infox", NULL, 404, TEXT, NULL);
  EXPECT("GET", "/", NULL, 404, TEXT, NULL);

  /* a server whose backend has no relay and few callbacks */
  struct resp r;
  request_on(bare_port, &r, "GET", "/health", NULL, NULL, 0);
  CHECK_EQ_INT(r.status, 200);
  CHECK_EQ_STR(r.body, "{\"nodeHealth\":\"READY\",\"connectionStatus\":"
                       "\"Connected\",\"protocolsHealth\":[]}");
  resp_free(&r);
  request_on(bare_port, &r, "POST", "/relay/v1/subscriptions", JSON,
             "[\"/waku/2/rs/1/0\"]", 18);
  CHECK_EQ_INT(r.status, 404);
  resp_free(&r);
  request_on(bare_port, &r, "GET",
             "/relay/v1/messages/%2Fwaku%2F2%2Frs%2F1%2F0", NULL, NULL, 0);
  CHECK_EQ_INT(r.status, 404);
  resp_free(&r);
  request_on(bare_port, &r, "GET", "/debug/v1/info", NULL, NULL, 0);
  char bare_info[128];
  snprintf(bare_info, sizeof bare_info,
           "{\"listenAddresses\":[],\"ports\":{\"rest\":%u}}", bare_port);
  CHECK_EQ_STR(r.body, bare_info);
  resp_free(&r);
  EXPECT_CALLS("");
}

static void test_subscriptions(void) {
  const char *path = "/relay/v1/subscriptions";
  EXPECT("POST", path, "[\"/waku/2/rs/1/0\",\"/waku/2/rs/1/1\"]", 200, TEXT,
         "OK");
  EXPECT_CALLS("sub /waku/2/rs/1/0\nsub /waku/2/rs/1/1\n");
  /* already subscribed: nothing new */
  EXPECT("POST", path, "[\"/waku/2/rs/1/0\"]", 200, TEXT, "OK");
  EXPECT("POST", path, "[]", 200, TEXT, "OK");
  EXPECT_CALLS("");
  /* bad requests */
  EXPECT("POST", path, "[\"/waku/2/rs/1/2\",\"bad\",\"/waku/2/rs/1/1024\"]",
         400, TEXT, "Invalid pubsub topic(s): [\"bad\",\"/waku/2/rs/1/1024\"]");
  EXPECT("POST", path, "[\"/waku/2/rs/1/2\"", 400, TEXT, NULL);
  EXPECT("POST", path, "{\"a\":1}", 400, TEXT,
         "Invalid content body, could not decode: expected a JSON array of "
         "strings");
  EXPECT("POST", path, "[1]", 400, TEXT,
         "Invalid content body, could not decode: expected a JSON array of "
         "strings");
  EXPECT("POST", path, "", 400, TEXT, "Missing content body");
  EXPECT("GET", path, NULL, 405, TEXT, NULL);
  EXPECT("PUT", path, "[]", 405, TEXT, NULL);
  EXPECT_CALLS("");
  struct resp r;
  request_on(port, &r, "POST", path, "application/x-www-form-urlencoded",
             "[\"/waku/2/rs/1/3\"]", 18);
  CHECK_EQ_INT(r.status, 400);
  CHECK_EQ_STR(r.body,
               "Wrong Content-Type, expected application/json or text/plain");
  resp_free(&r);
  /* text/plain with a charset is taken, as nwaku takes it */
  request_on(port, &r, "POST", path, "text/plain; charset=utf-8",
             "[\"/waku/2/rs/1/3\"]", 18);
  CHECK_EQ_INT(r.status, 200);
  resp_free(&r);
  EXPECT_CALLS("sub /waku/2/rs/1/3\n");
  request(&r, "OPTIONS", path, NULL);
  CHECK_EQ_INT(r.status, 200);
  CHECK_EQ_STR(r.allow, "POST, DELETE, OPTIONS");
  resp_free(&r);
  request(&r, "PATCH", path, "[]");
  CHECK_EQ_INT(r.status, 405);
  CHECK_EQ_STR(r.allow, "POST, DELETE, OPTIONS");
  resp_free(&r);

  /* the backend refuses: 500, and no subscription is left behind */
  set_results(0, "", CWAKU_EIO);
  EXPECT("POST", path, "[\"/waku/2/rs/1/4\"]", 500, TEXT,
         "Subscribe failed:input/output error");
  set_results(0, "", 0);
  EXPECT_CALLS("sub /waku/2/rs/1/4 (fails)\n");
  EXPECT("GET", "/relay/v1/messages/%2Fwaku%2F2%2Frs%2F1%2F4", NULL, 404, TEXT,
         NULL);

  /* DELETE validates as POST does, and forgets */
  EXPECT("DELETE", path, "[\"nope\"]", 400, TEXT,
         "Invalid pubsub topic(s): [\"nope\"]");
  EXPECT("DELETE", path, "[\"/waku/2/rs/1/3\",\"/waku/2/rs/1/7\"]", 200, TEXT,
         "OK");
  EXPECT_CALLS("unsub /waku/2/rs/1/3\n");
  EXPECT("GET", "/relay/v1/messages/%2Fwaku%2F2%2Frs%2F1%2F3", NULL, 404, TEXT,
         NULL);

  /* at most CWAKU_REST_MAX_SUBSCRIPTIONS pubsub topics */
  char list[4096] = "[";
  for (int i = 0; i < CWAKU_REST_MAX_SUBSCRIPTIONS - 2; i++)
    snprintf(list + strlen(list), sizeof list - strlen(list),
             "%s\"/waku/2/rs/2/%d\"", i ? "," : "", i);
  strcat(list, "]");
  EXPECT("POST", path, list, 200, TEXT, "OK");
  EXPECT("POST", path, "[\"/waku/2/rs/3/0\"]", 400, TEXT,
         "Subscribe failed: at most 64 subscriptions");
  EXPECT("DELETE", path, list, 200, TEXT, "OK");
  /* each was subscribed and unsubscribed once */
  pthread_mutex_lock(&fake.mu);
  size_t subs = 0, unsubs = 0;
  for (const char *p = fake.calls; (p = strstr(p, "sub /waku/2/rs/2/")); p++)
    if (p > fake.calls && p[-1] == 'n')
      unsubs++;
    else
      subs++;
  fake.calls[0] = 0;
  pthread_mutex_unlock(&fake.mu);
  CHECK_EQ_INT(subs, CWAKU_REST_MAX_SUBSCRIPTIONS - 2);
  CHECK_EQ_INT(unsubs, CWAKU_REST_MAX_SUBSCRIPTIONS - 2);
}

static void test_messages(void) {
  /* subscribed to /waku/2/rs/1/0 and /1 by test_subscriptions; capacity 2 */
  on_loop(deliver_three);
  const char *path = "/relay/v1/messages/%2Fwaku%2F2%2Frs%2F1%2F0";
  EXPECT("GET", path, NULL, 200, JSON,
         "[{\"payload\":\"AAEC\",\"contentTopic\":\"/app/1/chat/proto\","
         "\"version\":1,\"timestamp\":2,\"meta\":\"qrs=\",\"ephemeral\":true,"
         "\"proof\":\"cHI=\"},"
         "{\"payload\":\"eA==\",\"contentTopic\":\"/app/1/chat/proto\","
         "\"version\":0,\"timestamp\":3,\"ephemeral\":false,\"proof\":\"\"}]");
  EXPECT("GET", path, NULL, 200, JSON, "[]"); /* GET clears */
  /* the topic unescaped in the path is found too */
  EXPECT("GET", "/relay/v1/messages//waku/2/rs/1/0", NULL, 200, JSON, "[]");
  EXPECT("GET", "/relay/v1/messages/%2Fwaku%2F2%2Frs%2F1%2F5", NULL, 404, TEXT,
         "Not subscribed to topic: /waku/2/rs/1/5");
  EXPECT("GET", "/relay/v1/messages/", NULL, 404, TEXT, NULL);
  EXPECT("GET", "/relay/v1/messages/%2", NULL, 400, TEXT, NULL);
  EXPECT("GET", "/relay/v1/messages/%zz", NULL, 400, TEXT, NULL);
  EXPECT("GET", "/relay/v1/messages/a%00b", NULL, 400, TEXT, NULL);
  char longpath[400] = "/relay/v1/messages/";
  memset(longpath + strlen(longpath), 'a', 300);
  EXPECT("GET", longpath, NULL, 400, TEXT, NULL);
  EXPECT("DELETE", path, NULL, 405, TEXT, NULL);
  EXPECT("HEAD", path, NULL, 405, NULL, NULL);
  /* the whole cache has a byte budget; the oldest go first */
  on_loop(deliver_big);
  struct resp r;
  request(&r, "GET", "/relay/v1/messages/%2Fwaku%2F2%2Frs%2F1%2F1", NULL);
  CHECK_EQ_INT(r.status, 200);
  static char want[6000], a4000[4000];
  memset(a4000, 'a', sizeof a4000);
  int n = snprintf(want, sizeof want, "[{\"payload\":\"");
  sodium_bin2base64(want + n, sizeof want - (size_t)n,
                    (const unsigned char *)a4000, sizeof a4000,
                    sodium_base64_VARIANT_ORIGINAL);
  strcat(want, "\",\"contentTopic\":\"/app/1/chat/proto\",\"version\":0,"
               "\"timestamp\":99,\"ephemeral\":false,\"proof\":\"\"}]");
  CHECK_EQ_STR(r.body, want);
  resp_free(&r);
  EXPECT("GET", path, NULL, 200, JSON, "[]");
  EXPECT_CALLS("");
}

static void test_publish(void) {
  const char *path = "/relay/v1/messages/%2Fwaku%2F2%2Frs%2F1%2F0";
  EXPECT("POST", path,
         "{\"payload\":\"aGVsbG8=\",\"contentTopic\":\"/app/1/chat/proto\"}",
         200, TEXT, "OK");
  /* nwaku's toWakuMessage fills the time of an absent timestamp */
  EXPECT_CALLS("pub /waku/2/rs/1/0 ct=/app/1/chat/proto payload=68656c6c6f "
               "v=- ts=1700000000000000000 meta=- eph=- proof=-\n");
  EXPECT("POST", path,
         "{\"payload\":\"AAEC\",\"contentTopic\":\"/a/1/b/c\",\"version\":2,"
         "\"timestamp\":12345,\"meta\":\"qrs=\",\"ephemeral\":true,"
         "\"proof\":\"cHI=\",\"unknown\":[1,2]}",
         200, TEXT, "OK");
  EXPECT_CALLS("pub /waku/2/rs/1/0 ct=/a/1/b/c payload=000102 v=2 ts=12345 "
               "meta=aabb eph=1 proof=7072\n");
  /* unpadded base64 is taken; timestamp 0 is now, as absent */
  EXPECT("POST", "/relay/v1/messages//waku/2/rs/1/1",
         "{\"payload\":\"eA\",\"contentTopic\":\"/a/1/b/c\",\"timestamp\":0,"
         "\"ephemeral\":false,\"meta\":\"\"}",
         200, TEXT, "OK");
  EXPECT_CALLS("pub /waku/2/rs/1/1 ct=/a/1/b/c payload=78 v=- "
               "ts=1700000000000000000 meta=- eph=- proof=-\n");

  /* bad bodies: nothing reaches the backend */
  static const struct {
    const char *json, *reason;
  } bad[] = {
      {"{\"payload\":\"aGVsbG8*\",\"contentTopic\":\"/a/1/b/c\"}",
       "Incorrect base64 string"},
      {"{\"payload\":\"aGVsbG8==\",\"contentTopic\":\"/a/1/b/c\"}",
       "Incorrect base64 string"},
      {"{\"payload\":\"aGVsbG8=\\n\",\"contentTopic\":\"/a/1/b/c\"}",
       "Incorrect base64 string"},
      {"{\"payload\":\"a GVsbG8=\",\"contentTopic\":\"/a/1/b/c\"}",
       "Incorrect base64 string"},
      {"{\"payload\":\"aGVsbG9=\",\"contentTopic\":\"/a/1/b/c\"}",
       "Incorrect base64 string"},
      {"{\"payload\":\"aGVsbG8=\",\"contentTopic\":\"/a/1/b/c\","
       "\"meta\":\"%%\"}",
       "Incorrect base64 string"},
      {"{\"contentTopic\":\"/a/1/b/c\"}",
       "Invalid content body, could not decode: Field `payload` is missing "
       "or empty"},
      {"{\"payload\":\" \\t\",\"contentTopic\":\"/a/1/b/c\"}",
       "Invalid content body, could not decode: Field `payload` is missing "
       "or empty"},
      {"{\"payload\":\"aGVsbG8=\"}",
       "Invalid content body, could not decode: Field `contentTopic` is "
       "missing or empty"},
      {"{\"payload\":\"aGVsbG8=\",\"contentTopic\":\"\"}",
       "Invalid content body, could not decode: Field `contentTopic` is "
       "missing or empty"},
      {"{\"payload\":5,\"contentTopic\":\"/a/1/b/c\"}",
       "Invalid content body, could not decode: Field `payload` must be a "
       "string"},
      {"{\"payload\":\"eA==\",\"contentTopic\":\"/a/1/b/c\",\"version\":-1}",
       "Invalid content body, could not decode: Field `version` must be an "
       "integer 0..4294967295"},
      {"{\"payload\":\"eA==\",\"contentTopic\":\"/a/1/b/c\","
       "\"version\":4294967296}",
       "Invalid content body, could not decode: Field `version` must be an "
       "integer 0..4294967295"},
      {"{\"payload\":\"eA==\",\"contentTopic\":\"/a/1/b/c\",\"version\":1.5}",
       "Invalid content body, could not decode: Field `version` must be an "
       "integer 0..4294967295"},
      {"{\"payload\":\"eA==\",\"contentTopic\":\"/a/1/b/c\","
       "\"timestamp\":\"1\"}",
       "Invalid content body, could not decode: Field `timestamp` must be an "
       "integer"},
      {"{\"payload\":\"eA==\",\"contentTopic\":\"/a/1/b/c\","
       "\"ephemeral\":\"yes\"}",
       "Invalid content body, could not decode: Field `ephemeral` must be a "
       "boolean"},
      {"{\"payload\":\"eA==\",\"contentTopic\":\"/a/1/b/c\","
       "\"meta\":"
       "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
       "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}",
       "Field `meta` is longer than 64 bytes"},
      {"[\"payload\"]",
       "Invalid content body, could not decode: expected a JSON object"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    struct resp r;
    request(&r, "POST", path, bad[i].json);
    CHECK_EQ_INT(r.status, 400);
    CHECK_EQ_STR(r.body, bad[i].reason);
    resp_free(&r);
  }
  /* not JSON, or a key twice: jansson's reason after nwaku's prefix */
  struct resp r;
  request(&r, "POST", path, "{\"payload\":");
  CHECK_EQ_INT(r.status, 400);
  CHECK(strncmp(r.body, "Invalid content body, could not decode: ", 40) == 0);
  resp_free(&r);
  request(&r, "POST", path,
          "{\"payload\":\"eA==\",\"payload\":\"eA==\",\"contentTopic\":\"/a/1/"
          "b/c\"}");
  CHECK_EQ_INT(r.status, 400);
  CHECK(strstr(r.body, "duplicate") != NULL);
  resp_free(&r);
  EXPECT("POST", path, "", 400, TEXT, "Missing content body");
  EXPECT_CALLS("");

  /* the message size limit (MAX_MSG bytes encoded) */
  char big[2 * MAX_MSG];
  char payload[MAX_MSG];
  memset(payload, 7, sizeof payload);
  size_t cap = sizeof big;
  int n = snprintf(big, cap, "{\"contentTopic\":\"/a/1/b/c\",\"payload\":\"");
  sodium_bin2base64(big + n, cap - (size_t)n, (const unsigned char *)payload,
                    sizeof payload, sodium_base64_VARIANT_ORIGINAL);
  strcat(big, "\"}");
  EXPECT("POST", path, big, 400, TEXT,
         "Failed to publish: Message size exceeded maximum of 1024 bytes");
  EXPECT_CALLS("");

  /* the backend's refusals */
  set_results(CWAKU_ENOTFOUND, "Node not subscribed to topic: /waku/2/rs/1/9",
              0);
  EXPECT("POST", "/relay/v1/messages/%2Fwaku%2F2%2Frs%2F1%2F9",
         "{\"payload\":\"eA==\",\"contentTopic\":\"/a/1/b/c\"}", 400, TEXT,
         "Failed to publish: Node not subscribed to topic: /waku/2/rs/1/9");
  set_results(CWAKU_EIO, "", 0);
  EXPECT("POST", path, "{\"payload\":\"eA==\",\"contentTopic\":\"/a/1/b/c\"}",
         500, TEXT, "Failed to publish: input/output error");
  set_results(0, "", 0);
  EXPECT_CALLS("pub /waku/2/rs/1/9 ct=/a/1/b/c payload=78 v=- "
               "ts=1700000000000000000 meta=- eph=- proof=-\n"
               "pub /waku/2/rs/1/0 ct=/a/1/b/c payload=78 v=- "
               "ts=1700000000000000000 meta=- eph=- proof=-\n");
  EXPECT("PUT", path, "{}", 405, TEXT, NULL);
  request(&r, "PUT", path, "{}");
  CHECK_EQ_STR(r.allow, "GET, POST, OPTIONS");
  resp_free(&r);
}

/* Bodies over the cap: refused by their declared length before they are
 * sent, or, chunked, read and dropped and then refused. */
static void test_huge_bodies(void) {
  int fd = dial(port);
  const char *head = "POST /relay/v1/messages/%2Fwaku%2F2%2Frs%2F1%2F0 "
                     "HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     "Content-Length: 3145728\r\n\r\n";
  send_all(fd, head, strlen(head));
  struct resp r;
  read_response(fd, &r);
  close(fd);
  CHECK_EQ_INT(r.status, 413);
  CHECK_EQ_STR(r.body, "Request body too large: at most 2097152 bytes");
  resp_free(&r);

  fd = dial(port);
  head = "POST /relay/v1/subscriptions HTTP/1.1\r\nHost: x\r\n"
         "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
         "Connection: close\r\n\r\n";
  send_all(fd, head, strlen(head));
  static char chunk[65536 + 16];
  int n = snprintf(chunk, sizeof chunk, "10000\r\n");
  memset(chunk + n, '[', 65536);
  memcpy(chunk + n + 65536, "\r\n", 2);
  for (int i = 0; i < 40; i++) /* 2.5 MiB */
    send_all(fd, chunk, (size_t)n + 65538);
  send_all(fd, "0\r\n\r\n", 5);
  read_response(fd, &r);
  close(fd);
  CHECK_EQ_INT(r.status, 413);
  resp_free(&r);
  EXPECT_CALLS("");
  /* the server still serves */
  EXPECT("GET", "/health", NULL, 200, JSON, NULL);
}

static void test_autosharding(void) {
  /* 23/WAKU2-TOPICS vector: /myapp/1/... is shard 0 of 8; cluster 1 */
  const char *subs = "/relay/v1/auto/subscriptions";
  EXPECT("POST", subs, "[\"/myapp/1/topic/proto\",\"/0/myapp/1/x/json\"]", 200,
         TEXT, "OK");
  /* /waku/2/rs/1/0 is wanted already (test_subscriptions): no new call */
  EXPECT_CALLS("");
  EXPECT("POST", subs, "[\"/myapp/1/topic/proto\",\"nope\",\"/a/b\"]", 400,
         TEXT, "Invalid content topic(s): [\"nope\",\"/a/b\"]");
  EXPECT("POST", subs, "{}", 400, TEXT, NULL);
  const char *get = "/relay/v1/auto/messages/%2Fmyapp%2F1%2Ftopic%2Fproto";
  EXPECT("GET", get, NULL, 200, JSON, "[]");
  on_loop(deliver_auto);
  EXPECT("GET", get, NULL, 200, JSON,
         "[{\"payload\":\"YXV0bw==\",\"contentTopic\":\"/myapp/1/topic/proto\","
         "\"version\":0,\"timestamp\":9,\"ephemeral\":false,\"proof\":\"\"}]");
  EXPECT("GET", get, NULL, 200, JSON, "[]");
  EXPECT("GET", "/relay/v1/auto/messages/%2Fother%2F1%2Ftopic%2Fproto", NULL,
         404, TEXT, "Not subscribed to topic: /other/1/topic/proto");
  EXPECT("POST", get, "{}", 405, TEXT, NULL);

  /* publish: the shard comes from the content topic */
  EXPECT("POST", "/relay/v1/auto/messages",
         "{\"payload\":\"eA==\",\"contentTopic\":\"/myapp/1/topic/proto\"}",
         200, TEXT, "OK");
  EXPECT_CALLS("pub /waku/2/rs/1/0 ct=/myapp/1/topic/proto payload=78 v=- "
               "ts=1700000000000000000 meta=- eph=- proof=-\n");
  EXPECT("POST", "/relay/v1/auto/messages",
         "{\"payload\":\"eA==\",\"contentTopic\":\"/bad\"}", 400, TEXT, NULL);
  EXPECT("POST", "/relay/v1/auto/messages", "{\"payload\":\"eA==\"}", 400, TEXT,
         "Invalid content body, could not decode: Field `contentTopic` is "
         "missing or empty");
  EXPECT("GET", "/relay/v1/auto/messages", NULL, 405, TEXT, NULL);
  EXPECT_CALLS("");

  /* balanced calls: the relay topic goes once nothing wants it */
  EXPECT("DELETE", "/relay/v1/subscriptions", "[\"/waku/2/rs/1/0\"]", 200, TEXT,
         "OK");
  EXPECT_CALLS(""); /* the content topics still want shard 0 */
  EXPECT("DELETE", subs, "[\"/myapp/1/topic/proto\"]", 200, TEXT, "OK");
  EXPECT_CALLS("");
  EXPECT("GET", get, NULL, 404, TEXT, NULL);
  EXPECT("DELETE", subs, "[\"/0/myapp/1/x/json\",\"/never/1/sub/proto\"]", 200,
         TEXT, "OK");
  EXPECT_CALLS("unsub /waku/2/rs/1/0\n");
  EXPECT("POST", subs, "[\"/myapp/1/topic/proto\"]", 200, TEXT, "OK");
  EXPECT_CALLS("sub /waku/2/rs/1/0\n");
}

static void *client(void *arg) {
  test_debug_health_admin();
  test_subscriptions();
  test_messages();
  test_publish();
  test_huge_bodies();
  test_autosharding();
  on_loop(stop_all);
  return NULL;
}

int main(void) {
  cwaku_log_set_level(CWAKU_LOG_WARN);
  CHECK_EQ_INT(uv_loop_init(&loop), 0);
  struct cwaku_manual_clock clk;
  cwaku_manual_clock_init(&clk, NOW_NS);
  struct cwaku_rest_options opts;
  cwaku_rest_options_init(&opts);
  CHECK_EQ_INT(opts.cache_capacity, 50);
  CHECK_EQ_INT(opts.num_shards, 8);
  CHECK_EQ_INT(opts.max_message_size, 150 * 1024);
  opts.cluster_id = 1;
  opts.cache_capacity = 2;
  opts.cache_bytes = 8 * 1024;
  opts.max_message_size = MAX_MSG;
  opts.clock = &clk.clock;
  struct cwaku_rest_backend be = {
      .relay_publish = fake_publish,
      .relay_subscribe = fake_subscribe,
      .relay_unsubscribe = fake_unsubscribe,
      .info = fake_info,
      .health = fake_health,
      .list_peers = fake_peers,
  };
  CHECK_EQ_INT(cwaku_rest_new(&rest, &loop, "127.0.0.1", 0, &be, &opts), 0);
  port = cwaku_rest_port(rest);
  CHECK(port != 0);
  struct cwaku_rest_backend few = {.list_peers = one_connected_peer};
  CHECK_EQ_INT(cwaku_rest_new(&bare, &loop, "127.0.0.1", 0, &few, &opts), 0);
  bare_port = cwaku_rest_port(bare);
  /* bad arguments, and a port in use */
  struct cwaku_rest *x;
  CHECK_EQ_INT(cwaku_rest_new(&x, &loop, "localhost", 0, &be, &opts),
               CWAKU_EINVAL);
  cwaku_log_set_level(CWAKU_LOG_NONE); /* the error this one logs */
  CHECK_EQ_INT(cwaku_rest_new(&x, &loop, "127.0.0.1", port, &be, &opts),
               CWAKU_EIO);
  cwaku_log_set_level(CWAKU_LOG_WARN);
  struct cwaku_rest_options zero = opts;
  zero.cache_capacity = 0;
  CHECK_EQ_INT(cwaku_rest_new(&x, &loop, "127.0.0.1", 0, &be, &zero),
               CWAKU_EINVAL);
  CHECK(x == NULL);

  CHECK_EQ_INT(uv_async_init(&loop, &wake, on_wake), 0);
  pthread_t t;
  CHECK_EQ_INT(pthread_create(&t, NULL, client, NULL), 0);
  uv_run(&loop, UV_RUN_DEFAULT);
  pthread_join(t, NULL);
  /* every handle closed, every allocation gone (ASan checks the latter) */
  CHECK_EQ_INT(uv_loop_close(&loop), 0);
  return check_summary("rest");
}
