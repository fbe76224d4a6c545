/* hex, base58btc, base32, base64url (src/base). */
#include "check.h"
#include "cwaku/encoding.h"
#include "cwaku/env.h"

typedef int (*enc_fn)(char *, size_t *, const uint8_t *, size_t);
typedef int (*dec_fn)(uint8_t *, size_t *, const char *, size_t);

static void check_vector(enc_fn enc, dec_fn dec, const char *bytes,
                         size_t nbytes, const char *text) {
  char out[256];
  size_t outlen = sizeof out;
  CHECK_EQ_INT(enc(out, &outlen, (const uint8_t *)bytes, nbytes), 0);
  CHECK_EQ_STR(out, text);
  CHECK_EQ_INT(outlen, strlen(text));
  uint8_t back[256];
  size_t backlen = sizeof back;
  CHECK_EQ_INT(dec(back, &backlen, text, strlen(text)), 0);
  CHECK_EQ_INT(backlen, nbytes);
  CHECK_MEM(back, bytes, nbytes);
}

static int dec_fails(dec_fn dec, const char *text) {
  uint8_t back[256];
  size_t backlen = sizeof back;
  return dec(back, &backlen, text, strlen(text)) == CWAKU_EENCODING;
}

static void test_rfc4648(void) {
  /* RFC 4648 §10 test vectors (base32 lower case, no padding). */
  static const char *in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
  static const char *b32[] = {"",        "my",       "mzxq",      "mzxw6",
                              "mzxw6yq", "mzxw6ytb", "mzxw6ytboi"};
  static const char *b64[] = {"",       "Zg",      "Zm8",     "Zm9v",
                              "Zm9vYg", "Zm9vYmE", "Zm9vYmFy"};
  for (int i = 0; i < 7; i++) {
    check_vector(cwaku_base32_encode, cwaku_base32_decode, in[i], strlen(in[i]),
                 b32[i]);
    check_vector(cwaku_base64url_encode, cwaku_base64url_decode, in[i],
                 strlen(in[i]), b64[i]);
  }
  /* the two url-safe characters */
  check_vector(cwaku_base64url_encode, cwaku_base64url_decode, "\xfb\xff", 2,
               "-_8");
  CHECK(dec_fails(cwaku_base64url_decode, "Zm9v+g"));
  CHECK(dec_fails(cwaku_base64url_decode, "Zm9vYg=="));
  CHECK(dec_fails(cwaku_base64url_decode, "Z"));
  CHECK(dec_fails(cwaku_base64url_decode, "Zh")); /* non-zero spare bits */
  CHECK(dec_fails(cwaku_base32_decode, "MZXQ"));  /* upper case */
  CHECK(dec_fails(cwaku_base32_decode, "m"));
  CHECK(dec_fails(cwaku_base32_decode, "mz")); /* non-zero spare bits */
  CHECK(dec_fails(cwaku_base32_decode, "mzx1"));
}

static void test_base58(void) {
  check_vector(cwaku_base58btc_encode, cwaku_base58btc_decode, "Hello World!",
               12, "2NEpo7TZRRrLZSi2U");
  check_vector(cwaku_base58btc_encode, cwaku_base58btc_decode,
               "The quick brown fox jumps over the lazy dog.", 44,
               "USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z");
  check_vector(cwaku_base58btc_encode, cwaku_base58btc_decode,
               "\0\0\x28\x7f\xb4\xcd", 6, "11233QC4");
  check_vector(cwaku_base58btc_encode, cwaku_base58btc_decode, "\0", 1, "1");
  check_vector(cwaku_base58btc_encode, cwaku_base58btc_decode, "", 0, "");
  CHECK(dec_fails(cwaku_base58btc_decode, "0OIl"));
  /* Text that decodes to more bytes than the encoder takes (1024) is
   * refused, so decode and encode accept the same values. */
  char longtext[1399]; /* 58^1399 - 1 takes 1025 bytes */
  memset(longtext, 'z', sizeof longtext);
  uint8_t big[1100];
  size_t biglen = sizeof big;
  CHECK_EQ_INT(cwaku_base58btc_decode(big, &biglen, longtext, sizeof longtext),
               CWAKU_ETOOBIG);
  biglen = sizeof big; /* 1398 characters give 1024 bytes: accepted */
  CHECK_EQ_INT(cwaku_base58btc_decode(big, &biglen, longtext, 1398), 0);
  CHECK_EQ_INT(biglen, 1024);
  CHECK(dec_fails(cwaku_base58btc_decode, "2NEpo7TZRRrLZSi2U "));
}

static void test_hex(void) {
  check_vector(cwaku_hex_encode, cwaku_hex_decode, "\x01\xab\xff", 3, "01abff");
  uint8_t b[4];
  size_t n = sizeof b;
  CHECK_EQ_INT(cwaku_hex_decode(b, &n, "0xABcd", 6), 0);
  CHECK_EQ_INT(n, 2);
  CHECK(b[0] == 0xab && b[1] == 0xcd);
  CHECK(dec_fails(cwaku_hex_decode, "abc"));
  CHECK(dec_fails(cwaku_hex_decode, "zz"));
  n = 1;
  CHECK_EQ_INT(cwaku_hex_decode(b, &n, "0102", 4), CWAKU_ETOOBIG);
  char small[4];
  n = sizeof small;
  CHECK_EQ_INT(cwaku_hex_encode(small, &n, b, 2), CWAKU_ETOOBIG);
}

/* Random bytes survive every encoding in both directions. */
static void test_random_roundtrips(void) {
  struct cwaku_seeded_rng rng;
  cwaku_seeded_rng_init(&rng, 42);
  enc_fn encs[] = {cwaku_hex_encode, cwaku_base58btc_encode,
                   cwaku_base32_encode, cwaku_base64url_encode};
  dec_fn decs[] = {cwaku_hex_decode, cwaku_base58btc_decode,
                   cwaku_base32_decode, cwaku_base64url_decode};
  int failures = 0;
  for (int round = 0; round < 2000; round++) {
    uint8_t in[64], len8, back[64];
    cwaku_random(&rng.rng, &len8, 1);
    size_t len = len8 % 65;
    cwaku_random(&rng.rng, in, len);
    if (round % 7 == 0 && len > 2)
      in[0] = in[1] = 0; /* leading zeros matter to base58 */
    for (int e = 0; e < 4; e++) {
      char text[200];
      size_t tl = sizeof text, bl = sizeof back;
      if (encs[e](text, &tl, in, len) || decs[e](back, &bl, text, tl) ||
          bl != len || memcmp(back, in, len))
        failures++;
    }
  }
  CHECK_EQ_INT(failures, 0);
}

int main(void) {
  test_rfc4648();
  test_base58();
  test_hex();
  test_random_roundtrips();
  return check_summary("encoding");
}
