/* The libp2p host of a node: listeners (TCP, WebSocket), the connections
 * they and our dials make, each driven through the connection engine, the
 * basic protocols (identify, ping, test echo) and the static peers we keep
 * dialing. The libuv driver of src/p2p's sans-IO engines. */
#ifndef CWAKU_NODE_HOST_H
#define CWAKU_NODE_HOST_H

#include <uv.h>

#include "cwaku/config.h"
#include "cwaku/identity.h"

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

#endif
