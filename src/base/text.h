/* Small text helpers shared by the parsers of configuration, URLs and
 * hex: one place for what each would otherwise write again. */
#ifndef CWAKU_BASE_TEXT_H
#define CWAKU_BASE_TEXT_H

#include <stddef.h>

/* The value of one hex digit (either case), or -1. */
int cwaku__hex_digit(int c);

/* Writes the message into err (when err and errcap are non-zero) and
 * returns code: for functions that explain why they failed. */
int cwaku__errorf(char *err, size_t errcap, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
