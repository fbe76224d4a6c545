/* enr: decode an ENR to JSON, or build and sign one from options. */
#include <arpa/inet.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cwaku/enr.h"
#include "cwaku/key.h"
#include "cwaku/multiaddr.h"
#include "cwaku/peer_id.h"
#include "tool.h"

/* More multiaddrs than this cannot fit in a 300-byte record anyway. */
#define MAX_MULTIADDRS 32

static const struct {
  const char *name;
  enum cwaku_enr_port which;
} ports[] = {
    {"tcp", CWAKU_ENR_TCP},
    {"udp", CWAKU_ENR_UDP},
    {"tcp6", CWAKU_ENR_TCP6},
    {"udp6", CWAKU_ENR_UDP6},
};

static const struct {
  const char *name;
  uint8_t bit;
} waku2_flags[] = {
    {"relay", CWAKU_ENR_WAKU2_RELAY},
    {"store", CWAKU_ENR_WAKU2_STORE},
    {"filter", CWAKU_ENR_WAKU2_FILTER},
    {"lightpush", CWAKU_ENR_WAKU2_LIGHTPUSH},
    {"sync", CWAKU_ENR_WAKU2_SYNC},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Adds value under key, taking the reference; false when out of memory. */
static bool put(json_t *obj, const char *key, json_t *value) {
  return value && json_object_set_new(obj, key, value) == 0;
}

/* Lists a field whose value is present but unreadable under "invalid". The
 * record still decodes, as nwaku keeps such records (specs/enr.md). */
static bool has_key(const struct cwaku_enr *enr, const char *key) {
  const uint8_t *v;
  size_t n;
  return cwaku_enr_get(&v, &n, enr, key) == 0;
}

static bool mark_invalid(json_t *o, const char *name) {
  json_t *arr = json_object_get(o, "invalid");
  if (!arr && !put(o, "invalid", arr = json_array()))
    return false;
  return json_array_append_new(arr, json_string(name)) == 0;
}

static int decode_fields(struct tool_result *res, json_t *o,
                         const struct cwaku_enr *enr) {
  cwaku_pubkey pk;
  cwaku_peer_id pid;
  char pid_text[CWAKU_PEER_ID_STRING_MAX];
  uint8_t node_id[CWAKU_ENR_NODE_ID_BYTES];
  if (cwaku_enr_pubkey(&pk, enr) || cwaku_enr_peer_id(&pid, enr) ||
      cwaku_peer_id_to_string(pid_text, sizeof pid_text, &pid) ||
      cwaku_enr_node_id(node_id, enr))
    return tool_fail(res, CWAKU_EKEY, "cannot derive ids from the key");
  uint64_t seq = cwaku_enr_seq(enr);
  bool ok = put(o, "seq", tool_json_u64(seq)) &&
            put(o, "id", json_string("v4")) &&
            put(o, "public_key", tool_json_hex(pk.data, sizeof pk.data)) &&
            put(o, "peer_id", json_string(pid_text)) &&
            put(o, "node_id", tool_json_hex(node_id, sizeof node_id));

  uint8_t ip4[4], ip6[16];
  char text[INET6_ADDRSTRLEN];
  int r = cwaku_enr_ip4(ip4, enr);
  if (ok && r == 0)
    ok = inet_ntop(AF_INET, ip4, text, sizeof text) &&
         put(o, "ip", json_string(text));
  else if (ok && r != CWAKU_ENOTFOUND)
    ok = mark_invalid(o, "ip");
  for (size_t i = 0; ok && i < COUNT(ports); i++) {
    uint16_t port;
    if (i == 2) {
      r = cwaku_enr_ip6(ip6, enr);
      if (r == 0)
        ok = inet_ntop(AF_INET6, ip6, text, sizeof text) &&
             put(o, "ip6", json_string(text));
      else if (r != CWAKU_ENOTFOUND)
        ok = mark_invalid(o, "ip6");
    }
    r = cwaku_enr_port(&port, enr, ports[i].which);
    if (ok && r == 0)
      ok = put(o, ports[i].name, json_integer(port));
    else if (ok && r != CWAKU_ENOTFOUND)
      ok = mark_invalid(o, ports[i].name);
  }

  uint8_t flags;
  r = cwaku_enr_waku2(&flags, enr);
  if (ok && r == 0) {
    json_t *w = json_object();
    ok = put(o, "waku2", w);
    for (size_t i = 0; ok && i < COUNT(waku2_flags); i++)
      ok = put(w, waku2_flags[i].name,
               json_boolean((flags & waku2_flags[i].bit) != 0));
  } else if (ok && r != CWAKU_ENOTFOUND) {
    ok = mark_invalid(o, "waku2");
  }

  const uint8_t *v;
  size_t vlen;
  if (ok && cwaku_enr_get(&v, &vlen, enr, "multiaddrs") == 0) {
    /* Entries that do not parse are left out and flagged, as nwaku skips
     * them; the framing itself being broken flags the whole field. */
    json_t *arr = json_array();
    ok = put(o, "multiaddrs", arr);
    size_t n = cwaku_enr_multiaddr_count(enr);
    if (ok && n == 0)
      ok = mark_invalid(o, "multiaddrs");
    bool flagged = false;
    for (size_t i = 0; ok && i < n; i++) {
      const uint8_t *ma;
      size_t malen;
      static char matext[CWAKU_MULTIADDR_STRING_MAX];
      r = cwaku_enr_multiaddr_at(&ma, &malen, enr, i);
      if (!r)
        r = cwaku_multiaddr_to_string(matext, sizeof matext, ma, malen);
      if (r == 0)
        ok = json_array_append_new(arr, json_string(matext)) == 0;
      else if (!flagged)
        ok = mark_invalid(o, "multiaddrs"), flagged = true;
    }
  }

  static struct cwaku_enr_shards shards;
  r = cwaku_enr_shards(&shards, enr);
  if (ok && r != 0 && r != CWAKU_ENOTFOUND)
    ok = mark_invalid(o, has_key(enr, "rs") ? "rs" : "rsv");
  if (ok && r == 0) {
    json_t *s = json_object(), *list = json_array();
    ok = put(o, "shards", s) && put(s, "cluster", json_integer(shards.cluster));
    if (ok)
      ok = put(s, "shards", list);
    else
      json_decref(list);
    for (size_t i = 0; ok && i < shards.count; i++)
      ok = json_array_append_new(list, json_integer(shards.shards[i])) == 0;
    if (ok)
      ok = put(
          s, "encoding",
          json_string(shards.encoding == CWAKU_ENR_SHARDS_RSV ? "rsv" : "rs"));
  }

  uint8_t sig[CWAKU_ENR_SIG_BYTES];
  if (ok && cwaku_enr_signature(sig, enr) == 0)
    ok = put(o, "signature", tool_json_hex(sig, sizeof sig));
  return ok ? 0 : tool_fail(res, CWAKU_ENOMEM, "out of memory");
}

static int cmd_decode(struct tool_result *res, int argc, char **argv) {
  if (argc != 3)
    return tool_fail(res, CWAKU_EINVAL, "usage: enr decode ENR");
  static struct cwaku_enr enr;
  int r = cwaku_enr_decode_text(&enr, argv[2]);
  if (r)
    return tool_fail(res, r, "cannot decode the ENR: %s", cwaku_strerror(r));
  json_t *o = json_object();
  if (!o)
    return tool_fail(res, CWAKU_ENOMEM, "out of memory");
  r = decode_fields(res, o, &enr);
  if (r) {
    json_decref(o);
    return r;
  }
  res->json = o;
  return 0;
}

struct encode_opts {
  const char *nodekey;
  uint64_t seq;
  bool has_ip4, has_ip6;
  uint8_t ip4[4], ip6[16];
  bool has_port[COUNT(ports)];
  uint16_t port[COUNT(ports)];
  uint8_t waku2;
  bool has_waku2;
  size_t nma;
  uint8_t ma[MAX_MULTIADDRS][CWAKU_ENR_MAX_BYTES];
  size_t malen[MAX_MULTIADDRS];
  bool has_cluster, rsv;
  uint16_t cluster;
  size_t nshards;
  uint16_t shards[CWAKU_ENR_MAX_SHARDS];
};

/* Handles one option at argv[*i]; 0 or an error. */
static int parse_option(struct tool_result *res, struct encode_opts *o, int *i,
                        int argc, char **argv) {
  const char *opt = argv[*i];
  if (strncmp(opt, "--", 2) != 0)
    return tool_fail(res, CWAKU_EINVAL, "unexpected argument '%s'", opt);
  const char *name = opt + 2;
  for (size_t k = 0; k < COUNT(waku2_flags); k++) {
    if (strcmp(name, waku2_flags[k].name) == 0) {
      o->waku2 |= waku2_flags[k].bit;
      o->has_waku2 = true;
      return 0;
    }
  }
  if (strcmp(name, "rsv") == 0) {
    o->rsv = true;
    return 0;
  }
  const char *val = tool_next_value(i, argc, argv);
  if (!val)
    return tool_fail(res, CWAKU_EINVAL, "%s needs a value", opt);
  uint64_t n;
  int r;
  for (size_t k = 0; k < COUNT(ports); k++) {
    if (strcmp(name, ports[k].name) == 0) {
      if ((r = tool_parse_u64(res, &n, opt, val, UINT16_MAX)))
        return r;
      o->port[k] = (uint16_t)n;
      o->has_port[k] = true;
      return 0;
    }
  }
  if (strcmp(name, "nodekey") == 0) {
    o->nodekey = val;
  } else if (strcmp(name, "seq") == 0) {
    if ((r = tool_parse_u64(res, &o->seq, opt, val, UINT64_MAX)))
      return r;
  } else if (strcmp(name, "ip") == 0) {
    if (inet_pton(AF_INET, val, o->ip4) != 1)
      return tool_fail(res, CWAKU_EINVAL, "--ip must be an IPv4 address");
    o->has_ip4 = true;
  } else if (strcmp(name, "ip6") == 0) {
    if (inet_pton(AF_INET6, val, o->ip6) != 1)
      return tool_fail(res, CWAKU_EINVAL, "--ip6 must be an IPv6 address");
    o->has_ip6 = true;
  } else if (strcmp(name, "multiaddr") == 0) {
    if (o->nma == MAX_MULTIADDRS)
      return tool_fail(res, CWAKU_ETOOBIG, "too many --multiaddr");
    size_t len = sizeof o->ma[0];
    r = cwaku_multiaddr_from_string(o->ma[o->nma], &len, val);
    if (r == CWAKU_ETOOBIG)
      return tool_fail(res, r, "--multiaddr %s cannot fit in an ENR", val);
    if (r)
      return tool_fail(res, r, "--multiaddr %s: %s", val, cwaku_strerror(r));
    o->malen[o->nma++] = len;
  } else if (strcmp(name, "cluster") == 0) {
    if ((r = tool_parse_u64(res, &n, opt, val, UINT16_MAX)))
      return r;
    o->cluster = (uint16_t)n;
    o->has_cluster = true;
  } else if (strcmp(name, "shard") == 0) {
    if ((r = tool_parse_u64(res, &n, opt, val, CWAKU_ENR_MAX_SHARDS - 1)))
      return r;
    if (o->nshards == CWAKU_ENR_MAX_SHARDS)
      return tool_fail(res, CWAKU_ESHARD, "too many --shard");
    o->shards[o->nshards++] = (uint16_t)n;
  } else {
    return tool_fail(res, CWAKU_EINVAL, "unknown option '%s'", opt);
  }
  return 0;
}

static int build(struct tool_result *res, struct cwaku_enr *enr,
                 const struct encode_opts *o) {
  int r = 0;
  cwaku_enr_init(enr, o->seq);
  if (o->has_ip4 && (r = cwaku_enr_set_ip4(enr, o->ip4)))
    return tool_fail(res, r, "cannot set ip: %s", cwaku_strerror(r));
  if (o->has_ip6 && (r = cwaku_enr_set_ip6(enr, o->ip6)))
    return tool_fail(res, r, "cannot set ip6: %s", cwaku_strerror(r));
  for (size_t k = 0; k < COUNT(ports); k++)
    if (o->has_port[k] &&
        (r = cwaku_enr_set_port(enr, ports[k].which, o->port[k])))
      return tool_fail(res, r, "cannot set %s: %s", ports[k].name,
                       cwaku_strerror(r));
  if (o->has_waku2 && (r = cwaku_enr_set_waku2(enr, o->waku2)))
    return tool_fail(res, r, "cannot set waku2: %s", cwaku_strerror(r));
  if (o->nma) {
    const uint8_t *mas[MAX_MULTIADDRS];
    for (size_t k = 0; k < o->nma; k++)
      mas[k] = o->ma[k];
    if ((r = cwaku_enr_set_multiaddrs(enr, mas, o->malen, o->nma)))
      return tool_fail(res, r, "cannot set multiaddrs: %s", cwaku_strerror(r));
  }
  if (o->has_cluster != (o->nshards > 0))
    return tool_fail(res, CWAKU_EINVAL,
                     "--cluster and --shard must be given together");
  if (!o->has_cluster && o->rsv)
    return tool_fail(res, CWAKU_EINVAL, "--rsv needs --cluster and --shard");
  if (o->has_cluster &&
      (r = cwaku_enr_set_shards(enr, o->cluster, o->shards, o->nshards,
                                o->rsv ? CWAKU_ENR_SHARDS_RSV
                                       : CWAKU_ENR_SHARDS_RS)))
    return tool_fail(res, r, "cannot set shards: %s",
                     r == CWAKU_ESHARD ? "shards must be distinct, at most "
                                         "255 of them without --rsv"
                                       : cwaku_strerror(r));
  return 0;
}

static int cmd_encode(struct tool_result *res, int argc, char **argv) {
  static struct encode_opts o;
  static struct cwaku_enr enr;
  memset(&o, 0, sizeof o);
  o.seq = 1;
  for (int i = 2; i < argc; i++) {
    int r = parse_option(res, &o, &i, argc, argv);
    if (r)
      return r;
  }
  if (!o.nodekey)
    return tool_fail(res, CWAKU_EINVAL, "--nodekey is required");
  cwaku_seckey sk;
  int r = tool_parse_nodekey(res, &sk, o.nodekey);
  if (r)
    return r;
  r = build(res, &enr, &o);
  if (!r && (r = cwaku_enr_sign(&enr, &sk)))
    tool_fail(res, r, "cannot sign the record: %s",
              r == CWAKU_ETOOBIG ? "it would exceed 300 bytes"
                                 : cwaku_strerror(r));
  sodium_memzero(&sk, sizeof sk);
  if (r)
    return r;
  char text[CWAKU_ENR_TEXT_MAX];
  if ((r = cwaku_enr_encode_text(text, sizeof text, &enr)))
    return tool_fail(res, r, "cannot encode the record: %s", cwaku_strerror(r));
  res->json = json_pack("{s:s}", "enr", text);
  return res->json ? 0 : tool_fail(res, CWAKU_ENOMEM, "out of memory");
}

int tool_cmd_enr(struct tool_result *res, int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "decode") == 0)
    return cmd_decode(res, argc, argv);
  if (argc >= 2 && strcmp(argv[1], "encode") == 0)
    return cmd_encode(res, argc, argv);
  return tool_fail(res, CWAKU_EINVAL, "usage: enr decode ENR | enr encode ...");
}
