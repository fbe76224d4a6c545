/* The RLN v2 circuit of the Waku network (circom-rln RLN(20, 16) as
 * compiled for the official proving key), natively: its witness in the
 * official wire order, and its R1CS with the constraints and terms in the
 * order of the official zkey. specs/rln-circuit.md says what every wire and
 * constraint is. */
#ifndef CWAKU_ZK_RLN_CIRCUIT_H
#define CWAKU_ZK_RLN_CIRCUIT_H

#include <jansson.h>
#include <stdint.h>

#include "zk/field.h"
#include "zk/r1cs.h"

#define CWAKU_RLN_DEPTH 20
#define CWAKU_RLN_WIRES 5844
#define CWAKU_RLN_CONSTRAINTS 5820
#define CWAKU_RLN_PUBLIC 5 /* y, root, nullifier, x, external nullifier */

/* Wires of main's signals (specs/rln-circuit.md §5). */
enum {
  CWAKU_RLN_W_Y = 1,
  CWAKU_RLN_W_ROOT = 2,
  CWAKU_RLN_W_NULLIFIER = 3,
  CWAKU_RLN_W_X = 4,
  CWAKU_RLN_W_EXTERNAL_NULLIFIER = 5,
  CWAKU_RLN_W_IDENTITY_SECRET = 6,
  CWAKU_RLN_W_USER_MESSAGE_LIMIT = 7,
  CWAKU_RLN_W_MESSAGE_ID = 8,
};

struct cwaku__rln_inputs {
  cwaku_fr identity_secret;
  cwaku_fr user_message_limit;
  cwaku_fr message_id;
  cwaku_fr path_elements[CWAKU_RLN_DEPTH];
  uint8_t path_index[CWAKU_RLN_DEPTH]; /* bit i of the leaf index: 0 or 1 */
  cwaku_fr x;
  cwaku_fr external_nullifier;
};

/* Reads the circuit's input object as circom and snarkjs take it
 * (identitySecret, userMessageLimit, messageId, pathElements[20],
 * identityPathIndex[20] as numbers or "0"/"1", x, externalNullifier; field
 * elements as canonical decimal strings). 1, or 0 if anything is missing or
 * malformed. */
int cwaku__rln_inputs_from_json(struct cwaku__rln_inputs *in,
                                const json_t *obj);

/* Computes all CWAKU_RLN_WIRES wire values. 0; CWAKU_EINVAL when the inputs
 * admit no witness (a path index not 0/1, message_id >= 2^16, or not
 * message_id < user_message_limit <= message_id + 2^16); CWAKU_ENOMEM. */
int cwaku__rln_witness(cwaku_fr *w, const struct cwaku__rln_inputs *in);

/* Builds the circuit's R1CS (5,820 constraints over 5,844 wires, 5 public);
 * free it with cwaku__r1cs_free. 0 or CWAKU_ENOMEM. */
int cwaku__rln_r1cs(struct cwaku__r1cs *out);

#endif
