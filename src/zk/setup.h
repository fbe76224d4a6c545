/* A single-party Groth16 setup for an R1CS: a snarkjs-format proving key
 * (.zkey) and verification key (JSON) for private clusters, tests and the
 * embedded demo. One machine draws tau, alpha, beta, gamma and delta and
 * forgets them, so whoever ran it could forge proofs: it is a development
 * setup, and the keys say so. The key has the layout snarkjs' `zkey new`
 * and `zkey contribute` produce (specs/rln-circuit.md §9), so snarkjs and
 * our prover (zk/prover.h) both prove with it:
 *
 *   A_i = a_i(tau) G1, B1_i = b_i(tau) G1, B2_i = b_i(tau) G2,
 *   IC_i = (beta a_i + alpha b_i + c_i)(tau) / gamma G1 (public wires),
 *   C_i = (beta a_i + alpha b_i + c_i)(tau) / delta G1 (private wires),
 *   H_j = L'_{2j+1}(tau) / delta G1,
 *
 * with a_i, b_i, c_i the wires' polynomials in the Lagrange basis L of the
 * domain of size n (the constraints, then one row per public wire in A),
 * and L' the Lagrange basis of the domain of size 2n. */
#ifndef CWAKU_ZK_SETUP_H
#define CWAKU_ZK_SETUP_H

#include <stddef.h>
#include <stdint.h>

#include "cwaku/env.h"
#include "zk/r1cs.h"

/* On success *zkey (len *zkey_len) and *vk_json (NUL-terminated) are
 * malloc'd. 0; CWAKU_ETOOBIG when the system needs a domain over 2^24;
 * CWAKU_ENOMEM. */
int cwaku__groth16_setup(uint8_t **zkey, size_t *zkey_len, char **vk_json,
                         const struct cwaku__r1cs *r1cs,
                         const struct cwaku_rng *rng);

#endif
