/* libp2p identity keys and peer ids: the peer-ids.md (r2) test vectors,
 * strict PublicKey decoding, libp2p signatures, CID peer ids. */
#include <secp256k1.h>
#include <sodium.h>

#include "check.h"
#include "cwaku/identity.h"
#include "cwaku/peer_id.h"

/* peer-ids.md (r2) §Test vectors. */
#define SPEC_SECP_PRIV                                                         \
  "0802122053DADF1D5A164D6B4ACDB15E24AA4C5B1D3461BDBD42ABEDB0A4404D56CED8FB"
#define SPEC_SECP_PUB                                                          \
  "08021221037777e994e452c21604f91de093ce415f5432f701dd8cd1a7a6fea0e630bfca99"
#define SPEC_ED_PRIV                                                           \
  "080112407e0830617c4a7de83925dfb2694556b12936c477a0e1feb2e148ec9da60fee7d1e" \
  "d1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e"
#define SPEC_ED_PUB                                                            \
  "080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e"
#define SPEC_ECDSA_PUB                                                         \
  "0803125b3059301306072a8648ce3d020106082a8648ce3d03010703420004de3d300fa36"  \
  "ae0e8f5d530899d83abab44abf3161f162a4bc901d8e6ecda020e8b6d5f8da30525e71d685" \
  "1510c098e5c47c646a597fb4dcec034e9f77c409e62"

static void test_spec_vectors(void) {
  uint8_t priv[128], pub[64], enc[CWAKU_IDENTITY_PRIVKEY_PB_MAX];
  size_t privlen, publen, enclen;
  cwaku_identity_key k;
  cwaku_identity_pubkey pk, decoded;

  /* secp256k1: the public key derived from the private key. */
  privlen = check_unhex(priv, sizeof priv, SPEC_SECP_PRIV);
  publen = check_unhex(pub, sizeof pub, SPEC_SECP_PUB);
  CHECK_EQ_INT(cwaku_identity_private_decode(&k, priv, privlen), 0);
  CHECK_EQ_INT(k.type, CWAKU_KEY_SECP256K1);
  CHECK(cwaku_identity_public(&pk, &k));
  cwaku_identity_pubkey_encode(enc, &enclen, &pk);
  CHECK_EQ_INT(enclen, publen);
  CHECK_MEM(enc, pub, publen);
  CHECK_EQ_INT(cwaku_identity_pubkey_decode(&decoded, pub, publen), 0);
  CHECK(cwaku_identity_pubkey_equal(&decoded, &pk));
  cwaku_identity_private_encode(enc, &enclen, &k);
  CHECK_EQ_INT(enclen, privlen);
  CHECK_MEM(enc, priv, privlen);

  cwaku_peer_id id;
  char text[CWAKU_PEER_ID_STRING_MAX];
  cwaku_peer_id_from_pubkey(&id, &pk);
  CHECK_EQ_INT(cwaku_peer_id_to_string(text, sizeof text, &id), 0);
  CHECK_EQ_STR(text, "16Uiu2HAmLhLvBoYaoZfaMUKuibM6ac163GwKY74c5kiSLg5KvLpY");
  /* Same as the secp256k1-only path used for ENR keys. */
  cwaku_pubkey spk;
  cwaku_peer_id id2;
  CHECK(cwaku_pubkey_parse(&spk, pk.data, pk.len));
  cwaku_peer_id_from_secp256k1(&id2, &spk);
  CHECK(cwaku_peer_id_equal(&id, &id2));
  cwaku_identity_key_clear(&k);

  /* Ed25519: 64-byte private form; "12D3KooW..." id. */
  privlen = check_unhex(priv, sizeof priv, SPEC_ED_PRIV);
  publen = check_unhex(pub, sizeof pub, SPEC_ED_PUB);
  CHECK_EQ_INT(cwaku_identity_private_decode(&k, priv, privlen), 0);
  CHECK_EQ_INT(k.type, CWAKU_KEY_ED25519);
  CHECK(cwaku_identity_public(&pk, &k));
  cwaku_identity_pubkey_encode(enc, &enclen, &pk);
  CHECK_EQ_INT(enclen, publen);
  CHECK_MEM(enc, pub, publen);
  cwaku_identity_private_encode(enc, &enclen, &k);
  CHECK_EQ_INT(enclen, privlen);
  CHECK_MEM(enc, priv, privlen);
  cwaku_peer_id_from_pubkey(&id, &pk);
  CHECK_EQ_INT(cwaku_peer_id_to_string(text, sizeof text, &id), 0);
  CHECK(strncmp(text, "12D3KooW", 8) == 0);
  CHECK_EQ_STR(text, "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq");
  cwaku_identity_pubkey back;
  CHECK_EQ_INT(cwaku_peer_id_pubkey(&back, &id), 0);
  CHECK(cwaku_identity_pubkey_equal(&back, &pk));

  /* The legacy 96-byte Ed25519 form: public key twice, must agree. */
  uint8_t legacy[100];
  memcpy(legacy, priv, privlen);
  legacy[3] = 96;
  memcpy(legacy + 4 + 64, priv + 4 + 32, 32);
  cwaku_identity_key k2;
  CHECK_EQ_INT(cwaku_identity_private_decode(&k2, legacy, 100), 0);
  CHECK_MEM(k2.secret, k.secret, 64);
  legacy[99] ^= 1;
  CHECK_EQ_INT(cwaku_identity_private_decode(&k2, legacy, 100), CWAKU_EKEY);
  /* A 64-byte form whose public half is not the seed's. */
  priv[privlen - 1] ^= 1;
  CHECK_EQ_INT(cwaku_identity_private_decode(&k2, priv, privlen), CWAKU_EKEY);
  cwaku_identity_key_clear(&k);

  /* ECDSA (95 bytes encoded, > 42): a sha2-256 peer id, "Qm...". */
  uint8_t ec[128];
  size_t eclen = check_unhex(ec, sizeof ec, SPEC_ECDSA_PUB);
  cwaku_peer_id_from_public_key_pb(&id, ec, eclen);
  CHECK_EQ_INT(id.len, 34);
  CHECK_EQ_INT(id.data[0], 0x12);
  CHECK_EQ_INT(cwaku_peer_id_to_string(text, sizeof text, &id), 0);
  CHECK_EQ_STR(text, "QmVMT29id3TUASyfZZ6k9hmNyc2nYabCo4uMSpDw4zrgDk");
  CHECK_EQ_INT(cwaku_peer_id_pubkey(&back, &id), CWAKU_EKEY);
  CHECK_EQ_INT(cwaku_identity_pubkey_decode(&back, ec, eclen),
               CWAKU_EUNSUPPORTED);
}

static void test_pubkey_strict(void) {
  uint8_t pub[64], bad[80];
  size_t publen = check_unhex(pub, sizeof pub, SPEC_SECP_PUB);
  cwaku_identity_pubkey pk;

  for (size_t i = 0; i < publen; i++) /* every truncation */
    CHECK_EQ_INT(cwaku_identity_pubkey_decode(&pk, pub, i), CWAKU_ETRUNC);
  memcpy(bad, pub, publen);
  bad[publen] = 0; /* trailing byte */
  CHECK_EQ_INT(cwaku_identity_pubkey_decode(&pk, bad, publen + 1),
               CWAKU_EMALFORMED);
  /* Fields swapped: Data first. */
  bad[0] = 0x12;
  bad[1] = 33;
  memcpy(bad + 2, pub + 4, 33);
  bad[35] = 0x08;
  bad[36] = 0x02;
  CHECK_EQ_INT(cwaku_identity_pubkey_decode(&pk, bad, 37), CWAKU_EMALFORMED);
  /* A non-minimal varint for Type (0x82 0x00 = 2). */
  bad[0] = 0x08;
  bad[1] = 0x82;
  bad[2] = 0x00;
  memcpy(bad + 3, pub + 2, publen - 2);
  CHECK_EQ_INT(cwaku_identity_pubkey_decode(&pk, bad, publen + 1),
               CWAKU_EMALFORMED);
  /* An extra field 3 after Data. */
  memcpy(bad, pub, publen);
  bad[publen] = 0x18;
  bad[publen + 1] = 0x01;
  CHECK_EQ_INT(cwaku_identity_pubkey_decode(&pk, bad, publen + 2),
               CWAKU_EMALFORMED);
  /* RSA and ECDSA are recognised but not supported; 9 is no key type. */
  memcpy(bad, pub, publen);
  bad[1] = 0;
  CHECK_EQ_INT(cwaku_identity_pubkey_decode(&pk, bad, publen),
               CWAKU_EUNSUPPORTED);
  bad[1] = 9;
  CHECK_EQ_INT(cwaku_identity_pubkey_decode(&pk, bad, publen),
               CWAKU_EMALFORMED);
  /* Ed25519 type with a 33-byte key. */
  bad[1] = 1;
  CHECK_EQ_INT(cwaku_identity_pubkey_decode(&pk, bad, publen),
               CWAKU_EMALFORMED);
  /* A point that is not on the curve. */
  memcpy(bad, pub, publen);
  bad[4] = 0x05;
  CHECK_EQ_INT(cwaku_identity_pubkey_decode(&pk, bad, publen), CWAKU_EKEY);
  /* The uncompressed form is a different encoding of the key: refused. */
  cwaku_pubkey spk;
  uint8_t unc[65];
  CHECK(cwaku_pubkey_parse(&spk, pub + 4, 33));
  CHECK(cwaku_pubkey_uncompressed(unc, &spk));
  bad[0] = 0x08;
  bad[1] = 0x02;
  bad[2] = 0x12;
  bad[3] = 65;
  memcpy(bad + 4, unc, 65);
  CHECK(cwaku_identity_pubkey_decode(&pk, bad, 69) != 0);
  CHECK_EQ_INT(cwaku_identity_pubkey_decode(&pk, pub, publen), 0);
}

/* s -> n - s on a 32-byte big-endian scalar. */
static void negate_scalar(uint8_t s[32]) {
  static const uint8_t order[32] = {
      0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
      0xFF, 0xFF, 0xFF, 0xFF, 0xFE, 0xBA, 0xAE, 0xDC, 0xE6, 0xAF, 0x48,
      0xA0, 0x3B, 0xBF, 0xD2, 0x5E, 0x8C, 0xD0, 0x36, 0x41, 0x41};
  int borrow = 0;
  for (int i = 31; i >= 0; i--) {
    int d = order[i] - s[i] - borrow;
    borrow = d < 0;
    s[i] = (uint8_t)(d + (borrow ? 256 : 0));
  }
}

static void test_signatures(void) {
  struct cwaku_seeded_rng rng;
  cwaku_seeded_rng_init(&rng, 7);
  static const uint8_t msg[] = "noise-libp2p-static-key:0123456789abcdef";
  uint8_t sig[CWAKU_IDENTITY_SIG_MAX], bad[CWAKU_IDENTITY_SIG_MAX + 2];
  size_t siglen;
  cwaku_identity_key k;
  cwaku_identity_pubkey pk;

  /* secp256k1: SHA-256 then ECDSA, DER. */
  CHECK(cwaku_identity_generate(&k, CWAKU_KEY_SECP256K1, &rng.rng));
  CHECK(cwaku_identity_public(&pk, &k));
  CHECK(cwaku_identity_sign(sig, &siglen, &k, msg, sizeof msg));
  CHECK(siglen >= 8 && siglen <= 72 && sig[0] == 0x30);
  CHECK(cwaku_identity_verify(&pk, sig, siglen, msg, sizeof msg));
  CHECK(!cwaku_identity_verify(&pk, sig, siglen, msg, sizeof msg - 1));
  CHECK(!cwaku_identity_verify(&pk, sig, siglen - 1, msg, sizeof msg));
  /* The same ECDSA as key.h, over the SHA-256 digest. */
  {
    secp256k1_ecdsa_signature s;
    uint8_t compact[64], digest[32];
    cwaku_pubkey spk;
    CHECK(secp256k1_ecdsa_signature_parse_der(secp256k1_context_static, &s, sig,
                                              siglen));
    CHECK(secp256k1_ecdsa_signature_serialize_compact(secp256k1_context_static,
                                                      compact, &s));
    crypto_hash_sha256(digest, msg, sizeof msg);
    CHECK(cwaku_pubkey_parse(&spk, pk.data, pk.len));
    CHECK(cwaku_ecdsa_verify(compact, digest, &spk));

    /* High s: the malleated twin of a valid signature. */
    negate_scalar(compact + 32);
    uint8_t der[80];
    size_t derlen = sizeof der;
    CHECK(secp256k1_ecdsa_signature_parse_compact(secp256k1_context_static, &s,
                                                  compact));
    CHECK(secp256k1_ecdsa_signature_serialize_der(secp256k1_context_static, der,
                                                  &derlen, &s));
    CHECK(!cwaku_identity_verify(&pk, der, derlen, msg, sizeof msg));
  }
  /* Non-canonical DER: r padded with a needless zero byte. */
  memcpy(bad, sig, 4);
  bad[1] = (uint8_t)(sig[1] + 1);
  bad[3] = (uint8_t)(sig[3] + 1);
  bad[4] = 0x00;
  memcpy(bad + 5, sig + 4, siglen - 4);
  CHECK(!cwaku_identity_verify(&pk, bad, siglen + 1, msg, sizeof msg));
  /* Trailing garbage after a valid DER signature. */
  memcpy(bad, sig, siglen);
  bad[siglen] = 0;
  CHECK(!cwaku_identity_verify(&pk, bad, siglen + 1, msg, sizeof msg));
  /* The compact 64-byte form is not what libp2p sends. */
  CHECK(!cwaku_identity_verify(&pk, sig, 64, msg, sizeof msg));
  cwaku_identity_key_clear(&k);

  /* Ed25519: plain, 64 bytes, deterministic. */
  CHECK(cwaku_identity_generate(&k, CWAKU_KEY_ED25519, &rng.rng));
  CHECK(cwaku_identity_public(&pk, &k));
  CHECK(cwaku_identity_sign(sig, &siglen, &k, msg, sizeof msg));
  CHECK_EQ_INT(siglen, 64);
  CHECK(cwaku_identity_verify(&pk, sig, siglen, msg, sizeof msg));
  CHECK_EQ_INT(crypto_sign_verify_detached(sig, msg, sizeof msg, pk.data), 0);
  sig[10] ^= 0x40;
  CHECK(!cwaku_identity_verify(&pk, sig, siglen, msg, sizeof msg));
  CHECK(!cwaku_identity_verify(&pk, sig, 63, msg, sizeof msg));
  /* A key of one type never verifies a signature of the other. */
  cwaku_identity_key ks;
  cwaku_identity_pubkey pks;
  CHECK(cwaku_identity_generate(&ks, CWAKU_KEY_SECP256K1, &rng.rng));
  CHECK(cwaku_identity_public(&pks, &ks));
  CHECK(cwaku_identity_sign(sig, &siglen, &k, msg, sizeof msg));
  CHECK(!cwaku_identity_verify(&pks, sig, siglen, msg, sizeof msg));
  cwaku_identity_key_clear(&k);
  cwaku_identity_key_clear(&ks);
}

static void test_cid(void) {
  cwaku_peer_id a, b;
  char text[CWAKU_PEER_ID_STRING_MAX];
  /* peer-ids.md (r2) §Decoding examples: the same sha256 id twice. */
  CHECK_EQ_INT(cwaku_peer_id_parse(
                   &a, "bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx"
                       "5xqxe"),
               0);
  CHECK_EQ_INT(
      cwaku_peer_id_parse(&b, "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N"),
      0);
  CHECK(cwaku_peer_id_equal(&a, &b));
  CHECK_EQ_INT(cwaku_peer_id_to_cid_string(text, sizeof text, &b), 0);
  CHECK_EQ_STR(text,
               "bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe");

  /* An Ed25519 id through both forms. */
  CHECK_EQ_INT(cwaku_peer_id_parse(
                   &a, "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq"),
               0);
  CHECK_EQ_INT(cwaku_peer_id_to_cid_string(text, sizeof text, &a), 0);
  CHECK_EQ_STR(text, "bafzaajaiaejcahwr5d5ofrfbis4l5d6uwr57hu5tjodrypfm6yaq6"
                     "dsc2r2pzyt6");
  CHECK_EQ_INT(cwaku_peer_id_parse(&b, text), 0);
  CHECK(cwaku_peer_id_equal(&a, &b));

  /* Wrong multicodec (dag-pb 0x70: "bafy..."), wrong version, other
   * multibases, upper case, a too small output buffer. */
  CHECK(cwaku_peer_id_from_cid_string(
            &a, "bafybeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqx"
                "e") != 0);
  CHECK(cwaku_peer_id_from_cid_string(&a, "baebbeie5745rpv2m6tjyuugywy4d5e") !=
        0);
  CHECK_EQ_INT(cwaku_peer_id_parse(&a, "zQmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8"),
               CWAKU_EUNSUPPORTED);
  CHECK(
      cwaku_peer_id_parse(
          &a, "BAFZBEIE5745RPV2M6TJYUUGYWY4D5EWRQGQQHFNF445HE3OMZPJBX5XQXE") !=
      0);
  CHECK(cwaku_peer_id_parse(&a, "b") != 0);
  CHECK(cwaku_peer_id_parse(&a, "") != 0);
  CHECK(cwaku_peer_id_to_cid_string(text, 10, &b) != 0);
}

int main(void) {
  if (sodium_init() < 0)
    return 1;
  test_spec_vectors();
  test_pubkey_strict();
  test_signatures();
  test_cid();
  return check_summary("test_identity");
}
