/* 66/WAKU2-METADATA (src/waku/metadata.c): the codec byte for byte against
 * hand-computed protobuf, both forms of the repeated shards, the limits,
 * and the service end to end over two connection engines in memory. */
#include "check.h"
#include "p2p/connection.h"
#include "waku/metadata.h"

static struct cwaku__metadata m; /* 2 KiB: kept off the stack */

/* Hex with spaces between fields, for reading. */
static size_t unhex(uint8_t *buf, size_t cap, const char *spaced) {
  char hex[512];
  size_t n = 0;
  for (; *spaced && n + 1 < sizeof hex; spaced++)
    if (*spaced != ' ')
      hex[n++] = *spaced;
  hex[n] = 0;
  return check_unhex(buf, cap, hex);
}

static int decode_hex(const char *hex) {
  uint8_t buf[4096];
  size_t n = unhex(buf, sizeof buf, hex);
  return cwaku__metadata_decode(&m, buf, n);
}

static void check_shards(const uint16_t *want, size_t n) {
  CHECK_EQ_INT(m.n_shards, n);
  if (m.n_shards == n)
    for (size_t i = 0; i < n; i++)
      CHECK_EQ_INT(m.shards[i], want[i]);
}

/* Encodes {has_cluster, cluster, shards} and compares with hex. */
static void check_encode(bool has_cluster, uint32_t cluster,
                         const uint16_t *shards, size_t n, const char *hex) {
  static struct cwaku__metadata in;
  in.has_cluster = has_cluster;
  in.cluster = cluster;
  in.n_shards = n;
  if (n)
    memcpy(in.shards, shards, n * sizeof *shards);
  uint8_t want[256];
  size_t wn = unhex(want, sizeof want, hex);
  struct cwaku__wbuf w;
  cwaku__wbuf_init(&w, 4096);
  CHECK_EQ_INT(cwaku__metadata_encode(&w, &in), 0);
  CHECK_EQ_INT(w.len, wn);
  if (w.len == wn)
    CHECK_MEM(w.p, want, wn);
  /* and back */
  CHECK_EQ_INT(cwaku__metadata_decode(&m, w.p, w.len), 0);
  CHECK(m.has_cluster == has_cluster);
  CHECK_EQ_INT(m.cluster, has_cluster ? cluster : 0);
  check_shards(shards, n);
  cwaku__wbuf_clear(&w);
}

static void test_encode(void) {
  static const uint16_t twn[] = {0, 1, 2, 3, 4, 5, 6, 7};
  static const uint16_t status[] = {32, 64};
  static const uint16_t big[] = {200, 1023};
  /* nwaku: cluster always, then field 2 per shard, then field 3 packed,
   * present even when empty (minprotobuf writePacked). */
  check_encode(true, 1, NULL, 0, "0801 1a00");
  check_encode(false, 0, NULL, 0, "1a00");
  check_encode(true, 0, NULL, 0, "0800 1a00");
  check_encode(true, 16, status, 2, "0810 1020 1040 1a022040");
  check_encode(
      true, 1, twn, 8,
      "0801 1000 1001 1002 1003 1004 1005 1006 1007 1a08 0001020304050607");
  /* 300 = ac 02; 200 = c8 01; 1023 = ff 07; packed run of 4 bytes */
  check_encode(true, 300, big, 2, "08ac02 10c801 10ff07 1a04c801ff07");
  check_encode(true, UINT32_MAX, NULL, 0, "08ffffffff0f 1a00");

  static struct cwaku__metadata bad;
  struct cwaku__wbuf w;
  cwaku__wbuf_init(&w, 100000);
  bad.n_shards = 1;
  bad.shards[0] = CWAKU_METADATA_SHARD_LIMIT;
  CHECK_EQ_INT(cwaku__metadata_encode(&w, &bad), CWAKU_ESHARD);
  bad.n_shards = CWAKU_METADATA_MAX_SHARDS + 1;
  bad.shards[0] = 0;
  CHECK_EQ_INT(cwaku__metadata_encode(&w, &bad), CWAKU_ETOOBIG);
  /* the most shards, all above 127: 1024 * (3 + 2) + 3 bytes */
  bad.n_shards = CWAKU_METADATA_MAX_SHARDS;
  for (size_t i = 0; i < bad.n_shards; i++)
    bad.shards[i] = (uint16_t)(1023 - i % 128);
  cwaku__wbuf_reset(&w);
  CHECK_EQ_INT(cwaku__metadata_encode(&w, &bad), 0);
  CHECK_EQ_INT(w.len, 1024 * 5 + 3); /* 1a 80 10 */
  CHECK_EQ_INT(cwaku__metadata_decode(&m, w.p, w.len), 0);
  CHECK_EQ_INT(m.n_shards, CWAKU_METADATA_MAX_SHARDS);
  CHECK(memcmp(m.shards, bad.shards, sizeof bad.shards) == 0);
  /* a buffer too small for it */
  struct cwaku__wbuf small;
  cwaku__wbuf_init(&small, 10);
  CHECK_EQ_INT(cwaku__metadata_encode(&small, &bad), CWAKU_ETOOBIG);
  cwaku__wbuf_clear(&small);
  cwaku__wbuf_clear(&w);
}

static void test_decode_forms(void) {
  static const uint16_t s01[] = {0, 1}, s3264[] = {32, 64}, s7[] = {7},
                        s5[] = {5}, s123[] = {1, 2, 3};
  /* empty message: no cluster, no shards */
  CHECK_EQ_INT(decode_hex(""), 0);
  CHECK(!m.has_cluster && m.n_shards == 0);
  /* what nwaku sends for cluster 1, shards 0 and 1 */
  CHECK_EQ_INT(decode_hex("0801 1000 1001 1a020001"), 0);
  CHECK(m.has_cluster && m.cluster == 1);
  check_shards(s01, 2);
  /* proto3 packed field 2 (go-waku before it added field 3) */
  CHECK_EQ_INT(decode_hex("0810 12022040"), 0);
  CHECK(m.has_cluster && m.cluster == 16);
  check_shards(s3264, 2);
  /* unpacked field 2 only (nwaku before #2511, js-waku's protons) */
  CHECK_EQ_INT(decode_hex("0810 1020 1040"), 0);
  check_shards(s3264, 2);
  /* both forms of field 2 in one message: concatenated in order */
  CHECK_EQ_INT(decode_hex("1001 12020203"), 0);
  check_shards(s123, 3);
  CHECK(!m.has_cluster);
  /* field 3 wins over field 2, in either form */
  CHECK_EQ_INT(decode_hex("1005 1a0107"), 0);
  check_shards(s7, 1);
  CHECK_EQ_INT(decode_hex("1a0107 1005"), 0);
  check_shards(s7, 1);
  CHECK_EQ_INT(decode_hex("1807 1005"), 0); /* field 3 unpacked */
  check_shards(s7, 1);
  /* an empty field 3 leaves field 2's shards */
  CHECK_EQ_INT(decode_hex("1005 1a00"), 0);
  check_shards(s5, 1);
  /* the last cluster counts; non-minimal varints are protobuf */
  CHECK_EQ_INT(decode_hex("0801 0802"), 0);
  CHECK_EQ_INT(m.cluster, 2);
  CHECK_EQ_INT(decode_hex("088100"), 0);
  CHECK_EQ_INT(m.cluster, 1);
  CHECK_EQ_INT(decode_hex("08ffffffff0f"), 0);
  CHECK(m.cluster == UINT32_MAX);
  /* unknown fields of every wire type are skipped */
  CHECK_EQ_INT(decode_hex("2005"               /* 4: varint */
                          "2a02aabb"           /* 5: bytes */
                          "310102030405060708" /* 6: fixed64 */
                          "3d01020304"         /* 7: fixed32 */
                          "f8ffffff0f00"       /* 2^29-1: varint */
                          "0801 1a0107"),
               0);
  CHECK(m.has_cluster && m.cluster == 1);
  check_shards(s7, 1);
  /* the largest shard */
  CHECK_EQ_INT(decode_hex("10ff07"), 0);
  CHECK_EQ_INT(m.shards[0], 1023);
}

static void test_decode_errors(void) {
  /* truncated */
  CHECK_EQ_INT(decode_hex("08"), CWAKU_ETRUNC);
  CHECK_EQ_INT(decode_hex("0880"), CWAKU_ETRUNC);
  CHECK_EQ_INT(decode_hex("120501"), CWAKU_ETRUNC);
  CHECK_EQ_INT(decode_hex("1a"), CWAKU_ETRUNC);
  CHECK_EQ_INT(decode_hex("2a03aa"), CWAKU_ETRUNC);
  CHECK_EQ_INT(decode_hex("3101020304"), CWAKU_ETRUNC);
  CHECK_EQ_INT(decode_hex("3d0102"), CWAKU_ETRUNC);
  CHECK(!m.has_cluster && m.n_shards == 0); /* emptied on failure */
  /* malformed */
  CHECK_EQ_INT(decode_hex("0001"), CWAKU_EMALFORMED);         /* field 0 */
  CHECK_EQ_INT(decode_hex("0b"), CWAKU_EMALFORMED);           /* group */
  CHECK_EQ_INT(decode_hex("2c"), CWAKU_EMALFORMED);           /* end group */
  CHECK_EQ_INT(decode_hex("26"), CWAKU_EMALFORMED);           /* type 6 */
  CHECK_EQ_INT(decode_hex("0d01000000"), CWAKU_EMALFORMED);   /* cluster i32 */
  CHECK_EQ_INT(decode_hex("0a0101"), CWAKU_EMALFORMED);       /* cluster len */
  CHECK_EQ_INT(decode_hex("088080808010"), CWAKU_EMALFORMED); /* 2^32 */
  CHECK_EQ_INT(decode_hex("1501000000"), CWAKU_EMALFORMED);   /* shard i32 */
  CHECK_EQ_INT(decode_hex("120180"), CWAKU_EMALFORMED); /* cut in the run */
  CHECK_EQ_INT(decode_hex("80808080808080808080"), CWAKU_EMALFORMED);
  CHECK_EQ_INT(decode_hex("8080808080808080800200"), CWAKU_EMALFORMED);
  CHECK_EQ_INT(decode_hex("8080808080010000"), CWAKU_EMALFORMED); /* 2^29 */
  /* shard out of range, in each form */
  CHECK_EQ_INT(decode_hex("108008"), CWAKU_ESHARD);
  CHECK_EQ_INT(decode_hex("1202ff07 108008"), CWAKU_ESHARD);
  CHECK_EQ_INT(decode_hex("1a028008"), CWAKU_ESHARD);
  CHECK_EQ_INT(decode_hex("18ffffffff0f"), CWAKU_ESHARD);
  CHECK(!m.has_cluster && m.n_shards == 0);

  /* the cap: 1024 entries in a field pass, 1025 do not, packed or not */
  static uint8_t buf[8192];
  size_t n = 0;
  buf[n++] = 0x12;
  buf[n++] = 0x80; /* 1024 = 80 08 */
  buf[n++] = 0x08;
  memset(buf + n, 9, 1024);
  n += 1024;
  CHECK_EQ_INT(cwaku__metadata_decode(&m, buf, n), 0);
  CHECK_EQ_INT(m.n_shards, 1024);
  buf[n++] = 0x10;
  buf[n++] = 0x09;
  CHECK_EQ_INT(cwaku__metadata_decode(&m, buf, n), CWAKU_ETOOBIG);
  n = 0;
  for (int i = 0; i < 1025; i++) {
    buf[n++] = 0x18;
    buf[n++] = 0x01;
  }
  CHECK_EQ_INT(cwaku__metadata_decode(&m, buf, n - 2), 0);
  CHECK_EQ_INT(cwaku__metadata_decode(&m, buf, n), CWAKU_ETOOBIG);
}

static void test_check(void) {
  CHECK_EQ_INT(cwaku__metadata_check(1, true, 1), 0);
  CHECK_EQ_INT(cwaku__metadata_check(0, true, 0), 0);
  CHECK_EQ_INT(cwaku__metadata_check(1, true, 16), CWAKU_ESHARD);
  CHECK_EQ_INT(cwaku__metadata_check(16, true, 0), CWAKU_ESHARD);
  CHECK_EQ_INT(cwaku__metadata_check(1, false, 0), CWAKU_ENOTFOUND);
  CHECK_EQ_INT(cwaku__metadata_check(0, false, 0), CWAKU_ENOTFOUND);
}

static void test_service_limits(void) {
  struct cwaku__metadata_service *s;
  static uint16_t shards[1100];
  /* each shard >= 128 costs 5 bytes: 203 fit in 1024, 204 do not */
  for (size_t i = 0; i < 1100; i++)
    shards[i] = (uint16_t)(128 + i % 896);
  CHECK_EQ_INT(cwaku__metadata_service_new(&s, 1, shards, 204, NULL, NULL),
               CWAKU_ETOOBIG);
  CHECK(s == NULL);
  CHECK_EQ_INT(cwaku__metadata_service_new(&s, 1, shards, 1100, NULL, NULL),
               CWAKU_ETOOBIG);
  shards[0] = 1024;
  CHECK_EQ_INT(cwaku__metadata_service_new(&s, 1, shards, 1, NULL, NULL),
               CWAKU_ESHARD);
  shards[0] = 128;
  /* 2 + 203 * 5 + 3 (1a, 2-byte length) = 1020 bytes */
  CHECK_EQ_INT(cwaku__metadata_service_new(&s, 1, shards, 203, NULL, NULL), 0);
  CHECK_EQ_INT(cwaku__metadata_service_set_shards(s, shards, 204),
               CWAKU_ETOOBIG);
  shards[0] = 5000;
  CHECK_EQ_INT(cwaku__metadata_service_set_shards(s, shards, 1), CWAKU_ESHARD);
  CHECK_EQ_INT(cwaku__metadata_service_set_shards(s, NULL, 0), 0);
  cwaku__metadata_service_free(s);
}

/* ---- end to end ------------------------------------------------------------
 */

struct side {
  struct cwaku__conn *conn;
  bool ready, closed;
  int close_err;
};

static void on_ready(struct cwaku__conn *c, void *arg) {
  ((struct side *)arg)->ready = true;
}
static void on_closed(struct cwaku__conn *c, int err, void *arg) {
  struct side *s = arg;
  s->closed = true;
  s->close_err = err;
}

static void pump(struct side *a, struct side *b, size_t chunk) {
  static uint8_t copy[1 << 20];
  for (int round = 0; round < 200000; round++) {
    bool moved = false;
    struct side *from[2] = {a, b}, *to[2] = {b, a};
    for (int i = 0; i < 2; i++) {
      if (from[i]->closed || to[i]->closed)
        continue;
      const uint8_t *p;
      size_t n;
      cwaku__conn_output(from[i]->conn, &p, &n);
      if (n == 0)
        continue;
      if (n > chunk)
        n = chunk;
      if (n > sizeof copy)
        n = sizeof copy;
      memcpy(copy, p, n);
      cwaku__conn_output_consumed(from[i]->conn, n);
      cwaku__conn_recv(to[i]->conn, copy, n, (uint64_t)round * 1000);
      moved = true;
    }
    if (!moved)
      return;
  }
}

/* What a service's callback heard. */
struct result {
  int calls;
  int err;
  bool has_cluster;
  uint32_t cluster;
  size_t n_shards;
  uint16_t shards[16];
  /* Acting as a node would: disconnect when the check says so. */
  uint32_t our_cluster;
  bool enforce;
  int check;
};

static void on_result(struct cwaku__conn *c, int err, uint32_t cluster,
                      bool has_cluster, const uint16_t *shards, size_t n,
                      void *arg) {
  struct result *r = arg;
  r->calls++;
  r->err = err;
  r->has_cluster = has_cluster;
  r->cluster = cluster;
  r->n_shards = n;
  for (size_t i = 0; i < n && i < 16; i++)
    r->shards[i] = shards[i];
  r->check =
      err ? err : cwaku__metadata_check(r->our_cluster, has_cluster, cluster);
  if (r->enforce && r->check)
    cwaku__conn_close(c, r->check); /* from inside the callback */
}

static struct cwaku_seeded_rng rng;
static cwaku_identity_key key_a, key_b;

static bool connect_pair(struct side *a, struct side *b,
                         struct cwaku__conn_config *ca,
                         struct cwaku__conn_config *cb,
                         const struct cwaku__proto_handler *const *ha,
                         size_t na,
                         const struct cwaku__proto_handler *const *hb,
                         size_t nb, bool mplex, size_t chunk) {
  static const char *const only_mplex[] = {"/mplex/6.7.0"};
  memset(a, 0, sizeof *a);
  memset(b, 0, sizeof *b);
  *ca = (struct cwaku__conn_config){.initiator = true,
                                    .identity = &key_a,
                                    .rng = &rng.rng,
                                    .handlers = ha,
                                    .n_handlers = na,
                                    .on_ready = on_ready,
                                    .on_closed = on_closed,
                                    .arg = a};
  cwaku__muxer_config_default(&ca->muxer);
  if (mplex) {
    ca->muxers = only_mplex;
    ca->n_muxers = 1;
  }
  *cb = *ca;
  cb->initiator = false;
  cb->identity = &key_b;
  cb->handlers = hb;
  cb->n_handlers = nb;
  cb->arg = b;
  cb->muxers = NULL;
  cb->n_muxers = 0;
  CHECK_EQ_INT(cwaku__conn_new(&a->conn, ca), 0);
  CHECK_EQ_INT(cwaku__conn_new(&b->conn, cb), 0);
  pump(a, b, chunk);
  CHECK(a->ready && b->ready);
  return a->ready && b->ready;
}

static void test_both_ways(bool mplex, size_t chunk) {
  static const uint16_t twn[] = {0, 1, 2, 3, 4, 5, 6, 7};
  static const uint16_t one[] = {3}, two[] = {5, 6};
  struct result ra = {.our_cluster = 1}, rb = {.our_cluster = 1};
  struct cwaku__metadata_service *sa, *sb;
  CHECK_EQ_INT(cwaku__metadata_service_new(&sa, 1, twn, 8, on_result, &ra), 0);
  CHECK_EQ_INT(cwaku__metadata_service_new(&sb, 1, one, 1, on_result, &rb), 0);
  const struct cwaku__proto_handler *ha[] = {cwaku__metadata_handler(sa)};
  const struct cwaku__proto_handler *hb[] = {cwaku__metadata_handler(sb)};
  struct side a, b;
  struct cwaku__conn_config ca, cb;
  if (!connect_pair(&a, &b, &ca, &cb, ha, 1, hb, 1, mplex, chunk))
    return;

  /* both ask at once, as nwaku does on every new connection */
  CHECK_EQ_INT(cwaku__metadata_request(sa, a.conn), 0);
  CHECK_EQ_INT(cwaku__metadata_request(sb, b.conn), 0);
  pump(&a, &b, chunk);
  CHECK_EQ_INT(ra.calls, 1);
  CHECK_EQ_INT(ra.err, 0);
  CHECK(ra.has_cluster && ra.cluster == 1);
  CHECK_EQ_INT(ra.n_shards, 1);
  CHECK_EQ_INT(ra.shards[0], 3);
  CHECK_EQ_INT(ra.check, 0);
  CHECK_EQ_INT(rb.calls, 1);
  CHECK_EQ_INT(rb.err, 0);
  CHECK(rb.has_cluster && rb.cluster == 1);
  CHECK_EQ_INT(rb.n_shards, 8);
  CHECK_MEM(rb.shards, twn, sizeof twn);

  /* the shards change: the next answer carries the new ones */
  CHECK_EQ_INT(cwaku__metadata_service_set_shards(sb, two, 2), 0);
  CHECK_EQ_INT(cwaku__metadata_request(sa, a.conn), 0);
  pump(&a, &b, chunk);
  CHECK_EQ_INT(ra.calls, 2);
  CHECK_EQ_INT(ra.n_shards, 2);
  CHECK_MEM(ra.shards, two, sizeof two);
  CHECK_EQ_INT(cwaku__metadata_service_set_shards(sb, NULL, 0), 0);
  CHECK_EQ_INT(cwaku__metadata_request(sa, a.conn), 0);
  pump(&a, &b, chunk);
  CHECK_EQ_INT(ra.calls, 3);
  CHECK_EQ_INT(ra.err, 0);
  CHECK_EQ_INT(ra.n_shards, 0);

  /* finished streams leave no state: many requests in turn all go */
  for (int i = 0; i < 3 * CWAKU_METADATA_MAX_STREAMS; i++) {
    CHECK_EQ_INT(cwaku__metadata_request(sa, a.conn), 0);
    pump(&a, &b, chunk);
  }
  CHECK_EQ_INT(ra.calls, 3 + 3 * CWAKU_METADATA_MAX_STREAMS);
  /* but only so many at once */
  for (int i = 0; i < CWAKU_METADATA_MAX_STREAMS; i++)
    CHECK_EQ_INT(cwaku__metadata_request(sa, a.conn), 0);
  CHECK_EQ_INT(cwaku__metadata_request(sa, a.conn), CWAKU_ETOOBIG);
  pump(&a, &b, chunk);
  CHECK_EQ_INT(ra.calls, 3 + 4 * CWAKU_METADATA_MAX_STREAMS);
  CHECK_EQ_INT(ra.err, 0);

  /* requests pending when the connection ends are reported */
  int before = ra.calls;
  CHECK_EQ_INT(cwaku__metadata_request(sa, a.conn), 0);
  CHECK_EQ_INT(cwaku__metadata_request(sa, a.conn), 0);
  cwaku__conn_close(a.conn, 0);
  CHECK_EQ_INT(ra.calls, before + 2);
  CHECK(ra.err != 0);
  CHECK(!b.closed);
  cwaku__metadata_service_forget(sb, b.conn);
  cwaku__conn_free(a.conn);
  cwaku__conn_free(b.conn);
  cwaku__metadata_service_free(sa);
  cwaku__metadata_service_free(sb);
}

/* A peer of another cluster: the callback sees it and disconnects. */
static void test_mismatch(bool mplex) {
  static const uint16_t sh[] = {32};
  struct result ra = {.our_cluster = 1, .enforce = true};
  struct result rb = {.our_cluster = 16, .enforce = true};
  struct cwaku__metadata_service *sa, *sb;
  CHECK_EQ_INT(cwaku__metadata_service_new(&sa, 1, NULL, 0, on_result, &ra), 0);
  CHECK_EQ_INT(cwaku__metadata_service_new(&sb, 16, sh, 1, on_result, &rb), 0);
  const struct cwaku__proto_handler *ha[] = {cwaku__metadata_handler(sa)};
  const struct cwaku__proto_handler *hb[] = {cwaku__metadata_handler(sb)};
  struct side a, b;
  struct cwaku__conn_config ca, cb;
  if (!connect_pair(&a, &b, &ca, &cb, ha, 1, hb, 1, mplex, 1 << 20))
    return;
  CHECK_EQ_INT(cwaku__metadata_request(sa, a.conn), 0);
  pump(&a, &b, 1 << 20);
  CHECK_EQ_INT(ra.calls, 1);
  CHECK_EQ_INT(ra.err, 0);
  CHECK(ra.has_cluster && ra.cluster == 16);
  CHECK_EQ_INT(ra.check, CWAKU_ESHARD);
  CHECK(a.closed);
  CHECK_EQ_INT(a.close_err, CWAKU_ESHARD);
  CHECK_EQ_INT(rb.calls, 0); /* b only answered */
  cwaku__metadata_service_forget(sb, b.conn);
  cwaku__conn_free(a.conn);
  cwaku__conn_free(b.conn);

  /* and the other way: b asks a, whose answer names cluster 1 */
  if (!connect_pair(&a, &b, &ca, &cb, ha, 1, hb, 1, mplex, 1 << 20))
    return;
  CHECK_EQ_INT(cwaku__metadata_request(sb, b.conn), 0);
  pump(&a, &b, 1 << 20);
  CHECK_EQ_INT(rb.calls, 1);
  CHECK(rb.has_cluster && rb.cluster == 1);
  CHECK_EQ_INT(rb.check, CWAKU_ESHARD);
  CHECK(b.closed);
  cwaku__metadata_service_forget(sa, a.conn);
  cwaku__conn_free(a.conn);
  cwaku__conn_free(b.conn);
  cwaku__metadata_service_free(sa);
  cwaku__metadata_service_free(sb);
}

/* ---- a scripted peer on the metadata protocol ------------------------------
 */

enum fake_mode {
  FAKE_ANSWER_AT_OPEN, /* writes bytes at once, then closes (js-waku order) */
  FAKE_RESET_AT_OPEN,
  FAKE_CLOSE_AT_OPEN, /* closes without a word */
};

static struct fake {
  enum fake_mode mode;
  uint8_t out[64];
  size_t out_len;
  /* as a client: what came back */
  uint8_t in[4096];
  size_t in_len;
  bool fin, closed, opened;
  int close_err;
} fk;

static void fake_server_open(struct cwaku__conn *c, uint64_t stream,
                             bool inbound, void *ctx) {
  size_t accepted;
  switch (fk.mode) {
  case FAKE_ANSWER_AT_OPEN:
    CHECK_EQ_INT(
        cwaku__conn_stream_write(c, stream, fk.out, fk.out_len, &accepted), 0);
    cwaku__conn_stream_close(c, stream);
    break;
  case FAKE_RESET_AT_OPEN:
    cwaku__conn_stream_reset(c, stream);
    break;
  case FAKE_CLOSE_AT_OPEN:
    cwaku__conn_stream_close(c, stream);
    break;
  }
}

static void fake_client_open(struct cwaku__conn *c, uint64_t stream,
                             bool inbound, void *ctx) {
  size_t accepted;
  fk.opened = true;
  /* fails on a stream the remote refused right after agreeing */
  if (cwaku__conn_stream_write(c, stream, fk.out, fk.out_len, &accepted) ||
      accepted != fk.out_len)
    return;
  if (fk.mode == FAKE_CLOSE_AT_OPEN)
    cwaku__conn_stream_close(c, stream);
}
static void fake_data(struct cwaku__conn *c, uint64_t stream, const uint8_t *d,
                      size_t n, void *ctx) {
  if (n > sizeof fk.in - fk.in_len)
    n = sizeof fk.in - fk.in_len;
  memcpy(fk.in + fk.in_len, d, n);
  fk.in_len += n;
}
static void fake_fin(struct cwaku__conn *c, uint64_t stream, void *ctx) {
  fk.fin = true;
  if (fk.mode != FAKE_CLOSE_AT_OPEN)
    cwaku__conn_stream_close(c, stream);
}
static void fake_server_fin(struct cwaku__conn *c, uint64_t stream, void *ctx) {
  fk.fin = true;
}
static void fake_close(struct cwaku__conn *c, uint64_t stream, int err,
                       void *ctx) {
  fk.closed = true;
  fk.close_err = err;
}

/* Our request against a peer that answers badly, or not at all. */
static void bad_responder(enum fake_mode mode, const char *hex, int want_err,
                          int want_check, size_t chunk) {
  struct cwaku__proto_handler fake = {.protocol = CWAKU_METADATA_PROTOCOL,
                                      .on_open = fake_server_open,
                                      .on_fin = fake_server_fin,
                                      .on_close = fake_close};
  memset(&fk, 0, sizeof fk);
  fk.mode = mode;
  fk.out_len = hex ? unhex(fk.out, sizeof fk.out, hex) : 0;
  struct result ra = {.our_cluster = 1};
  struct cwaku__metadata_service *sa;
  CHECK_EQ_INT(cwaku__metadata_service_new(&sa, 1, NULL, 0, on_result, &ra), 0);
  const struct cwaku__proto_handler *ha[] = {cwaku__metadata_handler(sa)};
  const struct cwaku__proto_handler *hb[] = {&fake};
  struct side a, b;
  struct cwaku__conn_config ca, cb;
  if (!connect_pair(&a, &b, &ca, &cb, ha, 1, hb, 1, false, chunk))
    return;
  CHECK_EQ_INT(cwaku__metadata_request(sa, a.conn), 0);
  pump(&a, &b, chunk);
  CHECK_EQ_INT(ra.calls, 1);
  CHECK_EQ_INT(ra.err, want_err);
  CHECK_EQ_INT(ra.check, want_check);
  CHECK(!a.closed && !b.closed); /* a bad stream, not a bad connection */
  /* and the connection still serves the next request (state was dropped) */
  fk.mode = FAKE_ANSWER_AT_OPEN;
  fk.out_len = unhex(fk.out, sizeof fk.out, "04 0801 1a00");
  CHECK_EQ_INT(cwaku__metadata_request(sa, a.conn), 0);
  pump(&a, &b, chunk);
  CHECK_EQ_INT(ra.calls, 2);
  CHECK_EQ_INT(ra.err, 0);
  CHECK(ra.has_cluster && ra.cluster == 1);
  cwaku__conn_close(a.conn, 0);
  cwaku__conn_free(a.conn);
  cwaku__conn_free(b.conn);
  cwaku__metadata_service_free(sa);
}

static void test_bad_responders(void) {
  size_t chunks[] = {1 << 20, 1};
  for (int i = 0; i < 2; i++) {
    size_t ch = chunks[i];
    const int trunc = CWAKU_ETRUNC, bad = CWAKU_EMALFORMED;
    /* answering before reading, as js-waku: fine, but cluster 16 */
    bad_responder(FAKE_ANSWER_AT_OPEN, "06 0810 1a022040", 0, CWAKU_ESHARD, ch);
    /* what follows the answer is not read */
    bad_responder(FAKE_ANSWER_AT_OPEN, "04 0801 1a00 ffffffff", 0, 0, ch);
    /* no cluster in the answer: reported, and the check says so */
    bad_responder(FAKE_ANSWER_AT_OPEN, "02 1a00", 0, CWAKU_ENOTFOUND, ch);
    /* a group field */
    bad_responder(FAKE_ANSWER_AT_OPEN, "02 0b00", bad, bad, ch);
    /* cut inside the message */
    bad_responder(FAKE_ANSWER_AT_OPEN, "02 0880", trunc, trunc, ch);
    /* shard 5000 */
    bad_responder(FAKE_ANSWER_AT_OPEN, "03 108827", CWAKU_ESHARD, CWAKU_ESHARD,
                  ch);
    /* 1025 bytes announced: refused before the body */
    bad_responder(FAKE_ANSWER_AT_OPEN, "8108", CWAKU_ETOOBIG, CWAKU_ETOOBIG,
                  ch);
    /* a non-minimal length prefix */
    bad_responder(FAKE_ANSWER_AT_OPEN, "8000", CWAKU_EVARINT, CWAKU_EVARINT,
                  ch);
    /* half a frame, then the end */
    bad_responder(FAKE_ANSWER_AT_OPEN, "05 08", trunc, trunc, ch);
    bad_responder(FAKE_CLOSE_AT_OPEN, NULL, trunc, trunc, ch);
    bad_responder(FAKE_RESET_AT_OPEN, NULL, CWAKU_EIO, CWAKU_EIO, ch);
  }
}

/* The remote does not speak metadata at all. */
static void test_unsupported(void) {
  struct result ra = {.our_cluster = 1};
  struct cwaku__metadata_service *sa;
  CHECK_EQ_INT(cwaku__metadata_service_new(&sa, 1, NULL, 0, on_result, &ra), 0);
  const struct cwaku__proto_handler *ha[] = {cwaku__metadata_handler(sa)};
  struct side a, b;
  struct cwaku__conn_config ca, cb;
  if (!connect_pair(&a, &b, &ca, &cb, ha, 1, NULL, 0, false, 1 << 20))
    return;
  CHECK_EQ_INT(cwaku__metadata_request(sa, a.conn), 0);
  pump(&a, &b, 1 << 20);
  CHECK_EQ_INT(ra.calls, 1);
  CHECK_EQ_INT(ra.err, CWAKU_EUNSUPPORTED);
  cwaku__conn_close(a.conn, 0);
  cwaku__conn_free(a.conn);
  cwaku__conn_free(b.conn);
  cwaku__metadata_service_free(sa);
}

/* Our responder against scripted requests: nwaku's bytes in, our bytes out
 * exactly; bad requests cost the stream. */
static void responder_case(const char *request_hex, bool close_after,
                           const char *want_hex, size_t chunk) {
  static const uint16_t sh[] = {0, 3};
  struct cwaku__proto_handler fake = {.protocol = CWAKU_METADATA_PROTOCOL,
                                      .on_open = fake_client_open,
                                      .on_data = fake_data,
                                      .on_fin = fake_fin,
                                      .on_close = fake_close};
  memset(&fk, 0, sizeof fk);
  fk.mode = close_after ? FAKE_CLOSE_AT_OPEN : FAKE_ANSWER_AT_OPEN;
  fk.out_len = unhex(fk.out, sizeof fk.out, request_hex);
  struct result rb = {.our_cluster = 1};
  struct cwaku__metadata_service *sb;
  CHECK_EQ_INT(cwaku__metadata_service_new(&sb, 1, sh, 2, on_result, &rb), 0);
  const struct cwaku__proto_handler *hb[] = {cwaku__metadata_handler(sb)};
  struct side a, b;
  struct cwaku__conn_config ca, cb;
  if (!connect_pair(&a, &b, &ca, &cb, NULL, 0, hb, 1, false, chunk))
    return;
  uint64_t id;
  CHECK_EQ_INT(cwaku__conn_open_stream(a.conn, &id, &fake), 0);
  pump(&a, &b, chunk);
  CHECK(fk.opened);
  if (want_hex) {
    uint8_t want[64];
    size_t wn = unhex(want, sizeof want, want_hex);
    CHECK_EQ_INT(fk.in_len, wn);
    if (fk.in_len == wn)
      CHECK_MEM(fk.in, want, wn);
    CHECK(fk.fin); /* the responder closed its side */
    CHECK(fk.closed);
    CHECK_EQ_INT(fk.close_err, 0);
  } else {
    CHECK_EQ_INT(fk.in_len, 0);
    CHECK(fk.closed);
    CHECK_EQ_INT(fk.close_err, CWAKU_EIO); /* reset */
  }
  CHECK_EQ_INT(rb.calls, 0);
  CHECK(!a.closed && !b.closed);
  cwaku__conn_close(a.conn, 0);
  cwaku__conn_free(a.conn);
  cwaku__conn_free(b.conn);
  cwaku__metadata_service_free(sb);
}

static void test_responder(void) {
  /* our answer for cluster 1, shards 0 and 3: 10 bytes, prefixed */
  const char *ours = "0a 0801 1000 1003 1a020003";
  size_t chunks[] = {1 << 20, 1};
  for (int i = 0; i < 2; i++) {
    size_t ch = chunks[i];
    /* nwaku's request for cluster 1, shards 0 and 1; nwaku closes only
     * after the answer, so the answer must not wait for our close */
    responder_case("0a 0801 1000 1001 1a020001", false, ours, ch);
    responder_case("0a 0801 1000 1001 1a020001", true, ours, ch);
    /* js-waku: cluster, no shards (it closes first); any cluster will do */
    responder_case("02 0810", true, ours, ch);
    /* go-waku before field 3: proto3 packed field 2 */
    responder_case("06 0810 12022040", false, ours, ch);
    /* an empty request is still a request */
    responder_case("00", true, ours, ch);
    /* a request that does not decode, is too big, or is never finished */
    responder_case("02 0b00", false, NULL, ch);
    responder_case("03 108827", false, NULL, ch);
    responder_case("8108", false, NULL, ch);
    responder_case("8000", false, NULL, ch);
  }
  /* closed before the request is whole: closed back, no answer */
  struct cwaku__proto_handler fake = {.protocol = CWAKU_METADATA_PROTOCOL,
                                      .on_open = fake_client_open,
                                      .on_data = fake_data,
                                      .on_fin = fake_fin,
                                      .on_close = fake_close};
  memset(&fk, 0, sizeof fk);
  fk.mode = FAKE_CLOSE_AT_OPEN;
  fk.out_len = unhex(fk.out, sizeof fk.out, "05 08");
  struct cwaku__metadata_service *sb;
  CHECK_EQ_INT(cwaku__metadata_service_new(&sb, 1, NULL, 0, NULL, NULL), 0);
  const struct cwaku__proto_handler *hb[] = {cwaku__metadata_handler(sb)};
  struct side a, b;
  struct cwaku__conn_config ca, cb;
  if (!connect_pair(&a, &b, &ca, &cb, NULL, 0, hb, 1, false, 1 << 20))
    return;
  uint64_t id;
  CHECK_EQ_INT(cwaku__conn_open_stream(a.conn, &id, &fake), 0);
  pump(&a, &b, 1 << 20);
  CHECK_EQ_INT(fk.in_len, 0);
  CHECK(fk.fin && fk.closed);
  CHECK_EQ_INT(fk.close_err, 0);
  /* more inbound streams than allowed at once: the extra ones are reset */
  memset(&fk, 0, sizeof fk);
  fk.mode = FAKE_ANSWER_AT_OPEN; /* writes a partial request, waits */
  fk.out_len = unhex(fk.out, sizeof fk.out, "05 08");
  int closed = 0;
  for (int i = 0; i < CWAKU_METADATA_MAX_STREAMS + 2; i++) {
    fk.closed = false;
    CHECK_EQ_INT(cwaku__conn_open_stream(a.conn, &id, &fake), 0);
    pump(&a, &b, 1 << 20);
    closed += fk.closed;
  }
  CHECK_EQ_INT(closed, 2);
  cwaku__conn_close(a.conn, 0);
  cwaku__conn_free(a.conn);
  cwaku__conn_free(b.conn);
  cwaku__metadata_service_free(sb);
}

int main(void) {
  cwaku_seeded_rng_init(&rng, 66);
  CHECK(cwaku_identity_generate(&key_a, CWAKU_KEY_SECP256K1, &rng.rng));
  CHECK(cwaku_identity_generate(&key_b, CWAKU_KEY_ED25519, &rng.rng));
  test_encode();
  test_decode_forms();
  test_decode_errors();
  test_check();
  test_service_limits();
  test_both_ways(false, 1 << 20);
  test_both_ways(false, 1);
  test_both_ways(true, 1 << 20);
  test_both_ways(true, 7);
  test_mismatch(false);
  test_mismatch(true);
  test_bad_responders();
  test_unsupported();
  test_responder();
  return check_summary("metadata");
}
