/* cwaku-tool: inspect and compute Waku values from the command line.
 * Every command prints one JSON object on one line; errors print
 * {"error": "<CWAKU_E name>", "message": "..."} and exit with status 1.
 * A command that ran but reports failures (rln vectors) prints its result
 * as usual and exits with status 1 too. */
#include <errno.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cwaku/encoding.h"
#include "tool.h"

int tool_fail(struct tool_result *res, int err, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(res->message, sizeof res->message, fmt, ap);
  va_end(ap);
  return err;
}

const char *tool_next_value(int *i, int argc, char **argv) {
  if (*i + 1 >= argc)
    return NULL;
  return argv[++*i];
}

int tool_parse_hex(struct tool_result *res, uint8_t **out, size_t *outlen,
                   const char *name, const char *hex) {
  size_t n = strlen(hex) / 2 + 1;
  uint8_t *buf = malloc(n);
  if (!buf)
    return tool_fail(res, CWAKU_ENOMEM, "out of memory");
  if (cwaku_hex_decode(buf, &n, hex, strlen(hex)) != 0) {
    free(buf);
    return tool_fail(res, CWAKU_EENCODING, "%s is not valid hex", name);
  }
  *out = buf;
  *outlen = n;
  return 0;
}

int tool_parse_nodekey(struct tool_result *res, cwaku_seckey *sk,
                       const char *hex) {
  uint8_t *raw;
  size_t len;
  int r = tool_parse_hex(res, &raw, &len, "--nodekey", hex);
  if (r)
    return r;
  int ok = len == CWAKU_SECKEY_BYTES;
  if (ok)
    memcpy(sk->data, raw, len);
  sodium_memzero(raw, len);
  free(raw);
  if (!ok || !cwaku_seckey_is_valid(sk)) {
    sodium_memzero(sk, sizeof *sk);
    return tool_fail(res, CWAKU_EKEY,
                     "--nodekey must be 32 bytes of hex, 0 < key < n");
  }
  return 0;
}

int tool_parse_u64(struct tool_result *res, uint64_t *out, const char *name,
                   const char *text, uint64_t max) {
  char *end;
  if (!text[0] || text[0] < '0' || text[0] > '9')
    return tool_fail(res, CWAKU_EINVAL, "%s must be a decimal number", name);
  errno = 0;
  unsigned long long v = strtoull(text, &end, 10);
  if (errno || *end || v > max)
    return tool_fail(res, CWAKU_EINVAL, "%s must be a number in 0..%llu", name,
                     (unsigned long long)max);
  *out = v;
  return 0;
}

json_t *tool_json_hex(const uint8_t *p, size_t n) {
  size_t len = n * 2 + 1;
  char *s = malloc(len);
  if (!s || cwaku_hex_encode(s, &len, p, n) != 0) {
    free(s);
    return NULL;
  }
  json_t *j = json_string(s);
  free(s);
  return j;
}

/* The mark of a big unsigned number inside a JSON string; the control
 * character cannot occur in any other string we print unescaped. */
#define U64_MARK "\001u64:"
#define U64_MARK_DUMPED "\"\\u0001u64:"

json_t *tool_json_u64(uint64_t v) {
  if (v <= (uint64_t)INT64_MAX)
    return json_integer((json_int_t)v);
  char s[32];
  snprintf(s, sizeof s, U64_MARK "%llu", (unsigned long long)v);
  return json_string(s);
}

/* Rewrites each "\u0001u64:DIGITS" in dumped JSON as DIGITS, in place. */
static void unmark_u64(char *s) {
  char *p;
  while ((p = strstr(s, U64_MARK_DUMPED)) != NULL) {
    char *digits = p + strlen(U64_MARK_DUMPED);
    char *close = strchr(digits, '"');
    if (!close)
      return;
    size_t n = (size_t)(close - digits);
    memmove(p, digits, n);
    memmove(p + n, close + 1, strlen(close + 1) + 1);
  }
}

static int cmd_batch(struct tool_result *res, int argc, char **argv);

static const struct {
  const char *name;
  tool_cmd_fn fn;
  const char *usage;
} commands[] = {
    {"message-hash", tool_cmd_message_hash,
     "message-hash --pubsub-topic T --payload HEX --content-topic C "
     "[--meta HEX] [--timestamp NS]"},
    {"shard", tool_cmd_shard, "shard --content-topic C --cluster N --shards K"},
    {"enr", tool_cmd_enr,
     "enr decode ENR | enr encode --nodekey HEX [--seq N] [--ip A] [--tcp P] "
     "[--udp P] [--ip6 A] [--tcp6 P] [--udp6 P] [--relay] [--store] "
     "[--filter] [--lightpush] [--sync] [--multiaddr MA]... "
     "[--cluster N --shard S...] [--rsv]"},
    {"keygen", tool_cmd_keygen, "keygen [--nodekey HEX]"},
    {"poseidon", tool_cmd_poseidon, "poseidon IN1 [IN2 ...]  (1-8 decimals)"},
    {"zk", tool_cmd_zk, "zk setup --out-zkey PATH --out-vk PATH"},
    {"rln", tool_cmd_rln,
     "rln prove --zkey PATH --inputs JSON|@FILE | rln verify --vk PATH "
     "--proof HEX|JSON --public JSON | rln vectors FILE [--vk PATH] "
     "[--zkey PATH]  (runs an RLN vector file; exit status 1 and "
     "\"N passed, M failed\" on stderr when a test fails)"},
    {"batch", cmd_batch,
     "batch  (reads one JSON array of arguments per line from stdin)"},
};

static int dispatch(struct tool_result *res, int argc, char **argv) {
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp(argv[0], commands[i].name) == 0)
      return commands[i].fn(res, argc, argv);
  return tool_fail(res, CWAKU_EINVAL, "unknown command '%s'", argv[0]);
}

/* Prints the result line; returns the process exit status for it. */
static int print_result(struct tool_result *res, int err) {
  json_t *out = res->json;
  if (err) {
    json_decref(out);
    /* Messages may echo arguments that are not UTF-8, which JSON strings
     * cannot hold: such bytes are shown as '?'. */
    for (char *p = res->message; *p; p++)
      if ((unsigned char)*p >= 0x80 || (unsigned char)*p < 0x20)
        *p = '?';
    out = json_pack("{s:s,s:s}", "error", cwaku_errname(err), "message",
                    res->message[0] ? res->message : cwaku_strerror(err));
  }
  char *s = out ? json_dumps(out, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
  if (s) {
    unmark_u64(s);
    puts(s);
  } else
    puts("{\"error\":\"CWAKU_ENOMEM\",\"message\":\"out of memory\"}");
  free(s);
  json_decref(out);
  res->json = NULL;
  if (!err && res->note[0]) {
    fflush(stdout);
    fprintf(stderr, "%s\n", res->note);
  }
  return err ? 1 : res->status;
}

static int run_one(int argc, char **argv) {
  struct tool_result res = {0};
  int err = dispatch(&res, argc, argv);
  return print_result(&res, err);
}

/* One JSON array of strings per line in, one result line out, so test
 * harnesses need not start a process per case. */
static int cmd_batch(struct tool_result *res, int argc, char **argv) {
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  while ((n = getline(&line, &cap, stdin)) > 0) {
    json_error_t jerr;
    json_t *arr = json_loadb(line, (size_t)n, 0, &jerr);
    size_t count = json_is_array(arr) ? json_array_size(arr) : 0;
    char **args = count ? calloc(count + 1, sizeof *args) : NULL;
    int ok = args != NULL;
    for (size_t i = 0; ok && i < count; i++) {
      args[i] = (char *)json_string_value(json_array_get(arr, i));
      ok = args[i] != NULL;
    }
    if (ok && strcmp(args[0], "batch") != 0) {
      run_one((int)count, args);
    } else {
      struct tool_result bad = {0};
      print_result(&bad, tool_fail(&bad, CWAKU_EINVAL,
                                   "batch lines are JSON arrays of strings "
                                   "naming a command other than batch"));
    }
    fflush(stdout);
    free(args);
    json_decref(arr);
  }
  free(line);
  res->json = NULL;
  return 0;
}

static void usage(FILE *f) {
  fprintf(f, "cwaku-tool %s\nusage:\n", CWAKU_VERSION);
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    fprintf(f, "  cwaku-tool %s\n", commands[i].usage);
}

int main(int argc, char **argv) {
  if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
      strcmp(argv[1], "-h") == 0) {
    usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  if (strcmp(argv[1], "batch") == 0) {
    struct tool_result res = {0};
    return cmd_batch(&res, argc - 1, argv + 1);
  }
  return run_one(argc - 1, argv + 1);
}
