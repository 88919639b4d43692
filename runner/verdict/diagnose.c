/*
 * Diagnosis of a failed check (diagnose.h): source locations, leaks
 * (failing rows folded by domination), readable retainer paths.
 */
#include "verdict/diagnose.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/format.h"
#include "base/jsonstr.h"
#include "base/trace.h"
#include "heap/graph.h"
#include "leakcheck/buf.h"

/* Allocation tracking turned off by the user (LEAKCHECK_ALLOCATION_SITES=0,
 * read by the driver too). */
static int
sites_off(void)
{
  const char *v = getenv("LEAKCHECK_ALLOCATION_SITES");
  return v && strcmp(v, "0") == 0;
}

#include "base/banned.h"

/* Hops of the readable line before it is cut: the first LINE_HEAD and the
 * last LINE_TAIL are kept. */
#define LINE_HEAD 6
#define LINE_TAIL 2

/* A row is folded into another when at least this share (percent) of its
 * new survivors are dominated by the other row's new survivors. */
#define FOLD_SHARE 80

#define TOP_UNKNOWN (UINT32_MAX - 1)
#define TOP_NONE UINT32_MAX

/* ---- locations ----------------------------------------------------------- */

/* Appends the script name as a person reads it. */
static void
add_script_name(struct lc_buf *out, const char *name, const char *base_dir)
{
  struct lc_buf tmp = LC_BUF_INIT;
  const char *p = name;
  size_t blen;
  if (strncmp(p, "file://", 7) == 0) {
    /* file:///a/b%20c.js -> /a/b c.js */
    for (p += 7; *p; p++) {
      if (*p == '%' && lc_hex_digit(p[1]) >= 0 && lc_hex_digit(p[2]) >= 0) {
        lc_buf_addch(&tmp,
                     (char)(lc_hex_digit(p[1]) * 16 + lc_hex_digit(p[2])));
        p += 2;
      } else {
        lc_buf_addch(&tmp, *p);
      }
    }
    p = tmp.buf ? tmp.buf : "";
  }
  blen = base_dir ? strlen(base_dir) : 0;
  while (blen > 1 && base_dir[blen - 1] == '/')
    blen--;
  if (blen && strncmp(p, base_dir, blen) == 0 && p[blen] == '/' && p[blen + 1])
    p += blen + 1;
  lc_buf_addstr(out, p);
  lc_buf_release(&tmp);
}

int
lc_diag_where(struct lc_buf *out, const struct lc_scripts *sc,
              uint32_t script_id, uint32_t line, uint32_t col,
              const char *base_dir)
{
  const char *name = lc_scripts_name(sc, script_id);
  if (!name || !*name)
    return -1;
  add_script_name(out, name, base_dir);
  lc_buf_addf(out, ":%lu:%lu", (unsigned long)line + 1, (unsigned long)col + 1);
  return 0;
}

void
lc_diag_rows(struct lc_series *ser, const struct lc_scripts *sc,
             const char *base_dir)
{
  size_t i;
  for (i = 0; i < ser->nrows; i++) {
    struct lc_series_row *r = &ser->rows[i];
    unsigned long id, line, col;
    int used = 0;
    struct lc_buf b = LC_BUF_INIT;
    if (r->where || !r->key[0] || r->key[0] < '0' || r->key[0] > '9')
      continue;
    if (sscanf(r->key, "%lu,%lu,%lu,%n", &id, &line, &col, &used) != 3 ||
        !used || id > UINT32_MAX || line > UINT32_MAX || col > UINT32_MAX)
      continue;
    if (lc_diag_where(&b, sc, (uint32_t)id, (uint32_t)line, (uint32_t)col,
                      base_dir) == 0)
      r->where = lc_buf_detach(&b, NULL);
    lc_buf_release(&b);
  }
}

/* ---- the diagnosis context ----------------------------------------------- */

struct dctx {
  const struct lc_snapshot *s;
  const struct lc_summary *sum;
  const struct lc_scripts *sc;
  const char *base_dir;
  struct lc_graph g;
  const struct lc_series *ser;
  uint32_t since;       /* node ids above it are new */
  uint32_t *series_row; /* summary row -> series row */
  uint32_t *top;        /* per node, see compute_top */
  long *fail_of;        /* per series row: its finding index, or -1 */
  int tracking_crash;   /* see lc_check_result */
};

static int
is_new(const struct dctx *d, uint32_t v)
{
  uint32_t id = d->s->node_id[v];
  return (id & 1) && id > d->since;
}

/* The series row of node v, or UINT32_MAX. */
static uint32_t
srow_of(const struct dctx *d, uint32_t v)
{
  uint32_t r = d->sum->node_row[v];
  return r == UINT32_MAX ? UINT32_MAX : d->series_row[r];
}

/* A node that counts for folding: new, in a failing row. */
static int
marked(const struct dctx *d, uint32_t v)
{
  uint32_t r;
  if (!is_new(d, v))
    return 0;
  r = srow_of(d, v);
  return r != UINT32_MAX && d->fail_of[r] >= 0;
}

/* top[v]: the marked node closest to the root that dominates v (v itself
 * included), or TOP_NONE.  Memoised walk up the dominator tree, so the
 * whole pass is linear however deep the tree (a 1M-node list). */
static uint32_t
compute_top(struct dctx *d, uint32_t v, uint32_t **stack, size_t *cap)
{
  size_t n = 0;
  uint32_t x = v, above;
  const uint32_t *idom = d->g.idom;
  while (d->top[x] == TOP_UNKNOWN) {
    uint32_t p = idom[x];
    LC_ALLOC_GROW(*stack, n + 1, *cap);
    (*stack)[n++] = x;
    if (x == 0 || p == x || p >= d->s->node_count)
      break;
    x = p;
  }
  above = d->top[x] == TOP_UNKNOWN ? TOP_NONE : d->top[x];
  while (n) {
    uint32_t y = (*stack)[--n];
    if (d->top[y] == TOP_UNKNOWN)
      d->top[y] = above != TOP_NONE ? above : marked(d, y) ? y : TOP_NONE;
    above = d->top[y];
  }
  return d->top[v];
}

/* ---- names ------------------------------------------------------------- */

static int
script_is_user(const struct dctx *d, uint32_t v)
{
  uint32_t l = lc_snapshot_loc(d->s, v);
  const char *name;
  if (l == UINT32_MAX)
    return -1; /* unknown */
  name = lc_scripts_name(d->sc, d->s->loc_script[l]);
  if (!name || !*name)
    return -1;
  return strncmp(name, "node:", 5) != 0;
}

static void
add_loc(const struct dctx *d, struct lc_buf *out, uint32_t v)
{
  uint32_t l = lc_snapshot_loc(d->s, v);
  if (l == UINT32_MAX)
    return;
  lc_buf_addch(out, ' ');
  if (lc_diag_where(out, d->sc, d->s->loc_script[l], d->s->loc_line[l],
                    d->s->loc_col[l], d->base_dir) < 0)
    out->buf[--out->len] = '\0';
}

/* A node's name in a path: the row's class ("Session"), a closure by its
 * function name and location ("tick sessions.js:5:13"). */
static void
add_node_name(const struct dctx *d, struct lc_buf *out, uint32_t v)
{
  if (d->s->node_type[v] == LC_NT_CLOSURE) {
    const char *fn = lc_snapshot_str(d->s, d->s->node_name[v]);
    lc_buf_addstr(out, *fn ? fn : "(anonymous)");
    add_loc(d, out, v);
    return;
  }
  lc_summary_namer((void *)d->sum, d->s, v, out);
}

static const char *
edge_type_name(uint8_t t)
{
  static const char *const names[] = {"context",  "element", "property",
                                      "internal", "hidden",  "shortcut",
                                      "weak",     "other"};
  return names[t < 8 ? t : 7];
}

static void
add_edge_name(const struct dctx *d, struct lc_buf *out, uint32_t e)
{
  uint8_t t = lc_snapshot_edge_type(d->s, e);
  if (t == LC_ET_ELEMENT || t == LC_ET_HIDDEN)
    lc_buf_addf(out, "[%u]", lc_snapshot_edge_name(d->s, e));
  else
    lc_buf_addstr(out, lc_snapshot_str(d->s, lc_snapshot_edge_name(d->s, e)));
}

/* The edge's source node: edges are grouped by source, in node order. */
/* The target of v's first edge named `name`, or UINT32_MAX. */
static uint32_t
edge_named(const struct lc_snapshot *s, uint32_t v, const char *name)
{
  uint32_t e;
  for (e = s->node_first_edge[v]; e < s->node_first_edge[v + 1]; e++) {
    uint8_t t = lc_snapshot_edge_type(s, e);
    if (t == LC_ET_ELEMENT || t == LC_ET_HIDDEN ||
        lc_snapshot_edge_name(s, e) >= s->string_count)
      continue;
    if (strcmp(lc_snapshot_str(s, lc_snapshot_edge_name(s, e)), name) == 0)
      return lc_snapshot_edge_to(s, e);
  }
  return UINT32_MAX;
}

/* ---- paths --------------------------------------------------------------- */

struct path {
  uint32_t *edge; /* top-down */
  uint32_t *src;  /* each edge's source */
  size_t n;
};

/* The BFS path from the roots to `node`, top-down.  Reads the graph's
 * paths and node_first_edge only: the edges' targets may be gone. */
static void
path_build(const struct dctx *d, uint32_t node, struct path *p)
{
  size_t cap = 0, scap = 0, i;
  uint32_t v = node;
  memset(p, 0, sizeof(*p));
  if (!d->g.bfs_edge || d->g.distance[node] == LC_DISTANCE_NONE)
    return;
  /* Bottom-up first: each edge, and in src the node it leads to. */
  while (v != 0 && d->g.bfs_edge[v] != UINT32_MAX && p->n <= d->s->node_count) {
    uint32_t e = d->g.bfs_edge[v];
    LC_ALLOC_GROW(p->edge, p->n + 1, cap);
    LC_ALLOC_GROW(p->src, p->n + 1, scap);
    p->edge[p->n] = e;
    p->src[p->n++] = v;
    v = lc_snapshot_edge_source(d->s, e);
  }
  if (!p->n)
    return;
  for (i = 0; i < p->n / 2; i++) {
    uint32_t t = p->edge[i];
    p->edge[i] = p->edge[p->n - 1 - i];
    p->edge[p->n - 1 - i] = t;
    t = p->src[i];
    p->src[i] = p->src[p->n - 1 - i];
    p->src[p->n - 1 - i] = t;
  }
  /* Top-down, each edge's source: the node the edge before leads to. */
  for (i = p->n - 1; i > 0; i--)
    p->src[i] = p->src[i - 1];
  p->src[0] = lc_snapshot_edge_source(d->s, p->edge[0]);
}

static void
path_release(struct path *p)
{
  free(p->edge);
  free(p->src);
}

static int
same_hop(const struct dctx *d, const struct path *p, size_t a, size_t b)
{
  uint32_t ea = p->edge[a], eb = p->edge[b];
  uint32_t ta = lc_snapshot_edge_to(d->s, ea),
           tb = lc_snapshot_edge_to(d->s, eb);
  uint8_t t = lc_snapshot_edge_type(d->s, ea);
  if (t != lc_snapshot_edge_type(d->s, eb) ||
      d->s->node_type[ta] != d->s->node_type[tb])
    return 0;
  if (t != LC_ET_ELEMENT && t != LC_ET_HIDDEN &&
      lc_snapshot_edge_name(d->s, ea) != lc_snapshot_edge_name(d->s, eb))
    return 0;
  if (d->sum->node_row[ta] != d->sum->node_row[tb])
    return 0;
  return d->s->node_name[ta] == d->s->node_name[tb];
}

/* The full path as runs of (edge, node) pairs. */
static void
path_runs(const struct dctx *d, const struct path *p, struct lc_leak *L)
{
  size_t i, cap = 0;
  struct lc_buf e = LC_BUF_INIT, n = LC_BUF_INIT;
  for (i = 0; i < p->n; i++) {
    struct lc_hop *last = L->npath ? &L->path[L->npath - 1] : NULL;
    uint32_t edge = p->edge[i];
    uint8_t t = lc_snapshot_edge_type(d->s, edge);
    if (last && i > 0 && t != LC_ET_ELEMENT && same_hop(d, p, i - 1, i)) {
      last->repeat++; /* no names built: a 1M-hop list stays fast */
      continue;
    }
    e.len = 0;
    n.len = 0;
    add_edge_name(d, &e, edge);
    add_node_name(d, &n, lc_snapshot_edge_to(d->s, edge));
    if (!e.buf)
      lc_buf_addstr(&e, "");
    if (last && last->edge_type == edge_type_name(t) &&
        strcmp(last->edge, e.buf) == 0 && strcmp(last->node, n.buf) == 0 &&
        t != LC_ET_ELEMENT) {
      last->repeat++;
      continue;
    }
    LC_ALLOC_GROW(L->path, L->npath + 1, cap);
    last = &L->path[L->npath++];
    last->edge = lc_xstrdup(e.buf);
    last->edge_type = (char *)edge_type_name(t);
    last->node = lc_xstrdup(n.buf);
    last->repeat = 1;
  }
  lc_buf_release(&e);
  lc_buf_release(&n);
}

/* The closure whose context hop i's source is: walks back over
 * context/previous edges.  UINT32_MAX when unknown. */
static uint32_t
context_owner(const struct dctx *d, const struct path *p, size_t i)
{
  while (i > 0) {
    uint32_t e = p->edge[i - 1];
    const char *en;
    if (lc_snapshot_edge_type(d->s, e) == LC_ET_ELEMENT ||
        lc_snapshot_edge_type(d->s, e) == LC_ET_HIDDEN)
      return UINT32_MAX;
    en = lc_snapshot_str(d->s, lc_snapshot_edge_name(d->s, e));
    if (strcmp(en, "context") == 0 &&
        d->s->node_type[p->src[i - 1]] == LC_NT_CLOSURE)
      return p->src[i - 1];
    if (strcmp(en, "previous") != 0)
      return UINT32_MAX;
    i--;
  }
  return UINT32_MAX;
}

/* Nonzero when hop i of the path is where user land starts: a variable
 * of a user function's scope, a property of an object of a user class or
 * of a user function, a global variable that leads to no Node function. */
static int
user_hop(const struct dctx *d, const struct path *p, size_t i)
{
  uint32_t e = p->edge[i], src = p->src[i], to = lc_snapshot_edge_to(d->s, e);
  uint8_t t = lc_snapshot_edge_type(d->s, e);
  if (t == LC_ET_CONTEXT) {
    uint32_t c = context_owner(d, p, i);
    return c == UINT32_MAX || script_is_user(d, c) == 1;
  }
  if (t != LC_ET_PROPERTY && t != LC_ET_ELEMENT)
    return 0;
  if (d->s->node_type[src] != LC_NT_CLOSURE && script_is_user(d, src) == 1)
    return 1;
  /* A property of a user function (createDebug.instances, a static
   * field), not its prototype chain. */
  if (t == LC_ET_PROPERTY && d->s->node_type[src] == LC_NT_CLOSURE &&
      script_is_user(d, src) == 1 &&
      strcmp(lc_snapshot_str(d->s, lc_snapshot_edge_name(d->s, e)),
             "__proto__") != 0)
    return 1;
  /* A property of the global object. */
  if (t == LC_ET_PROPERTY && i <= 1 &&
      strcmp(lc_snapshot_str(d->s, d->s->node_name[src]), "global") == 0 &&
      script_is_user(d, to) != 0 && d->s->node_type[to] != LC_NT_CLOSURE)
    return 1;
  return 0;
}

/* What the Node-internal part of the path (hops before `h`) is, for
 * people: the holder closest to user land that we know a word for. */
static const char *
prefix_label(const struct dctx *d, const struct path *p, size_t h)
{
  size_t i;
  for (i = h; i-- > 0;) {
    uint32_t v = p->src[i];
    const char *name = lc_snapshot_str(d->s, d->s->node_name[v]);
    if (d->s->node_type[v] != LC_NT_OBJECT)
      continue;
    if (strcmp(name, "Timeout") == 0) {
      uint32_t r = edge_named(d->s, v, "_repeat");
      /* _repeat: the interval (a number, maybe a Smi with no node), or
       * null for a one-off timer. */
      return r == UINT32_MAX || d->s->node_type[r] == LC_NT_NUMBER
                 ? "a setInterval timer"
                 : "a setTimeout timer";
    }
    if (strcmp(name, "Immediate") == 0)
      return "a setImmediate callback";
    if (strcmp(name, "EventEmitter") == 0)
      return "an EventEmitter";
    if (strcmp(name, "Promise") == 0)
      return "a promise";
    if (strcmp(name, "Server") == 0 || strcmp(name, "Socket") == 0)
      return name[1] == 'e' ? "a server" : "a socket";
    if (strcmp(name, "Module") == 0)
      return "the module cache";
  }
  return h > 1 ? "Node internals" : NULL;
}

/* The holder's words: "registry (variable captured by (anonymous)
 * sessions.js:5:13)", "cache (global variable)", "items (property of
 * Store sessions.js:1:1)". */
static void
add_holder(const struct dctx *d, const struct path *p, size_t h,
           struct lc_buf *out, struct lc_leak *L)
{
  uint32_t e = p->edge[h], src = p->src[h];
  struct lc_buf name = LC_BUF_INIT;
  add_edge_name(d, &name, e);
  L->holder = lc_xstrdup(name.buf ? name.buf : "");
  lc_buf_addstr(out, L->holder);
  if (lc_snapshot_edge_type(d->s, e) == LC_ET_CONTEXT) {
    uint32_t c = context_owner(d, p, h);
    lc_buf_addstr(out, " (variable");
    if (c != UINT32_MAX) {
      lc_buf_addstr(out, " captured by ");
      add_node_name(d, out, c);
    }
    lc_buf_addch(out, ')');
  } else if (strcmp(lc_snapshot_str(d->s, d->s->node_name[src]), "global") ==
                 0 &&
             d->s->node_type[src] == LC_NT_OBJECT) {
    lc_buf_addstr(out, " (global variable)");
  } else {
    lc_buf_addstr(out, " (in ");
    add_node_name(d, out, src);
    lc_buf_addch(out, ')');
  }
  lc_buf_release(&name);
}

/* One element of the readable line: " → edge → Node", runs folded. */
struct item {
  size_t first; /* hop index */
  uint32_t repeat;
};

static void
add_item(const struct dctx *d, const struct path *p, const struct item *it,
         struct lc_buf *out)
{
  uint32_t e = p->edge[it->first];
  uint8_t t = lc_snapshot_edge_type(d->s, e);
  lc_buf_addstr(out, " → ");
  if (t == LC_ET_ELEMENT && it->repeat > 1)
    lc_buf_addstr(out, "[…]");
  else
    add_edge_name(d, out, e);
  if (t == LC_ET_CONTEXT)
    lc_buf_addstr(out, " (variable)");
  lc_buf_addstr(out, " → ");
  add_node_name(d, out, lc_snapshot_edge_to(d->s, e));
  if (it->repeat > 1)
    lc_buf_addf(out, " ×%lu", (unsigned long)it->repeat);
}

/* The readable line: from the holder down, internal closure/context hops
 * hidden, runs folded, at most LINE_HEAD + LINE_TAIL items. */
static void
path_line(const struct dctx *d, const struct path *p, struct lc_leak *L)
{
  struct lc_buf out = LC_BUF_INIT;
  struct item *items = NULL;
  size_t nitems = 0, cap = 0, h, i;
  const char *label;
  if (!p->n) {
    L->held_by = lc_xstrdup("(no path from the GC roots)");
    return;
  }
  for (h = 0; h < p->n; h++)
    if (user_hop(d, p, h))
      break;
  if (h == p->n) {
    /* No user-land hop: only Node holds it (an active timer, a socket).
     * The last few hops, under a label; no holder name. */
    h = p->n > LINE_HEAD ? p->n - LINE_HEAD : 0;
    label = prefix_label(d, p, p->n);
    lc_buf_addf(&out, "Node internals only (%s): ",
                label ? label : "no user-land holder");
    add_node_name(d, &out, p->src[h]);
    label = NULL;
    lc_buf_addstr(&out, " → ");
    add_edge_name(d, &out, p->edge[h]);
  } else {
    label = prefix_label(d, p, h);
    add_holder(d, p, h, &out, L);
  }
  lc_buf_addstr(&out, " → ");
  add_node_name(d, &out, lc_snapshot_edge_to(d->s, p->edge[h]));
  for (i = h + 1; i < p->n; i++) {
    uint32_t e = p->edge[i];
    /* closure → context → Context: the variable hop after it says it. */
    if (lc_snapshot_edge_type(d->s, e) == LC_ET_INTERNAL &&
        d->s->node_type[p->src[i]] == LC_NT_CLOSURE &&
        strcmp(lc_snapshot_str(d->s, lc_snapshot_edge_name(d->s, e)),
               "context") == 0)
      continue;
    if (nitems && same_hop(d, p, items[nitems - 1].first, i)) {
      items[nitems - 1].repeat++;
      continue;
    }
    LC_ALLOC_GROW(items, nitems + 1, cap);
    items[nitems].first = i;
    items[nitems].repeat = 1;
    nitems++;
  }
  for (i = 0; i < nitems; i++) {
    if (nitems > LINE_HEAD + LINE_TAIL && i == LINE_HEAD) {
      size_t skipped = 0, k;
      for (k = LINE_HEAD; k < nitems - LINE_TAIL; k++)
        skipped += items[k].repeat;
      lc_buf_addf(&out, " → … (%zu hops)", skipped);
      i = nitems - LINE_TAIL - 1;
      continue;
    }
    add_item(d, p, &items[i], &out);
  }
  if (label)
    lc_buf_addf(&out, ", via %s", label);
  free(items);
  L->held_by = lc_buf_detach(&out, NULL);
}

/* ---- real class names ---------------------------------------------------- */

/* The object's own class when DevTools shows another (a base class: an
 * AbortSignal is named after the constructor that built its map,
 * EventTarget, on Node 18 and 20).  The prototype the object's map points
 * at is named after its own class (AbortSignal.prototype is an object
 * named "AbortSignal"); __proto__ when the map has no prototype edge. */
static char *
real_class(const struct dctx *d, uint32_t v, const char *shown)
{
  uint32_t map = edge_named(d->s, v, "map"), proto = UINT32_MAX, up, k;
  const char *name;
  if (d->s->node_type[v] != LC_NT_OBJECT)
    return NULL;
  if (map != UINT32_MAX)
    proto = edge_named(d->s, map, "prototype");
  if (proto == UINT32_MAX)
    proto = edge_named(d->s, v, "__proto__");
  if (proto == UINT32_MAX || d->s->node_type[proto] != LC_NT_OBJECT)
    return NULL;
  name = lc_snapshot_str(d->s, d->s->node_name[proto]);
  if (!*name || strcmp(name, shown) == 0 || strcmp(name, "Object") == 0 ||
      name[0] == '(' || strchr(name, ' '))
    return NULL;
  /* Only a subclass of the class shown: the shown class's prototype is
   * further up the chain.  (A subclass's own prototype may be named after
   * its base, as RequestError.prototype is "Error": then nothing.) */
  for (k = 0, up = proto; k < 32; k++) {
    up = edge_named(d->s, up, "__proto__");
    if (up == UINT32_MAX || d->s->node_type[up] != LC_NT_OBJECT)
      return NULL;
    if (strcmp(lc_snapshot_str(d->s, d->s->node_name[up]), shown) == 0)
      return lc_xstrdup(name);
  }
  return NULL;
}

/* ---- allocation sites ---------------------------------------------------- */

/* A stack frame in the user's own code: not Node's (node:) and not an
 * installed package's (node_modules/), whose frames are shown after the
 * user's, like Node's. */
static int
frame_is_user(const char *script)
{
  return *script && strncmp(script, "node:", 5) != 0 &&
         strstr(script, "/node_modules/") == NULL &&
         strncmp(script, "node_modules/", 13) != 0;
}

/* Appends frame `t` (a trace tree node id) as "FILE:LINE:COL NAME". */
static int
add_frame(const struct dctx *d, struct lc_buf *out, uint32_t t, int *user,
          struct lc_site *site, const struct lc_site *over)
{
  const struct lc_snapshot *s = d->s;
  const uint32_t *fi;
  const char *fname, *script;
  uint32_t f;
  if (t == 0 || t >= s->trace_count)
    return -1;
  f = s->trace_fn[t];
  if (f >= s->trace_info_count)
    return -1;
  fi = &s->trace_info[(size_t)f * 6];
  fname = fi[1] < s->string_count ? lc_snapshot_str(s, fi[1]) : "";
  script = fi[2] < s->string_count ? lc_snapshot_str(s, fi[2]) : "";
  if (!*script && strcmp(fname, "(root)") == 0)
    return -1; /* the tree's root, not a frame */
  if (*script) {
    int first_user = !*user && fi[4] && frame_is_user(script);
    add_script_name(out, script, d->base_dir);
    if (first_user && over && over->line)
      lc_buf_addf(out, ":%u:%u", over->line, over->col);
    else if (fi[4])
      lc_buf_addf(out, ":%lu:%lu", (unsigned long)fi[4], (unsigned long)fi[5]);
    lc_buf_addch(out, ' ');
  }
  lc_buf_addstr(out, *fname ? fname : "(anonymous)");
  /* The first frame in the user's own code: where an annotation goes. */
  if (site && !*user && fi[4] && frame_is_user(script)) {
    struct lc_buf b = LC_BUF_INIT;
    add_script_name(&b, script, d->base_dir);
    site->file = lc_buf_detach(&b, NULL);
    b = (struct lc_buf)LC_BUF_INIT;
    add_script_name(&b, script, NULL);
    site->abs_file = lc_buf_detach(&b, NULL);
    site->line = over && over->line ? over->line : fi[4];
    site->col = over && over->line ? over->col : fi[5];
    *user = 1;
  }
  return 0;
}

/* V8 records the function an object was allocated in, with the
 * function's own position.  The line itself is found in the source: the
 * first `new CLASS` at or after the function's start (within
 * REFINE_LINES lines).  A closure was allocated where it is defined: its
 * own location.  `over` gets the line and column (1-based), or 0. */
#define REFINE_LINES 200
#define REFINE_MAX_FILE (4u << 20)

static int
ident_char(int c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '$';
}

/* kind 0: "new CLS"; kind 1: CLS as a whole word (a callee's name). */
static void
refine_new(const char *path, unsigned line, unsigned col, const char *cls,
           int kind, struct lc_site *over)
{
  FILE *f;
  char *text;
  size_t len, i = 0, clen = strlen(cls);
  unsigned ln = 1;
  long size;
  char first[128];
  if (!clen || !path || path[0] != '/')
    return;
  if (kind == 0 && cls[0] == '{') {
    /* A plain object "{a, b}": where a literal with property `a` is. */
    for (i = 1;
         i < clen && i < sizeof(first) && ident_char((unsigned char)cls[i]);
         i++)
      first[i - 1] = cls[i];
    first[i - 1] = '\0';
    if (i == 1)
      return;
    cls = first;
    clen = strlen(first);
    kind = 2;
  }
  for (i = 0; i < clen; i++)
    if (!ident_char((unsigned char)cls[i]))
      return;
  f = fopen(path, "rb");
  if (!f)
    return;
  if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
      (unsigned long)size > REFINE_MAX_FILE || fseek(f, 0, SEEK_SET) != 0) {
    fclose(f);
    return;
  }
  text = lc_xmalloc((size_t)size + 1);
  len = fread(text, 1, (size_t)size, f);
  fclose(f);
  text[len] = '\0';
  /* To the function's start (line, col). */
  for (i = 0; i < len && ln < line; i++)
    if (text[i] == '\n')
      ln++;
  {
    size_t lstart = i, at = i + (col ? col - 1 : 0);
    if (at > len)
      at = len;
    for (i = at; i < len && ln < line + REFINE_LINES; i++) {
      if (text[i] == '\n') {
        ln++;
        lstart = i + 1;
        continue;
      }
      if (kind == 3 && strncmp(text + i, cls, clen) == 0 &&
          (i == 0 || !ident_char((unsigned char)text[i - 1])) &&
          !ident_char((unsigned char)text[i + clen])) {
        static const char *const uses[] = {
            "+=", ".push(", ".set(", ".add(", ".unshift(", ".concat(", "["};
        size_t j = i + clen, u;
        while (j < len && (text[j] == ' ' || text[j] == '\t'))
          j++;
        for (u = 0; u < sizeof(uses) / sizeof(uses[0]); u++)
          if (strncmp(text + j, uses[u], strlen(uses[u])) == 0)
            break;
        if (u < sizeof(uses) / sizeof(uses[0])) {
          over->line = ln;
          over->col = (unsigned)(i - lstart) + 1;
          break;
        }
      }
      if (kind == 2 && strncmp(text + i, cls, clen) == 0 &&
          (i == 0 || !ident_char((unsigned char)text[i - 1])) &&
          !ident_char((unsigned char)text[i + clen])) {
        size_t j = i + clen;
        while (j < len && (text[j] == ' ' || text[j] == '\t'))
          j++;
        size_t pb = i;
        while (pb > 0 && (text[pb - 1] == ' ' || text[pb - 1] == '\t' ||
                          text[pb - 1] == '\n' || text[pb - 1] == '\r'))
          pb--;
        /* A shorthand property ("{ a, b }") is after '{' or ','; an
         * arrow's parameters ("(a, b) =>") are not a literal. */
        if (j < len && text[j] != ':' &&
            (pb == 0 || (text[pb - 1] != '{' && text[pb - 1] != ',')))
          j = len;
        if (j < len && (text[j] == ':' || text[j] == ',' || text[j] == '}')) {
          /* The literal's '{' when the property opens it ("x = {\n a: 1"). */
          size_t b = i, bl = lstart;
          unsigned bln = ln;
          while (b > 0 && (text[b - 1] == ' ' || text[b - 1] == '\t' ||
                           text[b - 1] == '\n' || text[b - 1] == '\r')) {
            b--;
            if (text[b] == '\n') {
              bln--;
              for (bl = b; bl > 0 && text[bl - 1] != '\n'; bl--)
                ;
            }
          }
          if (b > 0 && text[b - 1] == '{') {
            over->line = bln;
            over->col = (unsigned)(b - 1 - bl) + 1;
          } else {
            over->line = ln;
            over->col = (unsigned)(i - lstart) + 1;
          }
          break;
        }
      }
      if (kind == 1 && strncmp(text + i, cls, clen) == 0 &&
          (i == 0 || !ident_char((unsigned char)text[i - 1])) &&
          !ident_char((unsigned char)text[i + clen])) {
        over->line = ln;
        over->col = (unsigned)(i - lstart) + 1;
        break;
      }
      if (kind == 0 && strncmp(text + i, "new", 3) == 0 &&
          (i == 0 || !ident_char((unsigned char)text[i - 1]))) {
        size_t j = i + 3;
        while (j < len && (text[j] == ' ' || text[j] == '\t'))
          j++;
        if (j > i + 3 && strncmp(text + j, cls, clen) == 0 &&
            !ident_char((unsigned char)text[j + clen])) {
          over->line = ln;
          over->col = (unsigned)(i - lstart) + 1;
          break;
        }
      }
    }
  }
  free(text);
}

struct site_count {
  uint32_t trace;
  uint64_t n;
};

static int
site_cmp(const void *pa, const void *pb)
{
  const struct site_count *a = pa, *b = pb;
  if (a->n != b->n)
    return a->n > b->n ? -1 : 1;
  return a->trace < b->trace ? -1 : a->trace > b->trace;
}

static int
trace_cmp(const void *pa, const void *pb)
{
  uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
  return a < b ? -1 : a > b;
}

/* The script id of the first frame of stack `t` in the user's code (not
 * node:), or UINT32_MAX. */
static uint32_t
first_user_script(const struct dctx *d, uint32_t t)
{
  const struct lc_snapshot *s = d->s;
  int k;
  for (k = 0; k < 2 * LC_MAX_FRAMES && t && t < s->trace_count; k++) {
    uint32_t f = s->trace_fn[t];
    const uint32_t *fi;
    if (f >= s->trace_info_count)
      break;
    fi = &s->trace_info[(size_t)f * 6];
    if (fi[2] < s->string_count && fi[4] &&
        frame_is_user(lc_snapshot_str(s, fi[2])))
      return fi[3];
    t = s->trace_parent[t];
  }
  return UINT32_MAX;
}

/* Where the root row's new survivors were allocated, grouped by stack.  A
 * closure's own definition (closure_at, in script closure_script) is its
 * line when the stack's first user frame is in that script. */
static void
find_sites(struct dctx *d, struct lc_leak *L, uint32_t srow, const char *cls,
           const char *real, const struct lc_site *closure_at,
           uint32_t closure_script)
{
  const struct lc_snapshot *s = d->s;
  uint32_t *traces = NULL, v;
  size_t n = 0, cap = 0, i, ngroups = 0, known = 0;
  struct site_count *groups = NULL;
  if (!s->node_trace || !s->trace_count) {
    if (d->tracking_crash) {
      const char *sig = sigabbrev_np(d->tracking_crash);
      L->site_note = lc_xasprintf(
          "no allocation sites: node was killed by SIG%s with allocation "
          "tracking on, so the check ran again without it",
          sig ? sig : "?");
    } else {
      L->site_note = lc_xstrdup(
          sites_off() ? "allocation sites are off "
                        "(LEAKCHECK_ALLOCATION_SITES=0)"
          : d->ser->warmup == 0
              ? "no allocation sites: they need a warm-up snapshot (warmup: "
                "1 or more)"
              : "no allocation stacks in the snapshot (written without "
                "allocation tracking)");
    }
    return;
  }
  for (v = 0; v < s->node_count; v++) {
    if (!is_new(d, v) || srow_of(d, v) != srow)
      continue;
    LC_ALLOC_GROW(traces, n + 1, cap);
    traces[n++] = s->node_trace[v];
  }
  L->site_total = n;
  if (!n) {
    free(traces);
    return;
  }
  qsort(traces, n, sizeof(uint32_t), trace_cmp);
  groups = lc_xmalloc(n * sizeof(*groups));
  for (i = 0; i < n; i++) {
    if (traces[i] == 0 || traces[i] >= s->trace_count)
      continue; /* allocated before tracking, or unknown: no site */
    known++;
    if (ngroups && groups[ngroups - 1].trace == traces[i]) {
      groups[ngroups - 1].n++;
      continue;
    }
    groups[ngroups].trace = traces[i];
    groups[ngroups].n = 1;
    ngroups++;
  }
  qsort(groups, ngroups, sizeof(*groups), site_cmp);
  L->sites = lc_xcalloc(LC_MAX_SITES, sizeof(*L->sites));
  for (i = 0; i < ngroups && L->nsites < LC_MAX_SITES; i++) {
    struct lc_site *site = &L->sites[L->nsites];
    struct lc_buf b = LC_BUF_INIT;
    uint32_t t = groups[i].trace;
    int k, user = 0;
    size_t j;
    struct lc_site probe, over;
    memset(&probe, 0, sizeof(probe));
    memset(&over, 0, sizeof(over));
    if (closure_at && closure_at->line &&
        first_user_script(d, t) == closure_script) {
      over = *closure_at;
    } else {
      /* The first user frame's function, then its `new CLASS` line. */
      struct lc_buf tmp = LC_BUF_INIT;
      int u = 0;
      uint32_t t2 = t, callee = 0;
      for (k = 0; k < LC_MAX_FRAMES && t2 && !u; k++) {
        if (add_frame(d, &tmp, t2, &u, &probe, NULL) < 0)
          break;
        if (!u)
          callee = t2;
        t2 = s->trace_parent[t2];
      }
      lc_buf_release(&tmp);
      if (u)
        refine_new(probe.abs_file, probe.line, probe.col, cls, 0, &over);
      if (u && !over.line && real && *real)
        refine_new(probe.abs_file, probe.line, probe.col, real, 0, &over);
      if (u && !over.line && L->holder && *L->holder)
        /* Where the holder is added to ("log += ", "cache.set("). */
        refine_new(probe.abs_file, probe.line, probe.col, L->holder, 3, &over);
      if (u && !over.line && callee) {
        /* Allocated inside Node (a getter, a factory): the line where the
         * user's function calls it, by the callee's name. */
        uint32_t fn = s->trace_fn[callee];
        const char *nm =
            fn < s->trace_info_count &&
                    s->trace_info[(size_t)fn * 6 + 1] < s->string_count
                ? lc_snapshot_str(s, s->trace_info[(size_t)fn * 6 + 1])
                : "";
        const char *dot = strrchr(nm, '.'), *sp = strrchr(nm, ' ');
        if (dot)
          nm = dot + 1;
        else if (sp)
          nm = sp + 1;
        if (*nm)
          refine_new(probe.abs_file, probe.line, probe.col, nm, 1, &over);
      }
      free(probe.file);
      free(probe.abs_file);
    }
    {
      /* Frames inside Node above the user's first frame go last, in
       * parentheses: the line the user wrote leads. */
      struct lc_buf inner = LC_BUF_INIT, fr = LC_BUF_INIT;
      int shown = 0;
      for (k = 0; k < 2 * LC_MAX_FRAMES && t && shown < LC_MAX_FRAMES; k++) {
        int was_user = user;
        lc_buf_reset(&fr);
        if (add_frame(d, &fr, t, &user, site, &over) < 0)
          break;
        t = s->trace_parent[t];
        if (!user && k + 1 < 2 * LC_MAX_FRAMES && t) {
          lc_buf_addf(&inner, "%s%s", inner.len ? " <- " : "", fr.buf);
          continue;
        }
        (void)was_user;
        lc_buf_addf(&b, "%s%s", b.len ? " <- " : "", fr.buf);
        shown++;
      }
      if (!user && !b.len && inner.len) {
        lc_buf_addstr(&b, inner.buf); /* no user frame: Node's as they are */
      } else if (inner.len) {
        lc_buf_addf(&b, " (inside %s)", inner.buf);
      }
      lc_buf_release(&inner);
      lc_buf_release(&fr);
    }
    if (!b.len) {
      lc_buf_release(&b);
      continue;
    }
    /* Two trace nodes whose first frames read alike: one stack. */
    for (j = 0; j < L->nsites; j++)
      if (strcmp(L->sites[j].frames, b.buf) == 0)
        break;
    if (j < L->nsites) {
      L->sites[j].count += groups[i].n;
      free(site->file);
      free(site->abs_file);
      memset(site, 0, sizeof(*site));
      lc_buf_release(&b);
      continue;
    }
    site->count = groups[i].n;
    site->frames = lc_buf_detach(&b, NULL);
    L->nsites++;
  }
  if (!known)
    L->site_note = lc_xstrdup("allocated before allocation tracking started");
  else if (!L->nsites)
    L->site_note = lc_xstrdup("no allocation site: the allocation stacks "
                              "name no frame that can be read");
  free(groups);
  free(traces);
}

/* ---- leaks --------------------------------------------------------------- */

/* "Date" → "a Date", "(number)" → "a number", "Array" → "an Array". */
static void
add_article(struct lc_buf *out, const char *name)
{
  size_t n = strlen(name);
  if (n > 2 && name[0] == '(' && name[n - 1] == ')') {
    name++;
    n -= 2;
  }
  if (strncmp(name, "system / ", 9) == 0) {
    name += 9;
    n -= 9;
  }
  lc_buf_addstr(out, strchr("AEIOUaeiou", name[0]) && name[0] ? "an " : "a ");
  lc_buf_add(out, name, n);
}

struct rank {
  size_t leak;
  uint64_t retained;
  int has_row;
};

static int
rank_cmp(const void *pa, const void *pb)
{
  const struct rank *a = pa, *b = pb;
  if (a->has_row != b->has_row)
    return a->has_row ? -1 : 1;
  if (a->retained != b->retained)
    return a->retained > b->retained ? -1 : 1;
  return a->leak < b->leak ? -1 : a->leak > b->leak;
}

static void
headline(const struct dctx *d, struct lc_assert_result *ar, struct lc_leak *L)
{
  const struct lc_finding *f = &ar->findings[L->root];
  struct lc_buf b = LC_BUF_INIT;
  char rs[LC_BYTES_MAX], gb[LC_BYTES_MAX];
  size_t i, shown = 0, nrows = 0;
  int each = f->growth > 0;
  (void)d;
  lc_finding_name(&b, f);
  if (L->real_class)
    lc_buf_addf(&b, " (really %s)", L->real_class);
  lc_format_bytes(gb, sizeof(gb), f->growth_bytes, 1);
  if (f->row && f->row->memory) /* bytes sampled: no objects */
    lc_buf_addf(&b, ": %s", gb);
  else if (f->object_id)
    lc_buf_addf(&b, ": %s, one object", gb);
  else
    lc_buf_addf(&b, ": %+lld %s (%s)", (long long)f->growth,
                f->growth == 1 || f->growth == -1 ? "object" : "objects", gb);
  for (i = 0; i < L->nfolded && each; i++) {
    const struct lc_finding *g = &ar->findings[L->folded[i]];
    if (g->object_id)
      continue;
    if (g->growth <= 0 || g->growth % f->growth != 0)
      each = 0;
  }
  for (i = 0; i < L->nfolded; i++)
    nrows += !ar->findings[L->folded[i]].object_id;
  for (i = 0; i < L->nfolded; i++) {
    const struct lc_finding *g = &ar->findings[L->folded[i]];
    const char *name = g->row ? g->row->name : "?";
    if (g->object_id)
      continue;
    if (shown == 4) {
      lc_buf_addstr(&b, " and more");
      break;
    }
    lc_buf_addstr(&b, shown == 0 ? (each ? ", each holding " : ", holding ")
                      : shown + 1 == nrows ? " and "
                                           : ", ");
    if (each && g->growth == f->growth)
      add_article(&b, name);
    else if (each)
      lc_buf_addf(&b, "%lld %s", (long long)(g->growth / f->growth), name);
    else
      lc_buf_addf(&b, "%+lld %s", (long long)g->growth, name);
    shown++;
  }
  if (L->retained) {
    lc_format_bytes(rs, sizeof(rs), (int64_t)L->retained, 1);
    lc_buf_addf(&b, "; %s retained", rs);
  }
  L->headline = lc_buf_detach(&b, NULL);
}

/* The lines reporters that print findings show under the root row. */
static char *
leak_why(const struct lc_leak *L)
{
  struct lc_buf b = LC_BUF_INIT;
  size_t i;
  for (i = 0; i < L->nsites; i++)
    lc_buf_addf(&b, "%s%llu of %llu allocated at %s", i ? "\n" : "",
                (unsigned long long)L->sites[i].count,
                (unsigned long long)L->site_total, L->sites[i].frames);
  if (!L->nsites && L->site_note) /* why there is no line to show */
    lc_buf_addstr(&b, L->site_note);
  if (L->held_by)
    lc_buf_addf(&b, "%sheld by: %s", b.len ? "\n" : "", L->held_by);
  return b.len ? lc_buf_detach(&b, NULL) : (lc_buf_release(&b), NULL);
}

/* What the graph says about one failed assertion (lc_diagnose_plan): the
 * fold, and per finding its new survivors, their retained size, and for
 * a leak's root the node that explains it with its retainer path. */
struct aplan {
  long *into;     /* fold target, or -1 */
  uint64_t *newc; /* new survivors */
  uint64_t *ret;  /* their retained size (those no other one dominates) */
  uint32_t *node; /* the node to explain, or UINT32_MAX */
  struct path *path;
  size_t nf; /* findings */
};

struct lc_diag_plan {
  struct aplan *a; /* per assertion result; into is NULL when not planned */
  size_t n;
};

static void
plan_assert(struct dctx *d, const struct lc_assert_result *ar, struct aplan *ap)
{
  size_t nf = ar->nfindings, i, j;
  long *into = lc_xmalloc(nf * sizeof(long)); /* fold target, or -1 */
  uint32_t *pick = lc_xmalloc(nf * sizeof(uint32_t));
  uint64_t *newc = lc_xcalloc(nf, sizeof(uint64_t));
  uint64_t *ret = lc_xcalloc(nf, sizeof(uint64_t));
  uint64_t *share = lc_xcalloc(nf * nf, sizeof(uint64_t));
  uint32_t *stack = NULL, v;
  size_t scap = 0;

  for (i = 0; i < d->ser->nrows; i++)
    d->fail_of[i] = -1;
  for (i = 0; i < nf; i++) {
    const struct lc_finding *f = &ar->findings[i];
    into[i] = -1;
    pick[i] = UINT32_MAX;
    if (f->row && !f->row->memory && !f->object_id)
      d->fail_of[f->row - d->ser->rows] = (long)i;
  }
  for (v = 0; v < d->s->node_count; v++)
    d->top[v] = TOP_UNKNOWN;
  /* Who dominates each failing row's new survivors. */
  for (v = 0; v < d->s->node_count; v++) {
    uint32_t t, r;
    long fi, ti;
    if (!marked(d, v))
      continue;
    fi = d->fail_of[srow_of(d, v)];
    newc[fi]++;
    t = compute_top(d, v, &stack, &scap);
    if (t == TOP_NONE)
      continue;
    r = srow_of(d, t);
    ti = d->fail_of[r];
    share[(size_t)fi * nf + (size_t)ti]++;
    if (t == v) {
      ret[fi] += d->g.retained[v];
      if (pick[fi] == UINT32_MAX ||
          (uint32_t)d->g.distance[v] < (uint32_t)d->g.distance[pick[fi]] ||
          (d->g.distance[v] == d->g.distance[pick[fi]] &&
           d->s->node_id[v] < d->s->node_id[pick[fi]]))
        pick[fi] = v;
    }
  }
  free(stack);
  /* Fold: most of B's new survivors held through A's. */
  for (i = 0; i < nf; i++) {
    size_t best = nf;
    if (!newc[i])
      continue;
    for (j = 0; j < nf; j++)
      if (j != i && share[i * nf + j] &&
          (best == nf || share[i * nf + j] > share[i * nf + best]))
        best = j;
    if (best < nf && share[i * nf + best] * 100 >= newc[i] * FOLD_SHARE)
      into[i] = (long)best;
  }
  /* Follow chains of folds to their root (cycles stop where they close). */
  for (i = 0; i < nf; i++) {
    long r = into[i];
    size_t hops = 0;
    while (r >= 0 && into[r] >= 0 && hops++ < nf)
      r = into[r];
    if (r == (long)i)
      r = -1;
    into[i] = r;
  }

  /* The node each root is explained by, and its path: one growing object
   * is itself, a row its own new survivor closest to the roots. */
  ap->node = lc_xmalloc(nf * sizeof(uint32_t));
  ap->path = lc_xcalloc(nf, sizeof(struct path));
  for (i = 0; i < nf; i++) {
    const struct lc_finding *f = &ar->findings[i];
    uint32_t node = UINT32_MAX;
    if (into[i] < 0 && f->row && f->object_id) {
      for (v = 0; v < d->s->node_count; v++)
        if (d->s->node_id[v] == f->object_id) {
          node = v;
          break;
        }
    } else if (into[i] < 0 && f->row && !f->row->memory) {
      node = pick[i];
    }
    ap->node[i] = node;
    if (node != UINT32_MAX)
      path_build(d, node, &ap->path[i]);
  }
  ap->nf = nf;
  ap->into = into;
  ap->newc = newc;
  ap->ret = ret;
  free(pick);
  free(share);
}

static void
aplan_release(struct aplan *ap)
{
  size_t i;
  if (ap->path)
    for (i = 0; i < ap->nf; i++)
      path_release(&ap->path[i]);
  free(ap->path);
  free(ap->node);
  free(ap->into);
  free(ap->newc);
  free(ap->ret);
  memset(ap, 0, sizeof(*ap));
}

/* The findings of one failed assertion as leaks, in words, from the plan. */
static void
explain_assert(struct dctx *d, struct lc_assert_result *ar,
               const struct aplan *ap)
{
  size_t nf = ar->nfindings, i, j, nleaks = 0;
  const long *into = ap->into;
  const uint64_t *newc = ap->newc, *ret = ap->ret;
  struct lc_leak *leaks;
  struct rank *rank;
  struct lc_finding *nfind;
  size_t *newpos;

  /* One leak per root. */
  leaks = lc_xcalloc(nf, sizeof(*leaks));
  rank = lc_xcalloc(nf, sizeof(*rank));
  {
    long *leak_of = lc_xmalloc(nf * sizeof(long));
    for (i = 0; i < nf; i++) {
      leak_of[i] = -1;
      if (into[i] >= 0)
        continue;
      leak_of[i] = (long)nleaks;
      leaks[nleaks].root = i;
      leaks[nleaks].new_objects = newc[i];
      leaks[nleaks].retained = ret[i];
      rank[nleaks].leak = nleaks;
      rank[nleaks].retained = ret[i];
      /* A memory row (lc_series.mem) has no objects to explain. */
      rank[nleaks].has_row = ar->findings[i].row &&
                             !ar->findings[i].row->memory &&
                             !ar->findings[i].object_id;
      nleaks++;
    }
    for (i = 0; i < nf; i++) {
      struct lc_leak *L;
      if (into[i] < 0)
        continue;
      L = &leaks[leak_of[into[i]]];
      L->folded = lc_xrealloc(L->folded, (L->nfolded + 1) * sizeof(size_t));
      L->folded[L->nfolded++] = i;
    }
    free(leak_of);
  }
  /* Explain each row leak with its own new survivor. */
  for (i = 0; i < nleaks; i++) {
    struct lc_leak *L = &leaks[i];
    const struct lc_finding *f = &ar->findings[L->root];
    const struct path *p = &ap->path[L->root];
    uint32_t node = ap->node[L->root];
    if (f->row && f->object_id) { /* one growing object: itself */
      if (node == UINT32_MAX)
        continue;
      L->node_id = f->object_id;
      path_runs(d, p, L);
      path_line(d, p, L);
      continue;
    }
    if (!rank[i].has_row || node == UINT32_MAX)
      continue;
    L->node_id = d->s->node_id[node];
    L->real_class = real_class(d, node, f->row->name);

    path_runs(d, p, L);
    path_line(d, p, L);
    {
      /* A closure's site is its own definition (the snapshot's location). */
      struct lc_site at;
      uint32_t l = lc_snapshot_loc(d->s, node), script = UINT32_MAX;
      memset(&at, 0, sizeof(at));
      if (d->s->node_type[node] == LC_NT_CLOSURE && l != UINT32_MAX) {
        at.line = d->s->loc_line[l] + 1;
        at.col = d->s->loc_col[l] + 1;
        script = d->s->loc_script[l];
      }
      find_sites(d, L, (uint32_t)(f->row - d->ser->rows), f->row->name,
                 L->real_class, &at, script);
    }
    /* A growing object on this path (the array that holds them) belongs
     * to this leak. */
    for (j = 0; j < nleaks; j++) {
      struct lc_leak *O = &leaks[j];
      const struct lc_finding *of = &ar->findings[O->root];
      size_t k;
      if (j == i || !of->object_id || O->nfolded == SIZE_MAX)
        continue;
      for (k = 0; k < p->n; k++)
        if (d->s->node_id[p->src[k]] == of->object_id)
          break;
      if (k == p->n)
        continue;
      L->folded = lc_xrealloc(L->folded, (L->nfolded + 1) * sizeof(size_t));
      L->folded[L->nfolded++] = O->root;
      O->nfolded = SIZE_MAX; /* taken */
    }
  }
  /* Drop the leaks taken above, rank the rest. */
  {
    size_t out = 0;
    for (i = 0; i < nleaks; i++) {
      if (leaks[i].nfolded == SIZE_MAX) {
        leaks[i].nfolded = 0;
        lc_leak_release(&leaks[i]);
        continue;
      }
      rank[out] = rank[i];
      rank[out].leak = i;
      out++;
    }
    qsort(rank, out, sizeof(*rank), rank_cmp);
    /* New finding order: each leak's root, then what was folded into it. */
    nfind = lc_xmalloc(nf * sizeof(*nfind));
    newpos = lc_xmalloc(nf * sizeof(size_t));
    j = 0;
    for (i = 0; i < out; i++) {
      struct lc_leak *L = &leaks[rank[i].leak];
      size_t k;
      newpos[L->root] = j;
      nfind[j++] = ar->findings[L->root];
      for (k = 0; k < L->nfolded; k++) {
        newpos[L->folded[k]] = j;
        nfind[j++] = ar->findings[L->folded[k]];
      }
    }
    ar->leaks = lc_xcalloc(out ? out : 1, sizeof(*ar->leaks));
    for (i = 0; i < out; i++) {
      struct lc_leak *L = &ar->leaks[i];
      size_t k;
      *L = leaks[rank[i].leak];
      L->root = newpos[L->root];
      for (k = 0; k < L->nfolded; k++)
        L->folded[k] = newpos[L->folded[k]];
    }
    ar->nleaks = out;
    free(ar->findings);
    ar->findings = nfind;
    free(newpos);
  }
  for (i = 0; i < ar->nleaks; i++) {
    struct lc_leak *L = &ar->leaks[i];
    struct lc_finding *f = &ar->findings[L->root];
    headline(d, ar, L);
    free(f->why);
    f->why = leak_why(L);
  }
  lc_verdict_remessage(ar, d->ser);
  free(leaks);
  free(rank);
}

/* The context both steps share: rows, new objects, the findings' rows. */
static void
dctx_init(struct dctx *d, const struct lc_check_result *res,
          const struct lc_snapshot *s, const struct lc_summary *sum)
{
  uint32_t r;
  memset(d, 0, sizeof(*d));
  d->s = s;
  d->sum = sum;
  d->ser = &res->series;
  d->tracking_crash = res->tracking_crash;
  d->since = res->series.max_id[res->series.warmup];
  d->series_row = lc_xmalloc((sum->nrows + 1) * sizeof(uint32_t));
  for (r = 0; r < sum->nrows; r++) {
    long k = lc_series_find(d->ser, sum->rows[r].key);
    d->series_row[r] = k < 0 ? UINT32_MAX : (uint32_t)k;
  }
}

static void
dctx_release(struct dctx *d)
{
  free(d->top);
  free(d->fail_of);
  free(d->series_row);
  lc_graph_release(&d->g);
}

struct lc_diag_plan *
lc_diagnose_plan(const struct lc_check_result *res, struct lc_snapshot *s,
                 struct lc_summary *sum)
{
  struct dctx d;
  struct lc_diag_plan *plan;
  size_t i;
  if (res->status != LC_CHECK_FAILED || !sum->node_row || !s->node_id ||
      !s->node_first_edge)
    return NULL;
  dctx_init(&d, res, s, sum);
  /* Step by step, each step's scratch memory given back before the next
   * takes its own, and the snapshot's columns as soon as no step reads
   * them: the mark step reads names; the BFS (distances and paths) and
   * the dominators' numbering read the edges; the rest only numbers.
   * Retained sizes are summed in the summary's self sizes. */
  lc_graph_build(&d.g, s, NULL,
                 LC_GRAPH_DOMINATORS | LC_GRAPH_PATHS | LC_GRAPH_MARK_ONLY);
  lc_snapshot_drop(s, LC_SNAPSHOT_DROP_NAMES | LC_SNAPSHOT_DROP_EDGE_TYPES);
  lc_graph_distances(&d.g, s, 1);
  lc_graph_dominators_begin(&d.g, s);
  lc_snapshot_drop(s, LC_SNAPSHOT_DROP_EDGE_TARGETS);
  lc_graph_dominators_end(&d.g, NULL);
  lc_graph_retained_take(&d.g, &sum->node_self);
  lc_trace("diagnosis: graph built");
  d.top = lc_xmalloc(((size_t)s->node_count + 1) * sizeof(uint32_t));
  d.fail_of = lc_xmalloc((d.ser->nrows + 1) * sizeof(long));
  plan = lc_xcalloc(1, sizeof(*plan));
  plan->n = res->nresults;
  plan->a = lc_xcalloc(plan->n ? plan->n : 1, sizeof(*plan->a));
  for (i = 0; i < res->nresults; i++)
    if (res->results[i].failed && res->results[i].nfindings)
      plan_assert(&d, &res->results[i], &plan->a[i]);
  dctx_release(&d);
  return plan;
}

void
lc_diag_plan_free(struct lc_diag_plan *plan)
{
  size_t i;
  if (!plan)
    return;
  for (i = 0; i < plan->n; i++)
    aplan_release(&plan->a[i]);
  free(plan->a);
  free(plan);
}

void
lc_diagnose_explain(struct lc_check_result *res, struct lc_diag_plan *plan,
                    const struct lc_snapshot *s, const struct lc_summary *sum,
                    const struct lc_scripts *sc, const char *base_dir)
{
  struct dctx d;
  size_t i;
  if (!plan)
    return;
  if (plan->n == res->nresults && s->node_count && sum->node_row) {
    dctx_init(&d, res, s, sum);
    d.sc = sc;
    d.base_dir = base_dir;
    for (i = 0; i < res->nresults; i++)
      if (plan->a[i].into && res->results[i].nfindings == plan->a[i].nf)
        explain_assert(&d, &res->results[i], &plan->a[i]);
    dctx_release(&d);
  }
  lc_diag_plan_free(plan);
}

/* ---- memory outside the V8 heap ------------------------------------------ */

/* Nonzero for the rows of JavaScript objects that hold memory outside the
 * V8 heap: ArrayBuffers, typed arrays and Buffers, and the backing stores
 * the snapshot shows as native nodes (docs/heap-snapshot-format.md). */
static int
holds_external(const char *name)
{
  static const char *const rows[] = {
      "ArrayBuffer",   "SharedArrayBuffer",
      "Buffer",        "FastBuffer",
      "Uint8Array",    "DataView",
      "Float64Array",  "system / JSArrayBufferData",
      "(array buffer)"};
  size_t i;
  for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
    if (!strcmp(name, rows[i]))
      return 1;
  return 0;
}

/* The last snapshot of the measured window: the growth figures of the
 * explanations are the verdict's. */
static size_t
window_last(const struct lc_series *ser)
{
  return ser->planned ? ser->planned - 1 : ser->nsnap - 1;
}

/* Appends "\n  ArrayBuffer backing store @ID: A to B" for every backing
 * store (a big object of that row, by id) that grew from snapshot `first`
 * to `last`; returns how many. */
static size_t
add_growing_stores(struct lc_buf *b, const struct lc_series *ser, size_t first,
                   size_t last, const char *head)
{
  const struct lc_big_objects *from;
  size_t i, n = 0;
  if (!ser->big || last <= first)
    return 0;
  from = &ser->big[first];
  for (i = 0; i < from->n; i++) {
    const struct lc_big_object *o = &from->v[i], *to;
    char a[LC_BYTES_MAX], z[LC_BYTES_MAX], g[LC_BYTES_MAX];
    if (o->row == LC_SERIES_NO_ROW ||
        !lc_row_is_backing_store(ser->rows[o->row].name))
      continue;
    to = lc_big_objects_find(&ser->big[last], o->id);
    if (!to || to->size <= o->size)
      continue;
    if (!n++)
      lc_buf_addstr(b, head);
    lc_format_bytes(a, sizeof(a), (int64_t)o->size, 0);
    lc_format_bytes(z, sizeof(z), (int64_t)to->size, 0);
    lc_format_bytes(g, sizeof(g), (int64_t)(to->size - o->size), 1);
    lc_buf_addf(b,
                "\n  ArrayBuffer backing store (%s @%u): %s to %s (%s), "
                "the same store growing in place",
                ser->rows[o->row].name, o->id, a, z, g);
  }
  return n;
}

/* Fills `why` of a failing memory finding: what the snapshots know about
 * it, over the measured window first..last.  When rows of objects that
 * hold external memory grew, they are listed with their sizes (for
 * backing stores, the bytes they hold), and so is each backing store that
 * grew in place; otherwise the memory is outside the JS heap. */
static void
explain_memory(const struct lc_series *ser, struct lc_finding *f, size_t first,
               size_t last)
{
  struct lc_buf b = LC_BUF_INIT;
  size_t r;
  int any = 0;
  if (!f->row || !f->row->memory || f->why)
    return;
  for (r = 0; r < ser->nrows; r++) {
    const struct lc_series_row *row = &ser->rows[r];
    char g[LC_BYTES_MAX], s[LC_BYTES_MAX];
    if (!holds_external(row->name) || row->size[last] <= row->size[first])
      continue;
    if (!any)
      lc_buf_addstr(&b, "JS objects that hold external memory grew:");
    any = 1;
    lc_format_bytes(g, sizeof(g), (int64_t)(row->size[last] - row->size[first]),
                    1);
    lc_format_bytes(s, sizeof(s), (int64_t)row->size[last], 0);
    lc_buf_addf(&b, "\n  %s: %+lld objects, %s to %s", row->name,
                (long long)row->count[last] - (long long)row->count[first], g,
                s);
  }
  if (add_growing_stores(&b, ser, first, last,
                         any ? ""
                             : "JS objects that hold external "
                               "memory grew:"))
    any = 1;
  if (!any)
    lc_buf_addstr(&b, "outside the JS heap: not visible in snapshots "
                      "(no ArrayBuffer, Buffer or backing-store row "
                      "grew)");
  f->why = lc_buf_detach(&b, NULL);
}

/* Names an ArrayBuffer backing store among the failing findings of the
 * default assertion: a single growing object of the backing-store row is
 * a buffer's memory outside the V8 heap, growing in place (a resizable
 * ArrayBuffer, or a store realloc'ed by an addon); the V8 internals budget
 * counts that row too, so a budget finding says how much of its growth
 * is backing stores (the row's count and bytes) and lists the stores
 * that grew in place. */
static void
explain_backing_store(const struct lc_series *ser, struct lc_finding *f,
                      size_t first, size_t last)
{
  struct lc_buf b = LC_BUF_INIT;
  if (f->object_id && f->row && lc_row_is_backing_store(f->row->name)) {
    char a[LC_BYTES_MAX], z[LC_BYTES_MAX];
    lc_format_bytes(a, sizeof(a), (int64_t)f->size[first], 0);
    lc_format_bytes(z, sizeof(z), (int64_t)f->size[last], 0);
    lc_buf_addf(&b,
                "an ArrayBuffer's backing store, outside the V8 heap: "
                "%s to %s, the same store growing in place without a "
                "new object (a resizable ArrayBuffer)",
                a, z);
  } else if ((f->failed_rules & LC_RULE_INTERNALS) && !f->why) {
    /* The backing-store row's own growth, whatever the node ids (a store
     * that moves when it grows gets a new one). */
    long r = -1;
    size_t k;
    for (k = 0; k < ser->nrows && r < 0; k++)
      if (lc_row_is_backing_store(ser->rows[k].name))
        r = (long)k;
    if (r >= 0 && ser->rows[r].size[last] > ser->rows[r].size[first]) {
      const struct lc_series_row *row = &ser->rows[r];
      char a[LC_BYTES_MAX], z[LC_BYTES_MAX], g[LC_BYTES_MAX];
      lc_format_bytes(a, sizeof(a), (int64_t)row->size[first], 0);
      lc_format_bytes(z, sizeof(z), (int64_t)row->size[last], 0);
      lc_format_bytes(g, sizeof(g),
                      (int64_t)(row->size[last] - row->size[first]), 1);
      lc_buf_addf(&b,
                  "of which ArrayBuffer backing stores, row %s: %s (%llu to "
                  "%llu stores holding %s to %s), outside the V8 heap",
                  row->name, g, (unsigned long long)row->count[first],
                  (unsigned long long)row->count[last], a, z);
      add_growing_stores(&b, ser, first, last, "");
    } else if (!add_growing_stores(&b, ser, first, last,
                                   "of which ArrayBuffer backing stores "
                                   "grew:")) {
      return;
    }
  } else {
    return;
  }
  if (f->why) {
    lc_buf_addch(&b, '\n');
    lc_buf_addstr(&b, f->why);
    free(f->why);
  }
  f->why = lc_buf_detach(&b, NULL);
}

void
lc_diag_external(struct lc_check_result *res)
{
  const struct lc_series *ser = &res->series;
  size_t i, j, first = ser->warmup, last;
  if (res->status != LC_CHECK_FAILED || ser->nsnap < 2)
    return;
  last = window_last(ser);
  if (first >= last)
    return;
  for (i = 0; i < res->nresults; i++) {
    struct lc_assert_result *ar = &res->results[i];
    for (j = 0; j < ar->nfindings; j++) {
      explain_memory(ser, &ar->findings[j], first, last);
      explain_backing_store(ser, &ar->findings[j], first, last);
    }
  }
}
