#include "relay_rpc.h"

#include <string.h>

#include "base/protowire.h"

void cwaku__rpc_reader_init(struct cwaku__rpc_reader *r, const uint8_t *rpc,
                            size_t len) {
  cwaku__rcur_init(&r->top, rpc, len);
  cwaku__rcur_init(&r->ctrl, NULL, 0);
  r->in_control = false;
}

static struct cwaku__span span_of(const uint8_t *p, size_t len) {
  return (struct cwaku__span){p, len};
}

/* A LEN field's value where the schema wants one; anything else is not
 * this message. */
static struct cwaku__span want_len(struct cwaku__rcur *c, uint32_t wt) {
  size_t len = 0;
  const uint8_t *p = NULL;
  if (wt != CWAKU__PB_LEN)
    cwaku__rcur_fail(c, CWAKU_EMALFORMED);
  else
    p = cwaku__pb_bytes(c, &len);
  return span_of(p, len);
}

static uint64_t want_varint(struct cwaku__rcur *c, uint32_t wt) {
  if (wt != CWAKU__PB_VARINT) {
    cwaku__rcur_fail(c, CWAKU_EMALFORMED);
    return 0;
  }
  return cwaku__rcur_pbvarint(c);
}

/* A nested message is complete by construction (its length was checked):
 * running out inside it means it is malformed, not that more will come. */
static int nested_err(const struct cwaku__rcur *c) {
  int e = cwaku__rcur_err(c);
  return e == CWAKU_ETRUNC ? CWAKU_EMALFORMED : e;
}

/* SubOpts: subscribe = 1, topicid = 2. */
static int read_subscription(struct cwaku__rpc_item *it, struct cwaku__span b) {
  struct cwaku__rcur c;
  cwaku__rcur_init(&c, b.p, b.len);
  it->type = CWAKU__RPC_SUBSCRIPTION;
  while (cwaku__rcur_left(&c) && !cwaku__rcur_err(&c)) {
    uint32_t wt, f = cwaku__pb_key(&c, &wt);
    if (f == 1)
      it->subscribe = want_varint(&c, wt) != 0;
    else if (f == 2)
      it->topic = want_len(&c, wt);
    else if (f)
      cwaku__pb_skip(&c, wt);
  }
  return nested_err(&c);
}

/* Message: from = 1, data = 2, seqno = 3, topic = 4, signature = 5,
 * key = 6. */
static int read_message(struct cwaku__rpc_item *it, struct cwaku__span b) {
  struct cwaku__rcur c;
  cwaku__rcur_init(&c, b.p, b.len);
  it->type = CWAKU__RPC_MESSAGE;
  while (cwaku__rcur_left(&c) && !cwaku__rcur_err(&c)) {
    uint32_t wt, f = cwaku__pb_key(&c, &wt);
    struct cwaku__span v = {0};
    if (f >= 1 && f <= 6)
      v = want_len(&c, wt);
    else if (f)
      cwaku__pb_skip(&c, wt);
    switch (f) {
    case 1:
      it->has_from = true;
      break;
    case 2:
      it->data = v;
      break;
    case 3:
      it->has_seqno = true;
      break;
    case 4:
      it->topic = v;
      it->has_topic = true;
      break;
    case 5:
      it->has_signature = true;
      break;
    case 6:
      it->has_key = true;
      break;
    }
  }
  return nested_err(&c);
}

/* Checks a list-bearing control message and counts the entries of its
 * repeated field `field` (LEN values); the topic (field 1 of IHAVE, GRAFT
 * and PRUNE) is picked up on the way when topic_field is set. */
static int read_list(struct cwaku__rpc_item *it, struct cwaku__span b,
                     uint32_t field, bool topic_field, bool prune) {
  struct cwaku__rcur c;
  cwaku__rcur_init(&c, b.p, b.len);
  it->list.rest = b;
  it->list.field = field;
  it->n = 0;
  while (cwaku__rcur_left(&c) && !cwaku__rcur_err(&c)) {
    uint32_t wt, f = cwaku__pb_key(&c, &wt);
    if (f == 0)
      break;
    if (f == field) {
      struct cwaku__span v = want_len(&c, wt);
      if (prune) { /* PeerInfo: peerID = 1, signedPeerRecord = 2 */
        struct cwaku__rcur pc;
        cwaku__rcur_init(&pc, v.p, v.len);
        while (cwaku__rcur_left(&pc) && !cwaku__rcur_err(&pc)) {
          uint32_t pwt, pf = cwaku__pb_key(&pc, &pwt);
          if (pf == 1 || pf == 2)
            want_len(&pc, pwt);
          else if (pf)
            cwaku__pb_skip(&pc, pwt);
        }
        if (nested_err(&pc))
          cwaku__rcur_fail(&c, nested_err(&pc));
      }
      it->n++;
    } else if (topic_field && f == 1) {
      it->topic = want_len(&c, wt);
    } else if (prune && f == 3) {
      it->backoff_s = want_varint(&c, wt);
      it->has_backoff = true;
    } else {
      cwaku__pb_skip(&c, wt);
    }
  }
  return nested_err(&c);
}

static int read_control_item(struct cwaku__rpc_reader *r,
                             struct cwaku__rpc_item *it) {
  uint32_t wt, f = cwaku__pb_key(&r->ctrl, &wt);
  if (f == 0)
    return nested_err(&r->ctrl);
  if (f > 5) {
    cwaku__pb_skip(&r->ctrl, wt);
    return nested_err(&r->ctrl) ? nested_err(&r->ctrl) : 0;
  }
  struct cwaku__span b = want_len(&r->ctrl, wt);
  if (nested_err(&r->ctrl))
    return nested_err(&r->ctrl);
  switch (f) {
  case 1:
    it->type = CWAKU__RPC_IHAVE;
    return read_list(it, b, 2, true, false) ?: 1;
  case 2:
    it->type = CWAKU__RPC_IWANT;
    return read_list(it, b, 1, false, false) ?: 1;
  case 3:
    it->type = CWAKU__RPC_GRAFT;
    return read_list(it, b, 0, true, false) ?: 1;
  case 4:
    it->type = CWAKU__RPC_PRUNE;
    return read_list(it, b, 2, true, true) ?: 1;
  default:
    it->type = CWAKU__RPC_IDONTWANT;
    return read_list(it, b, 1, false, false) ?: 1;
  }
}

int cwaku__rpc_next(struct cwaku__rpc_reader *r, struct cwaku__rpc_item *item) {
  for (;;) {
    memset(item, 0, sizeof *item);
    if (r->in_control) {
      if (cwaku__rcur_left(&r->ctrl) == 0) {
        r->in_control = false;
        continue;
      }
      int e = read_control_item(r, item);
      if (e < 0)
        cwaku__rcur_fail(&r->top, e);
      if (e)
        return e;
      continue; /* an unknown control field, skipped */
    }
    if (cwaku__rcur_err(&r->top))
      return cwaku__rcur_err(&r->top);
    if (cwaku__rcur_left(&r->top) == 0)
      return 0;
    uint32_t wt, f = cwaku__pb_key(&r->top, &wt);
    if (f < 1 || f > 3) {
      if (f)
        cwaku__pb_skip(&r->top, wt);
      continue;
    }
    struct cwaku__span b = want_len(&r->top, wt);
    if (cwaku__rcur_err(&r->top))
      continue;
    int e;
    if (f == 3) { /* ControlMessage: its items come one by one */
      cwaku__rcur_init(&r->ctrl, b.p, b.len);
      r->in_control = true;
      continue;
    }
    e = f == 1 ? read_subscription(item, b) : read_message(item, b);
    if (e) {
      cwaku__rcur_fail(&r->top, e);
      return e;
    }
    return 1;
  }
}

bool cwaku__rpc_next_id(struct cwaku__rpc_list *it, struct cwaku__span *id) {
  struct cwaku__rcur c;
  cwaku__rcur_init(&c, it->rest.p, it->rest.len);
  while (cwaku__rcur_left(&c) && !cwaku__rcur_err(&c)) {
    uint32_t wt, f = cwaku__pb_key(&c, &wt);
    if (f == it->field && wt == CWAKU__PB_LEN) {
      *id = want_len(&c, wt);
      it->rest = span_of(c.p, c.n);
      return !cwaku__rcur_err(&c);
    }
    if (f)
      cwaku__pb_skip(&c, wt);
  }
  it->rest = span_of(NULL, 0);
  return false;
}

bool cwaku__rpc_next_peer(struct cwaku__rpc_list *it,
                          struct cwaku__span *peer_id) {
  struct cwaku__span info;
  if (!cwaku__rpc_next_id(it, &info))
    return false;
  *peer_id = span_of(NULL, 0);
  struct cwaku__rcur c;
  cwaku__rcur_init(&c, info.p, info.len);
  while (cwaku__rcur_left(&c) && !cwaku__rcur_err(&c)) {
    uint32_t wt, f = cwaku__pb_key(&c, &wt);
    if (f == 1 && wt == CWAKU__PB_LEN)
      *peer_id = want_len(&c, wt);
    else if (f)
      cwaku__pb_skip(&c, wt);
  }
  return true;
}

/* ---- encoding ------------------------------------------------------------ */

void cwaku__rpc_put_message(struct cwaku__wbuf *w, const char *topic,
                            size_t topic_len, const uint8_t *data, size_t len) {
  size_t msg =
      cwaku__pb_bytes_size(2, len) + cwaku__pb_bytes_size(4, topic_len);
  cwaku__wbuf_uvarint(w, cwaku__pb_bytes_size(2, msg));
  cwaku__pb_put_len(w, 2, msg);
  cwaku__pb_put_bytes(w, 2, data, len);
  cwaku__pb_put_bytes(w, 4, topic, topic_len);
}

void cwaku__rpc_put_subscription(struct cwaku__wbuf *w, const char *topic,
                                 size_t topic_len, bool subscribe) {
  size_t sub = 2 + cwaku__pb_bytes_size(2, topic_len);
  cwaku__wbuf_uvarint(w, cwaku__pb_bytes_size(1, sub));
  cwaku__pb_put_len(w, 1, sub);
  cwaku__pb_put_varint(w, 1, subscribe);
  cwaku__pb_put_bytes(w, 2, topic, topic_len);
}

void cwaku__rpc_control_init(struct cwaku__rpc_control *c, size_t max) {
  cwaku__wbuf_init(&c->body, max);
}

void cwaku__rpc_control_clear(struct cwaku__rpc_control *c) {
  cwaku__wbuf_clear(&c->body);
}

bool cwaku__rpc_control_empty(const struct cwaku__rpc_control *c) {
  return c->body.len == 0;
}

void cwaku__rpc_control_graft(struct cwaku__rpc_control *c, const char *topic,
                              size_t topic_len) {
  cwaku__pb_put_len(&c->body, 3, cwaku__pb_bytes_size(1, topic_len));
  cwaku__pb_put_bytes(&c->body, 1, topic, topic_len);
}

void cwaku__rpc_control_prune(struct cwaku__rpc_control *c, const char *topic,
                              size_t topic_len, uint64_t backoff_s,
                              const struct cwaku__span *peers, size_t n) {
  size_t len =
      cwaku__pb_bytes_size(1, topic_len) + 1 + cwaku__uvarint_len(backoff_s);
  for (size_t i = 0; i < n; i++)
    len += cwaku__pb_bytes_size(2, cwaku__pb_bytes_size(1, peers[i].len));
  cwaku__pb_put_len(&c->body, 4, len);
  cwaku__pb_put_bytes(&c->body, 1, topic, topic_len);
  for (size_t i = 0; i < n; i++) {
    cwaku__pb_put_len(&c->body, 2, cwaku__pb_bytes_size(1, peers[i].len));
    cwaku__pb_put_bytes(&c->body, 1, peers[i].p, peers[i].len);
  }
  cwaku__pb_put_varint(&c->body, 3, backoff_s);
}

/* A control entry made of an optional topic and a list of ids. */
static void put_id_list(struct cwaku__rpc_control *c, uint32_t entry,
                        uint32_t id_field, const char *topic, size_t topic_len,
                        const uint8_t *ids, size_t id_len, size_t n) {
  size_t len = topic ? cwaku__pb_bytes_size(1, topic_len) : 0;
  len += n * cwaku__pb_bytes_size(id_field, id_len);
  cwaku__pb_put_len(&c->body, entry, len);
  if (topic)
    cwaku__pb_put_bytes(&c->body, 1, topic, topic_len);
  for (size_t i = 0; i < n; i++)
    cwaku__pb_put_bytes(&c->body, id_field, ids + i * id_len, id_len);
}

void cwaku__rpc_control_ihave(struct cwaku__rpc_control *c, const char *topic,
                              size_t topic_len, const uint8_t *ids,
                              size_t id_len, size_t n) {
  put_id_list(c, 1, 2, topic, topic_len, ids, id_len, n);
}

void cwaku__rpc_control_iwant(struct cwaku__rpc_control *c, const uint8_t *ids,
                              size_t id_len, size_t n) {
  put_id_list(c, 2, 1, NULL, 0, ids, id_len, n);
}

void cwaku__rpc_control_idontwant(struct cwaku__rpc_control *c,
                                  const uint8_t *ids, size_t id_len, size_t n) {
  put_id_list(c, 5, 1, NULL, 0, ids, id_len, n);
}

void cwaku__rpc_control_finish(struct cwaku__rpc_control *c,
                               struct cwaku__wbuf *w) {
  if (c->body.err == 0 && c->body.len > 0) {
    cwaku__wbuf_uvarint(w, cwaku__pb_bytes_size(3, c->body.len));
    cwaku__pb_put_bytes(w, 3, c->body.p, c->body.len);
  }
  cwaku__wbuf_reset(&c->body);
}
