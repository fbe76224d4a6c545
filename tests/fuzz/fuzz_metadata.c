/* 66/WAKU2-METADATA: arbitrary bytes as a metadata message must be refused
 * or decode to a message that re-encodes (nwaku's form) and decodes to the
 * same cluster and shards; that encoding is canonical, so encoding the
 * second decode gives the same bytes. */
#include <stdlib.h>
#include <string.h>

#include "waku/metadata.h"

static int same(const struct cwaku__metadata *a,
                const struct cwaku__metadata *b) {
  return a->has_cluster == b->has_cluster && a->cluster == b->cluster &&
         a->n_shards == b->n_shards &&
         memcmp(a->shards, b->shards, a->n_shards * sizeof *a->shards) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static struct cwaku__metadata m, again;
  int r = cwaku__metadata_decode(&m, data, size);
  if (r) {
    if (r != CWAKU_ETRUNC && r != CWAKU_EMALFORMED && r != CWAKU_ESHARD &&
        r != CWAKU_ETOOBIG)
      abort();
    if (m.has_cluster || m.n_shards)
      abort();
    return 0;
  }
  if (m.n_shards > CWAKU_METADATA_MAX_SHARDS)
    abort();
  for (size_t i = 0; i < m.n_shards; i++)
    if (m.shards[i] >= CWAKU_METADATA_SHARD_LIMIT)
      abort();
  struct cwaku__wbuf w1, w2;
  cwaku__wbuf_init(&w1, 1 << 16);
  cwaku__wbuf_init(&w2, 1 << 16);
  if (cwaku__metadata_encode(&w1, &m) ||
      cwaku__metadata_decode(&again, w1.p, w1.len) || !same(&m, &again) ||
      cwaku__metadata_encode(&w2, &again) || w1.len != w2.len ||
      memcmp(w1.p, w2.p, w1.len) != 0)
    abort();
  cwaku__wbuf_clear(&w1);
  cwaku__wbuf_clear(&w2);
  return 0;
}
