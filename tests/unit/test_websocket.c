/* The WebSocket opening handshake (src/net/websocket_handshake.c). */
#include "check.h"
#include "net/websocket_handshake.h"

#define KEY "dGhlIHNhbXBsZSBub25jZQ=="

static int parse_req(const char *text, char key[25]) {
  return cwaku__ws_parse_request(key, (const uint8_t *)text, strlen(text));
}

static void test_accept(void) {
  /* RFC 6455 §1.3 example */
  char accept[CWAKU_WS_ACCEPT_CHARS + 1];
  cwaku__ws_accept(accept, KEY);
  CHECK_EQ_STR(accept, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

static void test_request(void) {
  char key[25];
  const char *ok = "GET /chat HTTP/1.1\r\n"
                   "Host: server.example.com\r\n"
                   "Upgrade: websocket\r\n"
                   "Connection: keep-alive, Upgrade\r\n"
                   "Sec-WebSocket-Key: " KEY "\r\n"
                   "Origin: http://example.com\r\n"
                   "Sec-WebSocket-Version: 13\r\n\r\n";
  CHECK_EQ_INT(cwaku__ws_header_end((const uint8_t *)ok, strlen(ok)),
               (long)strlen(ok));
  CHECK_EQ_INT(cwaku__ws_header_end((const uint8_t *)ok, strlen(ok) - 1),
               CWAKU_ETRUNC);
  CHECK_EQ_INT(parse_req(ok, key), 0);
  CHECK_EQ_STR(key, KEY);
  /* header names and tokens in any case */
  CHECK_EQ_INT(parse_req("GET / HTTP/1.1\r\nupgrade: WebSocket\r\n"
                         "CONNECTION: upgrade\r\nsec-websocket-key: " KEY
                         "\r\nSec-WebSocket-Version: 13\r\n\r\n",
                         key),
               0);
  const char *bad[] = {
      /* POST */
      "POST / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: " KEY "\r\nSec-WebSocket-Version: 13\r\n\r\n",
      /* HTTP/1.0 */
      "GET / HTTP/1.0\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: " KEY "\r\nSec-WebSocket-Version: 13\r\n\r\n",
      /* no Upgrade */
      "GET / HTTP/1.1\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: " KEY "\r\nSec-WebSocket-Version: 13\r\n\r\n",
      /* version 8 */
      "GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: " KEY "\r\nSec-WebSocket-Version: 8\r\n\r\n",
      /* a key of 15 bytes */
      "GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ\r\n"
      "Sec-WebSocket-Version: 13\r\n\r\n",
      /* two keys */
      "GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: " KEY "\r\nSec-WebSocket-Key: " KEY
      "\r\nSec-WebSocket-Version: 13\r\n\r\n",
      /* a line without a colon, and bare LF line ends */
      "GET / HTTP/1.1\r\nUpgrade websocket\r\n\r\n",
      "GET / HTTP/1.1\nUpgrade: websocket\n\n",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    CHECK_EQ_INT(parse_req(bad[i], key), CWAKU_EMALFORMED);
  /* no end of headers within the limit */
  static uint8_t big[CWAKU_WS_HANDSHAKE_MAX + 10];
  memset(big, 'a', sizeof big);
  CHECK_EQ_INT(cwaku__ws_header_end(big, sizeof big), CWAKU_ETOOBIG);
}

static void test_roundtrip(void) {
  struct cwaku__wbuf w;
  cwaku__wbuf_init(&w, 4096);
  cwaku__ws_write_request(&w, "127.0.0.1:8000", "/", KEY);
  char key[25];
  CHECK_EQ_INT(cwaku__ws_parse_request(key, w.p, w.len), 0);
  CHECK_EQ_STR(key, KEY);
  cwaku__wbuf_reset(&w);
  cwaku__ws_write_response(&w, KEY);
  CHECK_EQ_INT(cwaku__ws_header_end(w.p, w.len), (long)w.len);
  CHECK_EQ_INT(cwaku__ws_parse_response(w.p, w.len, KEY), 0);
  /* the accept value must be for our key */
  CHECK_EQ_INT(cwaku__ws_parse_response(w.p, w.len, "AAAAAAAAAAAAAAAAAAAAAA=="),
               CWAKU_EMALFORMED);
  const char *not101 = "HTTP/1.1 200 OK\r\nUpgrade: websocket\r\n"
                       "Connection: Upgrade\r\n"
                       "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
                       "\r\n";
  CHECK_EQ_INT(
      cwaku__ws_parse_response((const uint8_t *)not101, strlen(not101), KEY),
      CWAKU_EMALFORMED);
  cwaku__wbuf_clear(&w);
}

int main(void) {
  test_accept();
  test_request();
  test_roundtrip();
  return check_summary("websocket");
}
