/* The Protocol Buffers wire format, for the decoders we write by hand
 * (where protobuf-c's allocating unpack does not fit: zero-copy views into
 * network input, caps checked before anything is kept). Reads go through
 * the sticky cursor, writes through the growing buffer. */
#ifndef CWAKU_BASE_PROTOWIRE_H
#define CWAKU_BASE_PROTOWIRE_H

#include <stddef.h>
#include <stdint.h>

#include "cursor.h"

enum {
  CWAKU__PB_VARINT = 0,
  CWAKU__PB_I64 = 1,
  CWAKU__PB_LEN = 2,
  CWAKU__PB_I32 = 5,
};

/* Reads a field key; field 0 and field numbers past 2^29-1 fail the cursor
 * (EMALFORMED). Returns the field number, *wt its wire type; 0 on
 * failure. */
uint32_t cwaku__pb_key(struct cwaku__rcur *c, uint32_t *wt);
/* Skips a value of wire type wt; groups and undefined types fail the
 * cursor (EMALFORMED). */
void cwaku__pb_skip(struct cwaku__rcur *c, uint32_t wt);
/* Reads a length-delimited value; NULL (and *len 0) on failure, and for an
 * empty value a non-NULL pointer only when bytes follow. */
const uint8_t *cwaku__pb_bytes(struct cwaku__rcur *c, size_t *len);

/* Writes key(field, LEN) || varint(len) || data. */
void cwaku__pb_put_bytes(struct cwaku__wbuf *w, uint32_t field,
                         const void *data, size_t len);
/* Writes key(field, LEN) || varint(len): the head of a nested message or
 * of a value the caller appends itself. */
void cwaku__pb_put_len(struct cwaku__wbuf *w, uint32_t field, size_t len);
/* Writes key(field, VARINT) || varint(v). */
void cwaku__pb_put_varint(struct cwaku__wbuf *w, uint32_t field, uint64_t v);
/* Bytes a length-delimited field takes: key, length and value. */
size_t cwaku__pb_bytes_size(uint32_t field, size_t len);

#endif
