#include "websocket_handshake.h"

#include <nettle/sha1.h>
#include <sodium.h>
#include <string.h>
#include <strings.h>

/* RFC 6455 §1.3: the GUID appended to the key before hashing. */
static const char ws_guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

long cwaku__ws_header_end(const uint8_t *buf, size_t len) {
  size_t n = len < CWAKU_WS_HANDSHAKE_MAX ? len : CWAKU_WS_HANDSHAKE_MAX;
  for (size_t i = 3; i < n; i++)
    if (buf[i - 3] == '\r' && buf[i - 2] == '\n' && buf[i - 1] == '\r' &&
        buf[i] == '\n')
      return (long)(i + 1);
  return len >= CWAKU_WS_HANDSHAKE_MAX ? CWAKU_ETOOBIG : CWAKU_ETRUNC;
}

/* One header line "Name: value" split out of [p, p + n). */
struct header {
  const char *name;
  size_t name_len;
  const char *value;
  size_t value_len;
};

static int split_header(struct header *h, const char *p, size_t n) {
  const char *colon = memchr(p, ':', n);
  if (!colon || colon == p)
    return CWAKU_EMALFORMED;
  h->name = p;
  h->name_len = (size_t)(colon - p);
  const char *v = colon + 1, *end = p + n;
  while (v < end && (*v == ' ' || *v == '\t'))
    v++;
  while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
    end--;
  h->value = v;
  h->value_len = (size_t)(end - v);
  return 0;
}

static int name_is(const struct header *h, const char *name) {
  return h->name_len == strlen(name) &&
         strncasecmp(h->name, name, h->name_len) == 0;
}

/* Whether a comma-separated header value holds token (any case). */
static int has_token(const struct header *h, const char *token) {
  size_t tl = strlen(token);
  const char *p = h->value, *end = h->value + h->value_len;
  while (p < end) {
    while (p < end && (*p == ' ' || *p == ','))
      p++;
    const char *q = p;
    while (q < end && *q != ',')
      q++;
    const char *e = q;
    while (e > p && e[-1] == ' ')
      e--;
    if ((size_t)(e - p) == tl && strncasecmp(p, token, tl) == 0)
      return 1;
    p = q;
  }
  return 0;
}

/* Walks the lines after the first; calls fn for each header. */
typedef void (*header_fn)(const struct header *h, void *arg);

static int walk_headers(const char **first, size_t *first_len,
                        const uint8_t *head, size_t len, header_fn fn,
                        void *arg) {
  const char *p = (const char *)head, *end = p + len;
  int line = 0;
  while (p < end) {
    const char *eol = NULL;
    for (const char *q = p; q + 1 < end; q++)
      if (q[0] == '\r' && q[1] == '\n') {
        eol = q;
        break;
      }
    if (!eol)
      return CWAKU_EMALFORMED;
    size_t n = (size_t)(eol - p);
    if (memchr(p, 0, n))
      return CWAKU_EMALFORMED;
    if (line == 0) {
      *first = p;
      *first_len = n;
    } else if (n == 0) {
      return 0; /* the blank line ends the header block */
    } else {
      struct header h;
      if (split_header(&h, p, n))
        return CWAKU_EMALFORMED;
      fn(&h, arg);
    }
    line++;
    p = eol + 2;
  }
  return CWAKU_EMALFORMED;
}

struct request_seen {
  int upgrade, connection, version, key;
  char key_text[CWAKU_WS_KEY_CHARS + 1];
};

static void request_header(const struct header *h, void *arg) {
  struct request_seen *s = arg;
  if (name_is(h, "Upgrade"))
    s->upgrade |= has_token(h, "websocket");
  else if (name_is(h, "Connection"))
    s->connection |= has_token(h, "Upgrade");
  else if (name_is(h, "Sec-WebSocket-Version"))
    s->version |= h->value_len == 2 && memcmp(h->value, "13", 2) == 0;
  else if (name_is(h, "Sec-WebSocket-Key")) {
    uint8_t raw[20];
    size_t rawlen;
    /* §4.2.1: "a base64-encoded value that, when decoded, is 16 bytes" */
    if (h->value_len == CWAKU_WS_KEY_CHARS &&
        sodium_base642bin(raw, sizeof raw, h->value, h->value_len, NULL,
                          &rawlen, NULL, sodium_base64_VARIANT_ORIGINAL) == 0 &&
        rawlen == 16) {
      memcpy(s->key_text, h->value, CWAKU_WS_KEY_CHARS);
      s->key_text[CWAKU_WS_KEY_CHARS] = 0;
      s->key++;
    } else {
      s->key = 99; /* present but invalid */
    }
  }
}

int cwaku__ws_parse_request(char key[CWAKU_WS_KEY_CHARS + 1],
                            const uint8_t *head, size_t len) {
  struct request_seen s;
  memset(&s, 0, sizeof s);
  const char *first = NULL;
  size_t first_len = 0;
  int r = walk_headers(&first, &first_len, head, len, request_header, &s);
  if (r)
    return r;
  /* §4.1: "The method of the request MUST be GET, and the HTTP version
   * MUST be at least 1.1." */
  if (first_len < 14 || memcmp(first, "GET ", 4) != 0 ||
      memcmp(first + first_len - 9, " HTTP/1.1", 9) != 0)
    return CWAKU_EMALFORMED;
  if (!s.upgrade || !s.connection || !s.version || s.key != 1)
    return CWAKU_EMALFORMED;
  memcpy(key, s.key_text, CWAKU_WS_KEY_CHARS + 1);
  return 0;
}

void cwaku__ws_accept(char out[CWAKU_WS_ACCEPT_CHARS + 1], const char *key) {
  struct sha1_ctx ctx;
  uint8_t digest[SHA1_DIGEST_SIZE];
  sha1_init(&ctx);
  sha1_update(&ctx, strlen(key), (const uint8_t *)key);
  sha1_update(&ctx, sizeof ws_guid - 1, (const uint8_t *)ws_guid);
  sha1_digest(&ctx, sizeof digest, digest);
  sodium_bin2base64(out, CWAKU_WS_ACCEPT_CHARS + 1, digest, sizeof digest,
                    sodium_base64_VARIANT_ORIGINAL);
}

static void put_str(struct cwaku__wbuf *out, const char *s) {
  cwaku__wbuf_put(out, s, strlen(s));
}

void cwaku__ws_write_response(struct cwaku__wbuf *out, const char *key) {
  char accept[CWAKU_WS_ACCEPT_CHARS + 1];
  cwaku__ws_accept(accept, key);
  put_str(out, "HTTP/1.1 101 Switching Protocols\r\n"
               "Upgrade: websocket\r\n"
               "Connection: Upgrade\r\n"
               "Sec-WebSocket-Accept: ");
  put_str(out, accept);
  put_str(out, "\r\n\r\n");
}

void cwaku__ws_write_request(struct cwaku__wbuf *out, const char *host,
                             const char *path, const char *key) {
  put_str(out, "GET ");
  put_str(out, path);
  put_str(out, " HTTP/1.1\r\nHost: ");
  put_str(out, host);
  put_str(out, "\r\nUpgrade: websocket\r\n"
               "Connection: Upgrade\r\n"
               "Sec-WebSocket-Version: 13\r\n"
               "Sec-WebSocket-Key: ");
  put_str(out, key);
  put_str(out, "\r\n\r\n");
}

struct response_seen {
  int upgrade, connection, accept;
  char want[CWAKU_WS_ACCEPT_CHARS + 1];
};

static void response_header(const struct header *h, void *arg) {
  struct response_seen *s = arg;
  if (name_is(h, "Upgrade"))
    s->upgrade |= has_token(h, "websocket");
  else if (name_is(h, "Connection"))
    s->connection |= has_token(h, "Upgrade");
  else if (name_is(h, "Sec-WebSocket-Accept"))
    s->accept |= h->value_len == CWAKU_WS_ACCEPT_CHARS &&
                 memcmp(h->value, s->want, CWAKU_WS_ACCEPT_CHARS) == 0;
}

int cwaku__ws_parse_response(const uint8_t *head, size_t len, const char *key) {
  struct response_seen s;
  memset(&s, 0, sizeof s);
  cwaku__ws_accept(s.want, key);
  const char *first = NULL;
  size_t first_len = 0;
  int r = walk_headers(&first, &first_len, head, len, response_header, &s);
  if (r)
    return r;
  /* §4.2.2 / §4.1: the status line is "HTTP/1.1 101 ..." */
  if (first_len < 12 || memcmp(first, "HTTP/1.1 101", 12) != 0)
    return CWAKU_EMALFORMED;
  if (!s.upgrade || !s.connection || !s.accept)
    return CWAKU_EMALFORMED;
  return 0;
}
