/* Content topic parsing: arbitrary text must parse or fail with a reason;
 * what parses must be made of the input's own fields, and autosharding it
 * must give a shard below N. */
#include <stdlib.h>
#include <string.h>

#include "cwaku/topic.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 1024)
    return 0;
  char text[1025];
  memcpy(text, data, size);
  text[size] = 0;
  struct cwaku_content_topic t;
  const char *why = NULL;
  if (cwaku_content_topic_parse(&t, text, &why) != 0) {
    if (!why)
      abort();
    return 0;
  }
  /* Rebuild the text from the fields: it must be the input. */
  char back[1100];
  size_t n = 0;
  if (t.has_generation) {
    const char *g = text + 1;
    size_t glen = (size_t)(t.application - 1 - g);
    back[n++] = '/';
    memcpy(back + n, g, glen);
    n += glen;
  }
  const char *f[4] = {t.application, t.version, t.name, t.encoding};
  size_t fl[4] = {t.application_len, t.version_len, t.name_len, t.encoding_len};
  for (int i = 0; i < 4; i++) {
    if (fl[i] == 0 || memchr(f[i], '/', fl[i]))
      abort();
    back[n++] = '/';
    memcpy(back + n, f[i], fl[i]);
    n += fl[i];
  }
  if (n != strlen(text) || memcmp(back, text, n) != 0)
    abort();
  uint16_t shard;
  uint32_t nshards = (uint32_t)(size % 1024) + 1;
  if (cwaku_autoshard(&shard, &t, nshards) != 0 || shard >= nshards)
    abort();
  return 0;
}
