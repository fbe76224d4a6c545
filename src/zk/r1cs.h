/* Rank-1 constraint systems over the BN254 scalar field: sparse linear
 * combinations of wires, constraints <A,w> * <B,w> = <C,w>, and the two
 * orders the outside world writes them in (circom's r1cs term order and
 * snarkjs' zkey coefficient section; specs/rln-circuit.md §3, §9). */
#ifndef CWAKU_ZK_R1CS_H
#define CWAKU_ZK_R1CS_H

#include <stddef.h>
#include <stdint.h>

#include "zk/field.h"

struct cwaku__lc_term {
  uint32_t wire; /* 0 is the constant ONE */
  cwaku_fr coef; /* never zero */
};

/* Terms sorted by wire number, each wire once. */
struct cwaku__lc {
  struct cwaku__lc_term *t;
  uint32_t n, cap;
};

/* Every operation keeps the sticky error of a builder: after a failed
 * allocation nothing more happens and *err holds CWAKU_ENOMEM. */
void cwaku__lc_clear(struct cwaku__lc *a);
void cwaku__lc_reset(struct cwaku__lc *a); /* n = 0, storage kept */
/* a += k * wire */
void cwaku__lc_add_term(struct cwaku__lc *a, uint32_t wire, const cwaku_fr *k,
                        int *err);
/* a += k * b (b may not be a) */
void cwaku__lc_axpy(struct cwaku__lc *a, const struct cwaku__lc *b,
                    const cwaku_fr *k, int *err);
/* a = k * a */
void cwaku__lc_scale(struct cwaku__lc *a, const cwaku_fr *k);
void cwaku__lc_copy(struct cwaku__lc *dst, const struct cwaku__lc *src,
                    int *err);
/* <a, w> */
void cwaku__lc_eval(cwaku_fr *out, const struct cwaku__lc *a,
                    const cwaku_fr *w);

struct cwaku__r1cs_constraint {
  struct cwaku__lc a, b, c;
};

struct cwaku__r1cs {
  uint32_t n_wires;  /* including ONE */
  uint32_t n_public; /* outputs and public inputs, wires 1..n_public */
  size_t n, cap;     /* constraints */
  struct cwaku__r1cs_constraint *c;
};

void cwaku__r1cs_free(struct cwaku__r1cs *r);
/* Appends a constraint, taking over the three combinations (left empty). */
void cwaku__r1cs_push(struct cwaku__r1cs *r, struct cwaku__lc *a,
                      struct cwaku__lc *b, struct cwaku__lc *c, int *err);
/* Moves all of src's constraints to the end of dst. */
void cwaku__r1cs_append(struct cwaku__r1cs *dst, struct cwaku__r1cs *src,
                        int *err);
/* The number of constraints <A,w><B,w> = <C,w> that w does not satisfy. */
size_t cwaku__r1cs_unsatisfied(const struct cwaku__r1cs *r, const cwaku_fr *w);

/* snarkjs' zkey section 4 ("coefficients") of this system: u32 count, then
 * per constraint its A terms then its B terms (matrix u32, constraint u32,
 * wire u32, value as 32 bytes LE of v * R^2 mod r), terms in circom's
 * order; then one A term (constraint n + s, wire s, 1) per public wire s
 * including ONE. *len gets the size; returns a malloc'd buffer, or NULL. */
uint8_t *cwaku__r1cs_zkey_coefficients(const struct cwaku__r1cs *r,
                                       size_t *len);

#endif
