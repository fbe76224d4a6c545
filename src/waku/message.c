#include "cwaku/message.h"

#include <stdlib.h>
#include <string.h>

#include "base/cursor.h"
#include "base/protowire.h"
#include "crypto/sha256.h"
#include "waku_message.pb-c.h"

void cwaku_message_init(struct cwaku_message *m, const char *content_topic,
                        const uint8_t *payload, size_t payload_len) {
  memset(m, 0, sizeof *m);
  m->content_topic = content_topic;
  m->content_topic_len = content_topic ? strlen(content_topic) : 0;
  m->payload = payload;
  m->payload_len = payload_len;
}

/* Strict UTF-8 (RFC 3629): no overlongs, no surrogates, nothing past
 * U+10FFFF; NUL is refused too, since topics travel as C strings. */
static bool valid_topic_utf8(const uint8_t *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    uint8_t c = s[i];
    if (c == 0)
      return false;
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t len;
    uint32_t cp, min;
    if ((c & 0xe0) == 0xc0) {
      len = 2, cp = c & 0x1f, min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3, cp = c & 0x0f, min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
      len = 4, cp = c & 0x07, min = 0x10000;
    } else {
      return false;
    }
    if (n - i < len)
      return false;
    for (size_t k = 1; k < len; k++) {
      if ((s[i + k] & 0xc0) != 0x80)
        return false;
      cp = (cp << 6) | (s[i + k] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
      return false;
    i += len;
  }
  return true;
}

static int check_limits(const struct cwaku_message *m) {
  if (m->has_meta && m->meta_len > CWAKU_MESSAGE_META_MAX)
    return CWAKU_ETOOBIG;
  if (m->content_topic_len &&
      !valid_topic_utf8((const uint8_t *)m->content_topic,
                        m->content_topic_len))
    return CWAKU_EMALFORMED;
  return 0;
}

/* A WakuMessage has 7 fields; a peer may repeat or add some, but no honest
 * encoder sends more than this many. Each costs protobuf-c an allocation,
 * so the cap also bounds the memory a message can make us spend. */
#define MESSAGE_MAX_FIELDS 64

/* The wire type each known field must have; -1 for unknown fields. */
static int expected_wire_type(uint64_t field) {
  switch (field) {
  case 1:  /* payload */
  case 2:  /* content_topic */
  case 11: /* meta */
  case 21: /* rate_limit_proof */
    return CWAKU__PB_LEN;
  case 3:  /* version */
  case 10: /* timestamp */
  case 31: /* ephemeral */
    return CWAKU__PB_VARINT;
  default:
    return -1;
  }
}

/* Walks the protobuf framing before protobuf-c sees it, so that truncated
 * input (ETRUNC) is told from malformed input (EMALFORMED), which protobuf-c
 * reports alike, and the field count is capped. */
static int scan_wire(const uint8_t *in, size_t inlen) {
  struct cwaku__rcur c;
  cwaku__rcur_init(&c, in, inlen);
  unsigned fields = 0;
  while (cwaku__rcur_left(&c) > 0 && !cwaku__rcur_err(&c)) {
    uint32_t wt, field = cwaku__pb_key(&c, &wt);
    if (cwaku__rcur_err(&c))
      break;
    int want = expected_wire_type(field);
    if (++fields > MESSAGE_MAX_FIELDS || (want >= 0 && want != (int)wt)) {
      cwaku__rcur_fail(&c, CWAKU_EMALFORMED);
      break;
    }
    cwaku__pb_skip(&c, wt);
  }
  return cwaku__rcur_err(&c);
}

/* protobuf-c allocator that remembers running out of memory, so that a
 * failed unpack of well-framed input can be reported as ENOMEM. */
struct tracking_alloc {
  ProtobufCAllocator base;
  int oom;
};

static void *tracking_alloc_fn(void *data, size_t size) {
  void *p = malloc(size);
  if (!p)
    ((struct tracking_alloc *)data)->oom = 1;
  return p;
}

static void tracking_free_fn(void *data, void *p) {
  (void)data;
  free(p);
}

/* Decoded storage: the protobuf-c message plus a NUL-terminated copy of
 * the content topic, in one allocation freed together. */
struct message_storage {
  Waku__WakuMessage *pb;
  char topic[];
};

int cwaku_message_decode(struct cwaku_message *out, const uint8_t *in,
                         size_t inlen, size_t max_size) {
  memset(out, 0, sizeof *out);
  if (inlen > max_size)
    return CWAKU_ETOOBIG;
  int r = scan_wire(in, inlen);
  if (r)
    return r;
  struct tracking_alloc ta = {{tracking_alloc_fn, tracking_free_fn, NULL}, 0};
  ta.base.allocator_data = &ta;
  Waku__WakuMessage *pb = waku__waku_message__unpack(&ta.base, inlen, in);
  if (!pb)
    return ta.oom ? CWAKU_ENOMEM : CWAKU_EMALFORMED;
  size_t tlen = pb->content_topic.len;
  struct message_storage *st = malloc(sizeof *st + tlen + 1);
  if (!st) {
    waku__waku_message__free_unpacked(pb, NULL);
    return CWAKU_ENOMEM;
  }
  st->pb = pb;
  if (tlen)
    memcpy(st->topic, pb->content_topic.data, tlen);
  st->topic[tlen] = 0;

  out->storage_ = st;
  out->payload = pb->payload.data;
  out->payload_len = pb->payload.len;
  out->content_topic = st->topic;
  out->content_topic_len = tlen;
  out->has_version = pb->has_version;
  out->version = pb->version;
  out->has_timestamp = pb->has_timestamp;
  out->timestamp = pb->timestamp;
  out->has_meta = pb->has_meta;
  out->meta = pb->meta.data;
  out->meta_len = pb->meta.len;
  out->has_rate_limit_proof = pb->has_rate_limit_proof;
  out->rate_limit_proof = pb->rate_limit_proof.data;
  out->rate_limit_proof_len = pb->rate_limit_proof.len;
  out->has_ephemeral = pb->has_ephemeral;
  out->ephemeral = pb->ephemeral;

  r = check_limits(out);
  if (r)
    cwaku_message_clear(out);
  return r;
}

void cwaku_message_clear(struct cwaku_message *m) {
  struct message_storage *st = m->storage_;
  if (st) {
    waku__waku_message__free_unpacked(st->pb, NULL);
    free(st);
  }
  memset(m, 0, sizeof *m);
}

int cwaku_message_encode(uint8_t **out, size_t *outlen,
                         const struct cwaku_message *m, size_t max_size) {
  *out = NULL;
  *outlen = 0;
  int r = check_limits(m);
  if (r)
    return r;
  Waku__WakuMessage pb = WAKU__WAKU_MESSAGE__INIT;
  /* protobuf-c takes non-const pointers but only reads them when packing. */
  pb.has_payload = m->payload_len > 0;
  pb.payload.data = (uint8_t *)m->payload;
  pb.payload.len = m->payload_len;
  pb.has_content_topic = m->content_topic_len > 0;
  pb.content_topic.data = (uint8_t *)m->content_topic;
  pb.content_topic.len = m->content_topic_len;
  pb.has_version = m->has_version;
  pb.version = m->version;
  pb.has_timestamp = m->has_timestamp;
  pb.timestamp = m->timestamp;
  pb.has_meta = m->has_meta;
  pb.meta.data = (uint8_t *)m->meta;
  pb.meta.len = m->meta_len;
  pb.has_rate_limit_proof = m->has_rate_limit_proof;
  pb.rate_limit_proof.data = (uint8_t *)m->rate_limit_proof;
  pb.rate_limit_proof.len = m->rate_limit_proof_len;
  pb.has_ephemeral = m->has_ephemeral;
  pb.ephemeral = m->ephemeral;

  size_t n = waku__waku_message__get_packed_size(&pb);
  if (n > max_size)
    return CWAKU_ETOOBIG;
  uint8_t *buf = malloc(n ? n : 1);
  if (!buf)
    return CWAKU_ENOMEM;
  waku__waku_message__pack(&pb, buf);
  *out = buf;
  *outlen = n;
  return 0;
}

void cwaku_message_hash(uint8_t out[CWAKU_MESSAGE_HASH_BYTES],
                        const char *pubsub_topic,
                        const struct cwaku_message *m) {
  struct cwaku__sha256 h;
  cwaku__sha256_init(&h);
  cwaku__sha256_update(&h, pubsub_topic, strlen(pubsub_topic));
  cwaku__sha256_update(&h, m->payload, m->payload_len);
  cwaku__sha256_update(&h, m->content_topic, m->content_topic_len);
  if (m->has_meta)
    cwaku__sha256_update(&h, m->meta, m->meta_len);
  uint64_t ts = m->has_timestamp ? (uint64_t)m->timestamp : 0;
  uint8_t be[8];
  for (int i = 7; i >= 0; i--) {
    be[i] = (uint8_t)ts;
    ts >>= 8;
  }
  cwaku__sha256_update(&h, be, sizeof be);
  cwaku__sha256_final(&h, out);
}
