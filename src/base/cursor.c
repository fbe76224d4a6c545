#include "cursor.h"

#include <stdlib.h>
#include <string.h>

void cwaku__rcur_init(struct cwaku__rcur *c, const uint8_t *p, size_t n) {
  c->p = p;
  c->n = p ? n : 0;
  c->err = 0;
}

void cwaku__rcur_fail(struct cwaku__rcur *c, int err) {
  if (c->err == 0)
    c->err = err ? err : CWAKU_EMALFORMED;
  c->p = NULL;
  c->n = 0;
}

const uint8_t *cwaku__rcur_take(struct cwaku__rcur *c, size_t n) {
  if (c->err)
    return NULL;
  if (n > c->n) {
    cwaku__rcur_fail(c, CWAKU_ETRUNC);
    return NULL;
  }
  const uint8_t *r = c->p;
  c->p += n;
  c->n -= n;
  return r;
}

void cwaku__rcur_copy(struct cwaku__rcur *c, void *out, size_t n) {
  const uint8_t *p = cwaku__rcur_take(c, n);
  if (p)
    memcpy(out, p, n);
  else if (n)
    memset(out, 0, n);
}

uint8_t cwaku__rcur_u8(struct cwaku__rcur *c) {
  const uint8_t *p = cwaku__rcur_take(c, 1);
  return p ? p[0] : 0;
}

uint16_t cwaku__rcur_be16(struct cwaku__rcur *c) {
  const uint8_t *p = cwaku__rcur_take(c, 2);
  return p ? (uint16_t)((p[0] << 8) | p[1]) : 0;
}

uint32_t cwaku__rcur_be32(struct cwaku__rcur *c) {
  const uint8_t *p = cwaku__rcur_take(c, 4);
  if (!p)
    return 0;
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
         ((uint32_t)p[2] << 8) | p[3];
}

uint64_t cwaku__rcur_be64(struct cwaku__rcur *c) {
  const uint8_t *p = cwaku__rcur_take(c, 8);
  if (!p)
    return 0;
  uint64_t v = 0;
  for (int i = 0; i < 8; i++)
    v = (v << 8) | p[i];
  return v;
}

uint32_t cwaku__rcur_le32(struct cwaku__rcur *c) {
  const uint8_t *p = cwaku__rcur_take(c, 4);
  if (!p)
    return 0;
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}

uint64_t cwaku__rcur_le64(struct cwaku__rcur *c) {
  const uint8_t *p = cwaku__rcur_take(c, 8);
  if (!p)
    return 0;
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--)
    v = (v << 8) | p[i];
  return v;
}

/* multiformats/unsigned-varint: "the maximum length is 9 bytes" and
 * "varints MUST be minimally encoded". */
uint64_t cwaku__rcur_uvarint(struct cwaku__rcur *c) {
  uint64_t v = 0;
  for (unsigned i = 0; i < 9; i++) {
    if (c->err)
      return 0;
    if (c->n == 0) {
      cwaku__rcur_fail(c, CWAKU_ETRUNC);
      return 0;
    }
    uint8_t b = c->p[0];
    c->p++;
    c->n--;
    v |= (uint64_t)(b & 0x7f) << (7 * i);
    if (!(b & 0x80)) {
      if (b == 0 && i > 0) { /* trailing zero group: not minimal */
        cwaku__rcur_fail(c, CWAKU_EVARINT);
        return 0;
      }
      return v;
    }
  }
  cwaku__rcur_fail(c, CWAKU_EVARINT); /* a 10th byte would be needed */
  return 0;
}

uint64_t cwaku__rcur_pbvarint(struct cwaku__rcur *c) {
  uint64_t v = 0;
  for (unsigned i = 0; i < 10; i++) {
    uint8_t b = cwaku__rcur_u8(c);
    if (c->err)
      return 0;
    if (i == 9 && b > 1) { /* bits beyond the 64th */
      cwaku__rcur_fail(c, CWAKU_EMALFORMED);
      return 0;
    }
    v |= (uint64_t)(b & 0x7f) << (7 * i);
    if (!(b & 0x80))
      return v;
  }
  cwaku__rcur_fail(c, CWAKU_EMALFORMED);
  return 0;
}

size_t cwaku__uvarint_encode(uint8_t out[10], uint64_t v) {
  size_t n = 0;
  do {
    out[n] = (uint8_t)(v & 0x7f);
    v >>= 7;
    if (v)
      out[n] |= 0x80;
    n++;
  } while (v);
  return n;
}

size_t cwaku__uvarint_len(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    n++;
  }
  return n;
}

void cwaku__wbuf_init(struct cwaku__wbuf *w, size_t max) {
  w->p = NULL;
  w->len = 0;
  w->cap = 0;
  w->max = max;
  w->err = 0;
}

void cwaku__wbuf_clear(struct cwaku__wbuf *w) {
  free(w->p);
  cwaku__wbuf_init(w, w->max);
}

void cwaku__wbuf_reset(struct cwaku__wbuf *w) {
  w->len = 0;
  w->err = 0;
}

static int wbuf_reserve(struct cwaku__wbuf *w, size_t n) {
  if (w->err)
    return 0;
  if (n > w->max - w->len) {
    w->err = CWAKU_ETOOBIG;
    return 0;
  }
  size_t need = w->len + n;
  if (need <= w->cap)
    return 1;
  size_t cap = w->cap ? w->cap : 64;
  while (cap < need)
    cap = cap > SIZE_MAX / 2 ? need : cap * 2;
  if (cap > w->max)
    cap = w->max;
  uint8_t *p = realloc(w->p, cap);
  if (!p) {
    w->err = CWAKU_ENOMEM;
    return 0;
  }
  w->p = p;
  w->cap = cap;
  return 1;
}

void cwaku__wbuf_put(struct cwaku__wbuf *w, const void *data, size_t n) {
  if (n == 0 || !wbuf_reserve(w, n))
    return;
  memcpy(w->p + w->len, data, n);
  w->len += n;
}

uint8_t *cwaku__wbuf_extend(struct cwaku__wbuf *w, size_t n) {
  if (n == 0 || !wbuf_reserve(w, n))
    return NULL;
  uint8_t *p = w->p + w->len;
  w->len += n;
  return p;
}

void cwaku__wbuf_u8(struct cwaku__wbuf *w, uint8_t v) {
  cwaku__wbuf_put(w, &v, 1);
}

void cwaku__wbuf_be16(struct cwaku__wbuf *w, uint16_t v) {
  uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
  cwaku__wbuf_put(w, b, 2);
}

void cwaku__wbuf_be32(struct cwaku__wbuf *w, uint32_t v) {
  uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8),
                  (uint8_t)v};
  cwaku__wbuf_put(w, b, 4);
}

void cwaku__wbuf_be64(struct cwaku__wbuf *w, uint64_t v) {
  uint8_t b[8];
  for (int i = 7; i >= 0; i--) {
    b[i] = (uint8_t)v;
    v >>= 8;
  }
  cwaku__wbuf_put(w, b, 8);
}

void cwaku__wbuf_uvarint(struct cwaku__wbuf *w, uint64_t v) {
  if (v >> 63) {
    if (!w->err)
      w->err = CWAKU_EVARINT;
    return;
  }
  uint8_t b[10];
  cwaku__wbuf_put(w, b, cwaku__uvarint_encode(b, v));
}
