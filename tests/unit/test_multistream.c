/* multistream-select 1.0: exact bytes, full negotiations fed whole and byte
 * by byte, and every rejection rule. */
#include "check.h"

#include "p2p/multistream.h"

#define HEADER_HEX "132f6d756c746973747265616d2f312e302e300a"
#define NA_HEX "036e610a"
#define LS_HEX "036c730a"
#define NOISE_HEX "072f6e6f6973650a"             /* "/noise\n" */
#define YAMUX_HEX "0d2f79616d75782f312e302e300a" /* "/yamux/1.0.0\n" */
#define TLS_HEX "0b2f746c732f312e302e300a"       /* "/tls/1.0.0\n" */

static uint8_t buf[4096];

/* The bytes of a hex literal (spaces allowed) in a static buffer. */
static size_t unhex(const char *hex) {
  char clean[8192];
  size_t k = 0;
  for (const char *p = hex; *p; p++)
    if (*p != ' ' && k + 1 < sizeof clean)
      clean[k++] = *p;
  clean[k] = 0;
  return check_unhex(buf, sizeof buf, clean);
}

static int out_is(const struct cwaku__wbuf *w, const char *hex) {
  size_t n = unhex(hex);
  if (w->len != n || (n && memcmp(w->p, buf, n) != 0)) {
    fprintf(stderr, "output (%zu bytes):", w->len);
    for (size_t i = 0; i < w->len; i++)
      fprintf(stderr, " %02x", w->p[i]);
    fprintf(stderr, "\nexpected %s\n", hex);
    return 0;
  }
  return 1;
}

/* Feeds hex to m; returns recv's result, *consumed through used. */
static int feed_hex(struct cwaku__mss *m, struct cwaku__wbuf *out,
                    const char *hex, size_t *used) {
  size_t n = unhex(hex);
  size_t dummy;
  return cwaku__mss_recv(m, out, buf, n, used ? used : &dummy);
}

/* Delivers everything in from->p[*off..] to m, `chunk` bytes at a time
 * (0: all at once); stops when m stops consuming. */
static int deliver(struct cwaku__mss *m, struct cwaku__wbuf *out,
                   const struct cwaku__wbuf *from, size_t *off, size_t chunk) {
  while (*off < from->len) {
    size_t n = from->len - *off;
    if (chunk && n > chunk)
      n = chunk;
    size_t used = 0;
    int r = cwaku__mss_recv(m, out, from->p + *off, n, &used);
    if (used > n)
      return -1000;
    *off += used;
    if (r)
      return r;
    if (used < n)
      break;
  }
  return 0;
}

/* Runs initiator and responder against each other until neither makes
 * progress. *_out accumulate everything each side sent. */
static void run_pair(struct cwaku__mss *a, struct cwaku__mss *b,
                     struct cwaku__wbuf *a_out, struct cwaku__wbuf *b_out,
                     size_t chunk, int *ra, int *rb) {
  size_t a_off = 0, b_off = 0; /* how much of a_out b has read, and so on */
  *ra = cwaku__mss_start(a, a_out);
  *rb = cwaku__mss_start(b, b_out);
  for (int round = 0; round < 100; round++) {
    size_t before = a_off + b_off + a_out->len + b_out->len;
    int r1 = deliver(b, b_out, a_out, &a_off, chunk);
    int r2 = deliver(a, a_out, b_out, &b_off, chunk);
    if (r1)
      *rb = r1;
    if (r2)
      *ra = r2;
    if (a_off + b_off + a_out->len + b_out->len == before)
      break;
  }
}

static void test_header_bytes(void) {
  static const char *const protos[] = {"/noise"};
  struct cwaku__mss m;
  struct cwaku__wbuf w;
  cwaku__wbuf_init(&w, 4096);
  cwaku__mss_init_responder(&m, protos, 1);
  CHECK_EQ_INT(cwaku__mss_start(&m, &w), 0);
  CHECK(out_is(&w, "13 2f 6d 75 6c 74 69 73 74 72 65 61 6d 2f 31 2e 30 2e 30 "
                   "0a"));
  CHECK_EQ_INT(cwaku__mss_state(&m), CWAKU__MSS_NEGOTIATING);
  CHECK_EQ_INT(cwaku__mss_selected(&m), -1);
  /* Once only. */
  CHECK_EQ_INT(cwaku__mss_start(&m, &w), CWAKU_EINVAL);
  cwaku__wbuf_clear(&w);

  /* The initiator's first proposal goes out with the header. */
  cwaku__mss_init_initiator(&m, protos, 1);
  CHECK_EQ_INT(cwaku__mss_start(&m, &w), 0);
  CHECK(out_is(&w, HEADER_HEX NOISE_HEX));
  cwaku__wbuf_clear(&w);
}

static void test_select_first(size_t chunk) {
  static const char *const mine[] = {"/noise"};
  static const char *const theirs[] = {"/tls/1.0.0", "/noise"};
  struct cwaku__mss a, b;
  struct cwaku__wbuf ao, bo;
  int ra, rb;
  cwaku__wbuf_init(&ao, 4096);
  cwaku__wbuf_init(&bo, 4096);
  cwaku__mss_init_initiator(&a, mine, 1);
  cwaku__mss_init_responder(&b, theirs, 2);
  run_pair(&a, &b, &ao, &bo, chunk, &ra, &rb);
  CHECK_EQ_INT(ra, 0);
  CHECK_EQ_INT(rb, 0);
  CHECK_EQ_INT(cwaku__mss_state(&a), CWAKU__MSS_SELECTED);
  CHECK_EQ_INT(cwaku__mss_state(&b), CWAKU__MSS_SELECTED);
  CHECK_EQ_INT(cwaku__mss_selected(&a), 0);
  CHECK_EQ_INT(cwaku__mss_selected(&b), 1);
  CHECK_EQ_INT(cwaku__mss_error(&a), 0);
  CHECK(out_is(&ao, HEADER_HEX NOISE_HEX));
  CHECK(out_is(&bo, HEADER_HEX NOISE_HEX));
  cwaku__wbuf_clear(&ao);
  cwaku__wbuf_clear(&bo);
}

/* libp2p connections §Upgrading Connections: TLS refused with na, then
 * Noise accepted. */
static void test_na_then_fallback(size_t chunk) {
  static const char *const mine[] = {"/tls/1.0.0", "/noise"};
  static const char *const theirs[] = {"/noise", "/yamux/1.0.0"};
  struct cwaku__mss a, b;
  struct cwaku__wbuf ao, bo;
  int ra, rb;
  cwaku__wbuf_init(&ao, 4096);
  cwaku__wbuf_init(&bo, 4096);
  cwaku__mss_init_initiator(&a, mine, 2);
  cwaku__mss_init_responder(&b, theirs, 2);
  run_pair(&a, &b, &ao, &bo, chunk, &ra, &rb);
  CHECK_EQ_INT(ra, 0);
  CHECK_EQ_INT(rb, 0);
  CHECK_EQ_INT(cwaku__mss_state(&a), CWAKU__MSS_SELECTED);
  CHECK_EQ_INT(cwaku__mss_state(&b), CWAKU__MSS_SELECTED);
  CHECK_EQ_INT(cwaku__mss_selected(&a), 1);
  CHECK_EQ_INT(cwaku__mss_selected(&b), 0);
  CHECK(out_is(&ao, HEADER_HEX TLS_HEX NOISE_HEX));
  CHECK(out_is(&bo, HEADER_HEX NA_HEX NOISE_HEX));
  cwaku__wbuf_clear(&ao);
  cwaku__wbuf_clear(&bo);
}

static void test_no_common(size_t chunk) {
  static const char *const mine[] = {"/tls/1.0.0", "/noise"};
  static const char *const theirs[] = {"/yamux/1.0.0"};
  struct cwaku__mss a, b;
  struct cwaku__wbuf ao, bo;
  int ra, rb;
  cwaku__wbuf_init(&ao, 4096);
  cwaku__wbuf_init(&bo, 4096);
  cwaku__mss_init_initiator(&a, mine, 2);
  cwaku__mss_init_responder(&b, theirs, 1);
  run_pair(&a, &b, &ao, &bo, chunk, &ra, &rb);
  CHECK_EQ_INT(ra, CWAKU_EUNSUPPORTED);
  CHECK_EQ_INT(rb, 0);
  CHECK_EQ_INT(cwaku__mss_state(&a), CWAKU__MSS_FAILED);
  CHECK_EQ_INT(cwaku__mss_error(&a), CWAKU_EUNSUPPORTED);
  CHECK_EQ_INT(cwaku__mss_selected(&a), -1);
  /* The responder waits for more proposals (the initiator closes). */
  CHECK_EQ_INT(cwaku__mss_state(&b), CWAKU__MSS_NEGOTIATING);
  CHECK(out_is(&ao, HEADER_HEX TLS_HEX NOISE_HEX));
  CHECK(out_is(&bo, HEADER_HEX NA_HEX NA_HEX));
  /* After failing, nothing is consumed and the reason stays. */
  size_t used = 99;
  CHECK_EQ_INT(feed_hex(&a, &ao, NA_HEX, &used), CWAKU_EUNSUPPORTED);
  CHECK_EQ_INT(used, 0);
  cwaku__wbuf_clear(&ao);
  cwaku__wbuf_clear(&bo);
}

static void test_ls(void) {
  static const char *const theirs[] = {"/noise", "/yamux/1.0.0"};
  struct cwaku__mss b;
  struct cwaku__wbuf bo;
  size_t used;
  cwaku__wbuf_init(&bo, 4096);
  cwaku__mss_init_responder(&b, theirs, 2);
  CHECK_EQ_INT(cwaku__mss_start(&b, &bo), 0);
  CHECK_EQ_INT(feed_hex(&b, &bo, HEADER_HEX LS_HEX, &used), 0);
  CHECK_EQ_INT(used, 24);
  /* One message: 7+1 + 13+1 bytes of entries, + the newline = 23 (0x17). */
  CHECK(out_is(&bo, HEADER_HEX "17" NOISE_HEX YAMUX_HEX "0a"));
  CHECK_EQ_INT(cwaku__mss_state(&b), CWAKU__MSS_NEGOTIATING);
  /* Then a selection still works. */
  cwaku__wbuf_reset(&bo);
  CHECK_EQ_INT(feed_hex(&b, &bo, YAMUX_HEX, &used), 0);
  CHECK(out_is(&bo, YAMUX_HEX));
  CHECK_EQ_INT(cwaku__mss_selected(&b), 1);
  cwaku__wbuf_clear(&bo);

  /* A responder serving nothing lists nothing and refuses everything. */
  cwaku__mss_init_responder(&b, NULL, 0);
  CHECK_EQ_INT(cwaku__mss_start(&b, &bo), 0);
  cwaku__wbuf_reset(&bo);
  CHECK_EQ_INT(feed_hex(&b, &bo, HEADER_HEX LS_HEX NOISE_HEX, &used), 0);
  CHECK(out_is(&bo, "010a" NA_HEX));
  cwaku__wbuf_clear(&bo);
}

/* The selected protocol's data may follow its echo in the same read. */
static void test_pipelined(void) {
  static const char *const protos[] = {"/noise"};
  struct cwaku__mss m;
  struct cwaku__wbuf w;
  size_t used = 0;
  cwaku__wbuf_init(&w, 4096);

  cwaku__mss_init_responder(&m, protos, 1);
  CHECK_EQ_INT(cwaku__mss_start(&m, &w), 0);
  CHECK_EQ_INT(feed_hex(&m, &w, HEADER_HEX NOISE_HEX "0020aabbcc", &used), 0);
  CHECK_EQ_INT(used, 28); /* 20 + 8; the 5 data bytes are left */
  CHECK_EQ_INT(cwaku__mss_state(&m), CWAKU__MSS_SELECTED);
  CHECK_EQ_INT(buf[used], 0x00);
  CHECK_EQ_INT(buf[used + 4], 0xcc);
  /* Selected: nothing more is taken. */
  CHECK_EQ_INT(feed_hex(&m, &w, "0020aabbcc", &used), 0);
  CHECK_EQ_INT(used, 0);
  cwaku__wbuf_clear(&w);

  cwaku__mss_init_initiator(&m, protos, 1);
  CHECK_EQ_INT(cwaku__mss_start(&m, &w), 0);
  cwaku__wbuf_reset(&w);
  CHECK_EQ_INT(feed_hex(&m, &w, HEADER_HEX NOISE_HEX "01", &used), 0);
  CHECK_EQ_INT(used, 28);
  CHECK_EQ_INT(cwaku__mss_selected(&m), 0);
  CHECK_EQ_INT(w.len, 0);
  cwaku__wbuf_clear(&w);
}

/* A protocol id of 1023 bytes makes a 1024-byte message: the largest
 * allowed, with a two-byte length prefix (80 08). */
static void test_longest(void) {
  static char longest[1024];
  memset(longest, 'x', 1023);
  longest[0] = '/';
  longest[1023] = 0;
  const char *const protos[] = {longest};
  struct cwaku__mss a, b;
  struct cwaku__wbuf ao, bo;
  int ra, rb;
  cwaku__wbuf_init(&ao, 4096);
  cwaku__wbuf_init(&bo, 4096);
  cwaku__mss_init_initiator(&a, protos, 1);
  cwaku__mss_init_responder(&b, protos, 1);
  run_pair(&a, &b, &ao, &bo, 1, &ra, &rb);
  CHECK_EQ_INT(ra, 0);
  CHECK_EQ_INT(rb, 0);
  CHECK_EQ_INT(cwaku__mss_selected(&a), 0);
  CHECK_EQ_INT(cwaku__mss_selected(&b), 0);
  CHECK_EQ_INT(ao.len, 20 + 2 + 1024);
  CHECK_EQ_INT(ao.p[20], 0x80);
  CHECK_EQ_INT(ao.p[21], 0x08);
  CHECK_EQ_INT(ao.p[22], '/');
  CHECK_EQ_INT(ao.p[20 + 2 + 1023], '\n');
  CHECK_EQ_INT(bo.len, ao.len);
  CHECK(bo.len == ao.len && memcmp(ao.p, bo.p, ao.len) == 0);
  cwaku__wbuf_clear(&ao);
  cwaku__wbuf_clear(&bo);
}

/* Feeds hex to a fresh responder (serving /noise) after its start; returns
 * recv's result and leaves the output in *w. */
static int responder_gets(struct cwaku__mss *m, struct cwaku__wbuf *w,
                          const char *hex, size_t *used) {
  static const char *const protos[] = {"/noise"};
  cwaku__wbuf_init(w, 1 << 16);
  cwaku__mss_init_responder(m, protos, 1);
  if (cwaku__mss_start(m, w) != 0)
    return -1000;
  cwaku__wbuf_reset(w);
  return feed_hex(m, w, hex, used);
}

static void expect_responder_fails(const char *hex, int err, size_t used_want,
                                   int line) {
  struct cwaku__mss m;
  struct cwaku__wbuf w;
  size_t used = 0;
  int r = responder_gets(&m, &w, hex, &used);
  if (r != err || used != used_want ||
      cwaku__mss_state(&m) != CWAKU__MSS_FAILED ||
      cwaku__mss_error(&m) != err || cwaku__mss_selected(&m) != -1)
    fprintf(stderr, "line %d: r=%d used=%zu state=%d\n", line, r, used,
            (int)cwaku__mss_state(&m));
  CHECK_EQ_INT(r, err);
  CHECK_EQ_INT(used, used_want);
  CHECK_EQ_INT(cwaku__mss_state(&m), CWAKU__MSS_FAILED);
  CHECK_EQ_INT(cwaku__mss_error(&m), err);
  CHECK_EQ_INT(cwaku__mss_selected(&m), -1);
  CHECK_EQ_INT(w.len, 0); /* no reply to a bad message */
  cwaku__wbuf_clear(&w);
}

static void test_rejections(void) {
  /* The header without its newline. */
  expect_responder_fails("13 2f6d756c746973747265616d2f312e302e30 58",
                         CWAKU_EMALFORMED, 20, __LINE__);
  /* A proposal without its newline. */
  expect_responder_fails(HEADER_HEX "06 2f6e6f697365", CWAKU_EMALFORMED, 27,
                         __LINE__);
  /* Length 0: no room for the newline. */
  expect_responder_fails("00", CWAKU_EMALFORMED, 1, __LINE__);
  /* Non-minimal length prefix (19 as 93 00). */
  expect_responder_fails("9300 2f6d756c746973747265616d2f312e302e30 0a",
                         CWAKU_EVARINT, 2, __LINE__);
  /* 1025 bytes: refused on the prefix, before any body arrives. */
  expect_responder_fails("8108", CWAKU_ETOOBIG, 2, __LINE__);
  /* A third length byte means at least 2^14. */
  expect_responder_fails("808001", CWAKU_ETOOBIG, 2, __LINE__);
  /* Wrong header: another version, or no header at all. */
  expect_responder_fails("13 2f6d756c746973747265616d2f322e302e30 0a",
                         CWAKU_EMALFORMED, 20, __LINE__);
  expect_responder_fails(NOISE_HEX, CWAKU_EMALFORMED, 8, __LINE__);
  expect_responder_fails(LS_HEX, CWAKU_EMALFORMED, 4, __LINE__);

  /* The initiator: header must come first, then the echo or na only. */
  static const char *const protos[] = {"/noise", "/tls/1.0.0"};
  struct cwaku__mss m;
  struct cwaku__wbuf w;
  size_t used;
  cwaku__wbuf_init(&w, 4096);
  cwaku__mss_init_initiator(&m, protos, 2);
  CHECK_EQ_INT(cwaku__mss_start(&m, &w), 0);
  CHECK_EQ_INT(feed_hex(&m, &w, NOISE_HEX, &used), CWAKU_EMALFORMED);
  CHECK_EQ_INT(cwaku__mss_state(&m), CWAKU__MSS_FAILED);
  cwaku__mss_init_initiator(&m, protos, 2);
  CHECK_EQ_INT(cwaku__mss_start(&m, &w), 0);
  CHECK_EQ_INT(feed_hex(&m, &w, HEADER_HEX TLS_HEX, &used), CWAKU_EMALFORMED);
  CHECK_EQ_INT(used, 32);
  cwaku__mss_init_initiator(&m, protos, 2);
  CHECK_EQ_INT(cwaku__mss_start(&m, &w), 0);
  CHECK_EQ_INT(feed_hex(&m, &w, HEADER_HEX LS_HEX, &used), CWAKU_EMALFORMED);
  cwaku__mss_init_initiator(&m, protos, 2);
  CHECK_EQ_INT(cwaku__mss_start(&m, &w), 0);
  CHECK_EQ_INT(feed_hex(&m, &w, HEADER_HEX "026e61", &used), CWAKU_EMALFORMED);
  /* A second header in place of the answer. */
  cwaku__mss_init_initiator(&m, protos, 2);
  CHECK_EQ_INT(cwaku__mss_start(&m, &w), 0);
  CHECK_EQ_INT(feed_hex(&m, &w, HEADER_HEX HEADER_HEX, &used),
               CWAKU_EMALFORMED);
  cwaku__wbuf_clear(&w);
}

/* Things a responder answers with na rather than failing. */
static void test_responder_na(void) {
  struct cwaku__mss m;
  struct cwaku__wbuf w;
  size_t used;
  /* A repeated header (nim-libp2p answers na too), an empty proposal, "na"
   * itself, a prefix and an extension of a protocol we serve. */
  CHECK_EQ_INT(responder_gets(&m, &w,
                              HEADER_HEX HEADER_HEX "010a" NA_HEX "062f6e6f6973"
                                                    "0a" /* "/nois\n" */
                                                    "082f6e6f697365780a",
                              &used),
               0);
  CHECK(out_is(&w, NA_HEX NA_HEX NA_HEX NA_HEX NA_HEX));
  CHECK_EQ_INT(cwaku__mss_state(&m), CWAKU__MSS_NEGOTIATING);
  cwaku__wbuf_clear(&w);

  /* The largest message (1024 bytes) is read and refused, not failed. */
  char hex[2 * 1100];
  size_t k = 0;
  k += (size_t)sprintf(hex + k, "%s8008", HEADER_HEX);
  for (int i = 0; i < 1023; i++)
    k += (size_t)sprintf(hex + k, "61");
  sprintf(hex + k, "0a");
  CHECK_EQ_INT(responder_gets(&m, &w, hex, &used), 0);
  CHECK_EQ_INT(used, 20 + 2 + 1024);
  CHECK(out_is(&w, NA_HEX));
  cwaku__wbuf_clear(&w);
}

static void test_too_many_proposals(void) {
  struct cwaku__mss m;
  struct cwaku__wbuf w;
  size_t used;
  char hex[4096], expect[4096];
  size_t k = 0, e = 0;
  k += (size_t)sprintf(hex + k, "%s", HEADER_HEX);
  for (int i = 0; i < CWAKU__MSS_MAX_PROPOSALS - 1; i++) {
    k += (size_t)sprintf(hex + k, TLS_HEX);
    e += (size_t)sprintf(expect + e, NA_HEX);
  }
  /* The 32nd message may be an ls or a proposal and is answered. */
  k += (size_t)sprintf(hex + k, LS_HEX);
  e += (size_t)sprintf(expect + e, "09" NOISE_HEX "0a");
  CHECK_EQ_INT(responder_gets(&m, &w, hex, &used), 0);
  CHECK(out_is(&w, expect));
  CHECK_EQ_INT(cwaku__mss_state(&m), CWAKU__MSS_NEGOTIATING);
  /* The 33rd fails, even one we would accept, and gets no reply. */
  size_t before = w.len;
  CHECK_EQ_INT(feed_hex(&m, &w, NOISE_HEX, &used), CWAKU_ETOOBIG);
  CHECK_EQ_INT(w.len, before);
  CHECK_EQ_INT(cwaku__mss_state(&m), CWAKU__MSS_FAILED);
  CHECK_EQ_INT(cwaku__mss_selected(&m), -1);
  cwaku__wbuf_clear(&w);
}

static void test_misuse(void) {
  static const char *const ok[] = {"/noise"};
  static const char *const with_na[] = {"/noise", "na"};
  static const char *const with_ls[] = {"ls"};
  static const char *const with_id[] = {"/multistream/1.0.0"};
  static const char *const with_nl[] = {"/noise\n"};
  static const char *const with_empty[] = {""};
  static const char *const with_null[] = {NULL};
  static char big[1025];
  memset(big, 'a', 1024);
  big[1024] = 0;
  const char *const with_big[] = {big};
  struct cwaku__mss m;
  struct cwaku__wbuf w;
  size_t used = 7;
  uint8_t b = 0x13;
  cwaku__wbuf_init(&w, 4096);

  /* recv before start. */
  cwaku__mss_init_responder(&m, ok, 1);
  CHECK_EQ_INT(cwaku__mss_recv(&m, &w, &b, 1, &used), CWAKU_EINVAL);
  CHECK_EQ_INT(used, 0);
  CHECK_EQ_INT(w.len, 0);

  /* An initiator needs something to propose. */
  cwaku__mss_init_initiator(&m, ok, 0);
  CHECK_EQ_INT(cwaku__mss_start(&m, &w), CWAKU_EINVAL);
  CHECK_EQ_INT(cwaku__mss_state(&m), CWAKU__MSS_FAILED);
  CHECK_EQ_INT(w.len, 0);

  const char *const *bad[] = {with_na,    with_ls,   with_id, with_nl,
                              with_empty, with_null, with_big};
  size_t bad_n[] = {2, 1, 1, 1, 1, 1, 1};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    cwaku__mss_init_initiator(&m, bad[i], bad_n[i]);
    CHECK_EQ_INT(cwaku__mss_start(&m, &w), CWAKU_EINVAL);
    cwaku__mss_init_responder(&m, bad[i], bad_n[i]);
    CHECK_EQ_INT(cwaku__mss_start(&m, &w), CWAKU_EINVAL);
    CHECK_EQ_INT(cwaku__mss_error(&m), CWAKU_EINVAL);
  }
  CHECK_EQ_INT(w.len, 0);
  cwaku__wbuf_clear(&w);

  /* An output buffer too small for the header fails the negotiation. */
  cwaku__wbuf_init(&w, 10);
  cwaku__mss_init_responder(&m, ok, 1);
  CHECK_EQ_INT(cwaku__mss_start(&m, &w), CWAKU_ETOOBIG);
  CHECK_EQ_INT(cwaku__mss_state(&m), CWAKU__MSS_FAILED);
  cwaku__wbuf_clear(&w);

  /* ... or room for the header but not the reply. */
  cwaku__wbuf_init(&w, 20);
  cwaku__mss_init_responder(&m, ok, 1);
  CHECK_EQ_INT(cwaku__mss_start(&m, &w), 0);
  CHECK_EQ_INT(feed_hex(&m, &w, HEADER_HEX NOISE_HEX, &used), CWAKU_ETOOBIG);
  CHECK_EQ_INT(cwaku__mss_state(&m), CWAKU__MSS_FAILED);
  CHECK_EQ_INT(cwaku__mss_selected(&m), -1);
  cwaku__wbuf_clear(&w);
}

/* Any split of the same bytes gives the same result. */
static void test_splits(void) {
  static const char *const protos[] = {"/noise", "/yamux/1.0.0"};
  size_t n = unhex(HEADER_HEX LS_HEX TLS_HEX YAMUX_HEX "ffff");
  uint8_t in[128];
  memcpy(in, buf, n);
  for (size_t cut1 = 0; cut1 <= n; cut1++) {
    for (size_t cut2 = cut1; cut2 <= n; cut2 += 3) {
      struct cwaku__mss m;
      struct cwaku__wbuf w;
      cwaku__wbuf_init(&w, 4096);
      cwaku__mss_init_responder(&m, protos, 2);
      if (cwaku__mss_start(&m, &w) != 0)
        CHECK(0);
      size_t total = 0, used = 0;
      size_t cuts[3] = {cut1, cut2, n};
      size_t at = 0;
      int r = 0;
      for (int i = 0; i < 3 && r == 0; i++) {
        r = cwaku__mss_recv(&m, &w, in + at, cuts[i] - at, &used);
        total += used;
        at = cuts[i];
      }
      if (r != 0 || total != n - 2 || cwaku__mss_selected(&m) != 1)
        fprintf(stderr, "split %zu/%zu: r=%d total=%zu\n", cut1, cut2, r,
                total);
      CHECK(r == 0 && total == n - 2 && cwaku__mss_selected(&m) == 1);
      cwaku__wbuf_clear(&w);
    }
  }
}

int main(void) {
  test_header_bytes();
  for (size_t chunk = 0; chunk <= 3; chunk++) {
    test_select_first(chunk);
    test_na_then_fallback(chunk);
    test_no_common(chunk);
  }
  test_ls();
  test_pipelined();
  test_longest();
  test_rejections();
  test_responder_na();
  test_too_many_proposals();
  test_misuse();
  test_splits();
  return check_summary("test_multistream");
}
