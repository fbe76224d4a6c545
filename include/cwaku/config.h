/* Node configuration with nwaku's flag names, from the command line and a
 * TOML config file (--config-file); the command line wins. */
#ifndef CWAKU_CONFIG_H
#define CWAKU_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cwaku/error.h"
#include "cwaku/key.h"
#include "cwaku/log.h"
#include "cwaku/message.h"
#include "cwaku/multiaddr.h"
#include "cwaku/topic.h"

#define CWAKU_CONFIG_MAX_STATICNODES 32
#define CWAKU_CONFIG_ADDR_TEXT_MAX 512
#define CWAKU_CONFIG_MAX_CONTENT_TOPICS 32
#define CWAKU_CONFIG_TOPIC_TEXT_MAX 256 /* with the NUL */
/* The largest --max-msg-size taken. */
#define CWAKU_CONFIG_MAX_MSG_SIZE_LIMIT (1u << 30)

struct cwaku_node_config {
  bool has_nodekey;
  cwaku_seckey nodekey;
  uint16_t cluster_id;
  size_t num_shards;
  uint16_t shards[CWAKU_SHARDS_PER_CLUSTER]; /* sorted, unique */
  enum cwaku_log_level log_level;
  char listen_address[64]; /* IPv4 or IPv6 literal; default 0.0.0.0 */
  uint16_t tcp_port;       /* default 60000 as nwaku; 0 = any free port */
  bool websocket_support;
  uint16_t websocket_port; /* default 8000 as nwaku; 0 = any free port */
  size_t num_staticnodes;  /* multiaddrs with /p2p/<peer id>, to dial */
  char staticnodes[CWAKU_CONFIG_MAX_STATICNODES][CWAKU_CONFIG_ADDR_TEXT_MAX];
  uint32_t max_connections; /* default 50 as nwaku */
  /* Peers allowed from one IP address (inbound); 0: no limit. nwaku's
   * DefaultColocationLimit is 5. */
  uint32_t ip_colocation_limit;
  bool relay; /* default true as nwaku */
  /* Content topics to subscribe to (autosharded), in the order given. */
  size_t num_content_topics;
  char content_topics[CWAKU_CONFIG_MAX_CONTENT_TOPICS]
                     [CWAKU_CONFIG_TOPIC_TEXT_MAX];
  /* Shards in the network, for autosharding; default 8 (The Waku
   * Network's); 0: autosharding off. */
  uint32_t num_shards_in_network;
  /* nwaku's max-msg-size ("150KiB", "1MiB", "1500 B", "153600"); bytes. */
  size_t max_msg_size;
  bool rest;                          /* default false */
  char rest_address[64];              /* default 127.0.0.1 */
  uint16_t rest_port;                 /* default 8645; 0 = any free port */
  uint32_t rest_relay_cache_capacity; /* default 50 as nwaku */
  bool test_echo; /* mounts /cwaku/echo/1.0.0, for the interop tests */
  bool show_help;
  bool show_version;
};

void cwaku_node_config_init(struct cwaku_node_config *cfg);

/* Applies argv[1..argc-1]: "--name=value" or "--name value". A
 * --config-file is read first, wherever it stands, then the other flags
 * override it. On failure err (if not NULL) gets a message. */
CWAKU_MUST_CHECK int cwaku_node_config_parse_args(struct cwaku_node_config *cfg,
                                                  char *err, size_t errcap,
                                                  int argc, char **argv);

/* Applies the TOML text of a config file: keys are the flag names
 * (nodekey = "hex", cluster-id = 1, shard = [0, 1], log-level = "DEBUG",
 * rest = true, content-topic = ["/app/1/chat/proto"]). */
CWAKU_MUST_CHECK int cwaku_node_config_parse_toml(struct cwaku_node_config *cfg,
                                                  char *err, size_t errcap,
                                                  const char *text);

/* Wipes the node key. */
void cwaku_node_config_clear(struct cwaku_node_config *cfg);

/* nwaku's size text: a decimal number (a fraction with '.' or ',' too),
 * then optionally B, KB (1000), KiB (1024), MB or MiB, any case, blanks
 * between allowed. 0 or CWAKU_ECONFIG (also for 0 bytes and above
 * CWAKU_CONFIG_MAX_MSG_SIZE_LIMIT). */
CWAKU_MUST_CHECK int cwaku_node_config_parse_size(size_t *out,
                                                  const char *text);

/* The flag help text. */
const char *cwaku_node_config_usage(void);

#endif
