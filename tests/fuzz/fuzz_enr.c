/* ENR: arbitrary bytes are decoded as an RLP record and as "enr:" text;
 * what decodes must re-encode to the identical bytes. The same bytes are
 * also read as key/value pairs for the builder, signed with a fixed key,
 * and the signed record must survive encode -> decode unchanged (random
 * records never carry a valid signature, so this reaches the success path
 * of the decoder with arbitrary field contents). */
#include <stdlib.h>
#include <string.h>

#include "cwaku/enr.h"
#include "cwaku/multiaddr.h"

static struct cwaku_enr enr, again;
static struct cwaku_enr_shards shards;

/* Exercises the typed readers; they must not fail on a decoded record
 * except with ENOTFOUND (or EMULTIADDR for an unknown multiaddr). */
static void read_fields(const struct cwaku_enr *e) {
  uint8_t b[64];
  uint16_t port;
  cwaku_pubkey pk;
  cwaku_peer_id pid;
  if (cwaku_enr_pubkey(&pk, e) || cwaku_enr_node_id(b, e) ||
      cwaku_enr_peer_id(&pid, e))
    abort();
  int r = cwaku_enr_ip4(b, e);
  if (r && r != CWAKU_ENOTFOUND)
    abort();
  r = cwaku_enr_ip6(b, e);
  if (r && r != CWAKU_ENOTFOUND)
    abort();
  for (int w = CWAKU_ENR_TCP; w <= CWAKU_ENR_UDP6; w++) {
    r = cwaku_enr_port(&port, e, (enum cwaku_enr_port)w);
    if (r && r != CWAKU_ENOTFOUND)
      abort();
  }
  r = cwaku_enr_waku2(b, e);
  if (r && r != CWAKU_ENOTFOUND)
    abort();
  r = cwaku_enr_shards(&shards, e);
  if (r && r != CWAKU_ENOTFOUND)
    abort();
  for (int i = 1; r == 0 && i < shards.count; i++)
    if (shards.shards[i - 1] >= shards.shards[i] || shards.shards[i] > 1023)
      abort();
  size_t n = cwaku_enr_multiaddr_count(e);
  for (size_t i = 0; i < n; i++) {
    const uint8_t *ma;
    size_t malen;
    char text[CWAKU_MULTIADDR_STRING_MAX];
    if (cwaku_enr_multiaddr_at(&ma, &malen, e, i))
      abort();
    (void)cwaku_multiaddr_to_string(text, sizeof text, ma, malen);
  }
}

/* e must be signed: bytes and text survive a round trip. */
static void check_round_trip(const struct cwaku_enr *e, const uint8_t *orig,
                             size_t origlen) {
  uint8_t raw[CWAKU_ENR_MAX_BYTES];
  size_t rawlen = sizeof raw;
  if (cwaku_enr_encode(raw, &rawlen, e))
    abort();
  if (orig && (rawlen != origlen || memcmp(raw, orig, rawlen) != 0))
    abort();
  char text[CWAKU_ENR_TEXT_MAX];
  if (cwaku_enr_encode_text(text, sizeof text, e))
    abort();
  if (cwaku_enr_decode_text(&again, text))
    abort();
  uint8_t raw2[CWAKU_ENR_MAX_BYTES];
  size_t raw2len = sizeof raw2;
  if (cwaku_enr_encode(raw2, &raw2len, &again) || raw2len != rawlen ||
      memcmp(raw, raw2, rawlen) != 0)
    abort();
  read_fields(e);
}

/* Input as pairs: u8 key length, key, u8 value length, value, ... */
static void build(const uint8_t *data, size_t size) {
  static const cwaku_seckey sk = {
      {0x4c, 0x08, 0x83, 0xa6, 0x91, 0x02, 0x93, 0x7d, 0x62, 0x31, 0x47,
       0x1b, 0x5d, 0xbb, 0x62, 0x04, 0xfe, 0x51, 0x29, 0x61, 0x70, 0x82,
       0x79, 0x2a, 0xe4, 0x68, 0xd0, 0x1a, 0x3f, 0x36, 0x23, 0x18}};
  if (size < 1)
    return;
  cwaku_enr_init(&enr, data[0]);
  size_t i = 1;
  while (i < size) {
    char key[64];
    size_t klen = data[i++] % sizeof key;
    if (klen > size - i)
      break;
    memcpy(key, data + i, klen);
    key[klen] = 0;
    i += klen;
    if (i >= size)
      break;
    size_t vlen = data[i++];
    if (vlen > size - i)
      vlen = size - i;
    /* Keys are C strings here; one with a NUL inside is just shorter. */
    (void)cwaku_enr_set(&enr, key, data + i, vlen);
    i += vlen;
  }
  if (cwaku_enr_sign(&enr, &sk))
    return;
  check_round_trip(&enr, NULL, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 1024)
    return 0;
  if (cwaku_enr_decode(&enr, data, size) == 0)
    check_round_trip(&enr, data, size);

  char text[1025];
  memcpy(text, data, size);
  text[size] = 0;
  if (cwaku_enr_decode_text(&enr, text) == 0)
    check_round_trip(&enr, NULL, 0);

  build(data, size);
  return 0;
}
