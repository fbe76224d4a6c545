/* Length-checked cursors: the only code that reads untrusted bytes.
 *
 * A read cursor is sticky: the first failure records an error and empties
 * the cursor, every later read returns zeros/NULL, so a decoder reads all
 * fields and checks cwaku__rcur_err() once at the end.
 *
 * A write buffer grows up to a caller-set maximum; past it, or when memory
 * runs out, it fails the same sticky way. */
#ifndef CWAKU_BASE_CURSOR_H
#define CWAKU_BASE_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cwaku/error.h"

struct cwaku__rcur {
  const uint8_t *p;
  size_t n;
  int err; /* 0 until the first failure */
};

void cwaku__rcur_init(struct cwaku__rcur *c, const uint8_t *p, size_t n);
/* Records err unless an earlier failure is already recorded. */
void cwaku__rcur_fail(struct cwaku__rcur *c, int err);
static inline int cwaku__rcur_err(const struct cwaku__rcur *c) {
  return c->err;
}
static inline size_t cwaku__rcur_left(const struct cwaku__rcur *c) {
  return c->n;
}

/* Returns a pointer to the next n bytes and advances, or NULL (ETRUNC). */
const uint8_t *cwaku__rcur_take(struct cwaku__rcur *c, size_t n);
void cwaku__rcur_copy(struct cwaku__rcur *c, void *out, size_t n);
uint8_t cwaku__rcur_u8(struct cwaku__rcur *c);
uint16_t cwaku__rcur_be16(struct cwaku__rcur *c);
uint32_t cwaku__rcur_be32(struct cwaku__rcur *c);
uint64_t cwaku__rcur_be64(struct cwaku__rcur *c);
/* Little-endian fixed-width integers (snarkjs binary files). */
uint32_t cwaku__rcur_le32(struct cwaku__rcur *c);
uint64_t cwaku__rcur_le64(struct cwaku__rcur *c);
/* libp2p unsigned-varint: at most 9 bytes (63 bits), minimal encoding only;
 * otherwise EVARINT (or ETRUNC when the input ends inside it). */
uint64_t cwaku__rcur_uvarint(struct cwaku__rcur *c);

/* Protocol Buffers base-128 varint: up to 10 bytes, non-minimal forms
 * allowed (protobuf permits them); EMALFORMED past 64 bits. */
uint64_t cwaku__rcur_pbvarint(struct cwaku__rcur *c);

struct cwaku__wbuf {
  uint8_t *p;
  size_t len;
  size_t cap;
  size_t max; /* hard cap on len */
  int err;
};

void cwaku__wbuf_init(struct cwaku__wbuf *w, size_t max);
void cwaku__wbuf_clear(struct cwaku__wbuf *w); /* frees the storage */
void cwaku__wbuf_reset(struct cwaku__wbuf *w); /* len = 0, err = 0 */
static inline int cwaku__wbuf_err(const struct cwaku__wbuf *w) {
  return w->err;
}
void cwaku__wbuf_put(struct cwaku__wbuf *w, const void *data, size_t n);
/* Appends n > 0 bytes left for the caller to fill (so a cipher writes its
 * output in place); NULL, with err set, when they do not fit (and for n 0,
 * without err). */
uint8_t *cwaku__wbuf_extend(struct cwaku__wbuf *w, size_t n);
void cwaku__wbuf_u8(struct cwaku__wbuf *w, uint8_t v);
void cwaku__wbuf_be16(struct cwaku__wbuf *w, uint16_t v);
void cwaku__wbuf_be32(struct cwaku__wbuf *w, uint32_t v);
void cwaku__wbuf_be64(struct cwaku__wbuf *w, uint64_t v);
/* Values above 2^63-1 cannot be expressed as a libp2p varint: EVARINT. */
void cwaku__wbuf_uvarint(struct cwaku__wbuf *w, uint64_t v);

/* Writes v as a uvarint into out (up to 10 bytes, 9 for v < 2^63);
 * returns the number of bytes. */
size_t cwaku__uvarint_encode(uint8_t out[10], uint64_t v);
/* Encoded length of v as a uvarint (1..10). */
size_t cwaku__uvarint_len(uint64_t v);

#endif
