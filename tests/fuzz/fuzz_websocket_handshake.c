/* The WebSocket opening handshake parsers on arbitrary bytes: no crash, and
 * an accepted request yields a 24-character key whose response parses. */
#include <stdlib.h>
#include <string.h>

#include "net/websocket_handshake.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  long end = cwaku__ws_header_end(data, size);
  if (end < 0)
    return 0;
  if ((size_t)end > size)
    abort();
  char key[CWAKU_WS_KEY_CHARS + 1];
  if (cwaku__ws_parse_request(key, data, (size_t)end) == 0) {
    if (strlen(key) != CWAKU_WS_KEY_CHARS)
      abort();
    struct cwaku__wbuf w;
    cwaku__wbuf_init(&w, 4096);
    cwaku__ws_write_response(&w, key);
    if (cwaku__ws_parse_response(w.p, w.len, key) != 0)
      abort();
    cwaku__wbuf_clear(&w);
  }
  (void)cwaku__ws_parse_response(data, (size_t)end, "dGhlIHNhbXBsZSBub25jZQ==");
  return 0;
}
