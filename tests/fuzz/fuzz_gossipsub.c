/* The gossipsub router's handling of what peers send: a router with three
 * peers (one subscribed to the topic and in the mesh) is fed the input as
 * a series of RPCs from those peers, with heartbeats and clock jumps in
 * between. It must never crash, leak or exceed its caps, and its output
 * must always be well-framed RPCs. */
#include <stdlib.h>
#include <string.h>

#include "p2p/length_prefix.h"
#include "waku/gossipsub.h"
#include "waku/relay_rpc.h"

#define TOPIC "/waku/2/rs/1/0"

static enum cwaku_gossipsub_validation validate(void *arg, const char *topic,
                                                const uint8_t *data, size_t len,
                                                const uint8_t *id) {
  if (len == 0)
    return CWAKU_GOSSIPSUB_IGNORE;
  return (enum cwaku_gossipsub_validation)(data[0] % 4);
}

static void deliver(void *arg, const char *topic, const uint8_t *data,
                    size_t len, const uint8_t *id,
                    struct cwaku__gossipsub_peer *from) {}

static void drain(struct cwaku__gossipsub *g) {
  struct cwaku__gossipsub_peer *p;
  while ((p = cwaku__gossipsub_next_pending(g))) {
    const uint8_t *out;
    size_t len, off = 0;
    cwaku__gossipsub_output(p, &out, &len);
    while (off < len) {
      const uint8_t *m;
      size_t mlen, flen;
      if (cwaku__lp_frame(&m, &mlen, &flen, out + off, len - off, 1 << 24))
        abort();
      struct cwaku__rpc_reader r;
      struct cwaku__rpc_item it;
      int e;
      cwaku__rpc_reader_init(&r, m, mlen);
      while ((e = cwaku__rpc_next(&r, &it)) > 0)
        ;
      if (e < 0)
        abort();
      off += flen;
    }
    cwaku__gossipsub_output_consumed(g, p, len);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct cwaku_seeded_rng rng;
  cwaku_seeded_rng_init(&rng, 1);
  struct cwaku_gossipsub_params params;
  cwaku_gossipsub_params_default(&params);
  params.max_peer_output = 1 << 20;
  params.enable_px = size & 1;
  struct cwaku_gossipsub_callbacks cb = {.validate = validate,
                                         .deliver = deliver};
  struct cwaku__gossipsub *g;
  if (cwaku__gossipsub_new(&g, &params, &cb, &rng.rng))
    abort();
  uint64_t now = 1000000000000ull;
  struct cwaku__gossipsub_peer *peers[3];
  for (int i = 0; i < 3; i++) {
    cwaku_peer_id id = {.len = 3, .data = {0, 1, (uint8_t)i}};
    uint8_t ip[4] = {10, 0, 0, (uint8_t)(i & 1)};
    if (cwaku__gossipsub_add_peer(g, &peers[i], &id, i == 0, ip, 4, NULL, now))
      abort();
  }
  cwaku__gossipsub_subscribe(g, TOPIC, now);
  struct cwaku__wbuf w;
  cwaku__wbuf_init(&w, 1 << 20);
  cwaku__rpc_put_subscription(&w, TOPIC, strlen(TOPIC), true);
  cwaku__gossipsub_recv_rpc(g, peers[0], w.p + 1, w.len - 1, now);
  cwaku__wbuf_clear(&w);
  cwaku__gossipsub_heartbeat(g, now);
  drain(g);
  /* Each chunk: 1 control byte (peer, heartbeat, clock step), 2 bytes of
   * length, then that many bytes of RPC. */
  while (size >= 3) {
    uint8_t ctl = data[0];
    size_t len = (size_t)data[1] << 8 | data[2];
    data += 3;
    size -= 3;
    if (len > size)
      len = size;
    struct cwaku__gossipsub_peer *p = peers[ctl % 3];
    if (ctl & 0x40) {
      cwaku__gossipsub_remove_peer(g, p, now);
      cwaku_peer_id id = {.len = 3, .data = {0, 1, (uint8_t)(ctl % 3)}};
      if (cwaku__gossipsub_add_peer(g, &peers[ctl % 3], &id, false, NULL, 0,
                                    NULL, now))
        abort();
      p = peers[ctl % 3];
    }
    cwaku__gossipsub_recv_rpc(g, p, data, len, now);
    if (ctl & 0x80) {
      now += (uint64_t)(ctl & 0x38) * 500000000ull;
      cwaku__gossipsub_heartbeat(g, now);
    }
    drain(g);
    if (cwaku__gossipsub_mesh_size(g, TOPIC) > params.d_high + 3)
      abort();
    data += len;
    size -= len;
  }
  cwaku__gossipsub_free(g);
  return 0;
}
