/* The REST API of a node: the backend that maps nwaku's routes onto the
 * host (relay publish and subscriptions, listen addresses, peers) and
 * feeds every relay message to the REST cache. */
#ifndef CWAKU_NODE_NODE_REST_H
#define CWAKU_NODE_NODE_REST_H

#include <uv.h>

#include "cwaku/config.h"
#include "host.h"
#include "rest.h"

struct cwaku_node_rest;

/* Starts the server on cfg->rest_address:rest_port (after the host
 * started) and prints "REST on http://<address>:<port>". */
int cwaku_node_rest_start(struct cwaku_node_rest **out, uv_loop_t *loop,
                          struct cwaku_host *h,
                          const struct cwaku_node_config *cfg);
/* Closes the server; its memory goes once the loop ran its close
 * callbacks. */
void cwaku_node_rest_stop(struct cwaku_node_rest *nr);

#endif
