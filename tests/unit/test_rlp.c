/* RLP: yellow paper appendix B examples, canonical-form rejections. */
#include <stdint.h>

#include "check.h"
#include "waku/rlp.h"

/* Decodes one item from hex and returns the cursor error. */
static int read_hex(struct cwaku__rlp_item *item, const char *hex,
                    size_t *left) {
  static unsigned char buf[2048];
  size_t n = check_unhex(buf, sizeof buf, hex);
  struct cwaku__rcur c;
  cwaku__rcur_init(&c, buf, n);
  cwaku__rlp_read(&c, item);
  if (left)
    *left = cwaku__rcur_left(&c);
  return cwaku__rcur_err(&c);
}

static int read_uint_hex(uint64_t *v, const char *hex) {
  unsigned char buf[64];
  size_t n = check_unhex(buf, sizeof buf, hex);
  struct cwaku__rcur c;
  cwaku__rcur_init(&c, buf, n);
  *v = cwaku__rlp_read_uint64(&c);
  return cwaku__rcur_err(&c);
}

/* Encodes a string and compares with the expected hex. */
static void check_string_enc(const uint8_t *p, size_t n, const char *hex) {
  unsigned char want[2048];
  size_t wn = check_unhex(want, sizeof want, hex);
  struct cwaku__wbuf w;
  cwaku__wbuf_init(&w, 4096);
  cwaku__rlp_put_string(&w, p, n);
  CHECK_EQ_INT(cwaku__wbuf_err(&w), 0);
  CHECK_EQ_INT(w.len, wn);
  CHECK_EQ_INT(cwaku__rlp_string_len(p, n), wn);
  if (w.len == wn)
    CHECK_MEM(w.p, want, wn);
  cwaku__wbuf_clear(&w);
}

static void check_uint_enc(uint64_t v, const char *hex) {
  unsigned char want[16];
  size_t wn = check_unhex(want, sizeof want, hex);
  struct cwaku__wbuf w;
  cwaku__wbuf_init(&w, 64);
  cwaku__rlp_put_uint(&w, v);
  CHECK_EQ_INT(w.len, wn);
  CHECK_EQ_INT(cwaku__rlp_uint_len(v), wn);
  if (w.len == wn)
    CHECK_MEM(w.p, want, wn);
  cwaku__wbuf_clear(&w);
  uint64_t back = 1;
  CHECK_EQ_INT(read_uint_hex(&back, hex), 0);
  CHECK(back == v);
}

static void test_yellow_paper_examples(void) {
  /* Appendix B / the Ethereum wiki examples. */
  check_string_enc((const uint8_t *)"dog", 3, "83646f67");
  check_string_enc((const uint8_t *)"", 0, "80");
  check_string_enc((const uint8_t *)"\x00", 1, "00");
  check_string_enc((const uint8_t *)"\x0f", 1, "0f");
  check_string_enc((const uint8_t *)"\x80", 1, "8180");
  const char *lorem =
      "Lorem ipsum dolor sit amet, consectetur adipisicing elit";
  check_string_enc(
      (const uint8_t *)lorem, 56,
      "b8384c6f72656d20697073756d20646f6c6f722073697420616d65742c"
      "20636f6e7365637465747572206164697069736963696e6720656c6974");
  check_uint_enc(0, "80");
  check_uint_enc(15, "0f");
  check_uint_enc(127, "7f");
  check_uint_enc(128, "8180");
  check_uint_enc(1024, "820400");
  check_uint_enc(UINT64_MAX, "88ffffffffffffffff");

  /* ["cat", "dog"] */
  struct cwaku__wbuf w;
  cwaku__wbuf_init(&w, 64);
  cwaku__rlp_put_list_header(&w, 8);
  cwaku__rlp_put_string(&w, (const uint8_t *)"cat", 3);
  cwaku__rlp_put_string(&w, (const uint8_t *)"dog", 3);
  unsigned char want[9];
  check_unhex(want, sizeof want, "c88363617483646f67");
  CHECK_EQ_INT(w.len, 9);
  CHECK_MEM(w.p, want, 9);
  cwaku__wbuf_clear(&w);
  CHECK_EQ_INT(cwaku__rlp_list_header_len(0), 1);
  CHECK_EQ_INT(cwaku__rlp_list_header_len(55), 1);
  CHECK_EQ_INT(cwaku__rlp_list_header_len(56), 2);
  CHECK_EQ_INT(cwaku__rlp_list_header_len(256), 3);

  struct cwaku__rlp_item it;
  size_t left;
  CHECK_EQ_INT(read_hex(&it, "c88363617483646f67", &left), 0);
  CHECK(it.is_list);
  CHECK_EQ_INT(it.len, 8);
  CHECK_EQ_INT(it.enclen, 9);
  CHECK_EQ_INT(left, 0);
  struct cwaku__rcur inner;
  cwaku__rcur_init(&inner, it.p, it.len);
  struct cwaku__rlp_item a, b;
  cwaku__rlp_read_string(&inner, &a);
  cwaku__rlp_read_string(&inner, &b);
  CHECK_EQ_INT(cwaku__rcur_err(&inner), 0);
  CHECK(a.len == 3 && memcmp(a.p, "cat", 3) == 0);
  CHECK(b.len == 3 && memcmp(b.p, "dog", 3) == 0);
  CHECK_EQ_INT(cwaku__rcur_left(&inner), 0);

  CHECK_EQ_INT(read_hex(&it, "c0", NULL), 0);
  CHECK(it.is_list && it.len == 0);
  CHECK_EQ_INT(read_hex(&it, "7f01", &left), 0);
  CHECK(!it.is_list && it.len == 1 && it.p[0] == 0x7f && it.enclen == 1);
  CHECK_EQ_INT(left, 1);
  CHECK_EQ_INT(read_hex(&it, "8180", NULL), 0);
  CHECK(it.len == 1 && it.p[0] == 0x80);
}

static void test_long_forms(void) {
  static uint8_t big[70000];
  for (size_t i = 0; i < sizeof big; i++)
    big[i] = (uint8_t)(i * 7 + 1);
  const size_t lens[] = {55, 56, 255, 256, 1024, 65535, 65536, 70000};
  for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++) {
    struct cwaku__wbuf w;
    cwaku__wbuf_init(&w, 1 << 20);
    cwaku__rlp_put_string(&w, big, lens[k]);
    CHECK_EQ_INT(w.len, cwaku__rlp_string_len(big, lens[k]));
    struct cwaku__rcur c;
    cwaku__rcur_init(&c, w.p, w.len);
    struct cwaku__rlp_item it;
    cwaku__rlp_read(&c, &it);
    CHECK_EQ_INT(cwaku__rcur_err(&c), 0);
    CHECK(!it.is_list && it.len == lens[k] && it.enclen == w.len);
    CHECK(it.p && memcmp(it.p, big, lens[k]) == 0);
    /* Every strict prefix is truncated. */
    for (size_t cut = 0; cut < w.len; cut += 1 + cut / 2) {
      cwaku__rcur_init(&c, w.p, cut);
      cwaku__rlp_read(&c, &it);
      CHECK_EQ_INT(cwaku__rcur_err(&c), CWAKU_ETRUNC);
      CHECK(it.p == NULL && it.len == 0);
    }
    cwaku__wbuf_clear(&w);
  }
}

static void test_non_canonical(void) {
  struct cwaku__rlp_item it;
  /* A single byte below 0x80 encoded as a one-byte string. */
  CHECK_EQ_INT(read_hex(&it, "8105", NULL), CWAKU_EMALFORMED);
  CHECK_EQ_INT(read_hex(&it, "8100", NULL), CWAKU_EMALFORMED);
  /* The long form for a payload under 56 bytes. */
  CHECK_EQ_INT(read_hex(&it, "b803646f67", NULL), CWAKU_EMALFORMED);
  CHECK_EQ_INT(read_hex(&it,
                        "b837"
                        "0000000000000000000000000000000000000000000000000000"
                        "0000000000000000000000000000000000000000000000000000"
                        "00000000",
                        NULL),
               CWAKU_EMALFORMED);
  CHECK_EQ_INT(read_hex(&it, "f803c0c0c0", NULL), CWAKU_EMALFORMED);
  /* A leading zero in the length of the length. */
  CHECK_EQ_INT(read_hex(&it, "b90038", NULL), CWAKU_EMALFORMED);
  CHECK_EQ_INT(read_hex(&it, "f90038", NULL), CWAKU_EMALFORMED);
  /* Lengths beyond the input. */
  CHECK_EQ_INT(read_hex(&it, "83646f", NULL), CWAKU_ETRUNC);
  CHECK_EQ_INT(read_hex(&it, "b8", NULL), CWAKU_ETRUNC);
  CHECK_EQ_INT(read_hex(&it, "b840", NULL), CWAKU_ETRUNC);
  CHECK_EQ_INT(read_hex(&it, "bfffffffffffffffff00", NULL), CWAKU_ETRUNC);
  CHECK_EQ_INT(read_hex(&it, "c3", NULL), CWAKU_ETRUNC);
  CHECK_EQ_INT(read_hex(&it, "", NULL), CWAKU_ETRUNC);

  /* Integers: no leading zero, at most 8 bytes, not a list. */
  uint64_t v;
  CHECK_EQ_INT(read_uint_hex(&v, "820001"), CWAKU_EMALFORMED);
  CHECK_EQ_INT(read_uint_hex(&v, "00"), CWAKU_EMALFORMED);
  CHECK_EQ_INT(read_uint_hex(&v, "89010000000000000000"), CWAKU_EMALFORMED);
  CHECK_EQ_INT(read_uint_hex(&v, "c0"), CWAKU_EMALFORMED);
  CHECK_EQ_INT(read_uint_hex(&v, "8201"), CWAKU_ETRUNC);

  /* A list where a string is required. */
  unsigned char buf[4];
  size_t n = check_unhex(buf, sizeof buf, "c180");
  struct cwaku__rcur c;
  cwaku__rcur_init(&c, buf, n);
  cwaku__rlp_read_string(&c, &it);
  CHECK_EQ_INT(cwaku__rcur_err(&c), CWAKU_EMALFORMED);

  /* Sticky: after a failure nothing more is read. */
  n = check_unhex(buf, sizeof buf, "810580");
  cwaku__rcur_init(&c, buf, n);
  cwaku__rlp_read(&c, &it);
  cwaku__rlp_read(&c, &it);
  CHECK_EQ_INT(cwaku__rcur_err(&c), CWAKU_EMALFORMED);
  CHECK(it.p == NULL);
}

static void test_encoder_cap(void) {
  uint8_t data[100] = {0};
  struct cwaku__wbuf w;
  cwaku__wbuf_init(&w, 50);
  cwaku__rlp_put_string(&w, data, sizeof data);
  CHECK_EQ_INT(cwaku__wbuf_err(&w), CWAKU_ETOOBIG);
  cwaku__wbuf_clear(&w);
}

int main(void) {
  test_yellow_paper_examples();
  test_long_forms();
  test_non_canonical();
  test_encoder_cap();
  return check_summary("rlp");
}
