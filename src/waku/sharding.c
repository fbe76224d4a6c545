#include <stdio.h>
#include <string.h>

#include "crypto/sha256.h"
#include "cwaku/topic.h"

/* WAKU2-RELAY-SHARDING §automatic sharding: sha256(application || version),
 * the last 64 bits big-endian, modulo the number of shards. (nwaku masks
 * with N-1 instead, which agrees for powers of two; js-waku and go-waku
 * take the modulo, which we follow.) */
int cwaku_autoshard(uint16_t *shard, const struct cwaku_content_topic *topic,
                    uint32_t num_shards) {
  if (num_shards == 0 || num_shards > CWAKU_SHARDS_PER_CLUSTER)
    return CWAKU_ESHARD;
  struct cwaku__sha256 h;
  uint8_t d[CWAKU_SHA256_BYTES];
  cwaku__sha256_init(&h);
  cwaku__sha256_update(&h, topic->application, topic->application_len);
  cwaku__sha256_update(&h, topic->version, topic->version_len);
  cwaku__sha256_final(&h, d);
  uint64_t v = 0;
  for (int i = 24; i < 32; i++)
    v = (v << 8) | d[i];
  *shard = (uint16_t)(v % num_shards);
  return 0;
}

int cwaku_autoshard_text(uint16_t *shard, const char *text,
                         uint32_t num_shards) {
  struct cwaku_content_topic t;
  int r = cwaku_content_topic_parse(&t, text, NULL);
  return r ? r : cwaku_autoshard(shard, &t, num_shards);
}

int cwaku_static_shard_topic(char *out, size_t outcap, uint32_t cluster,
                             uint32_t shard) {
  if (cluster > 0xffff || shard >= CWAKU_SHARDS_PER_CLUSTER)
    return CWAKU_ESHARD;
  int n = snprintf(out, outcap, "/waku/2/rs/%u/%u", cluster, shard);
  if (n < 0 || (size_t)n >= outcap)
    return CWAKU_ETOOBIG;
  return 0;
}

/* Decimal without sign or leading zeros, at most max. */
static const char *parse_decimal(const char *p, uint32_t max, uint32_t *out) {
  if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] >= '0' && p[1] <= '9'))
    return NULL;
  uint32_t v = 0;
  while (*p >= '0' && *p <= '9') {
    v = v * 10 + (uint32_t)(*p - '0');
    if (v > max)
      return NULL;
    p++;
  }
  *out = v;
  return p;
}

int cwaku_static_shard_parse(uint16_t *cluster, uint16_t *shard,
                             const char *pubsub_topic) {
  static const char prefix[] = "/waku/2/rs/";
  uint32_t c, s;
  if (strncmp(pubsub_topic, prefix, sizeof prefix - 1) != 0)
    return CWAKU_ESHARD;
  const char *p = parse_decimal(pubsub_topic + sizeof prefix - 1, 0xffff, &c);
  if (!p || *p != '/')
    return CWAKU_ESHARD;
  p = parse_decimal(p + 1, CWAKU_SHARDS_PER_CLUSTER - 1, &s);
  if (!p || *p != 0)
    return CWAKU_ESHARD;
  *cluster = (uint16_t)c;
  *shard = (uint16_t)s;
  return 0;
}
