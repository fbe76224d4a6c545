/* multiaddr binary <-> text (multiformats/multiaddr, protocols.csv). */
#include "cwaku/multiaddr.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/cursor.h"
#include "cwaku/encoding.h"
#include "cwaku/peer_id.h"

/* How a protocol's value is laid out in binary and written in text. */
enum ma_kind {
  MA_NONE,     /* no value */
  MA_IP4,      /* 4 bytes, dotted quad */
  MA_IP6,      /* 16 bytes, inet_ntop text */
  MA_PORT,     /* u16 BE, decimal */
  MA_NAME,     /* uvarint length || name */
  MA_PEER,     /* uvarint length || multihash, base58btc */
  MA_CERTHASH, /* uvarint length || multihash, multibase base64url ("u") */
};

struct ma_proto {
  uint16_t code;
  const char *name;
  enum ma_kind kind;
};

/* multiformats/multiaddr protocols.csv (code, size, name). */
static const struct ma_proto ma_protos[] = {
    {4, "ip4", MA_IP4},
    {6, "tcp", MA_PORT},
    {33, "dccp", MA_PORT},
    {41, "ip6", MA_IP6},
    {53, "dns", MA_NAME},
    {54, "dns4", MA_NAME},
    {55, "dns6", MA_NAME},
    {56, "dnsaddr", MA_NAME},
    {132, "sctp", MA_PORT},
    {273, "udp", MA_PORT},
    {290, "p2p-circuit", MA_NONE},
    {421, "p2p", MA_PEER},
    {443, "https", MA_NONE},
    {448, "tls", MA_NONE},
    {449, "sni", MA_NAME},
    {454, "noise", MA_NONE},
    {460, "quic", MA_NONE},
    {461, "quic-v1", MA_NONE},
    {465, "webtransport", MA_NONE},
    {466, "certhash", MA_CERTHASH},
    {477, "ws", MA_NONE},
    {478, "wss", MA_NONE},
    {480, "http", MA_NONE},
};

#define MA_NPROTOS (sizeof ma_protos / sizeof ma_protos[0])
#define MULTIHASH_IDENTITY 0x00
#define MULTIHASH_SHA2_256 0x12
/* A certhash is a multihash of a certificate digest; 128 bytes is ample. */
#define MA_CERTHASH_MAX 128
/* Longest value token in text (a certhash in base64url is the longest). */
#define MA_TOKEN_MAX 512

static const struct ma_proto *proto_by_code(uint64_t code) {
  for (size_t i = 0; i < MA_NPROTOS; i++)
    if (ma_protos[i].code == code)
      return &ma_protos[i];
  return NULL;
}

static const struct ma_proto *proto_by_name(const char *name, size_t n) {
  /* protocols.csv: "ipfs" is the backwards-compatible name of p2p. */
  if (n == 4 && memcmp(name, "ipfs", 4) == 0)
    return proto_by_code(421);
  for (size_t i = 0; i < MA_NPROTOS; i++)
    if (strlen(ma_protos[i].name) == n &&
        memcmp(ma_protos[i].name, name, n) == 0)
      return &ma_protos[i];
  return NULL;
}

/* Names travel as text between slashes: printable ASCII without '/' so the
 * text form parses back to the same bytes. */
static bool name_ok(const uint8_t *p, size_t n) {
  if (n == 0 || n > CWAKU_MULTIADDR_MAX_NAME)
    return false;
  for (size_t i = 0; i < n; i++)
    if (p[i] < 0x21 || p[i] > 0x7e || p[i] == '/')
      return false;
  return true;
}

/* The peer id rules of cwaku_peer_id_from_string: an identity multihash of
 * at most 42 bytes or a sha2-256 multihash, minimal varints, exact length. */
static bool peer_multihash_ok(const uint8_t *p, size_t n) {
  struct cwaku__rcur c;
  cwaku__rcur_init(&c, p, n);
  uint64_t code = cwaku__rcur_uvarint(&c);
  uint64_t dlen = cwaku__rcur_uvarint(&c);
  if (cwaku__rcur_err(&c) || dlen != cwaku__rcur_left(&c))
    return false;
  if (code == MULTIHASH_IDENTITY)
    return dlen <= 42;
  if (code == MULTIHASH_SHA2_256)
    return dlen == 32;
  return false;
}

/* One component read from the binary form. */
struct ma_component {
  const struct ma_proto *proto;
  const uint8_t *val;
  size_t len;
};

/* Reads one component; failures are recorded in the cursor. */
static void read_component(struct cwaku__rcur *c, struct ma_component *out) {
  out->proto = NULL;
  out->val = NULL;
  out->len = 0;
  uint64_t code = cwaku__rcur_uvarint(c);
  if (cwaku__rcur_err(c))
    return;
  const struct ma_proto *pr = proto_by_code(code);
  if (!pr) {
    cwaku__rcur_fail(c, CWAKU_EMULTIADDR);
    return;
  }
  out->proto = pr;
  size_t n = 0;
  uint64_t max = 0;
  switch (pr->kind) {
  case MA_NONE:
    return;
  case MA_IP4:
    n = 4;
    break;
  case MA_IP6:
    n = 16;
    break;
  case MA_PORT:
    n = 2;
    break;
  case MA_NAME:
    max = CWAKU_MULTIADDR_MAX_NAME;
    break;
  case MA_PEER:
    max = CWAKU_PEER_ID_MAX_BYTES;
    break;
  case MA_CERTHASH:
    max = MA_CERTHASH_MAX;
    break;
  }
  if (max) {
    uint64_t len = cwaku__rcur_uvarint(c);
    if (cwaku__rcur_err(c))
      return;
    if (len == 0 || len > max) {
      cwaku__rcur_fail(c, CWAKU_EMULTIADDR);
      return;
    }
    n = (size_t)len;
  }
  out->val = cwaku__rcur_take(c, n);
  if (!out->val)
    return;
  out->len = n;
  bool ok = true;
  if (pr->kind == MA_NAME)
    ok = name_ok(out->val, n);
  else if (pr->kind == MA_PEER)
    ok = peer_multihash_ok(out->val, n);
  if (!ok)
    cwaku__rcur_fail(c, CWAKU_EMULTIADDR);
}

static int check_bin_len(size_t binlen) {
  if (binlen == 0)
    return CWAKU_EMULTIADDR;
  if (binlen > CWAKU_MULTIADDR_MAX_BYTES)
    return CWAKU_ETOOBIG;
  return 0;
}

int cwaku_multiaddr_validate(const uint8_t *bin, size_t binlen) {
  int r = check_bin_len(binlen);
  if (r)
    return r;
  struct cwaku__rcur c;
  cwaku__rcur_init(&c, bin, binlen);
  while (cwaku__rcur_left(&c) > 0) {
    struct ma_component comp;
    read_component(&c, &comp);
  }
  return cwaku__rcur_err(&c);
}

/* A capped text writer; err is sticky. */
struct text_out {
  char *p;
  size_t cap; /* including the NUL */
  size_t len;
  int err;
};

static void text_put(struct text_out *t, const char *s, size_t n) {
  if (t->err)
    return;
  if (n >= t->cap - t->len) {
    t->err = CWAKU_ETOOBIG;
    return;
  }
  memcpy(t->p + t->len, s, n);
  t->len += n;
  t->p[t->len] = 0;
}

static void text_puts(struct text_out *t, const char *s) {
  text_put(t, s, strlen(s));
}

static void text_value(struct text_out *t, const struct ma_component *comp) {
  char buf[MA_TOKEN_MAX];
  size_t n = sizeof buf;
  switch (comp->proto->kind) {
  case MA_NONE:
    return;
  case MA_IP4:
    if (!inet_ntop(AF_INET, comp->val, buf, sizeof buf))
      t->err = CWAKU_EMULTIADDR;
    break;
  case MA_IP6:
    if (!inet_ntop(AF_INET6, comp->val, buf, sizeof buf))
      t->err = CWAKU_EMULTIADDR;
    break;
  case MA_PORT:
    snprintf(buf, sizeof buf, "%u",
             (unsigned)((comp->val[0] << 8) | comp->val[1]));
    break;
  case MA_NAME:
    text_puts(t, "/");
    text_put(t, (const char *)comp->val, comp->len);
    return;
  case MA_PEER:
    if (cwaku_base58btc_encode(buf, &n, comp->val, comp->len))
      t->err = CWAKU_EMULTIADDR;
    break;
  case MA_CERTHASH:
    /* multibase: 'u' is base64url without padding. */
    buf[0] = 'u';
    n = sizeof buf - 1;
    if (cwaku_base64url_encode(buf + 1, &n, comp->val, comp->len))
      t->err = CWAKU_EMULTIADDR;
    break;
  }
  if (t->err)
    return;
  text_puts(t, "/");
  text_puts(t, buf);
}

int cwaku_multiaddr_to_string(char *out, size_t outcap, const uint8_t *bin,
                              size_t binlen) {
  if (outcap == 0)
    return CWAKU_ETOOBIG;
  out[0] = 0;
  int r = check_bin_len(binlen);
  if (r)
    return r;
  struct text_out t = {out, outcap, 0, 0};
  struct cwaku__rcur c;
  cwaku__rcur_init(&c, bin, binlen);
  while (cwaku__rcur_left(&c) > 0 && !t.err) {
    struct ma_component comp;
    read_component(&c, &comp);
    if (cwaku__rcur_err(&c))
      break;
    text_puts(&t, "/");
    text_puts(&t, comp.proto->name);
    text_value(&t, &comp);
  }
  r = cwaku__rcur_err(&c) ? cwaku__rcur_err(&c) : t.err;
  if (r)
    out[0] = 0;
  return r;
}

/* A capped binary writer over the caller's buffer; err is sticky. */
struct bin_out {
  uint8_t *p;
  size_t cap;
  size_t len;
  int err;
};

static void bin_put(struct bin_out *b, const void *data, size_t n) {
  if (b->err)
    return;
  if (n > b->cap - b->len) {
    b->err = CWAKU_ETOOBIG;
    return;
  }
  memcpy(b->p + b->len, data, n);
  b->len += n;
}

static void bin_uvarint(struct bin_out *b, uint64_t v) {
  uint8_t buf[10];
  bin_put(b, buf, cwaku__uvarint_encode(buf, v));
}

/* Decimal 0..65535 without sign or leading zeros. */
static bool parse_port(uint16_t *out, const char *s) {
  size_t n = strlen(s);
  if (n == 0 || n > 5 || (n > 1 && s[0] == '0'))
    return false;
  unsigned v = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return false;
    v = v * 10 + (unsigned)(s[i] - '0');
  }
  if (v > 65535)
    return false;
  *out = (uint16_t)v;
  return true;
}

static int parse_value(struct bin_out *b, const struct ma_proto *pr,
                       const char *tok) {
  uint8_t addr[16];
  uint8_t raw[MA_CERTHASH_MAX];
  size_t n = strlen(tok);
  switch (pr->kind) {
  case MA_NONE:
    return 0;
  case MA_IP4:
    if (inet_pton(AF_INET, tok, addr) != 1)
      return CWAKU_EMULTIADDR;
    bin_put(b, addr, 4);
    return 0;
  case MA_IP6:
    if (inet_pton(AF_INET6, tok, addr) != 1)
      return CWAKU_EMULTIADDR;
    bin_put(b, addr, 16);
    return 0;
  case MA_PORT: {
    uint16_t port;
    if (!parse_port(&port, tok))
      return CWAKU_EMULTIADDR;
    uint8_t be[2] = {(uint8_t)(port >> 8), (uint8_t)port};
    bin_put(b, be, 2);
    return 0;
  }
  case MA_NAME:
    if (!name_ok((const uint8_t *)tok, n))
      return CWAKU_EMULTIADDR;
    bin_uvarint(b, n);
    bin_put(b, tok, n);
    return 0;
  case MA_PEER: {
    cwaku_peer_id id;
    if (cwaku_peer_id_from_string(&id, tok))
      return CWAKU_EMULTIADDR;
    bin_uvarint(b, id.len);
    bin_put(b, id.data, id.len);
    return 0;
  }
  case MA_CERTHASH: {
    size_t rawlen = sizeof raw;
    if (tok[0] != 'u' || cwaku_base64url_decode(raw, &rawlen, tok + 1, n - 1) ||
        rawlen == 0)
      return CWAKU_EMULTIADDR;
    bin_uvarint(b, rawlen);
    bin_put(b, raw, rawlen);
    return 0;
  }
  }
  return CWAKU_EMULTIADDR;
}

/* Copies the next '/'-delimited token of *s into tok (NUL-terminated) and
 * moves *s to the following '/' or the end. Empty tokens are refused. */
static bool next_token(char tok[MA_TOKEN_MAX], const char **s) {
  if (**s != '/')
    return false;
  const char *start = *s + 1;
  const char *end = strchr(start, '/');
  size_t n = end ? (size_t)(end - start) : strlen(start);
  if (n == 0 || n >= MA_TOKEN_MAX)
    return false;
  memcpy(tok, start, n);
  tok[n] = 0;
  *s = start + n;
  return true;
}

int cwaku_multiaddr_from_string(uint8_t *out, size_t *outlen,
                                const char *text) {
  size_t cap = *outlen;
  *outlen = 0;
  if (cap > CWAKU_MULTIADDR_MAX_BYTES)
    cap = CWAKU_MULTIADDR_MAX_BYTES;
  struct bin_out b = {out, cap, 0, 0};
  const char *s = text;
  char tok[MA_TOKEN_MAX];
  if (*s == 0)
    return CWAKU_EMULTIADDR;
  while (*s) {
    if (!next_token(tok, &s))
      return CWAKU_EMULTIADDR;
    const struct ma_proto *pr = proto_by_name(tok, strlen(tok));
    if (!pr)
      return CWAKU_EMULTIADDR;
    bin_uvarint(&b, pr->code);
    if (pr->kind != MA_NONE) {
      if (!next_token(tok, &s))
        return CWAKU_EMULTIADDR;
      int r = parse_value(&b, pr, tok);
      if (r)
        return r;
    }
    if (b.err)
      return b.err;
  }
  *outlen = b.len;
  return 0;
}
