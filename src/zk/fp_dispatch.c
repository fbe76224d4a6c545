/* The choice between the Fp multiplication in assembly (x86-64 with BMI2
 * and ADX) and the portable one, made once from CPUID; and the portable
 * functions themselves (fp_inline.h). */
#include <stdlib.h>

#include "zk/fp_inline.h"

#if FP_HAVE_ASM
#include <cpuid.h>

int cwaku__fp_asm_state = -1;

/* CPUID leaf 7, subleaf 0: EBX bit 8 = BMI2 (mulx), bit 19 = ADX. The
 * environment variable CWAKU_ZK_PORTABLE=1 turns the assembly off. */
int cwaku__fp_asm_detect(void) {
  unsigned a, b, c, d;
  int s = 0;
  if (__get_cpuid_count(7, 0, &a, &b, &c, &d))
    s = ((b >> 8) & 1) && ((b >> 19) & 1);
  const char *env = getenv("CWAKU_ZK_PORTABLE");
  if (env && env[0] == '1')
    s = 0;
  __atomic_store_n(&cwaku__fp_asm_state, s, __ATOMIC_RELAXED);
  return s;
}
#endif

int cwaku__fp_asm_enable(int on) {
#if FP_HAVE_ASM
  int s = cwaku__fp_asm_detect();
  if (!on)
    s = 0;
  __atomic_store_n(&cwaku__fp_asm_state, s, __ATOMIC_RELAXED);
  return s;
#else
  (void)on;
  return 0;
#endif
}

void cwaku__fp_mul_portable(cwaku_fp *r, const cwaku_fp *a, const cwaku_fp *b) {
  mont256_mul(r->v, a->v, b->v, &FP_MOD);
}

void cwaku__fp_sqr_portable(cwaku_fp *r, const cwaku_fp *a) {
  mont256_sqr(r->v, a->v, &FP_MOD);
}
