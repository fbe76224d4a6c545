/* Reading the RLN test vectors of $CWAKU_SHARED/rln/vectors (see
 * ../shared/rln/README.md): field elements are decimal strings, byte
 * strings are hex, 32-byte field elements in hex are little-endian. */
#ifndef CWAKU_TEST_RLN_VECTORS_H
#define CWAKU_TEST_RLN_VECTORS_H

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zk/field.h"

/* The parsed file, or NULL (with a message) when it cannot be read; the
 * tests count that as a failure. */
static inline json_t *vectors_load(const char *name) {
  const char *dir = getenv("CWAKU_SHARED");
  char path[4096];
  json_error_t err;
  if (!dir || !dir[0]) {
    fprintf(stderr, "CWAKU_SHARED is not set\n");
    return NULL;
  }
  snprintf(path, sizeof path, "%s/rln/vectors/%s", dir, name);
  json_t *j = json_load_file(path, 0, &err);
  if (!j)
    fprintf(stderr, "%s: %s (line %d)\n", path, err.text, err.line);
  return j;
}

/* A decimal string member as a field element; 0 when absent or invalid. */
static inline int vectors_fr(cwaku_fr *out, const json_t *j) {
  const char *s = json_string_value(j);
  return s && cwaku__fr_from_dec(out, s, strlen(s));
}

static inline int vectors_fr_at(cwaku_fr *out, const json_t *obj,
                                const char *key) {
  return vectors_fr(out, json_object_get(obj, key));
}

/* A hex string into buf; returns its length in bytes, or -1. */
static inline long vectors_hex(uint8_t *buf, size_t cap, const json_t *j) {
  const char *s = json_string_value(j);
  size_t n = s ? strlen(s) : 1;
  if (n % 2 || n / 2 > cap)
    return -1;
  for (size_t i = 0; i < n / 2; i++) {
    unsigned v;
    if (sscanf(s + 2 * i, "%2x", &v) != 1)
      return -1;
    buf[i] = (uint8_t)v;
  }
  return (long)(n / 2);
}

/* An unsigned decimal string (timestamps, epochs); 0 on a bad string. */
static inline int vectors_u64(uint64_t *out, const json_t *j) {
  const char *s = json_string_value(j);
  char *end;
  *out = 0;
  if (!s || s[0] < '0' || s[0] > '9')
    return 0;
  *out = strtoull(s, &end, 10);
  return *end == 0;
}

#endif
