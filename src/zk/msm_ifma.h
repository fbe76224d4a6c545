/* The MSM's batches of affine additions on eight lanes with AVX-512 IFMA
 * (mont52.h), for x86-64 CPUs that have it (checked at run time). Private
 * to msm.c.
 *
 * Points handed to these kernels hold their coordinates in the IFMA
 * Montgomery form, x 2^260 mod p (16 times the scalar code's x 2^256),
 * canonical (below p); (0, 0) is infinity as in msm.h. The kernels do the
 * generic additions (distinct x, neither point at infinity); the pairs
 * with a point at infinity or equal x are listed for the caller. */
#ifndef CWAKU_ZK_MSM_IFMA_H
#define CWAKU_ZK_MSM_IFMA_H

#include <stddef.h>
#include <stdint.h>

#include "zk/msm.h"

/* 1 if the kernels are in use: the CPU has AVX-512 F, DQ, BW, VL and
 * IFMA with the OS saving the registers, and the field assembly is on
 * (CWAKU_ZK_PORTABLE=1 in the environment turns both off, CWAKU_ZK_IFMA=0
 * these kernels only). */
int cwaku__msm_ifma_active(void);
/* Turns the kernels on (where the CPU has them) or off, for tests and
 * benchmarks; returns whether they are now used. Bases prepared before
 * keep the form they were made in. */
int cwaku__msm_ifma_enable(int on);

/* Bytes of 64-byte aligned scratch that a batch of n additions needs. */
size_t cwaku__msm_ifma_scratch_bytes(size_t n);

/* dst[io[i]] = src[ia[i]] + src[ib[i]] (bit 31 of a reference: negate the
 * point) for the generic pairs; returns the number of the others, whose
 * indices i go to special[] (room for n), dst[io[i]] untouched. No
 * destination may be read as a source. */
size_t cwaku__g1_batch_add_ifma(cwaku__g1_xy *dst, const cwaku__g1_xy *src,
                                const uint32_t *ia, const uint32_t *ib,
                                const uint32_t *io, size_t n, void *scratch,
                                uint32_t *special);
size_t cwaku__g2_batch_add_ifma(cwaku__g2_xy *dst, const cwaku__g2_xy *src,
                                const uint32_t *ia, const uint32_t *ib,
                                const uint32_t *io, size_t n, void *scratch,
                                uint32_t *special);

#endif
