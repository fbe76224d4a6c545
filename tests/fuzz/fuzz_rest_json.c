/* The REST API's JSON -> WakuMessage parsing (nwaku's RelayWakuMessage):
 * any bytes parse or fail cleanly; what parses holds to its limits, prints
 * as JSON, and that JSON parses back to the same message. */
#include <stdlib.h>
#include <string.h>

#include "cwaku/message.h"
#include "node/rest.h"

#define NOW 1700000000000000000LL

static int same_bytes(const uint8_t *a, size_t an, const uint8_t *b,
                      size_t bn) {
  return an == bn && (an == 0 || memcmp(a, b, an) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct cwaku_message *m, *again;
  char err[256];
  err[0] = 0;
  int r = cwaku__rest_message_from_json(&m, err, sizeof err, (const char *)data,
                                        size, NOW);
  if (r != 0) {
    if (m != NULL || err[0] == 0)
      abort(); /* a failure leaves no message and says why */
    return 0;
  }
  if (m->content_topic_len == 0 ||
      strlen(m->content_topic) != m->content_topic_len ||
      m->meta_len > CWAKU_MESSAGE_META_MAX ||
      m->has_meta != (m->meta_len > 0) ||
      m->has_rate_limit_proof != (m->rate_limit_proof_len > 0) ||
      !m->has_timestamp || m->timestamp == 0 ||
      m->has_version != (m->version != 0) || m->has_ephemeral != m->ephemeral)
    abort();
  /* what parses encodes as a WakuMessage (the size limit aside) */
  uint8_t *pb;
  size_t pblen;
  r = cwaku_message_encode(&pb, &pblen, m, 1u << 30);
  if (r != 0)
    abort();
  free(pb);
  char *json = cwaku__rest_message_to_json(m);
  if (!json)
    abort();
  if (cwaku__rest_message_from_json(&again, err, sizeof err, json, strlen(json),
                                    NOW + 1) != 0)
    abort();
  if (!same_bytes(m->payload, m->payload_len, again->payload,
                  again->payload_len) ||
      strcmp(m->content_topic, again->content_topic) != 0 ||
      m->has_version != again->has_version || m->version != again->version ||
      m->timestamp != again->timestamp ||
      !same_bytes(m->meta, m->meta_len, again->meta, again->meta_len) ||
      !same_bytes(m->rate_limit_proof, m->rate_limit_proof_len,
                  again->rate_limit_proof, again->rate_limit_proof_len) ||
      m->ephemeral != again->ephemeral)
    abort();
  free(json);
  free(again);
  free(m);
  return 0;
}
