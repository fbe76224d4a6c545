/* cwaku-tool zk setup, rln prove, rln verify: Groth16 on the RLN v2
 * circuit (src/zk); rln vectors is in cmd_rln_vectors.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cwaku/env.h"
#include "tool.h"
#include "zk/groth16.h"
#include "zk/prover.h"
#include "zk/rln_circuit.h"
#include "zk/setup.h"

static int write_file(const char *path, const void *p, size_t n) {
  FILE *f = fopen(path, "wb");
  if (!f)
    return CWAKU_EIO;
  int ok = fwrite(p, 1, n, f) == n;
  ok = fclose(f) == 0 && ok;
  return ok ? 0 : CWAKU_EIO;
}

static char *read_file(const char *path, size_t *len, size_t max) {
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
  if (!f)
    return NULL;
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap + 1);
  while (buf) {
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (n < cap)
      break;
    if (cap >= max) {
      free(buf);
      buf = NULL;
      break;
    }
    cap *= 2;
    char *nb = realloc(buf, cap + 1);
    if (!nb) {
      free(buf);
      buf = NULL;
    }
    buf = nb;
  }
  if (f != stdin)
    fclose(f);
  if (buf) {
    buf[n] = 0;
    *len = n;
  }
  return buf;
}

/* --- zk setup ------------------------------------------------------------ */

static int zk_setup(struct tool_result *res, int argc, char **argv) {
  const char *out_zkey = NULL, *out_vk = NULL;
  for (int i = 2; i < argc; i++) {
    const char *v = NULL;
    if (strcmp(argv[i], "--out-zkey") == 0)
      v = out_zkey = tool_next_value(&i, argc, argv);
    else if (strcmp(argv[i], "--out-vk") == 0)
      v = out_vk = tool_next_value(&i, argc, argv);
    else
      return tool_fail(res, CWAKU_EINVAL, "unknown option '%s'", argv[i]);
    if (!v)
      return tool_fail(res, CWAKU_EINVAL, "%s needs a value", argv[i]);
  }
  if (!out_zkey || !out_vk)
    return tool_fail(res, CWAKU_EINVAL,
                     "zk setup needs --out-zkey and "
                     "--out-vk");
  struct cwaku__r1cs r1cs;
  int r = cwaku__rln_r1cs(&r1cs);
  if (r)
    return tool_fail(res, r, "building the RLN circuit failed");
  uint8_t *zkey = NULL;
  size_t zkey_len = 0;
  char *vk = NULL;
  r = cwaku__groth16_setup(&zkey, &zkey_len, &vk, &r1cs, cwaku_rng_system());
  size_t n_cons = r1cs.n, n_wires = r1cs.n_wires;
  cwaku__r1cs_free(&r1cs);
  if (r)
    return tool_fail(res, r, "setup failed");
  if ((r = write_file(out_zkey, zkey, zkey_len)) ||
      (r = write_file(out_vk, vk, strlen(vk))))
    tool_fail(res, r, "cannot write the keys");
  free(zkey);
  free(vk);
  if (r)
    return r;
  res->json = json_pack(
      "{s:s, s:s, s:s, s:I, s:I, s:I, s:s}", "circuit", "RLN(20, 16)", "zkey",
      out_zkey, "vk", out_vk, "wires", (json_int_t)n_wires, "constraints",
      (json_int_t)n_cons, "zkey_bytes", (json_int_t)zkey_len, "warning",
      "single-party development setup: whoever ran it can forge proofs; "
      "for private clusters and tests only");
  return 0;
}

int tool_cmd_zk(struct tool_result *res, int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "setup") == 0)
    return zk_setup(res, argc, argv);
  return tool_fail(res, CWAKU_EINVAL,
                   "usage: zk setup --out-zkey PATH "
                   "--out-vk PATH");
}

/* --- rln prove ----------------------------------------------------------- */

static json_t *dec_fp(const cwaku_fp *a) {
  char s[CWAKU_FIELD_DEC_MAX];
  cwaku__fp_to_dec(s, a);
  return json_string(s);
}

static json_t *dec_fr(const cwaku_fr *a) {
  char s[CWAKU_FIELD_DEC_MAX];
  cwaku__fr_to_dec(s, a);
  return json_string(s);
}

/* snarkjs' JSON proof form */
static json_t *proof_json(const cwaku_groth16_proof *p) {
  return json_pack(
      "{s:[oos], s:[[oo][oo][ss]], s:[oos], s:s, s:s}", "pi_a", dec_fp(&p->a.x),
      dec_fp(&p->a.y), "1", "pi_b", dec_fp(&p->b.x.c0), dec_fp(&p->b.x.c1),
      dec_fp(&p->b.y.c0), dec_fp(&p->b.y.c1), "1", "0", "pi_c", dec_fp(&p->c.x),
      dec_fp(&p->c.y), "1", "protocol", "groth16", "curve", "bn128");
}

/* One prover per process, for the key last used (batch runs prove many). */
static struct cwaku__prover prover;
static char prover_path[4096];

int tool_rln_prover(struct tool_result *res, const char *path,
                    const struct cwaku__prover **out) {
  *out = &prover;
  if (prover_path[0] && strcmp(prover_path, path) == 0)
    return 0;
  if (prover_path[0])
    cwaku__prover_clear(&prover);
  prover_path[0] = 0;
  struct cwaku__zkey z;
  int r = cwaku__zkey_load(&z, path);
  if (r)
    return tool_fail(res, r, "cannot read the proving key %s", path);
  if (z.n_vars != CWAKU_RLN_WIRES || z.n_public != CWAKU_RLN_PUBLIC) {
    cwaku__zkey_free(&z);
    return tool_fail(res, CWAKU_EINVAL, "%s is not an RLN(20, 16) key", path);
  }
  r = cwaku__prover_init(&prover, &z);
  cwaku__zkey_free(&z);
  if (r)
    return tool_fail(res, r, "bad proving key %s", path);
  snprintf(prover_path, sizeof prover_path, "%s", path);
  return 0;
}

static int rln_prove(struct tool_result *res, int argc, char **argv) {
  const char *zkey = NULL, *inputs = NULL;
  for (int i = 2; i < argc; i++) {
    const char *v = NULL;
    if (strcmp(argv[i], "--zkey") == 0)
      v = zkey = tool_next_value(&i, argc, argv);
    else if (strcmp(argv[i], "--inputs") == 0)
      v = inputs = tool_next_value(&i, argc, argv);
    else
      return tool_fail(res, CWAKU_EINVAL, "unknown option '%s'", argv[i]);
    if (!v)
      return tool_fail(res, CWAKU_EINVAL, "%s needs a value", argv[i]);
  }
  if (!zkey || !inputs)
    return tool_fail(res, CWAKU_EINVAL,
                     "rln prove needs --zkey PATH and --inputs JSON");
  const struct cwaku__prover *pp;
  int r = tool_rln_prover(res, zkey, &pp);
  if (r)
    return r;
  /* --inputs takes the JSON text itself, or @FILE */
  json_error_t jerr;
  json_t *ci = inputs[0] == '@' ? json_load_file(inputs + 1, 0, &jerr)
                                : json_loads(inputs, 0, &jerr);
  struct cwaku__rln_inputs in;
  if (!ci || !cwaku__rln_inputs_from_json(&in, ci)) {
    json_decref(ci);
    return tool_fail(res, CWAKU_EINVAL,
                     "--inputs: the circuit's input object is expected "
                     "(identitySecret, userMessageLimit, messageId, "
                     "pathElements[20], identityPathIndex[20], x, "
                     "externalNullifier)");
  }
  json_decref(ci);
  cwaku_fr *w = malloc(CWAKU_RLN_WIRES * sizeof *w);
  if (!w)
    return tool_fail(res, CWAKU_ENOMEM, "out of memory");
  r = cwaku__rln_witness(w, &in);
  cwaku_groth16_proof p;
  if (!r)
    r = cwaku__prover_prove(&p.a, &p.b, &p.c, pp, w, cwaku_rng_system());
  if (r) {
    free(w);
    return tool_fail(res, r,
                     r == CWAKU_EINVAL ? "the inputs admit no witness "
                                         "(message id, limit or path bits)"
                                       : "proving failed");
  }
  uint8_t ark[CWAKU_GROTH16_PROOF_BYTES];
  cwaku__groth16_proof_to_bytes(ark, &p);
  json_t *pub = json_array();
  for (int i = 1; i <= CWAKU_RLN_PUBLIC; i++)
    json_array_append_new(pub, dec_fr(&w[i]));
  free(w);
  res->json = json_pack("{s:o, s:o, s:o}", "proof_ark_hex",
                        tool_json_hex(ark, sizeof ark), "proof_snarkjs",
                        proof_json(&p), "public_signals", pub);
  return res->json ? 0 : tool_fail(res, CWAKU_ENOMEM, "out of memory");
}

/* --- rln verify ---------------------------------------------------------- */

static cwaku_groth16_pvk pvk; /* large: not on the stack */

static int rln_verify(struct tool_result *res, int argc, char **argv) {
  const char *vk_path = NULL, *proof = NULL, *public = NULL;
  for (int i = 2; i < argc; i++) {
    const char *v = NULL;
    if (strcmp(argv[i], "--vk") == 0)
      v = vk_path = tool_next_value(&i, argc, argv);
    else if (strcmp(argv[i], "--proof") == 0)
      v = proof = tool_next_value(&i, argc, argv);
    else if (strcmp(argv[i], "--public") == 0)
      v = public = tool_next_value(&i, argc, argv);
    else
      return tool_fail(res, CWAKU_EINVAL, "unknown option '%s'", argv[i]);
    if (!v)
      return tool_fail(res, CWAKU_EINVAL, "%s needs a value", argv[i]);
  }
  if (!vk_path || !proof || !public)
    return tool_fail(res, CWAKU_EINVAL,
                     "rln verify needs --vk PATH --proof HEX|JSON "
                     "--public JSON");
  size_t len;
  char *text = read_file(vk_path, &len, CWAKU_GROTH16_JSON_MAX);
  cwaku_groth16_vk vk;
  int ok = text && cwaku__groth16_vk_from_snarkjs(&vk, text, len);
  free(text);
  if (!ok || !cwaku__groth16_prepare(&pvk, &vk))
    return tool_fail(res, CWAKU_EMALFORMED,
                     "cannot read the verification "
                     "key %s",
                     vk_path);
  /* a proof is 256 hex digits (arkworks) or a snarkjs JSON object */
  cwaku_groth16_proof p;
  const char *why = NULL;
  if (proof[0] == '{') {
    if (!cwaku__groth16_proof_from_snarkjs(&p, proof, strlen(proof)))
      why = "the snarkjs proof does not decode";
  } else {
    uint8_t *b = NULL;
    size_t n = 0;
    int r = tool_parse_hex(res, &b, &n, "--proof", proof);
    if (r)
      return r;
    if (!cwaku__groth16_proof_from_bytes(&p, b, n))
      why = "the arkworks proof does not decode (length, flags, a point "
            "off the curve or outside its group)";
    free(b);
  }
  cwaku_fr pub[CWAKU_GROTH16_MAX_PUBLIC];
  size_t np = 0;
  if (!why && !cwaku__groth16_public_from_snarkjs(
                  pub, &np, CWAKU_GROTH16_MAX_PUBLIC, public, strlen(public)))
    why = "--public: a JSON array of decimal field elements below r is "
          "expected";
  if (!why && np != vk.n_public)
    why = "the number of public signals differs from the key's";
  int valid = !why && cwaku__groth16_verify(&pvk, &p, pub, np);
  res->json = json_pack("{s:b}", "valid", valid);
  if (why)
    json_object_set_new(res->json, "reason", json_string(why));
  return 0;
}

int tool_cmd_rln(struct tool_result *res, int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "prove") == 0)
    return rln_prove(res, argc, argv);
  if (argc >= 2 && strcmp(argv[1], "verify") == 0)
    return rln_verify(res, argc, argv);
  if (argc >= 2 && strcmp(argv[1], "vectors") == 0)
    return tool_cmd_rln_vectors(res, argc, argv);
  return tool_fail(res, CWAKU_EINVAL,
                   "usage: rln prove --zkey PATH --inputs JSON|@FILE | rln "
                   "verify --vk PATH --proof HEX|JSON --public JSON | rln "
                   "vectors FILE [--vk PATH] [--zkey PATH]");
}
