/* Length-prefixed framing and the identify message (src/p2p). */
#include "check.h"
#include "p2p/identify.h"
#include "p2p/length_prefix.h"

static void test_lp_frame(void) {
  const uint8_t *msg;
  size_t msglen, framelen;
  uint8_t buf[300];
  buf[0] = 3;
  memcpy(buf + 1, "abcX", 4);
  CHECK_EQ_INT(cwaku__lp_frame(&msg, &msglen, &framelen, buf, 5, 100), 0);
  CHECK(msglen == 3 && framelen == 4 && memcmp(msg, "abc", 3) == 0);
  CHECK_EQ_INT(cwaku__lp_frame(&msg, &msglen, &framelen, buf, 3, 100),
               CWAKU_ETRUNC); /* body incomplete */
  CHECK_EQ_INT(cwaku__lp_frame(&msg, &msglen, &framelen, buf, 0, 100),
               CWAKU_ETRUNC); /* nothing yet */
  buf[0] = 0;
  CHECK_EQ_INT(cwaku__lp_frame(&msg, &msglen, &framelen, buf, 1, 100), 0);
  CHECK(msglen == 0 && framelen == 1);
  /* 200 announced, 100 allowed: refused before the body arrives */
  buf[0] = 0xc8;
  buf[1] = 0x01;
  CHECK_EQ_INT(cwaku__lp_frame(&msg, &msglen, &framelen, buf, 2, 100),
               CWAKU_ETOOBIG);
  CHECK_EQ_INT(cwaku__lp_frame(&msg, &msglen, &framelen, buf, 1, 100),
               CWAKU_ETRUNC); /* prefix incomplete */
  buf[0] = 0x80;
  buf[1] = 0x00; /* non-minimal zero */
  CHECK_EQ_INT(cwaku__lp_frame(&msg, &msglen, &framelen, buf, 2, 100),
               CWAKU_EVARINT);

  struct cwaku__wbuf w;
  cwaku__wbuf_init(&w, 1000);
  memset(buf, 7, 200);
  cwaku__lp_write(&w, buf, 200);
  CHECK_EQ_INT(w.len, 202);
  CHECK(w.p[0] == 0xc8 && w.p[1] == 0x01 && w.p[2] == 7);
  cwaku__wbuf_clear(&w);
}

static void test_identify_roundtrip(void) {
  static const uint8_t pubkey[] = {0x08, 0x02, 0x12, 0x01, 0xaa};
  static const uint8_t ma1[] = {0x04, 127, 0, 0, 1, 0x06, 0x1f, 0x90};
  static const uint8_t observed[] = {0x04, 10, 0, 0, 2, 0x06, 0x00, 0x50};
  const struct cwaku__bytes addrs[1] = {{ma1, sizeof ma1}};
  const char *const protos[] = {"/ipfs/id/1.0.0", "/ipfs/ping/1.0.0"};
  struct cwaku__identify_info info = {
      .protocol_version = "ipfs/0.1.0",
      .agent_version = "cwaku/0.1.0",
      .public_key = {pubkey, sizeof pubkey},
      .listen_addrs = addrs,
      .n_listen_addrs = 1,
      .observed_addr = {observed, sizeof observed},
      .protocols = protos,
      .n_protocols = 2,
  };
  struct cwaku__wbuf w;
  cwaku__wbuf_init(&w, 10000);
  CHECK_EQ_INT(cwaku__identify_encode(&w, &info), 0);
  /* Field order is by number: publicKey (1), listenAddrs (2), protocols
   * (3), observedAddr (4), protocolVersion (5), agentVersion (6). */
  CHECK(w.len > 2 && w.p[1] == 0x0a && w.p[2] == sizeof pubkey);
  const uint8_t *msg;
  size_t msglen, framelen;
  CHECK_EQ_INT(cwaku__lp_frame(&msg, &msglen, &framelen, w.p, w.len, 20000), 0);
  CHECK_EQ_INT(framelen, w.len);
  struct cwaku__identify_msg m;
  CHECK_EQ_INT(cwaku__identify_decode(&m, msg, msglen), 0);
  CHECK(m.agent_version.len == 11 &&
        memcmp(m.agent_version.p, "cwaku/0.1.0", 11) == 0);
  CHECK(m.protocol_version.len == 10);
  CHECK(m.public_key.len == sizeof pubkey &&
        memcmp(m.public_key.p, pubkey, sizeof pubkey) == 0);
  CHECK_EQ_INT(m.n_listen_addrs, 1);
  CHECK(m.listen_addrs[0].len == sizeof ma1);
  CHECK(m.observed_addr.len == sizeof observed);
  CHECK_EQ_INT(m.n_protocols, 2);
  CHECK(m.protocols[1].len == 16 &&
        memcmp(m.protocols[1].p, "/ipfs/ping/1.0.0", 16) == 0);
  CHECK(m.signed_peer_record.len == 0);
  cwaku__identify_msg_clear(&m);
  cwaku__wbuf_clear(&w);
}

static void test_identify_rejects(void) {
  struct cwaku__identify_msg m;
  uint8_t b[64];
  /* a protocol with a NUL, and an empty one (field 3) */
  size_t n = check_unhex(b, sizeof b, "1a03610062");
  CHECK_EQ_INT(cwaku__identify_decode(&m, b, n), CWAKU_EMALFORMED);
  n = check_unhex(b, sizeof b, "1a00");
  CHECK_EQ_INT(cwaku__identify_decode(&m, b, n), CWAKU_EMALFORMED);
  /* truncated length-delimited field */
  n = check_unhex(b, sizeof b, "1a0561");
  CHECK_EQ_INT(cwaku__identify_decode(&m, b, n), CWAKU_EMALFORMED);
  /* more protocols than the cap */
  static uint8_t many[2000];
  for (int i = 0; i < 257; i++) {
    many[3 * i] = 0x1a;
    many[3 * i + 1] = 1;
    many[3 * i + 2] = 'p';
  }
  CHECK_EQ_INT(cwaku__identify_decode(&m, many, 3 * 256), 0);
  CHECK_EQ_INT(m.n_protocols, 256);
  cwaku__identify_msg_clear(&m);
  CHECK_EQ_INT(cwaku__identify_decode(&m, many, 3 * 257), CWAKU_ETOOBIG);
  static uint8_t huge[CWAKU_IDENTIFY_MAX_RECV + 1];
  CHECK_EQ_INT(cwaku__identify_decode(&m, huge, sizeof huge), CWAKU_ETOOBIG);
  /* the empty message is valid */
  CHECK_EQ_INT(cwaku__identify_decode(&m, b, 0), 0);
  CHECK_EQ_INT(m.n_protocols, 0);
  cwaku__identify_msg_clear(&m);
  /* what we send stays under 8 KiB */
  static char longproto[1000];
  memset(longproto, 'x', sizeof longproto - 1);
  const char *protos[10];
  for (int i = 0; i < 10; i++)
    protos[i] = longproto;
  struct cwaku__identify_info info = {.protocols = protos, .n_protocols = 10};
  struct cwaku__wbuf w;
  cwaku__wbuf_init(&w, 100000);
  CHECK_EQ_INT(cwaku__identify_encode(&w, &info), CWAKU_ETOOBIG);
  cwaku__wbuf_clear(&w);
}

int main(void) {
  test_lp_frame();
  test_identify_roundtrip();
  test_identify_rejects();
  return check_summary("identify");
}
