/* The HTTP/1.1 opening handshake of RFC 6455 §4, as pure functions over
 * bytes: parse a request or a response, write either. */
#ifndef CWAKU_NET_WEBSOCKET_HANDSHAKE_H
#define CWAKU_NET_WEBSOCKET_HANDSHAKE_H

#include <stddef.h>
#include <stdint.h>

#include "base/cursor.h"

/* The most header bytes we read before giving up on a handshake. */
#define CWAKU_WS_HANDSHAKE_MAX 8192
/* Sec-WebSocket-Key: base64 of 16 bytes. */
#define CWAKU_WS_KEY_CHARS 24
/* Sec-WebSocket-Accept: base64 of a 20-byte SHA-1. */
#define CWAKU_WS_ACCEPT_CHARS 28

/* Length of the header block (through the blank line) at the start of buf;
 * CWAKU_ETRUNC when it is not complete yet, CWAKU_ETOOBIG when none is
 * found within CWAKU_WS_HANDSHAKE_MAX bytes. Returns the length >= 0. */
long cwaku__ws_header_end(const uint8_t *buf, size_t len);

/* Checks a client's opening handshake (RFC 6455 §4.2.1): GET, HTTP/1.1,
 * Upgrade: websocket, Connection: Upgrade, Sec-WebSocket-Version: 13 and a
 * 16-byte Sec-WebSocket-Key, which is copied out with its NUL. */
int cwaku__ws_parse_request(char key[CWAKU_WS_KEY_CHARS + 1],
                            const uint8_t *head, size_t len);

/* The Sec-WebSocket-Accept value for a key (RFC 6455 §4.2.2). */
void cwaku__ws_accept(char out[CWAKU_WS_ACCEPT_CHARS + 1], const char *key);

/* Writes the 101 response for a key. */
void cwaku__ws_write_response(struct cwaku__wbuf *out, const char *key);

/* Writes a client request for host and path with the given key. */
void cwaku__ws_write_request(struct cwaku__wbuf *out, const char *host,
                             const char *path, const char *key);

/* Checks a server's 101 response against the key we sent. */
int cwaku__ws_parse_response(const uint8_t *head, size_t len, const char *key);

#endif
