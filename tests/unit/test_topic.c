/* Content topics and sharding (src/waku/content_topic.c, sharding.c). */
#include "check.h"
#include "cwaku/topic.h"

static int parses(const char *t) {
  struct cwaku_content_topic ct;
  const char *why = NULL;
  int r = cwaku_content_topic_parse(&ct, t, &why);
  if (r)
    CHECK(why != NULL);
  return r == 0;
}

static void test_parse(void) {
  struct cwaku_content_topic ct;
  CHECK_EQ_INT(cwaku_content_topic_parse(&ct, "/toychat/2/huilong/proto", NULL),
               0);
  CHECK(!ct.has_generation);
  CHECK(ct.application_len == 7 && memcmp(ct.application, "toychat", 7) == 0);
  CHECK(ct.version_len == 1 && ct.version[0] == '2');
  CHECK(ct.name_len == 7 && memcmp(ct.name, "huilong", 7) == 0);
  CHECK(ct.encoding_len == 5 && memcmp(ct.encoding, "proto", 5) == 0);

  CHECK_EQ_INT(cwaku_content_topic_parse(&ct, "/0/myapp/1/mytopic/cbor", NULL),
               0);
  CHECK(ct.has_generation && ct.generation == 0);
  CHECK(ct.application_len == 5 && memcmp(ct.application, "myapp", 5) == 0);
  CHECK(ct.encoding_len == 4 && memcmp(ct.encoding, "cbor", 4) == 0);

  CHECK(parses("/waku/1/0x12345678/rfc26"));
  CHECK(parses("/000/a/b/c/d")); /* generation written with zeros is 0 */
  CHECK(!parses(""));
  CHECK(!parses("toychat/2/huilong/proto"));
  CHECK(!parses("/toychat/2/huilong"));
  CHECK(!parses("/toychat/2/huilong/proto/extra/more"));
  CHECK(!parses("/1/toychat/2/huilong/proto")); /* generation 1 */
  CHECK(!parses("/x/toychat/2/huilong/proto")); /* not a number */
  CHECK(!parses("//toychat/2/huilong/proto"));  /* empty generation */
  CHECK(!parses("//2/huilong/proto"));
  CHECK(!parses("/toychat//huilong/proto"));
  CHECK(!parses("/toychat/2//proto"));
  CHECK(!parses("/toychat/2/huilong/"));
  CHECK(!parses("/99999999999999999999/a/b/c/d"));
}

static void test_autoshard(void) {
  uint16_t shard;
  /* relay-sharding example: sha256("myapp" || "1") ends ...4928 -> shard 0
   * of 8. */
  CHECK_EQ_INT(cwaku_autoshard_text(&shard, "/myapp/1/topic/proto", 8), 0);
  CHECK_EQ_INT(shard, 0);
  /* only application and version count */
  uint16_t s2;
  CHECK_EQ_INT(cwaku_autoshard_text(&s2, "/0/myapp/1/other/cbor", 8), 0);
  CHECK_EQ_INT(s2, shard);
  /* N = 1 always gives 0; bounds on N */
  CHECK_EQ_INT(cwaku_autoshard_text(&shard, "/toychat/2/huilong/proto", 1), 0);
  CHECK_EQ_INT(shard, 0);
  CHECK_EQ_INT(cwaku_autoshard_text(&shard, "/toychat/2/huilong/proto", 0),
               CWAKU_ESHARD);
  CHECK_EQ_INT(cwaku_autoshard_text(&shard, "/toychat/2/huilong/proto", 1025),
               CWAKU_ESHARD);
  CHECK_EQ_INT(cwaku_autoshard_text(&shard, "bad", 8), CWAKU_ETOPIC);
  /* the result is always below N */
  char topic[64];
  int below = 1;
  for (uint32_t n = 1; n <= 1024; n += 37) {
    snprintf(topic, sizeof topic, "/app%u/%u/t/proto", n, n * 3);
    below &= cwaku_autoshard_text(&shard, topic, n) == 0 && shard < n;
  }
  CHECK(below);
}

static void test_static_shards(void) {
  char t[CWAKU_PUBSUB_TOPIC_STATIC_MAX];
  uint16_t c, s;
  CHECK_EQ_INT(cwaku_static_shard_topic(t, sizeof t, 16, 32), 0);
  CHECK_EQ_STR(t, "/waku/2/rs/16/32");
  CHECK_EQ_INT(cwaku_static_shard_topic(t, sizeof t, 65535, 1023), 0);
  CHECK_EQ_STR(t, "/waku/2/rs/65535/1023");
  CHECK_EQ_INT(cwaku_static_shard_topic(t, sizeof t, 65536, 0), CWAKU_ESHARD);
  CHECK_EQ_INT(cwaku_static_shard_topic(t, sizeof t, 1, 1024), CWAKU_ESHARD);
  CHECK_EQ_INT(cwaku_static_shard_topic(t, 10, 1, 1), CWAKU_ETOOBIG);

  CHECK_EQ_INT(cwaku_static_shard_parse(&c, &s, "/waku/2/rs/1/7"), 0);
  CHECK(c == 1 && s == 7);
  CHECK_EQ_INT(cwaku_static_shard_parse(&c, &s, "/waku/2/rs/0/0"), 0);
  CHECK(c == 0 && s == 0);
  const char *bad[] = {"/waku/2/rs/1/1024", "/waku/2/rs/65536/0",
                       "/waku/2/rs/01/1",   "/waku/2/rs/1/",
                       "/waku/2/rs//1",     "/waku/2/rs/1/1/",
                       "/waku/2/rs/1/-1",   "/waku/2/default-waku/proto",
                       "/waku/2/rs/1/1x",   "/waku/2/rs/99999999999/1"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    CHECK_EQ_INT(cwaku_static_shard_parse(&c, &s, bad[i]), CWAKU_ESHARD);
}

int main(void) {
  test_parse();
  test_autoshard();
  test_static_shards();
  return check_summary("topic");
}
