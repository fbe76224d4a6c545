/* The node's REST API (nwaku's paths and JSON shapes): an HTTP server on
 * libmicrohttpd, driven from the node's libuv loop without threads of its
 * own. The module knows no relay engine: it reaches the node through
 * struct cwaku_rest_backend.
 *
 *   POST/GET    /relay/v1/messages/{pubsubTopic}   (topic URL-encoded)
 *   POST/DELETE /relay/v1/subscriptions            (JSON array of topics)
 *   POST        /relay/v1/auto/messages            (autosharding)
 *   GET         /relay/v1/auto/messages/{contentTopic}
 *   POST/DELETE /relay/v1/auto/subscriptions       (array of content topics)
 *   GET         /debug/v1/info, /info               listenAddresses, enrUri
 *   GET         /debug/v1/version, /version         text/plain
 *   GET         /health
 *   GET         /admin/v1/peers
 *
 * The relay routes exist only when the backend has relay callbacks (nwaku
 * installs them only with relay mounted); without, they are 404. */
#ifndef CWAKU_NODE_REST_H
#define CWAKU_NODE_REST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "cwaku/env.h"
#include "cwaku/error.h"
#include "cwaku/message.h"

struct cwaku_peer;

/* nwaku's rest-relay-cache-capacity default. */
#define CWAKU_REST_CACHE_CAPACITY_DEFAULT 50
/* Largest request body taken when the message size does not need more. */
#define CWAKU_REST_BODY_MAX_DEFAULT (2u * 1024 * 1024)
/* All cached messages together, in bytes; the oldest go first. */
#define CWAKU_REST_CACHE_BYTES_DEFAULT (64u * 1024 * 1024)
/* Subscriptions held by the REST cache, of each kind (pubsub, content). */
#define CWAKU_REST_MAX_SUBSCRIPTIONS 64
/* Longest pubsub or content topic accepted, in bytes. */
#define CWAKU_REST_TOPIC_MAX 255

/* nwaku's Connectedness and PeerOrigin, as their JSON names say. */
enum cwaku_rest_connectedness {
  CWAKU_REST_NOT_CONNECTED,  /* "NotConnected" */
  CWAKU_REST_CANNOT_CONNECT, /* "CannotConnect" */
  CWAKU_REST_CAN_CONNECT,    /* "CanConnect" */
  CWAKU_REST_CONNECTED       /* "Connected" */
};
enum cwaku_rest_origin {
  CWAKU_REST_ORIGIN_UNKNOWN,       /* "UnknownOrigin" */
  CWAKU_REST_ORIGIN_DISCV5,        /* "Discv5" */
  CWAKU_REST_ORIGIN_STATIC,        /* "Static" */
  CWAKU_REST_ORIGIN_PEER_EXCHANGE, /* "PeerExchange" */
  CWAKU_REST_ORIGIN_DNS            /* "Dns" */
};

/* One element of GET /admin/v1/peers; views valid during the emit call. */
struct cwaku_rest_peer {
  const char *multiaddr; /* text, ending in /p2p/<id>; "" when unknown */
  const char *const *protocols;
  size_t n_protocols;
  const uint16_t *shards;
  size_t n_shards;
  enum cwaku_rest_connectedness connected;
  const char *agent; /* "" when unknown */
  enum cwaku_rest_origin origin;
};

/* GET /debug/v1/info; views valid until the callback's caller returns. */
struct cwaku_rest_info {
  const char *const *listen_addresses; /* text multiaddrs with /p2p/<id> */
  size_t n_listen_addresses;
  const char *enr_uri;     /* "enr:..."; NULL leaves enrUri out */
  uint16_t tcp_port;       /* 0 leaves ports.tcp out */
  uint16_t websocket_port; /* 0 leaves ports.webSocket out */
};

/* nwaku's HealthStatus and ConnectionStatus. */
enum cwaku_rest_health_status {
  CWAKU_REST_INITIALIZING,  /* "INITIALIZING" */
  CWAKU_REST_SYNCHRONIZING, /* "SYNCHRONIZING" */
  CWAKU_REST_READY,         /* "READY" */
  CWAKU_REST_NOT_READY,     /* "NOT_READY" */
  CWAKU_REST_NOT_MOUNTED,   /* "NOT_MOUNTED" */
  CWAKU_REST_SHUTTING_DOWN  /* "SHUTTING_DOWN" */
};
enum cwaku_rest_connection_status {
  CWAKU_REST_DISCONNECTED,        /* "Disconnected" */
  CWAKU_REST_PARTIALLY_CONNECTED, /* "PartiallyConnected" */
  CWAKU_REST_FULLY_CONNECTED      /* "Connected" */
};
#define CWAKU_REST_HEALTH_MAX_PROTOCOLS 16
struct cwaku_rest_health {
  enum cwaku_rest_health_status node;
  enum cwaku_rest_connection_status connection;
  size_t n_protocols;
  struct {
    const char *protocol; /* "Relay", "Rln Relay", ... */
    enum cwaku_rest_health_status health;
    const char *desc; /* why not ready; NULL leaves desc out */
  } protocols[CWAKU_REST_HEALTH_MAX_PROTOCOLS];
};

/* How the REST module reaches the node. Every callback runs on the loop,
 * during a request; any may be NULL where said. */
struct cwaku_rest_backend {
  void *arg;
  /* Publishes m (views valid during the call only) on pubsub_topic. 0 or
   * CWAKU_E*; on failure err gets a reason for the 400 body "Failed to
   * publish: <reason>" (500 for CWAKU_ENOMEM and CWAKU_EIO). A node not
   * subscribed to the topic answers CWAKU_ENOTFOUND, as nwaku does with
   * "Node not subscribed to topic: <topic>". NULL: no relay routes. */
  int (*relay_publish)(void *arg, const char *pubsub_topic,
                       const struct cwaku_message *m, char *err, size_t errcap);
  /* The REST cache wants pubsub_topic (a static-shard topic), or no longer
   * does. Calls are balanced: subscribe comes when the first REST
   * subscription (by pubsub topic, or by a content topic autosharded to it)
   * needs the topic, unsubscribe when the last of them is gone. 0 or
   * CWAKU_E* (the request gets 500). */
  int (*relay_subscribe)(void *arg, const char *pubsub_topic);
  int (*relay_unsubscribe)(void *arg, const char *pubsub_topic);
  /* Fills out for /debug/v1/info. NULL: an empty listenAddresses. */
  int (*info)(void *arg, struct cwaku_rest_info *out);
  /* Fills out for /health (out comes zeroed). NULL: READY, connection
   * status from the peers (connected ones: Connected, none: Disconnected),
   * no protocols. */
  void (*health)(void *arg, struct cwaku_rest_health *out);
  /* Calls emit(ctx, peer) once per peer for /admin/v1/peers. NULL: []. */
  void (*list_peers)(void *arg,
                     void (*emit)(void *ctx, const struct cwaku_rest_peer *p),
                     void *ctx);
  /* cwaku's own GET /cwaku/v1/relay: the router's state as JSON text
   * (malloc'd; the caller frees it), for tests and operators. NULL: 404. */
  char *(*relay_stats)(void *arg);
};

struct cwaku_rest_options {
  uint16_t cluster_id;     /* for the autosharded pubsub topics */
  uint32_t num_shards;     /* shards in the network; 0: autosharding off */
  size_t cache_capacity;   /* newest messages kept per subscribed topic */
  size_t cache_bytes;      /* all cached messages together */
  size_t max_message_size; /* encoded WakuMessage, as relay's limit */
  /* Request bodies above this get 413; raised to fit a message of
   * max_message_size in base64 with room for the JSON around it. */
  size_t max_body;
  const struct cwaku_clock *clock; /* fills absent timestamps; NULL: system */
};

/* nwaku's defaults: cluster 0, 8 shards, cache 50, 150 KiB messages. */
void cwaku_rest_options_init(struct cwaku_rest_options *opts);

struct cwaku_rest;

/* Listens on address (IPv4 or IPv6 literal) and port (0: any free port)
 * and serves from loop. backend and opts are copied. */
CWAKU_MUST_CHECK int cwaku_rest_new(struct cwaku_rest **out, uv_loop_t *loop,
                                    const char *address, uint16_t port,
                                    const struct cwaku_rest_backend *backend,
                                    const struct cwaku_rest_options *opts);
/* The port listened on (the one picked when 0 was asked). */
uint16_t cwaku_rest_port(const struct cwaku_rest *r);

/* Every relay message delivered to the application: kept (a copy) for each
 * subscription it matches, by pubsub topic or by content topic, up to the
 * newest cache_capacity per subscription; GET returns and clears them. */
void cwaku_rest_on_message(struct cwaku_rest *r, const char *pubsub_topic,
                           const struct cwaku_message *m);

/* Stops serving (open requests are dropped) and closes the loop handles;
 * the memory goes once the loop has run their close callbacks. Not from
 * within a backend callback. NULL is a no-op. */
void cwaku_rest_free(struct cwaku_rest *r);
/* Caches the messages of pubsub_topic as if a REST client had subscribed
 * to it (nwaku does this for the topics of its configuration). */
int cwaku_rest_cache_topic(struct cwaku_rest *r, const char *pubsub_topic);

/* A peer-store entry as a /admin/v1/peers row: its first address with
 * /p2p/<id>, protocols, agent, connected or not, origin from its source
 * (static: Static, the others: UnknownOrigin, as nwaku files inbound
 * peers). Calls emit once, or not at all when the id does not print. */
void cwaku_rest_emit_store_peer(const struct cwaku_peer *p,
                                void (*emit)(void *ctx,
                                             const struct cwaku_rest_peer *row),
                                void *ctx);

/* ---- internal, for the fuzzer and the tests ---------------------------- */

/* nwaku's RelayWakuMessage from JSON text: an object with payload (base64,
 * required, not blank), contentTopic (required, not blank), version
 * (0..2^32-1), timestamp (int64 ns; absent or 0: now_ns), meta (base64, at
 * most 64 bytes), ephemeral (bool), proof (base64); other keys ignored,
 * repeated keys rejected. *out is one allocation: free() it. 0 or
 * CWAKU_EMALFORMED (bad JSON or field), CWAKU_EENCODING (bad base64),
 * CWAKU_ETOOBIG (meta too long), CWAKU_ENOMEM; err gets nwaku's reason. */
CWAKU_MUST_CHECK int cwaku__rest_message_from_json(struct cwaku_message **out,
                                                   char *err, size_t errcap,
                                                   const char *text, size_t len,
                                                   int64_t now_ns);
/* The JSON text of m as GET returns it (payload, contentTopic, version,
 * timestamp, meta when not empty, ephemeral, proof); free() it. NULL when
 * memory ran out. */
char *cwaku__rest_message_to_json(const struct cwaku_message *m);

#endif
