/* multistream-select 1.0 as a sans-IO engine.
 *
 * One engine negotiates one protocol on one channel (a raw connection before
 * the security upgrade, a secured connection before the muxer, or a muxed
 * stream). The driver feeds it the bytes read from the channel
 * (cwaku__mss_recv) and sends whatever it appends to the output buffer. The
 * engine never touches a socket, a clock or a random source; timeouts are
 * the driver's.
 *
 * Wire (libp2p connections §multistream-select): every message is
 * uvarint(length including the '\n') || UTF-8 text || '\n'. Both sides send
 * the header "/multistream/1.0.0"; the initiator proposes protocols one at a
 * time in its order of preference; the responder echoes a supported one or
 * answers "na". A responder also answers "ls" with its protocol list, in the
 * format go-multistream and js-libp2p use: one message whose text is the
 * concatenation of uvarint(len+1) || protocol || '\n' for each protocol.
 *
 * Limits, as go-multistream, js-libp2p and nim-libp2p enforce them: an
 * incoming message is at most CWAKU__MSS_MAX_MESSAGE bytes (the length
 * prefix value, newline included), so the length prefix is at most 2 bytes;
 * a responder answers at most CWAKU__MSS_MAX_PROPOSALS messages after the
 * header before giving up.
 *
 * Negotiation ends on the message that selects a protocol: recv stops
 * consuming right after it, and the bytes after it (the selected protocol's
 * first data, which peers may send in the same packet) are left for the
 * caller. The engine allocates nothing; the caller owns the struct and the
 * protocol list, which must outlive the negotiation. */
#ifndef CWAKU_P2P_MULTISTREAM_H
#define CWAKU_P2P_MULTISTREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/cursor.h"
#include "cwaku/error.h"

#define CWAKU__MSS_PROTOCOL_ID "/multistream/1.0.0"
/* Largest incoming message: the length prefix value, '\n' included
 * (go-multistream, js-libp2p MAX_PROTOCOL_LENGTH, nim-libp2p MsgSize). */
#define CWAKU__MSS_MAX_MESSAGE 1024
/* Messages after the header (proposals and "ls") a responder answers before
 * it gives up with CWAKU_ETOOBIG. */
#define CWAKU__MSS_MAX_PROPOSALS 32

enum cwaku__mss_state {
  CWAKU__MSS_NEGOTIATING,
  CWAKU__MSS_SELECTED,
  CWAKU__MSS_FAILED,
};

enum cwaku__mss_role {
  CWAKU__MSS_INITIATOR,
  CWAKU__MSS_RESPONDER,
};

/* Caller-owned; the fields are private to multistream.c. */
struct cwaku__mss {
  const char *const *protocols;
  size_t nprotocols;
  enum cwaku__mss_role role;
  enum cwaku__mss_state state;
  int err;      /* 0, or the CWAKU_E* reason once FAILED */
  int selected; /* index into protocols once SELECTED, else -1 */
  bool started;
  bool got_header;    /* the peer's header has arrived */
  uint32_t proposing; /* initiator: index of the outstanding proposal */
  uint32_t answered;  /* responder: messages answered after the header */
  /* Reassembly of one incoming message. */
  uint8_t len_bytes[2];
  uint8_t len_have;
  uint16_t msg_len; /* 0 while the length prefix is being read */
  uint16_t msg_have;
  uint8_t msg[CWAKU__MSS_MAX_MESSAGE];
};

/* protocols: n protocol ids in order of preference (initiator) or the ids we
 * serve (responder). Each must be 1..CWAKU__MSS_MAX_MESSAGE-1 bytes without
 * '\n' and must not be "na", "ls" or the multistream id; otherwise, or when
 * the initiator has none, cwaku__mss_start fails with CWAKU_EINVAL. */
void cwaku__mss_init_initiator(struct cwaku__mss *m,
                               const char *const *protocols, size_t n);
void cwaku__mss_init_responder(struct cwaku__mss *m,
                               const char *const *protocols, size_t n);

/* Appends our header to out; the initiator's first proposal goes in the same
 * write. Once only. Returns 0, CWAKU_EINVAL (bad protocol list, second call)
 * or the error of out (CWAKU_ETOOBIG, CWAKU_ENOMEM), which fails the
 * negotiation. */
CWAKU_MUST_CHECK int cwaku__mss_start(struct cwaku__mss *m,
                                      struct cwaku__wbuf *out);

/* Feeds received bytes; appends any replies to out. *consumed is how many
 * bytes of in were used: all of them while negotiating, up to the end of the
 * selecting message once a protocol is selected. A partial message is kept
 * inside the engine. Returns 0 (check cwaku__mss_state) or the failure
 * reason: CWAKU_EUNSUPPORTED (no common protocol), CWAKU_EMALFORMED
 * (protocol violation), CWAKU_EVARINT (non-minimal length), CWAKU_ETOOBIG
 * (over-long message, too many proposals, out full) or CWAKU_ENOMEM. After
 * the negotiation ended it consumes nothing and returns the same result
 * again; before cwaku__mss_start it returns CWAKU_EINVAL. */
CWAKU_MUST_CHECK int cwaku__mss_recv(struct cwaku__mss *m,
                                     struct cwaku__wbuf *out, const uint8_t *in,
                                     size_t inlen, size_t *consumed);

static inline enum cwaku__mss_state
cwaku__mss_state(const struct cwaku__mss *m) {
  return m->state;
}
/* Index of the selected protocol in the list given to init, -1 before. */
static inline int cwaku__mss_selected(const struct cwaku__mss *m) {
  return m->selected;
}
/* 0 unless FAILED; then why. */
static inline int cwaku__mss_error(const struct cwaku__mss *m) {
  return m->err;
}

#endif
