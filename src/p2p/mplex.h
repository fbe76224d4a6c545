/* mplex (/mplex/6.7.0) as a sans-IO stream muxer behind muxer.h.
 *
 * Wire (libp2p/specs mplex §Message format): every message is
 * uvarint(stream id << 3 | flag) || uvarint(length) || data, with flags
 * NewStream 0, MessageReceiver 1, MessageInitiator 2, CloseReceiver 3,
 * CloseInitiator 4, ResetReceiver 5, ResetInitiator 6. "Initiator" and
 * "Receiver" name the role of the sender on that stream: the stream's opener
 * sends the even flags, the other side the odd ones, so the same number may
 * name one stream opened by us and another opened by the peer.
 *
 * Stream ids seen by the application (events and API) carry the opener:
 *   ours   = wire id * 2       (even)
 *   theirs = wire id * 2 + 1   (odd)
 * Our wire ids follow the spec: the session initiator allocates odd ids
 * (1, 3, 5, ...), the session receiver even ones (0, 2, 4, ...). Peers such
 * as js-libp2p and go-mplex count 0, 1, 2, ... on both sides; every id the
 * peer picks is accepted.
 *
 * mplex has no flow control, so memory is bounded locally:
 *  - an incoming message may carry at most CWAKU__MPLEX_MAX_MESSAGE bytes
 *    (1 MiB, as go-multiplex and js-libp2p); a larger one is a connection
 *    error (EV_ERROR, CWAKU_ETOOBIG);
 *  - received data not yet reported consumed is capped per stream at
 *    cfg->max_stream_buffer; received bytes that would go past it reset
 *    the stream (we send a Reset, the application gets EV_STREAM_RESET with
 *    error CWAKU_ETOOBIG), as js-libp2p does with maxStreamBufferSize. The
 *    check is made as bytes arrive, so a 1 MiB message passes a 256 KiB
 *    window when the driver feeds smaller reads and the application reports
 *    data consumed between them;
 *  - at most cfg->max_inbound_streams peer-opened streams exist at once
 *    (a stream counts until its last event has been taken); a NewStream past
 *    it is answered with a ResetReceiver and nothing is kept, as js-libp2p;
 *  - output is capped: writes are accepted up to cfg->max_output bytes of
 *    pending output; control messages (open, close, reset) may use
 *    CWAKU__MPLEX_CONTROL_RESERVE bytes beyond that. When replies the peer
 *    provokes (refusals, resets) no longer fit, the peer is not reading and
 *    the connection fails with CWAKU_ETOOBIG.
 * Writes are split into messages of at most CWAKU__MPLEX_MAX_MESSAGE bytes.
 *
 * Events. Each stream ends with exactly one terminal event: EV_STREAM_CLOSED
 * (both sides closed) or EV_STREAM_RESET (either side reset, or the window
 * overran); after it the id is free. A local reset also produces
 * EV_STREAM_RESET (error 0). EV_DATA points into a buffer the engine keeps
 * until the next next_event call (or free). Data still queued when a stream
 * is reset is dropped (spec §Resetting a stream). Messages for streams that
 * do not exist (never opened, already closed or reset) are ignored, as
 * js-libp2p does. No EV_PING and no EV_GOAWAY: mplex has neither.
 *
 * API notes: ping returns CWAKU_EUNSUPPORTED; go_away half-closes every
 * stream and refuses new ones from both sides; write on a stream we closed
 * returns CWAKU_EINVAL, on an unknown or reset stream CWAKU_ENOTFOUND;
 * stream_consumed on a stream that has ended returns 0 (its last data may
 * be reported after its terminal event was queued);
 * cfg->max_unacked_inbound is not used (mplex has no acknowledgement). */
#ifndef CWAKU_P2P_MPLEX_H
#define CWAKU_P2P_MPLEX_H

#include <stdbool.h>

#include "muxer.h"

#define CWAKU__MPLEX_PROTOCOL_ID "/mplex/6.7.0"
/* Largest message data we accept and send (go-multiplex, js-libp2p). */
#define CWAKU__MPLEX_MAX_MESSAGE (1u << 20)
/* Output bytes beyond cfg->max_output kept for control messages. */
#define CWAKU__MPLEX_CONTROL_RESERVE (64u * 1024)
/* Streams we may have open at once (js-libp2p maxOutboundStreams: 1024). */
#define CWAKU__MPLEX_MAX_OUTBOUND 4096

enum cwaku__mplex_flag {
  CWAKU__MPLEX_NEW_STREAM = 0,
  CWAKU__MPLEX_MESSAGE_RECEIVER = 1,
  CWAKU__MPLEX_MESSAGE_INITIATOR = 2,
  CWAKU__MPLEX_CLOSE_RECEIVER = 3,
  CWAKU__MPLEX_CLOSE_INITIATOR = 4,
  CWAKU__MPLEX_RESET_RECEIVER = 5,
  CWAKU__MPLEX_RESET_INITIATOR = 6,
};

/* is_initiator_side: we dialed the connection (we allocate odd wire ids).
 * cfg NULL means cwaku__muxer_config_default. Returns NULL when out of
 * memory or when cfg has max_stream_buffer 0 or max_output below 64. */
struct cwaku__muxer *cwaku__mplex_new(bool is_initiator_side,
                                      const struct cwaku_muxer_config *cfg);

#endif
