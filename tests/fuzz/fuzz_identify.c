/* identify: arbitrary bytes as a length-prefixed identify message must be
 * refused or decode to a message that re-encodes and decodes to the same
 * fields. */
#include <stdlib.h>
#include <string.h>

#include "p2p/identify.h"
#include "p2p/length_prefix.h"

static int same(struct cwaku__bytes a, struct cwaku__bytes b) {
  return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const uint8_t *msg;
  size_t msglen, framelen;
  if (cwaku__lp_frame(&msg, &msglen, &framelen, data, size,
                      CWAKU_IDENTIFY_MAX_RECV) != 0)
    return 0;
  if (framelen > size || msg + msglen > data + size)
    abort();
  static struct cwaku__identify_msg m, again;
  if (cwaku__identify_decode(&m, msg, msglen) != 0)
    return 0;
  /* Re-encode what was understood; strings may not be NUL-free C strings
   * here (agent and version bytes), so compare only when they are. */
  static char protos_text[CWAKU_IDENTIFY_MAX_PROTOCOLS]
                         [CWAKU_IDENTIFY_MAX_PROTOCOL_LEN + 1];
  const char *protos[CWAKU_IDENTIFY_MAX_PROTOCOLS];
  for (size_t i = 0; i < m.n_protocols; i++) {
    memcpy(protos_text[i], m.protocols[i].p, m.protocols[i].len);
    protos_text[i][m.protocols[i].len] = 0;
    protos[i] = protos_text[i];
  }
  struct cwaku__identify_info info = {
      .public_key = m.public_key,
      .listen_addrs = m.listen_addrs,
      .n_listen_addrs = m.n_listen_addrs,
      .observed_addr = m.observed_addr,
      .protocols = protos,
      .n_protocols = m.n_protocols,
  };
  struct cwaku__wbuf w;
  cwaku__wbuf_init(&w, 1 << 20);
  int r = cwaku__identify_encode(&w, &info);
  if (r == 0) {
    if (cwaku__lp_frame(&msg, &msglen, &framelen, w.p, w.len, 1 << 20) ||
        cwaku__identify_decode(&again, msg, msglen))
      abort();
    if (again.n_protocols != m.n_protocols ||
        again.n_listen_addrs != m.n_listen_addrs ||
        !same(again.public_key, m.public_key) ||
        !same(again.observed_addr, m.observed_addr))
      abort();
    for (size_t i = 0; i < m.n_protocols; i++)
      if (!same(again.protocols[i], m.protocols[i]))
        abort();
    for (size_t i = 0; i < m.n_listen_addrs; i++)
      if (!same(again.listen_addrs[i], m.listen_addrs[i]))
        abort();
    cwaku__identify_msg_clear(&again);
  } else if (r != CWAKU_ETOOBIG) {
    abort();
  }
  cwaku__wbuf_clear(&w);
  cwaku__identify_msg_clear(&m);
  return 0;
}
