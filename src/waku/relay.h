/* 11/WAKU2-RELAY: gossipsub under /vac/waku/relay/2.0.0 with Waku's
 * validation, as a protocol service on the connection engine.
 *
 * Like libp2p pubsub, each side sends on a stream it opened itself and
 * reads the RPCs the remote sends on the stream the remote opened; both
 * carry uvarint-length-prefixed RPCs. The service opens its stream when a
 * connection becomes ready (a peer without relay answers "na" and is left
 * alone), feeds complete RPCs to the gossipsub router, and writes the
 * router's output to the streams as their windows allow.
 *
 * Validation before anything is delivered or forwarded (nwaku's order):
 * the data must decode as a WakuMessage no larger than max_message_size,
 * with a content topic; when a timestamp window is set, the timestamp must
 * lie within it; then each validator added with cwaku_relay_add_validator
 * (RLN plugs in there), the first verdict other than ACCEPT wins. Sans-IO:
 * the driver passes the time in, and calls cwaku_relay_heartbeat every
 * heartbeat interval. */
#ifndef CWAKU_WAKU_RELAY_H
#define CWAKU_WAKU_RELAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cwaku/env.h"
#include "cwaku/message.h"
#include "gossipsub.h"
#include "p2p/connection.h"

#define CWAKU_RELAY_PROTOCOL "/vac/waku/relay/2.0.0"

struct cwaku_relay;

typedef enum cwaku_gossipsub_validation (*cwaku_relay_validator_fn)(
    void *arg, const char *pubsub_topic, const struct cwaku_message *m);

struct cwaku_relay_config {
  struct cwaku_gossipsub_params gossipsub;
  /* Largest encoded WakuMessage (nwaku --max-msg-size, 150 KiB). */
  size_t max_message_size;
  /* When non-zero: |timestamp - now| must not exceed it (64/WAKU2-NETWORK
   * asks relays for 20 s; nwaku leaves it to RLN). */
  uint64_t timestamp_window_ns;
  /* Unix time for the timestamp check. */
  const struct cwaku_clock *clock;
  const struct cwaku_rng *rng;
  /* A valid message on a topic we subscribe to, once per message. */
  void (*on_message)(void *arg, const char *pubsub_topic,
                     const struct cwaku_message *m);
  /* Close this connection: the peer's score fell below the graylist
   * threshold. */
  void (*on_bad_peer)(void *arg, struct cwaku__conn *c);
  void *arg;
};

/* nwaku's gossipsub parameters, 150 KiB messages, no timestamp window. */
void cwaku_relay_config_default(struct cwaku_relay_config *cfg);

int cwaku_relay_new(struct cwaku_relay **out,
                    const struct cwaku_relay_config *cfg);
void cwaku_relay_free(struct cwaku_relay *r);

/* The handler to register with the connection engines. */
const struct cwaku__proto_handler *cwaku_relay_handler(struct cwaku_relay *r);

/* A connection became ready: open our stream to the peer. ip: the remote
 * address (4 or 16 bytes) or NULL. */
void cwaku_relay_conn_ready(struct cwaku_relay *r, struct cwaku__conn *c,
                            bool outbound, const uint8_t *ip, size_t ip_len,
                            uint64_t now_ns);
/* The connection is over (before the engine is freed). */
void cwaku_relay_conn_closed(struct cwaku_relay *r, struct cwaku__conn *c,
                             uint64_t now_ns);
/* The peer is known to speak gossipsub v1.2 (e.g. its agent is cwaku's):
 * IDONTWANT may be sent to it. */
void cwaku_relay_peer_idontwant(struct cwaku_relay *r, struct cwaku__conn *c);

/* Adds a validator after the built-in ones (at most 8). */
int cwaku_relay_add_validator(struct cwaku_relay *r,
                              cwaku_relay_validator_fn fn, void *arg);

int cwaku_relay_subscribe(struct cwaku_relay *r, const char *pubsub_topic,
                          uint64_t now_ns);
int cwaku_relay_unsubscribe(struct cwaku_relay *r, const char *pubsub_topic,
                            uint64_t now_ns);
bool cwaku_relay_subscribed(const struct cwaku_relay *r,
                            const char *pubsub_topic);
/* The topics we subscribe to, up to max; returns how many there are. */
size_t cwaku_relay_topics(const struct cwaku_relay *r, const char **out,
                          size_t max);

/* Validates m as a received message would be (size, content topic,
 * timestamp window, validators) and publishes it. *peers: how many peers
 * it went to. Errors: CWAKU_ETOOBIG, CWAKU_ETOPIC (no content topic),
 * CWAKU_ESTALE (timestamp), CWAKU_EINVAL (a validator refused it, or the
 * same message was published before). */
int cwaku_relay_publish(struct cwaku_relay *r, const char *pubsub_topic,
                        const struct cwaku_message *m, size_t *peers,
                        uint64_t now_ns);

void cwaku_relay_heartbeat(struct cwaku_relay *r, uint64_t now_ns);

/* The router, for introspection (mesh sizes, scores, counters). */
struct cwaku__gossipsub *cwaku_relay_router(struct cwaku_relay *r);

#endif
