/* WakuMessage codec and the deterministic hash (src/waku/message.c). */
#include "check.h"
#include "cwaku/encoding.h"
#include "cwaku/message.h"

static const char *hash_hex(const char *pubsub, const struct cwaku_message *m,
                            char out[65]) {
  uint8_t h[32];
  size_t n = 65;
  cwaku_message_hash(h, pubsub, m);
  if (cwaku_hex_encode(out, &n, h, 32))
    abort();
  return out;
}

/* 14/WAKU2-MESSAGE §test vectors. */
static void test_spec_vectors(void) {
  uint8_t payload[12], meta[64];
  char hex[65];
  check_unhex(payload, sizeof payload, "010203045445535405060708");
  check_unhex(meta, sizeof meta, "73757065722d736563726574");
  const char *pubsub = "/waku/2/default-waku/proto";
  struct cwaku_message m;
  cwaku_message_init(&m, "/waku/2/default-content/proto", payload, 12);
  m.has_timestamp = 1;
  m.timestamp = 0x175789bfa23f8400;
  m.has_meta = 1;
  m.meta = meta;
  m.meta_len = 12;
  CHECK_EQ_STR(
      hash_hex(pubsub, &m, hex),
      "64cce733fed134e83da02b02c6f689814872b1a0ac97ea56b76095c3c72bfe05");
  m.has_meta = 0;
  CHECK_EQ_STR(
      hash_hex(pubsub, &m, hex),
      "a2554498b31f5bcdfcbf7fa58ad1c2d45f0254f3f8110a85588ec3cf10720fd8");
  m.has_meta = 1;
  m.payload_len = 0;
  CHECK_EQ_STR(
      hash_hex(pubsub, &m, hex),
      "483ea950cb63f9b9d6926b262bb36194d3f40a0463ce8446228350bd44e96de4");
  m.payload_len = 12;
  for (int i = 0; i < 64; i++)
    meta[i] = (uint8_t)i;
  m.meta_len = 64;
  CHECK_EQ_STR(
      hash_hex(pubsub, &m, hex),
      "7158b6498753313368b9af8f6e0a0a05104f68f972981da42a43bc53fb0c1b27");
}

/* nwaku's rule: the 8 timestamp bytes are appended also when it is 0 or
 * absent, so absent and explicit 0 hash the same. */
static void test_zero_timestamp(void) {
  char a[65], b[65];
  struct cwaku_message m;
  cwaku_message_init(&m, "/app/1/chat/proto", (const uint8_t *)"hi", 2);
  hash_hex("/waku/2/rs/1/0", &m, a);
  m.has_timestamp = 1;
  m.timestamp = 0;
  hash_hex("/waku/2/rs/1/0", &m, b);
  CHECK_EQ_STR(a, b);
  m.timestamp = 1;
  hash_hex("/waku/2/rs/1/0", &m, b);
  CHECK(strcmp(a, b) != 0);
}

static void test_roundtrip(void) {
  uint8_t payload[300], meta[64], proof[200];
  for (int i = 0; i < 300; i++)
    payload[i] = (uint8_t)(i * 13);
  memset(meta, 0xab, sizeof meta);
  memset(proof, 0xcd, sizeof proof);
  struct cwaku_message m;
  cwaku_message_init(&m, "/toychat/2/huilong/proto", payload, sizeof payload);
  m.has_version = 1;
  m.version = 1;
  m.has_timestamp = 1;
  m.timestamp = -1234567890123LL; /* sint64: zigzag */
  m.has_meta = 1;
  m.meta = meta;
  m.meta_len = 64;
  m.has_rate_limit_proof = 1;
  m.rate_limit_proof = proof;
  m.rate_limit_proof_len = sizeof proof;
  m.has_ephemeral = 1;
  m.ephemeral = 1;
  uint8_t *buf;
  size_t len;
  CHECK_EQ_INT(cwaku_message_encode(&buf, &len, &m, CWAKU_MESSAGE_MAX_DEFAULT),
               0);
  struct cwaku_message d;
  CHECK_EQ_INT(cwaku_message_decode(&d, buf, len, CWAKU_MESSAGE_MAX_DEFAULT),
               0);
  CHECK_EQ_INT(d.payload_len, 300);
  CHECK_MEM(d.payload, payload, 300);
  CHECK_EQ_STR(d.content_topic, "/toychat/2/huilong/proto");
  CHECK(d.has_version && d.version == 1);
  CHECK(d.has_timestamp && d.timestamp == -1234567890123LL);
  CHECK(d.has_meta && d.meta_len == 64);
  CHECK(d.has_rate_limit_proof && d.rate_limit_proof_len == 200);
  CHECK(d.has_ephemeral && d.ephemeral);
  cwaku_message_clear(&d);
  CHECK(d.storage_ == NULL);
  /* Limits: the encoding is larger than a tight maximum. */
  CHECK_EQ_INT(cwaku_message_decode(&d, buf, len, len - 1), CWAKU_ETOOBIG);
  uint8_t *buf2;
  size_t len2;
  CHECK_EQ_INT(cwaku_message_encode(&buf2, &len2, &m, len - 1), CWAKU_ETOOBIG);
  free(buf);
  m.meta_len = 65;
  CHECK_EQ_INT(
      cwaku_message_encode(&buf2, &len2, &m, CWAKU_MESSAGE_MAX_DEFAULT),
      CWAKU_ETOOBIG);
}

/* Hand-made encodings: what a peer could send. */
static void test_decode_wire(void) {
  struct cwaku_message d;
  uint8_t wire[128];
  /* payload "ab", content topic "/a/1/b/c", version 0, timestamp 1 (zigzag 2)
   */
  size_t n = check_unhex(wire, sizeof wire,
                         "0a02616212082f612f312f622f6318005002f80101");
  CHECK_EQ_INT(cwaku_message_decode(&d, wire, n, 1000), 0);
  CHECK_EQ_STR(d.content_topic, "/a/1/b/c");
  CHECK(d.has_version && d.version == 0);
  CHECK(d.has_timestamp && d.timestamp == 1);
  CHECK(d.has_ephemeral && d.ephemeral);
  cwaku_message_clear(&d);
  /* truncated: length says 8, 7 follow; or inside a varint */
  CHECK_EQ_INT(cwaku_message_decode(&d, wire, 11, 1000), CWAKU_ETRUNC);
  n = check_unhex(wire, sizeof wire, "50ff");
  CHECK_EQ_INT(cwaku_message_decode(&d, wire, n, 1000), CWAKU_ETRUNC);
  /* a group wire type, field number 0, a varint past 64 bits */
  n = check_unhex(wire, sizeof wire, "a301");
  CHECK_EQ_INT(cwaku_message_decode(&d, wire, n, 1000), CWAKU_EMALFORMED);
  n = check_unhex(wire, sizeof wire, "0000");
  CHECK_EQ_INT(cwaku_message_decode(&d, wire, n, 1000), CWAKU_EMALFORMED);
  n = check_unhex(wire, sizeof wire, "50ffffffffffffffffff7f");
  CHECK_EQ_INT(cwaku_message_decode(&d, wire, n, 1000), CWAKU_EMALFORMED);
  /* unknown fields are skipped, up to 64 fields in all */
  uint8_t many[200];
  for (int i = 0; i < 65; i++) {
    many[2 * i] = 0x20; /* field 4, varint */
    many[2 * i + 1] = 0x00;
  }
  CHECK_EQ_INT(cwaku_message_decode(&d, many, 128, 1000), 0);
  cwaku_message_clear(&d);
  CHECK_EQ_INT(cwaku_message_decode(&d, many, 130, 1000), CWAKU_EMALFORMED);
  /* meta of 65 bytes (field 11) */
  uint8_t big[80];
  big[0] = 0x5a;
  big[1] = 65;
  memset(big + 2, 1, 65);
  CHECK_EQ_INT(cwaku_message_decode(&d, big, 67, 1000), CWAKU_ETOOBIG);
  big[1] = 64;
  CHECK_EQ_INT(cwaku_message_decode(&d, big, 66, 1000), 0);
  CHECK(d.has_meta && d.meta_len == 64);
  cwaku_message_clear(&d);
  /* a NUL inside the content topic, and invalid UTF-8 */
  n = check_unhex(wire, sizeof wire, "1203610062");
  CHECK_EQ_INT(cwaku_message_decode(&d, wire, n, 1000), CWAKU_EMALFORMED);
  n = check_unhex(wire, sizeof wire, "1202c0af");
  CHECK_EQ_INT(cwaku_message_decode(&d, wire, n, 1000), CWAKU_EMALFORMED);
  n = check_unhex(wire, sizeof wire, "1204f09f9880"); /* U+1F600 is fine */
  CHECK_EQ_INT(cwaku_message_decode(&d, wire, n, 1000), 0);
  cwaku_message_clear(&d);
  /* wrong wire type for payload (varint instead of bytes) */
  n = check_unhex(wire, sizeof wire, "0801");
  CHECK_EQ_INT(cwaku_message_decode(&d, wire, n, 1000), CWAKU_EMALFORMED);
  /* the empty message is valid: every field absent */
  CHECK_EQ_INT(cwaku_message_decode(&d, wire, 0, 1000), 0);
  CHECK(d.payload_len == 0 && d.content_topic_len == 0 && !d.has_timestamp);
  cwaku_message_clear(&d);
}

int main(void) {
  test_spec_vectors();
  test_zero_timestamp();
  test_roundtrip();
  test_decode_wire();
  return check_summary("message");
}
