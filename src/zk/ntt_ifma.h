/* The prover's transforms on eight lanes with AVX-512 IFMA (mont52.h),
 * for x86-64 CPUs that have it (msm_ifma.h says). Private to ntt.c. */
#ifndef CWAKU_ZK_NTT_IFMA_H
#define CWAKU_ZK_NTT_IFMA_H

#include <stddef.h>
#include <stdint.h>

#include "zk/ntt.h"

/* The twiddle and coset tables of d (which has its scalar twiddles and
 * n_inv, shift set), or NULL when the kernels are off, n < 64, or out of
 * memory (the scalar code then runs). */
void *cwaku__ntt_ifma_new(const struct cwaku__fr_domain *d);
void cwaku__ntt_ifma_free(void *t);

/* cwaku__fr_coset_quotient (ntt.h) with the tables t. 0 or CWAKU_ENOMEM. */
int cwaku__ntt_ifma_quotient(const void *t, uint64_t (*h)[4], const cwaku_fr *a,
                             const cwaku_fr *b);

/* out[i] = A_i b[j_i] for i < n, where A_i is the element at a + i stride
 * and j_i the uint32_t at idx + i stride (bytes). */
void cwaku__ntt_ifma_mul_gather(cwaku_fr *out, const void *a, const void *idx,
                                size_t stride, const cwaku_fr *b, size_t n);

#endif
