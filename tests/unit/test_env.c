/* The injected clock and random source, and logging (src/base). */
#include "check.h"
#include "cwaku/env.h"
#include "cwaku/error.h"
#include "cwaku/log.h"

static void test_clocks(void) {
  struct cwaku_manual_clock mc;
  cwaku_manual_clock_init(&mc, 1700000000LL * 1000000000LL);
  const struct cwaku_clock *c = &mc.clock;
  CHECK(c->now_ns(c->arg) == 1700000000LL * 1000000000LL);
  CHECK(c->mono_ns(c->arg) == 0);
  cwaku_manual_clock_advance(&mc, 1500);
  CHECK(c->now_ns(c->arg) == 1700000000LL * 1000000000LL + 1500);
  CHECK(c->mono_ns(c->arg) == 1500);

  const struct cwaku_clock *sys = cwaku_clock_system();
  int64_t a = sys->now_ns(sys->arg);
  CHECK(a > 1600000000LL * 1000000000LL); /* after 2020 */
  uint64_t m1 = sys->mono_ns(sys->arg), m2 = sys->mono_ns(sys->arg);
  CHECK(m2 >= m1);
}

static void test_rngs(void) {
  struct cwaku_seeded_rng r1, r2, r3;
  cwaku_seeded_rng_init(&r1, 99);
  cwaku_seeded_rng_init(&r2, 99);
  cwaku_seeded_rng_init(&r3, 100);
  uint8_t a[64], b[64], c[64], d[64];
  cwaku_random(&r1.rng, a, sizeof a);
  cwaku_random(&r2.rng, b, sizeof b);
  cwaku_random(&r3.rng, c, sizeof c);
  CHECK_MEM(a, b, sizeof a);          /* same seed, same stream */
  CHECK(memcmp(a, c, sizeof a) != 0); /* other seed, other stream */
  cwaku_random(&r1.rng, d, sizeof d);
  CHECK(memcmp(a, d, sizeof a) != 0); /* successive calls differ */

  const struct cwaku_rng *sys = cwaku_rng_system();
  CHECK(sys != NULL);
  memset(a, 0, sizeof a);
  cwaku_random(sys, a, sizeof a);
  int nonzero = 0;
  for (size_t i = 0; i < sizeof a; i++)
    nonzero += a[i] != 0;
  CHECK(nonzero > 32);
}

static int sink_calls;
static char sink_line[256];
static enum cwaku_log_level sink_level;

static void sink(enum cwaku_log_level level, const char *module,
                 const char *line, void *arg) {
  (void)module;
  CHECK(arg == &sink_calls);
  sink_calls++;
  sink_level = level;
  snprintf(sink_line, sizeof sink_line, "%s", line);
}

static void test_log(void) {
  enum cwaku_log_level l;
  CHECK_EQ_INT(cwaku_log_level_parse(&l, "notice"), 0);
  CHECK_EQ_INT(l, CWAKU_LOG_NOTICE);
  CHECK_EQ_INT(cwaku_log_level_parse(&l, "LOUD"), CWAKU_EINVAL);
  CHECK_EQ_STR(cwaku_log_level_name(CWAKU_LOG_WARN), "WARN");

  cwaku_log_set_sink(sink, &sink_calls);
  cwaku_log_set_level(CWAKU_LOG_WARN);
  cwaku_log(CWAKU_LOG_INFO, "test", "hidden %d", 1);
  CHECK_EQ_INT(sink_calls, 0);
  cwaku_log(CWAKU_LOG_ERROR, "test", "shown %d", 2);
  CHECK_EQ_INT(sink_calls, 1);
  CHECK_EQ_STR(sink_line, "shown 2");
  CHECK_EQ_INT(sink_level, CWAKU_LOG_ERROR);
  cwaku_log_set_level(CWAKU_LOG_NONE);
  cwaku_log(CWAKU_LOG_FATAL, "test", "nothing");
  CHECK_EQ_INT(sink_calls, 1);
  cwaku_log_set_sink(NULL, NULL);
  cwaku_log_set_level(CWAKU_LOG_INFO);
}

int main(void) {
  test_clocks();
  test_rngs();
  test_log();
  return check_summary("env");
}
