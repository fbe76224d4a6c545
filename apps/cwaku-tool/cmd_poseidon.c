/* poseidon IN1 [IN2 ...]: circomlib's Poseidon of 1 to 8 field elements,
 * given and printed as canonical decimals (below r):
 * {"arity": N, "output": "DECIMAL"}. */
#include <string.h>

#include "tool.h"
#include "zk/poseidon.h"

int tool_cmd_poseidon(struct tool_result *res, int argc, char **argv) {
  cwaku_fr in[CWAKU_POSEIDON_MAX_INPUTS], out;
  char dec[CWAKU_FIELD_DEC_MAX];
  int n = argc - 1;
  if (n < 1 || n > CWAKU_POSEIDON_MAX_INPUTS)
    return tool_fail(res, CWAKU_EINVAL, "poseidon takes 1 to %d inputs, got %d",
                     CWAKU_POSEIDON_MAX_INPUTS, n);
  for (int i = 0; i < n; i++)
    if (!cwaku__fr_from_dec(&in[i], argv[i + 1], strlen(argv[i + 1])))
      return tool_fail(res, CWAKU_EINVAL,
                       "input %d is not a canonical decimal below r", i + 1);
  if (!cwaku__poseidon(&out, in, (size_t)n))
    return tool_fail(res, CWAKU_EINVAL, "bad arity");
  cwaku__fr_to_dec(dec, &out);
  res->json = json_pack("{s:i,s:s}", "arity", n, "output", dec);
  return res->json ? 0 : tool_fail(res, CWAKU_ENOMEM, "out of memory");
}
