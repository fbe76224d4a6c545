#include "length_prefix.h"

int cwaku__lp_frame(const uint8_t **msg, size_t *msglen, size_t *framelen,
                    const uint8_t *buf, size_t len, size_t max) {
  struct cwaku__rcur c;
  cwaku__rcur_init(&c, buf, len);
  uint64_t n = cwaku__rcur_uvarint(&c);
  int err = cwaku__rcur_err(&c);
  *msg = NULL;
  *msglen = *framelen = 0;
  if (err)
    return err; /* ETRUNC: the prefix itself is incomplete */
  if (n > max)
    return CWAKU_ETOOBIG;
  const uint8_t *body = cwaku__rcur_take(&c, (size_t)n);
  if (!body)
    return CWAKU_ETRUNC;
  *msg = body;
  *msglen = (size_t)n;
  *framelen = len - cwaku__rcur_left(&c);
  return 0;
}

void cwaku__lp_write(struct cwaku__wbuf *out, const uint8_t *data, size_t len) {
  cwaku__wbuf_uvarint(out, len);
  cwaku__wbuf_put(out, data, len);
}
