#include "identify.h"

#include <stdlib.h>
#include <string.h>

#include "identify.pb-c.h"
#include "length_prefix.h"

static ProtobufCBinaryData bin(const void *p, size_t len) {
  ProtobufCBinaryData b = {len, (uint8_t *)p};
  return b;
}

int cwaku__identify_encode(struct cwaku__wbuf *out,
                           const struct cwaku__identify_info *info) {
  if (info->n_protocols > CWAKU_IDENTIFY_MAX_PROTOCOLS ||
      info->n_listen_addrs > CWAKU_IDENTIFY_MAX_ADDRS)
    return CWAKU_ETOOBIG;
  ProtobufCBinaryData protos[CWAKU_IDENTIFY_MAX_PROTOCOLS];
  ProtobufCBinaryData addrs[CWAKU_IDENTIFY_MAX_ADDRS];
  Libp2p__Identify m = LIBP2P__IDENTIFY__INIT;
  if (info->protocol_version) {
    m.has_protocolversion = 1;
    m.protocolversion =
        bin(info->protocol_version, strlen(info->protocol_version));
  }
  if (info->agent_version) {
    m.has_agentversion = 1;
    m.agentversion = bin(info->agent_version, strlen(info->agent_version));
  }
  if (info->public_key.len) {
    m.has_publickey = 1;
    m.publickey = bin(info->public_key.p, info->public_key.len);
  }
  if (info->observed_addr.len) {
    m.has_observedaddr = 1;
    m.observedaddr = bin(info->observed_addr.p, info->observed_addr.len);
  }
  for (size_t i = 0; i < info->n_listen_addrs; i++)
    addrs[i] = bin(info->listen_addrs[i].p, info->listen_addrs[i].len);
  m.n_listenaddrs = info->n_listen_addrs;
  m.listenaddrs = addrs;
  for (size_t i = 0; i < info->n_protocols; i++)
    protos[i] = bin(info->protocols[i], strlen(info->protocols[i]));
  m.n_protocols = info->n_protocols;
  m.protocols = protos;

  size_t n = libp2p__identify__get_packed_size(&m);
  if (n > CWAKU_IDENTIFY_MAX_SEND)
    return CWAKU_ETOOBIG;
  uint8_t *buf = malloc(n ? n : 1);
  if (!buf)
    return CWAKU_ENOMEM;
  libp2p__identify__pack(&m, buf);
  cwaku__lp_write(out, buf, n);
  free(buf);
  return cwaku__wbuf_err(out);
}

static struct cwaku__bytes view(const ProtobufCBinaryData *b, int has) {
  struct cwaku__bytes v = {has ? b->data : NULL, has ? b->len : 0};
  return v;
}

static int protocol_ok(const ProtobufCBinaryData *b) {
  return b->len > 0 && b->len <= CWAKU_IDENTIFY_MAX_PROTOCOL_LEN &&
         memchr(b->data, 0, b->len) == NULL;
}

int cwaku__identify_decode(struct cwaku__identify_msg *out, const uint8_t *in,
                           size_t inlen) {
  memset(out, 0, sizeof *out);
  if (inlen > CWAKU_IDENTIFY_MAX_RECV)
    return CWAKU_ETOOBIG;
  Libp2p__Identify *m = libp2p__identify__unpack(NULL, inlen, in);
  if (!m)
    return CWAKU_EMALFORMED;
  int r = 0;
  if (m->n_protocols > CWAKU_IDENTIFY_MAX_PROTOCOLS ||
      m->n_listenaddrs > CWAKU_IDENTIFY_MAX_ADDRS)
    r = CWAKU_ETOOBIG;
  for (size_t i = 0; !r && i < m->n_protocols; i++)
    if (!protocol_ok(&m->protocols[i]))
      r = CWAKU_EMALFORMED;
  if (r) {
    libp2p__identify__free_unpacked(m, NULL);
    return r;
  }
  out->storage_ = m;
  out->protocol_version = view(&m->protocolversion, m->has_protocolversion);
  out->agent_version = view(&m->agentversion, m->has_agentversion);
  out->public_key = view(&m->publickey, m->has_publickey);
  out->observed_addr = view(&m->observedaddr, m->has_observedaddr);
  out->signed_peer_record = view(&m->signedpeerrecord, m->has_signedpeerrecord);
  out->n_listen_addrs = m->n_listenaddrs;
  for (size_t i = 0; i < m->n_listenaddrs; i++)
    out->listen_addrs[i] = view(&m->listenaddrs[i], 1);
  out->n_protocols = m->n_protocols;
  for (size_t i = 0; i < m->n_protocols; i++)
    out->protocols[i] = view(&m->protocols[i], 1);
  return 0;
}

void cwaku__identify_msg_clear(struct cwaku__identify_msg *m) {
  if (m->storage_)
    libp2p__identify__free_unpacked(m->storage_, NULL);
  memset(m, 0, sizeof *m);
}
