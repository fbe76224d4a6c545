/* multiaddr: text <-> binary round trips and malformed inputs. */
#include <stdint.h>

#include "check.h"
#include "cwaku/multiaddr.h"

#define SECP_PEER "16Uiu2HAmSH2XVgZqYHWucap5kuPzLnt2TsNQkoppVxB5eJGvaXwm"
#define SECP_PEER_HEX                                                          \
  "0025080212210" /* identity multihash of the protobuf key */                 \
  "3ca634cae0d49acb401d8a4c6b6fe8c55b70d115bf400769cc1400f3258cd3138"
#define SHA_PEER "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N"

/* text -> binary (compared with hex when given) -> the same text. */
static void round_trip(const char *text, const char *hex) {
  uint8_t bin[CWAKU_MULTIADDR_MAX_BYTES];
  size_t len = sizeof bin;
  int r = cwaku_multiaddr_from_string(bin, &len, text);
  CHECK_EQ_INT(r, 0);
  if (r) {
    fprintf(stderr, "  from_string(%s)\n", text);
    return;
  }
  if (hex) {
    unsigned char want[CWAKU_MULTIADDR_MAX_BYTES];
    size_t wn = check_unhex(want, sizeof want, hex);
    CHECK_EQ_INT(len, wn);
    if (len == wn)
      CHECK_MEM(bin, want, wn);
  }
  CHECK_EQ_INT(cwaku_multiaddr_validate(bin, len), 0);
  char back[CWAKU_MULTIADDR_STRING_MAX];
  CHECK_EQ_INT(cwaku_multiaddr_to_string(back, sizeof back, bin, len), 0);
  CHECK_EQ_STR(back, text);
  /* One byte short of the needed capacity fails cleanly. */
  size_t need = strlen(text) + 1;
  CHECK_EQ_INT(cwaku_multiaddr_to_string(back, need - 1, bin, len),
               CWAKU_ETOOBIG);
  CHECK_EQ_INT(back[0], 0);
  CHECK_EQ_INT(cwaku_multiaddr_to_string(back, need, bin, len), 0);
  /* Every strict prefix of the binary is truncated or invalid. */
  for (size_t cut = 1; cut < len; cut++) {
    int e = cwaku_multiaddr_validate(bin, cut);
    char tmp[CWAKU_MULTIADDR_STRING_MAX];
    int e2 = cwaku_multiaddr_to_string(tmp, sizeof tmp, bin, cut);
    CHECK_EQ_INT(e, e2);
    /* A cut at a component boundary is itself a valid multiaddr. */
    if (e == 0)
      continue;
    CHECK(e == CWAKU_ETRUNC || e == CWAKU_EMULTIADDR || e == CWAKU_EVARINT);
  }
}

static void test_round_trips(void) {
  round_trip("/ip4/1.2.3.4/tcp/30303", "040102030406765f");
  round_trip("/ip4/1.2.3.4/tcp/30303/wss", "040102030406765fde03");
  round_trip("/ip4/127.0.0.1/udp/9000/quic-v1", "047f00000191022328cd03");
  round_trip("/ip4/127.0.0.1/udp/9000/quic", "047f00000191022328cc03");
  round_trip("/ip4/0.0.0.0/tcp/0", "0400000000060000");
  round_trip("/ip4/255.255.255.255/tcp/65535/ws", "04ffffffff06ffffdd03");
  round_trip("/dns4/node.example/tcp/443/wss",
             "360c6e6f64652e6578616d706c650601bbde03");
  round_trip("/dns/x.org/tcp/1", "3505782e6f7267060001");
  round_trip("/dns6/v6.example/tcp/8000/ws", NULL);
  round_trip("/dnsaddr/bootstrap.libp2p.io", NULL);
  round_trip("/ip6/::1/tcp/443/wss",
             "29000000000000000000000000000000010601bbde03");
  round_trip("/ip6/2001:db8::1/udp/1/quic-v1", NULL);
  round_trip("/ip6/::/tcp/1", NULL);
  round_trip("/ip6/::ffff:1.2.3.4/tcp/1", NULL);
  round_trip("/ip6/1:0:0:2::3/tcp/1", NULL);
  round_trip("/ip6/fe80::1:2:3:4/tcp/1", NULL);
  round_trip("/ip4/1.2.3.4/tcp/1/tls/ws", "0401020304060001c003dd03");
  round_trip("/ip4/1.2.3.4/tcp/1/tls/sni/a.example/ws", NULL);
  round_trip("/ip4/1.2.3.4/tcp/1/noise", "0401020304060001c603");
  round_trip("/ip4/1.2.3.4/tcp/1/p2p/" SECP_PEER,
             "0401020304060001a50327" SECP_PEER_HEX);
  round_trip("/ip4/1.2.3.4/tcp/55555/p2p/" SECP_PEER "/p2p-circuit",
             "040102030406d903a50327" SECP_PEER_HEX "a202");
  round_trip("/ip4/1.2.3.4/tcp/55555/p2p/" SHA_PEER
             "/p2p-circuit/p2p/" SECP_PEER,
             NULL);
  round_trip("/p2p/" SHA_PEER, NULL);
  round_trip("/ip4/1.2.3.4/udp/1/quic-v1/webtransport/certhash/uEiD0", NULL);
  round_trip("/ip4/1.2.3.4/tcp/80/http", NULL);
  round_trip("/ip4/1.2.3.4/tcp/443/https", NULL);
  round_trip("/ip4/1.2.3.4/sctp/5/dccp/6", NULL);

  /* "ipfs" is read as p2p and written as p2p. */
  uint8_t bin[256];
  size_t len = sizeof bin;
  CHECK_EQ_INT(cwaku_multiaddr_from_string(bin, &len, "/ipfs/" SHA_PEER), 0);
  char text[512];
  CHECK_EQ_INT(cwaku_multiaddr_to_string(text, sizeof text, bin, len), 0);
  CHECK_EQ_STR(text, "/p2p/" SHA_PEER);

  /* A 255-byte dns name is the longest. */
  char name[300] = "/dns4/";
  memset(name + 6, 'a', 255);
  strcpy(name + 6 + 255, "/tcp/1");
  round_trip(name, NULL);
  memset(name + 6, 'a', 256);
  strcpy(name + 6 + 256, "/tcp/1");
  len = sizeof bin;
  CHECK_EQ_INT(cwaku_multiaddr_from_string(bin, &len, name), CWAKU_EMULTIADDR);
}

static int bin_err(const char *hex) {
  unsigned char bin[2048];
  size_t n = check_unhex(bin, sizeof bin, hex);
  char text[CWAKU_MULTIADDR_STRING_MAX];
  int r = cwaku_multiaddr_to_string(text, sizeof text, bin, n);
  CHECK_EQ_INT(cwaku_multiaddr_validate(bin, n), r);
  if (r)
    CHECK_EQ_INT(text[0], 0);
  return r;
}

static int text_err(const char *text) {
  uint8_t bin[CWAKU_MULTIADDR_MAX_BYTES];
  size_t len = sizeof bin;
  int r = cwaku_multiaddr_from_string(bin, &len, text);
  if (r)
    CHECK_EQ_INT(len, 0);
  return r;
}

static void test_malformed_binary(void) {
  CHECK_EQ_INT(bin_err(""), CWAKU_EMULTIADDR);    /* empty */
  CHECK_EQ_INT(bin_err("80"), CWAKU_ETRUNC);      /* varint cut */
  CHECK_EQ_INT(bin_err("dd"), CWAKU_ETRUNC);      /* ws code cut */
  CHECK_EQ_INT(bin_err("8400"), CWAKU_EVARINT);   /* ip4 code, 2 bytes */
  CHECK_EQ_INT(bin_err("dd8300"), CWAKU_EVARINT); /* ws, trailing zero */
  CHECK_EQ_INT(bin_err("ffffffffffffffffff01"), CWAKU_EVARINT); /* 10 bytes */
  CHECK_EQ_INT(bin_err("04010203"), CWAKU_ETRUNC);       /* ip4 of 3 bytes */
  CHECK_EQ_INT(bin_err("29000000"), CWAKU_ETRUNC);       /* ip6 of 3 bytes */
  CHECK_EQ_INT(bin_err("04010203040601"), CWAKU_ETRUNC); /* tcp 1 byte */
  CHECK_EQ_INT(bin_err("7f"), CWAKU_EMULTIADDR);         /* unknown code 127 */
  CHECK_EQ_INT(bin_err("0401020304e203"), CWAKU_EMULTIADDR); /* 482 */
  CHECK_EQ_INT(bin_err("3600"), CWAKU_EMULTIADDR);       /* empty dns4 name */
  CHECK_EQ_INT(bin_err("3603612f62"), CWAKU_EMULTIADDR); /* '/' in name */
  CHECK_EQ_INT(bin_err("3603612062"), CWAKU_EMULTIADDR); /* space */
  CHECK_EQ_INT(bin_err("3605616263"), CWAKU_ETRUNC);     /* name cut */
  CHECK_EQ_INT(bin_err("368002"), CWAKU_EMULTIADDR);     /* 256 bytes */
  CHECK_EQ_INT(bin_err("36"), CWAKU_ETRUNC);
  /* p2p: bad multihash framing or kind. */
  CHECK_EQ_INT(bin_err("a50303001000"), CWAKU_EMULTIADDR);
  CHECK_EQ_INT(bin_err("a5030413020102"), CWAKU_EMULTIADDR);
  CHECK_EQ_INT(bin_err("a5030412020102"), CWAKU_EMULTIADDR);
  CHECK_EQ_INT(bin_err("a50300"), CWAKU_EMULTIADDR);
  CHECK_EQ_INT(bin_err("a50341"), CWAKU_EMULTIADDR); /* 65 > max */

  /* Over 1024 bytes. */
  static unsigned char big[1100];
  for (size_t i = 0; i < sizeof big; i += 2) {
    big[i] = 0xdd;
    big[i + 1] = 0x03;
  }
  char text[8192];
  CHECK_EQ_INT(cwaku_multiaddr_validate(big, 1024), 0);
  CHECK_EQ_INT(cwaku_multiaddr_to_string(text, sizeof text, big, 1024), 0);
  CHECK_EQ_INT(cwaku_multiaddr_validate(big, 1026), CWAKU_ETOOBIG);
  CHECK_EQ_INT(cwaku_multiaddr_to_string(text, sizeof text, big, 1026),
               CWAKU_ETOOBIG);
  /* Long ip4 runs fit CWAKU_MULTIADDR_STRING_MAX ... */
  for (size_t i = 0; i + 5 <= 1020; i += 5) {
    big[i] = 0x04;
    memset(big + i + 1, 0xff, 4);
  }
  CHECK_EQ_INT(
      cwaku_multiaddr_to_string(text, CWAKU_MULTIADDR_STRING_MAX, big, 1020),
      0);
  CHECK_EQ_INT(strlen(text), 204 * 20);
  /* ... and so does the densest one: 512 x /webtransport (d1 03). */
  for (size_t i = 0; i < 1024; i += 2) {
    big[i] = 0xd1;
    big[i + 1] = 0x03;
  }
  CHECK_EQ_INT(cwaku_multiaddr_validate(big, 1024), 0);
  CHECK_EQ_INT(
      cwaku_multiaddr_to_string(text, CWAKU_MULTIADDR_STRING_MAX, big, 1024),
      0);
  CHECK_EQ_INT(strlen(text), 512 * 13);
}

static void test_malformed_text(void) {
  CHECK_EQ_INT(text_err(""), CWAKU_EMULTIADDR);
  CHECK_EQ_INT(text_err("/"), CWAKU_EMULTIADDR);
  CHECK_EQ_INT(text_err("ip4/1.2.3.4"), CWAKU_EMULTIADDR);
  CHECK_EQ_INT(text_err("/ip4/1.2.3.4/"), CWAKU_EMULTIADDR);
  CHECK_EQ_INT(text_err("/ip4//1.2.3.4"), CWAKU_EMULTIADDR);
  CHECK_EQ_INT(text_err("/ip4"), CWAKU_EMULTIADDR);
  CHECK_EQ_INT(text_err("/ip4/1.2.3"), CWAKU_EMULTIADDR);
  CHECK_EQ_INT(text_err("/ip4/1.2.3.4.5"), CWAKU_EMULTIADDR);
  CHECK_EQ_INT(text_err("/ip4/1.2.3.256"), CWAKU_EMULTIADDR);
  CHECK_EQ_INT(text_err("/ip4/::1"), CWAKU_EMULTIADDR);
  CHECK_EQ_INT(text_err("/ip6/1.2.3.4"), CWAKU_EMULTIADDR);
  CHECK_EQ_INT(text_err("/ip6/1::2::3"), CWAKU_EMULTIADDR);
  CHECK_EQ_INT(text_err("/tcp/65536"), CWAKU_EMULTIADDR);
  CHECK_EQ_INT(text_err("/tcp/080"), CWAKU_EMULTIADDR);
  CHECK_EQ_INT(text_err("/tcp/-1"), CWAKU_EMULTIADDR);
  CHECK_EQ_INT(text_err("/tcp/+1"), CWAKU_EMULTIADDR);
  CHECK_EQ_INT(text_err("/tcp/1a"), CWAKU_EMULTIADDR);
  CHECK_EQ_INT(text_err("/tcp/"), CWAKU_EMULTIADDR);
  CHECK_EQ_INT(text_err("/foo/1"), CWAKU_EMULTIADDR);
  CHECK_EQ_INT(text_err("/ws/wss/websocket"), CWAKU_EMULTIADDR);
  CHECK_EQ_INT(text_err("/dns4/a b/tcp/1"), CWAKU_EMULTIADDR);
  CHECK_EQ_INT(text_err("/p2p/notbase58!"), CWAKU_EMULTIADDR);
  CHECK_EQ_INT(text_err("/p2p/1111"), CWAKU_EMULTIADDR);
  CHECK_EQ_INT(text_err("/certhash/zabc"), CWAKU_EMULTIADDR);
  CHECK_EQ_INT(text_err("/certhash/u"), CWAKU_EMULTIADDR);
  /* Output capacity. */
  uint8_t bin[8];
  size_t len = 5;
  CHECK_EQ_INT(cwaku_multiaddr_from_string(bin, &len, "/ip4/1.2.3.4/tcp/1"),
               CWAKU_ETOOBIG);
  len = 8;
  CHECK_EQ_INT(cwaku_multiaddr_from_string(bin, &len, "/ip4/1.2.3.4/tcp/1"), 0);
  CHECK_EQ_INT(len, 8);
  /* Over 1024 bytes of binary. */
  static char big[8192];
  big[0] = 0;
  for (int i = 0; i < 600; i++)
    strcat(big, "/ws");
  uint8_t out[4096];
  len = sizeof out;
  CHECK_EQ_INT(cwaku_multiaddr_from_string(out, &len, big), CWAKU_ETOOBIG);
}

int main(void) {
  test_round_trips();
  test_malformed_binary();
  test_malformed_text();
  return check_summary("multiaddr");
}
