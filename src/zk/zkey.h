/* snarkjs Groth16 proving keys (.zkey, format version 1; snarkjs
 * src/zkey_utils.js): a binary file "zkey" ‖ u32 version ‖ u32 n_sections,
 * then sections u32 type ‖ u64 size ‖ data:
 *   1 header (u32 protocol, 1 = Groth16)
 *   2 Groth16 header: n8q, q, n8r, r, n_vars, n_public, domain_size,
 *     alpha1, beta1, beta2, gamma2, delta1, delta2
 *   3 IC (n_public + 1 G1)       4 coefficients of A and B
 * (specs/rln-circuit.md §9) 5 A (n_vars G1)  6 B1 (n_vars G1)  7 B2 (n_vars G2)
 *   8 C (n_vars - n_public - 1 G1)    9 H (domain_size G1)   10 contributions
 * Field elements are 32 bytes LE in Montgomery form (R = 2^256), which is
 * how cwaku_fp holds them, so coordinates are taken as they are (checked
 * < p); G1 is x ‖ y, G2 is x.c0 ‖ x.c1 ‖ y.c0 ‖ y.c1; the point at infinity
 * is all zeros. Coefficients hold v R^2 mod r and are turned into v. */
#ifndef CWAKU_ZK_ZKEY_H
#define CWAKU_ZK_ZKEY_H

#include <stddef.h>
#include <stdint.h>

#include "zk/field.h"

/* Bounds on what a key may ask us to allocate. */
#define CWAKU_ZKEY_MAX_VARS (1u << 24)
#define CWAKU_ZKEY_MAX_DOMAIN (1u << 24)
#define CWAKU_ZKEY_MAX_PUBLIC 1024u

struct cwaku__zkey_coef {
  uint32_t matrix; /* 0 = A, 1 = B */
  uint32_t constraint;
  uint32_t wire;
  cwaku_fr value;
};

/* Affine points as coordinates; infinity is (0, 0). */
typedef struct {
  cwaku_fp x, y;
} cwaku__zkey_g1;
typedef struct {
  cwaku_fp x0, x1, y0, y1;
} cwaku__zkey_g2;

struct cwaku__zkey {
  uint32_t n_vars, n_public, domain_size, log_domain;
  cwaku__zkey_g1 alpha1, beta1, delta1;
  cwaku__zkey_g2 beta2, gamma2, delta2;
  cwaku__zkey_g1 *ic; /* n_public + 1 */
  size_t n_coefs;
  struct cwaku__zkey_coef *coefs;
  cwaku__zkey_g1 *a, *b1; /* n_vars */
  cwaku__zkey_g2 *b2;     /* n_vars */
  cwaku__zkey_g1 *c;      /* n_vars - n_public - 1 */
  cwaku__zkey_g1 *h;      /* domain_size */
};

/* Parses a whole key held in memory. 0; CWAKU_ETRUNC for a short file,
 * CWAKU_EMALFORMED for a bad magic, version, section layout or count,
 * CWAKU_EUNSUPPORTED for another protocol or curve, CWAKU_ERANGE for a
 * value >= its modulus or a wire/constraint index out of range,
 * CWAKU_ETOOBIG past the bounds above, CWAKU_ENOMEM. On failure *z is
 * empty. Points are not checked to be on the curve here. */
int cwaku__zkey_parse(struct cwaku__zkey *z, const uint8_t *buf, size_t len);
/* Reads and parses a file (CWAKU_EIO when it cannot be read). */
int cwaku__zkey_load(struct cwaku__zkey *z, const char *path);
void cwaku__zkey_free(struct cwaku__zkey *z);

#endif
