/* Content topics and sharding (WAKU2-RELAY-SHARDING, 23/WAKU2-TOPICS). */
#ifndef CWAKU_TOPIC_H
#define CWAKU_TOPIC_H

#include <stddef.h>
#include <stdint.h>

#include "cwaku/error.h"

#define CWAKU_SHARDS_PER_CLUSTER 1024
/* "/waku/2/rs/65535/1023" plus the NUL, rounded up. */
#define CWAKU_PUBSUB_TOPIC_STATIC_MAX 32

/* A parsed content topic; each field is a view into the parsed text. */
struct cwaku_content_topic {
  uint32_t generation; /* 0 when the short form is used */
  int has_generation;
  const char *application;
  size_t application_len;
  const char *version;
  size_t version_len;
  const char *name;
  size_t name_len;
  const char *encoding;
  size_t encoding_len;
};

/* Parses "/{application}/{version}/{name}/{encoding}" or
 * "/{generation}/{application}/{version}/{name}/{encoding}". Every field
 * must be non-empty; generation is decimal and only 0 is defined.
 * Returns 0 or CWAKU_ETOPIC; *why (when not NULL) gets a static reason. */
CWAKU_MUST_CHECK int cwaku_content_topic_parse(struct cwaku_content_topic *out,
                                               const char *text,
                                               const char **why);

/* Autosharding: h = sha256(application || version); the shard is the last
 * 8 bytes of h read big-endian, modulo num_shards (1..1024). */
CWAKU_MUST_CHECK int cwaku_autoshard(uint16_t *shard,
                                     const struct cwaku_content_topic *topic,
                                     uint32_t num_shards);
/* Parses the content topic, then autoshards it. */
CWAKU_MUST_CHECK int cwaku_autoshard_text(uint16_t *shard, const char *text,
                                          uint32_t num_shards);

/* "/waku/2/rs/<cluster>/<shard>"; out holds CWAKU_PUBSUB_TOPIC_STATIC_MAX. */
CWAKU_MUST_CHECK int cwaku_static_shard_topic(char *out, size_t outcap,
                                              uint32_t cluster, uint32_t shard);
/* Parses a static-shard pubsub topic; decimal without leading zeros;
 * cluster < 65536, shard < 1024. Returns 0 or CWAKU_ESHARD. */
CWAKU_MUST_CHECK int cwaku_static_shard_parse(uint16_t *cluster,
                                              uint16_t *shard,
                                              const char *pubsub_topic);

#endif
