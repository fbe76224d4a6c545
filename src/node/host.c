#include "host.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cwaku/log.h"
#include "cwaku/multiaddr.h"
#include "cwaku/peer_id.h"
#include "net/tcp.h"
#include "net/websocket.h"
#include "p2p/basic_protocols.h"
#include "p2p/connection.h"
#include "p2p/peer_store.h"
#include "waku/metadata.h"
#include "waku/relay.h"

#define DIAL_TIMEOUT_MS 10000
#define REDIAL_MIN_MS 1000
#define REDIAL_MAX_MS 60000
/* Keep-alive: a muxer ping on every connection this often (js-libp2p pings
 * every 10 s too), which also measures latency for the peer store. */
#define KEEPALIVE_MS 10000
#define PEER_STORE_CAPACITY 1000
/* A peer must answer our metadata request within this (nwaku dials with a
 * 10 s timeout too). */
#define METADATA_TIMEOUT_NS (10 * 1000000000ull)

struct host_conn;

struct static_peer {
  struct cwaku_host *host;
  char text[CWAKU_CONFIG_ADDR_TEXT_MAX];
  struct sockaddr_storage addr; /* the address being dialed */
  /* A name may resolve to several addresses (localhost: ::1 and
   * 127.0.0.1); a dial that fails tries the next before backing off. */
  struct sockaddr_storage resolved[4];
  size_t n_resolved, next_resolved;
  bool websocket;
  char ws_host[300];
  char dns_name[256]; /* /dns, /dns4, /dns6: resolved before each dial */
  int dns_family;
  uint16_t port;
  uv_getaddrinfo_t gai;
  cwaku_peer_id peer;
  uv_timer_t timer;
  uint64_t backoff_ms;
  bool connected; /* or dialing */
};

struct host_conn {
  struct host_conn *next;
  struct cwaku_host *host;
  struct cwaku__pipe *pipe;
  struct cwaku__conn *conn;
  struct cwaku__conn_config cfg;
  struct static_peer *sp;        /* when this connection is to a static peer */
  bool engine_closed;            /* the engine ended; close the pipe */
  bool paused;                   /* reading stopped until the output drains */
  bool bad;                      /* relay graylisted the peer: close soon */
  uint64_t metadata_deadline_ns; /* a metadata answer is due by then */
};

struct cwaku_host {
  uv_loop_t *loop;
  const struct cwaku_node_config *cfg;
  const cwaku_identity_key *identity;
  cwaku_peer_id peer_id;
  char peer_text[CWAKU_PEER_ID_STRING_MAX];
  struct cwaku__tcp_listener *tcp, *ws;
  struct host_conn *conns;
  size_t n_conns;
  struct static_peer *statics;
  size_t n_statics;
  size_t timers_open;
  /* protocols */
  struct cwaku__proto_handler ping, echo;
  struct cwaku__echo_streams echo_streams;
  struct cwaku__identify_service *identify;
  const struct cwaku__proto_handler *handlers[8];
  size_t n_handlers;
  const char *protocol_ids[8];
  struct cwaku_relay *relay;
  struct cwaku__metadata_service *metadata;
  uv_timer_t heartbeat;
  cwaku_host_message_fn on_message;
  void *on_message_arg;
  uint8_t pubkey_pb[CWAKU_IDENTITY_PUBKEY_PB_MAX];
  size_t pubkey_pb_len;
  char agent[32];
  struct cwaku_peer_store *peers;
  uv_timer_t keepalive;
  uint8_t listen_bin[2][64];
  char listen_text[2][CWAKU_CONFIG_ADDR_TEXT_MAX];
  struct cwaku__bytes listen_addrs[2];
  size_t n_listen;
  bool stopping;
  void (*stopped)(void *arg);
  void *stopped_arg;
};

static uint64_t now_ns(void) {
  return uv_hrtime();
}

/* ---- output and lifecycle of one connection ----------------------------- */

static void maybe_stopped(struct cwaku_host *h);

/* Writes the engine's output while the kernel takes it (the pipe queues
 * nothing); the rest waits in the engine until on_drain. */
static void flush(struct host_conn *hc) {
  for (;;) {
    const uint8_t *p;
    size_t n;
    /* 256 KiB a write: fewer system calls than 64 KiB, measured +7 % on
     * one stream between two processes (bench/libp2p.sh). */
    cwaku__conn_output(hc->conn, &p, &n);
    if (n > 256 * 1024)
      n = 256 * 1024;
    if (n == 0 || hc->pipe->ops->queued(hc->pipe) > 0 ||
        hc->pipe->ops->write(hc->pipe, p, n) != 0)
      return;
    cwaku__conn_output_consumed(hc->conn, n);
  }
}

/* After every call into the engine: send what it produced, and stop
 * reading from an mplex peer we cannot send to: mplex has no flow control
 * of its own, TCP's is what holds a fast sender back. yamux connections
 * never stop reading: their windows bound what a peer can send, and two
 * nodes that each stopped reading while sending would wait forever. */
static void after_engine_call(struct host_conn *hc) {
  if (hc->bad && !hc->engine_closed) {
    hc->bad = false;
    cwaku__conn_close(hc->conn, CWAKU_EINVAL);
  }
  flush(hc);
  if (hc->engine_closed) {
    hc->pipe->ops->close(hc->pipe, 0); /* orderly: queued bytes go out */
    return;
  }
  const uint8_t *p;
  size_t n;
  cwaku__conn_output(hc->conn, &p, &n);
  const char *mux = cwaku__conn_muxer(hc->conn);
  bool stuck = n > 0 && mux && strcmp(mux, "/mplex/6.7.0") == 0;
  if (stuck != hc->paused) {
    hc->paused = stuck;
    hc->pipe->ops->pause(hc->pipe, stuck);
  }
}

/* Relay writes into the streams of many connections at once: every
 * engine with output gets flushed, and peers relay found bad are closed. */
static void flush_all(struct cwaku_host *h) {
  for (struct host_conn *hc = h->conns; hc; hc = hc->next) {
    if (hc->engine_closed)
      continue;
    after_engine_call(hc);
  }
}

static void schedule_redial(struct static_peer *sp);

static void pipe_closed(struct cwaku__pipe *p, int err, void *arg) {
  struct host_conn *hc = arg;
  struct cwaku_host *h = hc->host;
  if (!hc->engine_closed)
    cwaku__conn_close(hc->conn, err ? err : CWAKU_EIO);
  for (struct host_conn **pp = &h->conns; *pp; pp = &(*pp)->next)
    if (*pp == hc) {
      *pp = hc->next;
      h->n_conns--;
      break;
    }
  if (hc->sp) {
    hc->sp->connected = false;
    schedule_redial(hc->sp);
  }
  cwaku__metadata_service_forget(h->metadata, hc->conn);
  cwaku__conn_free(hc->conn);
  free(hc);
  maybe_stopped(h);
}

static void pipe_data(struct cwaku__pipe *p, const uint8_t *data, size_t len,
                      void *arg) {
  struct host_conn *hc = arg;
  if (hc->engine_closed)
    return;
  cwaku__conn_recv(hc->conn, data, len, now_ns());
  if (hc->host->relay)
    flush_all(hc->host);
  else
    after_engine_call(hc);
}

static void pipe_drain(struct cwaku__pipe *p, void *arg) {
  struct host_conn *hc = arg;
  if (!hc->engine_closed)
    after_engine_call(hc);
}

static void format_peer(char *out, size_t cap, const cwaku_peer_id *id) {
  if (!id || cwaku_peer_id_to_string(out, cap, id) != 0)
    snprintf(out, cap, "?");
}

/* The IP part of a binary /ip4|ip6/../tcp/.. multiaddr. */
static size_t ip_part(const uint8_t *addr, size_t len) {
  if (len >= 5 && addr[0] == 0x04)
    return 5;
  if (len >= 17 && addr[0] == 0x29)
    return 17;
  return 0;
}

/* nwaku's ip-colocation-limit: other peers already connected inbound from
 * the remote's IP address. */
static size_t peers_from_same_ip(struct cwaku_host *h, struct host_conn *hc) {
  size_t n = ip_part(hc->pipe->remote_addr, hc->pipe->remote_addr_len);
  const cwaku_peer_id *id = cwaku__conn_remote_peer(hc->conn);
  size_t count = 0;
  for (struct host_conn *o = h->conns; o && n; o = o->next) {
    const cwaku_peer_id *oid = cwaku__conn_remote_peer(o->conn);
    if (o == hc || o->engine_closed || o->pipe->outbound ||
        cwaku__conn_state(o->conn) != CWAKU__CONN_READY ||
        ip_part(o->pipe->remote_addr, o->pipe->remote_addr_len) != n ||
        memcmp(o->pipe->remote_addr, hc->pipe->remote_addr, n) != 0 ||
        (oid && id && cwaku_peer_id_equal(oid, id)))
      continue;
    count++;
  }
  return count;
}

static void conn_ready(struct cwaku__conn *c, void *arg) {
  struct host_conn *hc = arg;
  uint32_t limit = hc->host->cfg->ip_colocation_limit;
  if (limit && !hc->pipe->outbound &&
      peers_from_same_ip(hc->host, hc) >= limit) {
    cwaku_log(CWAKU_LOG_DEBUG, "host",
              "refusing a peer: %u peers already connected from its IP", limit);
    cwaku__conn_close(c, CWAKU_ELIMIT);
    return;
  }
  char peer[CWAKU_PEER_ID_STRING_MAX];
  format_peer(peer, sizeof peer, cwaku__conn_remote_peer(c));
  cwaku_log(CWAKU_LOG_INFO, "host", "connected %s %s via %s%s", peer,
            hc->pipe->outbound ? "(outbound)" : "(inbound)",
            cwaku__conn_muxer(c),
            cwaku__conn_muxer_inlined(c) ? " (chosen in Noise)" : "");
  if (hc->sp)
    hc->sp->backoff_ms = REDIAL_MIN_MS;
  const cwaku_peer_id *id = cwaku__conn_remote_peer(c);
  struct cwaku_peer *p =
      id ? cwaku_peer_store_upsert(hc->host->peers, id,
                                   hc->sp ? CWAKU_PEER_SOURCE_STATIC
                                   : hc->pipe->outbound
                                       ? CWAKU_PEER_SOURCE_DISCOVERY
                                       : CWAKU_PEER_SOURCE_INBOUND,
                                   now_ns())
         : NULL;
  if (p) {
    p->connected = true;
    if (hc->pipe->outbound) /* where we reached it */
      cwaku_peer_add_addr(p, hc->pipe->remote_addr, hc->pipe->remote_addr_len);
  }
  cwaku__identify_request(hc->host->identify, c);
  if (cwaku__metadata_request(hc->host->metadata, c) == 0)
    hc->metadata_deadline_ns = now_ns() + METADATA_TIMEOUT_NS;
  if (hc->host->relay) {
    /* The IP colocation score (P6) counts peers per address; peers on
     * this machine (loopback) are exempt, as go-libp2p's whitelist allows:
     * a local test network is not a Sybil attack. */
    size_t n = ip_part(hc->pipe->remote_addr, hc->pipe->remote_addr_len);
    const uint8_t *ip = hc->pipe->remote_addr + 1;
    static const uint8_t v6_loopback[16] = {[15] = 1};
    if ((n == 5 && ip[0] == 127) ||
        (n == 17 && memcmp(ip, v6_loopback, 16) == 0))
      n = 0;
    cwaku_relay_conn_ready(hc->host->relay, c, hc->pipe->outbound,
                           n ? ip : NULL, n ? n - 1 : 0, now_ns());
  }
}

static void conn_rtt(struct cwaku__conn *c, uint64_t rtt_ns, void *arg) {
  struct host_conn *hc = arg;
  const cwaku_peer_id *id = cwaku__conn_remote_peer(c);
  struct cwaku_peer *p = id ? cwaku_peer_store_get(hc->host->peers, id) : NULL;
  if (p)
    p->rtt_ns = rtt_ns;
}

static void conn_closed(struct cwaku__conn *c, int err, void *arg) {
  struct host_conn *hc = arg;
  hc->engine_closed = true;
  if (hc->host->relay)
    cwaku_relay_conn_closed(hc->host->relay, c, now_ns());
  const cwaku_peer_id *id = cwaku__conn_remote_peer(c);
  struct cwaku_peer *p = id ? cwaku_peer_store_get(hc->host->peers, id) : NULL;
  if (p)
    p->connected = false; /* (another connection to it may remain) */
  char peer[CWAKU_PEER_ID_STRING_MAX];
  format_peer(peer, sizeof peer, cwaku__conn_remote_peer(c));
  cwaku_log(err ? CWAKU_LOG_DEBUG : CWAKU_LOG_INFO, "host",
            "connection %s closed: %s", peer, cwaku_strerror(err));
}

static bool observed_addr(struct cwaku__bytes *out, struct cwaku__conn *c,
                          void *arg) {
  struct host_conn *hc = cwaku__conn_arg(c);
  out->p = hc->pipe->remote_addr;
  out->len = hc->pipe->remote_addr_len;
  return out->len > 0;
}

static void on_identified(struct cwaku__conn *c,
                          const struct cwaku__identify_msg *m, void *arg) {
  struct cwaku_host *h = arg;
  const cwaku_peer_id *id = cwaku__conn_remote_peer(c);
  struct cwaku_peer *p = id ? cwaku_peer_store_get(h->peers, id) : NULL;
  if (p) {
    cwaku_peer_set_agent(p, (const char *)m->agent_version.p,
                         m->agent_version.len);
    const char *ids[CWAKU_IDENTIFY_MAX_PROTOCOLS];
    size_t lens[CWAKU_IDENTIFY_MAX_PROTOCOLS];
    for (size_t i = 0; i < m->n_protocols; i++) {
      ids[i] = (const char *)m->protocols[i].p;
      lens[i] = m->protocols[i].len;
    }
    cwaku_peer_set_protocols(p, ids, lens, m->n_protocols);
    for (size_t i = 0; i < m->n_listen_addrs; i++)
      cwaku_peer_add_addr(p, m->listen_addrs[i].p, m->listen_addrs[i].len);
  }
  /* cwaku nodes speak gossipsub v1.2's IDONTWANT (Waku's single protocol
   * id cannot say so). */
  if (h->relay && m->agent_version.len >= 6 &&
      memcmp(m->agent_version.p, "cwaku/", 6) == 0)
    cwaku_relay_peer_idontwant(h->relay, c);
  char peer[CWAKU_PEER_ID_STRING_MAX];
  format_peer(peer, sizeof peer, cwaku__conn_remote_peer(c));
  char protos[2048];
  size_t off = 0;
  for (size_t i = 0; i < m->n_protocols && off + 2 < sizeof protos; i++) {
    size_t n = m->protocols[i].len;
    if (n > sizeof protos - off - 2)
      n = sizeof protos - off - 2;
    if (i)
      protos[off++] = ',';
    memcpy(protos + off, m->protocols[i].p, n);
    off += n;
  }
  protos[off] = 0;
  cwaku_log(CWAKU_LOG_INFO, "host", "identified %s agent=\"%.*s\" protocols=%s",
            peer,
            (int)(m->agent_version.len > 200 ? 200 : m->agent_version.len),
            (const char *)m->agent_version.p, protos);
}

/* Wraps a pipe (TCP or WebSocket) in a connection engine. */
static void adopt_pipe(struct cwaku_host *h, struct cwaku__pipe *p,
                       struct static_peer *sp) {
  if (h->stopping || h->n_conns >= h->cfg->max_connections) {
    cwaku_log(CWAKU_LOG_DEBUG, "host", "refusing a connection: %s",
              h->stopping ? "stopping" : "at max-connections");
    p->cb.on_close = NULL;
    p->ops->close(p, CWAKU_EIO);
    if (sp) {
      sp->connected = false;
      schedule_redial(sp);
    }
    return;
  }
  struct host_conn *hc = calloc(1, sizeof *hc);
  if (!hc) {
    p->ops->close(p, CWAKU_ENOMEM);
    return;
  }
  hc->host = h;
  hc->pipe = p;
  hc->sp = sp;
  hc->cfg = (struct cwaku__conn_config){
      .initiator = p->outbound,
      .identity = h->identity,
      .rng = cwaku_rng_system(),
      .expected_peer = sp ? &sp->peer : NULL,
      .handlers = h->handlers,
      .n_handlers = h->n_handlers,
      .on_ready = conn_ready,
      .on_closed = conn_closed,
      .on_rtt = conn_rtt,
      .arg = hc,
  };
  cwaku__muxer_config_default(&hc->cfg.muxer);
  if (cwaku__conn_new(&hc->conn, &hc->cfg) != 0) {
    free(hc);
    p->ops->close(p, CWAKU_ENOMEM);
    return;
  }
  p->cb.on_data = pipe_data;
  p->cb.on_close = pipe_closed;
  p->cb.on_drain = pipe_drain;
  p->cb.arg = hc;
  hc->next = h->conns;
  h->conns = hc;
  h->n_conns++;
  flush(hc); /* the multistream header (and proposal when dialing) */
}

/* ---- listening ---------------------------------------------------------- */

static void on_tcp_accept(struct cwaku__pipe *p, void *arg) {
  adopt_pipe(arg, p, NULL);
}

static void on_ws_ready(struct cwaku__pipe *p, int err, void *arg) {
  if (!err)
    adopt_pipe(arg, p, NULL);
}

static void on_ws_accept(struct cwaku__pipe *p, void *arg) {
  if (cwaku__ws_accept_pipe(p, on_ws_ready, arg) != 0)
    p->ops->close(p, CWAKU_ENOMEM);
}

/* Prints the address and keeps its binary form for identify. */
static void print_listen(struct cwaku_host *h, uint16_t port, bool ws) {
  bool v6 = strchr(h->cfg->listen_address, ':') != NULL;
  struct sockaddr_storage ss;
  if (v6)
    uv_ip6_addr(h->cfg->listen_address, port, (struct sockaddr_in6 *)&ss);
  else
    uv_ip4_addr(h->cfg->listen_address, port, (struct sockaddr_in *)&ss);
  uint8_t *bin = h->listen_bin[h->n_listen];
  size_t len = cwaku__tcp_multiaddr(bin, (struct sockaddr *)&ss);
  if (ws && len) {
    bin[len++] = 0xdd; /* /ws */
    bin[len++] = 0x03;
  }
  h->listen_addrs[h->n_listen].p = bin;
  h->listen_addrs[h->n_listen].len = len;
  h->n_listen++;
  cwaku__identify_service_set_addrs(h->identify, h->listen_addrs, h->n_listen);
  snprintf(h->listen_text[h->n_listen - 1], sizeof h->listen_text[0],
           "/%s/%s/tcp/%u%s/p2p/%s", v6 ? "ip6" : "ip4", h->cfg->listen_address,
           port, ws ? "/ws" : "", h->peer_text);
  printf("Listening on %s\n", h->listen_text[h->n_listen - 1]);
}

/* ---- dialing the static peers ------------------------------------------- */

static void on_ws_dialed_ready(struct cwaku__pipe *p, int err, void *arg) {
  struct static_peer *sp = arg;
  if (err) {
    sp->connected = false;
    schedule_redial(sp);
    return;
  }
  adopt_pipe(sp->host, p, sp);
}

static void dial_addr(struct static_peer *sp);

static void on_dialed(struct cwaku__pipe *p, int err, void *arg) {
  struct static_peer *sp = arg;
  if (err) {
    cwaku_log(CWAKU_LOG_DEBUG, "host", "dial %s failed", sp->text);
    if (sp->next_resolved < sp->n_resolved && !sp->host->stopping) {
      sp->addr = sp->resolved[sp->next_resolved++];
      dial_addr(sp);
      return;
    }
    sp->connected = false;
    schedule_redial(sp);
    return;
  }
  if (sp->websocket) {
    if (cwaku__ws_connect_pipe(p, sp->ws_host, on_ws_dialed_ready, sp) != 0)
      p->ops->close(p, CWAKU_EIO);
    return;
  }
  adopt_pipe(sp->host, p, sp);
}

static void dial_addr(struct static_peer *sp) {
  if (cwaku__tcp_dial(sp->host->loop, (struct sockaddr *)&sp->addr,
                      DIAL_TIMEOUT_MS, on_dialed, sp) != 0) {
    sp->connected = false;
    schedule_redial(sp);
  }
}

static void on_resolved(uv_getaddrinfo_t *req, int status,
                        struct addrinfo *res) {
  struct static_peer *sp = req->data;
  sp->n_resolved = sp->next_resolved = 0;
  for (struct addrinfo *a = status == 0 ? res : NULL;
       a && sp->n_resolved < sizeof sp->resolved / sizeof sp->resolved[0];
       a = a->ai_next) {
    struct sockaddr_storage *ss = &sp->resolved[sp->n_resolved];
    if ((a->ai_family != AF_INET && a->ai_family != AF_INET6) ||
        a->ai_addrlen > sizeof *ss)
      continue;
    memcpy(ss, a->ai_addr, a->ai_addrlen);
    if (a->ai_family == AF_INET)
      ((struct sockaddr_in *)ss)->sin_port = htons(sp->port);
    else
      ((struct sockaddr_in6 *)ss)->sin6_port = htons(sp->port);
    sp->n_resolved++;
  }
  uv_freeaddrinfo(res);
  if (sp->host->stopping) {
    sp->connected = false;
    return;
  }
  if (sp->n_resolved == 0) {
    cwaku_log(CWAKU_LOG_DEBUG, "host", "cannot resolve %s", sp->dns_name);
    sp->connected = false;
    schedule_redial(sp);
    return;
  }
  sp->addr = sp->resolved[sp->next_resolved++];
  dial_addr(sp);
}

static void dial_static(struct static_peer *sp) {
  if (sp->connected || sp->host->stopping)
    return;
  sp->connected = true;
  if (!sp->dns_name[0]) {
    dial_addr(sp);
    return;
  }
  struct addrinfo hints = {.ai_family = sp->dns_family,
                           .ai_socktype = SOCK_STREAM};
  sp->gai.data = sp;
  if (uv_getaddrinfo(sp->host->loop, &sp->gai, on_resolved, sp->dns_name, NULL,
                     &hints) != 0) {
    sp->connected = false;
    schedule_redial(sp);
  }
}

static void on_redial_timer(uv_timer_t *t) {
  dial_static(t->data);
}

static void on_keepalive(uv_timer_t *t) {
  struct cwaku_host *h = t->data;
  for (struct host_conn *hc = h->conns; hc; hc = hc->next) {
    if (hc->engine_closed || cwaku__conn_state(hc->conn) != CWAKU__CONN_READY)
      continue;
    if (hc->metadata_deadline_ns && now_ns() > hc->metadata_deadline_ns) {
      cwaku_log(CWAKU_LOG_DEBUG, "metadata", "no answer in time: closing");
      cwaku__conn_close(hc->conn, CWAKU_EIO);
      after_engine_call(hc);
      continue;
    }
    cwaku__conn_ping(hc->conn, now_ns()); /* mplex: unsupported, fine */
    after_engine_call(hc);
  }
}

static void schedule_redial(struct static_peer *sp) {
  if (sp->host->stopping)
    return;
  uv_timer_start(&sp->timer, on_redial_timer, sp->backoff_ms, 0);
  sp->backoff_ms *= 2;
  if (sp->backoff_ms > REDIAL_MAX_MS)
    sp->backoff_ms = REDIAL_MAX_MS;
}

/* Reads /ip4|ip6|dns|dns4|dns6/A/tcp/P[/ws]/p2p/ID from a static-node
 * multiaddr. */
static int parse_static(struct static_peer *sp, const char *text) {
  uint8_t bin[CWAKU_MULTIADDR_MAX_BYTES];
  size_t binlen = sizeof bin;
  if (cwaku_multiaddr_from_string(bin, &binlen, text) != 0)
    return CWAKU_EMULTIADDR;
  static const struct {
    const char *prefix;
    int family; /* AF_UNSPEC with /dns: either */
    bool dns;
  } kinds[] = {{"/ip4/", AF_INET, false},
               {"/ip6/", AF_INET6, false},
               {"/dns4/", AF_INET, true},
               {"/dns6/", AF_INET6, true},
               {"/dns/", AF_UNSPEC, true}};
  size_t k = 0;
  while (k < sizeof kinds / sizeof kinds[0] &&
         strncmp(text, kinds[k].prefix, strlen(kinds[k].prefix)) != 0)
    k++;
  if (k == sizeof kinds / sizeof kinds[0])
    return CWAKU_EUNSUPPORTED;
  char host[256];
  unsigned port;
  char rest[CWAKU_CONFIG_ADDR_TEXT_MAX];
  if (sscanf(text + strlen(kinds[k].prefix), "%255[^/]/tcp/%u%511s", host,
             &port, rest) != 3 ||
      port > 0xffff)
    return CWAKU_EUNSUPPORTED;
  const char *p2p = strstr(rest, "/p2p/");
  if (!p2p || cwaku_peer_id_from_string(&sp->peer, p2p + 5) != 0)
    return CWAKU_EMULTIADDR;
  sp->websocket = strncmp(rest, "/ws/", 4) == 0;
  sp->port = (uint16_t)port;
  if (kinds[k].dns) {
    snprintf(sp->dns_name, sizeof sp->dns_name, "%s", host);
    sp->dns_family = kinds[k].family;
  } else if (kinds[k].family == AF_INET6
                 ? uv_ip6_addr(host, (int)port,
                               (struct sockaddr_in6 *)&sp->addr)
                 : uv_ip4_addr(host, (int)port,
                               (struct sockaddr_in *)&sp->addr)) {
    return CWAKU_EMULTIADDR;
  }
  snprintf(sp->ws_host, sizeof sp->ws_host,
           kinds[k].family == AF_INET6 && !kinds[k].dns ? "[%s]:%u" : "%s:%u",
           host, port);
  return 0;
}

/* ---- metadata ----------------------------------------------------------- */

/* 64/WAKU2-NETWORK and nwaku's peer manager: a peer on another cluster, or
 * one that names none, or whose answer is broken, is disconnected. A peer
 * that does not speak the protocol at all ("na": plain libp2p tools) is
 * kept, unlike nwaku; it simply has no shards on record. */
static void on_metadata(struct cwaku__conn *c, int err, uint32_t cluster,
                        bool has_cluster, const uint16_t *shards,
                        size_t n_shards, void *arg) {
  struct cwaku_host *h = arg;
  struct host_conn *hc = cwaku__conn_arg(c);
  hc->metadata_deadline_ns = 0;
  char peer[CWAKU_PEER_ID_STRING_MAX];
  format_peer(peer, sizeof peer, cwaku__conn_remote_peer(c));
  if (err == CWAKU_EUNSUPPORTED) {
    cwaku_log(CWAKU_LOG_DEBUG, "metadata", "%s does not speak metadata", peer);
    return;
  }
  int why =
      err ? err
          : cwaku__metadata_check(h->cfg->cluster_id, has_cluster, cluster);
  if (why) {
    cwaku_log(CWAKU_LOG_INFO, "metadata",
              "disconnecting %s: %s (its cluster %s%u, ours %u)", peer,
              err ? "no valid answer" : "cluster mismatch",
              has_cluster ? "" : "none, ", has_cluster ? cluster : 0,
              h->cfg->cluster_id);
    hc->bad = true; /* closed after this engine call */
    return;
  }
  const cwaku_peer_id *id = cwaku__conn_remote_peer(c);
  struct cwaku_peer *p = id ? cwaku_peer_store_get(h->peers, id) : NULL;
  if (p) {
    p->has_cluster = has_cluster;
    p->cluster = cluster;
    p->n_shards =
        n_shards < CWAKU_PEER_MAX_SHARDS ? n_shards : CWAKU_PEER_MAX_SHARDS;
    memcpy(p->shards, shards, p->n_shards * sizeof *shards);
  }
}

/* Our shards for metadata: those relay joined. */
static void update_metadata_shards(struct cwaku_host *h) {
  uint16_t shards[256];
  size_t n = 0;
  const char *topics[256];
  size_t nt = h->relay ? cwaku_relay_topics(h->relay, topics, 256) : 0;
  for (size_t i = 0; i < nt && i < 256; i++) {
    uint16_t cluster, shard;
    if (cwaku_static_shard_parse(&cluster, &shard, topics[i]) == 0 &&
        cluster == h->cfg->cluster_id)
      shards[n++] = shard;
  }
  if (cwaku__metadata_service_set_shards(h->metadata, shards, n) != 0)
    cwaku_log(CWAKU_LOG_WARN, "metadata", "too many shards to announce");
}

/* ---- relay -------------------------------------------------------------- */

static void relay_message(void *arg, const char *pubsub_topic,
                          const struct cwaku_message *m) {
  struct cwaku_host *h = arg;
  if (h->on_message)
    h->on_message(h->on_message_arg, pubsub_topic, m);
}

static void relay_bad_peer(void *arg, struct cwaku__conn *c) {
  struct host_conn *hc = cwaku__conn_arg(c);
  hc->bad = true; /* closed by flush_all, outside the router's loop */
}

static int start_relay(struct cwaku_host *h) {
  struct cwaku_relay_config rc;
  cwaku_relay_config_default(&rc);
  if (h->cfg->max_msg_size)
    rc.max_message_size = h->cfg->max_msg_size;
  rc.on_message = relay_message;
  rc.on_bad_peer = relay_bad_peer;
  rc.arg = h;
  int r = cwaku_relay_new(&h->relay, &rc);
  if (r)
    return r;
  h->handlers[h->n_handlers++] = cwaku_relay_handler(h->relay);
  return 0;
}

/* --shard and --content-topic (autosharded) become pubsub topics; with
 * neither, every shard of the cluster's autosharding range, as nwaku. */
static int subscribe_configured(struct cwaku_host *h) {
  const struct cwaku_node_config *cfg = h->cfg;
  uint16_t shards[CWAKU_SHARDS_PER_CLUSTER];
  size_t n = 0;
  for (size_t i = 0; i < cfg->num_shards; i++)
    shards[n++] = cfg->shards[i];
  for (size_t i = 0; i < cfg->num_content_topics; i++) {
    uint16_t s;
    if (cfg->num_shards_in_network == 0 ||
        cwaku_autoshard_text(&s, cfg->content_topics[i],
                             cfg->num_shards_in_network) != 0) {
      cwaku_log(CWAKU_LOG_WARN, "relay", "content topic %s: cannot autoshard",
                cfg->content_topics[i]);
      continue;
    }
    shards[n++] = s;
  }
  if (n == 0)
    for (uint32_t s = 0; s < cfg->num_shards_in_network && n < 1024; s++)
      shards[n++] = (uint16_t)s;
  for (size_t i = 0; i < n; i++) {
    char topic[CWAKU_PUBSUB_TOPIC_STATIC_MAX];
    if (cwaku_static_shard_topic(topic, sizeof topic, cfg->cluster_id,
                                 shards[i]) != 0)
      return CWAKU_ESHARD;
    if (cwaku_relay_subscribed(h->relay, topic))
      continue;
    int r = cwaku_relay_subscribe(h->relay, topic, now_ns());
    if (r)
      return r;
    cwaku_log(CWAKU_LOG_INFO, "relay", "subscribed to %s", topic);
  }
  return 0;
}

static void on_heartbeat(uv_timer_t *t) {
  struct cwaku_host *h = t->data;
  cwaku_relay_heartbeat(h->relay, now_ns());
  flush_all(h);
}

void cwaku_host_set_message_handler(struct cwaku_host *h,
                                    cwaku_host_message_fn fn, void *arg) {
  h->on_message = fn;
  h->on_message_arg = arg;
}

struct cwaku_relay *cwaku_host_relay(struct cwaku_host *h) {
  return h->relay;
}

struct cwaku_peer_store *cwaku_host_peers(struct cwaku_host *h) {
  return h->peers;
}

size_t cwaku_host_listen_addresses(const struct cwaku_host *h, const char **out,
                                   size_t max) {
  for (size_t i = 0; i < h->n_listen && i < max; i++)
    out[i] = h->listen_text[i];
  return h->n_listen;
}

int cwaku_host_publish(struct cwaku_host *h, const char *pubsub_topic,
                       const struct cwaku_message *m, size_t *peers) {
  if (!h->relay)
    return CWAKU_EUNSUPPORTED;
  int r = cwaku_relay_publish(h->relay, pubsub_topic, m, peers, now_ns());
  flush_all(h);
  return r;
}

int cwaku_host_subscribe(struct cwaku_host *h, const char *pubsub_topic,
                         bool subscribe) {
  if (!h->relay)
    return CWAKU_EUNSUPPORTED;
  int r = subscribe ? cwaku_relay_subscribe(h->relay, pubsub_topic, now_ns())
                    : cwaku_relay_unsubscribe(h->relay, pubsub_topic, now_ns());
  update_metadata_shards(h);
  flush_all(h);
  return r;
}

/* ---- the host ----------------------------------------------------------- */

int cwaku_host_new(struct cwaku_host **out, uv_loop_t *loop,
                   const struct cwaku_node_config *cfg,
                   const cwaku_identity_key *identity) {
  struct cwaku_host *h = calloc(1, sizeof *h);
  if (!h)
    return CWAKU_ENOMEM;
  h->loop = loop;
  h->cfg = cfg;
  h->identity = identity;
  cwaku_identity_pubkey pk;
  if (!cwaku_identity_public(&pk, identity)) {
    free(h);
    return CWAKU_EKEY;
  }
  cwaku_peer_id_from_pubkey(&h->peer_id, &pk);
  if (cwaku_peer_id_to_string(h->peer_text, sizeof h->peer_text, &h->peer_id) !=
      0) {
    free(h);
    return CWAKU_EKEY;
  }
  cwaku_identity_pubkey_encode(h->pubkey_pb, &h->pubkey_pb_len, &pk);
  snprintf(h->agent, sizeof h->agent, "cwaku/%s", CWAKU_VERSION);

  cwaku__ping_handler(&h->ping);
  cwaku__echo_handler(&h->echo, &h->echo_streams);
  h->protocol_ids[0] = CWAKU_IDENTIFY_PROTOCOL;
  h->protocol_ids[1] = CWAKU_IDENTIFY_PUSH_PROTOCOL;
  h->protocol_ids[2] = CWAKU_PING_PROTOCOL;
  size_t nprotos = 3;
  if (cfg->test_echo)
    h->protocol_ids[nprotos++] = CWAKU_ECHO_PROTOCOL;
  if (cfg->relay)
    h->protocol_ids[nprotos++] = CWAKU_RELAY_PROTOCOL;
  h->protocol_ids[nprotos++] = CWAKU_METADATA_PROTOCOL;
  struct cwaku__identify_info info = {
      .protocol_version = "ipfs/0.1.0",
      .agent_version = h->agent,
      .public_key = {h->pubkey_pb, h->pubkey_pb_len},
      .protocols = h->protocol_ids,
      .n_protocols = nprotos,
  };
  int r = cwaku__identify_service_new(&h->identify, &info, on_identified, h);
  if (r) {
    free(h);
    return r;
  }
  cwaku__identify_service_set_observer(h->identify, observed_addr, h);
  h->handlers[h->n_handlers++] = cwaku__identify_handler(h->identify);
  h->handlers[h->n_handlers++] = cwaku__identify_push_handler(h->identify);
  h->handlers[h->n_handlers++] = &h->ping;
  if (cfg->test_echo)
    h->handlers[h->n_handlers++] = &h->echo;

  if (cfg->relay) {
    r = start_relay(h);
    if (r) {
      cwaku_host_free(h);
      return r;
    }
  }

  r = cwaku__metadata_service_new(&h->metadata, cfg->cluster_id, NULL, 0,
                                  on_metadata, h);
  if (r) {
    cwaku_host_free(h);
    return r;
  }
  h->handlers[h->n_handlers++] = cwaku__metadata_handler(h->metadata);

  h->statics = calloc(cfg->num_staticnodes + 1, sizeof *h->statics);
  if (!h->statics ||
      cwaku_peer_store_new(&h->peers, PEER_STORE_CAPACITY) != 0) {
    cwaku_host_free(h);
    return CWAKU_ENOMEM;
  }
  for (size_t i = 0; i < cfg->num_staticnodes; i++) {
    struct static_peer *sp = &h->statics[h->n_statics];
    if (parse_static(sp, cfg->staticnodes[i]) != 0) {
      cwaku_log(CWAKU_LOG_WARN, "host",
                "staticnode %s: only /ip4|ip6|dns|dns4|dns6/../tcp/..[/ws]"
                "/p2p/.. can be dialed yet; skipped",
                cfg->staticnodes[i]);
      continue;
    }
    sp->host = h;
    snprintf(sp->text, sizeof sp->text, "%s", cfg->staticnodes[i]);
    sp->backoff_ms = REDIAL_MIN_MS;
    uv_timer_init(loop, &sp->timer);
    sp->timer.data = sp;
    h->timers_open++;
    h->n_statics++;
  }
  *out = h;
  return 0;
}

int cwaku_host_start(struct cwaku_host *h) {
  uint16_t port;
  int r = cwaku__tcp_listen(&h->tcp, &port, h->loop, h->cfg->listen_address,
                            h->cfg->tcp_port, on_tcp_accept, h);
  if (r)
    return r;
  print_listen(h, port, false);
  if (h->cfg->websocket_support) {
    r = cwaku__tcp_listen(&h->ws, &port, h->loop, h->cfg->listen_address,
                          h->cfg->websocket_port, on_ws_accept, h);
    if (r)
      return r;
    print_listen(h, port, true);
  }
  fflush(stdout);
  if (h->relay) {
    r = subscribe_configured(h);
    if (r)
      return r;
    update_metadata_shards(h);
    uv_timer_init(h->loop, &h->heartbeat);
    h->heartbeat.data = h;
    h->timers_open++;
    uint64_t ms = 1000; /* gossipsub heartbeat_ns */
    uv_timer_start(&h->heartbeat, on_heartbeat, ms, ms);
  }
  uv_timer_init(h->loop, &h->keepalive);
  h->keepalive.data = h;
  h->timers_open++;
  uv_timer_start(&h->keepalive, on_keepalive, KEEPALIVE_MS, KEEPALIVE_MS);
  for (size_t i = 0; i < h->n_statics; i++)
    dial_static(&h->statics[i]);
  return 0;
}

static void timer_closed(uv_handle_t *t) {
  struct static_peer *sp = t->data;
  sp->host->timers_open--;
  maybe_stopped(sp->host);
}

static void keepalive_closed(uv_handle_t *t) {
  struct cwaku_host *h = t->data;
  h->timers_open--;
  maybe_stopped(h);
}

static void maybe_stopped(struct cwaku_host *h) {
  if (h->stopping && h->n_conns == 0 && h->timers_open == 0 && h->stopped) {
    void (*done)(void *) = h->stopped;
    h->stopped = NULL;
    done(h->stopped_arg);
  }
}

void cwaku_host_stop(struct cwaku_host *h, void (*done)(void *arg), void *arg) {
  h->stopping = true;
  h->stopped = done;
  h->stopped_arg = arg;
  cwaku__tcp_listener_close(h->tcp);
  cwaku__tcp_listener_close(h->ws);
  h->tcp = h->ws = NULL;
  for (size_t i = 0; i < h->n_statics; i++)
    uv_close((uv_handle_t *)&h->statics[i].timer, timer_closed);
  if (uv_is_active((uv_handle_t *)&h->keepalive) || h->keepalive.data == h)
    uv_close((uv_handle_t *)&h->keepalive, keepalive_closed);
  if (h->heartbeat.data == h)
    uv_close((uv_handle_t *)&h->heartbeat, keepalive_closed);
  for (struct host_conn *hc = h->conns; hc; hc = hc->next) {
    if (!hc->engine_closed)
      cwaku__conn_close(hc->conn, 0);
    after_engine_call(hc);
  }
  maybe_stopped(h);
}

void cwaku_host_free(struct cwaku_host *h) {
  if (!h)
    return;
  cwaku_relay_free(h->relay);
  cwaku__metadata_service_free(h->metadata);
  cwaku__identify_service_free(h->identify);
  cwaku_peer_store_free(h->peers);
  free(h->statics);
  free(h);
}
