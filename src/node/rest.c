/* The REST API: nwaku's routes (waku/rest_api/endpoint/{relay,debug,health,
 * admin}) on libmicrohttpd in external-polling mode. MHD keeps its sockets
 * in an epoll set of its own; the loop watches that set's fd and wakes MHD
 * when it is readable or when MHD's timeout comes. */
#include "base/text.h"
#include "rest.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cwaku/log.h"
#include "cwaku/multiaddr.h"
#include "cwaku/peer_id.h"
#include "cwaku/topic.h"
#include "p2p/peer_store.h"

#define LOG_MODULE "rest"
#define CONNECTION_LIMIT 64
#define CONNECTION_TIMEOUT_S 30
/* A body past the cap is read and dropped up to this much more, so that
 * the client still gets its 413; beyond, the connection is cut. */
#define DISCARD_MAX (16u * 1024 * 1024)
/* Room for the JSON around a message's base64 fields. */
#define BODY_SLACK (64u * 1024)
/* The body of a text reply. */
#define REASON_MAX 1024

/* ---- messages: JSON <-> struct cwaku_message ---------------------------- */

/* A message whose views point into the same allocation, right after it. */
static struct cwaku_message *message_alloc(uint8_t **data, size_t payload_cap,
                                           size_t topic_len, size_t meta_cap,
                                           size_t proof_cap) {
  size_t n = sizeof(struct cwaku_message) + payload_cap + topic_len + 1 +
             meta_cap + proof_cap;
  struct cwaku_message *m = malloc(n);
  if (!m)
    return NULL;
  memset(m, 0, sizeof *m);
  *data = (uint8_t *)(m + 1);
  return m;
}

static struct cwaku_message *message_copy(const struct cwaku_message *src,
                                          size_t *bytes) {
  uint8_t *p;
  struct cwaku_message *m =
      message_alloc(&p, src->payload_len, src->content_topic_len, src->meta_len,
                    src->rate_limit_proof_len);
  if (!m)
    return NULL;
  *m = *src;
  m->storage_ = NULL;
  if (src->payload_len)
    memcpy(p, src->payload, src->payload_len);
  m->payload = p;
  p += src->payload_len;
  if (src->content_topic_len)
    memcpy(p, src->content_topic, src->content_topic_len);
  p[src->content_topic_len] = 0;
  m->content_topic = (const char *)p;
  p += src->content_topic_len + 1;
  if (src->meta_len)
    memcpy(p, src->meta, src->meta_len);
  m->meta = p;
  p += src->meta_len;
  if (src->rate_limit_proof_len)
    memcpy(p, src->rate_limit_proof, src->rate_limit_proof_len);
  m->rate_limit_proof = p;
  *bytes = sizeof *m + src->payload_len + src->content_topic_len + 1 +
           src->meta_len + src->rate_limit_proof_len;
  return m;
}

static bool is_blank(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!strchr(" \t\v\r\n\f", s[i]) || s[i] == 0)
      return false;
  return true;
}

/* nwaku's Base64String: RFC 4648 base64 with padding (stew's Base64Pad);
 * we also take it unpadded. Canonical only, no whitespace. */
static int base64_decode(uint8_t *out, size_t cap, size_t *outlen,
                         const char *in, size_t inlen) {
  *outlen = 0;
  if (inlen == 0)
    return 0;
  int variant = inlen % 4 == 0 ? sodium_base64_VARIANT_ORIGINAL
                               : sodium_base64_VARIANT_ORIGINAL_NO_PADDING;
  const char *end = NULL;
  if (sodium_base642bin(out, cap, in, inlen, NULL, outlen, &end, variant) !=
          0 ||
      end != in + inlen)
    return CWAKU_EENCODING;
  return 0;
}

/* Decoded size bound of n base64 characters. */
static size_t base64_cap(size_t n) {
  return n / 4 * 3 + 3;
}

/* A string member of o: NULL when absent; *bad set when of another type. */
static const char *get_string(json_t *o, const char *key, size_t *len,
                              bool *bad) {
  json_t *v = json_object_get(o, key);
  *len = 0;
  if (!v)
    return NULL;
  if (!json_is_string(v)) {
    *bad = true;
    return NULL;
  }
  *len = json_string_length(v);
  return json_string_value(v);
}

#define DECODE_FAIL "Invalid content body, could not decode: "

static int message_from_object(struct cwaku_message **out, char *err,
                               size_t errcap, json_t *o, int64_t now_ns) {
  if (!json_is_object(o))
    return cwaku__errorf(err, errcap, CWAKU_EMALFORMED,
                         DECODE_FAIL "expected a JSON object");
  bool bad = false;
  size_t plen, tlen, mlen, prlen;
  const char *payload = get_string(o, "payload", &plen, &bad);
  if (bad)
    return cwaku__errorf(err, errcap, CWAKU_EMALFORMED,
                         DECODE_FAIL "Field `payload` must be a string");
  const char *topic = get_string(o, "contentTopic", &tlen, &bad);
  if (bad)
    return cwaku__errorf(err, errcap, CWAKU_EMALFORMED,
                         DECODE_FAIL "Field `contentTopic` must be a string");
  const char *meta = get_string(o, "meta", &mlen, &bad);
  if (bad)
    return cwaku__errorf(err, errcap, CWAKU_EMALFORMED,
                         DECODE_FAIL "Field `meta` must be a string");
  const char *proof = get_string(o, "proof", &prlen, &bad);
  if (bad)
    return cwaku__errorf(err, errcap, CWAKU_EMALFORMED,
                         DECODE_FAIL "Field `proof` must be a string");
  json_t *version = json_object_get(o, "version");
  json_t *timestamp = json_object_get(o, "timestamp");
  json_t *ephemeral = json_object_get(o, "ephemeral");
  if (version &&
      (!json_is_integer(version) || json_integer_value(version) < 0 ||
       json_integer_value(version) > (json_int_t)UINT32_MAX))
    return cwaku__errorf(err, errcap, CWAKU_EMALFORMED,
                         DECODE_FAIL
                         "Field `version` must be an integer 0..4294967295");
  if (timestamp && !json_is_integer(timestamp))
    return cwaku__errorf(err, errcap, CWAKU_EMALFORMED,
                         DECODE_FAIL "Field `timestamp` must be an integer");
  if (ephemeral && !json_is_boolean(ephemeral))
    return cwaku__errorf(err, errcap, CWAKU_EMALFORMED,
                         DECODE_FAIL "Field `ephemeral` must be a boolean");
  /* nwaku relay/types.nim readValue: both are required and not blank. */
  if (!payload || is_blank(payload, plen))
    return cwaku__errorf(err, errcap, CWAKU_EMALFORMED,
                         DECODE_FAIL "Field `payload` is missing or empty");
  if (!topic || is_blank(topic, tlen))
    return cwaku__errorf(err, errcap, CWAKU_EMALFORMED,
                         DECODE_FAIL
                         "Field `contentTopic` is missing or empty");
  size_t pcap = base64_cap(plen), mcap = base64_cap(mlen),
         prcap = base64_cap(prlen);
  uint8_t *p;
  struct cwaku_message *m = message_alloc(&p, pcap, tlen, mcap, prcap);
  if (!m)
    return cwaku__errorf(err, errcap, CWAKU_ENOMEM, "out of memory");
  int r = base64_decode(p, pcap, &m->payload_len, payload, plen);
  m->payload = p;
  p += pcap;
  memcpy(p, topic, tlen);
  p[tlen] = 0;
  m->content_topic = (const char *)p;
  m->content_topic_len = tlen;
  p += tlen + 1;
  if (r == 0 && meta)
    r = base64_decode(p, mcap, &m->meta_len, meta, mlen);
  m->meta = p;
  p += mcap;
  if (r == 0 && proof)
    r = base64_decode(p, prcap, &m->rate_limit_proof_len, proof, prlen);
  m->rate_limit_proof = p;
  if (r) {
    free(m);
    return cwaku__errorf(err, errcap, CWAKU_EENCODING,
                         "Incorrect base64 string");
  }
  if (m->meta_len > CWAKU_MESSAGE_META_MAX) {
    free(m);
    return cwaku__errorf(err, errcap, CWAKU_ETOOBIG,
                         "Field `meta` is longer than %d bytes",
                         CWAKU_MESSAGE_META_MAX);
  }
  /* toWakuMessage: the version defaults to 0, a timestamp absent or 0 is
   * now; nwaku's protobuf writes no field that holds its default value. */
  m->version = version ? (uint32_t)json_integer_value(version) : 0;
  m->has_version = m->version != 0;
  m->timestamp = timestamp ? (int64_t)json_integer_value(timestamp) : 0;
  if (m->timestamp == 0)
    m->timestamp = now_ns;
  m->has_timestamp = m->timestamp != 0;
  m->has_meta = m->meta_len > 0;
  m->has_rate_limit_proof = m->rate_limit_proof_len > 0;
  m->ephemeral = ephemeral && json_is_true(ephemeral);
  m->has_ephemeral = m->ephemeral;
  *out = m;
  return 0;
}

int cwaku__rest_message_from_json(struct cwaku_message **out, char *err,
                                  size_t errcap, const char *text, size_t len,
                                  int64_t now_ns) {
  *out = NULL;
  json_error_t je;
  json_t *o = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
  if (!o)
    return cwaku__errorf(err, errcap, CWAKU_EMALFORMED, DECODE_FAIL "%s",
                         je.text);
  int r = message_from_object(out, err, errcap, o, now_ns);
  json_decref(o);
  return r;
}

static json_t *base64_json(const uint8_t *p, size_t n) {
  size_t cap = sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL);
  char *s = malloc(cap);
  if (!s)
    return NULL;
  sodium_bin2base64(s, cap, p, n, sodium_base64_VARIANT_ORIGINAL);
  json_t *v = json_string(s);
  free(s);
  return v;
}

/* relay/types.nim toRelayWakuMessage + writeValue: meta only when not
 * empty, the others always. */
static json_t *message_to_object(const struct cwaku_message *m) {
  json_t *o = json_object();
  if (!o)
    return NULL;
  /* json_object_set_new takes the value, NULL or not, and fails on NULL. */
  int bad = json_object_set_new(o, "payload",
                                base64_json(m->payload, m->payload_len));
  bad |= json_object_set_new(
      o, "contentTopic", json_stringn(m->content_topic, m->content_topic_len));
  bad |= json_object_set_new(o, "version",
                             json_integer(m->has_version ? m->version : 0));
  bad |= json_object_set_new(o, "timestamp",
                             json_integer(m->has_timestamp ? m->timestamp : 0));
  if (m->meta_len)
    bad |= json_object_set_new(o, "meta", base64_json(m->meta, m->meta_len));
  bad |= json_object_set_new(o, "ephemeral",
                             json_boolean(m->has_ephemeral && m->ephemeral));
  bad |= json_object_set_new(
      o, "proof", base64_json(m->rate_limit_proof, m->rate_limit_proof_len));
  if (bad) {
    json_decref(o);
    return NULL;
  }
  return o;
}

char *cwaku__rest_message_to_json(const struct cwaku_message *m) {
  json_t *o = message_to_object(m);
  if (!o)
    return NULL;
  char *s = json_dumps(o, JSON_COMPACT);
  json_decref(o);
  return s;
}

/* ---- the server --------------------------------------------------------- */

struct sub;

/* A cached message: in its subscription's list and in the cache's, both
 * oldest first. */
struct entry {
  struct entry *prev, *next;
  struct entry *gprev, *gnext;
  struct sub *sub;
  size_t bytes;
  struct cwaku_message *m;
};

struct sub {
  bool by_content;
  char topic[CWAKU_REST_TOPIC_MAX + 1];
  char relay_topic[CWAKU_PUBSUB_TOPIC_STATIC_MAX]; /* what it needs relayed */
  struct entry *head, *tail;
  size_t count;
};

struct cwaku_rest {
  uv_loop_t *loop;
  struct MHD_Daemon *daemon;
  uv_poll_t poll;
  uv_timer_t timer;
  int open_handles;
  uint16_t port;
  struct cwaku_rest_backend be;
  struct cwaku_rest_options opts;
  size_t max_body;
  struct sub *subs[2 * CWAKU_REST_MAX_SUBSCRIPTIONS];
  size_t n_subs;
  struct entry *ghead, *gtail;
  size_t bytes;
};

/* One request in flight: its body so far. */
struct request {
  char *body;
  size_t len, cap;
  size_t dropped; /* bytes past the cap */
  bool too_big, oom, answered;
};

void cwaku_rest_options_init(struct cwaku_rest_options *opts) {
  memset(opts, 0, sizeof *opts);
  opts->num_shards = 8;
  opts->cache_capacity = CWAKU_REST_CACHE_CAPACITY_DEFAULT;
  opts->cache_bytes = CWAKU_REST_CACHE_BYTES_DEFAULT;
  opts->max_message_size = CWAKU_MESSAGE_MAX_DEFAULT;
  opts->max_body = CWAKU_REST_BODY_MAX_DEFAULT;
}

uint16_t cwaku_rest_port(const struct cwaku_rest *r) {
  return r->port;
}

/* ---- the cache ---------------------------------------------------------- */

static void entry_remove(struct cwaku_rest *r, struct entry *e) {
  struct sub *s = e->sub;
  if (e->prev)
    e->prev->next = e->next;
  else
    s->head = e->next;
  if (e->next)
    e->next->prev = e->prev;
  else
    s->tail = e->prev;
  s->count--;
  if (e->gprev)
    e->gprev->gnext = e->gnext;
  else
    r->ghead = e->gnext;
  if (e->gnext)
    e->gnext->gprev = e->gprev;
  else
    r->gtail = e->gprev;
  r->bytes -= e->bytes;
  free(e->m);
  free(e);
}

static void cache_push(struct cwaku_rest *r, struct sub *s,
                       const struct cwaku_message *m) {
  struct entry *e = calloc(1, sizeof *e);
  size_t bytes;
  if (!e || !(e->m = message_copy(m, &bytes))) {
    free(e);
    cwaku_log(CWAKU_LOG_WARN, LOG_MODULE, "out of memory caching a message");
    return;
  }
  e->sub = s;
  e->bytes = bytes + sizeof *e;
  e->prev = s->tail;
  if (s->tail)
    s->tail->next = e;
  else
    s->head = e;
  s->tail = e;
  s->count++;
  e->gprev = r->gtail;
  if (r->gtail)
    r->gtail->gnext = e;
  else
    r->ghead = e;
  r->gtail = e;
  r->bytes += e->bytes;
  if (s->count > r->opts.cache_capacity)
    entry_remove(r, s->head);
  while (r->bytes > r->opts.cache_bytes && r->ghead)
    entry_remove(r, r->ghead);
}

static struct sub *sub_find(struct cwaku_rest *r, bool by_content,
                            const char *topic) {
  for (size_t i = 0; i < r->n_subs; i++)
    if (r->subs[i]->by_content == by_content &&
        strcmp(r->subs[i]->topic, topic) == 0)
      return r->subs[i];
  return NULL;
}

static bool relay_topic_wanted(struct cwaku_rest *r, const char *relay_topic) {
  for (size_t i = 0; i < r->n_subs; i++)
    if (strcmp(r->subs[i]->relay_topic, relay_topic) == 0)
      return true;
  return false;
}

static size_t count_subs(struct cwaku_rest *r, bool by_content) {
  size_t n = 0;
  for (size_t i = 0; i < r->n_subs; i++)
    n += r->subs[i]->by_content == by_content;
  return n;
}

/* Adds a subscription; the backend hears of its relay topic when no other
 * subscription wanted it yet. */
static int sub_add(struct cwaku_rest *r, bool by_content, const char *topic,
                   const char *relay_topic) {
  if (count_subs(r, by_content) >= CWAKU_REST_MAX_SUBSCRIPTIONS)
    return CWAKU_ETOOBIG;
  struct sub *s = calloc(1, sizeof *s);
  if (!s)
    return CWAKU_ENOMEM;
  s->by_content = by_content;
  snprintf(s->topic, sizeof s->topic, "%s", topic);
  snprintf(s->relay_topic, sizeof s->relay_topic, "%s", relay_topic);
  if (!relay_topic_wanted(r, relay_topic)) {
    int e = r->be.relay_subscribe
                ? r->be.relay_subscribe(r->be.arg, relay_topic)
                : 0;
    if (e) {
      free(s);
      return e;
    }
  }
  r->subs[r->n_subs++] = s;
  return 0;
}

static int sub_remove(struct cwaku_rest *r, struct sub *s) {
  while (s->head)
    entry_remove(r, s->head);
  for (size_t i = 0; i < r->n_subs; i++)
    if (r->subs[i] == s) {
      r->subs[i] = r->subs[--r->n_subs];
      break;
    }
  int e = 0;
  if (!relay_topic_wanted(r, s->relay_topic) && r->be.relay_unsubscribe)
    e = r->be.relay_unsubscribe(r->be.arg, s->relay_topic);
  free(s);
  return e;
}

void cwaku_rest_on_message(struct cwaku_rest *r, const char *pubsub_topic,
                           const struct cwaku_message *m) {
  size_t tlen = m->content_topic ? m->content_topic_len : 0;
  for (size_t i = 0; i < r->n_subs; i++) {
    struct sub *s = r->subs[i];
    bool match = s->by_content
                     ? strlen(s->topic) == tlen &&
                           memcmp(s->topic, m->content_topic, tlen) == 0
                     : strcmp(s->topic, pubsub_topic) == 0;
    if (match)
      cache_push(r, s, m);
  }
}

/* ---- replies ------------------------------------------------------------ */

static enum MHD_Result queue(struct MHD_Connection *c, unsigned status,
                             char *body, size_t len, const char *type,
                             const char *allow) {
  struct MHD_Response *resp =
      MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
  if (!resp) {
    free(body);
    return MHD_NO;
  }
  MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
  if (allow)
    MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, allow);
  enum MHD_Result ok = MHD_queue_response(c, status, resp);
  MHD_destroy_response(resp);
  return ok;
}

static enum MHD_Result reply_text(struct MHD_Connection *c, unsigned status,
                                  const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static enum MHD_Result reply_text(struct MHD_Connection *c, unsigned status,
                                  const char *fmt, ...) {
  char *body = malloc(REASON_MAX);
  if (!body)
    return MHD_NO;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(body, REASON_MAX, fmt, ap);
  va_end(ap);
  size_t len = n < 0 ? 0 : (size_t)n >= REASON_MAX ? REASON_MAX - 1 : (size_t)n;
  return queue(c, status, body, len, "text/plain", NULL);
}

/* nwaku's RestApiResponse.ok(): "OK" as text/plain. */
static enum MHD_Result reply_ok(struct MHD_Connection *c) {
  return reply_text(c, MHD_HTTP_OK, "OK");
}

/* Takes root. */
static enum MHD_Result reply_json(struct MHD_Connection *c, json_t *root) {
  char *s = root ? json_dumps(root, JSON_COMPACT) : NULL;
  json_decref(root);
  if (!s)
    return reply_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
                      "An error occurred while building the json response");
  return queue(c, MHD_HTTP_OK, s, strlen(s), "application/json", NULL);
}

/* ---- request bodies ----------------------------------------------------- */

/* rest_serdes.nim decodeRequestBody: a body, typed JSON or plain text. */
static bool body_usable(struct MHD_Connection *c, const struct request *q,
                        enum MHD_Result *res) {
  if (q->len == 0) {
    *res = reply_text(c, MHD_HTTP_BAD_REQUEST, "Missing content body");
    return false;
  }
  const char *type = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                 MHD_HTTP_HEADER_CONTENT_TYPE);
  if (type) {
    size_t n = strcspn(type, "; \t");
    if (!((n == 16 && strncasecmp(type, "application/json", n) == 0) ||
          (n == 10 && strncasecmp(type, "text/plain", n) == 0))) {
      *res = reply_text(
          c, MHD_HTTP_BAD_REQUEST,
          "Wrong Content-Type, expected application/json or text/plain");
      return false;
    }
  }
  return true;
}

/* A JSON array of strings (topics) from the body; NULL after a reply. */
static json_t *topic_list(struct MHD_Connection *c, const struct request *q,
                          enum MHD_Result *res) {
  if (!body_usable(c, q, res))
    return NULL;
  json_error_t je;
  json_t *a = json_loadb(q->body, q->len, JSON_REJECT_DUPLICATES, &je);
  const char *why = a ? NULL : je.text;
  if (a && !json_is_array(a))
    why = "expected a JSON array of strings";
  for (size_t i = 0; a && !why && i < json_array_size(a); i++) {
    json_t *v = json_array_get(a, i);
    if (!json_is_string(v))
      why = "expected a JSON array of strings";
    else if (json_string_length(v) > CWAKU_REST_TOPIC_MAX ||
             strlen(json_string_value(v)) != json_string_length(v))
      why = "topic too long or holding a NUL";
  }
  if (why) {
    *res = reply_text(c, MHD_HTTP_BAD_REQUEST, DECODE_FAIL "%s", why);
    json_decref(a);
    return NULL;
  }
  return a;
}

/* "<what>: [\"t1\",\"t2\"]" naming the topics in bad (taken). */
static enum MHD_Result reply_bad_topics(struct MHD_Connection *c,
                                        const char *what, json_t *bad) {
  char *list = json_dumps(bad, JSON_COMPACT);
  json_decref(bad);
  enum MHD_Result res =
      reply_text(c, MHD_HTTP_BAD_REQUEST, "%s: %s", what, list ? list : "[]");
  free(list);
  return res;
}

/* ---- routes ------------------------------------------------------------- */

/* A path segment with %HH escapes decoded; no NUL, at most TOPIC_MAX. */
static int url_decode(char *out, size_t cap, const char *in) {
  size_t n = 0;
  for (const char *p = in; *p; p++) {
    int ch = (unsigned char)*p;
    if (ch == '%') {
      int hi = cwaku__hex_digit(p[1]);
      int lo = hi < 0 ? -1 : cwaku__hex_digit(p[2]);
      if (lo < 0)
        return CWAKU_EMALFORMED;
      ch = hi * 16 + lo;
      p += 2;
      if (ch == 0)
        return CWAKU_EMALFORMED;
    }
    if (n + 1 >= cap)
      return CWAKU_ETOOBIG;
    out[n++] = (char)ch;
  }
  out[n] = 0;
  return 0;
}

static int64_t now_ns(struct cwaku_rest *r) {
  const struct cwaku_clock *clk =
      r->opts.clock ? r->opts.clock : cwaku_clock_system();
  return clk->now_ns(clk->arg);
}

/* POST /relay/v1/messages/{topic} and /relay/v1/auto/messages. */
static enum MHD_Result publish(struct cwaku_rest *r, struct MHD_Connection *c,
                               const struct request *q,
                               const char *pubsub_topic) {
  enum MHD_Result res;
  if (!body_usable(c, q, &res))
    return res;
  char err[REASON_MAX - 64];
  struct cwaku_message *m;
  int e = cwaku__rest_message_from_json(&m, err, sizeof err, q->body, q->len,
                                        now_ns(r));
  if (e)
    return reply_text(c,
                      e == CWAKU_ENOMEM ? MHD_HTTP_INTERNAL_SERVER_ERROR
                                        : MHD_HTTP_BAD_REQUEST,
                      "%s", err);
  char shard_topic[CWAKU_PUBSUB_TOPIC_STATIC_MAX];
  if (!pubsub_topic) {
    /* relay/handlers.nim: "Failed to publish. Autosharding is disabled" */
    uint16_t shard;
    if (r->opts.num_shards == 0) {
      free(m);
      return reply_text(c, MHD_HTTP_BAD_REQUEST,
                        "Failed to publish. Autosharding is disabled");
    }
    const char *why = NULL;
    struct cwaku_content_topic ct;
    if (cwaku_content_topic_parse(&ct, m->content_topic, &why) != 0 ||
        cwaku_autoshard(&shard, &ct, r->opts.num_shards) != 0 ||
        cwaku_static_shard_topic(shard_topic, sizeof shard_topic,
                                 r->opts.cluster_id, shard) != 0) {
      free(m);
      return reply_text(c, MHD_HTTP_BAD_REQUEST,
                        "Failed to publish. Autosharding error: %s",
                        why ? why : "invalid content topic");
    }
    pubsub_topic = shard_topic;
  }
  uint8_t *enc;
  size_t enclen;
  e = cwaku_message_encode(&enc, &enclen, m, r->opts.max_message_size);
  if (e == 0)
    free(enc);
  if (e) {
    free(m);
    if (e == CWAKU_ETOOBIG)
      return reply_text(c, MHD_HTTP_BAD_REQUEST,
                        "Failed to publish: Message size exceeded maximum of "
                        "%zu bytes",
                        r->opts.max_message_size);
    return reply_text(c, MHD_HTTP_BAD_REQUEST, "Failed to publish: %s",
                      cwaku_strerror(e));
  }
  err[0] = 0;
  e = r->be.relay_publish(r->be.arg, pubsub_topic, m, err, sizeof err);
  free(m);
  if (e == 0)
    return reply_ok(c);
  return reply_text(c,
                    e == CWAKU_ENOMEM || e == CWAKU_EIO
                        ? MHD_HTTP_INTERNAL_SERVER_ERROR
                        : MHD_HTTP_BAD_REQUEST,
                    "Failed to publish: %s", err[0] ? err : cwaku_strerror(e));
}

/* GET /relay/v1/messages/{topic} and /relay/v1/auto/messages/{topic}:
 * the cached messages, oldest first, and the cache of the topic cleared. */
static enum MHD_Result get_messages(struct cwaku_rest *r,
                                    struct MHD_Connection *c, bool by_content,
                                    const char *topic) {
  struct sub *s = sub_find(r, by_content, topic);
  if (!s)
    return reply_text(c, MHD_HTTP_NOT_FOUND, "Not subscribed to topic: %s",
                      topic);
  json_t *a = json_array();
  for (struct entry *e = s->head; a && e; e = e->next) {
    json_t *o = message_to_object(e->m);
    if (!o || json_array_append_new(a, o)) {
      json_decref(a);
      a = NULL;
    }
  }
  if (!a)
    return reply_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
                      "An error occurred while building the json response");
  while (s->head)
    entry_remove(r, s->head);
  return reply_json(c, a);
}

/* POST/DELETE /relay/v1/subscriptions and /relay/v1/auto/subscriptions. */
static enum MHD_Result subscriptions(struct cwaku_rest *r,
                                     struct MHD_Connection *c,
                                     const struct request *q, bool by_content,
                                     bool add) {
  enum MHD_Result res;
  json_t *a = topic_list(c, q, &res);
  if (!a)
    return res;
  size_t n = json_array_size(a);
  if (by_content && add && r->opts.num_shards == 0) {
    json_decref(a);
    return reply_text(c, MHD_HTTP_BAD_REQUEST,
                      "Subscribe failed: Autosharding is disabled");
  }
  /* relay/handlers.nim validatePubSubTopics: static-shard topics only. */
  json_t *bad = json_array();
  for (size_t i = 0; (add || !by_content) && i < n; i++) {
    const char *t = json_string_value(json_array_get(a, i));
    uint16_t cluster, shard;
    int e = by_content ? cwaku_autoshard_text(&shard, t, r->opts.num_shards)
                       : cwaku_static_shard_parse(&cluster, &shard, t);
    if (e)
      json_array_append_new(bad, json_string(t));
  }
  if (json_array_size(bad) > 0) {
    json_decref(a);
    return reply_bad_topics(
        c, by_content ? "Invalid content topic(s)" : "Invalid pubsub topic(s)",
        bad);
  }
  json_decref(bad);
  for (size_t i = 0; i < n; i++) {
    const char *t = json_string_value(json_array_get(a, i));
    struct sub *s = sub_find(r, by_content, t);
    int e = 0;
    if (add && !s) {
      char relay_topic[CWAKU_PUBSUB_TOPIC_STATIC_MAX];
      uint16_t shard;
      if (by_content &&
          (cwaku_autoshard_text(&shard, t, r->opts.num_shards) ||
           cwaku_static_shard_topic(relay_topic, sizeof relay_topic,
                                    r->opts.cluster_id, shard)))
        e = CWAKU_ETOPIC; /* checked above; cannot happen */
      else if (!by_content)
        snprintf(relay_topic, sizeof relay_topic, "%s", t);
      if (e == 0)
        e = sub_add(r, by_content, t, relay_topic);
      if (e == CWAKU_ETOOBIG) {
        json_decref(a);
        return reply_text(c, MHD_HTTP_BAD_REQUEST,
                          "Subscribe failed: at most %d subscriptions",
                          CWAKU_REST_MAX_SUBSCRIPTIONS);
      }
    } else if (!add && s) {
      e = sub_remove(r, s);
    }
    if (e) {
      json_decref(a);
      return reply_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "%s failed:%s",
                        add ? "Subscribe" : "Unsubscribe", cwaku_strerror(e));
    }
  }
  json_decref(a);
  return reply_ok(c);
}

static enum MHD_Result debug_info(struct cwaku_rest *r,
                                  struct MHD_Connection *c) {
  struct cwaku_rest_info info;
  memset(&info, 0, sizeof info);
  if (r->be.info && r->be.info(r->be.arg, &info) != 0)
    return reply_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
                      "An error occurred while building the json response");
  json_t *o = json_object(), *addrs = json_array(), *ports = json_object();
  for (size_t i = 0; addrs && i < info.n_listen_addresses; i++)
    json_array_append_new(addrs, json_string(info.listen_addresses[i]));
  json_object_set_new(o, "listenAddresses", addrs);
  if (info.enr_uri)
    json_object_set_new(o, "enrUri", json_string(info.enr_uri));
  if (info.tcp_port)
    json_object_set_new(ports, "tcp", json_integer(info.tcp_port));
  if (info.websocket_port)
    json_object_set_new(ports, "webSocket", json_integer(info.websocket_port));
  json_object_set_new(ports, "rest", json_integer(r->port));
  json_object_set_new(o, "ports", ports);
  return reply_json(c, o);
}

static const char *const connectedness_names[] = {
    "NotConnected", "CannotConnect", "CanConnect", "Connected"};
static const char *const origin_names[] = {"UnknownOrigin", "Discv5", "Static",
                                           "PeerExchange", "Dns"};
static const char *const health_names[] = {"INITIALIZING", "SYNCHRONIZING",
                                           "READY",        "NOT_READY",
                                           "NOT_MOUNTED",  "SHUTTING_DOWN"};
static const char *const connection_names[] = {
    "Disconnected", "PartiallyConnected", "Connected"};

#define NAME(table, i)                                                         \
  ((size_t)(i) < sizeof table / sizeof table[0] ? table[i] : table[0])

/* admin/types.nim WakuPeer, without score (nwaku leaves it out too unless
 * the peer is a relay peer). */
static void emit_peer(void *ctx, const struct cwaku_rest_peer *p) {
  json_t *a = ctx;
  json_t *o = json_object(), *protos = json_array(), *shards = json_array();
  for (size_t i = 0; protos && i < p->n_protocols; i++)
    json_array_append_new(protos, json_string(p->protocols[i]));
  for (size_t i = 0; shards && i < p->n_shards; i++)
    json_array_append_new(shards, json_integer(p->shards[i]));
  json_object_set_new(o, "multiaddr",
                      json_string(p->multiaddr ? p->multiaddr : ""));
  json_object_set_new(o, "protocols", protos);
  json_object_set_new(o, "shards", shards);
  json_object_set_new(o, "connected",
                      json_string(NAME(connectedness_names, p->connected)));
  json_object_set_new(o, "agent", json_string(p->agent ? p->agent : ""));
  json_object_set_new(o, "origin", json_string(NAME(origin_names, p->origin)));
  json_array_append_new(a, o);
}

static void count_connected(void *ctx, const struct cwaku_rest_peer *p) {
  if (p->connected == CWAKU_REST_CONNECTED)
    (*(size_t *)ctx)++;
}

/* health/types.nim HealthReport. */
static enum MHD_Result health(struct cwaku_rest *r, struct MHD_Connection *c) {
  struct cwaku_rest_health h;
  memset(&h, 0, sizeof h);
  if (r->be.health) {
    r->be.health(r->be.arg, &h);
  } else {
    size_t n = 0;
    if (r->be.list_peers)
      r->be.list_peers(r->be.arg, count_connected, &n);
    h.node = CWAKU_REST_READY;
    h.connection = n ? CWAKU_REST_FULLY_CONNECTED : CWAKU_REST_DISCONNECTED;
  }
  json_t *o = json_object(), *protos = json_array();
  size_t np = h.n_protocols < CWAKU_REST_HEALTH_MAX_PROTOCOLS
                  ? h.n_protocols
                  : CWAKU_REST_HEALTH_MAX_PROTOCOLS;
  for (size_t i = 0; protos && i < np; i++) {
    json_t *p = json_object();
    json_object_set_new(p,
                        h.protocols[i].protocol ? h.protocols[i].protocol : "?",
                        json_string(NAME(health_names, h.protocols[i].health)));
    if (h.protocols[i].desc)
      json_object_set_new(p, "desc", json_string(h.protocols[i].desc));
    json_array_append_new(protos, p);
  }
  json_object_set_new(o, "nodeHealth", json_string(NAME(health_names, h.node)));
  json_object_set_new(o, "connectionStatus",
                      json_string(NAME(connection_names, h.connection)));
  json_object_set_new(o, "protocolsHealth", protos);
  return reply_json(c, o);
}

enum route {
  ROUTE_NONE,
  ROUTE_SUBSCRIPTIONS,
  ROUTE_MESSAGES,
  ROUTE_AUTO_SUBSCRIPTIONS,
  ROUTE_AUTO_PUBLISH,
  ROUTE_AUTO_MESSAGES,
  ROUTE_INFO,
  ROUTE_VERSION,
  ROUTE_HEALTH,
  ROUTE_PEERS,
  ROUTE_RELAY_STATS
};

/* The route of a raw (still escaped) path; *param the segment after a
 * prefix route, escaped. */
static enum route find_route(const struct cwaku_rest *r, const char *url,
                             const char **param) {
  static const struct {
    const char *path;
    bool prefix, relay;
    enum route route;
  } table[] = {
      {"/relay/v1/subscriptions", false, true, ROUTE_SUBSCRIPTIONS},
      {"/relay/v1/messages/", true, true, ROUTE_MESSAGES},
      {"/relay/v1/auto/subscriptions", false, true, ROUTE_AUTO_SUBSCRIPTIONS},
      {"/relay/v1/auto/messages", false, true, ROUTE_AUTO_PUBLISH},
      {"/relay/v1/auto/messages/", true, true, ROUTE_AUTO_MESSAGES},
      {"/debug/v1/info", false, false, ROUTE_INFO},
      {"/info", false, false, ROUTE_INFO},
      {"/debug/v1/version", false, false, ROUTE_VERSION},
      {"/version", false, false, ROUTE_VERSION},
      {"/health", false, false, ROUTE_HEALTH},
      {"/admin/v1/peers", false, false, ROUTE_PEERS},
      {"/cwaku/v1/relay", false, true, ROUTE_RELAY_STATS},
  };
  *param = NULL;
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
    size_t n = strlen(table[i].path);
    if (table[i].relay && !r->be.relay_publish)
      continue;
    if (table[i].prefix ? strncmp(url, table[i].path, n) == 0 && url[n]
                        : strcmp(url, table[i].path) == 0) {
      *param = table[i].prefix ? url + n : NULL;
      return table[i].route;
    }
  }
  return ROUTE_NONE;
}

static const char *allowed_methods(enum route route) {
  switch (route) {
  case ROUTE_NONE:
    return NULL;
  case ROUTE_SUBSCRIPTIONS:
  case ROUTE_AUTO_SUBSCRIPTIONS:
    return "POST, DELETE, OPTIONS";
  case ROUTE_MESSAGES:
    return "GET, POST, OPTIONS";
  case ROUTE_AUTO_PUBLISH:
    return "POST, OPTIONS";
  case ROUTE_AUTO_MESSAGES:
  case ROUTE_INFO:
  case ROUTE_VERSION:
  case ROUTE_HEALTH:
  case ROUTE_PEERS:
  case ROUTE_RELAY_STATS:
    return "GET, OPTIONS";
  }
  return NULL;
}

static enum MHD_Result serve(struct cwaku_rest *r, struct MHD_Connection *c,
                             const char *url, const char *method,
                             const struct request *q) {
  const char *param;
  enum route route = find_route(r, url, &param);
  const char *allow = allowed_methods(route);
  if (!allow)
    return reply_text(c, MHD_HTTP_NOT_FOUND, "Not found: %s", url);
  /* No HEAD: a GET of messages clears them. */
  bool get = strcmp(method, MHD_HTTP_METHOD_GET) == 0;
  bool post = strcmp(method, MHD_HTTP_METHOD_POST) == 0;
  bool del = strcmp(method, MHD_HTTP_METHOD_DELETE) == 0;
  /* nwaku answers OPTIONS on its relay routes with 200 OK (CORS). */
  if (strcmp(method, MHD_HTTP_METHOD_OPTIONS) == 0) {
    char *body = strdup("OK");
    return body ? queue(c, MHD_HTTP_OK, body, 2, "text/plain", allow) : MHD_NO;
  }
  char topic[CWAKU_REST_TOPIC_MAX + 1];
  if (param && url_decode(topic, sizeof topic, param) != 0)
    return reply_text(c, MHD_HTTP_BAD_REQUEST,
                      "Invalid topic in the path: a bad %%-escape, a NUL, or "
                      "longer than %d bytes",
                      CWAKU_REST_TOPIC_MAX);
  switch (route) {
  case ROUTE_NONE:
    break;
  case ROUTE_SUBSCRIPTIONS:
  case ROUTE_AUTO_SUBSCRIPTIONS:
    if (post || del)
      return subscriptions(r, c, q, route == ROUTE_AUTO_SUBSCRIPTIONS, post);
    break;
  case ROUTE_MESSAGES:
    if (get)
      return get_messages(r, c, false, topic);
    if (post)
      return publish(r, c, q, topic);
    break;
  case ROUTE_AUTO_PUBLISH:
    if (post)
      return publish(r, c, q, NULL);
    break;
  case ROUTE_AUTO_MESSAGES:
    if (get)
      return get_messages(r, c, true, topic);
    break;
  case ROUTE_INFO:
    if (get)
      return debug_info(r, c);
    break;
  case ROUTE_VERSION:
    /* debug/handlers.nim: the version as text/plain. */
    if (get)
      return reply_text(c, MHD_HTTP_OK, "v%s", CWAKU_VERSION);
    break;
  case ROUTE_HEALTH:
    if (get)
      return health(r, c);
    break;
  case ROUTE_RELAY_STATS:
    if (get) {
      char *text = r->be.relay_stats ? r->be.relay_stats(r->be.arg) : NULL;
      if (!text)
        return reply_text(c, MHD_HTTP_NOT_FOUND, "Not found: %s", url);
      return queue(c, MHD_HTTP_OK, text, strlen(text), "application/json",
                   NULL);
    }
    break;
  case ROUTE_PEERS:
    if (get) {
      json_t *a = json_array();
      if (a && r->be.list_peers)
        r->be.list_peers(r->be.arg, emit_peer, a);
      return reply_json(c, a);
    }
    break;
  }
  char *body = malloc(REASON_MAX);
  if (!body)
    return MHD_NO;
  int n = snprintf(body, REASON_MAX, "Method %s not allowed; allowed: %s",
                   method, allow);
  return queue(c, MHD_HTTP_METHOD_NOT_ALLOWED, body,
               n < REASON_MAX ? (size_t)n : REASON_MAX - 1, "text/plain",
               allow);
}

/* ---- libmicrohttpd ------------------------------------------------------ */

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
                                  const char *url, const char *method,
                                  const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls) {
  struct cwaku_rest *r = cls;
  struct request *q = *con_cls;
  if (!q) {
    q = calloc(1, sizeof *q);
    if (!q)
      return MHD_NO;
    *con_cls = q;
    /* A declared length over the cap is refused before the body is read. */
    const char *cl = MHD_lookup_connection_value(
        c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl) {
      char *end;
      unsigned long long n = strtoull(cl, &end, 10);
      if (n > r->max_body) {
        q->answered = true;
        return reply_text(c, MHD_HTTP_CONTENT_TOO_LARGE,
                          "Request body too large: at most %zu bytes",
                          r->max_body);
      }
    }
    return MHD_YES;
  }
  if (*upload_size) {
    size_t n = *upload_size;
    *upload_size = 0;
    if (q->answered)
      return MHD_YES;
    if (!q->too_big && n <= r->max_body - q->len) {
      if (q->len + n > q->cap) {
        size_t cap = q->cap ? q->cap : 4096;
        while (cap < q->len + n)
          cap *= 2;
        if (cap > r->max_body)
          cap = r->max_body;
        char *b = realloc(q->body, cap);
        if (!b) {
          q->oom = true;
          return MHD_NO;
        }
        q->body = b;
        q->cap = cap;
      }
      memcpy(q->body + q->len, upload, n);
      q->len += n;
      return MHD_YES;
    }
    q->too_big = true;
    free(q->body);
    q->body = NULL;
    q->len = q->cap = 0;
    q->dropped += n;
    return q->dropped > DISCARD_MAX ? MHD_NO : MHD_YES;
  }
  if (q->answered)
    return MHD_YES;
  q->answered = true;
  if (q->too_big)
    return reply_text(c, MHD_HTTP_CONTENT_TOO_LARGE,
                      "Request body too large: at most %zu bytes", r->max_body);
  return serve(r, c, url, method, q);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
  struct request *q = *con_cls;
  if (q) {
    free(q->body);
    free(q);
    *con_cls = NULL;
  }
}

/* Paths reach on_request as sent: the topic segment is decoded there, so
 * that an escaped '/' stays inside it. */
static size_t keep_escaped(void *cls, struct MHD_Connection *c, char *s) {
  return strlen(s);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap) {
  cwaku_vlog(CWAKU_LOG_DEBUG, LOG_MODULE, fmt, ap);
}

static void run_mhd(struct cwaku_rest *r);

static void on_poll(uv_poll_t *h, int status, int events) {
  run_mhd(h->data);
}

static void on_timer(uv_timer_t *t) {
  run_mhd(t->data);
}

/* MHD does what its sockets allow, then tells how long it may sleep. */
static void run_mhd(struct cwaku_rest *r) {
  MHD_run(r->daemon);
  MHD_UNSIGNED_LONG_LONG ms;
  if (MHD_get_timeout(r->daemon, &ms) == MHD_YES)
    uv_timer_start(&r->timer, on_timer, ms, 0);
  else
    uv_timer_stop(&r->timer);
}

static void free_cache(struct cwaku_rest *r) {
  while (r->ghead)
    entry_remove(r, r->ghead);
  for (size_t i = 0; i < r->n_subs; i++)
    free(r->subs[i]);
  r->n_subs = 0;
}

static void on_handle_closed(uv_handle_t *h) {
  struct cwaku_rest *r = h->data;
  if (--r->open_handles == 0)
    free(r);
}

int cwaku_rest_new(struct cwaku_rest **out, uv_loop_t *loop,
                   const char *address, uint16_t port,
                   const struct cwaku_rest_backend *backend,
                   const struct cwaku_rest_options *opts) {
  *out = NULL;
  if (!backend || !opts || opts->num_shards > CWAKU_SHARDS_PER_CLUSTER ||
      opts->cache_capacity == 0 || opts->max_message_size == 0 ||
      opts->max_message_size > ((size_t)1 << 30))
    return CWAKU_EINVAL;
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof ss);
  unsigned flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
  struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
  struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
  if (inet_pton(AF_INET, address, &sin->sin_addr) == 1) {
    sin->sin_family = AF_INET;
    sin->sin_port = htons(port);
  } else if (inet_pton(AF_INET6, address, &sin6->sin6_addr) == 1) {
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(port);
    flags |= MHD_USE_IPv6;
  } else {
    return CWAKU_EINVAL;
  }
  struct cwaku_rest *r = calloc(1, sizeof *r);
  if (!r)
    return CWAKU_ENOMEM;
  r->loop = loop;
  r->be = *backend;
  r->opts = *opts;
  if (r->opts.cache_bytes == 0)
    r->opts.cache_bytes = CWAKU_REST_CACHE_BYTES_DEFAULT;
  size_t need = (r->opts.max_message_size + 2) / 3 * 4 + BODY_SLACK;
  r->max_body =
      r->opts.max_body ? r->opts.max_body : CWAKU_REST_BODY_MAX_DEFAULT;
  if (r->max_body < need)
    r->max_body = need;
  r->daemon = MHD_start_daemon(
      flags, port, NULL, NULL, on_request, r, MHD_OPTION_EXTERNAL_LOGGER,
      on_mhd_log, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
      MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
      MHD_OPTION_UNESCAPE_CALLBACK, keep_escaped, NULL,
      MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONNECTION_LIMIT,
      MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONNECTION_TIMEOUT_S,
      MHD_OPTION_END);
  if (!r->daemon) {
    cwaku_log(CWAKU_LOG_ERROR, LOG_MODULE, "cannot listen on %s port %u",
              address, port);
    free(r);
    return CWAKU_EIO;
  }
  const union MHD_DaemonInfo *info =
      MHD_get_daemon_info(r->daemon, MHD_DAEMON_INFO_BIND_PORT);
  r->port = info ? info->port : port;
  info = MHD_get_daemon_info(r->daemon, MHD_DAEMON_INFO_EPOLL_FD);
  if (!info || uv_poll_init(loop, &r->poll, info->epoll_fd) != 0) {
    MHD_stop_daemon(r->daemon);
    free(r);
    return CWAKU_EIO;
  }
  r->poll.data = r;
  uv_timer_init(loop, &r->timer);
  r->timer.data = r;
  r->open_handles = 2;
  uv_poll_start(&r->poll, UV_READABLE, on_poll);
  run_mhd(r);
  cwaku_log(CWAKU_LOG_INFO, LOG_MODULE, "REST API on %s port %u", address,
            r->port);
  *out = r;
  return 0;
}

int cwaku_rest_cache_topic(struct cwaku_rest *r, const char *pubsub_topic) {
  if (sub_find(r, false, pubsub_topic))
    return 0;
  return sub_add(r, false, pubsub_topic, pubsub_topic);
}

void cwaku_rest_free(struct cwaku_rest *r) {
  if (!r)
    return;
  /* The poll handle leaves the loop's epoll set before MHD closes its fd. */
  uv_close((uv_handle_t *)&r->poll, on_handle_closed);
  uv_close((uv_handle_t *)&r->timer, on_handle_closed);
  MHD_stop_daemon(r->daemon);
  r->daemon = NULL;
  free_cache(r);
}

/* ---- peer-store rows ---------------------------------------------------- */

void cwaku_rest_emit_store_peer(const struct cwaku_peer *p,
                                void (*emit)(void *ctx,
                                             const struct cwaku_rest_peer *row),
                                void *ctx) {
  char id[CWAKU_PEER_ID_STRING_MAX];
  if (cwaku_peer_id_to_string(id, sizeof id, &p->id) != 0)
    return;
  /* nwaku constructMultiaddrStr: the first address + /p2p/<id>. With no
   * address known (an inbound peer) we still give the id, as /p2p/<id>. */
  char ma[7 * CWAKU_PEER_MAX_ADDR_BYTES + CWAKU_PEER_ID_STRING_MAX + 8];
  size_t n = 0;
  if (p->n_addrs > 0 && cwaku_multiaddr_to_string(ma, sizeof ma, p->addrs[0],
                                                  p->addr_len[0]) == 0)
    n = strlen(ma);
  snprintf(ma + n, sizeof ma - n, "/p2p/%s", id);
  const char *protos[CWAKU_PEER_MAX_PROTOCOLS];
  size_t np = p->n_protocols < CWAKU_PEER_MAX_PROTOCOLS
                  ? p->n_protocols
                  : CWAKU_PEER_MAX_PROTOCOLS;
  for (size_t i = 0; i < np; i++)
    protos[i] = p->protocols[i];
  struct cwaku_rest_peer row = {
      .multiaddr = ma,
      .protocols = protos,
      .n_protocols = np,
      .connected =
          p->connected ? CWAKU_REST_CONNECTED : CWAKU_REST_NOT_CONNECTED,
      .agent = p->agent,
      .origin = CWAKU_REST_ORIGIN_UNKNOWN,
      .shards = p->shards,
      .n_shards = p->n_shards,
  };
  switch (p->source) {
  case CWAKU_PEER_SOURCE_STATIC:
    row.origin = CWAKU_REST_ORIGIN_STATIC;
    break;
  case CWAKU_PEER_SOURCE_INBOUND:
  case CWAKU_PEER_SOURCE_IDENTIFY:
  case CWAKU_PEER_SOURCE_DISCOVERY:
    break;
  }
  emit(ctx, &row);
}
