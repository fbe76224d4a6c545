/* 66/WAKU2-METADATA (/vac/waku/metadata/1.0.0): each side of a connection
 * tells the other its cluster and the relay shards it serves (specs/
 * metadata.md).
 *
 * On the wire (as nwaku sends it, waku/waku_metadata/rpc.nim): one bare
 * protobuf per direction on a fresh stream, uvarint length-prefixed, at
 * most CWAKU_METADATA_MAX_BYTES (nwaku's RpcResponseMaxBytes, the most it
 * reads):
 *
 *   WakuMetadataRequest / WakuMetadataResponse {
 *     optional uint32 cluster_id = 1;
 *     repeated uint32 shards = 2;  // written unpacked (old nwaku reads so)
 *     repeated uint32 shards = 3;  // the same list packed (nwaku, go-waku)
 *   }
 *
 * Request and response have the same fields, so one codec serves both.
 *
 * The service is sans-IO, built on the connection engine's protocol
 * handlers. It keeps no timers: a driver that wants a deadline on a request
 * closes the connection (nwaku disconnects a peer whose request failed), or
 * resets the stream, when it expires; the pending request then reports
 * the error. Per-stream state is at most two frame buffers, held only while
 * the stream is being read or written, and at most
 * CWAKU_METADATA_MAX_STREAMS streams a connection each way. */
#ifndef CWAKU_WAKU_METADATA_H
#define CWAKU_WAKU_METADATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/cursor.h"
#include "p2p/connection.h"

#define CWAKU_METADATA_PROTOCOL "/vac/waku/metadata/1.0.0"
/* The largest message either side sends or reads (the length prefix not
 * counted): nwaku's readLp(RpcResponseMaxBytes). */
#define CWAKU_METADATA_MAX_BYTES 1024
/* The most shards a decoded message holds (per field). */
#define CWAKU_METADATA_MAX_SHARDS 1024
/* Shard indices are below this (the 1024-bit rsv field of 31/WAKU2-ENR). */
#define CWAKU_METADATA_SHARD_LIMIT 1024
/* Metadata streams open at once on one connection, each direction. */
#define CWAKU_METADATA_MAX_STREAMS 4

struct cwaku__metadata {
  bool has_cluster;
  uint32_t cluster;
  size_t n_shards;
  uint16_t shards[CWAKU_METADATA_MAX_SHARDS];
};

/* Appends the bare protobuf (no length prefix): field 1 when has_cluster,
 * then each shard in field 2 unpacked, then all of them packed in field 3
 * (present, empty, when there are none), byte for byte as nwaku. No size
 * limit beyond out's own. CWAKU_ESHARD for a shard >= SHARD_LIMIT,
 * CWAKU_ETOOBIG for more than MAX_SHARDS, or out's error. */
int cwaku__metadata_encode(struct cwaku__wbuf *out,
                           const struct cwaku__metadata *m) CWAKU_MUST_CHECK;

/* Decodes a bare message of any length (the framing caps it at MAX_BYTES).
 * Fields 2 and 3 are each read in both forms, packed and unpacked, entries
 * of one field concatenated in order; the shards are field 3's when it
 * holds any, else field 2's. A repeated cluster_id: the last one counts.
 * Unknown fields are skipped. CWAKU_ETRUNC when the input ends inside a
 * field; CWAKU_EMALFORMED for field 0, groups, a wrong wire type for a
 * known field, a cluster above 2^32-1 or a bad packed run; CWAKU_ESHARD for
 * a shard >= SHARD_LIMIT; CWAKU_ETOOBIG for more than MAX_SHARDS entries in
 * one field. On failure *m is empty. */
int cwaku__metadata_decode(struct cwaku__metadata *m, const uint8_t *in,
                           size_t len) CWAKU_MUST_CHECK;

/* Whether to keep a peer after its metadata answer, by nwaku's peer manager
 * (refreshPeerMetadata) and 64/WAKU2-NETWORK: 0 to keep it;
 * CWAKU_ENOTFOUND when the remote gave no cluster ("empty cluster-id
 * reported"), CWAKU_ESHARD when its cluster differs from ours; either means
 * disconnect. Shards are not compared (66/ §Using Shard Information: NOT
 * RECOMMENDED). A request that failed (err != 0 in the result callback)
 * means disconnect too in nwaku. */
int cwaku__metadata_check(uint32_t our_cluster, bool has_cluster,
                          uint32_t remote_cluster);

/* The answer to cwaku__metadata_request, reported exactly once: err 0 and
 * the remote's cluster and shards (valid during the call only), or err < 0
 * when the stream was refused (CWAKU_EUNSUPPORTED), reset, ended without a
 * whole answer (CWAKU_ETRUNC), the answer was too big (CWAKU_ETOOBIG) or
 * did not decode, or the connection ended. The callback may close the
 * connection, open streams and make requests; it must not free the
 * service. */
typedef void (*cwaku__metadata_result_fn)(struct cwaku__conn *c, int err,
                                          uint32_t remote_cluster,
                                          bool has_cluster,
                                          const uint16_t *shards,
                                          size_t n_shards, void *arg);

struct cwaku__metadata_service;

/* Our cluster and the shards to announce (nwaku: the relay shards of our
 * cluster we are subscribed to, none without relay), sent in every request
 * and response. CWAKU_ESHARD for a shard >= SHARD_LIMIT, CWAKU_ETOOBIG when
 * the message would exceed MAX_BYTES (some 200 to 340 shards, by their
 * values). on_result may be NULL. */
int cwaku__metadata_service_new(struct cwaku__metadata_service **out,
                                uint32_t cluster_id, const uint16_t *shards,
                                size_t n_shards,
                                cwaku__metadata_result_fn on_result,
                                void *arg) CWAKU_MUST_CHECK;
/* Frees the service and all stream state. Every connection that uses its
 * handler must be closed or freed first. */
void cwaku__metadata_service_free(struct cwaku__metadata_service *s);

/* Replaces the shards we announce (when relay subscriptions change); on
 * error the old ones stay. Streams already writing finish with the old. */
int cwaku__metadata_service_set_shards(struct cwaku__metadata_service *s,
                                       const uint16_t *shards,
                                       size_t n_shards) CWAKU_MUST_CHECK;

/* The responder for inbound streams, to list in the connection config: it
 * reads one length-prefixed request, answers with one length-prefixed
 * response holding our cluster and shards, and closes its side. It answers
 * whatever cluster the request names (nwaku decides on its own request);
 * a request that does not decode, or is too big, gets the stream reset. */
const struct cwaku__proto_handler *
cwaku__metadata_handler(struct cwaku__metadata_service *s);

/* Asks the remote of c (a ready connection): opens a stream, sends our
 * cluster and shards as the request, reads the response, reports it to
 * on_result, and only then closes our side (nwaku's order: writeLp, readLp,
 * closeWithEof). CWAKU_ETOOBIG when CWAKU_METADATA_MAX_STREAMS requests on
 * c are still pending; the engine's errors when the stream cannot be
 * opened. No callback follows an error return. */
int cwaku__metadata_request(struct cwaku__metadata_service *s,
                            struct cwaku__conn *c) CWAKU_MUST_CHECK;

/* Drops every stream state of c without callbacks, for a driver that frees
 * a connection it did not close first (closing ends every stream and
 * reports pending requests by itself). */
void cwaku__metadata_service_forget(struct cwaku__metadata_service *s,
                                    struct cwaku__conn *c);

#endif
