/* sha256, keccak256, secp256k1 keys and peer ids (src/crypto, src/p2p). */
#include "check.h"
#include "crypto/keccak256.h"
#include "crypto/sha256.h"
#include "cwaku/encoding.h"
#include "cwaku/key.h"
#include "cwaku/peer_id.h"

static void hex_of(char *out, size_t cap, const uint8_t *p, size_t n) {
  if (cwaku_hex_encode(out, &cap, p, n) != 0)
    abort();
}

static void test_keccak256(void) {
  uint8_t d[32];
  char hex[65];
  /* Ethereum's Keccak-256 (not FIPS SHA3-256). */
  cwaku__keccak256(d, "", 0);
  hex_of(hex, sizeof hex, d, 32);
  CHECK_EQ_STR(
      hex, "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  cwaku__keccak256(d, "abc", 3);
  hex_of(hex, sizeof hex, d, 32);
  CHECK_EQ_STR(
      hex, "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
  /* Solidity's keccak256("transfer(address,uint256)") selector a9059cbb */
  cwaku__keccak256(d, "transfer(address,uint256)", 25);
  hex_of(hex, sizeof hex, d, 4);
  CHECK_EQ_STR(hex, "a9059cbb");
  /* Incremental in odd pieces across the 136-byte rate equals one shot. */
  uint8_t msg[1000], one[32], inc[32];
  for (size_t i = 0; i < sizeof msg; i++)
    msg[i] = (uint8_t)(i * 7 + 3);
  for (size_t len = 130; len < 420; len += 17) {
    cwaku__keccak256(one, msg, len);
    struct cwaku__keccak256 h;
    cwaku__keccak256_init(&h);
    size_t off = 0, step = 1;
    while (off < len) {
      size_t k = step < len - off ? step : len - off;
      cwaku__keccak256_update(&h, msg + off, k);
      off += k;
      step = step * 3 % 151 + 1;
    }
    cwaku__keccak256_final(&h, inc);
    CHECK_MEM(one, inc, 32);
  }
}

static void test_sha256(void) {
  uint8_t d[32];
  char hex[65];
  cwaku__sha256(d, "abc", 3);
  hex_of(hex, sizeof hex, d, 32);
  CHECK_EQ_STR(
      hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_keys(void) {
  cwaku_seckey sk;
  cwaku_pubkey pk;
  char hex[200];
  memset(sk.data, 0, 32);
  sk.data[31] = 1;
  CHECK(cwaku_pubkey_from_seckey(&pk, &sk));
  hex_of(hex, sizeof hex, pk.data, 33);
  /* the generator G, compressed */
  CHECK_EQ_STR(
      hex,
      "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
  uint8_t un[65];
  CHECK(cwaku_pubkey_uncompressed(un, &pk));
  cwaku_pubkey back;
  CHECK(cwaku_pubkey_parse(&back, un, 65));
  CHECK_MEM(back.data, pk.data, 33);
  CHECK(!cwaku_pubkey_parse(&back, un, 64));
  un[64] ^= 1; /* off the curve */
  CHECK(!cwaku_pubkey_parse(&back, un, 65));

  memset(sk.data, 0, 32);
  CHECK(!cwaku_seckey_is_valid(&sk));
  CHECK(!cwaku_pubkey_from_seckey(&pk, &sk));
  memset(sk.data, 0xff, 32); /* above the group order */
  CHECK(!cwaku_seckey_is_valid(&sk));

  struct cwaku_seeded_rng rng;
  cwaku_seeded_rng_init(&rng, 7);
  CHECK(cwaku_seckey_generate(&sk, &rng.rng));
  CHECK(cwaku_pubkey_from_seckey(&pk, &sk));
  uint8_t h[32], sig[64];
  cwaku__sha256(h, "message", 7);
  CHECK(cwaku_ecdsa_sign(sig, &sk, h));
  CHECK(cwaku_ecdsa_verify(sig, h, &pk));
  uint8_t sig2[64];
  CHECK(cwaku_ecdsa_sign(sig2, &sk, h));
  CHECK_MEM(sig, sig2, 64); /* RFC 6979: deterministic */
  h[0] ^= 1;
  CHECK(!cwaku_ecdsa_verify(sig, h, &pk));
  h[0] ^= 1;
  sig[63] ^= 1;
  CHECK(!cwaku_ecdsa_verify(sig, h, &pk));
}

static void test_peer_id(void) {
  cwaku_seckey sk;
  cwaku_pubkey pk, back;
  cwaku_peer_id id, parsed;
  char text[CWAKU_PEER_ID_STRING_MAX];
  memset(sk.data, 0, 32);
  sk.data[31] = 1;
  CHECK(cwaku_pubkey_from_seckey(&pk, &sk));
  cwaku_peer_id_from_secp256k1(&id, &pk);
  CHECK_EQ_INT(id.len, 39);
  CHECK_EQ_INT(cwaku_peer_id_to_string(text, sizeof text, &id), 0);
  CHECK(strncmp(text, "16Uiu2", 6) == 0);
  CHECK_EQ_INT(cwaku_peer_id_from_string(&parsed, text), 0);
  CHECK_EQ_INT(parsed.len, id.len);
  CHECK_MEM(parsed.data, id.data, id.len);
  CHECK_EQ_INT(cwaku_peer_id_secp256k1_key(&back, &parsed), 0);
  CHECK_MEM(back.data, pk.data, 33);
  /* an Ed25519 (sha2-256 multihash) id parses but embeds no secp256k1 key */
  CHECK_EQ_INT(cwaku_peer_id_from_string(
                   &parsed, "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N"),
               0);
  CHECK_EQ_INT(parsed.len, 34);
  CHECK_EQ_INT(cwaku_peer_id_secp256k1_key(&back, &parsed), CWAKU_EKEY);
  CHECK(cwaku_peer_id_from_string(&parsed, "1") != 0); /* no length */
  text[20] = 0; /* the identity multihash says 37 bytes; fewer follow */
  CHECK(cwaku_peer_id_from_string(&parsed, text) != 0);
  CHECK(cwaku_peer_id_from_string(&parsed, "not base58 0") != 0);
}

int main(void) {
  test_keccak256();
  test_sha256();
  test_keys();
  test_peer_id();
  return check_summary("crypto");
}
