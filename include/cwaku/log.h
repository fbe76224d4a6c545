/* Leveled logging. The level and sink are process-wide settings made by the
 * application at start-up (nwaku's --log-level names). */
#ifndef CWAKU_LOG_H
#define CWAKU_LOG_H

#include <stdarg.h>

enum cwaku_log_level {
  CWAKU_LOG_TRACE,
  CWAKU_LOG_DEBUG,
  CWAKU_LOG_INFO,
  CWAKU_LOG_NOTICE,
  CWAKU_LOG_WARN,
  CWAKU_LOG_ERROR,
  CWAKU_LOG_FATAL,
  CWAKU_LOG_NONE /* nothing is logged */
};

typedef void (*cwaku_log_sink)(enum cwaku_log_level level, const char *module,
                               const char *line, void *arg);

void cwaku_log_set_level(enum cwaku_log_level level);
enum cwaku_log_level cwaku_log_get_level(void);
/* NULL restores the default sink (one line per record on stderr). */
void cwaku_log_set_sink(cwaku_log_sink sink, void *arg);
/* Parses "TRACE".."FATAL" or "NONE", any case; 0 or CWAKU_EINVAL. */
int cwaku_log_level_parse(enum cwaku_log_level *out, const char *name);
const char *cwaku_log_level_name(enum cwaku_log_level level);

void cwaku_log(enum cwaku_log_level level, const char *module, const char *fmt,
               ...) __attribute__((format(printf, 3, 4)));
void cwaku_vlog(enum cwaku_log_level level, const char *module, const char *fmt,
                va_list ap);

#endif
