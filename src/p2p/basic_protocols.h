/* The small protocols every libp2p host serves: ping (/ipfs/ping/1.0.0),
 * identify (/ipfs/id/1.0.0 and push), and a test echo. Each is a
 * cwaku__proto_handler over the connection engine; per-stream state lives
 * in the service struct, bounded by the caps below. */
#ifndef CWAKU_P2P_BASIC_PROTOCOLS_H
#define CWAKU_P2P_BASIC_PROTOCOLS_H

#include "connection.h"
#include "identify.h"

#define CWAKU_PING_PROTOCOL "/ipfs/ping/1.0.0"
#define CWAKU_ECHO_PROTOCOL "/cwaku/echo/1.0.0"
#define CWAKU_PING_BYTES 32

/* Ping responder: echoes every byte (the spec's 32-byte payloads). */
void cwaku__ping_handler(struct cwaku__proto_handler *h);

/* Echo (tests): returns every byte on the same stream, and closes its side
 * once the remote closed its own and all was sent. Holds at most one
 * receive window per stream (manual flow control). */
struct cwaku__echo_streams {
  struct stream_state *head; /* private */
};
void cwaku__echo_handler(struct cwaku__proto_handler *h,
                         struct cwaku__echo_streams *streams);

/* Identify. The service answers requests with info and reads the remote's
 * answers (and pushes), reporting each to on_identified. */
struct cwaku__identify_service;
typedef void (*cwaku__identified_fn)(struct cwaku__conn *c,
                                     const struct cwaku__identify_msg *m,
                                     void *arg);
int cwaku__identify_service_new(struct cwaku__identify_service **out,
                                const struct cwaku__identify_info *info,
                                cwaku__identified_fn on_identified, void *arg);
void cwaku__identify_service_free(struct cwaku__identify_service *s);
/* The responder handlers for /ipfs/id/1.0.0 and /ipfs/id/push/1.0.0. */
const struct cwaku__proto_handler *
cwaku__identify_handler(struct cwaku__identify_service *s);
const struct cwaku__proto_handler *
cwaku__identify_push_handler(struct cwaku__identify_service *s);
/* Our listen addresses (binary multiaddrs; the caller keeps them alive),
 * sent from now on. */
void cwaku__identify_service_set_addrs(struct cwaku__identify_service *s,
                                       const struct cwaku__bytes *addrs,
                                       size_t n);
/* How the service learns the remote's address on a connection, to report
 * it back as observedAddr; returns false when unknown. */
typedef bool (*cwaku__observed_fn)(struct cwaku__bytes *out,
                                   struct cwaku__conn *c, void *arg);
void cwaku__identify_service_set_observer(struct cwaku__identify_service *s,
                                          cwaku__observed_fn fn, void *arg);
/* Asks the remote of c who it is (on a connection that just became
 * ready). */
int cwaku__identify_request(struct cwaku__identify_service *s,
                            struct cwaku__conn *c);

#endif
