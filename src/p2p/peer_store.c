#include "peer_store.h"

#include <stdlib.h>
#include <string.h>

struct cwaku_peer_store {
  size_t capacity;
  size_t n;
  struct cwaku_peer *peers; /* unordered; lookups are linear for now */
};

int cwaku_peer_store_new(struct cwaku_peer_store **out, size_t capacity) {
  struct cwaku_peer_store *ps = calloc(1, sizeof *ps);
  if (!ps || capacity == 0)
    goto fail;
  ps->peers = calloc(capacity, sizeof *ps->peers);
  if (!ps->peers)
    goto fail;
  ps->capacity = capacity;
  *out = ps;
  return 0;
fail:
  free(ps);
  return capacity ? CWAKU_ENOMEM : CWAKU_EINVAL;
}

void cwaku_peer_store_free(struct cwaku_peer_store *ps) {
  if (ps)
    free(ps->peers);
  free(ps);
}

static bool same_id(const cwaku_peer_id *a, const cwaku_peer_id *b) {
  return a->len == b->len && memcmp(a->data, b->data, a->len) == 0;
}

struct cwaku_peer *cwaku_peer_store_get(struct cwaku_peer_store *ps,
                                        const cwaku_peer_id *id) {
  for (size_t i = 0; i < ps->n; i++)
    if (same_id(&ps->peers[i].id, id))
      return &ps->peers[i];
  return NULL;
}

size_t cwaku_peer_store_count(const struct cwaku_peer_store *ps) {
  return ps->n;
}

struct cwaku_peer *cwaku_peer_store_upsert(struct cwaku_peer_store *ps,
                                           const cwaku_peer_id *id,
                                           enum cwaku_peer_source source,
                                           uint64_t now_ns) {
  struct cwaku_peer *p = cwaku_peer_store_get(ps, id);
  if (!p) {
    if (ps->n < ps->capacity) {
      p = &ps->peers[ps->n++];
    } else {
      /* Evict the disconnected peer seen longest ago; static peers stay. */
      for (size_t i = 0; i < ps->n; i++) {
        struct cwaku_peer *q = &ps->peers[i];
        if (q->connected || q->source == CWAKU_PEER_SOURCE_STATIC)
          continue;
        if (!p || q->last_seen_ns < p->last_seen_ns)
          p = q;
      }
      if (!p)
        return NULL;
    }
    memset(p, 0, sizeof *p);
    p->id = *id;
    p->source = source;
  }
  p->last_seen_ns = now_ns;
  return p;
}

void cwaku_peer_add_addr(struct cwaku_peer *p, const uint8_t *addr,
                         size_t len) {
  if (len == 0 || len > CWAKU_PEER_MAX_ADDR_BYTES)
    return;
  for (size_t i = 0; i < p->n_addrs; i++)
    if (p->addr_len[i] == len && memcmp(p->addrs[i], addr, len) == 0)
      return;
  if (p->n_addrs == CWAKU_PEER_MAX_ADDRS) {
    memmove(p->addrs, p->addrs + 1, sizeof p->addrs[0] * (p->n_addrs - 1));
    memmove(p->addr_len, p->addr_len + 1, p->n_addrs - 1);
    p->n_addrs--;
  }
  memcpy(p->addrs[p->n_addrs], addr, len);
  p->addr_len[p->n_addrs++] = (uint8_t)len;
}

void cwaku_peer_set_protocols(struct cwaku_peer *p, const char *const *ids,
                              const size_t *lens, size_t n) {
  p->n_protocols = 0;
  for (size_t i = 0; i < n && p->n_protocols < CWAKU_PEER_MAX_PROTOCOLS; i++) {
    if (lens[i] == 0 || lens[i] > CWAKU_PEER_MAX_PROTOCOL_LEN ||
        memchr(ids[i], 0, lens[i]))
      continue;
    memcpy(p->protocols[p->n_protocols], ids[i], lens[i]);
    p->protocols[p->n_protocols++][lens[i]] = 0;
  }
}

void cwaku_peer_set_agent(struct cwaku_peer *p, const char *agent, size_t len) {
  if (len > CWAKU_PEER_AGENT_MAX)
    len = CWAKU_PEER_AGENT_MAX;
  memcpy(p->agent, agent, len);
  p->agent[len] = 0;
  /* An agent is shown in logs: keep it printable. */
  for (size_t i = 0; i < len; i++)
    if ((unsigned char)p->agent[i] < 0x20 || p->agent[i] == 0x7f)
      p->agent[i] = '?';
}

bool cwaku_peer_supports(const struct cwaku_peer *p, const char *protocol) {
  for (size_t i = 0; i < p->n_protocols; i++)
    if (strcmp(p->protocols[i], protocol) == 0)
      return true;
  return false;
}

void cwaku_peer_store_foreach(const struct cwaku_peer_store *ps,
                              void (*fn)(const struct cwaku_peer *p, void *arg),
                              void *arg) {
  for (size_t i = 0; i < ps->n; i++)
    fn(&ps->peers[i], arg);
}
