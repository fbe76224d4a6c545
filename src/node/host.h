/* The libp2p host of a node: listeners (TCP, WebSocket), the connections
 * they and our dials make, each driven through the connection engine, the
 * basic protocols (identify, ping, test echo) and the static peers we keep
 * dialing. The libuv driver of src/p2p's sans-IO engines. */
#ifndef CWAKU_NODE_HOST_H
#define CWAKU_NODE_HOST_H

#include <uv.h>

#include "cwaku/config.h"
#include "cwaku/identity.h"
#include "cwaku/message.h"

struct cwaku_host;

int cwaku_host_new(struct cwaku_host **out, uv_loop_t *loop,
                   const struct cwaku_node_config *cfg,
                   const cwaku_identity_key *identity);
/* Listens and dials the static nodes; prints one "Listening on <multiaddr>"
 * line per listener on stdout. */
int cwaku_host_start(struct cwaku_host *h);
/* Closes every connection and listener; done runs once all are closed. */
void cwaku_host_stop(struct cwaku_host *h, void (*done)(void *arg), void *arg);
void cwaku_host_free(struct cwaku_host *h);

/* Relay (with --relay): each valid message on a subscribed topic. */
typedef void (*cwaku_host_message_fn)(void *arg, const char *pubsub_topic,
                                      const struct cwaku_message *m);
void cwaku_host_set_message_handler(struct cwaku_host *h,
                                    cwaku_host_message_fn fn, void *arg);
/* Validates and publishes; *peers: how many peers it went to. */
int cwaku_host_publish(struct cwaku_host *h, const char *pubsub_topic,
                       const struct cwaku_message *m, size_t *peers);
int cwaku_host_subscribe(struct cwaku_host *h, const char *pubsub_topic,
                         bool subscribe);
/* NULL without --relay. */
struct cwaku_relay *cwaku_host_relay(struct cwaku_host *h);
struct cwaku_peer_store *cwaku_host_peers(struct cwaku_host *h);
/* The "Listening on" addresses (with /p2p/), up to max; returns how many. */
size_t cwaku_host_listen_addresses(const struct cwaku_host *h, const char **out,
                                   size_t max);

#endif
