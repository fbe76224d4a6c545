#include "cwaku/error.h"

#include <stdarg.h>
#include <stdio.h>

#include "text.h"

const char *cwaku_strerror(int err) {
  switch (err) {
#define CWAKU__ERR_TEXT(name, value, text)                                     \
  case (value):                                                                \
    return text;
    CWAKU_ERROR_MAP(CWAKU__ERR_TEXT)
#undef CWAKU__ERR_TEXT
  }
  return "unknown error";
}

const char *cwaku_errname(int err) {
  switch (err) {
#define CWAKU__ERR_NAME(name, value, text)                                     \
  case (value):                                                                \
    return "CWAKU_" #name;
    CWAKU_ERROR_MAP(CWAKU__ERR_NAME)
#undef CWAKU__ERR_NAME
  }
  return "CWAKU_EUNKNOWN";
}

int cwaku__errorf(char *err, size_t errcap, int code, const char *fmt, ...) {
  if (err && errcap) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errcap, fmt, ap);
    va_end(ap);
  }
  return code;
}
