/* RLP, Recursive Length Prefix (Ethereum yellow paper, appendix B), as ENR
 * (EIP-778) uses it.
 *
 * The decoder reads one item at a time from a read cursor and accepts only
 * the canonical encoding: a single byte below 0x80 must stand for itself,
 * the long forms only for payloads of 56 bytes or more, and lengths without
 * leading zero bytes. Input that ends early fails with CWAKU_ETRUNC, any
 * other violation with CWAKU_EMALFORMED, recorded in the cursor. A list's
 * payload is returned undecoded; the caller reads it with a new cursor, so
 * nesting depth is the caller's decision. */
#ifndef CWAKU_WAKU_RLP_H
#define CWAKU_WAKU_RLP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/cursor.h"

struct cwaku__rlp_item {
  bool is_list;
  const uint8_t *p; /* payload */
  size_t len;       /* payload length */
  size_t enclen;    /* header + payload */
};

/* Reads the next item. On failure the cursor holds the error and item is
 * an empty string. */
void cwaku__rlp_read(struct cwaku__rcur *c, struct cwaku__rlp_item *item);
/* Reads the next item and requires a byte string (CWAKU_EMALFORMED for a
 * list). */
void cwaku__rlp_read_string(struct cwaku__rcur *c,
                            struct cwaku__rlp_item *item);
/* Reads a byte string holding a canonical big-endian unsigned integer of at
 * most 8 bytes (no leading zero byte; zero is the empty string). */
uint64_t cwaku__rlp_read_uint64(struct cwaku__rcur *c);

/* Encoded sizes. */
size_t cwaku__rlp_string_len(const uint8_t *p, size_t n);
size_t cwaku__rlp_list_header_len(size_t payload_len);
size_t cwaku__rlp_uint_len(uint64_t v);

void cwaku__rlp_put_string(struct cwaku__wbuf *w, const uint8_t *p, size_t n);
/* Writes the header of a list whose payload (payload_len bytes of encoded
 * items) the caller writes next. */
void cwaku__rlp_put_list_header(struct cwaku__wbuf *w, size_t payload_len);
/* The canonical integer: minimal big-endian bytes as a string. */
void cwaku__rlp_put_uint(struct cwaku__wbuf *w, uint64_t v);

#endif
