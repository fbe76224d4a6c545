/* WebSocket transport (RFC 6455, frames by libwslay): wraps a TCP pipe and
 * is a pipe again, carrying the bytes as binary messages. */
#ifndef CWAKU_NET_WEBSOCKET_H
#define CWAKU_NET_WEBSOCKET_H

#include "pipe.h"

/* The largest message we accept from a peer; libp2p over WebSocket sends
 * one message per write, far smaller than this. */
#define CWAKU_WS_MAX_MESSAGE (1024 * 1024)

/* Called once: the WebSocket pipe after a completed handshake (set its
 * callbacks in the call), or NULL with an error (the TCP pipe is closed). */
typedef void (*cwaku__ws_ready_fn)(struct cwaku__pipe *ws, int err, void *arg);

/* Server side of a freshly accepted TCP pipe. */
int cwaku__ws_accept_pipe(struct cwaku__pipe *tcp, cwaku__ws_ready_fn ready,
                          void *arg);
/* Client side of a freshly dialed TCP pipe; host goes in the Host header. */
int cwaku__ws_connect_pipe(struct cwaku__pipe *tcp, const char *host,
                           cwaku__ws_ready_fn ready, void *arg);

#endif
