/* A libp2p connection as a sans-IO engine, from transport bytes to
 * protocol streams (libp2p/specs connections/README.md §upgrading):
 *
 *   multistream-select "/noise" -> Noise XX handshake -> multistream-select
 *   of a muxer (yamux or mplex) inside Noise -> streams, each opened with
 *   its own multistream-select before its protocol handler sees it.
 *
 * The driver feeds what the transport read (cwaku__conn_recv), sends what
 * the engine produced (cwaku__conn_output / _output_consumed), and is told
 * through callbacks when the connection is up and when it is over. Protocol
 * handlers (identify, ping, relay, ...) get their streams through the same
 * engine and write back through it. Time comes in as an argument. */
#ifndef CWAKU_P2P_CONNECTION_H
#define CWAKU_P2P_CONNECTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cwaku/env.h"
#include "cwaku/identity.h"
#include "cwaku/peer_id.h"
#include "muxer.h"

struct cwaku__conn;

/* What a protocol does with its streams. Every callback may call back into
 * the engine (write, close, reset, open other streams). */
struct cwaku__proto_handler {
  const char *protocol;
  /* The stream is negotiated and ready; inbound tells who opened it. */
  void (*on_open)(struct cwaku__conn *c, uint64_t stream, bool inbound,
                  void *ctx);
  /* Data for the stream; valid only during the call. */
  void (*on_data)(struct cwaku__conn *c, uint64_t stream, const uint8_t *data,
                  size_t len, void *ctx);
  /* The stream can take more data after a write accepted less. */
  void (*on_writable)(struct cwaku__conn *c, uint64_t stream, void *ctx);
  /* The remote closed its write side. */
  void (*on_fin)(struct cwaku__conn *c, uint64_t stream, void *ctx);
  /* The stream is gone (reset, closed both ways, refused, or the connection
   * ended); err 0 for an orderly end. No callback follows for it. */
  void (*on_close)(struct cwaku__conn *c, uint64_t stream, int err, void *ctx);
  void *ctx;
  /* Inbound streams of this protocol open at once; more are reset. */
  uint32_t max_inbound;
  /* false: received data counts as consumed when on_data returns. true:
   * the handler reports it with cwaku__conn_stream_consumed when done with
   * it, so the muxer's window holds the peer back meanwhile (an echo or a
   * relay that cannot pass bytes on at once). */
  bool manual_flow;
  /* With manual_flow: the most unconsumed bytes the handler can hold; the
   * stream's receive window grows no further (yamux never goes below its
   * initial 256 KiB). 0: the muxer's maximum. */
  uint32_t max_unconsumed;
};

struct cwaku__conn_config {
  bool initiator; /* we dialed */
  const cwaku_identity_key *identity;
  const struct cwaku_rng *rng;
  const cwaku_peer_id *expected_peer; /* the dialed /p2p/ id, or NULL */
  /* Protocols we serve on inbound streams. */
  const struct cwaku__proto_handler *const *handlers;
  size_t n_handlers;
  struct cwaku_muxer_config muxer;
  /* Muxers to offer, in preference order; NULL: yamux, then mplex. */
  const char *const *muxers;
  size_t n_muxers;
  /* true: list no muxers in the Noise handshake, so the muxer is always
   * chosen with multistream-select (as nwaku, which lists none); false: a
   * peer that lists its muxers too skips that round trip. */
  bool no_inlined_muxer;
  /* Called once the connection is secured and muxed. */
  void (*on_ready)(struct cwaku__conn *c, void *arg);
  /* Called once when the connection ends (err 0: orderly). The driver
   * closes the transport and frees the engine after it. */
  void (*on_closed)(struct cwaku__conn *c, int err, void *arg);
  /* A muxer ping we sent came back (optional). */
  void (*on_rtt)(struct cwaku__conn *c, uint64_t rtt_ns, void *arg);
  void *arg;
};

enum cwaku__conn_state {
  CWAKU__CONN_SECURING, /* multistream for /noise, then the handshake */
  CWAKU__CONN_MUXING,   /* multistream for the muxer */
  CWAKU__CONN_READY,
  CWAKU__CONN_CLOSED,
};

/* The config (and what it points to) must outlive the connection. */
int cwaku__conn_new(struct cwaku__conn **out,
                    const struct cwaku__conn_config *cfg);
void cwaku__conn_free(struct cwaku__conn *c);

/* Bytes the transport read. Errors close the connection (on_closed). */
int cwaku__conn_recv(struct cwaku__conn *c, const uint8_t *in, size_t len,
                     uint64_t now_ns);
/* Bytes to send on the transport. */
void cwaku__conn_output(struct cwaku__conn *c, const uint8_t **data,
                        size_t *len);
void cwaku__conn_output_consumed(struct cwaku__conn *c, size_t n);
/* Ends the connection (go-away, then on_closed with err). */
void cwaku__conn_close(struct cwaku__conn *c, int err);

enum cwaku__conn_state cwaku__conn_state(const struct cwaku__conn *c);
const cwaku_peer_id *cwaku__conn_remote_peer(const struct cwaku__conn *c);
const char *cwaku__conn_muxer(const struct cwaku__conn *c);
/* Whether the muxer was agreed in the Noise handshake (no multistream). */
bool cwaku__conn_muxer_inlined(const struct cwaku__conn *c);
/* The arg of the connection's config (the driver's handle on it). */
void *cwaku__conn_arg(const struct cwaku__conn *c);

/* Opens a stream for protocol; h->on_open runs once the remote agreed, or
 * h->on_close with CWAKU_EUNSUPPORTED when it did not. */
int cwaku__conn_open_stream(struct cwaku__conn *c, uint64_t *stream,
                            const struct cwaku__proto_handler *h);
/* Queues data; *accepted may be less than len when the muxer's window or
 * output cap is full. */
int cwaku__conn_stream_write(struct cwaku__conn *c, uint64_t stream,
                             const uint8_t *data, size_t len, size_t *accepted);
int cwaku__conn_stream_close(struct cwaku__conn *c, uint64_t stream);
/* For manual_flow handlers: n more received bytes are dealt with. */
int cwaku__conn_stream_consumed(struct cwaku__conn *c, uint64_t stream,
                                size_t n);
int cwaku__conn_stream_reset(struct cwaku__conn *c, uint64_t stream);
/* Keep-alive / RTT probe over the muxer (yamux); CWAKU_EUNSUPPORTED on
 * mplex. */
int cwaku__conn_ping(struct cwaku__conn *c, uint64_t now_ns);

#endif
