#include "cwaku/log.h"

#include <stdio.h>
#include <strings.h>
#include <time.h>

#include "cwaku/error.h"

static enum cwaku_log_level log_level = CWAKU_LOG_INFO;
static cwaku_log_sink log_sink;
static void *log_sink_arg;

static const char *const level_names[] = {"TRACE", "DEBUG", "INFO",  "NOTICE",
                                          "WARN",  "ERROR", "FATAL", "NONE"};

void cwaku_log_set_level(enum cwaku_log_level level) {
  log_level = level;
}
enum cwaku_log_level cwaku_log_get_level(void) {
  return log_level;
}

void cwaku_log_set_sink(cwaku_log_sink sink, void *arg) {
  log_sink = sink;
  log_sink_arg = arg;
}

const char *cwaku_log_level_name(enum cwaku_log_level level) {
  if ((unsigned)level > CWAKU_LOG_NONE)
    return "?";
  return level_names[level];
}

int cwaku_log_level_parse(enum cwaku_log_level *out, const char *name) {
  for (unsigned i = 0; i <= CWAKU_LOG_NONE; i++) {
    if (strcasecmp(name, level_names[i]) == 0) {
      *out = (enum cwaku_log_level)i;
      return 0;
    }
  }
  return CWAKU_EINVAL;
}

void cwaku_vlog(enum cwaku_log_level level, const char *module, const char *fmt,
                va_list ap) {
  if (level < log_level || level >= CWAKU_LOG_NONE)
    return;
  char line[1024];
  vsnprintf(line, sizeof line, fmt, ap);
  if (log_sink) {
    log_sink(level, module, line, log_sink_arg);
    return;
  }
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  struct tm tm;
  gmtime_r(&ts.tv_sec, &tm);
  fprintf(stderr, "%s %04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s: %s\n",
          level_names[level], tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
          tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000,
          module ? module : "cwaku", line);
}

void cwaku_log(enum cwaku_log_level level, const char *module, const char *fmt,
               ...) {
  va_list ap;
  va_start(ap, fmt);
  cwaku_vlog(level, module, fmt, ap);
  va_end(ap);
}
