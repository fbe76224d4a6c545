/* cwaku-node: the daemon. It loads its configuration, shows who it is,
 * listens and keeps its static peers connected (libp2p with identify and
 * ping), and runs until SIGINT or SIGTERM; the Waku protocols are mounted
 * here as later milestones land. */
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <uv.h>

#include "cwaku/config.h"
#include "cwaku/identity.h"
#include "cwaku/log.h"
#include "cwaku/peer_id.h"
#include "node/host.h"
#include "node/node_rest.h"

struct node {
  uv_loop_t loop;
  uv_signal_t sigint;
  uv_signal_t sigterm;
  int stop_signal;
  struct cwaku_host *host;
  struct cwaku_node_rest *rest;
};

static void on_closed(uv_handle_t *h) {
  (void)h;
}

/* Every connection and listener is closed: let the loop end. */
static void on_host_stopped(void *arg) {
  struct node *n = arg;
  uv_close((uv_handle_t *)&n->sigint, on_closed);
  uv_close((uv_handle_t *)&n->sigterm, on_closed);
}

static void on_signal(uv_signal_t *sig, int signum) {
  struct node *n = sig->data;
  if (n->stop_signal)
    return; /* already stopping */
  n->stop_signal = signum;
  cwaku_log(CWAKU_LOG_NOTICE, "node", "received %s, stopping",
            signum == SIGINT ? "SIGINT" : "SIGTERM");
  cwaku_node_rest_stop(n->rest);
  n->rest = NULL;
  cwaku_host_stop(n->host, on_host_stopped, n);
}

/* Runs the node until a stop signal; the caller wipes the config. */
static int run_node(struct cwaku_node_config *cfg) {
  /* A write to a connection the peer closed is an error on that connection,
   * not a reason to end the process. */
  signal(SIGPIPE, SIG_IGN);
  cwaku_log_set_level(cfg->log_level);
  if (sodium_init() < 0) {
    fprintf(stderr, "cwaku-node: libsodium failed to initialise\n");
    return 1;
  }
  if (!cfg->has_nodekey) {
    /* As nwaku does: without --nodekey the identity lasts one run. */
    if (!cwaku_seckey_generate(&cfg->nodekey, cwaku_rng_system())) {
      fprintf(stderr, "cwaku-node: cannot generate a node key\n");
      return 1;
    }
    cwaku_log(CWAKU_LOG_WARN, "node",
              "no --nodekey given: using a random identity for this run");
  }
  cwaku_pubkey pk;
  cwaku_peer_id id;
  char id_text[CWAKU_PEER_ID_STRING_MAX];
  if (!cwaku_pubkey_from_seckey(&pk, &cfg->nodekey)) {
    fprintf(stderr, "cwaku-node: invalid node key\n");
    return 1;
  }
  cwaku_peer_id_from_secp256k1(&id, &pk);
  if (cwaku_peer_id_to_string(id_text, sizeof id_text, &id) != 0)
    return 1;

  /* Signals are caught before the identity is printed, so a supervisor that
   * waits for that line can stop the node at once without killing it. */
  struct node n;
  memset(&n, 0, sizeof n);
  if (uv_loop_init(&n.loop) != 0)
    return 1;
  uv_signal_init(&n.loop, &n.sigint);
  uv_signal_init(&n.loop, &n.sigterm);
  n.sigint.data = n.sigterm.data = &n;
  uv_signal_start(&n.sigint, on_signal, SIGINT);
  uv_signal_start(&n.sigterm, on_signal, SIGTERM);

  char shards[CWAKU_SHARDS_PER_CLUSTER * 5 + 1] = "";
  size_t off = 0;
  for (size_t i = 0; i < cfg->num_shards; i++)
    off += (size_t)snprintf(shards + off, sizeof shards - off, "%s%u",
                            i ? "," : "", cfg->shards[i]);
  printf("cwaku-node %s\npeer id: %s\ncluster: %u\nshards: %s\n", CWAKU_VERSION,
         id_text, cfg->cluster_id, cfg->num_shards ? shards : "(none)");
  fflush(stdout);

  cwaku_identity_key identity;
  int r = cwaku_identity_from_secp256k1(&identity, &cfg->nodekey)
              ? cwaku_host_new(&n.host, &n.loop, cfg, &identity)
              : CWAKU_EKEY;
  if (!r)
    r = cwaku_host_start(n.host);
  if (!r && cfg->rest)
    r = cwaku_node_rest_start(&n.rest, &n.loop, n.host, cfg);
  if (r) {
    fprintf(stderr, "cwaku-node: cannot start: %s\n", cwaku_strerror(r));
    cwaku_identity_key_clear(&identity);
    return 1;
  }
  cwaku_log(CWAKU_LOG_INFO, "node", "running; stop with Ctrl-C");

  uv_run(&n.loop, UV_RUN_DEFAULT);
  uv_loop_close(&n.loop);
  cwaku_host_free(n.host);
  cwaku_identity_key_clear(&identity);
  cwaku_log(CWAKU_LOG_NOTICE, "node", "stopped");
  return 0;
}

int main(int argc, char **argv) {
  struct cwaku_node_config cfg;
  char err[256] = "";
  cwaku_node_config_init(&cfg);
  if (cwaku_node_config_parse_args(&cfg, err, sizeof err, argc, argv) != 0) {
    cwaku_node_config_clear(&cfg);
    fprintf(stderr, "cwaku-node: %s\nflags:\n%s", err,
            cwaku_node_config_usage());
    return 2;
  }
  int rc = 0;
  if (cfg.show_help)
    printf("usage: cwaku-node [flags]\n%s", cwaku_node_config_usage());
  else if (cfg.show_version)
    printf("cwaku-node %s\n", CWAKU_VERSION);
  else
    rc = run_node(&cfg);
  cwaku_node_config_clear(&cfg);
  return rc;
}
