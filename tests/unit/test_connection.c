/* Two connection engines back to back in memory: multistream, Noise, the
 * muxer negotiation (yamux and mplex), streams with their own multistream,
 * and the echo, ping and identify protocols (src/p2p/connection.c,
 * basic_protocols.c). */
#include "check.h"
#include "p2p/basic_protocols.h"
#include "p2p/connection.h"

struct side {
  struct cwaku__conn *conn;
  bool ready;
  bool closed;
  int close_err;
};

static void on_ready(struct cwaku__conn *c, void *arg) {
  ((struct side *)arg)->ready = true;
}
static void on_closed(struct cwaku__conn *c, int err, void *arg) {
  struct side *s = arg;
  s->closed = true;
  s->close_err = err;
}

/* Moves bytes both ways, in chunks of at most chunk, until neither side has
 * anything to say. */
static void pump(struct side *a, struct side *b, size_t chunk) {
  for (int round = 0; round < 100000; round++) {
    bool moved = false;
    struct side *from[2] = {a, b}, *to[2] = {b, a};
    for (int i = 0; i < 2; i++) {
      if (from[i]->closed || to[i]->closed)
        continue;
      const uint8_t *p;
      size_t n;
      cwaku__conn_output(from[i]->conn, &p, &n);
      if (n == 0)
        continue;
      if (n > chunk)
        n = chunk;
      static uint8_t copy[1 << 20];
      if (n > sizeof copy)
        n = sizeof copy;
      memcpy(copy, p, n);
      cwaku__conn_output_consumed(from[i]->conn, n);
      cwaku__conn_recv(to[i]->conn, copy, n, (uint64_t)round * 1000);
      moved = true;
    }
    if (!moved)
      return;
  }
}

/* The client side of an echo stream: sends, collects, compares. */
struct echo_client {
  uint64_t stream;
  bool opened, closed, fin;
  size_t sent, got;
  uint32_t sent_sum, got_sum;
  int close_err;
};

static struct echo_client ec;
static uint8_t payload[300000];

static void ec_open(struct cwaku__conn *c, uint64_t stream, bool inbound,
                    void *ctx) {
  ec.opened = true;
  size_t accepted = 0;
  CHECK_EQ_INT(
      cwaku__conn_stream_write(c, stream, payload, sizeof payload, &accepted),
      0);
  ec.sent = accepted;
  for (size_t i = 0; i < accepted; i++)
    ec.sent_sum = ec.sent_sum * 31 + payload[i];
  if (ec.sent == sizeof payload) /* all taken at once: done writing */
    cwaku__conn_stream_close(c, stream);
}
static void ec_writable(struct cwaku__conn *c, uint64_t stream, void *ctx) {
  if (ec.sent == sizeof payload)
    return;
  size_t accepted = 0;
  cwaku__conn_stream_write(c, stream, payload + ec.sent,
                           sizeof payload - ec.sent, &accepted);
  for (size_t i = 0; i < accepted; i++)
    ec.sent_sum = ec.sent_sum * 31 + payload[ec.sent + i];
  ec.sent += accepted;
  if (ec.sent == sizeof payload)
    cwaku__conn_stream_close(c, stream);
}
static void ec_data(struct cwaku__conn *c, uint64_t stream, const uint8_t *d,
                    size_t n, void *ctx) {
  for (size_t i = 0; i < n; i++)
    ec.got_sum = ec.got_sum * 31 + d[i];
  ec.got += n;
}
static void ec_fin(struct cwaku__conn *c, uint64_t stream, void *ctx) {
  ec.fin = true;
}
static void ec_close(struct cwaku__conn *c, uint64_t stream, int err,
                     void *ctx) {
  ec.closed = true;
  ec.close_err = err;
}

static int identified;
static char identified_agent[64];
static void on_identified(struct cwaku__conn *c,
                          const struct cwaku__identify_msg *m, void *arg) {
  identified++;
  size_t n = m->agent_version.len < 63 ? m->agent_version.len : 63;
  memcpy(identified_agent, m->agent_version.p, n);
  identified_agent[n] = 0;
}

/* inline: 0 both list muxers in Noise, 1 the dialer does not, 2 the
 * listener does not (either way, multistream-select picks the muxer). */
static void run(bool mplex_only, size_t chunk, int inline_mode) {
  struct cwaku_seeded_rng rng;
  cwaku_seeded_rng_init(&rng, 5);
  cwaku_identity_key ka, kb;
  CHECK(cwaku_identity_generate(&ka, CWAKU_KEY_SECP256K1, &rng.rng));
  CHECK(cwaku_identity_generate(&kb, CWAKU_KEY_ED25519, &rng.rng));
  cwaku_identity_pubkey pb;
  CHECK(cwaku_identity_public(&pb, &kb));
  cwaku_peer_id b_id;
  cwaku_peer_id_from_pubkey(&b_id, &pb);

  struct cwaku__proto_handler ping, echo;
  struct cwaku__echo_streams echo_streams;
  cwaku__ping_handler(&ping);
  cwaku__echo_handler(&echo, &echo_streams);
  const char *const protos[] = {CWAKU_IDENTIFY_PROTOCOL, CWAKU_PING_PROTOCOL};
  struct cwaku__identify_info info = {.agent_version = "cwaku/test",
                                      .protocol_version = "ipfs/0.1.0",
                                      .protocols = protos,
                                      .n_protocols = 2};
  struct cwaku__identify_service *ids;
  CHECK_EQ_INT(cwaku__identify_service_new(&ids, &info, on_identified, NULL),
               0);
  const struct cwaku__proto_handler *served[] = {cwaku__identify_handler(ids),
                                                 &ping, &echo};

  struct side a = {0}, b = {0};
  struct cwaku__conn_config ca = {.initiator = true,
                                  .identity = &ka,
                                  .rng = &rng.rng,
                                  .expected_peer = &b_id,
                                  .handlers = served,
                                  .n_handlers = 3,
                                  .on_ready = on_ready,
                                  .on_closed = on_closed,
                                  .arg = &a};
  cwaku__muxer_config_default(&ca.muxer);
  struct cwaku__conn_config cb = ca;
  cb.initiator = false;
  cb.identity = &kb;
  cb.expected_peer = NULL;
  cb.arg = &b;
  static const char *const only_mplex[] = {"/mplex/6.7.0"};
  if (mplex_only) { /* the dialer offers mplex alone, as js-waku does */
    ca.muxers = only_mplex;
    ca.n_muxers = 1;
  }
  ca.no_inlined_muxer = inline_mode == 1;
  cb.no_inlined_muxer = inline_mode == 2;
  CHECK_EQ_INT(cwaku__conn_new(&a.conn, &ca), 0);
  CHECK_EQ_INT(cwaku__conn_new(&b.conn, &cb), 0);
  pump(&a, &b, chunk);
  CHECK(a.ready && b.ready);
  CHECK(!a.closed && !b.closed);
  if (!a.ready || !b.ready)
    return;
  CHECK(cwaku__conn_muxer_inlined(a.conn) == (inline_mode == 0));
  CHECK(cwaku__conn_muxer_inlined(b.conn) == (inline_mode == 0));
  CHECK_EQ_STR(cwaku__conn_muxer(a.conn),
               mplex_only ? "/mplex/6.7.0" : "/yamux/1.0.0");
  CHECK_EQ_STR(cwaku__conn_muxer(b.conn), cwaku__conn_muxer(a.conn));
  const cwaku_peer_id *seen = cwaku__conn_remote_peer(a.conn);
  CHECK(seen && seen->len == b_id.len &&
        memcmp(seen->data, b_id.data, b_id.len) == 0);

  /* identify */
  identified = 0;
  CHECK_EQ_INT(cwaku__identify_request(ids, a.conn), 0);
  pump(&a, &b, chunk);
  CHECK_EQ_INT(identified, 1);
  CHECK_EQ_STR(identified_agent, "cwaku/test");

  /* echo 300 kB: more than one 256 KiB window */
  memset(&ec, 0, sizeof ec);
  for (size_t i = 0; i < sizeof payload; i++)
    payload[i] = (uint8_t)(i * 13 + i / 1000);
  struct cwaku__proto_handler client = {.protocol = CWAKU_ECHO_PROTOCOL,
                                        .on_open = ec_open,
                                        .on_data = ec_data,
                                        .on_writable = ec_writable,
                                        .on_fin = ec_fin,
                                        .on_close = ec_close};
  uint64_t sid;
  CHECK_EQ_INT(cwaku__conn_open_stream(a.conn, &sid, &client), 0);
  pump(&a, &b, chunk);
  CHECK(ec.opened);
  CHECK_EQ_INT(ec.sent, sizeof payload);
  CHECK_EQ_INT(ec.got, sizeof payload);
  CHECK(ec.got_sum == ec.sent_sum);
  CHECK(ec.fin);

  /* an unknown protocol is refused */
  struct cwaku__proto_handler nope = client;
  nope.protocol = "/no/such/1.0.0";
  memset(&ec, 0, sizeof ec);
  CHECK_EQ_INT(cwaku__conn_open_stream(a.conn, &sid, &nope), 0);
  pump(&a, &b, chunk);
  CHECK(!ec.opened);
  CHECK(ec.closed);
  CHECK_EQ_INT(ec.close_err, CWAKU_EUNSUPPORTED);

  cwaku__conn_close(a.conn, 0);
  CHECK(a.closed);
  cwaku__conn_free(a.conn);
  cwaku__conn_free(b.conn);
  cwaku__identify_service_free(ids);
}

static void test_wrong_peer(void) {
  struct cwaku_seeded_rng rng;
  cwaku_seeded_rng_init(&rng, 9);
  cwaku_identity_key ka, kb, kc;
  CHECK(cwaku_identity_generate(&ka, CWAKU_KEY_SECP256K1, &rng.rng));
  CHECK(cwaku_identity_generate(&kb, CWAKU_KEY_SECP256K1, &rng.rng));
  CHECK(cwaku_identity_generate(&kc, CWAKU_KEY_SECP256K1, &rng.rng));
  cwaku_identity_pubkey pc;
  CHECK(cwaku_identity_public(&pc, &kc));
  cwaku_peer_id c_id;
  cwaku_peer_id_from_pubkey(&c_id, &pc);
  struct side a = {0}, b = {0};
  struct cwaku__conn_config ca = {.initiator = true,
                                  .identity = &ka,
                                  .rng = &rng.rng,
                                  .expected_peer = &c_id, /* not b */
                                  .on_ready = on_ready,
                                  .on_closed = on_closed,
                                  .arg = &a};
  cwaku__muxer_config_default(&ca.muxer);
  struct cwaku__conn_config cb = ca;
  cb.initiator = false;
  cb.identity = &kb;
  cb.expected_peer = NULL;
  cb.arg = &b;
  CHECK_EQ_INT(cwaku__conn_new(&a.conn, &ca), 0);
  CHECK_EQ_INT(cwaku__conn_new(&b.conn, &cb), 0);
  pump(&a, &b, 4096);
  CHECK(!a.ready);
  CHECK(a.closed && a.close_err != 0);
  cwaku__conn_free(a.conn);
  cwaku__conn_free(b.conn);
}

/* Inlined muxer choice: the initiator's first muxer both speak
 * (inlined-muxer-negotiation.md), and no common muxer fails the handshake. */
static void test_inlined_choice(const char *const *ma, size_t na,
                                const char *const *mb, size_t nb,
                                const char *want) {
  struct cwaku_seeded_rng rng;
  cwaku_seeded_rng_init(&rng, 11);
  cwaku_identity_key ka, kb;
  CHECK(cwaku_identity_generate(&ka, CWAKU_KEY_SECP256K1, &rng.rng));
  CHECK(cwaku_identity_generate(&kb, CWAKU_KEY_SECP256K1, &rng.rng));
  struct side a = {0}, b = {0};
  struct cwaku__conn_config ca = {.initiator = true,
                                  .identity = &ka,
                                  .rng = &rng.rng,
                                  .muxers = ma,
                                  .n_muxers = na,
                                  .on_ready = on_ready,
                                  .on_closed = on_closed,
                                  .arg = &a};
  cwaku__muxer_config_default(&ca.muxer);
  struct cwaku__conn_config cb = ca;
  cb.initiator = false;
  cb.identity = &kb;
  cb.muxers = mb;
  cb.n_muxers = nb;
  cb.arg = &b;
  CHECK_EQ_INT(cwaku__conn_new(&a.conn, &ca), 0);
  CHECK_EQ_INT(cwaku__conn_new(&b.conn, &cb), 0);
  pump(&a, &b, 4096);
  if (want) {
    CHECK(a.ready && b.ready);
    CHECK(cwaku__conn_muxer_inlined(a.conn) &&
          cwaku__conn_muxer_inlined(b.conn));
    CHECK_EQ_STR(cwaku__conn_muxer(a.conn), want);
    CHECK_EQ_STR(cwaku__conn_muxer(b.conn), want);
  } else {
    CHECK(!a.ready || !b.ready);
    CHECK(a.closed || b.closed);
  }
  cwaku__conn_free(a.conn);
  cwaku__conn_free(b.conn);
}

int main(void) {
  for (int mode = 0; mode < 3; mode++) {
    run(false, 1 << 20, mode);
    run(false, 7, mode); /* tiny chunks: every parser sees split input */
    run(true, 1 << 20, mode);
    run(true, 7, mode);
  }
  static const char *const ym[] = {"/yamux/1.0.0", "/mplex/6.7.0"};
  static const char *const my[] = {"/mplex/6.7.0", "/yamux/1.0.0"};
  static const char *const y[] = {"/yamux/1.0.0"};
  static const char *const m[] = {"/mplex/6.7.0"};
  test_inlined_choice(my, 2, ym, 2, "/mplex/6.7.0");
  test_inlined_choice(ym, 2, my, 2, "/yamux/1.0.0");
  test_inlined_choice(y, 1, my, 2, "/yamux/1.0.0");
  test_inlined_choice(my, 2, y, 1, "/yamux/1.0.0");
  test_inlined_choice(m, 1, y, 1, NULL);
  test_wrong_peer();
  return check_summary("connection");
}
