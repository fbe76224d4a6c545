/* Node configuration: flags and the TOML config file (src/node/config.c). */
#include <unistd.h>

#include "check.h"
#include "cwaku/config.h"

#define KEY1 "0000000000000000000000000000000000000000000000000000000000000001"

static int parse(struct cwaku_node_config *cfg, char *err, int argc,
                 char **argv) {
  cwaku_node_config_init(cfg);
  return cwaku_node_config_parse_args(cfg, err, 256, argc, argv);
}

static void test_flags(void) {
  struct cwaku_node_config cfg;
  char err[256];
  char *a1[] = {"cwaku-node", ("--nodekey=" KEY1), "--cluster-id",
                "16",         "--shard=32",        "--shard",
                "1",          "--shard=32",        "--log-level=debug"};
  CHECK_EQ_INT(parse(&cfg, err, 9, a1), 0);
  CHECK(cfg.has_nodekey && cfg.nodekey.data[31] == 1);
  CHECK_EQ_INT(cfg.cluster_id, 16);
  CHECK_EQ_INT(cfg.num_shards, 2); /* sorted, duplicates dropped */
  CHECK(cfg.shards[0] == 1 && cfg.shards[1] == 32);
  CHECK_EQ_INT(cfg.log_level, CWAKU_LOG_DEBUG);

  char *a2[] = {"cwaku-node", "--cluster-id=65536"};
  CHECK_EQ_INT(parse(&cfg, err, 2, a2), CWAKU_ECONFIG);
  CHECK(strstr(err, "cluster-id") != NULL);
  char *a3[] = {"cwaku-node", "--shard=1024"};
  CHECK_EQ_INT(parse(&cfg, err, 2, a3), CWAKU_ECONFIG);
  char *a4[] = {"cwaku-node", "--nodekey=00"};
  CHECK_EQ_INT(parse(&cfg, err, 2, a4), CWAKU_ECONFIG);
  /* 0x + 64 digits is the same key; 0x + 62 digits is not a key */
  char *a4b[] = {"cwaku-node", ("--nodekey=0x" KEY1)};
  CHECK_EQ_INT(parse(&cfg, err, 2, a4b), 0);
  CHECK(cfg.has_nodekey && cfg.nodekey.data[31] == 1);
  char *a4c[] = {
      "cwaku-node",
      "--nodekey="
      "0x00000000000000000000000000000000000000000000000000000000000001"};
  CHECK_EQ_INT(parse(&cfg, err, 2, a4c), CWAKU_ECONFIG);
  CHECK(!cfg.has_nodekey);
  char *a5[] = {"cwaku-node", "--no-such-flag=1"};
  CHECK_EQ_INT(parse(&cfg, err, 2, a5), CWAKU_ECONFIG);
  CHECK(strstr(err, "no-such-flag") != NULL);
  char *a6[] = {"cwaku-node", "--cluster-id"};
  CHECK_EQ_INT(parse(&cfg, err, 2, a6), CWAKU_ECONFIG);
  char *a7[] = {"cwaku-node", "--log-level=LOUD"};
  CHECK_EQ_INT(parse(&cfg, err, 2, a7), CWAKU_ECONFIG);
  char *a8[] = {"cwaku-node", "stray"};
  CHECK_EQ_INT(parse(&cfg, err, 2, a8), CWAKU_ECONFIG);
  char *a9[] = {"cwaku-node", "--help", "--version"};
  CHECK_EQ_INT(parse(&cfg, err, 3, a9), 0);
  CHECK(cfg.show_help && cfg.show_version);
}

static void test_transport_flags(void) {
  struct cwaku_node_config cfg;
  char err[256];
  cwaku_node_config_init(&cfg);
  CHECK_EQ_STR(cfg.listen_address, "0.0.0.0");
  CHECK_EQ_INT(cfg.tcp_port, 60000);
  CHECK_EQ_INT(cfg.websocket_port, 8000);
  CHECK_EQ_INT(cfg.max_connections, 50);
  CHECK(!cfg.websocket_support && !cfg.test_echo);
  CHECK_EQ_INT(cfg.ip_colocation_limit, 5);
  char *a[] = {"cwaku-node",
               "--listen-address=127.0.0.1",
               "--tcp-port=0",
               "--websocket-support",
               "--websocket-port",
               "9001",
               ("--staticnode=/ip4/127.0.0.1/tcp/60000/p2p/"
                "16Uiu2HAm3cuhhRL2msUuLF62KRSfneFDx94RsuouyW25Ho42cFMq"),
               "--max-connections=7",
               "--test-echo",
               "false"};
  CHECK_EQ_INT(parse(&cfg, err, 10, a), 0);
  CHECK_EQ_STR(cfg.listen_address, "127.0.0.1");
  CHECK_EQ_INT(cfg.tcp_port, 0);
  CHECK(cfg.websocket_support);
  CHECK_EQ_INT(cfg.websocket_port, 9001);
  CHECK_EQ_INT(cfg.num_staticnodes, 1);
  CHECK(strstr(cfg.staticnodes[0], "/tcp/60000/p2p/16Uiu2") != NULL);
  CHECK_EQ_INT(cfg.max_connections, 7);
  CHECK(!cfg.test_echo);
  char *c1[] = {"cwaku-node", "--ip-colocation-limit=0"};
  CHECK_EQ_INT(parse(&cfg, err, 2, c1), 0);
  CHECK_EQ_INT(cfg.ip_colocation_limit, 0);
  char *b1[] = {"cwaku-node", "--listen-address=localhost"};
  CHECK_EQ_INT(parse(&cfg, err, 2, b1), CWAKU_ECONFIG);
  char *b2[] = {"cwaku-node", "--staticnode=/ip4/127.0.0.1/tcp/1"};
  CHECK_EQ_INT(parse(&cfg, err, 2, b2), CWAKU_ECONFIG); /* no /p2p/ */
  char *b3[] = {"cwaku-node", "--websocket-support=yes"};
  CHECK_EQ_INT(parse(&cfg, err, 2, b3), CWAKU_ECONFIG);
  char *b4[] = {"cwaku-node", "--max-connections=0"};
  CHECK_EQ_INT(parse(&cfg, err, 2, b4), CWAKU_ECONFIG);
  char *b5[] = {"cwaku-node", "--listen-address=::1", "--tcp-port=65536"};
  CHECK_EQ_INT(parse(&cfg, err, 3, b5), CWAKU_ECONFIG);
  const char *text =
      "websocket-support = true\nstaticnode = [\n"
      "  \"/ip4/10.0.0.1/tcp/1/p2p/"
      "16Uiu2HAm3cuhhRL2msUuLF62KRSfneFDx94RsuouyW25Ho42cFMq\",\n"
      "  \"/dns4/a.example/tcp/443/wss/p2p/"
      "16Uiu2HAm3cuhhRL2msUuLF62KRSfneFDx94RsuouyW25Ho42cFMq\"]\n";
  cwaku_node_config_init(&cfg);
  CHECK_EQ_INT(cwaku_node_config_parse_toml(&cfg, err, sizeof err, text), 0);
  CHECK(cfg.websocket_support);
  CHECK_EQ_INT(cfg.num_staticnodes, 2);
}

static void test_toml(void) {
  struct cwaku_node_config cfg;
  char err[256];
  cwaku_node_config_init(&cfg);
  const char *text = "# a node\n"
                     "nodekey = \"" KEY1 "\"\n"
                     "cluster-id = 1   # The Waku Network\n"
                     "shard = [0, 3,\n  5]\n"
                     "log-level = 'WARN'\n";
  CHECK_EQ_INT(cwaku_node_config_parse_toml(&cfg, err, sizeof err, text), 0);
  CHECK(cfg.has_nodekey);
  CHECK_EQ_INT(cfg.cluster_id, 1);
  CHECK_EQ_INT(cfg.num_shards, 3);
  CHECK(cfg.shards[2] == 5);
  CHECK_EQ_INT(cfg.log_level, CWAKU_LOG_WARN);
  const char *bad[] = {"cluster-id 1\n",    "cluster-id = \n",
                       "shard = [1, 2\n",   "cluster-id = \"1\" extra\n",
                       "nodekey = \"abc\n", "unknown = 1\n"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    cwaku_node_config_init(&cfg);
    CHECK_EQ_INT(cwaku_node_config_parse_toml(&cfg, err, sizeof err, bad[i]),
                 CWAKU_ECONFIG);
  }
}

/* The file is read first; flags given on the command line win. */
static void test_file_and_flags(void) {
  char path[] = "/tmp/cwaku-config-XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  const char *text = "cluster-id = 1\nshard = [0, 1]\nlog-level = \"ERROR\"\n";
  CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
  close(fd);
  char flag[64];
  snprintf(flag, sizeof flag, "--config-file=%s", path);
  struct cwaku_node_config cfg;
  char err[256];
  char *a[] = {"cwaku-node", "--shard=7", flag};
  CHECK_EQ_INT(parse(&cfg, err, 3, a), 0);
  CHECK_EQ_INT(cfg.cluster_id, 1);
  CHECK_EQ_INT(cfg.log_level, CWAKU_LOG_ERROR);
  CHECK_EQ_INT(cfg.num_shards, 1);
  CHECK(cfg.shards[0] == 7);
  unlink(path);
  CHECK_EQ_INT(parse(&cfg, err, 3, a), CWAKU_EIO);
}

/* The relay and REST flags: nwaku's names and defaults. */
static void test_node_flags(void) {
  struct cwaku_node_config cfg;
  char err[256];
  cwaku_node_config_init(&cfg);
  CHECK(cfg.relay && !cfg.rest);
  CHECK_EQ_STR(cfg.rest_address, "127.0.0.1");
  CHECK_EQ_INT(cfg.rest_port, 8645);
  CHECK_EQ_INT(cfg.rest_relay_cache_capacity, 50);
  CHECK_EQ_INT(cfg.num_shards_in_network, 8);
  CHECK_EQ_INT(cfg.max_msg_size, 150 * 1024);
  CHECK_EQ_INT(cfg.num_content_topics, 0);

  char *a[] = {"cwaku-node",
               "--rest",
               "--rest-address=::1",
               "--rest-port",
               "0",
               "--rest-relay-cache-capacity=7",
               "--relay=false",
               "--content-topic=/toychat/2/huilong/proto",
               "--content-topic",
               "/0/app/1/x/json",
               "--content-topic=/toychat/2/huilong/proto",
               "--num-shards-in-network=0",
               "--max-msg-size=1MiB"};
  CHECK_EQ_INT(parse(&cfg, err, 13, a), 0);
  CHECK(cfg.rest && !cfg.relay);
  CHECK_EQ_STR(cfg.rest_address, "::1");
  CHECK_EQ_INT(cfg.rest_port, 0);
  CHECK_EQ_INT(cfg.rest_relay_cache_capacity, 7);
  CHECK_EQ_INT(cfg.num_content_topics, 2); /* the repeat is dropped */
  CHECK_EQ_STR(cfg.content_topics[0], "/toychat/2/huilong/proto");
  CHECK_EQ_STR(cfg.content_topics[1], "/0/app/1/x/json");
  CHECK_EQ_INT(cfg.num_shards_in_network, 0);
  CHECK_EQ_INT(cfg.max_msg_size, 1048576);
  char *b[] = {"cwaku-node", "--rest", "false", "--relay", "true"};
  CHECK_EQ_INT(parse(&cfg, err, 5, b), 0);
  CHECK(!cfg.rest && cfg.relay);

  char *bad[][2] = {{"cwaku-node", "--content-topic=notatopic"},
                    {"cwaku-node", "--content-topic=/a/1/b"},
                    {"cwaku-node", "--rest-port=65536"},
                    {"cwaku-node", "--rest-address=localhost"},
                    {"cwaku-node", "--num-shards-in-network=1025"},
                    {"cwaku-node", "--rest-relay-cache-capacity=0"},
                    {"cwaku-node", "--relay=maybe"},
                    {"cwaku-node", "--rest=1"},
                    {"cwaku-node", "--max-msg-size=0"},
                    {"cwaku-node", "--max-msg-size=10 GiB"},
                    {"cwaku-node", "--max-msg-size=KiB"}};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    err[0] = 0;
    CHECK_EQ_INT(parse(&cfg, err, 2, bad[i]), CWAKU_ECONFIG);
    /* the reason names the flag */
    char name[40];
    snprintf(name, sizeof name, "%.*s", (int)strcspn(bad[i][1] + 2, "="),
             bad[i][1] + 2);
    CHECK(strstr(err, name) != NULL);
  }

  /* 32 content topics fit, the 33rd does not. */
  char topics[33][48], *many[34];
  many[0] = "cwaku-node";
  for (int i = 0; i < 33; i++) {
    snprintf(topics[i], sizeof topics[i], "--content-topic=/app/1/t%d/proto",
             i);
    many[i + 1] = topics[i];
  }
  CHECK_EQ_INT(parse(&cfg, err, 33, many), 0);
  CHECK_EQ_INT(cfg.num_content_topics, 32);
  CHECK_EQ_INT(parse(&cfg, err, 34, many), CWAKU_ECONFIG);

  const char *text = "rest = true\nrest-port = 0\nrelay = false\n"
                     "content-topic = [\"/a/1/b/c\", \"/d/1/e/f\"]\n"
                     "max-msg-size = \"64KiB\"\nnum-shards-in-network = 1\n"
                     "rest-address = \"0.0.0.0\"\n"
                     "rest-relay-cache-capacity = 100\n";
  cwaku_node_config_init(&cfg);
  CHECK_EQ_INT(cwaku_node_config_parse_toml(&cfg, err, sizeof err, text), 0);
  CHECK(cfg.rest && !cfg.relay);
  CHECK_EQ_INT(cfg.rest_port, 0);
  CHECK_EQ_INT(cfg.num_content_topics, 2);
  CHECK_EQ_STR(cfg.content_topics[1], "/d/1/e/f");
  CHECK_EQ_INT(cfg.max_msg_size, 65536);
  CHECK_EQ_INT(cfg.num_shards_in_network, 1);
  CHECK_EQ_STR(cfg.rest_address, "0.0.0.0");
  CHECK_EQ_INT(cfg.rest_relay_cache_capacity, 100);

  /* Content topics on the command line replace the file's. */
  char path[] = "/tmp/cwaku-config-XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
  close(fd);
  char flag[64];
  snprintf(flag, sizeof flag, "--config-file=%s", path);
  char *c[] = {"cwaku-node", flag, "--content-topic=/x/1/y/z",
               "--rest-port=9000"};
  CHECK_EQ_INT(parse(&cfg, err, 4, c), 0);
  CHECK_EQ_INT(cfg.num_content_topics, 1);
  CHECK_EQ_STR(cfg.content_topics[0], "/x/1/y/z");
  CHECK_EQ_INT(cfg.rest_port, 9000);
  CHECK(cfg.rest && !cfg.relay);
  unlink(path);
}

/* nwaku parseMsgSize's forms, and MB/MiB besides. */
static void test_size(void) {
  static const struct {
    const char *text;
    size_t bytes;
  } good[] = {
      {"150KiB", 153600}, {"1MiB", 1048576},         {"1500 B", 1500},
      {"1024", 1024},     {"1.5KiB", 1536},          {"1,5 KB", 1500},
      {"3kb", 3000},      {" 2 MB ", 2000000},       {"1024kib", 1048576},
      {"1.", 1},          {"1073741824", 1073741824}};
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    size_t n = 0;
    CHECK_EQ_INT(cwaku_node_config_parse_size(&n, good[i].text), 0);
    CHECK_EQ_INT(n, good[i].bytes);
  }
  static const char *bad[] = {"",
                              "KiB",
                              "1 GiB",
                              "0",
                              "-1",
                              "1.5.5",
                              "1ib",
                              "0.1B",
                              "1 KiB x",
                              "1073741825",
                              "99999999999999999MiB",
                              "0x10"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    size_t n = 7;
    CHECK_EQ_INT(cwaku_node_config_parse_size(&n, bad[i]), CWAKU_ECONFIG);
    CHECK_EQ_INT(n, 7);
  }
}

int main(void) {
  test_flags();
  test_transport_flags();
  test_toml();
  test_file_and_flags();
  test_node_flags();
  test_size();
  return check_summary("config");
}
