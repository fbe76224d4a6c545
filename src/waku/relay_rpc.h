/* The pubsub RPC of gossipsub on the wire (libp2p/specs pubsub/README.md
 * §The RPC, gossipsub-v1.0.md §Control messages, gossipsub-v1.2.md
 * §IDONTWANT), as 11/WAKU2-RELAY carries it:
 *
 *   message RPC { repeated SubOpts subscriptions = 1;
 *                 repeated Message publish = 2;
 *                 optional ControlMessage control = 3; }
 *   message SubOpts { optional bool subscribe = 1; optional string topicid = 2;
 * } message Message { optional bytes from = 1; optional bytes data = 2;
 *                     optional bytes seqno = 3; optional string topic = 4;
 *                     optional bytes signature = 5; optional bytes key = 6; }
 *   message ControlMessage { repeated ControlIHave ihave = 1;
 *     repeated ControlIWant iwant = 2; repeated ControlGraft graft = 3;
 *     repeated ControlPrune prune = 4; repeated ControlIDontWant idontwant = 5;
 * } message ControlIHave { optional string topicID = 1; repeated bytes
 * messageIDs = 2; } message ControlIWant { repeated bytes messageIDs = 1; }
 *   message ControlGraft { optional string topicID = 1; }
 *   message ControlPrune { optional string topicID = 1; repeated PeerInfo peers
 * = 2; optional uint64 backoff = 3; } message PeerInfo { optional bytes peerID
 * = 1; optional bytes signedPeerRecord = 2; } message ControlIDontWant {
 * repeated bytes messageIDs = 1; }
 *
 * Decoding walks an RPC item by item without allocating: every item points
 * into the input. Each RPC travels as uvarint(length) || RPC on a stream
 * of /vac/waku/relay/2.0.0. */
#ifndef CWAKU_WAKU_RELAY_RPC_H
#define CWAKU_WAKU_RELAY_RPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/cursor.h"

struct cwaku__span {
  const uint8_t *p;
  size_t len;
};

/* The entries of one repeated field inside a control message. */
struct cwaku__rpc_list {
  struct cwaku__span rest;
  uint32_t field;
};

enum cwaku__rpc_item_type {
  CWAKU__RPC_SUBSCRIPTION,
  CWAKU__RPC_MESSAGE,
  CWAKU__RPC_IHAVE,
  CWAKU__RPC_IWANT,
  CWAKU__RPC_GRAFT,
  CWAKU__RPC_PRUNE,
  CWAKU__RPC_IDONTWANT,
};

struct cwaku__rpc_item {
  enum cwaku__rpc_item_type type;
  struct cwaku__span topic; /* SUBSCRIPTION, MESSAGE, IHAVE, GRAFT, PRUNE */
  bool subscribe;           /* SUBSCRIPTION */
  /* MESSAGE: data, and which of the fields StrictNoSign forbids are
   * present (present counts, even when empty). */
  struct cwaku__span data;
  bool has_topic, has_from, has_seqno, has_signature, has_key;
  /* IHAVE, IWANT, IDONTWANT: the message ids (n of them); PRUNE: the
   * PeerInfo entries. Walk them with cwaku__rpc_next_id /
   * cwaku__rpc_next_peer; the reader checked them already. */
  struct cwaku__rpc_list list;
  size_t n;
  bool has_backoff; /* PRUNE */
  uint64_t backoff_s;
};

struct cwaku__rpc_reader {
  struct cwaku__rcur top;  /* the RPC */
  struct cwaku__rcur ctrl; /* the ControlMessage being walked */
  bool in_control;
};

void cwaku__rpc_reader_init(struct cwaku__rpc_reader *r, const uint8_t *rpc,
                            size_t len);
/* The next item: 1 and *item set, 0 at the end, or a negative CWAKU_E*
 * (EMALFORMED, ETRUNC inside a field) after which the reader is done. */
int cwaku__rpc_next(struct cwaku__rpc_reader *r, struct cwaku__rpc_item *item);

/* Walks the ids of an IHAVE/IWANT/IDONTWANT: *it starts as a copy of
 * item->list and advances; true and *id set, false at the end. */
bool cwaku__rpc_next_id(struct cwaku__rpc_list *it, struct cwaku__span *id);
/* Walks the PeerInfo entries of a PRUNE: the peer id of each (empty when
 * absent). */
bool cwaku__rpc_next_peer(struct cwaku__rpc_list *it,
                          struct cwaku__span *peer_id);

/* ---- encoding: each function appends one length-prefixed RPC ------------ */

/* An RPC with one message: Message{data, topic} and nothing else. */
void cwaku__rpc_put_message(struct cwaku__wbuf *w, const char *topic,
                            size_t topic_len, const uint8_t *data, size_t len);
/* An RPC with one subscription change. */
void cwaku__rpc_put_subscription(struct cwaku__wbuf *w, const char *topic,
                                 size_t topic_len, bool subscribe);

/* A control RPC built up part by part, then finished into w. */
struct cwaku__rpc_control {
  struct cwaku__wbuf body; /* ControlMessage fields */
};
void cwaku__rpc_control_init(struct cwaku__rpc_control *c, size_t max);
void cwaku__rpc_control_clear(struct cwaku__rpc_control *c);
bool cwaku__rpc_control_empty(const struct cwaku__rpc_control *c);
void cwaku__rpc_control_graft(struct cwaku__rpc_control *c, const char *topic,
                              size_t topic_len);
/* peers: n peer ids (PeerInfo.peerID only) for peer exchange. */
void cwaku__rpc_control_prune(struct cwaku__rpc_control *c, const char *topic,
                              size_t topic_len, uint64_t backoff_s,
                              const struct cwaku__span *peers, size_t n);
/* ids: n ids of id_len bytes each, back to back. */
void cwaku__rpc_control_ihave(struct cwaku__rpc_control *c, const char *topic,
                              size_t topic_len, const uint8_t *ids,
                              size_t id_len, size_t n);
void cwaku__rpc_control_iwant(struct cwaku__rpc_control *c, const uint8_t *ids,
                              size_t id_len, size_t n);
void cwaku__rpc_control_idontwant(struct cwaku__rpc_control *c,
                                  const uint8_t *ids, size_t id_len, size_t n);
/* Appends uvarint(len) || RPC{control} to w and empties c. */
void cwaku__rpc_control_finish(struct cwaku__rpc_control *c,
                               struct cwaku__wbuf *w);

#endif
