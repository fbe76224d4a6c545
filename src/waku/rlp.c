/* RLP encoder and canonical decoder (yellow paper, appendix B). */
#include "waku/rlp.h"

/* Yellow paper appendix B: a byte string of length 0..55 has the prefix
 * 0x80 + length; a longer one 0xb7 + (length of the length) followed by the
 * big-endian length. Lists use 0xc0 and 0xf7 the same way. */
#define RLP_STRING_SHORT 0x80
#define RLP_STRING_LONG 0xb7
#define RLP_LIST_SHORT 0xc0
#define RLP_LIST_LONG 0xf7
#define RLP_SHORT_MAX 55

static void item_clear(struct cwaku__rlp_item *item) {
  item->is_list = false;
  item->p = NULL;
  item->len = 0;
  item->enclen = 0;
}

/* Reads the big-endian length of a long form: lenlen bytes, no leading
 * zero, and at least 56 (shorter payloads must use the short form). */
static size_t read_long_len(struct cwaku__rcur *c, unsigned lenlen) {
  const uint8_t *p = cwaku__rcur_take(c, lenlen);
  if (!p)
    return 0;
  if (lenlen > sizeof(size_t) || p[0] == 0) {
    cwaku__rcur_fail(c, CWAKU_EMALFORMED);
    return 0;
  }
  size_t len = 0;
  for (unsigned i = 0; i < lenlen; i++)
    len = (len << 8) | p[i];
  if (len <= RLP_SHORT_MAX) {
    cwaku__rcur_fail(c, CWAKU_EMALFORMED);
    return 0;
  }
  return len;
}

void cwaku__rlp_read(struct cwaku__rcur *c, struct cwaku__rlp_item *item) {
  item_clear(item);
  size_t before = cwaku__rcur_left(c);
  const uint8_t *start = cwaku__rcur_take(c, 1);
  if (!start)
    return;
  uint8_t b = start[0];
  size_t len;
  if (b < RLP_STRING_SHORT) {
    /* Appendix B: a single byte in [0x00, 0x7f] is its own encoding. */
    item->p = start;
    item->len = 1;
    item->enclen = 1;
    return;
  }
  if (b <= RLP_STRING_LONG) {
    len = b - RLP_STRING_SHORT;
  } else if (b < RLP_LIST_SHORT) {
    len = read_long_len(c, b - RLP_STRING_LONG);
  } else if (b <= RLP_LIST_LONG) {
    item->is_list = true;
    len = b - RLP_LIST_SHORT;
  } else {
    item->is_list = true;
    len = read_long_len(c, b - RLP_LIST_LONG);
  }
  const uint8_t *p = cwaku__rcur_take(c, len);
  if (!p) {
    item_clear(item);
    return;
  }
  /* Canonical form: a one-byte string below 0x80 must not carry a prefix. */
  if (!item->is_list && len == 1 && p[0] < RLP_STRING_SHORT) {
    cwaku__rcur_fail(c, CWAKU_EMALFORMED);
    item_clear(item);
    return;
  }
  item->p = p;
  item->len = len;
  item->enclen = before - cwaku__rcur_left(c);
}

void cwaku__rlp_read_string(struct cwaku__rcur *c,
                            struct cwaku__rlp_item *item) {
  cwaku__rlp_read(c, item);
  if (item->is_list) {
    cwaku__rcur_fail(c, CWAKU_EMALFORMED);
    item_clear(item);
  }
}

uint64_t cwaku__rlp_read_uint64(struct cwaku__rcur *c) {
  struct cwaku__rlp_item item;
  cwaku__rlp_read_string(c, &item);
  if (cwaku__rcur_err(c))
    return 0;
  if (item.len > 8 || (item.len > 0 && item.p[0] == 0)) {
    cwaku__rcur_fail(c, CWAKU_EMALFORMED);
    return 0;
  }
  uint64_t v = 0;
  for (size_t i = 0; i < item.len; i++)
    v = (v << 8) | item.p[i];
  return v;
}

static unsigned be_bytes(uint64_t v) {
  unsigned n = 0;
  while (v) {
    n++;
    v >>= 8;
  }
  return n;
}

static size_t header_len(size_t payload_len) {
  return payload_len <= RLP_SHORT_MAX ? 1 : 1 + be_bytes(payload_len);
}

size_t cwaku__rlp_string_len(const uint8_t *p, size_t n) {
  if (n == 1 && p[0] < RLP_STRING_SHORT)
    return 1;
  return header_len(n) + n;
}

size_t cwaku__rlp_list_header_len(size_t payload_len) {
  return header_len(payload_len);
}

size_t cwaku__rlp_uint_len(uint64_t v) {
  unsigned n = be_bytes(v);
  return (n == 1 && v < RLP_STRING_SHORT) ? 1 : 1 + n;
}

static void put_header(struct cwaku__wbuf *w, uint8_t short_base,
                       uint8_t long_base, size_t len) {
  if (len <= RLP_SHORT_MAX) {
    cwaku__wbuf_u8(w, (uint8_t)(short_base + len));
    return;
  }
  unsigned n = be_bytes(len);
  uint8_t buf[1 + sizeof(size_t)];
  buf[0] = (uint8_t)(long_base + n);
  for (unsigned i = 0; i < n; i++)
    buf[1 + i] = (uint8_t)(len >> (8 * (n - 1 - i)));
  cwaku__wbuf_put(w, buf, 1 + n);
}

void cwaku__rlp_put_string(struct cwaku__wbuf *w, const uint8_t *p, size_t n) {
  if (n == 1 && p[0] < RLP_STRING_SHORT) {
    cwaku__wbuf_u8(w, p[0]);
    return;
  }
  put_header(w, RLP_STRING_SHORT, RLP_STRING_LONG, n);
  cwaku__wbuf_put(w, p, n);
}

void cwaku__rlp_put_list_header(struct cwaku__wbuf *w, size_t payload_len) {
  put_header(w, RLP_LIST_SHORT, RLP_LIST_LONG, payload_len);
}

void cwaku__rlp_put_uint(struct cwaku__wbuf *w, uint64_t v) {
  uint8_t buf[8];
  unsigned n = be_bytes(v);
  for (unsigned i = 0; i < n; i++)
    buf[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
  cwaku__rlp_put_string(w, buf, n);
}
