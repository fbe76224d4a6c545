/* The stream-muxer interface shared by yamux and mplex.
 *
 * A muxer is a sans-IO engine over one secured connection: through its ops
 * the driver feeds it the bytes read from the connection (recv), sends the
 * bytes it produces (output / output_consumed), and takes its events one at
 * a time (next_event). Time comes in as an argument; the engine never reads
 * a clock, a socket or a random source.
 *
 * Events: STREAM_OPENED only for streams the remote opened; exactly one of
 * STREAM_CLOSED or STREAM_RESET ends every stream (RESET also after our own
 * reset); WRITABLE follows a write that accepted less than offered. Data
 * events point into the engine's buffers and stay valid until the next call
 * into the engine; so does the pointer from output. Received data counts
 * against the stream's receive window until the application reports it
 * consumed (stream_consumed); that is what bounds memory per stream. */
#ifndef CWAKU_P2P_MUXER_H
#define CWAKU_P2P_MUXER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cwaku/error.h"

enum cwaku_muxer_event_type {
  CWAKU_MUXER_EV_NONE,
  CWAKU_MUXER_EV_STREAM_OPENED, /* the remote opened stream_id */
  CWAKU_MUXER_EV_DATA,          /* data/len received on stream_id */
  CWAKU_MUXER_EV_STREAM_FIN,    /* the remote closed its write side */
  CWAKU_MUXER_EV_STREAM_RESET,  /* the stream was reset (either side) */
  CWAKU_MUXER_EV_STREAM_CLOSED, /* both sides closed; the id is free */
  CWAKU_MUXER_EV_WRITABLE,      /* send window opened again on stream_id */
  CWAKU_MUXER_EV_PING,          /* a ping we sent came back: rtt_ns */
  CWAKU_MUXER_EV_GOAWAY,        /* the remote will accept no new streams */
  CWAKU_MUXER_EV_ERROR,         /* protocol violation: close the connection */
};

struct cwaku_muxer_event {
  enum cwaku_muxer_event_type type;
  uint64_t stream_id;
  const uint8_t *data;
  size_t len;
  uint64_t rtt_ns;
  int error; /* CWAKU_E* for EV_ERROR; the remote's code for GOAWAY */
};

struct cwaku_muxer_config {
  /* yamux: the largest receive window a stream grows to (at least 256 KiB,
   * the initial one); it grows only while the reader keeps up. */
  uint32_t max_stream_window;
  /* mplex, which has no flow control: bytes a stream may hold unread
   * before it is reset. */
  uint32_t max_stream_buffer;
  /* Streams the remote may have open at once; more are reset. */
  uint32_t max_inbound_streams;
  /* Remote-opened streams not yet acknowledged by us (yamux backlog). */
  uint32_t max_unacked_inbound;
  /* Bytes of output the engine may hold before writes are refused. */
  size_t max_output;
  /* true: a DATA event may point into the input of the recv call that
   * brought it rather than at a copy (yamux); the caller then keeps that
   * input unchanged until it has taken every event or calls recv again. */
  bool lend_input;
};

struct cwaku__muxer; /* opaque; created by the yamux or mplex constructor */

struct cwaku__muxer_ops {
  const char *protocol_id; /* "/yamux/1.0.0" or "/mplex/6.7.0" */
  void (*free)(struct cwaku__muxer *m);
  /* Feeds received bytes; consumes all of them or fails (the connection
   * must then be closed). */
  int (*recv)(struct cwaku__muxer *m, const uint8_t *in, size_t inlen,
              uint64_t now_ns);
  /* Takes the next event; EV_NONE when there is none. */
  void (*next_event)(struct cwaku__muxer *m, struct cwaku_muxer_event *ev);
  int (*open_stream)(struct cwaku__muxer *m, uint64_t *stream_id);
  /* Queues up to len bytes for the stream; *accepted says how many the
   * send window and output cap allowed (EV_WRITABLE announces more room). */
  int (*write)(struct cwaku__muxer *m, uint64_t stream_id, const uint8_t *data,
               size_t len, size_t *accepted);
  /* Half-close: no more writes from us. */
  int (*close_write)(struct cwaku__muxer *m, uint64_t stream_id);
  int (*reset)(struct cwaku__muxer *m, uint64_t stream_id);
  /* The application has processed n bytes of the stream's received data. */
  int (*stream_consumed)(struct cwaku__muxer *m, uint64_t stream_id, size_t n);
  /* The most received, unconsumed bytes the stream's reader can hold: its
   * window grows no further (yamux; never below the initial window; mplex
   * has no window and ignores it). */
  void (*stream_max_window)(struct cwaku__muxer *m, uint64_t stream_id,
                            uint32_t max);
  /* Keep-alive / RTT probe (yamux ping; mplex has none: CWAKU_EUNSUPPORTED). */
  int (*ping)(struct cwaku__muxer *m, uint64_t now_ns);
  /* Announces that no new streams will be accepted, then closes. */
  int (*go_away)(struct cwaku__muxer *m);
  /* Bytes waiting to be sent on the connection. */
  void (*output)(struct cwaku__muxer *m, const uint8_t **data, size_t *len);
  void (*output_consumed)(struct cwaku__muxer *m, size_t n);
};

/* Every muxer begins with this header, so the driver calls through ops. */
struct cwaku__muxer {
  const struct cwaku__muxer_ops *ops;
};

/* Sensible defaults: yamux windows from 256 KiB up to 16 MiB (as
 * js-libp2p-yamux), mplex buffers of 256 KiB, 1024 inbound streams, backlog
 * 1024 (js-libp2p's yamux opens streams without waiting for ACKs, so a smaller
 * backlog would reset streams a slow reader has not acknowledged yet),
 * 4 MiB of output. */
void cwaku__muxer_config_default(struct cwaku_muxer_config *cfg);

#endif
