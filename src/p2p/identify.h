/* libp2p identify (identify/README.md): the message a peer sends about
 * itself on /ipfs/id/1.0.0 (on request) and /ipfs/id/push/1.0.0 (on change),
 * one length-prefixed protobuf per stream. */
#ifndef CWAKU_P2P_IDENTIFY_H
#define CWAKU_P2P_IDENTIFY_H

#include <stddef.h>
#include <stdint.h>

#include "base/cursor.h"

#define CWAKU_IDENTIFY_PROTOCOL "/ipfs/id/1.0.0"
#define CWAKU_IDENTIFY_PUSH_PROTOCOL "/ipfs/id/push/1.0.0"
/* js-libp2p refuses identify messages over 8 KiB; we accept twice that
 * from others and never send more than 8 KiB. */
#define CWAKU_IDENTIFY_MAX_RECV (16 * 1024)
#define CWAKU_IDENTIFY_MAX_SEND (8 * 1024)
#define CWAKU_IDENTIFY_MAX_PROTOCOLS 256
#define CWAKU_IDENTIFY_MAX_ADDRS 64
#define CWAKU_IDENTIFY_MAX_PROTOCOL_LEN 1024

struct cwaku__bytes {
  const uint8_t *p;
  size_t len;
};

/* What we say about ourselves. */
struct cwaku__identify_info {
  const char *protocol_version;            /* "ipfs/0.1.0" */
  const char *agent_version;               /* "cwaku/<version>" */
  struct cwaku__bytes public_key;          /* libp2p PublicKey protobuf */
  const struct cwaku__bytes *listen_addrs; /* binary multiaddrs */
  size_t n_listen_addrs;
  struct cwaku__bytes observed_addr; /* the remote's address as we see it */
  const char *const *protocols;
  size_t n_protocols;
};

/* A received message: views into storage the message owns. Absent fields
 * have len 0. */
struct cwaku__identify_msg {
  struct cwaku__bytes protocol_version;
  struct cwaku__bytes agent_version;
  struct cwaku__bytes public_key;
  struct cwaku__bytes observed_addr;
  struct cwaku__bytes signed_peer_record;
  size_t n_listen_addrs;
  struct cwaku__bytes listen_addrs[CWAKU_IDENTIFY_MAX_ADDRS];
  size_t n_protocols;
  struct cwaku__bytes protocols[CWAKU_IDENTIFY_MAX_PROTOCOLS];
  void *storage_;
};

/* Appends the length-prefixed message; CWAKU_ETOOBIG past the send cap. */
int cwaku__identify_encode(struct cwaku__wbuf *out,
                           const struct cwaku__identify_info *info);

/* Decodes one message body (without its length prefix). Refuses more than
 * CWAKU_IDENTIFY_MAX_RECV bytes, more protocols or addresses than the caps,
 * protocol ids that are empty, too long or hold a NUL (CWAKU_ETOOBIG or
 * CWAKU_EMALFORMED). On success free with cwaku__identify_msg_clear. */
int cwaku__identify_decode(struct cwaku__identify_msg *out, const uint8_t *in,
                           size_t inlen);
void cwaku__identify_msg_clear(struct cwaku__identify_msg *m);

#endif
