/* Unsigned-varint length-prefixed messages, the framing of identify and of
 * every Waku request/response protocol ("writeLp"/"readLp"). */
#ifndef CWAKU_P2P_LENGTH_PREFIX_H
#define CWAKU_P2P_LENGTH_PREFIX_H

#include <stddef.h>
#include <stdint.h>

#include "base/cursor.h"

/* Looks for one complete message at the start of buf. Returns 0 and sets
 * *msg, *msglen and *framelen (prefix + message) when it is all there;
 * CWAKU_ETRUNC when more bytes are needed; CWAKU_ETOOBIG when the prefix
 * announces more than max (checked before waiting for the body);
 * CWAKU_EVARINT for a non-minimal or over-long prefix. */
int cwaku__lp_frame(const uint8_t **msg, size_t *msglen, size_t *framelen,
                    const uint8_t *buf, size_t len, size_t max);

/* Appends uvarint(len) || data. */
void cwaku__lp_write(struct cwaku__wbuf *out, const uint8_t *data, size_t len);

#endif
