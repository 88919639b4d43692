/*
 * Essential edges, dominators (Semi-NCA, with DevTools' handling of nodes
 * the root does not reach) and distances.  See dominators.h.
 */
#include "heap/graph.h"

#include <stdlib.h>
#include <string.h>

#include "base/strmap.h"
#include "base/trace.h"
#include "leakcheck/buf.h"

#include "base/banned.h"

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
  if (lc_snapshot_edge_type(s, e) == LC_ET_ELEMENT ||
      lc_snapshot_edge_type(s, e) == LC_ET_HIDDEN)
    return 0;
  name = lc_snapshot_str(s, lc_snapshot_edge_name(s, e));
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
  uint8_t *f = lc_xcalloc_sparse((size_t)s->string_count + 1, 1);
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
  uint32_t n = lc_snapshot_edge_name(s, e);
  if (flags[n] & NAME_NOT_WEAKMAP)
    return 0;
  if (lc_weakmap_edge(s, e, table, dup))
    return 1;
  flags[n] |= NAME_NOT_WEAKMAP;
  return 0;
}

/* ---- bitsets ------------------------------------------------------------ */

static uint8_t *
bits_new(size_t n)
{
  return lc_xcalloc(n / 8 + 1, 1);
}

static int
bit_get(const uint8_t *b, size_t i)
{
  return (b[i >> 3] >> (i & 7)) & 1;
}

static void
bit_set(uint8_t *b, size_t i)
{
  b[i >> 3] |= (uint8_t)(1u << (i & 7));
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
  const struct lc_edges ev = lc_snapshot_edges(s);
  uint32_t n = s->node_count, *stack, e;
  size_t sp = 0;
  g->page_owned = bits_new(n);
  if (!n)
    return;
  /* Each node is pushed once at most. */
  stack = lc_xmalloc(((size_t)n + 1) * sizeof(uint32_t));
  for (e = s->node_first_edge[0]; e < s->node_first_edge[1]; e++) {
    uint32_t t = lc_edges_to(&ev, e);
    if (lc_edges_type(&ev, e) == LC_ET_ELEMENT) {
      if (!is_dom_trees_root(s, t))
        continue;
    } else if (lc_edges_type(&ev, e) != LC_ET_SHORTCUT) {
      continue;
    }
    if (bit_get(g->page_owned, t))
      continue;
    stack[sp++] = t;
    bit_set(g->page_owned, t);
  }
  /* Nodes without edges are marked, not pushed: the stack's touched part
   * stays small on a heap of many leaves (one array of a million numbers). */
  while (sp) {
    uint32_t v = stack[--sp];
    for (e = s->node_first_edge[v]; e < s->node_first_edge[v + 1]; e++) {
      uint32_t t = lc_edges_to(&ev, e);
      if (bit_get(g->page_owned, t) || lc_edges_type(&ev, e) == LC_ET_WEAK)
        continue;
      bit_set(g->page_owned, t);
      if (s->node_first_edge[t] != s->node_first_edge[t + 1])
        stack[sp++] = t;
    }
  }
  free(stack);
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

/*
 * One pass over the edges for both per-edge verdicts (fewer passes: each
 * edge's type, target and name are read once):
 *
 * LC_GRAPH_DOMINATORS: g->essential (§3 step 3), and g->retained_by (nodes
 * with an essential retainer), which the dominator DFS needs.
 *
 * LC_GRAPH_DISTANCES/PATHS: DevTools' distance filter
 * (JSHeapSnapshot.calculateDistances) needs names; it is decided here, once
 * per edge, so that the BFS itself reads only targets and bits: dist_skip
 * marks edges the filter always refuses (weak edges too), WeakMap pair
 * edges are marked in pair_bits and listed with their pair's number (the
 * BFS lets the second edge of a pair it meets pass, not the first), and
 * root_seed marks the root's edges to the user roots the BFS starts from.
 */
static void
mark_edges(struct lc_graph *g, const struct lc_snapshot *s, uint8_t *flags,
           int dom, int dist)
{
  const struct lc_edges ev = lc_snapshot_edges(s);
  uint32_t v, e, n = s->node_count;
  size_t cap = 0;
  struct lc_strmap pairs = LC_STRMAP_INIT;
  const uint32_t *first = s->node_first_edge;
  uint8_t *ess = NULL, *rby = NULL, *skip = NULL;
  if (dom) {
    ess = g->essential = bits_new(s->edge_count);
    rby = g->retained_by = bits_new(n);
  }
  if (dist) {
    skip = g->dist_skip = bits_new(s->edge_count);
    g->root_seed = bits_new(n ? first[1] : 0);
    if (n)
      for (e = first[0]; e < first[1]; e++) {
        uint32_t t = lc_edges_to(&ev, e);
        if (s->node_type[t] != LC_NT_SYNTHETIC || is_dom_trees_root(s, t))
          bit_set(g->root_seed, e);
      }
  }
  for (v = 0; v < n; v++) {
    uint8_t vt = s->node_type[v];
    int sloppy = 0, descriptors = 0, v_owned = 0;
    uint32_t end = first[v + 1];
    if (dist) {
      sloppy = vt == LC_NT_HIDDEN &&
               (flags[s->node_name[v]] & NAME_NATIVE_CONTEXT) != 0;
      descriptors = vt == LC_NT_ARRAY &&
                    (flags[s->node_name[v]] & NAME_MAP_DESCRIPTORS) != 0;
    }
    if (dom)
      v_owned = lc_graph_page_owned(g, v);
    for (e = first[v]; e < end; e++) {
      uint8_t et = lc_edges_type(&ev, e);
      uint32_t to = lc_edges_to(&ev, e), table = 0;
      const char *dup = NULL;
      int wm = 0;
      if (et == LC_ET_WEAK) {
        /* Neither essential nor followed by the BFS. */
        if (dist)
          bit_set(skip, e);
        continue;
      }
      if (et == LC_ET_INTERNAL)
        wm = weakmap_edge_cached(s, flags, e, &table, &dup);
      if (dom && !(wm && s->node_id[v] == table) && to != v &&
          (v == 0 || (et != LC_ET_SHORTCUT &&
                      (v_owned || !lc_graph_page_owned(g, to))))) {
        bit_set(ess, e);
        bit_set(rby, to);
      }
      if (!dist)
        continue;
      if (sloppy) {
        if (et != LC_ET_ELEMENT && et != LC_ET_HIDDEN &&
            (flags[lc_edges_name(&ev, e)] & NAME_SLOPPY_FUNCTION_MAP)) {
          bit_set(skip, e);
          continue;
        }
      }
      if (descriptors) {
        long long index = lc_edges_name(&ev, e);
        int ok = 1;
        if (et != LC_ET_ELEMENT && et != LC_ET_HIDDEN)
          ok = js_parse_int(lc_snapshot_str(s, (uint32_t)index), &index);
        if (ok && index >= 2 && index % 3 == 1)
          bit_set(skip, e);
      } else if (wm) {
        size_t had = cap;
        LC_ALLOC_GROW(g->pair_edge, g->npair_edges + 1, cap);
        if (cap != had)
          g->pair_of = lc_xrealloc(g->pair_of, cap * sizeof(uint32_t));
        if (!g->pair_bits)
          g->pair_bits = bits_new(s->edge_count);
        bit_set(g->pair_bits, e);
        g->pair_edge[g->npair_edges] = e;
        g->pair_of[g->npair_edges++] =
            lc_strmap_intern(&pairs, dup, strlen(dup), NULL);
      }
    }
  }
  g->npairs = (uint32_t)pairs.n;
  lc_strmap_release(&pairs);
}

/* The pair number of WeakMap pair edge e, or UINT32_MAX. */
static uint32_t
pair_of_edge(const struct lc_graph *g, uint32_t e)
{
  size_t lo = 0, hi = g->npair_edges;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (g->pair_edge[mid] < e)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < g->npair_edges && g->pair_edge[lo] == e ? g->pair_of[lo]
                                                      : UINT32_MAX;
}

/* The mark step (see graph.h). */
static void
graph_mark(struct lc_graph *g, const struct lc_snapshot *s, unsigned what)
{
  uint8_t *flags = name_flags(s);
  g->node_count = s->node_count;
  if (what & LC_GRAPH_DOMINATORS)
    mark_page_owned(g, s);
  mark_edges(g, s, flags, (what & LC_GRAPH_DOMINATORS) != 0,
             (what & (LC_GRAPH_DISTANCES | LC_GRAPH_PATHS)) != 0);
  lc_free_sparse(flags);
  lc_trace("graph: marked");
}

/* ---- dominators -----------------------------------------------------------
 *
 * Semi-NCA (Georgiadis; as in LLVM) over vertices numbered in DFS preorder
 * 1..n, 0 meaning none.  lc_graph_dominators_begin numbers the vertices and
 * turns the essential edges into predecessor lists in that numbering, after
 * which the snapshot's edges are no longer needed; lc_graph_dominators_end
 * computes semidominators with path compression, then each immediate
 * dominator as the nearest common ancestor of parent and semidominator.
 */
struct lc_graph_dom {
  uint32_t n;                  /* vertices numbered */
  uint32_t *vertex;            /* preorder number → ordinal */
  uint32_t *parent;            /* DFS tree parent (a number); becomes idom */
  uint32_t *pred_start, *pred; /* n + 2 starts; numbers */
};

/*
 * An essential edge that repeats the edge before it (of the same node,
 * also essential, to the same target) is left out of the predecessor
 * counts and lists: a predecessor listed twice changes no semidominator,
 * and one object with millions of edges to one target (an array filled
 * with one value) then costs no list of millions.  The loops keep the
 * target of the edge before (DOM_NO_PREV when it is not an essential edge
 * of the node); dom_prev gives it for a loop that starts at edge e of a
 * node whose edges start at first_v.
 */
#define DOM_NO_PREV UINT32_MAX

static inline uint32_t
dom_prev(const struct lc_graph *g, const struct lc_edges *ev, uint32_t first_v,
         uint32_t e)
{
  return e > first_v && lc_graph_essential(g, e - 1) ? lc_edges_to(ev, e - 1)
                                                     : DOM_NO_PREV;
}

/* Depth-first from ordinal `from` over essential edges, numbering what it
 * reaches; pre[] maps ordinals to numbers.  Every essential edge out of a
 * node it numbers is seen once here, so its target's predecessor count
 * (d->pred_start, by number) is taken on the way: no separate pass. */
static void
dom_dfs(struct lc_graph_dom *d, const struct lc_graph *g,
        const struct lc_snapshot *s, uint32_t *pre, uint32_t *stack_v,
        uint32_t *stack_e, uint32_t from, uint32_t parent)
{
  const struct lc_edges ev = lc_snapshot_edges(s);
  const uint32_t *first = s->node_first_edge;
  uint32_t *count = d->pred_start;
  size_t sp = 0;
  pre[from] = ++d->n;
  d->vertex[d->n] = from;
  d->parent[d->n] = parent;
  stack_v[sp] = from;
  stack_e[sp++] = first[from];
  while (sp) {
    uint32_t v = stack_v[sp - 1], e = stack_e[sp - 1], end = first[v + 1],
             w = 0, prev = dom_prev(g, &ev, first[v], e);
    for (; e < end; e++) {
      if (!lc_graph_essential(g, e)) {
        prev = DOM_NO_PREV;
        continue;
      }
      w = lc_edges_to(&ev, e);
      if (!pre[w])
        break;
      if (w != prev)
        count[pre[w]]++;
      prev = w;
    }
    if (e == end) {
      sp--;
      continue;
    }
    stack_e[sp - 1] = e + 1;
    pre[w] = ++d->n;
    count[d->n]++;
    d->vertex[d->n] = w;
    d->parent[d->n] = pre[v];
    stack_v[sp] = w;
    stack_e[sp++] = first[w];
  }
}

void
lc_graph_dominators_begin(struct lc_graph *g, const struct lc_snapshot *s)
{
  const struct lc_edges ev = lc_snapshot_edges(s);
  uint32_t n = s->node_count, i, v, e, *pre, *stack_v, *stack_e;
  uint32_t numbered;
  uint8_t *single;
  size_t len = (size_t)n + 2;
  struct lc_graph_dom *d;
  if (!n || !g->essential)
    return;
  d = lc_xcalloc(1, sizeof(*d));
  g->dom = d;
  pre = lc_xcalloc(len, sizeof(uint32_t));
  d->vertex = lc_xmalloc(len * sizeof(uint32_t));
  d->parent = lc_xmalloc(len * sizeof(uint32_t));
  d->pred_start = lc_xcalloc(len, sizeof(uint32_t)); /* counts first */
  /* Sized for the deepest walk; only the pages it reaches are touched. */
  stack_v = lc_xmalloc(len * sizeof(uint32_t));
  stack_e = lc_xmalloc(len * sizeof(uint32_t));
  d->n = 0;
  dom_dfs(d, g, s, pre, stack_v, stack_e, 0, 0);
  /* Nodes with only weak retainers hang under the root, in ordinal order;
   * then what is left (cliques retaining one another), one by one. */
  if (d->n < n)
    for (i = 0; i < n; i++)
      if (!pre[i] && !bit_get(g->retained_by, i))
        dom_dfs(d, g, s, pre, stack_v, stack_e, i, 1);
  free(stack_v);
  free(stack_e);
  numbered = d->n;
  if (d->n < n)
    for (i = 0; i < n; i++)
      if (!pre[i]) {
        pre[i] = ++d->n;
        d->vertex[d->n] = i;
        d->parent[d->n] = 1;
      }
  /* The nodes no walk reached were not scanned: count their edges. */
  for (i = numbered + 1; i <= d->n; i++) {
    uint32_t prev = DOM_NO_PREV, w;
    v = d->vertex[i];
    for (e = s->node_first_edge[v]; e < s->node_first_edge[v + 1]; e++) {
      if (!lc_graph_essential(g, e)) {
        prev = DOM_NO_PREV;
        continue;
      }
      w = lc_edges_to(&ev, e);
      if (w != prev)
        d->pred_start[pre[w]]++;
      prev = w;
    }
  }
  free(g->retained_by);
  g->retained_by = NULL;

  /* A vertex that a walk reached whose one essential retainer is its DFS
   * parent (most of a heap: each leaf of an array) gets no list: an empty
   * list means "the semidominator is the parent" (see _end), which holds
   * for the walks' starts too (no retainer, parent 1).  Vertices numbered
   * after the walks keep every list, their parent 1 being no retainer. */
  single = bits_new(len);
  for (i = 2; i <= numbered; i++)
    if (d->pred_start[i] == 1) {
      d->pred_start[i] = 0;
      bit_set(single, i);
    }
  /* Predecessor lists by number: turn counts into ends, then fill
   * backwards so that each end becomes its list's start. */
  for (i = 1; i <= n + 1; i++)
    d->pred_start[i] += d->pred_start[i - 1];
  d->pred = lc_xmalloc(((size_t)d->pred_start[n] + 1) * sizeof(uint32_t));
  for (v = 0; v < n; v++) {
    uint32_t pv = pre[v], prev = DOM_NO_PREV, w, pw;
    for (e = s->node_first_edge[v]; e < s->node_first_edge[v + 1]; e++) {
      if (!lc_graph_essential(g, e)) {
        prev = DOM_NO_PREV;
        continue;
      }
      w = lc_edges_to(&ev, e);
      if (w == prev)
        continue;
      prev = w;
      pw = pre[w];
      if (!bit_get(single, pw))
        d->pred[--d->pred_start[pw]] = pv;
    }
  }
  free(single);
  free(pre);
}

/* Per vertex, for eval() with path compression: its ancestor in the
 * forest of processed vertices (0: not processed yet), and the smallest
 * semidominator on the compressed path up to it (what the textbook keeps
 * as semi[label[v]]: only that value is ever read).  Side by side, so that
 * a step of the compression touches one line per vertex. */
struct dom_link {
  uint32_t ancestor;
  uint32_t best;
};

/* Path compression for eval(); `stack` has room for every vertex. */
static void
dom_compress(struct dom_link *link, uint32_t *stack, uint32_t v)
{
  uint32_t sp = 0;
  while (link[link[v].ancestor].ancestor) {
    stack[sp++] = v;
    v = link[v].ancestor;
  }
  while (sp) {
    uint32_t w = stack[--sp], a = link[w].ancestor;
    if (link[a].best < link[w].best)
      link[w].best = link[a].best;
    link[w].ancestor = link[a].ancestor;
  }
}

void
lc_graph_dominators_end(struct lc_graph *g, const uint64_t *self)
{
  struct lc_graph_dom *d = g->dom;
  uint32_t n, w, *semi, *stack, *idom;
  struct dom_link *link;
  size_t len;
  if (!d)
    return;
  n = d->n;
  len = (size_t)n + 2;
  /* semi[w] is set when w is processed; an unprocessed vertex's is its
   * own number, which is what the loop uses for it. */
  semi = lc_xmalloc(len * sizeof(uint32_t));
  link = lc_xcalloc(len, sizeof(*link));
  stack = lc_xmalloc(len * sizeof(uint32_t)); /* touched as deep as used */
  semi[0] = 0;
  semi[1] = 1;
  for (w = n; w >= 2; w--) {
    uint32_t k, s = w, p = d->pred_start[w], q = d->pred_start[w + 1];
    /* No list: the parent is the one retainer, or the vertex has only
     * weak retainers and hangs under the root, its parent (see _begin). */
    if (p == q)
      s = d->parent[w];
    for (k = p; k < q; k++) {
      uint32_t v = d->pred[k], u = v;
      if (link[v].ancestor) {
        dom_compress(link, stack, v);
        u = link[v].best;
      }
      if (u < s)
        s = u;
    }
    semi[w] = s;
    link[w].ancestor = d->parent[w];
    link[w].best = s;
  }
  free(stack);
  free(link);
  free(d->pred);
  free(d->pred_start);
  /* idom(w): from the parent, up the dominators found so far, to the first
   * vertex numbered no higher than the semidominator.  In place: parent
   * becomes idom, in increasing order. */
  idom = d->parent;
  idom[1] = 1;
  for (w = 2; w <= n; w++) {
    uint32_t x = idom[w];
    while (x > semi[w])
      x = idom[x];
    idom[w] = x;
  }
  free(semi);
  /* By ordinal; the DFS order is kept for summing retained sizes. */
  g->idom = lc_xmalloc(((size_t)g->node_count + 1) * sizeof(uint32_t));
  for (w = 1; w <= n; w++)
    g->idom[d->vertex[w]] = d->vertex[idom[w]];
  free(idom);
  g->dfs_order = d->vertex;
  g->dfs_count = n;
  free(d);
  g->dom = NULL;
  if (self)
    lc_graph_retained(g, self);
}

/* ---- distances ------------------------------------------------------------
 */

struct bfs_ctx {
  const struct lc_graph *g;
  const struct lc_snapshot *s;
  int32_t *dist; /* may be NULL: `reach` is told instead */
  uint32_t *via; /* may be NULL: the edge that reached each node */
  uint32_t *queue;
  uint8_t *pending; /* per WeakMap pair: one of its edges was refused */
  uint8_t *seen;    /* per node: reached */
  lc_graph_reach_fn reach;
  void *ctx;
};

/* DevTools' distance filter, from the per-edge decisions of
 * mark_distance_rules. */
static int
bfs_filter(struct bfs_ctx *c, uint32_t e)
{
  uint32_t pair;
  if (bit_get(c->g->dist_skip, e))
    return 0;
  if (!c->g->pair_bits || !bit_get(c->g->pair_bits, e))
    return 1;
  pair = pair_of_edge(c->g, e);
  if (pair == UINT32_MAX)
    return 1;
  c->pending[pair >> 3] ^= (uint8_t)(1u << (pair & 7));
  return !bit_get(c->pending, pair);
}

/* Node t is reached at distance d.  The root is told apart (see
 * bfs_run): its distance is set after the first pass, whatever it was. */
static void
bfs_reach(struct bfs_ctx *c, uint32_t t, int32_t d)
{
  bit_set(c->seen, t);
  if (c->dist)
    c->dist[t] = d;
  if (c->reach && t != 0)
    c->reach(c->ctx, t, d);
}

/* Level by level from the `len` queued nodes, all at distance d: no
 * per-node distance is read. */
static void
bfs(struct bfs_ctx *c, size_t len, int32_t d)
{
  const struct lc_snapshot *s = c->s;
  const struct lc_edges ev = lc_snapshot_edges(s);
  size_t i = 0, level_end = len;
  while (i < len) {
    uint32_t v, e;
    if (i == level_end) {
      d++;
      level_end = len;
    }
    v = c->queue[i++];
    for (e = s->node_first_edge[v]; e < s->node_first_edge[v + 1]; e++) {
      uint32_t t = lc_edges_to(&ev, e);
      if (bit_get(c->seen, t))
        continue; /* weak edges: refused by the filter (dist_skip) */
      if (!bfs_filter(c, e))
        continue;
      bfs_reach(c, t, d + 1);
      if (c->via)
        c->via[t] = e;
      /* A node without edges has nothing to visit: not queued, so the
       * queue's touched part stays small on a heap of many leaves. */
      if (s->node_first_edge[t] != s->node_first_edge[t + 1])
        c->queue[len++] = t;
    }
  }
}

/* Both passes: from the user roots at distance 1, then from the root for
 * what is left; frees the filter's state, which served this BFS only. */
static void
bfs_run(struct bfs_ctx *c, struct lc_graph *g, const struct lc_snapshot *s)
{
  const struct lc_edges ev = lc_snapshot_edges(s);
  uint32_t n = s->node_count, e;
  size_t len = 0;
  int32_t root;
  /* Each node is queued once per pass at most, plus repeated roots. */
  c->queue =
      lc_xmalloc(((size_t)n + s->node_first_edge[1] + 1) * sizeof(uint32_t));
  c->pending = bits_new(g->npairs);
  c->seen = bits_new(n);
  for (e = s->node_first_edge[0]; e < s->node_first_edge[1]; e++) {
    uint32_t t = lc_edges_to(&ev, e);
    if (bit_get(g->root_seed, e)) {
      bfs_reach(c, t, 1);
      c->queue[len++] = t;
    }
  }
  bfs(c, len, 1);
  root = len > 0 ? LC_DISTANCE_BASE_SYSTEM : 0;
  bit_set(c->seen, 0);
  if (c->dist)
    c->dist[0] = root;
  if (c->reach)
    c->reach(c->ctx, 0, root);
  c->queue[0] = 0;
  bfs(c, 1, root);
  free(c->queue);
  free(c->pending);
  free(g->dist_skip);
  free(g->root_seed);
  free(g->pair_edge);
  free(g->pair_of);
  free(g->pair_bits);
  g->dist_skip = g->root_seed = g->pair_bits = NULL;
  g->pair_edge = g->pair_of = NULL;
  g->npair_edges = 0;
  g->npairs = 0;
}

void
lc_graph_distances(struct lc_graph *g, const struct lc_snapshot *s, int paths)
{
  struct bfs_ctx c;
  uint32_t n = s->node_count, i;
  if (!n || !g->dist_skip)
    return;
  memset(&c, 0, sizeof(c));
  c.g = g;
  c.s = s;
  c.dist = lc_xmalloc(((size_t)n + 1) * sizeof(int32_t));
  for (i = 0; i < n; i++)
    c.dist[i] = LC_DISTANCE_NONE;
  if (paths) {
    c.via = lc_xmalloc(((size_t)n + 1) * sizeof(uint32_t));
    memset(c.via, 0xff, ((size_t)n + 1) * sizeof(uint32_t));
  }
  bfs_run(&c, g, s);
  free(c.seen);
  g->distance = c.dist;
  g->bfs_edge = c.via;
  lc_trace("graph: distances");
}

uint8_t *
lc_graph_distances_visit(struct lc_graph *g, const struct lc_snapshot *s,
                         int keep, lc_graph_reach_fn reach, void *ctx)
{
  struct bfs_ctx c;
  uint32_t n = s->node_count, i;
  if (!n || !g->dist_skip)
    return NULL;
  memset(&c, 0, sizeof(c));
  c.g = g;
  c.s = s;
  c.reach = reach;
  c.ctx = ctx;
  if (keep) {
    c.dist = lc_xmalloc(((size_t)n + 1) * sizeof(int32_t));
    for (i = 0; i < n; i++)
      c.dist[i] = LC_DISTANCE_NONE;
  }
  bfs_run(&c, g, s);
  g->distance = c.dist;
  return c.seen;
}

uint32_t
lc_snapshot_edge_source(const struct lc_snapshot *s, uint32_t e)
{
  uint32_t lo = 0, hi = s->node_count;
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
         lc_node_namer namer, void *ctx)
{
  size_t at = out->len;
  if (namer)
    namer(ctx, s, v, out);
  else
    lc_buf_addstr(out, lc_snapshot_str(s, s->node_name[v]));
  if (out->len == at)
    lc_buf_addstr(out, "(root)");
  lc_buf_addf(out, " @%u", s->node_id[v]);
}

static void
add_edge(struct lc_buf *out, const struct lc_snapshot *s, uint32_t e)
{
  static const char *const type[] = {"context",  "element", "property",
                                     "internal", "hidden",  "shortcut",
                                     "weak",     "edge"};
  uint8_t t = lc_snapshot_edge_type(s, e);
  if (t == LC_ET_ELEMENT || t == LC_ET_HIDDEN)
    lc_buf_addf(out, "[%u]", lc_snapshot_edge_name(s, e));
  else
    lc_buf_addstr(out, lc_snapshot_str(s, lc_snapshot_edge_name(s, e)));
  lc_buf_addf(out, " (%s)", type[t < 8 ? t : 7]);
}

void
lc_graph_retained_take(struct lc_graph *g, uint64_t **sizes)
{
  uint32_t i;
  uint64_t *r = *sizes;
  if (!g->idom || !g->dfs_order || !r)
    return;
  *sizes = NULL;
  free(g->retained);
  g->retained = r;
  /* Children before their dominator: reverse DFS order. */
  for (i = g->dfs_count; i > 1; i--) {
    uint32_t o = g->dfs_order[i];
    r[g->idom[o]] += r[o];
  }
  free(g->dfs_order);
  g->dfs_order = NULL;
}

void
lc_graph_retained(struct lc_graph *g, const uint64_t *self)
{
  size_t size = ((size_t)g->node_count + 1) * sizeof(uint64_t);
  uint64_t *r;
  if (!g->idom || !g->dfs_order)
    return;
  r = lc_xmalloc(size);
  memcpy(r, self, size - sizeof(uint64_t));
  lc_graph_retained_take(g, &r);
}

static void *
graph_thread(void *arg)
{
  struct lc_graph_job *job = arg;
  lc_graph_build(job->g, job->s, NULL, job->what);
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
              uint32_t node, lc_node_namer namer, void *ctx, struct lc_buf *out)
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
    uint32_t src = lc_snapshot_edge_source(s, g->bfs_edge[v]);
    LC_ALLOC_GROW(hops, n + 1, cap);
    hops[n++] = g->bfs_edge[v];
    if (src == UINT32_MAX || n > s->node_count)
      break;
    v = src;
  }
  /* Top-down: the first node below the snapshot root (a user root such as
   * the global object, or a GC root category), then "edge → node" hops. */
  v = n ? lc_snapshot_edge_source(s, hops[n - 1]) : node;
  if (v != 0)
    add_node(out, s, v, namer, ctx);
  for (i = (long)n - 1; i >= 0; i--) {
    uint32_t e = hops[i];
    if (i == (long)n - 1 && v == 0) {
      add_node(out, s, lc_snapshot_edge_to(s, e), namer, ctx);
      continue;
    }
    lc_buf_addstr(out, " → ");
    add_edge(out, s, e);
    lc_buf_addstr(out, " → ");
    add_node(out, s, lc_snapshot_edge_to(s, e), namer, ctx);
  }
  free(hops);
  /* The edges shown: the root's own edge to where the path starts is not. */
  return n && v == 0 ? (long)n - 1 : (long)n;
}

void
lc_graph_build(struct lc_graph *g, const struct lc_snapshot *s,
               const uint64_t *self, unsigned what)
{
  memset(g, 0, sizeof(*g));
  graph_mark(g, s, what);
  if (what & LC_GRAPH_MARK_ONLY)
    return;
  /* The dominators first: their scratch arrays are given back before the
   * distances' are taken. */
  if (what & LC_GRAPH_DOMINATORS) {
    lc_graph_dominators_begin(g, s);
    lc_graph_dominators_end(g, self);
  }
  if (what & (LC_GRAPH_DISTANCES | LC_GRAPH_PATHS))
    lc_graph_distances(g, s, (what & LC_GRAPH_PATHS) != 0);
}

void
lc_graph_release(struct lc_graph *g)
{
  if (g->dom) {
    free(g->dom->vertex);
    free(g->dom->parent);
    free(g->dom->pred_start);
    free(g->dom->pred);
    free(g->dom);
  }
  free(g->page_owned);
  free(g->essential);
  free(g->retained_by);
  free(g->dist_skip);
  free(g->root_seed);
  free(g->pair_edge);
  free(g->pair_of);
  free(g->pair_bits);
  free(g->idom);
  free(g->dfs_order);
  free(g->retained);
  free(g->distance);
  free(g->bfs_edge);
  memset(g, 0, sizeof(*g));
}
