/* multiaddr (multiformats/multiaddr): self-describing network addresses.
 *
 * Binary form: a sequence of components, each uvarint(protocol code) ||
 * value, where the value is fixed-size (ip4: 4 bytes, tcp/udp: u16 BE,
 * ip6: 16 bytes), empty (ws, wss, tls, noise, quic, quic-v1, p2p-circuit,
 * ...) or uvarint(length) || bytes (dns*, sni, p2p, certhash).
 * Text form: "/name/value/name/..." such as "/dns4/node.example/tcp/443/wss".
 *
 * Supported protocols: ip4, tcp, udp, dccp, ip6, dns, dns4, dns6, dnsaddr,
 * sctp, p2p (text alias "ipfs" accepted on input), tls, sni, noise, quic,
 * quic-v1, webtransport, certhash, http, https, ws, wss, p2p-circuit. Any
 * other code is CWAKU_EMULTIADDR.
 *
 * Errors: CWAKU_ETRUNC (binary ends inside a component), CWAKU_EVARINT
 * (non-minimal or over-long varint), CWAKU_EMULTIADDR (unknown protocol,
 * bad value, bad text), CWAKU_ETOOBIG (binary over
 * CWAKU_MULTIADDR_MAX_BYTES, or an output buffer too small). */
#ifndef CWAKU_MULTIADDR_H
#define CWAKU_MULTIADDR_H

#include <stddef.h>
#include <stdint.h>

#include "cwaku/error.h"

/* Largest binary multiaddr accepted or produced. */
#define CWAKU_MULTIADDR_MAX_BYTES 1024
/* Longest domain name (dns, dns4, dns6, dnsaddr, sni) value. */
#define CWAKU_MULTIADDR_MAX_NAME 255
/* Text capacity that fits any binary multiaddr, NUL included. The densest
 * expansion is a bare protocol with a two-byte code: /webtransport is 13
 * characters for 2 bytes. */
#define CWAKU_MULTIADDR_STRING_MAX (7 * CWAKU_MULTIADDR_MAX_BYTES + 1)

/* Writes the text form of bin to out (NUL-terminated). Fails with
 * CWAKU_ETOOBIG when outcap is too small. The empty multiaddr is invalid. */
CWAKU_MUST_CHECK int cwaku_multiaddr_to_string(char *out, size_t outcap,
                                               const uint8_t *bin,
                                               size_t binlen);

/* Parses text into out; *outlen holds the capacity of out on entry and the
 * binary length on return. ip6 accepts any inet_pton form; ports are
 * decimal without leading zeros. */
CWAKU_MUST_CHECK int cwaku_multiaddr_from_string(uint8_t *out, size_t *outlen,
                                                 const char *text);

/* 0 when bin is a well-formed multiaddr of supported protocols, that is
 * when cwaku_multiaddr_to_string would succeed with a large enough buffer. */
CWAKU_MUST_CHECK int cwaku_multiaddr_validate(const uint8_t *bin,
                                              size_t binlen);

#endif
