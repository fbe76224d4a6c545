/* The pubsub RPC decoder: any bytes are refused or walk to items that,
 * encoded again by our encoders, decode to the same items (a decode ->
 * encode -> decode round trip of everything the router reads). */
#include <stdlib.h>
#include <string.h>

#include "p2p/length_prefix.h"
#include "waku/relay_rpc.h"

#define MAX_ITEMS 4096

static int same(struct cwaku__span a, struct cwaku__span b) {
  return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

/* Copies the ids (or PRUNE peer ids) of an item back to back, each
 * preceded by its length byte count as a size_t. */
static size_t flatten(const struct cwaku__rpc_item *it, uint8_t *out,
                      size_t cap, struct cwaku__span *list, size_t max) {
  struct cwaku__rpc_list l = it->list;
  struct cwaku__span id;
  size_t n = 0;
  bool prune = it->type == CWAKU__RPC_PRUNE;
  while (n < max &&
         (prune ? cwaku__rpc_next_peer(&l, &id) : cwaku__rpc_next_id(&l, &id)))
    list[n++] = id;
  (void)out;
  (void)cap;
  return n;
}

static void encode(struct cwaku__wbuf *w, struct cwaku__rpc_control *c,
                   const struct cwaku__rpc_item *it) {
  static struct cwaku__span list[1 << 16];
  static uint8_t ids[1 << 20];
  size_t n;
  switch (it->type) {
  case CWAKU__RPC_SUBSCRIPTION:
    cwaku__rpc_put_subscription(w, (const char *)it->topic.p, it->topic.len,
                                it->subscribe);
    return;
  case CWAKU__RPC_MESSAGE:
    cwaku__rpc_put_message(w, (const char *)it->topic.p, it->topic.len,
                           it->data.p, it->data.len);
    return;
  case CWAKU__RPC_GRAFT:
    cwaku__rpc_control_graft(c, (const char *)it->topic.p, it->topic.len);
    break;
  case CWAKU__RPC_PRUNE:
    n = flatten(it, NULL, 0, list, 1 << 16);
    cwaku__rpc_control_prune(c, (const char *)it->topic.p, it->topic.len,
                             it->backoff_s, list, n);
    break;
  case CWAKU__RPC_IHAVE:
  case CWAKU__RPC_IWANT:
  case CWAKU__RPC_IDONTWANT:
    /* our encoder writes fixed-length ids: only lists of 32-byte ids */
    n = flatten(it, NULL, 0, list, 1 << 15);
    for (size_t i = 0; i < n; i++) {
      if (list[i].len != 32)
        return;
      memcpy(ids + 32 * i, list[i].p, 32);
    }
    if (it->type == CWAKU__RPC_IHAVE)
      cwaku__rpc_control_ihave(c, (const char *)it->topic.p, it->topic.len, ids,
                               32, n);
    else if (it->type == CWAKU__RPC_IWANT)
      cwaku__rpc_control_iwant(c, ids, 32, n);
    else
      cwaku__rpc_control_idontwant(c, ids, 32, n);
    break;
  }
  cwaku__rpc_control_finish(c, w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct cwaku__rpc_reader r;
  static struct cwaku__rpc_item items[MAX_ITEMS];
  size_t n = 0;
  int e;
  cwaku__rpc_reader_init(&r, data, size);
  while (n < MAX_ITEMS && (e = cwaku__rpc_next(&r, &items[n])) > 0) {
    const struct cwaku__rpc_item *it = &items[n];
    if ((it->topic.len &&
         (it->topic.p < data || it->topic.p + it->topic.len > data + size)) ||
        (it->data.len &&
         (it->data.p < data || it->data.p + it->data.len > data + size)))
      abort();
    n++;
  }
  if (n == MAX_ITEMS || e < 0)
    return 0;
  for (size_t i = 0; i < n; i++) {
    struct cwaku__wbuf w;
    struct cwaku__rpc_control c;
    cwaku__wbuf_init(&w, 1 << 24);
    cwaku__rpc_control_init(&c, 1 << 24);
    encode(&w, &c, &items[i]);
    const uint8_t *msg;
    size_t mlen, flen;
    if (w.len > 0) {
      if (w.err || cwaku__lp_frame(&msg, &mlen, &flen, w.p, w.len, 1 << 24) ||
          flen != w.len)
        abort();
      struct cwaku__rpc_reader r2;
      struct cwaku__rpc_item again;
      cwaku__rpc_reader_init(&r2, msg, mlen);
      if (cwaku__rpc_next(&r2, &again) != 1 || again.type != items[i].type ||
          !same(again.topic, items[i].topic) ||
          !same(again.data, items[i].data) || again.n != items[i].n ||
          again.subscribe != items[i].subscribe ||
          cwaku__rpc_next(&r2, &again) != 0)
        abort();
    }
    cwaku__rpc_control_clear(&c);
    cwaku__wbuf_clear(&w);
  }
  return 0;
}
