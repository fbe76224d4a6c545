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
               "--staticnode=/ip4/127.0.0.1/tcp/60000/p2p/"
               "16Uiu2HAm3cuhhRL2msUuLF62KRSfneFDx94RsuouyW25Ho42cFMq",
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

int main(void) {
  test_flags();
  test_transport_flags();
  test_toml();
  test_file_and_flags();
  return check_summary("config");
}
