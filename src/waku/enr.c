/* Ethereum Node Records: EIP-778 "v4" records with 31/WAKU2-ENR fields. */
#include "cwaku/enr.h"

#include <string.h>

#include "base/cursor.h"
#include "crypto/keccak256.h"
#include "cwaku/encoding.h"
#include "cwaku/multiaddr.h"
#include "waku/rlp.h"

#define ENR_PREFIX "enr:"
#define ENR_PREFIX_LEN 4
#define RS_MAX_COUNT 255
#define MAX_SHARD 1023

static const char *const port_keys[] = {
    [CWAKU_ENR_TCP] = "tcp",
    [CWAKU_ENR_UDP] = "udp",
    [CWAKU_ENR_TCP6] = "tcp6",
    [CWAKU_ENR_UDP6] = "udp6",
};

/* ---- keys and pairs ---- */

/* EIP-778 §Record Structure: "The key/value pairs must be sorted by key and
 * must be unique". Keys are byte strings; a prefix sorts first. */
static int key_cmp(const uint8_t *a, size_t alen, const uint8_t *b,
                   size_t blen) {
  int c = memcmp(a, b, alen < blen ? alen : blen);
  if (c)
    return c;
  return alen < blen ? -1 : alen > blen;
}

static bool key_is(const uint8_t *k, size_t klen, const char *name) {
  return klen == strlen(name) && memcmp(k, name, klen) == 0;
}

static const uint8_t *pair_key(const struct cwaku_enr *enr, size_t i) {
  return enr->data + enr->pairs[i].key_off;
}

static const uint8_t *pair_val(const struct cwaku_enr *enr, size_t i) {
  return enr->data + enr->pairs[i].val_off;
}

static int find(const uint8_t **val, size_t *vallen,
                const struct cwaku_enr *enr, const char *key) {
  for (size_t i = 0; i < enr->npairs; i++) {
    if (key_is(pair_key(enr, i), enr->pairs[i].key_len, key)) {
      *val = pair_val(enr, i);
      *vallen = enr->pairs[i].val_len;
      return 0;
    }
  }
  *val = NULL;
  *vallen = 0;
  return CWAKU_ENOTFOUND;
}

/* Appends a pair at the end (the caller keeps the order). */
static bool append(struct cwaku_enr *enr, const uint8_t *key, size_t klen,
                   const uint8_t *val, size_t vlen) {
  if (enr->npairs >= CWAKU_ENR_MAX_PAIRS ||
      klen + vlen > (size_t)(CWAKU_ENR_MAX_BYTES - enr->used))
    return false;
  struct cwaku_enr_pair_ref *p = &enr->pairs[enr->npairs++];
  p->key_off = enr->used;
  p->key_len = (uint16_t)klen;
  if (klen)
    memcpy(enr->data + enr->used, key, klen);
  enr->used = (uint16_t)(enr->used + klen);
  p->val_off = enr->used;
  p->val_len = (uint16_t)vlen;
  if (vlen)
    memcpy(enr->data + enr->used, val, vlen);
  enr->used = (uint16_t)(enr->used + vlen);
  return true;
}

/* Inserts, replaces (val != NULL) or removes (val == NULL) a pair, keeping
 * keys sorted. enr is left unchanged on failure. */
static int put(struct cwaku_enr *enr, const char *key, const uint8_t *val,
               size_t vlen) {
  const uint8_t *k = (const uint8_t *)key;
  size_t klen = strlen(key);
  struct cwaku_enr tmp;
  cwaku_enr_init(&tmp, enr->seq);
  bool placed = val == NULL, found = false, ok = true;
  for (size_t i = 0; i < enr->npairs && ok; i++) {
    int c = key_cmp(pair_key(enr, i), enr->pairs[i].key_len, k, klen);
    if (c == 0)
      found = true;
    if (!placed && c >= 0) {
      ok = append(&tmp, k, klen, val, vlen);
      placed = true;
    }
    if (c != 0 && ok)
      ok = append(&tmp, pair_key(enr, i), enr->pairs[i].key_len,
                  pair_val(enr, i), enr->pairs[i].val_len);
  }
  if (ok && !placed)
    ok = append(&tmp, k, klen, val, vlen);
  if (!ok)
    return CWAKU_ETOOBIG;
  if (val == NULL && !found)
    return CWAKU_ENOTFOUND;
  *enr = tmp;
  return 0;
}

/* ---- field rules ---- */

/* 31/WAKU2-ENR §multiaddrs: "a list of binary encoded multiaddr prefixed by
 * their size", the size "a Big Endian unsigned 16-bit integer". Entries are
 * not empty (nwaku refuses a zero size too). Reads the index-th entry, or
 * counts the entries when index is SIZE_MAX; -1 on a framing error. */
static long multiaddrs_walk(const uint8_t *v, size_t n, size_t index,
                            const uint8_t **ma, size_t *malen) {
  struct cwaku__rcur c;
  cwaku__rcur_init(&c, v, n);
  long count = 0;
  while (cwaku__rcur_left(&c) > 0) {
    uint16_t len = cwaku__rcur_be16(&c);
    const uint8_t *p = cwaku__rcur_take(&c, len);
    if (cwaku__rcur_err(&c) || len == 0)
      return -1;
    if ((size_t)count == index) {
      *ma = p;
      *malen = len;
    }
    count++;
  }
  return count;
}

/* Relay shards from "rs" or "rsv"; out may be NULL to only check. */
static bool parse_shards(struct cwaku_enr_shards *out, const uint8_t *v,
                         size_t n, enum cwaku_enr_shard_encoding enc) {
  uint8_t bits[CWAKU_ENR_MAX_SHARDS / 8];
  memset(bits, 0, sizeof bits);
  struct cwaku__rcur c;
  cwaku__rcur_init(&c, v, n);
  uint16_t cluster = cwaku__rcur_be16(&c);
  switch (enc) {
  case CWAKU_ENR_SHARDS_RS: {
    /* WAKU2-RELAY-SHARDING §Index List: "a two-byte shard cluster index in
     * network byte order, concatenated with a one-byte length field holding
     * the number of shards ..., concatenated with two-byte shard indices in
     * network byte order". */
    uint8_t count = cwaku__rcur_u8(&c);
    if (cwaku__rcur_err(&c) || cwaku__rcur_left(&c) != 2 * (size_t)count)
      return false;
    for (unsigned i = 0; i < count; i++) {
      uint16_t s = cwaku__rcur_be16(&c);
      if (s > MAX_SHARD)
        return false;
      bits[s / 8] |= (uint8_t)(1u << (s % 8));
    }
    break;
  }
  case CWAKU_ENR_SHARDS_RSV:
    /* WAKU2-RELAY-SHARDING §Bit Vector: "a two-byte shard cluster index in
     * network byte order concatenated with a 128-byte wide bit vector".
     * Bit order as nwaku (waku_enr/sharding.nim) and go-waku write it:
     * shard i is bit i % 8 (1 << i % 8) of byte i / 8 of the vector.
     * js-waku mirrors the bits of each byte; specs/enr.md §5. */
    if (cwaku__rcur_err(&c) || cwaku__rcur_left(&c) != sizeof bits)
      return false;
    cwaku__rcur_copy(&c, bits, sizeof bits);
    break;
  }
  if (out) {
    out->cluster = cluster;
    out->encoding = enc;
    out->count = 0;
    for (unsigned s = 0; s < CWAKU_ENR_MAX_SHARDS; s++)
      if (bits[s / 8] & (1u << (s % 8)))
        out->shards[out->count++] = (uint16_t)s;
  }
  return true;
}

/* Checks the value of a key this code knows; other keys pass. */
static bool field_ok(const uint8_t *k, size_t klen, const uint8_t *v,
                     size_t vlen) {
  /* EIP-778 §Record Structure: secp256k1 is a "compressed secp256k1 public
   * key, 33 bytes"; ip "IPv4 address, 4 bytes"; ip6 "IPv6 address, 16
   * bytes"; ports are "big endian integer". */
  if (key_is(k, klen, "secp256k1")) {
    cwaku_pubkey pk;
    return vlen == CWAKU_PUBKEY_BYTES && cwaku_pubkey_parse(&pk, v, vlen);
  }
  if (key_is(k, klen, "ip"))
    return vlen == 4;
  if (key_is(k, klen, "ip6"))
    return vlen == 16;
  /* A port is at most 2 bytes. A leading zero byte is tolerated because
   * js-waku writes ports as fixed 2 bytes (port 80 as 0x0050); this code
   * writes them canonical. */
  for (size_t i = 0; i < sizeof port_keys / sizeof port_keys[0]; i++)
    if (key_is(k, klen, port_keys[i]))
      return vlen <= 2;
  /* 31/WAKU2-ENR §waku2: "The value MUST be an 8-bit flag field". */
  if (key_is(k, klen, "waku2"))
    return vlen == 1;
  if (key_is(k, klen, "multiaddrs"))
    return multiaddrs_walk(v, vlen, SIZE_MAX, NULL, NULL) >= 0;
  if (key_is(k, klen, "rs"))
    return parse_shards(NULL, v, vlen, CWAKU_ENR_SHARDS_RS);
  if (key_is(k, klen, "rsv"))
    return parse_shards(NULL, v, vlen, CWAKU_ENR_SHARDS_RSV);
  return true;
}

/* ---- RLP of the record ---- */

static size_t content_payload_len(const struct cwaku_enr *enr) {
  size_t n = cwaku__rlp_uint_len(enr->seq);
  for (size_t i = 0; i < enr->npairs; i++)
    n += cwaku__rlp_string_len(pair_key(enr, i), enr->pairs[i].key_len) +
         cwaku__rlp_string_len(pair_val(enr, i), enr->pairs[i].val_len);
  return n;
}

/* EIP-778 §RLP Encoding: "content = [seq, k, v, ...]", "record =
 * [signature, seq, k, v, ...]". */
static void write_rlp(struct cwaku__wbuf *w, const struct cwaku_enr *enr,
                      bool with_signature) {
  size_t payload = content_payload_len(enr);
  if (with_signature)
    payload += cwaku__rlp_string_len(enr->signature, CWAKU_ENR_SIG_BYTES);
  cwaku__rlp_put_list_header(w, payload);
  if (with_signature)
    cwaku__rlp_put_string(w, enr->signature, CWAKU_ENR_SIG_BYTES);
  cwaku__rlp_put_uint(w, enr->seq);
  for (size_t i = 0; i < enr->npairs; i++) {
    cwaku__rlp_put_string(w, pair_key(enr, i), enr->pairs[i].key_len);
    cwaku__rlp_put_string(w, pair_val(enr, i), enr->pairs[i].val_len);
  }
}

/* EIP-778 §"v4" Identity Scheme: "apply the keccak256 hash function (as
 * used by the EVM) to content, then create a signature of the hash". */
static int content_hash(uint8_t hash[32], const struct cwaku_enr *enr) {
  struct cwaku__wbuf w;
  /* The content is shorter than the record, which is at most 300 bytes;
   * the cap keeps a builder from hashing anything larger. */
  cwaku__wbuf_init(&w, CWAKU_ENR_MAX_BYTES);
  write_rlp(&w, enr, false);
  int r = cwaku__wbuf_err(&w);
  if (!r)
    cwaku__keccak256(hash, w.p, w.len);
  cwaku__wbuf_clear(&w);
  return r;
}

static size_t record_len(const struct cwaku_enr *enr) {
  size_t payload = content_payload_len(enr) +
                   cwaku__rlp_string_len(enr->signature, CWAKU_ENR_SIG_BYTES);
  return cwaku__rlp_list_header_len(payload) + payload;
}

/* ---- decoding ---- */

static int decode_structure(struct cwaku_enr *out, const uint8_t *in,
                            size_t inlen) {
  struct cwaku__rcur c;
  cwaku__rcur_init(&c, in, inlen);
  struct cwaku__rlp_item list;
  cwaku__rlp_read(&c, &list);
  /* Input that ends before the list does is truncated; inside a complete
   * list, an item overrunning it is malformed. */
  if (cwaku__rcur_err(&c))
    return cwaku__rcur_err(&c) == CWAKU_ETRUNC ? CWAKU_ETRUNC : CWAKU_EENR;
  /* EIP-778 §RLP Encoding: "The canonical encoding of a node record is an
   * RLP list"; nothing may follow it. */
  if (!list.is_list || cwaku__rcur_left(&c) != 0)
    return CWAKU_EENR;

  struct cwaku__rcur items;
  cwaku__rcur_init(&items, list.p, list.len);
  /* Every element is a byte string: an ENR has no nested lists. */
  struct cwaku__rlp_item sig;
  cwaku__rlp_read_string(&items, &sig);
  /* EIP-778 §Record Structure: "seq: The sequence number, a 64-bit unsigned
   * integer", in canonical RLP (no leading zero bytes). */
  out->seq = cwaku__rlp_read_uint64(&items);
  if (cwaku__rcur_err(&items))
    return CWAKU_EENR;
  /* EIP-778 §"v4" Identity Scheme: "The resulting 64-byte signature is
   * encoded as the concatenation of the r and s signature values". */
  if (sig.len != CWAKU_ENR_SIG_BYTES)
    return CWAKU_EENR;
  memcpy(out->signature, sig.p, CWAKU_ENR_SIG_BYTES);

  const uint8_t *prev = NULL;
  size_t prevlen = 0;
  while (cwaku__rcur_left(&items) > 0) {
    struct cwaku__rlp_item k, v;
    cwaku__rlp_read_string(&items, &k);
    if (!cwaku__rcur_err(&items) && cwaku__rcur_left(&items) == 0)
      return CWAKU_EENR; /* a key without a value */
    cwaku__rlp_read_string(&items, &v);
    if (cwaku__rcur_err(&items))
      return CWAKU_EENR;
    /* EIP-778 §Record Structure: "The key/value pairs must be sorted by key
     * and must be unique". */
    if (prev && key_cmp(prev, prevlen, k.p, k.len) >= 0)
      return CWAKU_EENR;
    if (!append(out, k.p, k.len, v.p, v.len))
      return CWAKU_EENR;
    prev = k.p;
    prevlen = k.len;
  }
  return 0;
}

int cwaku_enr_decode(struct cwaku_enr *out, const uint8_t *in, size_t inlen) {
  cwaku_enr_init(out, 0);
  /* EIP-778 §RLP Encoding: "The maximum encoded size of a node record is
   * 300 bytes. Implementations should reject records larger than this". */
  if (inlen > CWAKU_ENR_MAX_BYTES)
    return CWAKU_ETOOBIG;
  int r = decode_structure(out, in, inlen);
  const uint8_t *id, *pub;
  size_t idlen, publen;
  /* EIP-778 §Record Structure: "All keys except id are optional". */
  if (!r && find(&id, &idlen, out, "id"))
    r = CWAKU_EENR;
  /* This code knows the "v4" scheme only. */
  if (!r && !key_is(id, idlen, "v4"))
    r = CWAKU_EUNSUPPORTED;
  /* EIP-778 §"v4" Identity Scheme: "check that the signature was made by the
   * public key in the "secp256k1" key/value pair". */
  if (!r && find(&pub, &publen, out, "secp256k1"))
    r = CWAKU_EENR;
  /* Other known fields are checked when read, not here: like go-ethereum
   * and nwaku, a bad optional value (a short "ip", a broken "rs") makes
   * that field unreadable, not the record. The builder checks them all. */
  uint8_t hash[32];
  cwaku_pubkey pk;
  /* EIP-778: "secp256k1 ... compressed secp256k1 public key, 33 bytes" */
  if (!r && (publen != CWAKU_PUBKEY_BYTES || content_hash(hash, out) ||
             !cwaku_pubkey_parse(&pk, pub, publen)))
    r = CWAKU_EENR;
  if (!r && !cwaku_ecdsa_verify(out->signature, hash, &pk))
    r = CWAKU_ESIGNATURE;
  if (r) {
    cwaku_enr_init(out, 0);
    return r;
  }
  out->is_signed = true;
  return 0;
}

int cwaku_enr_decode_text(struct cwaku_enr *out, const char *text) {
  cwaku_enr_init(out, 0);
  /* EIP-778 §Text Encoding: "the base64 encoding of its RLP representation,
   * prefixed by enr:", URL-safe alphabet, no padding. */
  if (strncmp(text, ENR_PREFIX, ENR_PREFIX_LEN) != 0)
    return CWAKU_EENCODING;
  const char *b64 = text + ENR_PREFIX_LEN;
  size_t n = strlen(b64);
  if (n > CWAKU_ENR_TEXT_MAX - 1 - ENR_PREFIX_LEN)
    return CWAKU_ETOOBIG;
  uint8_t raw[CWAKU_ENR_MAX_BYTES];
  size_t rawlen = sizeof raw;
  int r = cwaku_base64url_decode(raw, &rawlen, b64, n);
  if (r)
    return r == CWAKU_ETOOBIG ? r : CWAKU_EENCODING;
  return cwaku_enr_decode(out, raw, rawlen);
}

/* ---- encoding ---- */

int cwaku_enr_encode(uint8_t *out, size_t *outlen,
                     const struct cwaku_enr *enr) {
  size_t cap = *outlen;
  *outlen = 0;
  if (!enr->is_signed)
    return CWAKU_EINVAL;
  struct cwaku__wbuf w;
  cwaku__wbuf_init(&w, CWAKU_ENR_MAX_BYTES);
  write_rlp(&w, enr, true);
  int r = cwaku__wbuf_err(&w);
  if (!r && w.len > cap)
    r = CWAKU_ETOOBIG;
  if (!r) {
    memcpy(out, w.p, w.len);
    *outlen = w.len;
  }
  cwaku__wbuf_clear(&w);
  return r;
}

int cwaku_enr_encode_text(char *out, size_t outcap,
                          const struct cwaku_enr *enr) {
  uint8_t raw[CWAKU_ENR_MAX_BYTES];
  size_t rawlen = sizeof raw;
  if (outcap > 0)
    out[0] = 0;
  int r = cwaku_enr_encode(raw, &rawlen, enr);
  if (r)
    return r;
  if (outcap < ENR_PREFIX_LEN + 1)
    return CWAKU_ETOOBIG;
  memcpy(out, ENR_PREFIX, ENR_PREFIX_LEN);
  size_t n = outcap - ENR_PREFIX_LEN;
  r = cwaku_base64url_encode(out + ENR_PREFIX_LEN, &n, raw, rawlen);
  if (r)
    out[0] = 0;
  return r;
}

/* ---- building ---- */

void cwaku_enr_init(struct cwaku_enr *enr, uint64_t seq) {
  memset(enr, 0, sizeof *enr);
  enr->seq = seq;
}

void cwaku_enr_set_seq(struct cwaku_enr *enr, uint64_t seq) {
  enr->seq = seq;
  enr->is_signed = false;
  memset(enr->signature, 0, sizeof enr->signature);
}

int cwaku_enr_set(struct cwaku_enr *enr, const char *key, const uint8_t *val,
                  size_t vallen) {
  static const uint8_t empty[1];
  if (!val)
    val = empty;
  if (vallen > CWAKU_ENR_MAX_BYTES)
    return CWAKU_ETOOBIG;
  if (!field_ok((const uint8_t *)key, strlen(key), val, vallen))
    return CWAKU_EINVAL;
  return put(enr, key, val, vallen);
}

int cwaku_enr_remove(struct cwaku_enr *enr, const char *key) {
  return put(enr, key, NULL, 0);
}

int cwaku_enr_sign(struct cwaku_enr *enr, const cwaku_seckey *sk) {
  cwaku_pubkey pk;
  if (!cwaku_pubkey_from_seckey(&pk, sk))
    return CWAKU_EKEY;
  struct cwaku_enr tmp = *enr;
  int r = put(&tmp, "id", (const uint8_t *)"v4", 2);
  if (!r)
    r = put(&tmp, "secp256k1", pk.data, sizeof pk.data);
  if (r)
    return r;
  if (record_len(&tmp) > CWAKU_ENR_MAX_BYTES)
    return CWAKU_ETOOBIG;
  uint8_t hash[32];
  r = content_hash(hash, &tmp);
  if (r)
    return r;
  if (!cwaku_ecdsa_sign(tmp.signature, sk, hash))
    return CWAKU_ECRYPTO;
  tmp.is_signed = true;
  *enr = tmp;
  return 0;
}

int cwaku_enr_set_ip4(struct cwaku_enr *enr, const uint8_t ip[4]) {
  return cwaku_enr_set(enr, "ip", ip, 4);
}

int cwaku_enr_set_ip6(struct cwaku_enr *enr, const uint8_t ip[16]) {
  return cwaku_enr_set(enr, "ip6", ip, 16);
}

int cwaku_enr_set_port(struct cwaku_enr *enr, enum cwaku_enr_port which,
                       uint16_t port) {
  if ((unsigned)which >= sizeof port_keys / sizeof port_keys[0])
    return CWAKU_EINVAL;
  uint8_t be[2] = {(uint8_t)(port >> 8), (uint8_t)port};
  /* Canonical RLP integer: no leading zero byte; 0 is the empty string. */
  size_t skip = port >= 0x100 ? 0 : port >= 1 ? 1 : 2;
  return cwaku_enr_set(enr, port_keys[which], be + skip, 2 - skip);
}

int cwaku_enr_set_waku2(struct cwaku_enr *enr, uint8_t flags) {
  return cwaku_enr_set(enr, "waku2", &flags, 1);
}

int cwaku_enr_set_multiaddrs(struct cwaku_enr *enr, const uint8_t *const *mas,
                             const size_t *lens, size_t n) {
  uint8_t buf[CWAKU_ENR_MAX_BYTES];
  size_t len = 0;
  for (size_t i = 0; i < n; i++) {
    int r = cwaku_multiaddr_validate(mas[i], lens[i]);
    if (r)
      return r;
    if (lens[i] + 2 > sizeof buf - len)
      return CWAKU_ETOOBIG;
    buf[len++] = (uint8_t)(lens[i] >> 8);
    buf[len++] = (uint8_t)lens[i];
    memcpy(buf + len, mas[i], lens[i]);
    len += lens[i];
  }
  return cwaku_enr_set(enr, "multiaddrs", buf, len);
}

int cwaku_enr_set_shards(struct cwaku_enr *enr, uint16_t cluster,
                         const uint16_t *shards, size_t n,
                         enum cwaku_enr_shard_encoding encoding) {
  uint8_t bits[CWAKU_ENR_RSV_BITS_BYTES];
  memset(bits, 0, sizeof bits);
  for (size_t i = 0; i < n; i++) {
    uint16_t s = shards[i];
    if (s > MAX_SHARD || (bits[s / 8] & (1u << (s % 8))))
      return CWAKU_ESHARD;
    bits[s / 8] |= (uint8_t)(1u << (s % 8));
  }
  uint8_t buf[3 + 2 * RS_MAX_COUNT];
  size_t len = 0;
  buf[len++] = (uint8_t)(cluster >> 8);
  buf[len++] = (uint8_t)cluster;
  const char *key = NULL, *other = NULL;
  switch (encoding) {
  case CWAKU_ENR_SHARDS_RS:
    if (n > RS_MAX_COUNT)
      return CWAKU_ESHARD;
    buf[len++] = (uint8_t)n;
    for (size_t i = 0; i < n; i++) {
      buf[len++] = (uint8_t)(shards[i] >> 8);
      buf[len++] = (uint8_t)shards[i];
    }
    key = "rs";
    other = "rsv";
    break;
  case CWAKU_ENR_SHARDS_RSV:
    memcpy(buf + len, bits, sizeof bits);
    len += sizeof bits;
    key = "rsv";
    other = "rs";
    break;
  }
  if (!key)
    return CWAKU_EINVAL;
  /* WAKU2-RELAY-SHARDING §Discovery: "Nodes MUST NOT use both index list
   * (rs) and bit vector (rsv) in a single ENR." */
  struct cwaku_enr tmp = *enr;
  int r = cwaku_enr_remove(&tmp, other);
  if (r && r != CWAKU_ENOTFOUND)
    return r;
  r = cwaku_enr_set(&tmp, key, buf, len);
  if (r)
    return r;
  *enr = tmp;
  return 0;
}

/* ---- reading ---- */

uint64_t cwaku_enr_seq(const struct cwaku_enr *enr) {
  return enr->seq;
}

int cwaku_enr_signature(uint8_t out[CWAKU_ENR_SIG_BYTES],
                        const struct cwaku_enr *enr) {
  if (!enr->is_signed) {
    memset(out, 0, CWAKU_ENR_SIG_BYTES);
    return CWAKU_EINVAL;
  }
  memcpy(out, enr->signature, CWAKU_ENR_SIG_BYTES);
  return 0;
}

size_t cwaku_enr_pair_count(const struct cwaku_enr *enr) {
  return enr->npairs;
}

int cwaku_enr_pair_at(const uint8_t **key, size_t *keylen, const uint8_t **val,
                      size_t *vallen, const struct cwaku_enr *enr,
                      size_t index) {
  if (index >= enr->npairs)
    return CWAKU_ENOTFOUND;
  *key = pair_key(enr, index);
  *keylen = enr->pairs[index].key_len;
  *val = pair_val(enr, index);
  *vallen = enr->pairs[index].val_len;
  return 0;
}

int cwaku_enr_get(const uint8_t **val, size_t *vallen,
                  const struct cwaku_enr *enr, const char *key) {
  return find(val, vallen, enr, key);
}

int cwaku_enr_pubkey(cwaku_pubkey *out, const struct cwaku_enr *enr) {
  const uint8_t *v;
  size_t n;
  int r = find(&v, &n, enr, "secp256k1");
  if (r)
    return r;
  return cwaku_pubkey_parse(out, v, n) ? 0 : CWAKU_EKEY;
}

int cwaku_enr_node_id(uint8_t out[CWAKU_ENR_NODE_ID_BYTES],
                      const struct cwaku_enr *enr) {
  cwaku_pubkey pk;
  uint8_t full[CWAKU_PUBKEY_UNCOMPRESSED_BYTES];
  int r = cwaku_enr_pubkey(&pk, enr);
  if (r)
    return r;
  if (!cwaku_pubkey_uncompressed(full, &pk))
    return CWAKU_EKEY;
  /* EIP-778 §"v4" Identity Scheme: "To derive a node address, take the
   * keccak256 hash of the uncompressed public key" (x || y, 64 bytes). */
  cwaku__keccak256(out, full + 1, sizeof full - 1);
  return 0;
}

int cwaku_enr_peer_id(cwaku_peer_id *out, const struct cwaku_enr *enr) {
  cwaku_pubkey pk;
  int r = cwaku_enr_pubkey(&pk, enr);
  if (r)
    return r;
  /* 31/WAKU2-ENR §multiaddrs: "The node's peer id SHOULD be deduced from the
   * secp256k1 value." */
  cwaku_peer_id_from_secp256k1(out, &pk);
  return 0;
}

static int get_fixed(uint8_t *out, size_t n, const struct cwaku_enr *enr,
                     const char *key) {
  const uint8_t *v;
  size_t vlen;
  int r = find(&v, &vlen, enr, key);
  if (r)
    return r;
  if (vlen != n)
    return CWAKU_EENR;
  memcpy(out, v, n);
  return 0;
}

int cwaku_enr_ip4(uint8_t out[4], const struct cwaku_enr *enr) {
  return get_fixed(out, 4, enr, "ip");
}

int cwaku_enr_ip6(uint8_t out[16], const struct cwaku_enr *enr) {
  return get_fixed(out, 16, enr, "ip6");
}

int cwaku_enr_port(uint16_t *out, const struct cwaku_enr *enr,
                   enum cwaku_enr_port which) {
  *out = 0;
  if ((unsigned)which >= sizeof port_keys / sizeof port_keys[0])
    return CWAKU_EINVAL;
  const uint8_t *v;
  size_t n;
  int r = find(&v, &n, enr, port_keys[which]);
  if (r)
    return r;
  if (n > 2)
    return CWAKU_EENR;
  uint16_t port = 0;
  for (size_t i = 0; i < n; i++)
    port = (uint16_t)(port << 8 | v[i]);
  *out = port;
  return 0;
}

int cwaku_enr_waku2(uint8_t *out, const struct cwaku_enr *enr) {
  return get_fixed(out, 1, enr, "waku2");
}

size_t cwaku_enr_multiaddr_count(const struct cwaku_enr *enr) {
  const uint8_t *v;
  size_t n;
  if (find(&v, &n, enr, "multiaddrs"))
    return 0;
  long count = multiaddrs_walk(v, n, SIZE_MAX, NULL, NULL);
  return count > 0 ? (size_t)count : 0;
}

int cwaku_enr_multiaddr_at(const uint8_t **ma, size_t *malen,
                           const struct cwaku_enr *enr, size_t index) {
  const uint8_t *v;
  size_t n;
  *ma = NULL;
  *malen = 0;
  int r = find(&v, &n, enr, "multiaddrs");
  if (r)
    return r;
  long count = multiaddrs_walk(v, n, index, ma, malen);
  if (count < 0)
    return CWAKU_EENR;
  if (index >= (size_t)count)
    return CWAKU_ENOTFOUND;
  return 0;
}

int cwaku_enr_shards(struct cwaku_enr_shards *out,
                     const struct cwaku_enr *enr) {
  const uint8_t *v;
  size_t n;
  enum cwaku_enr_shard_encoding enc = CWAKU_ENR_SHARDS_RS;
  out->cluster = 0;
  out->count = 0;
  out->encoding = enc;
  /* WAKU2-RELAY-SHARDING §Discovery: with both keys, interpret rs and
   * ignore rsv. */
  if (find(&v, &n, enr, "rs")) {
    enc = CWAKU_ENR_SHARDS_RSV;
    if (find(&v, &n, enr, "rsv"))
      return CWAKU_ENOTFOUND;
  }
  return parse_shards(out, v, n, enc) ? 0 : CWAKU_EENR;
}
