/* ENR: the EIP-778 test vector, 31/WAKU2-ENR fields, and every rejection
 * rule of the decoder. */
#include <stdint.h>

#include "check.h"
#include "crypto/keccak256.h"
#include "cwaku/enr.h"
#include "cwaku/multiaddr.h"
#include "waku/rlp.h"

/* EIP-778 §Test Vectors: "an example record containing the IPv4 address
 * 127.0.0.1 and UDP port 30303", signed with sequence number 1. */
#define EIP_TEXT                                                               \
  "enr:-IS4QHCYrYZbAKWCBRlAy5zzaDZXJBGkcnh4MHcBFZntXNFrdvJjX04jRzjzCBOonrkTfj" \
  "499SZuOh8R33Ls8RRcy5wBgmlkgnY0gmlwhH8AAAGJc2VjcDI1NmsxoQPKY0yuDUmstAHYpMa"  \
  "2_oxVtw0RW_QAdpzBQA8yWM0xOIN1ZHCCdl8"
#define EIP_KEY                                                                \
  "b71c71a67e1177ad4e901695e1b4b9ee17ae16c6668d313eac2f96dbcda3f291"
#define EIP_NODE_ID                                                            \
  "a448f24c6d18e575453db13171562b71999873db5b286df957af199ec94617f7"
#define EIP_PUBKEY                                                             \
  "03ca634cae0d49acb401d8a4c6b6fe8c55b70d115bf400769cc1400f3258cd3138"
#define EIP_SIG                                                                \
  "7098ad865b00a582051940cb9cf36836572411a47278783077011599ed5cd16b76f2635f4e" \
  "234738f30813a89eb9137e3e3df5266e3a1f11df72ecf1145ccb9c"

static struct cwaku_enr enr, enr2;
static struct cwaku_enr_shards shards;

static cwaku_seckey eip_key(void) {
  cwaku_seckey sk;
  check_unhex(sk.data, sizeof sk.data, EIP_KEY);
  return sk;
}

static void test_eip778_vector(void) {
  CHECK_EQ_INT(cwaku_enr_decode_text(&enr, EIP_TEXT), 0);
  CHECK(cwaku_enr_seq(&enr) == 1);
  uint8_t ip[4], want[64];
  CHECK_EQ_INT(cwaku_enr_ip4(ip, &enr), 0);
  CHECK_MEM(ip, "\x7f\x00\x00\x01", 4);
  uint16_t port = 0;
  CHECK_EQ_INT(cwaku_enr_port(&port, &enr, CWAKU_ENR_UDP), 0);
  CHECK_EQ_INT(port, 30303);
  CHECK_EQ_INT(cwaku_enr_port(&port, &enr, CWAKU_ENR_TCP), CWAKU_ENOTFOUND);
  uint8_t ip6[16];
  CHECK_EQ_INT(cwaku_enr_ip6(ip6, &enr), CWAKU_ENOTFOUND);
  uint8_t flags;
  CHECK_EQ_INT(cwaku_enr_waku2(&flags, &enr), CWAKU_ENOTFOUND);
  CHECK_EQ_INT(cwaku_enr_shards(&shards, &enr), CWAKU_ENOTFOUND);
  CHECK_EQ_INT(cwaku_enr_multiaddr_count(&enr), 0);
  cwaku_pubkey pk;
  CHECK_EQ_INT(cwaku_enr_pubkey(&pk, &enr), 0);
  check_unhex(want, sizeof want, EIP_PUBKEY);
  CHECK_MEM(pk.data, want, 33);
  uint8_t id[32];
  CHECK_EQ_INT(cwaku_enr_node_id(id, &enr), 0);
  check_unhex(want, sizeof want, EIP_NODE_ID);
  CHECK_MEM(id, want, 32);
  uint8_t sig[64];
  CHECK_EQ_INT(cwaku_enr_signature(sig, &enr), 0);
  check_unhex(want, sizeof want, EIP_SIG);
  CHECK_MEM(sig, want, 64);
  /* Pairs in key order: id, ip, secp256k1, udp. */
  CHECK_EQ_INT(cwaku_enr_pair_count(&enr), 4);
  const uint8_t *k, *v;
  size_t kl, vl;
  CHECK_EQ_INT(cwaku_enr_pair_at(&k, &kl, &v, &vl, &enr, 2), 0);
  CHECK(kl == 9 && memcmp(k, "secp256k1", 9) == 0 && vl == 33);
  CHECK_EQ_INT(cwaku_enr_pair_at(&k, &kl, &v, &vl, &enr, 4), CWAKU_ENOTFOUND);
  cwaku_peer_id pid;
  char pid_text[CWAKU_PEER_ID_STRING_MAX];
  CHECK_EQ_INT(cwaku_enr_peer_id(&pid, &enr), 0);
  CHECK_EQ_INT(cwaku_peer_id_to_string(pid_text, sizeof pid_text, &pid), 0);
  CHECK_EQ_STR(pid_text,
               "16Uiu2HAmSH2XVgZqYHWucap5kuPzLnt2TsNQkoppVxB5eJGvaXwm");

  /* Re-encoding gives the same text. */
  char text[CWAKU_ENR_TEXT_MAX];
  CHECK_EQ_INT(cwaku_enr_encode_text(text, sizeof text, &enr), 0);
  CHECK_EQ_STR(text, EIP_TEXT);
  CHECK_EQ_INT(cwaku_enr_encode_text(text, strlen(EIP_TEXT), &enr),
               CWAKU_ETOOBIG);

  /* Signing the same content with the EIP's key gives the same bytes: the
   * example was made with deterministic (RFC 6979) ECDSA. */
  cwaku_seckey sk = eip_key();
  cwaku_enr_init(&enr2, 1);
  CHECK_EQ_INT(cwaku_enr_set_ip4(&enr2, (const uint8_t *)"\x7f\x00\x00\x01"),
               0);
  CHECK_EQ_INT(cwaku_enr_set_port(&enr2, CWAKU_ENR_UDP, 30303), 0);
  CHECK_EQ_INT(cwaku_enr_encode_text(text, sizeof text, &enr2), CWAKU_EINVAL);
  CHECK_EQ_INT(cwaku_enr_sign(&enr2, &sk), 0);
  CHECK_EQ_INT(cwaku_enr_encode_text(text, sizeof text, &enr2), 0);
  CHECK_EQ_STR(text, EIP_TEXT);
  /* A setter drops the signature. */
  CHECK_EQ_INT(cwaku_enr_set_port(&enr2, CWAKU_ENR_TCP, 1), 0);
  CHECK_EQ_INT(cwaku_enr_signature(sig, &enr2), CWAKU_EINVAL);
  uint8_t raw[CWAKU_ENR_MAX_BYTES];
  size_t rawlen = sizeof raw;
  CHECK_EQ_INT(cwaku_enr_encode(raw, &rawlen, &enr2), CWAKU_EINVAL);
}

/* ---- hand-made records, signed, for the rejection rules ---- */

struct kv {
  const char *k;
  const uint8_t *v;
  size_t vlen;
  size_t klen; /* 0: strlen(k) */
};

/* Flags for make_record. */
#define MR_SEQ_RAW 1    /* seq given as raw bytes (seq_raw) */
#define MR_NESTED 2     /* append a list item [] after the pairs */
#define MR_BAD_SIG 4    /* flip a signature byte */
#define MR_SIG_LEN_63 8 /* a 63-byte signature */
#define MR_ODD 16       /* append a key without value */

static uint8_t rec[1024];
static size_t reclen;

static const uint8_t *seq_raw;
static size_t seq_raw_len;

static void put_items(struct cwaku__wbuf *w, uint64_t seq, const struct kv *kvs,
                      size_t n, int flags) {
  if (flags & MR_SEQ_RAW)
    cwaku__rlp_put_string(w, seq_raw, seq_raw_len);
  else
    cwaku__rlp_put_uint(w, seq);
  for (size_t i = 0; i < n; i++) {
    size_t kl = kvs[i].klen ? kvs[i].klen : strlen(kvs[i].k);
    cwaku__rlp_put_string(w, (const uint8_t *)kvs[i].k, kl);
    cwaku__rlp_put_string(w, kvs[i].v, kvs[i].vlen);
  }
  if (flags & MR_NESTED)
    cwaku__rlp_put_list_header(w, 0);
  if (flags & MR_ODD)
    cwaku__rlp_put_string(w, (const uint8_t *)"zz", 2);
}

/* Builds [sig, seq, k, v, ...] in the given order, signing keccak256 of
 * [seq, k, v, ...] with the EIP key. */
static void make_record(uint64_t seq, const struct kv *kvs, size_t n,
                        int flags) {
  struct cwaku__wbuf items, content, out;
  cwaku__wbuf_init(&items, 4096);
  cwaku__wbuf_init(&content, 4096);
  cwaku__wbuf_init(&out, 4096);
  put_items(&items, seq, kvs, n, flags);
  cwaku__rlp_put_list_header(&content, items.len);
  cwaku__wbuf_put(&content, items.p, items.len);
  uint8_t hash[32], sig[64];
  cwaku__keccak256(hash, content.p, content.len);
  cwaku_seckey sk = eip_key();
  CHECK(cwaku_ecdsa_sign(sig, &sk, hash));
  if (flags & MR_BAD_SIG)
    sig[10] ^= 1;
  size_t siglen = (flags & MR_SIG_LEN_63) ? 63 : 64;
  cwaku__rlp_put_list_header(&out,
                             cwaku__rlp_string_len(sig, siglen) + items.len);
  cwaku__rlp_put_string(&out, sig, siglen);
  cwaku__wbuf_put(&out, items.p, items.len);
  CHECK_EQ_INT(cwaku__wbuf_err(&out), 0);
  CHECK(out.len <= sizeof rec);
  memcpy(rec, out.p, out.len);
  reclen = out.len;
  cwaku__wbuf_clear(&items);
  cwaku__wbuf_clear(&content);
  cwaku__wbuf_clear(&out);
}

static uint8_t pub[33];

#define KV(key, val, len)                                                      \
  { key, (const uint8_t *)(val), len, 0 }
#define KV_ID KV("id", "v4", 2)
#define KV_PUB KV("secp256k1", pub, 33)

static int decode_rec(void) {
  int r = cwaku_enr_decode(&enr, rec, reclen);
  if (r) {
    /* Outputs are cleared on failure. */
    CHECK_EQ_INT(cwaku_enr_pair_count(&enr), 0);
  } else {
    /* What decodes re-encodes to the same bytes. */
    uint8_t again[CWAKU_ENR_MAX_BYTES];
    size_t n = sizeof again;
    CHECK_EQ_INT(cwaku_enr_encode(again, &n, &enr), 0);
    CHECK_EQ_INT(n, reclen);
    if (n == reclen)
      CHECK_MEM(again, rec, n);
  }
  return r;
}

/* Reads one known field of the decoded record through its accessor. */
static int read_field(const char *key) {
  uint8_t buf[16];
  uint16_t port;
  static struct cwaku_enr_shards sh;
  const uint8_t *v;
  size_t n;
  static const char *const port_names[] = {"tcp", "udp", "tcp6", "udp6"};
  static const enum cwaku_enr_port port_ids[] = {
      CWAKU_ENR_TCP, CWAKU_ENR_UDP, CWAKU_ENR_TCP6, CWAKU_ENR_UDP6};
  if (strcmp(key, "ip") == 0)
    return cwaku_enr_ip4(buf, &enr);
  if (strcmp(key, "ip6") == 0)
    return cwaku_enr_ip6(buf, &enr);
  for (int i = 0; i < 4; i++)
    if (strcmp(key, port_names[i]) == 0)
      return cwaku_enr_port(&port, &enr, port_ids[i]);
  if (strcmp(key, "waku2") == 0)
    return cwaku_enr_waku2(buf, &enr);
  if (strcmp(key, "rs") == 0 || strcmp(key, "rsv") == 0)
    return cwaku_enr_shards(&sh, &enr);
  if (strcmp(key, "multiaddrs") == 0)
    return cwaku_enr_multiaddr_at(&v, &n, &enr, 0);
  return cwaku_enr_get(&v, &n, &enr, key);
}

static void test_rejections(void) {
  cwaku_seckey sk = eip_key();
  cwaku_pubkey pk;
  CHECK(cwaku_pubkey_from_seckey(&pk, &sk));
  memcpy(pub, pk.data, 33);

  /* The baseline decodes. */
  const struct kv base[] = {KV_ID, KV("ip", "\x7f\0\0\1", 4), KV_PUB,
                            KV("udp", "\x76\x5f", 2)};
  make_record(1, base, 4, 0);
  CHECK_EQ_INT(decode_rec(), 0);

  /* EIP-778: keys sorted and unique. */
  const struct kv unsorted[] = {KV("ip", "\x7f\0\0\1", 4), KV_ID, KV_PUB};
  make_record(1, unsorted, 3, 0);
  CHECK_EQ_INT(decode_rec(), CWAKU_EENR);
  const struct kv dup[] = {KV_ID, KV("ip", "\x7f\0\0\1", 4),
                           KV("ip", "\x7f\0\0\1", 4), KV_PUB};
  make_record(1, dup, 4, 0);
  CHECK_EQ_INT(decode_rec(), CWAKU_EENR);
  /* A key that is a prefix of the next one sorts first. */
  const struct kv prefix[] = {KV_ID, KV("idx", "", 0), KV_PUB};
  make_record(1, prefix, 3, 0);
  CHECK_EQ_INT(decode_rec(), 0);
  const struct kv prefix_bad[] = {KV("idx", "", 0), KV_ID, KV_PUB};
  make_record(1, prefix_bad, 3, 0);
  CHECK_EQ_INT(decode_rec(), CWAKU_EENR);

  /* Identity scheme. */
  const struct kv v5[] = {KV("id", "v5", 2), KV_PUB};
  make_record(1, v5, 2, 0);
  CHECK_EQ_INT(decode_rec(), CWAKU_EUNSUPPORTED);
  const struct kv noid[] = {KV_PUB};
  make_record(1, noid, 1, 0);
  CHECK_EQ_INT(decode_rec(), CWAKU_EENR);
  const struct kv nokey[] = {KV_ID, KV("ip", "\x7f\0\0\1", 4)};
  make_record(1, nokey, 2, 0);
  CHECK_EQ_INT(decode_rec(), CWAKU_EENR);

  /* Field lengths. */
  uint8_t full[65];
  CHECK(cwaku_pubkey_uncompressed(full, &pk));
  const struct kv longkey[] = {KV_ID, KV("secp256k1", full, 65)};
  make_record(1, longkey, 2, 0);
  CHECK_EQ_INT(decode_rec(), CWAKU_EENR);
  uint8_t notpoint[33];
  memset(notpoint, 0xff, sizeof notpoint);
  notpoint[0] = 0x02;
  const struct kv badpoint[] = {KV_ID, KV("secp256k1", notpoint, 33)};
  make_record(1, badpoint, 2, 0);
  CHECK_EQ_INT(decode_rec(), CWAKU_EENR);
  struct {
    const char *key;
    size_t len;
    int want;
  } lens[] = {
      {"ip", 4, 0},
      {"ip", 5, CWAKU_EENR},
      {"ip", 3, CWAKU_EENR},
      {"ip6", 16, 0},
      {"ip6", 4, CWAKU_EENR},
      {"tcp", 2, 0},
      {"tcp", 1, 0},
      {"tcp", 0, 0},
      {"tcp", 3, CWAKU_EENR},
      {"udp", 3, CWAKU_EENR},
      {"tcp6", 3, CWAKU_EENR},
      {"udp6", 3, CWAKU_EENR},
      {"waku2", 1, 0},
      {"waku2", 2, CWAKU_EENR},
      {"waku2", 0, CWAKU_EENR},
      {"rsv", 130, 0},
      {"rsv", 129, CWAKU_EENR},
      {"rsv", 131, CWAKU_EENR},
      {"zzz", 100, 0},
  };
  static const uint8_t ones[200] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
    const struct kv f[] = {KV_ID, KV_PUB, KV(lens[i].key, ones, lens[i].len)};
    /* keep the keys sorted: "ip*" sorts before "secp256k1" */
    const struct kv g[] = {KV_ID, KV(lens[i].key, ones, lens[i].len), KV_PUB};
    bool before = strcmp(lens[i].key, "secp256k1") < 0;
    make_record(1, before ? g : f, 3, 0);
    /* A bad optional value leaves the record readable; only that field
     * fails, when it is read (as go-ethereum and nwaku treat it). */
    CHECK_EQ_INT(decode_rec(), 0);
    int r = read_field(lens[i].key);
    CHECK_EQ_INT(r, lens[i].want);
    if (r != lens[i].want)
      fprintf(stderr, "  key %s len %zu\n", lens[i].key, lens[i].len);
  }

  /* multiaddrs framing: u16 lengths that add up, no empty entry. */
  uint8_t ma[64];
  size_t malen = sizeof ma - 2;
  CHECK_EQ_INT(cwaku_multiaddr_from_string(ma + 2, &malen,
                                           "/dns4/a.example/tcp/443/wss"),
               0);
  ma[0] = 0;
  ma[1] = (uint8_t)malen;
  const struct kv mok[] = {KV_ID, KV("multiaddrs", ma, malen + 2), KV_PUB};
  make_record(1, mok, 3, 0);
  CHECK_EQ_INT(decode_rec(), 0);
  CHECK_EQ_INT(cwaku_enr_multiaddr_count(&enr), 1);
  const struct kv mlong[] = {KV_ID, KV("multiaddrs", ma, malen + 1), KV_PUB};
  make_record(1, mlong, 3, 0);
  CHECK_EQ_INT(decode_rec(), 0);
  CHECK_EQ_INT(read_field("multiaddrs"), CWAKU_EENR);
  const struct kv mzero[] = {KV_ID, KV("multiaddrs", "\0\0", 2), KV_PUB};
  make_record(1, mzero, 3, 0);
  CHECK_EQ_INT(decode_rec(), 0);
  CHECK_EQ_INT(read_field("multiaddrs"), CWAKU_EENR);
  const struct kv mhalf[] = {KV_ID, KV("multiaddrs", "\0", 1), KV_PUB};
  make_record(1, mhalf, 3, 0);
  CHECK_EQ_INT(decode_rec(), 0);
  CHECK_EQ_INT(read_field("multiaddrs"), CWAKU_EENR);
  /* An entry of an unknown protocol keeps the record (nwaku skips it). */
  const struct kv munk[] = {KV_ID, KV("multiaddrs", "\0\1\x7f", 3), KV_PUB};
  make_record(1, munk, 3, 0);
  CHECK_EQ_INT(decode_rec(), 0);

  /* rs: count matches the length, shards < 1024. */
  const struct kv rs_short[] = {KV_ID, KV("rs", "\0\x10\x02\0\x01", 5), KV_PUB};
  make_record(1, rs_short, 3, 0);
  CHECK_EQ_INT(decode_rec(), 0);
  CHECK_EQ_INT(read_field("rs"), CWAKU_EENR);
  const struct kv rs_long[] = {KV_ID, KV("rs", "\0\x10\x01\0\x01\0", 6),
                               KV_PUB};
  make_record(1, rs_long, 3, 0);
  CHECK_EQ_INT(decode_rec(), 0);
  CHECK_EQ_INT(read_field("rs"), CWAKU_EENR);
  const struct kv rs_big[] = {KV_ID, KV("rs", "\0\x10\x01\x04\x00", 5), KV_PUB};
  make_record(1, rs_big, 3, 0);
  CHECK_EQ_INT(decode_rec(), 0);
  CHECK_EQ_INT(read_field("rs"), CWAKU_EENR);
  const struct kv rs_tiny[] = {KV_ID, KV("rs", "\0\x10", 2), KV_PUB};
  make_record(1, rs_tiny, 3, 0);
  CHECK_EQ_INT(decode_rec(), 0);
  CHECK_EQ_INT(read_field("rs"), CWAKU_EENR);
  /* A bad rsv next to an rs is ignored (the spec: MUST ignore rsv). */
  const struct kv both[] = {KV_ID, KV("rs", "\0\x10\x01\0\x05", 5),
                            KV("rsv", "\0\x01", 2), KV_PUB};
  make_record(1, both, 4, 0);
  CHECK_EQ_INT(decode_rec(), 0);
  CHECK_EQ_INT(cwaku_enr_shards(&shards, &enr), 0);
  CHECK_EQ_INT(shards.encoding, CWAKU_ENR_SHARDS_RS);
  CHECK_EQ_INT(shards.count, 1);
  CHECK_EQ_INT(shards.shards[0], 5);

  /* js-waku writes ports as 2 bytes: port 80 = 0x0050 is accepted. */
  const struct kv jsport[] = {KV_ID, KV_PUB, KV("tcp", "\0\x50", 2)};
  make_record(1, jsport, 3, 0);
  CHECK_EQ_INT(decode_rec(), 0);
  uint16_t port = 0;
  CHECK_EQ_INT(cwaku_enr_port(&port, &enr, CWAKU_ENR_TCP), 0);
  CHECK_EQ_INT(port, 80);

  /* seq: canonical integer of at most 8 bytes. */
  seq_raw = (const uint8_t *)"\0\1";
  seq_raw_len = 2;
  make_record(0, base, 4, MR_SEQ_RAW);
  CHECK_EQ_INT(decode_rec(), CWAKU_EENR);
  seq_raw = (const uint8_t *)"\1\0\0\0\0\0\0\0\0";
  seq_raw_len = 9;
  make_record(0, base, 4, MR_SEQ_RAW);
  CHECK_EQ_INT(decode_rec(), CWAKU_EENR);
  seq_raw = (const uint8_t *)"\xff\xff\xff\xff\xff\xff\xff\xff";
  seq_raw_len = 8;
  make_record(0, base, 4, MR_SEQ_RAW);
  CHECK_EQ_INT(decode_rec(), 0);
  CHECK(cwaku_enr_seq(&enr) == UINT64_MAX);
  make_record(0, base, 4, 0);
  CHECK_EQ_INT(decode_rec(), 0);
  CHECK(cwaku_enr_seq(&enr) == 0);

  /* Structure: nested list, key without value, short signature. */
  make_record(1, base, 4, MR_NESTED);
  CHECK_EQ_INT(decode_rec(), CWAKU_EENR);
  make_record(1, base, 4, MR_ODD);
  CHECK_EQ_INT(decode_rec(), CWAKU_EENR);
  make_record(1, base, 4, MR_SIG_LEN_63);
  CHECK_EQ_INT(decode_rec(), CWAKU_EENR);

  /* Signature. */
  make_record(1, base, 4, MR_BAD_SIG);
  CHECK_EQ_INT(decode_rec(), CWAKU_ESIGNATURE);
  make_record(1, base, 4, 0);
  rec[reclen - 1] ^= 1; /* the udp port: content no longer signed */
  CHECK_EQ_INT(decode_rec(), CWAKU_ESIGNATURE);
  /* High-s twin of a valid signature: s' = n - s. */
  static const uint8_t n_order[32] = {
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
      0xff, 0xff, 0xff, 0xff, 0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48,
      0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41};
  make_record(1, base, 4, 0);
  uint8_t *s = rec + 2 + 2 + 32; /* list hdr (2), sig hdr (2), r */
  int borrow = 0;
  for (int i = 31; i >= 0; i--) {
    int d = n_order[i] - s[i] - borrow;
    borrow = d < 0;
    s[i] = (uint8_t)(d + (borrow ? 256 : 0));
  }
  CHECK_EQ_INT(decode_rec(), CWAKU_ESIGNATURE);

  /* Trailing bytes and truncation. */
  make_record(1, base, 4, 0);
  rec[reclen++] = 0x80;
  CHECK_EQ_INT(decode_rec(), CWAKU_EENR);
  make_record(1, base, 4, 0);
  for (size_t cut = 0; cut < reclen; cut++)
    CHECK_EQ_INT(cwaku_enr_decode(&enr, rec, cut), CWAKU_ETRUNC);
  /* An item overrunning a complete list is malformed, not truncated. */
  make_record(1, base, 4, 0);
  CHECK(rec[reclen - 3] == 0x82); /* the udp value "82 76 5f" */
  rec[reclen - 3] = 0x83;
  CHECK_EQ_INT(decode_rec(), CWAKU_EENR);
  /* Not a list. */
  rec[0] = 0x80;
  CHECK_EQ_INT(cwaku_enr_decode(&enr, rec, 1), CWAKU_EENR);
  /* Non-canonical RLP inside a record: the value 0x05 as "81 05". */
  const struct kv five[] = {KV_ID, KV_PUB, KV("zz", "\x05", 1)};
  make_record(1, five, 3, 0);
  CHECK_EQ_INT(decode_rec(), 0);
  CHECK(rec[0] == 0xf8 && rec[reclen - 1] == 0x05);
  rec[reclen - 1] = 0x81;
  rec[reclen++] = 0x05;
  rec[1]++;
  CHECK_EQ_INT(decode_rec(), CWAKU_EENR);
}

static void test_size_limit(void) {
  /* EIP-778: at most 300 bytes. Grow an unknown value up to 300. */
  static uint8_t filler[300];
  memset(filler, 0x61, sizeof filler);
  size_t vlen = 56;
  for (; vlen < 250; vlen++) {
    const struct kv at[] = {KV_ID, KV_PUB, KV("z", filler, vlen)};
    make_record(1, at, 3, 0);
    if (reclen >= 300)
      break;
  }
  CHECK_EQ_INT(reclen, 300);
  CHECK_EQ_INT(decode_rec(), 0);
  const struct kv over[] = {KV_ID, KV_PUB, KV("z", filler, vlen + 1)};
  make_record(1, over, 3, 0);
  CHECK_EQ_INT(reclen, 301);
  CHECK_EQ_INT(decode_rec(), CWAKU_ETOOBIG);

  /* The builder refuses the same. */
  cwaku_seckey sk = eip_key();
  cwaku_enr_init(&enr2, 1);
  CHECK_EQ_INT(cwaku_enr_set(&enr2, "z", filler, vlen), 0);
  CHECK_EQ_INT(cwaku_enr_sign(&enr2, &sk), 0);
  uint8_t raw[CWAKU_ENR_MAX_BYTES];
  size_t rawlen = sizeof raw;
  CHECK_EQ_INT(cwaku_enr_encode(raw, &rawlen, &enr2), 0);
  CHECK_EQ_INT(rawlen, 300);
  char text[CWAKU_ENR_TEXT_MAX];
  CHECK_EQ_INT(cwaku_enr_encode_text(text, sizeof text, &enr2), 0);
  CHECK_EQ_INT(cwaku_enr_decode_text(&enr, text), 0);
  CHECK_EQ_INT(cwaku_enr_set(&enr2, "z", filler, vlen + 1), 0);
  CHECK_EQ_INT(cwaku_enr_sign(&enr2, &sk), CWAKU_ETOOBIG);
  CHECK_EQ_INT(cwaku_enr_set(&enr2, "z", filler, 300), CWAKU_ETOOBIG);
}

static void test_text_form(void) {
  CHECK_EQ_INT(cwaku_enr_decode_text(&enr, &EIP_TEXT[4]), CWAKU_EENCODING);
  CHECK_EQ_INT(cwaku_enr_decode_text(&enr, ""), CWAKU_EENCODING);
  CHECK_EQ_INT(cwaku_enr_decode_text(&enr, "ENR:-IS4"), CWAKU_EENCODING);
  CHECK_EQ_INT(cwaku_enr_decode_text(&enr, "enr:"), CWAKU_ETRUNC);
  char t[CWAKU_ENR_TEXT_MAX + 8];
  strcpy(t, EIP_TEXT);
  t[20] = '+'; /* standard, not URL-safe, alphabet */
  CHECK_EQ_INT(cwaku_enr_decode_text(&enr, t), CWAKU_EENCODING);
  strcpy(t, EIP_TEXT);
  strcat(t, "=");
  CHECK_EQ_INT(cwaku_enr_decode_text(&enr, t), CWAKU_EENCODING);
  /* Non-zero padding bits in the last character. */
  strcpy(t, EIP_TEXT);
  t[strlen(t) - 1] = '9';
  CHECK_EQ_INT(cwaku_enr_decode_text(&enr, t), CWAKU_EENCODING);
  /* Text too long for any record. */
  static char longtext[1000];
  strcpy(longtext, "enr:");
  memset(longtext + 4, 'A', 500);
  CHECK_EQ_INT(cwaku_enr_decode_text(&enr, longtext), CWAKU_ETOOBIG);
}

static void test_waku_fields(void) {
  cwaku_seckey sk = eip_key();
  cwaku_enr_init(&enr2, 7);
  const uint8_t ip6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
  CHECK_EQ_INT(cwaku_enr_set_ip6(&enr2, ip6), 0);
  CHECK_EQ_INT(cwaku_enr_set_port(&enr2, CWAKU_ENR_TCP, 80), 0);
  CHECK_EQ_INT(cwaku_enr_set_port(&enr2, CWAKU_ENR_UDP, 0), 0);
  CHECK_EQ_INT(cwaku_enr_set_port(&enr2, CWAKU_ENR_TCP6, 60000), 0);
  CHECK_EQ_INT(cwaku_enr_set_port(&enr2, CWAKU_ENR_UDP6, 256), 0);
  CHECK_EQ_INT(cwaku_enr_set_waku2(&enr2, CWAKU_ENR_WAKU2_RELAY |
                                              CWAKU_ENR_WAKU2_LIGHTPUSH |
                                              CWAKU_ENR_WAKU2_SYNC),
               0);
  /* Ports are canonical RLP integers. */
  const uint8_t *v;
  size_t vl;
  CHECK_EQ_INT(cwaku_enr_get(&v, &vl, &enr2, "tcp"), 0);
  CHECK(vl == 1 && v[0] == 80);
  CHECK_EQ_INT(cwaku_enr_get(&v, &vl, &enr2, "udp"), 0);
  CHECK_EQ_INT(vl, 0);
  CHECK_EQ_INT(cwaku_enr_get(&v, &vl, &enr2, "udp6"), 0);
  CHECK(vl == 2 && v[0] == 1 && v[1] == 0);

  /* 31/WAKU2-ENR rs example: 0x0010 03 000d 000e 002d. */
  const uint16_t list[] = {13, 14, 45};
  CHECK_EQ_INT(cwaku_enr_set_shards(&enr2, 16, list, 3, CWAKU_ENR_SHARDS_RS),
               0);
  unsigned char want[130];
  check_unhex(want, sizeof want, "001003000d000e002d");
  CHECK_EQ_INT(cwaku_enr_get(&v, &vl, &enr2, "rs"), 0);
  CHECK_EQ_INT(vl, 9);
  CHECK_MEM(v, want, 9);

  const uint8_t *mas[2];
  size_t malens[2];
  uint8_t m1[64], m2[128];
  malens[0] = sizeof m1;
  malens[1] = sizeof m2;
  CHECK_EQ_INT(cwaku_multiaddr_from_string(m1, &malens[0],
                                           "/dns4/node.example/tcp/443/wss"),
               0);
  CHECK_EQ_INT(cwaku_multiaddr_from_string(
                   m2, &malens[1],
                   "/ip4/1.2.3.4/tcp/55555/p2p/"
                   "16Uiu2HAmSH2XVgZqYHWucap5kuPzLnt2TsNQkoppVxB5eJGvaXwm"),
               0);
  mas[0] = m1;
  mas[1] = m2;
  CHECK_EQ_INT(cwaku_enr_set_multiaddrs(&enr2, mas, malens, 2), 0);
  /* An invalid multiaddr is refused. */
  const uint8_t bad[] = {0x7f};
  const uint8_t *badp = bad;
  size_t badlen = 1;
  CHECK_EQ_INT(cwaku_enr_set_multiaddrs(&enr2, &badp, &badlen, 1),
               CWAKU_EMULTIADDR);

  CHECK_EQ_INT(cwaku_enr_sign(&enr2, &sk), 0);
  char text[CWAKU_ENR_TEXT_MAX];
  CHECK_EQ_INT(cwaku_enr_encode_text(text, sizeof text, &enr2), 0);
  CHECK_EQ_INT(cwaku_enr_decode_text(&enr, text), 0);
  CHECK(cwaku_enr_seq(&enr) == 7);
  uint8_t got6[16];
  CHECK_EQ_INT(cwaku_enr_ip6(got6, &enr), 0);
  CHECK_MEM(got6, ip6, 16);
  uint16_t port;
  CHECK_EQ_INT(cwaku_enr_port(&port, &enr, CWAKU_ENR_TCP), 0);
  CHECK_EQ_INT(port, 80);
  CHECK_EQ_INT(cwaku_enr_port(&port, &enr, CWAKU_ENR_UDP), 0);
  CHECK_EQ_INT(port, 0);
  CHECK_EQ_INT(cwaku_enr_port(&port, &enr, CWAKU_ENR_TCP6), 0);
  CHECK_EQ_INT(port, 60000);
  CHECK_EQ_INT(cwaku_enr_port(&port, &enr, CWAKU_ENR_UDP6), 0);
  CHECK_EQ_INT(port, 256);
  uint8_t flags;
  CHECK_EQ_INT(cwaku_enr_waku2(&flags, &enr), 0);
  CHECK_EQ_INT(flags, 0x19);
  CHECK_EQ_INT(cwaku_enr_shards(&shards, &enr), 0);
  CHECK_EQ_INT(shards.cluster, 16);
  CHECK_EQ_INT(shards.count, 3);
  CHECK(shards.shards[0] == 13 && shards.shards[1] == 14 &&
        shards.shards[2] == 45);
  CHECK_EQ_INT(shards.encoding, CWAKU_ENR_SHARDS_RS);
  CHECK_EQ_INT(cwaku_enr_multiaddr_count(&enr), 2);
  const uint8_t *ma;
  size_t malen;
  char matext[CWAKU_MULTIADDR_STRING_MAX];
  CHECK_EQ_INT(cwaku_enr_multiaddr_at(&ma, &malen, &enr, 0), 0);
  CHECK_EQ_INT(cwaku_multiaddr_to_string(matext, sizeof matext, ma, malen), 0);
  CHECK_EQ_STR(matext, "/dns4/node.example/tcp/443/wss");
  CHECK_EQ_INT(cwaku_enr_multiaddr_at(&ma, &malen, &enr, 1), 0);
  CHECK_EQ_INT(malen, malens[1]);
  CHECK_EQ_INT(cwaku_enr_multiaddr_at(&ma, &malen, &enr, 2), CWAKU_ENOTFOUND);

  /* rsv round trip; bit layout as js-waku's encodeRelayShard: shard i is
   * bit 0x80 >> (i % 8) of vector byte i / 8. */
  static uint16_t many[100];
  for (int i = 0; i < 100; i++)
    many[i] = (uint16_t)(1023 - i * 10);
  many[99] = 0;
  many[98] = 1;
  /* 130 bytes of rsv do not fit next to the multiaddrs. */
  CHECK_EQ_INT(cwaku_enr_set_shards(&enr2, 1, many, 100, CWAKU_ENR_SHARDS_RSV),
               CWAKU_ETOOBIG);
  CHECK_EQ_INT(cwaku_enr_get(&v, &vl, &enr2, "rs"), 0); /* unchanged */
  CHECK_EQ_INT(cwaku_enr_remove(&enr2, "multiaddrs"), 0);
  CHECK_EQ_INT(cwaku_enr_remove(&enr2, "ip6"), 0);
  CHECK_EQ_INT(cwaku_enr_set_shards(&enr2, 1, many, 100, CWAKU_ENR_SHARDS_RSV),
               0);
  CHECK_EQ_INT(cwaku_enr_get(&v, &vl, &enr2, "rs"), CWAKU_ENOTFOUND);
  CHECK_EQ_INT(cwaku_enr_get(&v, &vl, &enr2, "rsv"), 0);
  CHECK_EQ_INT(vl, 130);
  if (vl != 130)
    return;
  CHECK(v[0] == 0 && v[1] == 1);
  /* nwaku's bit order: shard i is 1 << (i % 8) of byte i / 8 */
  CHECK_EQ_INT(v[2], 0x03);              /* shards 0 and 1 */
  CHECK_EQ_INT(v[2 + 6], 0x20);          /* shard 53 = 6 * 8 + 5 */
  CHECK_EQ_INT(v[2 + 127] & 0x80, 0x80); /* shard 1023 */
  CHECK_EQ_INT(cwaku_enr_sign(&enr2, &sk), 0);
  CHECK_EQ_INT(cwaku_enr_encode_text(text, sizeof text, &enr2), 0);
  CHECK_EQ_INT(cwaku_enr_decode_text(&enr, text), 0);
  CHECK_EQ_INT(cwaku_enr_shards(&shards, &enr), 0);
  CHECK_EQ_INT(shards.encoding, CWAKU_ENR_SHARDS_RSV);
  CHECK_EQ_INT(shards.cluster, 1);
  CHECK_EQ_INT(shards.count, 100);
  for (int i = 1; i < shards.count; i++)
    CHECK(shards.shards[i - 1] < shards.shards[i]);
  CHECK(shards.shards[0] == 0 && shards.shards[1] == 1 &&
        shards.shards[99] == 1023);

  /* Shard lists: duplicates, out of range, too many for rs. */
  const uint16_t dupl[] = {3, 3};
  CHECK_EQ_INT(cwaku_enr_set_shards(&enr2, 1, dupl, 2, CWAKU_ENR_SHARDS_RS),
               CWAKU_ESHARD);
  const uint16_t range[] = {1024};
  CHECK_EQ_INT(cwaku_enr_set_shards(&enr2, 1, range, 1, CWAKU_ENR_SHARDS_RSV),
               CWAKU_ESHARD);
  static uint16_t all[1024];
  for (int i = 0; i < 1024; i++)
    all[i] = (uint16_t)i;
  CHECK_EQ_INT(cwaku_enr_set_shards(&enr2, 1, all, 256, CWAKU_ENR_SHARDS_RS),
               CWAKU_ESHARD);
  CHECK_EQ_INT(cwaku_enr_set_shards(&enr2, 1, all, 1024, CWAKU_ENR_SHARDS_RSV),
               0);
  CHECK_EQ_INT(cwaku_enr_shards(&shards, &enr2), 0);
  CHECK_EQ_INT(shards.count, 1024);

  /* Both keys present (set by hand): rs wins. */
  CHECK_EQ_INT(cwaku_enr_set(&enr2, "rs", want, 9), 0);
  CHECK_EQ_INT(cwaku_enr_shards(&shards, &enr2), 0);
  CHECK_EQ_INT(shards.encoding, CWAKU_ENR_SHARDS_RS);
  CHECK_EQ_INT(shards.count, 3);
}

static void test_builder(void) {
  cwaku_seckey sk = eip_key();
  cwaku_enr_init(&enr2, 2);
  /* Values of known keys are checked. */
  CHECK_EQ_INT(cwaku_enr_set(&enr2, "ip", (const uint8_t *)"abc", 3),
               CWAKU_EINVAL);
  CHECK_EQ_INT(cwaku_enr_set(&enr2, "rs", (const uint8_t *)"ab", 2),
               CWAKU_EINVAL);
  /* Unknown keys are kept, sorted, and replaced on a second set. */
  CHECK_EQ_INT(cwaku_enr_set(&enr2, "zeta", (const uint8_t *)"1", 1), 0);
  CHECK_EQ_INT(cwaku_enr_set(&enr2, "alpha", (const uint8_t *)"2", 1), 0);
  CHECK_EQ_INT(cwaku_enr_set(&enr2, "mid", NULL, 0), 0);
  CHECK_EQ_INT(cwaku_enr_set(&enr2, "zeta", (const uint8_t *)"333", 3), 0);
  CHECK_EQ_INT(cwaku_enr_pair_count(&enr2), 3);
  CHECK_EQ_INT(cwaku_enr_remove(&enr2, "mid"), 0);
  CHECK_EQ_INT(cwaku_enr_remove(&enr2, "mid"), CWAKU_ENOTFOUND);
  CHECK_EQ_INT(cwaku_enr_sign(&enr2, &sk), 0);
  const char *order[] = {"alpha", "id", "secp256k1", "zeta"};
  CHECK_EQ_INT(cwaku_enr_pair_count(&enr2), 4);
  for (size_t i = 0; i < 4; i++) {
    const uint8_t *k, *v;
    size_t kl, vl;
    CHECK_EQ_INT(cwaku_enr_pair_at(&k, &kl, &v, &vl, &enr2, i), 0);
    CHECK(kl == strlen(order[i]) && memcmp(k, order[i], kl) == 0);
  }
  char text[CWAKU_ENR_TEXT_MAX];
  CHECK_EQ_INT(cwaku_enr_encode_text(text, sizeof text, &enr2), 0);
  CHECK_EQ_INT(cwaku_enr_decode_text(&enr, text), 0);
  const uint8_t *v;
  size_t vl;
  CHECK_EQ_INT(cwaku_enr_get(&v, &vl, &enr, "zeta"), 0);
  CHECK(vl == 3 && memcmp(v, "333", 3) == 0);
  char again[CWAKU_ENR_TEXT_MAX];
  CHECK_EQ_INT(cwaku_enr_encode_text(again, sizeof again, &enr), 0);
  CHECK_EQ_STR(again, text);

  /* An invalid key is refused and leaves the record as it was. */
  cwaku_seckey zero;
  memset(&zero, 0, sizeof zero);
  CHECK_EQ_INT(cwaku_enr_sign(&enr2, &zero), CWAKU_EKEY);
  CHECK_EQ_INT(cwaku_enr_encode_text(again, sizeof again, &enr2), 0);
  CHECK_EQ_STR(again, text);
}

int main(void) {
  test_eip778_vector();
  test_rejections();
  test_size_limit();
  test_text_form();
  test_waku_fields();
  test_builder();
  return check_summary("enr");
}
