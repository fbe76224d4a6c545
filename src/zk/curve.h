/* The BN254 groups (alt_bn128, the curve of EIP-196/197, circom and zerokit):
 *
 *   G1: y^2 = x^3 + 3 over Fp, prime order r, generator (1, 2);
 *   G2: the order-r subgroup of the sextic D-type twist
 *       y^2 = x^3 + 3/xi over Fp2, xi = 9 + u (tower.h), which has
 *       r (2p - r) points.
 *
 * Points are affine (with an explicit infinity flag; x = y = 0 then) or
 * Jacobian (x = X/Z^2, y = Y/Z^3; infinity when Z = 0, written (1, 1, 0)).
 * Results may alias inputs.
 *
 * Constant time: cwaku__g1_mul / cwaku__g2_mul (secret scalars; complete
 * projective formulas and a masked table scan), negation, doubling, and the
 * CT conversion to affine. Everything named _vartime, the additions (which
 * branch on the special cases), the subgroup check, the MSM and the
 * codecs are for public points and scalars only: verification is public.
 *
 * Codecs (curve_codec.c) follow the crypto convention: 1 on success, 0 on
 * failure with the output cleared. */
#ifndef CWAKU_ZK_CURVE_H
#define CWAKU_ZK_CURVE_H

#include <stddef.h>
#include <stdint.h>

#include "zk/field.h"
#include "zk/tower.h"

typedef struct {
  cwaku_fp x, y;
  int infinity; /* 1: the point at infinity, x = y = 0 */
} cwaku_g1;

typedef struct {
  cwaku_fp x, y, z;
} cwaku_g1_jac;

typedef struct {
  cwaku_fp2 x, y;
  int infinity;
} cwaku_g2;

typedef struct {
  cwaku_fp2 x, y, z;
} cwaku_g2_jac;

/* The curve parameter x (BN254 is parameterised by it: p = 36x^4 + 36x^3 +
 * 24x^2 + 6x + 1, r = 36x^4 + 36x^3 + 18x^2 + 6x + 1). */
#define CWAKU_BN_X 4965661367192848881ULL

/* --- G1 */

void cwaku__g1_generator(cwaku_g1 *r);
void cwaku__g1_infinity(cwaku_g1 *r);
void cwaku__g1_jac_infinity(cwaku_g1_jac *r);
int cwaku__g1_jac_is_infinity(const cwaku_g1_jac *p);
void cwaku__g1_from_affine(cwaku_g1_jac *r, const cwaku_g1 *p);
/* Constant time (Fermat inverse), and the faster one for public points. */
void cwaku__g1_to_affine(cwaku_g1 *r, const cwaku_g1_jac *p);
void cwaku__g1_to_affine_vartime(cwaku_g1 *r, const cwaku_g1_jac *p);
/* out[i] = in[i] in affine form with one inversion (Montgomery's trick);
 * variable time. */
void cwaku__g1_batch_to_affine_vartime(cwaku_g1 *out, const cwaku_g1_jac *in,
                                       size_t n);
/* y^2 = x^3 + 3 (the infinity point counts as on the curve). G1 has
 * cofactor 1: on the curve means in the group. */
int cwaku__g1_is_on_curve(const cwaku_g1 *p);
/* r = x^3 + 3, the square of y. */
void cwaku__g1_rhs(cwaku_fp *r, const cwaku_fp *x);
int cwaku__g1_equal(const cwaku_g1 *a, const cwaku_g1 *b);
int cwaku__g1_jac_equal(const cwaku_g1_jac *a, const cwaku_g1_jac *b);
void cwaku__g1_neg(cwaku_g1 *r, const cwaku_g1 *p);
void cwaku__g1_jac_neg(cwaku_g1_jac *r, const cwaku_g1_jac *p);
void cwaku__g1_dbl(cwaku_g1_jac *r, const cwaku_g1_jac *p);
void cwaku__g1_add(cwaku_g1_jac *r, const cwaku_g1_jac *a,
                   const cwaku_g1_jac *b);
void cwaku__g1_add_mixed(cwaku_g1_jac *r, const cwaku_g1_jac *a,
                         const cwaku_g1 *b);
/* r = k p, constant time in k and p. */
void cwaku__g1_mul(cwaku_g1_jac *r, const cwaku_g1_jac *p, const cwaku_fr *k);
/* r = k p for public k: width-5 NAF. _limbs takes any 256-bit integer. */
void cwaku__g1_mul_vartime(cwaku_g1_jac *r, const cwaku_g1_jac *p,
                           const cwaku_fr *k);
void cwaku__g1_mul_limbs_vartime(cwaku_g1_jac *r, const cwaku_g1_jac *p,
                                 const uint64_t k[4]);

/* Odd multiples p, 3p, ..., (2^(w-1) - 1) p in affine form, for
 * multi-scalar multiplication by width-w NAF, w <= CWAKU_G1_TABLE_W_MAX. */
#define CWAKU_G1_TABLE_W_MAX 6
typedef struct {
  cwaku_g1 odd[1 << (CWAKU_G1_TABLE_W_MAX - 2)];
  int w;
} cwaku_g1_table;
void cwaku__g1_table_init(cwaku_g1_table *t, const cwaku_g1 *p, int w);
/* r = sum k_i p_i (Straus: one chain of doublings shared by all terms),
 * public points and scalars; the tables give the p_i. scalars are plain
 * integers of at most nbits bits (<= 256), little-endian limbs. */
void cwaku__g1_msm_tables_vartime(cwaku_g1_jac *r, const cwaku_g1_table *tabs,
                                  const uint64_t (*scalars)[4], size_t n,
                                  int nbits);
/* The same from affine points (tables built on the fly, w = 5). */
void cwaku__g1_msm_vartime(cwaku_g1_jac *r, const cwaku_g1 *points,
                           const uint64_t (*scalars)[4], size_t n, int nbits);

/* The endomorphism phi(x, y) = (beta x, y) of G1, beta a cube root of
 * unity in Fp; on G1 it is multiplication by lambda =
 * 4407920970296243842393367215006156084916469457145843978461 (a cube root
 * of unity mod r). */
void cwaku__g1_endo(cwaku_g1 *r, const cwaku_g1 *p);
void cwaku__g1_endo_lambda(cwaku_fr *lambda);
/* r = sum (k1_i p_i + k2_i phi(p_i)) for scalars of at most nbits bits:
 * the tables of phi(p_i) come free from those of p_i. Public values. */
void cwaku__g1_msm_endo_vartime(cwaku_g1_jac *r, const cwaku_g1 *points,
                                const uint64_t (*k1)[4],
                                const uint64_t (*k2)[4], size_t n, int nbits);
/* out[i] = k1_i p_i + k2_i phi(p_i), each on its own. */
void cwaku__g1_mul_endo_many_vartime(cwaku_g1_jac *out, const cwaku_g1 *points,
                                     const uint64_t (*k1)[4],
                                     const uint64_t (*k2)[4], size_t n,
                                     int nbits);

/* --- G2 */

void cwaku__g2_generator(cwaku_g2 *r);
void cwaku__g2_infinity(cwaku_g2 *r);
void cwaku__g2_jac_infinity(cwaku_g2_jac *r);
int cwaku__g2_jac_is_infinity(const cwaku_g2_jac *p);
void cwaku__g2_from_affine(cwaku_g2_jac *r, const cwaku_g2 *p);
void cwaku__g2_to_affine(cwaku_g2 *r, const cwaku_g2_jac *p);
void cwaku__g2_to_affine_vartime(cwaku_g2 *r, const cwaku_g2_jac *p);
void cwaku__g2_batch_to_affine_vartime(cwaku_g2 *out, const cwaku_g2_jac *in,
                                       size_t n);
/* On the twist y^2 = x^3 + 3/xi; says nothing about the subgroup. */
int cwaku__g2_is_on_curve(const cwaku_g2 *p);
/* r = x^3 + 3/xi. */
void cwaku__g2_rhs(cwaku_fp2 *r, const cwaku_fp2 *x);
/* p (on the twist) is in the order-r subgroup G2: by the endomorphism psi
 * (El Housni, Guillevic, Piellard 2022, "Co-factor clearing and subgroup
 * membership testing on pairing-friendly curves", BN case):
 *   [x+1]p + psi([x]p) + psi^2([x]p) == psi^3([2x]p).
 * Variable time (public points). */
int cwaku__g2_is_in_subgroup_vartime(const cwaku_g2 *p);
int cwaku__g2_equal(const cwaku_g2 *a, const cwaku_g2 *b);
int cwaku__g2_jac_equal(const cwaku_g2_jac *a, const cwaku_g2_jac *b);
void cwaku__g2_neg(cwaku_g2 *r, const cwaku_g2 *p);
void cwaku__g2_jac_neg(cwaku_g2_jac *r, const cwaku_g2_jac *p);
void cwaku__g2_dbl(cwaku_g2_jac *r, const cwaku_g2_jac *p);
void cwaku__g2_add(cwaku_g2_jac *r, const cwaku_g2_jac *a,
                   const cwaku_g2_jac *b);
void cwaku__g2_add_mixed(cwaku_g2_jac *r, const cwaku_g2_jac *a,
                         const cwaku_g2 *b);
void cwaku__g2_mul(cwaku_g2_jac *r, const cwaku_g2_jac *p, const cwaku_fr *k);
void cwaku__g2_mul_vartime(cwaku_g2_jac *r, const cwaku_g2_jac *p,
                           const cwaku_fr *k);
void cwaku__g2_mul_limbs_vartime(cwaku_g2_jac *r, const cwaku_g2_jac *p,
                                 const uint64_t k[4]);
/* psi = untwist-Frobenius-twist: (x, y) -> (conj(x) xi^((p-1)/3),
 * conj(y) xi^((p-1)/2)); on G2 it acts as multiplication by p. */
void cwaku__g2_psi(cwaku_g2 *r, const cwaku_g2 *p);
void cwaku__g2_jac_psi(cwaku_g2_jac *r, const cwaku_g2_jac *p);

/* --- Encodings (curve_codec.c) */

/* arkworks compressed: x little-endian (G2: x.c0 || x.c1), the two top bits
 * of the last byte are flags: 0x80 = y is the larger of y and -y (Fp2:
 * compare c1, then c0 if c1 = 0), 0x40 = infinity (x bytes all zero).
 * Decoding refuses both flags, an infinity flag over non-zero bytes, a
 * coordinate >= p, an x with no point and (G2) a point outside G2. */
#define CWAKU_G1_COMPRESSED_BYTES 32
#define CWAKU_G2_COMPRESSED_BYTES 64
CWAKU_MUST_CHECK int
cwaku__g1_from_compressed(cwaku_g1 *r,
                          const uint8_t in[CWAKU_G1_COMPRESSED_BYTES]);
void cwaku__g1_to_compressed(uint8_t out[CWAKU_G1_COMPRESSED_BYTES],
                             const cwaku_g1 *p);
CWAKU_MUST_CHECK int
cwaku__g2_from_compressed(cwaku_g2 *r,
                          const uint8_t in[CWAKU_G2_COMPRESSED_BYTES]);
void cwaku__g2_to_compressed(uint8_t out[CWAKU_G2_COMPRESSED_BYTES],
                             const cwaku_g2 *p);

/* EIP-196/197 uncompressed: big-endian x || y (G2: x.c1 || x.c0 || y.c1 ||
 * y.c0), all-zero bytes for infinity. Decoding refuses coordinates >= p,
 * points off the curve and (G2) outside G2. */
#define CWAKU_G1_UNCOMPRESSED_BYTES 64
#define CWAKU_G2_UNCOMPRESSED_BYTES 128
CWAKU_MUST_CHECK int
cwaku__g1_from_uncompressed(cwaku_g1 *r,
                            const uint8_t in[CWAKU_G1_UNCOMPRESSED_BYTES]);
void cwaku__g1_to_uncompressed(uint8_t out[CWAKU_G1_UNCOMPRESSED_BYTES],
                               const cwaku_g1 *p);
CWAKU_MUST_CHECK int
cwaku__g2_from_uncompressed(cwaku_g2 *r,
                            const uint8_t in[CWAKU_G2_UNCOMPRESSED_BYTES]);
void cwaku__g2_to_uncompressed(uint8_t out[CWAKU_G2_UNCOMPRESSED_BYTES],
                               const cwaku_g2 *p);

#endif
