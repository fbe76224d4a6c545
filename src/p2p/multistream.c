#include "p2p/multistream.h"

#include <string.h>

#define MSS_ID_LEN (sizeof CWAKU__MSS_PROTOCOL_ID - 1)

static bool text_is(const uint8_t *t, size_t n, const char *s, size_t slen) {
  return n == slen && (n == 0 || memcmp(t, s, n) == 0);
}

/* The protocol ids we send must be ones a peer accepts and cannot confuse
 * with the protocol's own words. */
static bool protocol_ok(const char *p) {
  if (p == NULL)
    return false;
  size_t n = strnlen(p, CWAKU__MSS_MAX_MESSAGE);
  if (n == 0 || n > CWAKU__MSS_MAX_MESSAGE - 1)
    return false;
  if (memchr(p, '\n', n) != NULL)
    return false;
  const uint8_t *t = (const uint8_t *)p;
  return !text_is(t, n, "na", 2) && !text_is(t, n, "ls", 2) &&
         !text_is(t, n, CWAKU__MSS_PROTOCOL_ID, MSS_ID_LEN);
}

static void init(struct cwaku__mss *m, enum cwaku__mss_role role,
                 const char *const *protocols, size_t n) {
  memset(m, 0, sizeof *m);
  m->protocols = protocols;
  m->nprotocols = n;
  m->role = role;
  m->state = CWAKU__MSS_NEGOTIATING;
  m->selected = -1;
}

void cwaku__mss_init_initiator(struct cwaku__mss *m,
                               const char *const *protocols, size_t n) {
  init(m, CWAKU__MSS_INITIATOR, protocols, n);
}

void cwaku__mss_init_responder(struct cwaku__mss *m,
                               const char *const *protocols, size_t n) {
  init(m, CWAKU__MSS_RESPONDER, protocols, n);
}

static int fail(struct cwaku__mss *m, int err) {
  m->state = CWAKU__MSS_FAILED;
  m->selected = -1;
  m->err = err;
  return err;
}

/* libp2p connections §multistream-select: "Messages are sent encoded as
 * UTF-8 byte strings, and they are always followed by a \n newline
 * character. Each message is also prefixed with its length in bytes
 * (including the newline), encoded as an unsigned variable-length integer". */
static void put_msg(struct cwaku__wbuf *out, const char *text, size_t n) {
  cwaku__wbuf_uvarint(out, (uint64_t)n + 1);
  cwaku__wbuf_put(out, text, n);
  cwaku__wbuf_u8(out, '\n');
}

/* multistream-select §Listing, as go-multistream and js-libp2p write it: one
 * message whose text is, for each protocol, uvarint(len + 1) || protocol ||
 * '\n'; the message's own newline ends the list. */
static void put_ls(const struct cwaku__mss *m, struct cwaku__wbuf *out) {
  uint64_t body = 0;
  for (size_t i = 0; i < m->nprotocols; i++) {
    size_t n = strlen(m->protocols[i]);
    body += cwaku__uvarint_len((uint64_t)n + 1) + n + 1;
  }
  cwaku__wbuf_uvarint(out, body + 1);
  for (size_t i = 0; i < m->nprotocols; i++) {
    const char *p = m->protocols[i];
    put_msg(out, p, strlen(p));
  }
  cwaku__wbuf_u8(out, '\n');
}

int cwaku__mss_start(struct cwaku__mss *m, struct cwaku__wbuf *out) {
  if (m->started)
    return CWAKU_EINVAL;
  m->started = true;
  if (m->nprotocols > INT32_MAX ||
      (m->role == CWAKU__MSS_INITIATOR && m->nprotocols == 0) ||
      (m->nprotocols > 0 && m->protocols == NULL))
    return fail(m, CWAKU_EINVAL);
  for (size_t i = 0; i < m->nprotocols; i++)
    if (!protocol_ok(m->protocols[i]))
      return fail(m, CWAKU_EINVAL);
  /* libp2p connections §multistream-select: "both peers will send the
   * multistream protocol id ... Both sides may send the initial multistream
   * protocol id simultaneously, without waiting to receive data from the
   * other side." */
  put_msg(out, CWAKU__MSS_PROTOCOL_ID, MSS_ID_LEN);
  switch (m->role) {
  case CWAKU__MSS_INITIATOR:
    /* js-libp2p and nim-libp2p send the first proposal with the header. */
    put_msg(out, m->protocols[0], strlen(m->protocols[0]));
    break;
  case CWAKU__MSS_RESPONDER:
    break;
  }
  if (cwaku__wbuf_err(out))
    return fail(m, cwaku__wbuf_err(out));
  return 0;
}

static int on_initiator_msg(struct cwaku__mss *m, struct cwaku__wbuf *out,
                            const uint8_t *t, size_t n) {
  const char *want = m->protocols[m->proposing];
  /* libp2p connections §multistream-select: "If the Responder supports that
   * protocol, it will respond by echoing back the protocol id, which signals
   * agreement." */
  if (text_is(t, n, want, strlen(want))) {
    m->selected = (int)m->proposing;
    m->state = CWAKU__MSS_SELECTED;
    return 0;
  }
  /* "If a peer receives a "na" response to a proposed protocol id, they can
   * either try again with a different protocol id or close the channel." */
  if (text_is(t, n, "na", 2)) {
    m->proposing++;
    if (m->proposing >= m->nprotocols)
      return CWAKU_EUNSUPPORTED;
    const char *next = m->protocols[m->proposing];
    put_msg(out, next, strlen(next));
    return cwaku__wbuf_err(out);
  }
  /* Neither the echo nor "na": go-multistream rejects such a response too. */
  return CWAKU_EMALFORMED;
}

static int on_responder_msg(struct cwaku__mss *m, struct cwaku__wbuf *out,
                            const uint8_t *t, size_t n) {
  if (m->answered >= CWAKU__MSS_MAX_PROPOSALS)
    return CWAKU_ETOOBIG;
  m->answered++;
  if (text_is(t, n, "ls", 2)) {
    put_ls(m, out);
    return cwaku__wbuf_err(out);
  }
  for (size_t i = 0; i < m->nprotocols; i++) {
    const char *p = m->protocols[i];
    if (text_is(t, n, p, strlen(p))) {
      put_msg(out, p, strlen(p));
      if (cwaku__wbuf_err(out))
        return cwaku__wbuf_err(out);
      m->selected = (int)i;
      m->state = CWAKU__MSS_SELECTED;
      return 0;
    }
  }
  /* "If the protocol is not supported, the Responder will respond with the
   * string "na"". A repeated header lands here too, as in nim-libp2p. */
  put_msg(out, "na", 2);
  return cwaku__wbuf_err(out);
}

/* One complete message, length prefix removed. */
static int on_msg(struct cwaku__mss *m, struct cwaku__wbuf *out,
                  const uint8_t *msg, size_t len) {
  /* Every message ends in '\n', counted in its length. */
  if (len == 0 || msg[len - 1] != '\n')
    return CWAKU_EMALFORMED;
  size_t n = len - 1;
  /* libp2p connections §multistream-select: "If either side receives
   * anything other than the multistream protocol id as the first message,
   * they abort the negotiation process." */
  if (!m->got_header) {
    if (!text_is(msg, n, CWAKU__MSS_PROTOCOL_ID, MSS_ID_LEN))
      return CWAKU_EMALFORMED;
    m->got_header = true;
    return 0;
  }
  switch (m->role) {
  case CWAKU__MSS_INITIATOR:
    return on_initiator_msg(m, out, msg, n);
  case CWAKU__MSS_RESPONDER:
    return on_responder_msg(m, out, msg, n);
  }
  return CWAKU_EINVAL;
}

/* Takes bytes from c toward the current message; handles it when complete. */
static int feed(struct cwaku__mss *m, struct cwaku__wbuf *out,
                struct cwaku__rcur *c) {
  if (m->msg_len == 0) {
    uint8_t b = cwaku__rcur_u8(c);
    if (cwaku__rcur_err(c))
      return cwaku__rcur_err(c);
    m->len_bytes[m->len_have++] = b;
    if (b & 0x80) {
      /* A third byte would mean a length of at least 2^14. */
      return m->len_have == sizeof m->len_bytes ? CWAKU_ETOOBIG : 0;
    }
    struct cwaku__rcur lc;
    cwaku__rcur_init(&lc, m->len_bytes, m->len_have);
    m->len_have = 0;
    uint64_t v = cwaku__rcur_uvarint(&lc); /* minimal encodings only */
    if (cwaku__rcur_err(&lc))
      return cwaku__rcur_err(&lc);
    if (v == 0)
      return CWAKU_EMALFORMED; /* not even room for the newline */
    if (v > CWAKU__MSS_MAX_MESSAGE)
      return CWAKU_ETOOBIG;
    m->msg_len = (uint16_t)v;
    m->msg_have = 0;
    return 0;
  }
  size_t want = (size_t)(m->msg_len - m->msg_have);
  size_t left = cwaku__rcur_left(c);
  size_t take = want < left ? want : left;
  const uint8_t *p = cwaku__rcur_take(c, take);
  if (cwaku__rcur_err(c))
    return cwaku__rcur_err(c);
  memcpy(m->msg + m->msg_have, p, take);
  m->msg_have = (uint16_t)(m->msg_have + take);
  if (m->msg_have < m->msg_len)
    return 0;
  size_t len = m->msg_len;
  m->msg_len = 0;
  m->msg_have = 0;
  return on_msg(m, out, m->msg, len);
}

int cwaku__mss_recv(struct cwaku__mss *m, struct cwaku__wbuf *out,
                    const uint8_t *in, size_t inlen, size_t *consumed) {
  *consumed = 0;
  if (!m->started)
    return CWAKU_EINVAL;
  switch (m->state) {
  case CWAKU__MSS_NEGOTIATING:
    break;
  case CWAKU__MSS_SELECTED:
    return 0;
  case CWAKU__MSS_FAILED:
    return m->err;
  }
  struct cwaku__rcur c;
  cwaku__rcur_init(&c, in, inlen);
  int err = 0;
  while (err == 0 && m->state == CWAKU__MSS_NEGOTIATING &&
         cwaku__rcur_left(&c) > 0)
    err = feed(m, out, &c);
  *consumed = inlen - cwaku__rcur_left(&c);
  if (err)
    return fail(m, err);
  return 0;
}
