/*
 * Retainers, essential edges, dominators (Lengauer-Tarjan, the simple
 * version of the paper, with DevTools' handling of nodes the root does not
 * reach) and distances.  See dominators.h.
 */
#include "leakcheck/dominators.h"

#include <stdlib.h>
#include <string.h>

#include "leakcheck/buf.h"

#include "leakcheck/banned.h"

static const char wm_key[] = " / part of key (";
static const char wm_value[] = ") -> value (";
static const char wm_table[] = " pair in WeakMap (table @";

static int
is_digit(char c)
{
  return c >= '0' && c <= '9';
}

/* Nonzero when s[0..n) ends with " @" followed by at least one digit. */
static int
ends_with_at_id(const char *s, size_t n)
{
  size_t k = n;
  while (k > 0 && is_digit(s[k - 1]))
    k--;
  return k < n && k >= 2 && s[k - 1] == '@' && s[k - 2] == ' ';
}

int
lc_weakmap_edge(const struct lc_snapshot *s, uint32_t e, uint32_t *table_id,
                const char **dup)
{
  const char *name, *p, *mid, *end, *t;
  size_t len, midlen, k;
  uint64_t id = 0;
  if (s->edge_type[e] == LC_ET_ELEMENT || s->edge_type[e] == LC_ET_HIDDEN)
    return 0;
  name = lc_snapshot_str(s, s->edge_name[e]);
  if (!is_digit(name[0]))
    return 0;
  for (p = name; is_digit(*p); p++)
    ;
  if (strncmp(p, wm_key, sizeof(wm_key) - 1) != 0)
    return 0;
  mid = p + sizeof(wm_key) - 1;
  len = strlen(name);
  end = name + len;
  if (end - mid < 2 || end[-1] != ')')
    return 0;
  /* The table id: digits before the final ')'. */
  t = end - 1;
  while (t > mid && is_digit(t[-1]))
    t--;
  if (t == end - 1)
    return 0;
  /* A table id beyond any node id still makes a WeakMap name (DevTools
   * compares it as a number): 0, which no node has, stands for it. */
  for (k = 0; t + k < end - 1; k++) {
    id = id * 10 + (uint64_t)(t[k] - '0');
    if (id > UINT32_MAX) {
      id = 0;
      break;
    }
  }
  if ((size_t)(t - mid) < sizeof(wm_table) - 1 ||
      memcmp(t - (sizeof(wm_table) - 1), wm_table, sizeof(wm_table) - 1) != 0)
    return 0;
  /* mid .. the table suffix must read "K @1) -> value (V @2)", where K and
   * V are matched by JavaScript's `.`, which stops at line terminators. */
  midlen = (size_t)(t - (sizeof(wm_table) - 1) - mid);
  for (k = 0; k < midlen; k++) {
    unsigned char c = (unsigned char)mid[k];
    if (c == '\n' || c == '\r' ||
        (c == 0xE2 && k + 2 < midlen && (unsigned char)mid[k + 1] == 0x80 &&
         ((unsigned char)mid[k + 2] == 0xA8 ||
          (unsigned char)mid[k + 2] == 0xA9)))
      return 0;
  }
  if (midlen < 1 || mid[midlen - 1] != ')' || !ends_with_at_id(mid, midlen - 1))
    return 0;
  for (k = 0; k + sizeof(wm_value) - 1 <= midlen; k++) {
    const char *v;
    size_t rest;
    if (memcmp(mid + k, wm_value, sizeof(wm_value) - 1) != 0)
      continue;
    v = mid + k + sizeof(wm_value) - 1;
    rest = midlen - (size_t)(v - mid);
    /* The value part must hold its own " @N)" tail. */
    if (ends_with_at_id(mid, k) && rest >= 4 && ends_with_at_id(v, rest - 1)) {
      *table_id = (uint32_t)id;
      *dup = p;
      return 1;
    }
  }
  return 0;
}

/* ---- names the rules look for, by string index -------------------------- */

enum {
  NAME_SLOPPY_FUNCTION_MAP = 1,
  NAME_NATIVE_CONTEXT = 2,
  NAME_MAP_DESCRIPTORS = 4,
  NAME_NOT_WEAKMAP = 8, /* an edge name known not to be a WeakMap pair */
  NAME_WEAKMAP = 16     /* ... known to be one */
};

/* One flag byte per string, so that the per-edge rules compare bytes, not
 * strings (DevTools caches the WeakMap test per name the same way). */
static uint8_t *
name_flags(const struct lc_snapshot *s)
{
  uint8_t *f = lc_xcalloc((size_t)s->string_count + 1, 1);
  uint32_t i;
  for (i = 0; i < s->string_count; i++) {
    const char *t = lc_snapshot_str(s, i);
    if (t[0] == 's' && strcmp(t, "sloppy_function_map") == 0)
      f[i] |= NAME_SLOPPY_FUNCTION_MAP;
    else if (t[0] == 's' && strcmp(t, "system / NativeContext") == 0)
      f[i] |= NAME_NATIVE_CONTEXT;
    else if (t[0] == '(' && strcmp(t, "(map descriptors)") == 0)
      f[i] |= NAME_MAP_DESCRIPTORS;
  }
  return f;
}

/* lc_weakmap_edge for internal edges, remembering "no" per name. */
static int
weakmap_edge_cached(const struct lc_snapshot *s, uint8_t *flags, uint32_t e,
                    uint32_t *table, const char **dup)
{
  uint32_t n = s->edge_name[e];
  if (flags[n] & NAME_NOT_WEAKMAP)
    return 0;
  if (lc_weakmap_edge(s, e, table, dup))
    return 1;
  flags[n] |= NAME_NOT_WEAKMAP;
  return 0;
}

/* ---- retainers ---------------------------------------------------------- */

static void
build_retainers(struct lc_graph *g, const struct lc_snapshot *s)
{
  uint32_t n = s->node_count, e, v, *fill;
  g->first_retainer = lc_xcalloc((size_t)n + 2, sizeof(uint32_t));
  g->retainer_node = lc_xmalloc(((size_t)s->edge_count + 1) * sizeof(uint32_t));
  g->retainer_essential = lc_xcalloc(((size_t)s->edge_count + 8) / 8, 1);
  for (e = 0; e < s->edge_count; e++)
    g->first_retainer[s->edge_to[e] + 1]++;
  for (v = 0; v < n; v++)
    g->first_retainer[v + 1] += g->first_retainer[v];
  fill = lc_xmalloc(((size_t)n + 1) * sizeof(uint32_t));
  memcpy(fill, g->first_retainer, (size_t)n * sizeof(uint32_t));
  for (v = 0; v < n; v++) {
    for (e = s->node_first_edge[v]; e < s->node_first_edge[v + 1]; e++) {
      uint32_t slot = fill[s->edge_to[e]]++;
      g->retainer_node[slot] = v;
      if (lc_graph_essential(g, e))
        g->retainer_essential[slot >> 3] |= (uint8_t)(1u << (slot & 7));
    }
  }
  free(fill);
}

/* ---- page-owned flag and essential edges -------------------------------- */

static int
is_dom_trees_root(const struct lc_snapshot *s, uint32_t v)
{
  return s->node_type[v] == LC_NT_SYNTHETIC &&
         strcmp(lc_snapshot_str(s, s->node_name[v]), "(Document DOM trees)") ==
             0;
}

static void
mark_page_owned(struct lc_graph *g, const struct lc_snapshot *s)
{
  uint32_t n = s->node_count, *stack, e;
  size_t sp = 0;
  g->page_owned = lc_xcalloc((size_t)n + 1, 1);
  if (!n)
    return;
  stack = lc_xmalloc(((size_t)n + 1) * sizeof(uint32_t));
  for (e = s->node_first_edge[0]; e < s->node_first_edge[1]; e++) {
    uint32_t t = s->edge_to[e];
    if (s->edge_type[e] == LC_ET_ELEMENT) {
      if (!is_dom_trees_root(s, t))
        continue;
    } else if (s->edge_type[e] != LC_ET_SHORTCUT) {
      continue;
    }
    /* A node may be seeded twice; visiting it twice is harmless. */
    stack[sp++] = t;
    g->page_owned[t] = 1;
  }
  while (sp) {
    uint32_t v = stack[--sp];
    for (e = s->node_first_edge[v]; e < s->node_first_edge[v + 1]; e++) {
      uint32_t t = s->edge_to[e];
      if (g->page_owned[t] || s->edge_type[e] == LC_ET_WEAK)
        continue;
      g->page_owned[t] = 1;
      stack[sp++] = t;
    }
  }
  free(stack);
}

static void
mark_essential(struct lc_graph *g, const struct lc_snapshot *s, uint8_t *flags)
{
  uint32_t v, e;
  g->essential = lc_xcalloc(((size_t)s->edge_count + 8) / 8, 1);
  for (v = 0; v < s->node_count; v++) {
    for (e = s->node_first_edge[v]; e < s->node_first_edge[v + 1]; e++) {
      uint8_t t = s->edge_type[e];
      uint32_t to = s->edge_to[e], table;
      const char *dup;
      if (t == LC_ET_INTERNAL &&
          weakmap_edge_cached(s, flags, e, &table, &dup) &&
          s->node_id[v] == table)
        continue;
      if (t == LC_ET_WEAK || to == v)
        continue;
      if (v != 0) {
        if (t == LC_ET_SHORTCUT)
          continue;
        if (g->page_owned[to] && !g->page_owned[v])
          continue;
      }
      g->essential[e >> 3] |= (uint8_t)(1u << (e & 7));
    }
  }
}

/* ---- dominators -----------------------------------------------------------
 */

/* Lengauer-Tarjan over vertices numbered 1..n (vertex = ordinal + 1), with 0
 * as "none", as in the paper. */
struct lt {
  uint32_t *parent, *ancestor, *vertex, *label, *semi, *dom;
  uint32_t *bucket_head, *bucket_next, *next_edge, *stack;
  uint32_t n; /* vertices numbered so far */
};

static void
lt_dfs(struct lt *t, const struct lc_graph *g, const struct lc_snapshot *s,
       uint32_t root)
{
  uint32_t v = root;
  t->next_edge[root - 1] = s->node_first_edge[root - 1];
  while (v) {
    uint32_t vn, vo = v - 1;
    if (!t->semi[v]) {
      t->semi[v] = ++t->n;
      t->vertex[t->n] = t->label[v] = v;
    }
    vn = t->parent[v];
    for (; t->next_edge[vo] < s->node_first_edge[vo + 1]; t->next_edge[vo]++) {
      uint32_t e = t->next_edge[vo], w;
      if (!lc_graph_essential(g, e))
        continue;
      w = s->edge_to[e] + 1;
      if (!t->semi[w]) {
        t->parent[w] = v;
        t->next_edge[w - 1] = s->node_first_edge[w - 1];
        vn = w;
        break;
      }
    }
    v = vn;
  }
}

static void
lt_compress(struct lt *t, uint32_t v)
{
  uint32_t sp = 0;
  while (t->ancestor[t->ancestor[v]]) {
    t->stack[++sp] = v;
    v = t->ancestor[v];
  }
  while (sp) {
    uint32_t w = t->stack[sp--];
    if (t->semi[t->label[t->ancestor[w]]] < t->semi[t->label[w]])
      t->label[w] = t->label[t->ancestor[w]];
    t->ancestor[w] = t->ancestor[t->ancestor[w]];
  }
}

static uint32_t
lt_eval(struct lt *t, uint32_t v)
{
  if (!t->ancestor[v])
    return v;
  lt_compress(t, v);
  return t->label[v];
}

static int
retainer_essential(const struct lc_graph *g, uint32_t r)
{
  return (g->retainer_essential[r >> 3] >> (r & 7)) & 1;
}

static int
only_weak_retainers(const struct lc_graph *g, uint32_t o)
{
  uint32_t r;
  for (r = g->first_retainer[o]; r < g->first_retainer[o + 1]; r++)
    if (retainer_essential(g, r))
      return 0;
  return 1;
}

static void
build_dominators(struct lc_graph *g, const struct lc_snapshot *s,
                 const uint64_t *self)
{
  uint32_t n = s->node_count, i, r = 1;
  size_t len = (size_t)n + 1;
  struct lt t;
  if (!n)
    return;
  t.parent = lc_xcalloc(len, sizeof(uint32_t));
  t.ancestor = lc_xcalloc(len, sizeof(uint32_t));
  t.vertex = lc_xcalloc(len, sizeof(uint32_t));
  t.label = lc_xcalloc(len, sizeof(uint32_t));
  t.semi = lc_xcalloc(len, sizeof(uint32_t));
  t.dom = lc_xcalloc(len, sizeof(uint32_t));
  t.bucket_head = lc_xcalloc(len, sizeof(uint32_t));
  t.bucket_next = lc_xcalloc(len, sizeof(uint32_t));
  /* next_edge serves the DFS only, the compression stack the main loop
   * only: one array for both. */
  t.next_edge = lc_xcalloc(len + 1, sizeof(uint32_t));
  t.stack = t.next_edge;
  t.n = 0;

  lt_dfs(&t, g, s, r);
  /* Nodes with only weak retainers hang under the root, in ordinal order;
   * then what is left (cliques retaining one another), one by one. */
  if (t.n < n)
    for (i = 1; i <= n; i++)
      if (!t.semi[i] && only_weak_retainers(g, i - 1)) {
        t.parent[i] = r;
        lt_dfs(&t, g, s, i);
      }
  if (t.n < n)
    for (i = 1; i <= n; i++)
      if (!t.semi[i]) {
        t.parent[i] = r;
        t.semi[i] = ++t.n;
        t.vertex[t.n] = t.label[i] = i;
      }

  for (i = t.n; i >= 2; i--) {
    uint32_t w = t.vertex[i], wo = w - 1, k, p, v, next;
    int orphan = 1;
    for (k = g->first_retainer[wo]; k < g->first_retainer[wo + 1]; k++) {
      uint32_t u;
      if (!retainer_essential(g, k))
        continue;
      orphan = 0;
      u = lt_eval(&t, g->retainer_node[k] + 1);
      if (t.semi[u] < t.semi[w])
        t.semi[w] = t.semi[u];
    }
    if (orphan)
      t.semi[w] = t.semi[r];
    /* add w to bucket(vertex[semi[w]]); each vertex is in one bucket */
    v = t.vertex[t.semi[w]];
    t.bucket_next[w] = t.bucket_head[v];
    t.bucket_head[v] = w;
    p = t.parent[w];
    t.ancestor[w] = p; /* link(parent[w], w) */
    for (v = t.bucket_head[p]; v; v = next) {
      uint32_t u = lt_eval(&t, v);
      next = t.bucket_next[v];
      t.dom[v] = t.semi[u] < t.semi[v] ? u : p;
    }
    t.bucket_head[p] = 0;
  }
  t.dom[0] = t.dom[r] = r;
  for (i = 2; i <= t.n; i++) {
    uint32_t w = t.vertex[i];
    if (t.dom[w] != t.vertex[t.semi[w]])
      t.dom[w] = t.dom[t.dom[w]];
  }

  /* dom becomes idom by ordinal, in place; vertex (the DFS order) is kept
   * for summing retained sizes bottom-up. */
  for (i = 0; i < n; i++)
    t.dom[i] = t.dom[i + 1] - 1;
  g->idom = lc_xrealloc(t.dom, len * sizeof(uint32_t));
  g->dfs_order = t.vertex;
  g->dfs_count = t.n;
  if (self)
    lc_graph_retained(g, self);

  free(t.parent);
  free(t.ancestor);
  free(t.label);
  free(t.semi);
  free(t.bucket_head);
  free(t.bucket_next);
  free(t.next_edge);
}

/* ---- distances ------------------------------------------------------------
 */

/* A set of WeakMap pair names (the shared part), for the distance filter:
 * the first edge of each pair is skipped, the second passes. */
struct nameset {
  const char **slot; /* NULL empty, tomb for deleted */
  size_t nslots, used;
};

static const char tomb[] = "";

static uint64_t
hash_str(const char *s)
{
  uint64_t h = 1469598103934665603ULL;
  for (; *s; s++) {
    h ^= (unsigned char)*s;
    h *= 1099511628211ULL;
  }
  return h;
}

/* Toggles `name`: returns 1 when it was present (and is now removed), 0
 * when it was absent (and is now added). */
static int
nameset_toggle(struct nameset *ns, const char *name)
{
  size_t j, first_free = (size_t)-1;
  if ((ns->used + 1) * 2 > ns->nslots) {
    struct nameset big;
    size_t k;
    big.nslots = ns->nslots ? ns->nslots * 2 : 64;
    big.slot = lc_xcalloc(big.nslots, sizeof(char *));
    big.used = 0;
    for (k = 0; k < ns->nslots; k++) {
      const char *x = ns->slot[k];
      if (x && x != tomb) {
        size_t m = hash_str(x) & (big.nslots - 1);
        while (big.slot[m])
          m = (m + 1) & (big.nslots - 1);
        big.slot[m] = x;
        big.used++;
      }
    }
    free(ns->slot);
    *ns = big;
  }
  j = hash_str(name) & (ns->nslots - 1);
  while (ns->slot[j]) {
    if (ns->slot[j] == tomb) {
      if (first_free == (size_t)-1)
        first_free = j;
    } else if (strcmp(ns->slot[j], name) == 0) {
      ns->slot[j] = tomb;
      return 1;
    }
    j = (j + 1) & (ns->nslots - 1);
  }
  if (first_free == (size_t)-1) {
    first_free = j;
    ns->used++;
  }
  ns->slot[first_free] = name;
  return 0;
}

/* JavaScript's parseInt(name, 10) for the (map descriptors) rule; returns 0
 * for NaN. */
static int
js_parse_int(const char *s, long long *out)
{
  int neg = 0, any = 0;
  long long v = 0;
  while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f' ||
         *s == '\v')
    s++;
  if (*s == '+' || *s == '-')
    neg = *s++ == '-';
  for (; is_digit(*s); s++) {
    any = 1;
    if (v < (1LL << 50))
      v = v * 10 + (*s - '0');
  }
  *out = neg ? -v : v;
  return any;
}

struct bfs_ctx {
  const struct lc_snapshot *s;
  int32_t *dist;
  uint32_t *via; /* may be NULL: the edge that reached each node */
  uint32_t *queue;
  struct nameset pending;
  uint8_t *flags; /* name_flags() */
};

/* DevTools' distance filter (JSHeapSnapshot.calculateDistances). */
static int
bfs_filter(struct bfs_ctx *c, uint32_t v, uint32_t e)
{
  const struct lc_snapshot *s = c->s;
  uint8_t vt = s->node_type[v];
  uint8_t et = s->edge_type[e];
  if (vt == LC_NT_HIDDEN && et != LC_ET_ELEMENT && et != LC_ET_HIDDEN &&
      (c->flags[s->edge_name[e]] & NAME_SLOPPY_FUNCTION_MAP) &&
      (c->flags[s->node_name[v]] & NAME_NATIVE_CONTEXT))
    return 0;
  if (vt == LC_NT_ARRAY && (c->flags[s->node_name[v]] & NAME_MAP_DESCRIPTORS)) {
    long long index;
    int ok;
    if (et == LC_ET_ELEMENT || et == LC_ET_HIDDEN) {
      index = s->edge_name[e];
      ok = 1;
    } else {
      ok = js_parse_int(lc_snapshot_str(s, s->edge_name[e]), &index);
    }
    return !ok || index < 2 || index % 3 != 1;
  }
  if (et == LC_ET_INTERNAL) {
    uint32_t table;
    const char *dup;
    if (weakmap_edge_cached(s, c->flags, e, &table, &dup))
      return nameset_toggle(&c->pending, dup);
  }
  return 1;
}

static void
bfs(struct bfs_ctx *c, size_t len)
{
  const struct lc_snapshot *s = c->s;
  size_t i = 0;
  while (i < len) {
    uint32_t v = c->queue[i++], e;
    int32_t d = c->dist[v] + 1;
    for (e = s->node_first_edge[v]; e < s->node_first_edge[v + 1]; e++) {
      uint32_t t = s->edge_to[e];
      if (s->edge_type[e] == LC_ET_WEAK || c->dist[t] != LC_DISTANCE_NONE)
        continue;
      if (!bfs_filter(c, v, e))
        continue;
      c->dist[t] = d;
      if (c->via)
        c->via[t] = e;
      c->queue[len++] = t;
    }
  }
}

static void
build_distances(struct lc_graph *g, const struct lc_snapshot *s, int paths,
                uint8_t *flags)
{
  struct bfs_ctx c;
  uint32_t n = s->node_count, i, e;
  size_t len = 0;
  if (!n)
    return;
  memset(&c, 0, sizeof(c));
  c.s = s;
  c.flags = flags;
  c.dist = lc_xmalloc(((size_t)n + 1) * sizeof(int32_t));
  /* Each node is queued once per pass at most, plus repeated roots. */
  c.queue =
      lc_xmalloc(((size_t)n + s->node_first_edge[1] + 1) * sizeof(uint32_t));
  for (i = 0; i < n; i++)
    c.dist[i] = LC_DISTANCE_NONE;
  if (paths) {
    c.via = lc_xmalloc(((size_t)n + 1) * sizeof(uint32_t));
    memset(c.via, 0xff, ((size_t)n + 1) * sizeof(uint32_t));
  }
  for (e = s->node_first_edge[0]; e < s->node_first_edge[1]; e++) {
    uint32_t t = s->edge_to[e];
    if (s->node_type[t] != LC_NT_SYNTHETIC || is_dom_trees_root(s, t)) {
      c.dist[t] = 1;
      c.queue[len++] = t;
    }
  }
  bfs(&c, len);
  c.dist[0] = len > 0 ? LC_DISTANCE_BASE_SYSTEM : 0;
  c.queue[0] = 0;
  bfs(&c, 1);
  g->distance = c.dist;
  g->bfs_edge = c.via;
  free(c.queue);
  free(c.pending.slot);
}

/* The edge's source node: edges are grouped by source, in node order. */
static uint32_t
edge_source(const struct lc_graph *g, const struct lc_snapshot *s, uint32_t e)
{
  uint32_t lo = 0, hi = s->node_count;
  (void)g;
  if (e >= s->edge_count)
    return UINT32_MAX;
  /* The last node whose first edge is <= e, among those owning edges. */
  while (hi - lo > 1) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (s->node_first_edge[mid] <= e)
      lo = mid;
    else
      hi = mid;
  }
  while (lo + 1 < s->node_count && s->node_first_edge[lo + 1] <= e)
    lo++;
  return lo;
}

static void
add_node(struct lc_buf *out, const struct lc_snapshot *s, uint32_t v,
         const char *(*class_of)(void *, uint32_t), void *ctx)
{
  const char *name = class_of ? class_of(ctx, v) : NULL;
  if (!name)
    name = lc_snapshot_str(s, s->node_name[v]);
  lc_buf_addf(out, "%s @%u", name[0] ? name : "(root)", s->node_id[v]);
}

static void
add_edge(struct lc_buf *out, const struct lc_snapshot *s, uint32_t e)
{
  static const char *const type[] = {"context",  "element", "property",
                                     "internal", "hidden",  "shortcut",
                                     "weak",     "edge"};
  uint8_t t = s->edge_type[e];
  if (t == LC_ET_ELEMENT || t == LC_ET_HIDDEN)
    lc_buf_addf(out, "[%u]", s->edge_name[e]);
  else
    lc_buf_addstr(out, lc_snapshot_str(s, s->edge_name[e]));
  lc_buf_addf(out, " (%s)", type[t < 8 ? t : 7]);
}

void
lc_graph_retained(struct lc_graph *g, const uint64_t *self)
{
  uint32_t i, n = g->node_count;
  if (!g->idom || !g->dfs_order)
    return;
  free(g->retained);
  g->retained = lc_xmalloc(((size_t)n + 1) * sizeof(uint64_t));
  for (i = 0; i < n; i++)
    g->retained[i] = self[i];
  /* Children before their dominator: reverse DFS order. */
  for (i = g->dfs_count; i > 1; i--) {
    uint32_t o = g->dfs_order[i] - 1;
    g->retained[g->idom[o]] += g->retained[o];
  }
  free(g->dfs_order);
  g->dfs_order = NULL;
}

static void *
graph_thread(void *arg)
{
  struct lc_graph_job *job = arg;
  lc_graph_build(job->g, job->s, NULL, job->what, NULL);
  return NULL;
}

void
lc_graph_start(struct lc_graph_job *job, struct lc_graph *g,
               const struct lc_snapshot *s, unsigned what)
{
  job->g = g;
  job->s = s;
  job->what = what;
  job->threaded = pthread_create(&job->thread, NULL, graph_thread, job) == 0;
  if (!job->threaded)
    graph_thread(job);
}

void
lc_graph_finish(struct lc_graph_job *job, const uint64_t *self)
{
  if (job->threaded)
    pthread_join(job->thread, NULL);
  job->threaded = 0;
  if (self)
    lc_graph_retained(job->g, self);
}

long
lc_graph_path(const struct lc_graph *g, const struct lc_snapshot *s,
              uint32_t node, const char *(*class_of)(void *ctx, uint32_t node),
              void *ctx, struct lc_buf *out)
{
  uint32_t *hops, v = node;
  size_t n = 0, cap = 16;
  long i;
  /* Reached by the BFS: through an edge, or as a user root itself. */
  if (!g->bfs_edge || !g->distance || node >= s->node_count ||
      g->distance[node] == LC_DISTANCE_NONE) {
    lc_buf_addstr(out, "unreachable from the roots");
    return -1;
  }
  hops = lc_xmalloc(cap * sizeof(uint32_t));
  while (v != 0 && g->bfs_edge[v] != UINT32_MAX) {
    uint32_t src = edge_source(g, s, g->bfs_edge[v]);
    LC_ALLOC_GROW(hops, n + 1, cap);
    hops[n++] = g->bfs_edge[v];
    if (src == UINT32_MAX || n > s->node_count)
      break;
    v = src;
  }
  /* Top-down: the first node below the snapshot root (a user root such as
   * the global object, or a GC root category), then "edge → node" hops. */
  v = n ? edge_source(g, s, hops[n - 1]) : node;
  if (v != 0)
    add_node(out, s, v, class_of, ctx);
  for (i = (long)n - 1; i >= 0; i--) {
    uint32_t e = hops[i];
    if (i == (long)n - 1 && v == 0) {
      add_node(out, s, s->edge_to[e], class_of, ctx);
      continue;
    }
    lc_buf_addstr(out, " → ");
    add_edge(out, s, e);
    lc_buf_addstr(out, " → ");
    add_node(out, s, s->edge_to[e], class_of, ctx);
  }
  free(hops);
  /* The edges shown: the root's own edge to where the path starts is not. */
  return n && v == 0 ? (long)n - 1 : (long)n;
}

int
lc_graph_build(struct lc_graph *g, const struct lc_snapshot *s,
               const uint64_t *self, unsigned what, struct lc_err *err)
{
  uint8_t *flags;
  (void)err;
  memset(g, 0, sizeof(*g));
  g->node_count = s->node_count;
  flags = name_flags(s);
  if (what & LC_GRAPH_DOMINATORS) {
    mark_page_owned(g, s);
    mark_essential(g, s, flags);
    build_retainers(g, s);
    build_dominators(g, s, self);
  }
  if (what & (LC_GRAPH_DISTANCES | LC_GRAPH_PATHS))
    build_distances(g, s, (what & LC_GRAPH_PATHS) != 0, flags);
  free(flags);
  return 0;
}

void
lc_graph_release(struct lc_graph *g)
{
  free(g->first_retainer);
  free(g->retainer_essential);
  free(g->retainer_node);
  free(g->page_owned);
  free(g->essential);
  free(g->idom);
  free(g->dfs_order);
  free(g->retained);
  free(g->distance);
  free(g->bfs_edge);
  memset(g, 0, sizeof(*g));
}
