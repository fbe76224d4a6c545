/* WakuMessage decode: arbitrary bytes must decode or fail cleanly; what
 * decodes must re-encode and decode again to the same message. */
#include <stdlib.h>
#include <string.h>

#include "cwaku/message.h"

#define MAX 4096

static int same_bytes(const uint8_t *a, size_t an, const uint8_t *b,
                      size_t bn) {
  return an == bn && (an == 0 || memcmp(a, b, an) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct cwaku_message m, again;
  if (cwaku_message_decode(&m, data, size, MAX) != 0)
    return 0;
  uint8_t h1[32], h2[32];
  cwaku_message_hash(h1, "/waku/2/rs/1/0", &m);
  uint8_t *buf;
  size_t len;
  /* Unknown fields are dropped on re-encode, so it can only shrink. */
  if (cwaku_message_encode(&buf, &len, &m, MAX) != 0)
    abort();
  if (cwaku_message_decode(&again, buf, len, MAX) != 0)
    abort();
  cwaku_message_hash(h2, "/waku/2/rs/1/0", &again);
  if (memcmp(h1, h2, 32) != 0 ||
      !same_bytes(m.payload, m.payload_len, again.payload, again.payload_len) ||
      strcmp(m.content_topic, again.content_topic) != 0 ||
      m.has_version != again.has_version || m.version != again.version ||
      m.has_timestamp != again.has_timestamp ||
      m.timestamp != again.timestamp || m.has_meta != again.has_meta ||
      !same_bytes(m.meta, m.meta_len, again.meta, again.meta_len) ||
      m.has_rate_limit_proof != again.has_rate_limit_proof ||
      !same_bytes(m.rate_limit_proof, m.rate_limit_proof_len,
                  again.rate_limit_proof, again.rate_limit_proof_len) ||
      m.has_ephemeral != again.has_ephemeral || m.ephemeral != again.ephemeral)
    abort();
  free(buf);
  cwaku_message_clear(&again);
  cwaku_message_clear(&m);
  return 0;
}
