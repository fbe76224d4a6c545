#include "muxer.h"

void cwaku__muxer_config_default(struct cwaku_muxer_config *cfg) {
  cfg->max_stream_window = 16 * 1024 * 1024;
  cfg->max_stream_buffer = 256 * 1024;
  cfg->lend_input = false;
  cfg->max_inbound_streams = 1024;
  cfg->max_unacked_inbound = 1024;
  cfg->max_output = 4 * 1024 * 1024;
}
