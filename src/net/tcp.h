/* TCP transport on libuv: listening and dialing, each connection a pipe. */
#ifndef CWAKU_NET_TCP_H
#define CWAKU_NET_TCP_H

#include <uv.h>

#include "cwaku/error.h"
#include "pipe.h"

/* Queue cap per connection. Bytes are queued only when the kernel's send
 * buffer is full; on_drain fires once the queue is empty again. */
#define CWAKU_TCP_MAX_QUEUED (4u * 1024 * 1024)

struct cwaku__tcp_listener;

/* A new inbound connection: set p->cb before returning (reading starts
 * after the call). */
typedef void (*cwaku__tcp_accept_fn)(struct cwaku__pipe *p, void *arg);
/* A dial finished: p is the connection, or NULL with err < 0. */
typedef void (*cwaku__tcp_dial_fn)(struct cwaku__pipe *p, int err, void *arg);

/* Listens on ip:port (port 0: any free one); *bound_port gets the port. */
int cwaku__tcp_listen(struct cwaku__tcp_listener **out, uint16_t *bound_port,
                      uv_loop_t *loop, const char *ip, uint16_t port,
                      cwaku__tcp_accept_fn on_accept, void *arg);
void cwaku__tcp_listener_close(struct cwaku__tcp_listener *l);

/* Connects to addr within timeout_ms; the callback always runs once. */
int cwaku__tcp_dial(uv_loop_t *loop, const struct sockaddr *addr,
                    uint64_t timeout_ms, cwaku__tcp_dial_fn on_done, void *arg);

/* Binary multiaddr /ip4|ip6/<addr>/tcp/<port> of a socket address; returns
 * its length, or 0 when the family is neither. */
size_t cwaku__tcp_multiaddr(uint8_t out[64], const struct sockaddr *sa);

#endif
