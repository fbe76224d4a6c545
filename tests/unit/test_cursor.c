/* Cursors and varints (src/base/cursor.c). */
#include "base/cursor.h"
#include "check.h"

static uint64_t read_varint(const char *hex, int *err, size_t *left) {
  unsigned char buf[32];
  size_t n = check_unhex(buf, sizeof buf, hex);
  struct cwaku__rcur c;
  cwaku__rcur_init(&c, buf, n);
  uint64_t v = cwaku__rcur_uvarint(&c);
  *err = cwaku__rcur_err(&c);
  *left = cwaku__rcur_left(&c);
  return v;
}

static void test_uvarint_decode(void) {
  int err;
  size_t left;
  /* multiformats/unsigned-varint examples */
  CHECK_EQ_INT(read_varint("00", &err, &left), 0);
  CHECK_EQ_INT(err, 0);
  CHECK_EQ_INT(read_varint("01", &err, &left), 1);
  CHECK_EQ_INT(read_varint("7f", &err, &left), 127);
  CHECK_EQ_INT(read_varint("8001", &err, &left), 128);
  CHECK_EQ_INT(read_varint("ff01", &err, &left), 255);
  CHECK_EQ_INT(read_varint("ac02", &err, &left), 300);
  CHECK_EQ_INT(read_varint("808001", &err, &left), 16384);
  CHECK_EQ_INT(err, 0);
  /* the largest 9-byte value: 2^63 - 1 */
  CHECK(read_varint("ffffffffffffffff7f", &err, &left) ==
        UINT64_C(0x7fffffffffffffff));
  CHECK_EQ_INT(err, 0);
  /* trailing bytes stay in the cursor */
  CHECK_EQ_INT(read_varint("0102", &err, &left), 1);
  CHECK_EQ_INT(left, 1);
  /* non-minimal encodings */
  read_varint("8000", &err, &left);
  CHECK_EQ_INT(err, CWAKU_EVARINT);
  read_varint("ff00", &err, &left);
  CHECK_EQ_INT(err, CWAKU_EVARINT);
  read_varint("818000", &err, &left);
  CHECK_EQ_INT(err, CWAKU_EVARINT);
  /* a tenth byte would be needed: over-long */
  read_varint("ffffffffffffffffff01", &err, &left);
  CHECK_EQ_INT(err, CWAKU_EVARINT);
  read_varint("808080808080808080", &err, &left);
  CHECK_EQ_INT(err, CWAKU_EVARINT);
  /* truncated */
  read_varint("80", &err, &left);
  CHECK_EQ_INT(err, CWAKU_ETRUNC);
  read_varint("", &err, &left);
  CHECK_EQ_INT(err, CWAKU_ETRUNC);
}

static void test_uvarint_roundtrip(void) {
  uint64_t values[] = {0,
                       1,
                       127,
                       128,
                       300,
                       16383,
                       16384,
                       UINT32_MAX,
                       UINT64_C(1) << 62,
                       (UINT64_C(1) << 63) - 1};
  for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
    struct cwaku__wbuf w;
    cwaku__wbuf_init(&w, 64);
    cwaku__wbuf_uvarint(&w, values[i]);
    CHECK_EQ_INT(cwaku__wbuf_err(&w), 0);
    CHECK_EQ_INT(w.len, cwaku__uvarint_len(values[i]));
    struct cwaku__rcur c;
    cwaku__rcur_init(&c, w.p, w.len);
    CHECK(cwaku__rcur_uvarint(&c) == values[i]);
    CHECK_EQ_INT(cwaku__rcur_err(&c), 0);
    CHECK_EQ_INT(cwaku__rcur_left(&c), 0);
    cwaku__wbuf_clear(&w);
  }
  struct cwaku__wbuf w;
  cwaku__wbuf_init(&w, 64);
  cwaku__wbuf_uvarint(&w, UINT64_C(1) << 63);
  CHECK_EQ_INT(cwaku__wbuf_err(&w), CWAKU_EVARINT);
  cwaku__wbuf_clear(&w);
}

static void test_sticky_failure(void) {
  const uint8_t buf[5] = {1, 2, 3, 4, 5};
  struct cwaku__rcur c;
  cwaku__rcur_init(&c, buf, sizeof buf);
  CHECK_EQ_INT(cwaku__rcur_be16(&c), 0x0102);
  CHECK_EQ_INT(cwaku__rcur_be32(&c), 0); /* only 3 left */
  CHECK_EQ_INT(cwaku__rcur_err(&c), CWAKU_ETRUNC);
  CHECK_EQ_INT(cwaku__rcur_u8(&c), 0); /* stays failed */
  CHECK(cwaku__rcur_take(&c, 0) == NULL);
  cwaku__rcur_fail(&c, CWAKU_EMALFORMED); /* the first error is kept */
  CHECK_EQ_INT(cwaku__rcur_err(&c), CWAKU_ETRUNC);

  cwaku__rcur_init(&c, buf, sizeof buf);
  CHECK_EQ_INT(cwaku__rcur_u8(&c), 1);
  CHECK_EQ_INT(cwaku__rcur_be32(&c), 0x02030405);
  CHECK_EQ_INT(cwaku__rcur_err(&c), 0);
  uint8_t out[2] = {9, 9};
  cwaku__rcur_copy(&c, out, 2);
  CHECK(out[0] == 0 && out[1] == 0); /* cleared on failure */
}

static void test_wbuf_cap(void) {
  struct cwaku__wbuf w;
  cwaku__wbuf_init(&w, 10);
  cwaku__wbuf_be64(&w, UINT64_C(0x0102030405060708));
  cwaku__wbuf_be16(&w, 0x090a);
  CHECK_EQ_INT(cwaku__wbuf_err(&w), 0);
  CHECK_EQ_INT(w.len, 10);
  CHECK_EQ_INT(w.p[0], 1);
  CHECK_EQ_INT(w.p[9], 10);
  cwaku__wbuf_u8(&w, 11);
  CHECK_EQ_INT(cwaku__wbuf_err(&w), CWAKU_ETOOBIG);
  CHECK_EQ_INT(w.len, 10);
  cwaku__wbuf_reset(&w);
  CHECK_EQ_INT(w.len, 0);
  CHECK_EQ_INT(cwaku__wbuf_err(&w), 0);
  /* growth across many small writes */
  cwaku__wbuf_clear(&w);
  w.max = 100000;
  for (int i = 0; i < 25000; i++)
    cwaku__wbuf_be32(&w, (uint32_t)i);
  CHECK_EQ_INT(cwaku__wbuf_err(&w), 0);
  CHECK_EQ_INT(w.len, 100000);
  CHECK_EQ_INT(w.p[99999], 24999 & 0xff);
  cwaku__wbuf_clear(&w);
}

static void test_errors(void) {
  CHECK_EQ_STR(cwaku_errname(CWAKU_ETRUNC), "CWAKU_ETRUNC");
  CHECK_EQ_STR(cwaku_strerror(CWAKU_ETRUNC), "input truncated");
  CHECK_EQ_STR(cwaku_strerror(0), "success");
  CHECK_EQ_STR(cwaku_strerror(-9999), "unknown error");
}

int main(void) {
  test_uvarint_decode();
  test_uvarint_roundtrip();
  test_sticky_failure();
  test_wbuf_cap();
  test_errors();
  return check_summary("cursor");
}
