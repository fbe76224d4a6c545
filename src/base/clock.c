#include <time.h>

#include "cwaku/env.h"

static int64_t system_now_ns(void *arg) {
  (void)arg;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static uint64_t system_mono_ns(void *arg) {
  (void)arg;
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static const struct cwaku_clock system_clock = {system_now_ns, system_mono_ns,
                                                NULL};

const struct cwaku_clock *cwaku_clock_system(void) {
  return &system_clock;
}

static int64_t manual_now_ns(void *arg) {
  return ((struct cwaku_manual_clock *)arg)->now_ns;
}

static uint64_t manual_mono_ns(void *arg) {
  return ((struct cwaku_manual_clock *)arg)->mono_ns;
}

void cwaku_manual_clock_init(struct cwaku_manual_clock *c, int64_t unix_ns) {
  c->clock.now_ns = manual_now_ns;
  c->clock.mono_ns = manual_mono_ns;
  c->clock.arg = c;
  c->now_ns = unix_ns;
  c->mono_ns = 0;
}

void cwaku_manual_clock_advance(struct cwaku_manual_clock *c, uint64_t ns) {
  c->now_ns += (int64_t)ns;
  c->mono_ns += ns;
}
