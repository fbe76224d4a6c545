/* A byte pipe: one transport connection as the rest of the node sees it.
 * TCP provides one directly; WebSocket wraps a TCP pipe and is one again.
 * The owner sets the callbacks, writes bytes, and closes it; the pipe
 * reports data, its closing, and when its send queue has drained. */
#ifndef CWAKU_NET_PIPE_H
#define CWAKU_NET_PIPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cwaku__pipe;

struct cwaku__pipe_callbacks {
  /* Bytes arrived; valid only during the call. */
  void (*on_data)(struct cwaku__pipe *p, const uint8_t *data, size_t len,
                  void *arg);
  /* The pipe is closed (err 0: orderly end of stream) and is freed right
   * after this call. */
  void (*on_close)(struct cwaku__pipe *p, int err, void *arg);
  /* The send queue is empty again after a write left bytes in it. A
   * driver writes while queued() is 0 and waits for this otherwise, so
   * unsent bytes stay with the protocol engine, whose flow control pushes
   * back on the streams. */
  void (*on_drain)(struct cwaku__pipe *p, void *arg);
  void *arg;
};

struct cwaku__pipe_ops {
  /* Queues bytes (copied); CWAKU_ETOOBIG when the queue is over its cap. */
  int (*write)(struct cwaku__pipe *p, const uint8_t *data, size_t len);
  /* Bytes queued and not yet handed to the kernel. */
  size_t (*queued)(const struct cwaku__pipe *p);
  /* Flushes what is queued, then closes; on_close follows. */
  void (*close)(struct cwaku__pipe *p, int err);
  /* Stops and restarts reading (backpressure towards the peer). */
  void (*pause)(struct cwaku__pipe *p, bool paused);
};

struct cwaku__pipe {
  const struct cwaku__pipe_ops *ops;
  struct cwaku__pipe_callbacks cb;
  /* Addresses as binary multiaddrs (/ip4|ip6/../tcp/..[/ws]). */
  uint8_t local_addr[64];
  size_t local_addr_len;
  uint8_t remote_addr[64];
  size_t remote_addr_len;
  bool outbound;
};

#endif
