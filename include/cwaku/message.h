/* WakuMessage (14/WAKU2-MESSAGE): encoding, decoding with limits, and the
 * deterministic message hash. */
#ifndef CWAKU_MESSAGE_H
#define CWAKU_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cwaku/error.h"

/* 64/WAKU2-NETWORK and nwaku DefaultMaxWakuMessageSize: "150KiB". */
#define CWAKU_MESSAGE_MAX_DEFAULT (150 * 1024)
/* nwaku MaxMetaAttrLength. */
#define CWAKU_MESSAGE_META_MAX 64
#define CWAKU_MESSAGE_HASH_BYTES 32

/* A view of a message: pointers into memory the caller owns (for encode) or
 * into storage held by the message itself (after decode). */
struct cwaku_message {
  const uint8_t *payload;
  size_t payload_len;
  const char *content_topic; /* NUL-terminated UTF-8, no embedded NUL */
  size_t content_topic_len;
  bool has_version;
  uint32_t version;
  bool has_timestamp;
  int64_t timestamp; /* Unix nanoseconds */
  bool has_meta;
  const uint8_t *meta;
  size_t meta_len;
  bool has_rate_limit_proof;
  const uint8_t *rate_limit_proof; /* serialized RateLimitProof */
  size_t rate_limit_proof_len;
  bool has_ephemeral;
  bool ephemeral;
  void *storage_; /* owned by a decoded message; see cwaku_message_clear */
};

/* Sets the views of m to a message with the given topic and payload; every
 * optional field absent. */
void cwaku_message_init(struct cwaku_message *m, const char *content_topic,
                        const uint8_t *payload, size_t payload_len);

/* Decodes protobuf bytes. Rejects: encodings longer than max_size
 * (CWAKU_ETOOBIG), meta longer than 64 bytes (CWAKU_ETOOBIG), a content
 * topic that is not UTF-8 or holds a NUL, and anything protobuf-c cannot
 * parse (CWAKU_EMALFORMED). On success free with cwaku_message_clear. */
CWAKU_MUST_CHECK int cwaku_message_decode(struct cwaku_message *out,
                                          const uint8_t *in, size_t inlen,
                                          size_t max_size);
void cwaku_message_clear(struct cwaku_message *m);

/* Encodes into a new buffer (free with free()). Same limits as decode. */
CWAKU_MUST_CHECK int cwaku_message_encode(uint8_t **out, size_t *outlen,
                                          const struct cwaku_message *m,
                                          size_t max_size);

/* 14/WAKU2-MESSAGE §deterministic message hashing:
 * sha256(pubsub_topic || payload || content_topic || meta || timestamp),
 * timestamp as 8 bytes big-endian, always appended (nwaku's rule; also when
 * the timestamp is 0 or absent). */
void cwaku_message_hash(uint8_t out[CWAKU_MESSAGE_HASH_BYTES],
                        const char *pubsub_topic,
                        const struct cwaku_message *m);

#endif
