/* yamux (/yamux/1.0.0) as a sans-IO stream muxer behind muxer.h.
 *
 * Spec: libp2p/specs yamux/README.md (r0, a copy of hashicorp/yamux spec.md
 * plus "Implementation considerations: ACK backlog"). Interop choices follow
 * js-libp2p's @chainsafe/libp2p-yamux:
 *  - a new stream is opened at once with WindowUpdate|SYN (length: the
 *    window growth over 256 KiB we grant, usually 0);
 *  - an inbound stream is acknowledged lazily, on the first frame the
 *    application causes on it (write, close_write, or the first
 *    stream_consumed), as the spec asks ("SHOULD NOT implicitly
 *    acknowledge streams");
 *  - resets and half-closes travel on WindowUpdate frames of length 0;
 *  - frames for streams that are already gone are dropped, frames for ids
 *    that were never opened are a protocol error.
 *
 * Events, in order per stream: STREAM_OPENED (inbound only), DATA...,
 * STREAM_FIN, then exactly one terminal event, STREAM_CLOSED (both sides
 * half-closed) or STREAM_RESET (either side reset; also after our own
 * cwaku__muxer_ops.reset). After the terminal event the id is gone.
 * WRITABLE follows a write that accepted less than offered, once the send
 * window or the output buffer has room again.
 *
 * Memory: received data is held per stream until the DATA event hands it
 * out; the peer cannot send more than the window, which is re-opened only
 * for bytes reported with stream_consumed. Output is capped at
 * cfg.max_output for data plus CWAKU_YAMUX_CONTROL_RESERVE for control
 * frames (window updates, pings, resets); a peer that makes us exceed even
 * that (for example by pinging without reading) loses the connection. */
#ifndef CWAKU_P2P_YAMUX_H
#define CWAKU_P2P_YAMUX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "p2p/muxer.h"

#define CWAKU_YAMUX_PROTOCOL_ID "/yamux/1.0.0"
#define CWAKU_YAMUX_HEADER_BYTES 12
/* yamux §Flow Control: "each stream with a 256KB window size". */
#define CWAKU_YAMUX_INITIAL_WINDOW (256u * 1024u)
/* yamux §ACK backlog: "SHOULD at most allow an ACK backlog of 256 streams"
 * (our unacknowledged outbound streams; open_stream refuses beyond it). */
#define CWAKU_YAMUX_ACK_BACKLOG 256u
/* Largest Data payload we send in one frame (js-libp2p: 64 KiB frames). */
#define CWAKU_YAMUX_MAX_FRAME_PAYLOAD (64u * 1024u - CWAKU_YAMUX_HEADER_BYTES)
/* Output room kept for control frames beyond cfg.max_output. */
#define CWAKU_YAMUX_CONTROL_RESERVE (64u * 1024u)
/* Our pings awaiting their answer. */
#define CWAKU_YAMUX_MAX_PINGS 16u

/* yamux §Session termination: the GoAway codes. */
enum cwaku_yamux_goaway {
  CWAKU_YAMUX_GOAWAY_NORMAL = 0,
  CWAKU_YAMUX_GOAWAY_PROTOCOL_ERROR = 1,
  CWAKU_YAMUX_GOAWAY_INTERNAL_ERROR = 2,
};

/* A yamux session; is_client picks odd stream ids (the dialer) or even.
 * cfg NULL means cwaku__muxer_config_default. NULL when out of memory or
 * when cfg is unusable (window below 256 KiB, max_output below one frame
 * header plus one byte). Free with m->ops->free(m). */
struct cwaku__muxer *cwaku__yamux_new(bool is_client,
                                      const struct cwaku_muxer_config *cfg);

/* Received bytes the engine holds: not yet handed out, plus the data of
 * the last DATA event. Bounded by the open streams' receive windows. */
size_t cwaku__yamux_buffered(const struct cwaku__muxer *m);

/* Streams the engine tracks (open, or awaiting their terminal event). */
size_t cwaku__yamux_stream_count(const struct cwaku__muxer *m);

#endif
