/* The peer store (src/p2p/peer_store.c). */
#include "check.h"
#include "p2p/peer_store.h"

static cwaku_peer_id make_id(uint8_t n) {
  cwaku_peer_id id;
  memset(&id, 0, sizeof id);
  id.len = 34;
  id.data[0] = 0x12;
  id.data[1] = 0x20;
  id.data[2] = n;
  return id;
}

int main(void) {
  struct cwaku_peer_store *ps;
  CHECK_EQ_INT(cwaku_peer_store_new(&ps, 0), CWAKU_EINVAL);
  CHECK_EQ_INT(cwaku_peer_store_new(&ps, 3), 0);
  cwaku_peer_id a = make_id(1), b = make_id(2), c = make_id(3), d = make_id(4);
  struct cwaku_peer *pa =
      cwaku_peer_store_upsert(ps, &a, CWAKU_PEER_SOURCE_STATIC, 10);
  CHECK(pa != NULL);
  struct cwaku_peer *again =
      cwaku_peer_store_upsert(ps, &a, CWAKU_PEER_SOURCE_INBOUND, 20);
  CHECK(again == pa);
  CHECK_EQ_INT(pa->source, CWAKU_PEER_SOURCE_STATIC); /* first source stays */
  CHECK(pa->last_seen_ns == 20);
  CHECK_EQ_INT(cwaku_peer_store_count(ps), 1);

  /* addresses: deduplicated, oldest out past the cap */
  uint8_t addr[8] = {0x04, 127, 0, 0, 1, 0x06, 0, 0};
  for (int i = 0; i < 10; i++) {
    addr[7] = (uint8_t)i;
    cwaku_peer_add_addr(pa, addr, sizeof addr);
    cwaku_peer_add_addr(pa, addr, sizeof addr);
  }
  CHECK_EQ_INT(pa->n_addrs, CWAKU_PEER_MAX_ADDRS);
  CHECK_EQ_INT(pa->addrs[0][7], 2);
  CHECK_EQ_INT(pa->addrs[CWAKU_PEER_MAX_ADDRS - 1][7], 9);

  const char *protos[] = {"/ipfs/ping/1.0.0", "/vac/waku/relay/2.0.0", "x"};
  size_t lens[] = {16, 21, 0};
  cwaku_peer_set_protocols(pa, protos, lens, 3);
  CHECK_EQ_INT(pa->n_protocols, 2);
  CHECK(cwaku_peer_supports(pa, "/vac/waku/relay/2.0.0"));
  CHECK(!cwaku_peer_supports(pa, "/vac/waku/store/2.0.0"));
  cwaku_peer_set_agent(pa, "nwaku\n", 6);
  CHECK_EQ_STR(pa->agent, "nwaku?");

  /* full: the stalest disconnected non-static peer makes room */
  struct cwaku_peer *pb =
      cwaku_peer_store_upsert(ps, &b, CWAKU_PEER_SOURCE_INBOUND, 30);
  struct cwaku_peer *pc =
      cwaku_peer_store_upsert(ps, &c, CWAKU_PEER_SOURCE_IDENTIFY, 40);
  CHECK(pb && pc);
  pc->connected = true;
  struct cwaku_peer *pd =
      cwaku_peer_store_upsert(ps, &d, CWAKU_PEER_SOURCE_IDENTIFY, 50);
  CHECK(pd != NULL);
  CHECK(cwaku_peer_store_get(ps, &b) == NULL); /* b was evicted */
  CHECK(cwaku_peer_store_get(ps, &a) != NULL); /* static stays */
  CHECK(cwaku_peer_store_get(ps, &c) != NULL); /* connected stays */
  CHECK_EQ_INT(cwaku_peer_store_count(ps), 3);
  /* nothing evictable: refused */
  pd->connected = true;
  CHECK(cwaku_peer_store_upsert(ps, &b, CWAKU_PEER_SOURCE_INBOUND, 60) == NULL);
  cwaku_peer_store_free(ps);
  return check_summary("peer store");
}
