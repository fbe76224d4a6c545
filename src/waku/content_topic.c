#include <string.h>

#include "cwaku/topic.h"

static int topic_error(const char **why, const char *reason) {
  if (why)
    *why = reason;
  return CWAKU_ETOPIC;
}

/* 23/WAKU2-TOPICS §content topics: "/{generation}/{application-name}/
 * {version-of-the-application}/{content-topic-name}/{encoding}", where the
 * generation prefix may be left out (it then defaults to 0). */
int cwaku_content_topic_parse(struct cwaku_content_topic *out, const char *text,
                              const char **why) {
  memset(out, 0, sizeof *out);
  if (!text || text[0] != '/')
    return topic_error(why, "content topic must start with '/'");
  const char *part[6];
  size_t plen[6];
  size_t n = 0;
  const char *p = text + 1;
  for (;;) {
    const char *slash = strchr(p, '/');
    size_t len = slash ? (size_t)(slash - p) : strlen(p);
    if (n == 5)
      return topic_error(why, "content topic has more than 5 fields");
    part[n] = p;
    plen[n] = len;
    n++;
    if (!slash)
      break;
    p = slash + 1;
  }
  if (n < 4)
    return topic_error(why, "content topic has fewer than 4 fields");
  size_t first = 0;
  if (n == 5) {
    if (plen[0] == 0)
      return topic_error(why, "generation field is empty");
    uint32_t g = 0;
    for (size_t i = 0; i < plen[0]; i++) {
      char c = part[0][i];
      if (c < '0' || c > '9')
        return topic_error(why, "generation field is not a decimal number");
      if (g > 100000000)
        return topic_error(why, "generation greater than 0 is not supported");
      g = g * 10 + (uint32_t)(c - '0');
    }
    if (g != 0)
      return topic_error(why, "generation greater than 0 is not supported");
    out->has_generation = 1;
    out->generation = g;
    first = 1;
  }
  static const char *const empty_reason[4] = {
      "application field is empty", "version field is empty",
      "topic name field is empty", "encoding field is empty"};
  for (size_t i = 0; i < 4; i++)
    if (plen[first + i] == 0)
      return topic_error(why, empty_reason[i]);
  out->application = part[first];
  out->application_len = plen[first];
  out->version = part[first + 1];
  out->version_len = plen[first + 1];
  out->name = part[first + 2];
  out->name_len = plen[first + 2];
  out->encoding = part[first + 3];
  out->encoding_len = plen[first + 3];
  return 0;
}
