/* cwaku-tool: each subcommand takes its arguments and produces one JSON
 * object (printed on one line), or an error code and message. */
#ifndef CWAKU_TOOL_H
#define CWAKU_TOOL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "cwaku/error.h"
#include "cwaku/key.h"

struct tool_result {
  json_t *json;      /* set on success */
  char message[512]; /* set on failure */
  /* A command that ran but reports a bad outcome (rln vectors with failed
   * tests) sets status 1: its JSON is printed as usual, the process exits
   * with 1. note, when set, is a line for a person, printed on stderr
   * after the JSON. */
  int status;
  char note[128];
};

/* argv[0] is the subcommand name. Returns 0 or a CWAKU_E* code. */
typedef int (*tool_cmd_fn)(struct tool_result *res, int argc, char **argv);

/* Records a failure message and returns err. */
int tool_fail(struct tool_result *res, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* For "--name value" options: returns the value after argv[*i] and advances
 * *i, or NULL when the value is missing. */
const char *tool_next_value(int *i, int argc, char **argv);
/* Parses a hex argument into a newly allocated buffer (free with free()). */
int tool_parse_hex(struct tool_result *res, uint8_t **out, size_t *outlen,
                   const char *name, const char *hex);
/* Parses a 32-byte hex secp256k1 secret key (0 < key < n); wipes copies. */
int tool_parse_nodekey(struct tool_result *res, cwaku_seckey *sk,
                       const char *hex);
/* Parses an unsigned decimal in [0, max]. */
int tool_parse_u64(struct tool_result *res, uint64_t *out, const char *name,
                   const char *text, uint64_t max);
/* An unsigned 64-bit number; jansson holds only signed 64-bit integers, so
 * values above 2^63-1 travel as a marked string that print_result writes
 * back out as a bare number. */
json_t *tool_json_u64(uint64_t v);
/* Lower-case hex string as a new JSON string. */
json_t *tool_json_hex(const uint8_t *p, size_t n);

int tool_cmd_message_hash(struct tool_result *res, int argc, char **argv);
int tool_cmd_shard(struct tool_result *res, int argc, char **argv);
int tool_cmd_keygen(struct tool_result *res, int argc, char **argv);
int tool_cmd_poseidon(struct tool_result *res, int argc, char **argv);
/* "enr decode TEXT" and "enr encode ..." (cmd_enr.c). */
int tool_cmd_enr(struct tool_result *res, int argc, char **argv);
/* "zk setup ..." and "rln prove|verify ..." (cmd_zk.c). */
int tool_cmd_zk(struct tool_result *res, int argc, char **argv);
int tool_cmd_rln(struct tool_result *res, int argc, char **argv);
/* The RLN prover of the proving key at path, loaded once per process and
 * kept for the key last asked for (batch runs prove many). */
struct cwaku__prover;
int tool_rln_prover(struct tool_result *res, const char *path,
                    const struct cwaku__prover **out);
/* "rln vectors FILE ..." (cmd_rln_vectors.c). */
int tool_cmd_rln_vectors(struct tool_result *res, int argc, char **argv);

#endif
