/* A minimal test harness: CHECK records a failure and goes on, so one run
 * reports every broken expectation; main returns check_summary(). */
#ifndef CWAKU_TEST_CHECK_H
#define CWAKU_TEST_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_failures;
static int check_count;

#define CHECK(cond)                                                            \
  do {                                                                         \
    check_count++;                                                             \
    if (!(cond)) {                                                             \
      check_failures++;                                                        \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                          \
  } while (0)

#define CHECK_EQ_INT(a, b)                                                     \
  do {                                                                         \
    long long check_a_ = (long long)(a), check_b_ = (long long)(b);            \
    check_count++;                                                             \
    if (check_a_ != check_b_) {                                                \
      check_failures++;                                                        \
      fprintf(stderr, "%s:%d: CHECK failed: %s == %s (%lld != %lld)\n",        \
              __FILE__, __LINE__, #a, #b, check_a_, check_b_);                 \
    }                                                                          \
  } while (0)

#define CHECK_EQ_STR(a, b)                                                     \
  do {                                                                         \
    const char *check_a_ = (a), *check_b_ = (b);                               \
    check_count++;                                                             \
    if (!check_a_ || !check_b_ || strcmp(check_a_, check_b_) != 0) {           \
      check_failures++;                                                        \
      fprintf(stderr, "%s:%d: CHECK failed: %s == %s (\"%s\" != \"%s\")\n",    \
              __FILE__, __LINE__, #a, #b, check_a_ ? check_a_ : "(null)",      \
              check_b_ ? check_b_ : "(null)");                                 \
    }                                                                          \
  } while (0)

#define CHECK_MEM(a, b, n)                                                     \
  do {                                                                         \
    check_count++;                                                             \
    if (memcmp((a), (b), (n)) != 0) {                                          \
      check_failures++;                                                        \
      fprintf(stderr, "%s:%d: CHECK failed: %s equals %s (%zu bytes)\n",       \
              __FILE__, __LINE__, #a, #b, (size_t)(n));                        \
    }                                                                          \
  } while (0)

/* Decodes a hex literal into buf (test inputs are trusted). */
static inline size_t check_unhex(unsigned char *buf, size_t cap,
                                 const char *hex) {
  size_t n = strlen(hex) / 2;
  if (n > cap)
    abort();
  for (size_t i = 0; i < n; i++) {
    unsigned v;
    if (sscanf(hex + 2 * i, "%2x", &v) != 1)
      abort();
    buf[i] = (unsigned char)v;
  }
  return n;
}

static inline int check_summary(const char *name) {
  printf("%s: %d checks, %d failed\n", name, check_count, check_failures);
  return check_failures ? 1 : 0;
}

#endif
