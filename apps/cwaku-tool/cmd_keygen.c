/* keygen: a secp256k1 node key and the libp2p peer id it gives. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "cwaku/key.h"
#include "cwaku/peer_id.h"
#include "tool.h"

int tool_cmd_keygen(struct tool_result *res, int argc, char **argv) {
  const char *nodekey_hex = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--nodekey") == 0) {
      if (!(nodekey_hex = tool_next_value(&i, argc, argv)))
        return tool_fail(res, CWAKU_EINVAL, "--nodekey needs a value");
    } else {
      return tool_fail(res, CWAKU_EINVAL, "unknown option '%s'", argv[i]);
    }
  }
  cwaku_seckey sk;
  if (nodekey_hex) {
    int r = tool_parse_nodekey(res, &sk, nodekey_hex);
    if (r)
      return r;
  } else {
    const struct cwaku_rng *rng = cwaku_rng_system();
    if (!rng || !cwaku_seckey_generate(&sk, rng))
      return tool_fail(res, CWAKU_ECRYPTO, "cannot generate a key");
  }
  cwaku_pubkey pk;
  cwaku_peer_id id;
  char id_text[CWAKU_PEER_ID_STRING_MAX];
  int ok = cwaku_pubkey_from_seckey(&pk, &sk);
  if (ok) {
    cwaku_peer_id_from_secp256k1(&id, &pk);
    ok = cwaku_peer_id_to_string(id_text, sizeof id_text, &id) == 0;
  }
  if (ok)
    res->json =
        json_pack("{s:o,s:o,s:s}", "private_key",
                  tool_json_hex(sk.data, sizeof sk.data), "public_key",
                  tool_json_hex(pk.data, sizeof pk.data), "peer_id", id_text);
  sodium_memzero(&sk, sizeof sk);
  if (!ok)
    return tool_fail(res, CWAKU_EKEY, "invalid key");
  return res->json ? 0 : tool_fail(res, CWAKU_ENOMEM, "out of memory");
}
