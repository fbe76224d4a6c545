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
#include "cwaku/topic.h"

struct cwaku_node_config {
  bool has_nodekey;
  cwaku_seckey nodekey;
  uint16_t cluster_id;
  size_t num_shards;
  uint16_t shards[CWAKU_SHARDS_PER_CLUSTER]; /* sorted, unique */
  enum cwaku_log_level log_level;
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
 * (nodekey = "hex", cluster-id = 1, shard = [0, 1], log-level = "DEBUG"). */
CWAKU_MUST_CHECK int cwaku_node_config_parse_toml(struct cwaku_node_config *cfg,
                                                  char *err, size_t errcap,
                                                  const char *text);

/* Wipes the node key. */
void cwaku_node_config_clear(struct cwaku_node_config *cfg);

/* The flag help text. */
const char *cwaku_node_config_usage(void);

#endif
