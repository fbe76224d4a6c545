#include "protowire.h"

uint32_t cwaku__pb_key(struct cwaku__rcur *c, uint32_t *wt) {
  uint64_t key = cwaku__rcur_pbvarint(c);
  *wt = (uint32_t)(key & 7);
  if (cwaku__rcur_err(c))
    return 0;
  uint64_t field = key >> 3;
  if (field == 0 || field > 0x1fffffff) {
    cwaku__rcur_fail(c, CWAKU_EMALFORMED);
    return 0;
  }
  return (uint32_t)field;
}

void cwaku__pb_skip(struct cwaku__rcur *c, uint32_t wt) {
  switch (wt) {
  case CWAKU__PB_VARINT:
    cwaku__rcur_pbvarint(c);
    break;
  case CWAKU__PB_I64:
    cwaku__rcur_take(c, 8);
    break;
  case CWAKU__PB_LEN: {
    size_t len;
    cwaku__pb_bytes(c, &len);
    break;
  }
  case CWAKU__PB_I32:
    cwaku__rcur_take(c, 4);
    break;
  default: /* groups and the undefined wire types */
    cwaku__rcur_fail(c, CWAKU_EMALFORMED);
  }
}

const uint8_t *cwaku__pb_bytes(struct cwaku__rcur *c, size_t *len) {
  uint64_t n = cwaku__rcur_pbvarint(c);
  *len = 0;
  if (cwaku__rcur_err(c))
    return NULL;
  if (n > cwaku__rcur_left(c)) {
    cwaku__rcur_fail(c, CWAKU_ETRUNC);
    return NULL;
  }
  *len = (size_t)n;
  return cwaku__rcur_take(c, (size_t)n);
}

static void put_pbvarint(struct cwaku__wbuf *w, uint64_t v) {
  uint8_t b[10];
  size_t n = 0;
  do {
    b[n++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
    v >>= 7;
  } while (v);
  cwaku__wbuf_put(w, b, n);
}

void cwaku__pb_put_len(struct cwaku__wbuf *w, uint32_t field, size_t len) {
  put_pbvarint(w, (uint64_t)field << 3 | CWAKU__PB_LEN);
  put_pbvarint(w, len);
}

void cwaku__pb_put_bytes(struct cwaku__wbuf *w, uint32_t field,
                         const void *data, size_t len) {
  cwaku__pb_put_len(w, field, len);
  cwaku__wbuf_put(w, data, len);
}

void cwaku__pb_put_varint(struct cwaku__wbuf *w, uint32_t field, uint64_t v) {
  put_pbvarint(w, (uint64_t)field << 3 | CWAKU__PB_VARINT);
  put_pbvarint(w, v);
}

size_t cwaku__pb_bytes_size(uint32_t field, size_t len) {
  return cwaku__uvarint_len((uint64_t)field << 3) + cwaku__uvarint_len(len) +
         len;
}
