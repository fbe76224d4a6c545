/* message-hash and shard. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cwaku/message.h"
#include "cwaku/topic.h"
#include "tool.h"

int tool_cmd_message_hash(struct tool_result *res, int argc, char **argv) {
  const char *pubsub = NULL, *content = NULL, *payload_hex = NULL,
             *meta_hex = NULL, *ts_text = NULL;
  for (int i = 1; i < argc; i++) {
    const char **slot = NULL;
    if (strcmp(argv[i], "--pubsub-topic") == 0)
      slot = &pubsub;
    else if (strcmp(argv[i], "--content-topic") == 0)
      slot = &content;
    else if (strcmp(argv[i], "--payload") == 0)
      slot = &payload_hex;
    else if (strcmp(argv[i], "--meta") == 0)
      slot = &meta_hex;
    else if (strcmp(argv[i], "--timestamp") == 0)
      slot = &ts_text;
    else
      return tool_fail(res, CWAKU_EINVAL, "unknown option '%s'", argv[i]);
    if (!(*slot = tool_next_value(&i, argc, argv)))
      return tool_fail(res, CWAKU_EINVAL, "%s needs a value", argv[i]);
  }
  if (!pubsub || !content || !payload_hex)
    return tool_fail(res, CWAKU_EINVAL,
                     "--pubsub-topic, --content-topic and --payload are "
                     "required");
  uint8_t *payload = NULL, *meta = NULL;
  size_t payload_len = 0, meta_len = 0;
  int r = tool_parse_hex(res, &payload, &payload_len, "--payload", payload_hex);
  if (!r && meta_hex)
    r = tool_parse_hex(res, &meta, &meta_len, "--meta", meta_hex);
  struct cwaku_message m;
  cwaku_message_init(&m, content, payload, payload_len);
  if (!r && meta_hex) {
    if (meta_len > CWAKU_MESSAGE_META_MAX)
      r = tool_fail(res, CWAKU_ETOOBIG, "--meta is longer than %d bytes",
                    CWAKU_MESSAGE_META_MAX);
    m.has_meta = 1;
    m.meta = meta;
    m.meta_len = meta_len;
  }
  if (!r && ts_text) {
    char *end;
    errno = 0;
    long long ts = strtoll(ts_text, &end, 10);
    if (!ts_text[0] || *end || errno)
      r = tool_fail(res, CWAKU_EINVAL,
                    "--timestamp must be decimal ns within a signed 64-bit "
                    "integer");
    m.has_timestamp = 1;
    m.timestamp = ts;
  }
  if (!r) {
    uint8_t h[CWAKU_MESSAGE_HASH_BYTES];
    cwaku_message_hash(h, pubsub, &m);
    res->json = json_pack("{s:o}", "hash", tool_json_hex(h, sizeof h));
    if (!res->json)
      r = tool_fail(res, CWAKU_ENOMEM, "out of memory");
  }
  free(payload);
  free(meta);
  return r;
}

int tool_cmd_shard(struct tool_result *res, int argc, char **argv) {
  const char *content = NULL, *cluster_text = NULL, *shards_text = NULL;
  for (int i = 1; i < argc; i++) {
    const char **slot = NULL;
    if (strcmp(argv[i], "--content-topic") == 0)
      slot = &content;
    else if (strcmp(argv[i], "--cluster") == 0)
      slot = &cluster_text;
    else if (strcmp(argv[i], "--shards") == 0)
      slot = &shards_text;
    else
      return tool_fail(res, CWAKU_EINVAL, "unknown option '%s'", argv[i]);
    if (!(*slot = tool_next_value(&i, argc, argv)))
      return tool_fail(res, CWAKU_EINVAL, "%s needs a value", argv[i]);
  }
  if (!content || !cluster_text || !shards_text)
    return tool_fail(res, CWAKU_EINVAL,
                     "--content-topic, --cluster and --shards are required");
  uint64_t cluster, nshards;
  int r = tool_parse_u64(res, &cluster, "--cluster", cluster_text, 0xffff);
  if (!r)
    r = tool_parse_u64(res, &nshards, "--shards", shards_text,
                       CWAKU_SHARDS_PER_CLUSTER);
  if (r)
    return r;
  if (nshards == 0)
    return tool_fail(res, CWAKU_ESHARD, "--shards must be 1..%d",
                     CWAKU_SHARDS_PER_CLUSTER);
  struct cwaku_content_topic t;
  const char *why = NULL;
  if ((r = cwaku_content_topic_parse(&t, content, &why)) != 0)
    return tool_fail(res, r, "%s: %s", why, content);
  uint16_t shard;
  char topic[CWAKU_PUBSUB_TOPIC_STATIC_MAX];
  if ((r = cwaku_autoshard(&shard, &t, (uint32_t)nshards)) != 0 ||
      (r = cwaku_static_shard_topic(topic, sizeof topic, (uint32_t)cluster,
                                    shard)) != 0)
    return tool_fail(res, r, "cannot compute the shard");
  res->json = json_pack("{s:s,s:I,s:i,s:s}", "content_topic", content,
                        "cluster", (json_int_t)cluster, "shard", (int)shard,
                        "pubsub_topic", topic);
  /* json_pack refuses strings that are not UTF-8; a content topic on the
   * wire must be UTF-8 too (specs/message.md). */
  return res->json ? 0
                   : tool_fail(res, CWAKU_EENCODING,
                               "the content topic is not valid UTF-8");
}
