#include "base/text.h"
#include "cwaku/config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <sodium.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cwaku/encoding.h"

/* The largest config file we read; a node's config is a few hundred bytes. */
#define CONFIG_FILE_MAX (1 << 20)

void cwaku_node_config_init(struct cwaku_node_config *cfg) {
  memset(cfg, 0, sizeof *cfg);
  cfg->log_level = CWAKU_LOG_INFO;
  strcpy(cfg->listen_address, "0.0.0.0");
  cfg->tcp_port = 60000;
  cfg->websocket_port = 8000;
  cfg->max_connections = 50;
  cfg->ip_colocation_limit = 5;
  cfg->relay = true;
  cfg->num_shards_in_network = 8;
  cfg->max_msg_size = CWAKU_MESSAGE_MAX_DEFAULT;
  strcpy(cfg->rest_address, "127.0.0.1");
  cfg->rest_port = 8645;
  cfg->rest_relay_cache_capacity = 50;
}

void cwaku_node_config_clear(struct cwaku_node_config *cfg) {
  sodium_memzero(&cfg->nodekey, sizeof cfg->nodekey);
  cfg->has_nodekey = false;
}

const char *cwaku_node_config_usage(void) {
  return "  --nodekey=HEX        secp256k1 node key (32 bytes hex); random if "
         "absent\n"
         "  --cluster-id=N       cluster id, 0..65535 (default 0)\n"
         "  --shard=N            shard to subscribe to, 0..1023; repeatable\n"
         "  --log-level=LEVEL    TRACE, DEBUG, INFO, NOTICE, WARN, ERROR, "
         "FATAL\n"
         "  --listen-address=IP  address to listen on (default 0.0.0.0)\n"
         "  --tcp-port=N         TCP port (default 60000; 0 = any free port)\n"
         "  --websocket-support=BOOL  also listen for WebSocket (default "
         "false)\n"
         "  --websocket-port=N   WebSocket port (default 8000)\n"
         "  --staticnode=MA      peer to keep connected, "
         "/ip4/../tcp/../p2p/ID; repeatable\n"
         "  --max-connections=N  connection limit (default 50)\n"
         "  --ip-colocation-limit=N  peers allowed from one IP (default 5; "
         "0 = no limit)\n"
         "  --relay=BOOL         enable relay (default true)\n"
         "  --content-topic=TOPIC  content topic to subscribe to "
         "(autosharded); repeatable\n"
         "  --num-shards-in-network=N  shards in the network, for "
         "autosharding (default 8; 0 = off)\n"
         "  --max-msg-size=SIZE  largest message: bytes, or with B, KB, "
         "KiB, MB, MiB (default 150KiB)\n"
         "  --rest=BOOL          enable the REST API (default false)\n"
         "  --rest-address=IP    REST listening address (default "
         "127.0.0.1)\n"
         "  --rest-port=N        REST port (default 8645; 0 = any free "
         "port)\n"
         "  --rest-relay-cache-capacity=N  relay messages the REST API "
         "keeps per topic (default 50)\n"
         "  --config-file=PATH   TOML file with the same keys\n"
         "  --version            print the version and exit\n"
         "  --help               print this help and exit\n";
}

static int parse_bool(const char *text, bool *out) {
  if (strcmp(text, "true") == 0)
    *out = true;
  else if (strcmp(text, "false") == 0)
    *out = false;
  else
    return CWAKU_ECONFIG;
  return 0;
}

static const struct {
  const char *name;
  size_t offset;
} bool_flags[] = {
    {"websocket-support",
     offsetof(struct cwaku_node_config, websocket_support)},
    {"test-echo", offsetof(struct cwaku_node_config, test_echo)},
    {"relay", offsetof(struct cwaku_node_config, relay)},
    {"rest", offsetof(struct cwaku_node_config, rest)},
};

/* The field of a boolean flag; NULL when name is not one. */
static bool *bool_field(struct cwaku_node_config *cfg, const char *name) {
  for (size_t i = 0; i < sizeof bool_flags / sizeof bool_flags[0]; i++)
    if (strcmp(name, bool_flags[i].name) == 0)
      return (bool *)((char *)cfg + bool_flags[i].offset);
  return NULL;
}

static bool is_bool_flag(const char *name) {
  for (size_t i = 0; i < sizeof bool_flags / sizeof bool_flags[0]; i++)
    if (strcmp(name, bool_flags[i].name) == 0)
      return true;
  return false;
}

static int parse_uint(const char *text, uint64_t max, uint64_t *out) {
  if (text[0] < '0' || text[0] > '9')
    return CWAKU_ECONFIG;
  char *end;
  errno = 0;
  unsigned long long v = strtoull(text, &end, 10);
  if (errno || *end || v > max)
    return CWAKU_ECONFIG;
  *out = v;
  return 0;
}

static bool blank(char c) {
  return c == ' ' || c == '\t';
}

int cwaku_node_config_parse_size(size_t *out, const char *text) {
  const char *p = text;
  while (blank(*p))
    p++;
  if (*p < '0' || *p > '9')
    return CWAKU_ECONFIG;
  uint64_t whole = 0, frac = 0, scale = 1;
  for (; *p >= '0' && *p <= '9'; p++) {
    if (whole > ((uint64_t)1 << 40))
      return CWAKU_ECONFIG;
    whole = whole * 10 + (uint64_t)(*p - '0');
  }
  if (*p == '.' || *p == ',') {
    for (p++; *p >= '0' && *p <= '9'; p++)
      if (scale < 1000000000) {
        frac = frac * 10 + (uint64_t)(*p - '0');
        scale *= 10;
      }
  }
  while (blank(*p))
    p++;
  size_t n = strlen(p);
  while (n > 0 && blank(p[n - 1]))
    n--;
  /* nwaku parseMsgSize: B, KB = 1000, KiB = 1024; MB and MiB besides. */
  static const struct {
    const char *unit;
    uint64_t mult;
  } units[] = {{"", 1},       {"b", 1},        {"kb", 1000},
               {"kib", 1024}, {"mb", 1000000}, {"mib", 1048576}};
  uint64_t mult = 0;
  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
    if (strlen(units[i].unit) == n && strncasecmp(p, units[i].unit, n) == 0)
      mult = units[i].mult;
  if (mult == 0)
    return CWAKU_ECONFIG;
  uint64_t v = whole * mult + frac * mult / scale;
  if (v == 0 || v > CWAKU_CONFIG_MAX_MSG_SIZE_LIMIT)
    return CWAKU_ECONFIG;
  *out = (size_t)v;
  return 0;
}

static void add_shard(struct cwaku_node_config *cfg, uint16_t s) {
  size_t i = 0;
  while (i < cfg->num_shards && cfg->shards[i] < s)
    i++;
  if (i < cfg->num_shards && cfg->shards[i] == s)
    return;
  memmove(cfg->shards + i + 1, cfg->shards + i,
          (cfg->num_shards - i) * sizeof cfg->shards[0]);
  cfg->shards[i] = s;
  cfg->num_shards++;
}

/* Applies one setting given as text, from either source. */
static int apply(struct cwaku_node_config *cfg, char *err, size_t errcap,
                 const char *name, const char *value) {
  uint64_t v;
  if (strcmp(name, "nodekey") == 0) {
    /* nwaku accepts the key with or without a 0x prefix. */
    if (value[0] == '0' && (value[1] == 'x' || value[1] == 'X'))
      value += 2;
    size_t n = sizeof cfg->nodekey.data;
    if (strlen(value) != 2 * CWAKU_SECKEY_BYTES ||
        cwaku_hex_decode(cfg->nodekey.data, &n, value, strlen(value)) != 0 ||
        n != CWAKU_SECKEY_BYTES || !cwaku_seckey_is_valid(&cfg->nodekey)) {
      cwaku_node_config_clear(cfg);
      return cwaku__errorf(
          err, errcap, CWAKU_ECONFIG,
          "nodekey must be 64 hex digits of a valid secp256k1 key");
    }
    cfg->has_nodekey = true;
  } else if (strcmp(name, "cluster-id") == 0) {
    if (parse_uint(value, 0xffff, &v))
      return cwaku__errorf(err, errcap, CWAKU_ECONFIG,
                           "cluster-id must be 0..65535, got '%s'", value);
    cfg->cluster_id = (uint16_t)v;
  } else if (strcmp(name, "shard") == 0) {
    if (parse_uint(value, CWAKU_SHARDS_PER_CLUSTER - 1, &v))
      return cwaku__errorf(err, errcap, CWAKU_ECONFIG,
                           "shard must be 0..1023, got '%s'", value);
    add_shard(cfg, (uint16_t)v);
  } else if (strcmp(name, "listen-address") == 0) {
    unsigned char addr[16];
    if (strlen(value) >= sizeof cfg->listen_address ||
        (inet_pton(AF_INET, value, addr) != 1 &&
         inet_pton(AF_INET6, value, addr) != 1))
      return cwaku__errorf(
          err, errcap, CWAKU_ECONFIG,
          "listen-address must be an IPv4 or IPv6 address, got '%s'", value);
    strcpy(cfg->listen_address, value);
  } else if (strcmp(name, "rest-address") == 0) {
    unsigned char addr[16];
    if (strlen(value) >= sizeof cfg->rest_address ||
        (inet_pton(AF_INET, value, addr) != 1 &&
         inet_pton(AF_INET6, value, addr) != 1))
      return cwaku__errorf(
          err, errcap, CWAKU_ECONFIG,
          "rest-address must be an IPv4 or IPv6 address, got '%s'", value);
    strcpy(cfg->rest_address, value);
  } else if (strcmp(name, "tcp-port") == 0 ||
             strcmp(name, "websocket-port") == 0 ||
             strcmp(name, "rest-port") == 0) {
    if (parse_uint(value, 0xffff, &v))
      return cwaku__errorf(err, errcap, CWAKU_ECONFIG,
                           "%s must be 0..65535, got '%s'", name, value);
    if (name[0] == 't')
      cfg->tcp_port = (uint16_t)v;
    else if (name[0] == 'w')
      cfg->websocket_port = (uint16_t)v;
    else
      cfg->rest_port = (uint16_t)v;
  } else if (strcmp(name, "rest-relay-cache-capacity") == 0) {
    if (parse_uint(value, 1000000, &v) || v == 0)
      return cwaku__errorf(
          err, errcap, CWAKU_ECONFIG,
          "rest-relay-cache-capacity must be 1..1000000, got '%s'", value);
    cfg->rest_relay_cache_capacity = (uint32_t)v;
  } else if (strcmp(name, "num-shards-in-network") == 0) {
    if (parse_uint(value, CWAKU_SHARDS_PER_CLUSTER, &v))
      return cwaku__errorf(err, errcap, CWAKU_ECONFIG,
                           "num-shards-in-network must be 0..1024, got '%s'",
                           value);
    cfg->num_shards_in_network = (uint32_t)v;
  } else if (strcmp(name, "max-msg-size") == 0) {
    if (cwaku_node_config_parse_size(&cfg->max_msg_size, value))
      return cwaku__errorf(
          err, errcap, CWAKU_ECONFIG,
          "max-msg-size must be a size such as 150KiB, 1MiB or "
          "1500 B (at most 1GiB), got '%s'",
          value);
  } else if (strcmp(name, "content-topic") == 0) {
    struct cwaku_content_topic ct;
    const char *why = NULL;
    if (strlen(value) >= CWAKU_CONFIG_TOPIC_TEXT_MAX ||
        cwaku_content_topic_parse(&ct, value, &why) != 0)
      return cwaku__errorf(err, errcap, CWAKU_ECONFIG,
                           "content-topic '%s' is not a content topic: %s",
                           value, why ? why : "too long");
    for (size_t i = 0; i < cfg->num_content_topics; i++)
      if (strcmp(cfg->content_topics[i], value) == 0)
        return 0;
    if (cfg->num_content_topics == CWAKU_CONFIG_MAX_CONTENT_TOPICS)
      return cwaku__errorf(err, errcap, CWAKU_ECONFIG,
                           "at most %d content-topics",
                           CWAKU_CONFIG_MAX_CONTENT_TOPICS);
    strcpy(cfg->content_topics[cfg->num_content_topics++], value);
  } else if (strcmp(name, "max-connections") == 0) {
    if (parse_uint(value, 100000, &v) || v == 0)
      return cwaku__errorf(err, errcap, CWAKU_ECONFIG,
                           "max-connections must be 1..100000, got '%s'",
                           value);
    cfg->max_connections = (uint32_t)v;
  } else if (strcmp(name, "ip-colocation-limit") == 0) {
    if (parse_uint(value, 100000, &v))
      return cwaku__errorf(err, errcap, CWAKU_ECONFIG,
                           "ip-colocation-limit must be 0..100000, got '%s'",
                           value);
    cfg->ip_colocation_limit = (uint32_t)v;
  } else if (bool_field(cfg, name)) {
    if (parse_bool(value, bool_field(cfg, name)))
      return cwaku__errorf(err, errcap, CWAKU_ECONFIG,
                           "%s must be true or false", name);
  } else if (strcmp(name, "staticnode") == 0) {
    uint8_t bin[CWAKU_MULTIADDR_MAX_BYTES];
    size_t binlen = sizeof bin;
    if (cwaku_multiaddr_from_string(bin, &binlen, value) != 0 ||
        !strstr(value, "/p2p/") || strlen(value) >= CWAKU_CONFIG_ADDR_TEXT_MAX)
      return cwaku__errorf(
          err, errcap, CWAKU_ECONFIG,
          "staticnode must be a multiaddr ending in /p2p/<peer id>, "
          "got '%s'",
          value);
    if (cfg->num_staticnodes == CWAKU_CONFIG_MAX_STATICNODES)
      return cwaku__errorf(err, errcap, CWAKU_ECONFIG, "at most %d staticnodes",
                           CWAKU_CONFIG_MAX_STATICNODES);
    strcpy(cfg->staticnodes[cfg->num_staticnodes++], value);
  } else if (strcmp(name, "log-level") == 0) {
    if (cwaku_log_level_parse(&cfg->log_level, value))
      return cwaku__errorf(err, errcap, CWAKU_ECONFIG, "unknown log-level '%s'",
                           value);
  } else {
    return cwaku__errorf(err, errcap, CWAKU_ECONFIG, "unknown option '%s'",
                         name);
  }
  return 0;
}

/* --- TOML: the subset a flat nwaku config file uses ---------------------- */

struct toml_cursor {
  const char *p;
  int line;
};

static void skip_blank(struct toml_cursor *c) {
  while (*c->p == ' ' || *c->p == '\t')
    c->p++;
}

/* Skips blanks, comments and newlines; counts lines. */
static void skip_space(struct toml_cursor *c) {
  for (;;) {
    skip_blank(c);
    if (*c->p == '#')
      while (*c->p && *c->p != '\n')
        c->p++;
    if (*c->p == '\r' || *c->p == '\n') {
      if (*c->p == '\n')
        c->line++;
      c->p++;
      continue;
    }
    return;
  }
}

/* A scalar: "basic string", 'literal string', integer or boolean, returned
 * as text in buf. */
static int toml_scalar(struct toml_cursor *c, char *buf, size_t cap) {
  size_t n = 0;
  if (*c->p == '"' || *c->p == '\'') {
    char q = *c->p++;
    while (*c->p && *c->p != q && *c->p != '\n') {
      if (q == '"' && *c->p == '\\')
        return CWAKU_ECONFIG; /* escapes are never needed by our keys */
      if (n + 1 >= cap)
        return CWAKU_ECONFIG;
      buf[n++] = *c->p++;
    }
    if (*c->p != q)
      return CWAKU_ECONFIG;
    c->p++;
  } else {
    while (*c->p && strchr(" \t\r\n#,]", *c->p) == NULL) {
      if (n + 1 >= cap)
        return CWAKU_ECONFIG;
      buf[n++] = *c->p++;
    }
    if (n == 0)
      return CWAKU_ECONFIG;
  }
  buf[n] = 0;
  return 0;
}

static int parse_toml(struct cwaku_node_config *cfg, char *err, size_t errcap,
                      const char *text, char *val, size_t valcap);

int cwaku_node_config_parse_toml(struct cwaku_node_config *cfg, char *err,
                                 size_t errcap, const char *text) {
  char val[256];
  int r = parse_toml(cfg, err, errcap, text, val, sizeof val);
  sodium_memzero(val, sizeof val); /* may have held the node key */
  return r;
}

static int parse_toml(struct cwaku_node_config *cfg, char *err, size_t errcap,
                      const char *text, char *val, size_t valcap) {
  struct toml_cursor c = {text, 1};
  char key[64];
  for (;;) {
    skip_space(&c);
    if (!*c.p)
      return 0;
    size_t n = 0;
    while (*c.p && strchr(" \t=\r\n#", *c.p) == NULL) {
      if (n + 1 >= sizeof key)
        return cwaku__errorf(err, errcap, CWAKU_ECONFIG,
                             "line %d: key too long", c.line);
      key[n++] = *c.p++;
    }
    key[n] = 0;
    skip_blank(&c);
    if (n == 0 || *c.p != '=')
      return cwaku__errorf(err, errcap, CWAKU_ECONFIG,
                           "line %d: expected key = value", c.line);
    c.p++;
    skip_blank(&c);
    int r;
    if (*c.p == '[') {
      c.p++;
      for (;;) {
        skip_space(&c);
        if (*c.p == ']') {
          c.p++;
          break;
        }
        if (toml_scalar(&c, val, valcap))
          return cwaku__errorf(err, errcap, CWAKU_ECONFIG,
                               "line %d: bad array value", c.line);
        if ((r = apply(cfg, err, errcap, key, val)) != 0)
          return r;
        skip_space(&c);
        if (*c.p == ',')
          c.p++;
        else if (*c.p != ']')
          return cwaku__errorf(err, errcap, CWAKU_ECONFIG,
                               "line %d: expected , or ]", c.line);
      }
    } else {
      if (toml_scalar(&c, val, valcap))
        return cwaku__errorf(err, errcap, CWAKU_ECONFIG, "line %d: bad value",
                             c.line);
      if ((r = apply(cfg, err, errcap, key, val)) != 0)
        return r;
    }
    skip_blank(&c);
    if (*c.p == '#')
      while (*c.p && *c.p != '\n')
        c.p++;
    if (*c.p && *c.p != '\n' && *c.p != '\r')
      return cwaku__errorf(err, errcap, CWAKU_ECONFIG,
                           "line %d: unexpected text after the value", c.line);
  }
}

static int read_file(char **out, const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return CWAKU_EIO;
  char *buf = malloc(CONFIG_FILE_MAX + 1);
  size_t n = buf ? fread(buf, 1, CONFIG_FILE_MAX + 1, f) : 0;
  int bad = ferror(f);
  fclose(f);
  if (!buf)
    return CWAKU_ENOMEM;
  if (bad || n > CONFIG_FILE_MAX || memchr(buf, 0, n)) {
    sodium_memzero(buf, n);
    free(buf);
    return bad ? CWAKU_EIO : CWAKU_ECONFIG;
  }
  buf[n] = 0;
  *out = buf;
  return 0;
}

/* Splits "--name=value" / "--name value"; returns the index of the last
 * argument used, or -1 when the value is missing. */
static int split_flag(int i, int argc, char **argv, char *name, size_t cap,
                      const char **value) {
  const char *a = argv[i] + 2;
  const char *eq = strchr(a, '=');
  size_t n = eq ? (size_t)(eq - a) : strlen(a);
  if (n >= cap)
    n = cap - 1;
  memcpy(name, a, n);
  name[n] = 0;
  if (eq) {
    *value = eq + 1;
    return i;
  }
  if (strcmp(name, "help") == 0 || strcmp(name, "version") == 0) {
    *value = NULL;
    return i;
  }
  /* A bare boolean flag means true; "--flag true" / "--flag false" too. */
  if (is_bool_flag(name)) {
    if (i + 1 < argc && (strcmp(argv[i + 1], "true") == 0 ||
                         strcmp(argv[i + 1], "false") == 0)) {
      *value = argv[i + 1];
      return i + 1;
    }
    *value = "true";
    return i;
  }
  if (i + 1 >= argc)
    return -1;
  *value = argv[i + 1];
  return i + 1;
}

int cwaku_node_config_parse_args(struct cwaku_node_config *cfg, char *err,
                                 size_t errcap, int argc, char **argv) {
  char name[64];
  const char *value;
  /* Pass 1: the config file, so that flags override it. */
  for (int i = 1; i < argc; i++) {
    if (strncmp(argv[i], "--", 2) != 0)
      return cwaku__errorf(err, errcap, CWAKU_ECONFIG,
                           "unexpected argument '%s'", argv[i]);
    int last = split_flag(i, argc, argv, name, sizeof name, &value);
    if (last < 0)
      return cwaku__errorf(err, errcap, CWAKU_ECONFIG, "--%s needs a value",
                           name);
    i = last;
    if (strcmp(name, "config-file") != 0)
      continue;
    char *text;
    int r = read_file(&text, value);
    if (r)
      return cwaku__errorf(err, errcap, r, "cannot read config file '%s': %s",
                           value, cwaku_strerror(r));
    r = cwaku_node_config_parse_toml(cfg, err, errcap, text);
    sodium_memzero(text, strlen(text)); /* may hold the node key */
    free(text);
    if (r)
      return r;
  }
  /* Pass 2: everything else. Shards, static nodes and content topics
   * named on the command line replace those of the file rather than
   * adding to them. */
  bool cli_shards = false, cli_staticnodes = false, cli_topics = false;
  for (int i = 1; i < argc; i++) {
    i = split_flag(i, argc, argv, name, sizeof name, &value);
    if (strcmp(name, "config-file") == 0)
      continue;
    if (strcmp(name, "shard") == 0 && !cli_shards) {
      cli_shards = true;
      cfg->num_shards = 0;
    }
    if (strcmp(name, "staticnode") == 0 && !cli_staticnodes) {
      cli_staticnodes = true;
      cfg->num_staticnodes = 0;
    }
    if (strcmp(name, "content-topic") == 0 && !cli_topics) {
      cli_topics = true;
      cfg->num_content_topics = 0;
    }
    if (strcmp(name, "help") == 0) {
      cfg->show_help = true;
      continue;
    }
    if (strcmp(name, "version") == 0) {
      cfg->show_version = true;
      continue;
    }
    int r = apply(cfg, err, errcap, name, value);
    if (r)
      return r;
  }
  return 0;
}
