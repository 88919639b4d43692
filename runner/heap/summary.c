/*
 * The Summary view (see leakcheck/heap.h and docs/heap-snapshot-format.md §3):
 * the steps run in DevTools' order because each one changes the numbers of the
 * next: detachedness, shallow-size reattribution, class names with interface
 * inference, then rows.
 */
#include "heap/graph.h"
#include "leakcheck/heap.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/strmap.h"
#include "base/trace.h"
#include "leakcheck/buf.h"

#include "base/banned.h"

#define NONE UINT32_MAX

/* ---- step 1: detachedness ---------------------------------------------- */

static void
propagate_dom_state(const struct lc_snapshot *s, uint8_t *state)
{
  const struct lc_edges ev = lc_snapshot_edges(s);
  uint32_t n = s->node_count, i, *attached, *detached;
  size_t na = 0, nd = 0;
  uint8_t *visited;
  if (!s->has_detachedness)
    return;
  visited = lc_xcalloc(n + 1, 1);
  attached = lc_xmalloc(((size_t)n + 1) * sizeof(uint32_t));
  detached = lc_xmalloc(((size_t)n + 1) * sizeof(uint32_t));

#define PROCESS(ord, st)                                                       \
  do {                                                                         \
    uint32_t o_ = (ord);                                                       \
    if (!visited[o_]) {                                                        \
      visited[o_] = 1;                                                         \
      if (s->node_type[o_] == LC_NT_NATIVE) {                                  \
        state[o_] = (st);                                                      \
        if ((st) == 1)                                                         \
          attached[na++] = o_;                                                 \
        else if ((st) == 2)                                                    \
          detached[nd++] = o_;                                                 \
      }                                                                        \
    }                                                                          \
  } while (0)

  for (i = 0; i < n; i++)
    if (state[i])
      PROCESS(i, state[i]);
  while (na) {
    uint32_t o = attached[--na], e;
    for (e = s->node_first_edge[o]; e < s->node_first_edge[o + 1]; e++)
      if (lc_edges_type(&ev, e) != LC_ET_HIDDEN &&
          lc_edges_type(&ev, e) != LC_ET_WEAK)
        PROCESS(lc_edges_to(&ev, e), 1);
  }
  while (nd) {
    uint32_t o = detached[--nd], e;
    if (state[o] == 1)
      continue;
    for (e = s->node_first_edge[o]; e < s->node_first_edge[o + 1]; e++)
      if (lc_edges_type(&ev, e) != LC_ET_HIDDEN &&
          lc_edges_type(&ev, e) != LC_ET_WEAK)
        PROCESS(lc_edges_to(&ev, e), 2);
  }
#undef PROCESS
  free(visited);
  free(attached);
  free(detached);
}

/* ---- step 2: shallow-size reattribution ------------------------------- */

static int
has_user_roots(const struct lc_snapshot *s)
{
  uint32_t e;
  if (!s->node_count)
    return 0;
  for (e = s->node_first_edge[0]; e < s->node_first_edge[1]; e++) {
    uint32_t t = lc_snapshot_edge_to(s, e);
    if (s->node_type[t] != LC_NT_SYNTHETIC ||
        strcmp(lc_snapshot_str(s, s->node_name[t]), "(Document DOM trees)") ==
            0)
      return 1;
  }
  return 0;
}

/* `owner` is scratch room for node_count entries (the caller's node_row,
 * not yet in use).  Owners spread from each node that owns itself through
 * the hidden and array nodes it reaches, and a node reached from two
 * becomes "multiple"; the result does not depend on the order of the walk
 * (each node only moves up from unvisited to one owner to multiple), so
 * the owners are walked one at a time and the work list holds only the
 * nodes reached, not every node at once. */
static void
reattribute_shallow(const struct lc_snapshot *s, uint64_t *self,
                    uint32_t *owner)
{
  const struct lc_edges ev = lc_snapshot_edges(s);
  const uint32_t unvisited = UINT32_MAX, multiple = UINT32_MAX - 1;
  uint32_t n = s->node_count, i, *work;
  const uint32_t *first = s->node_first_edge;
  size_t nw = 0;
  if (!has_user_roots(s))
    return;
  /* Each node enters the work list at most twice (see below). */
  work = lc_xmalloc(((size_t)n * 2 + 1) * sizeof(uint32_t));
  for (i = 0; i < n; i++) {
    uint8_t t = s->node_type[i];
    if (t == LC_NT_HIDDEN || t == LC_NT_ARRAY ||
        (t == LC_NT_NATIVE && strcmp(lc_snapshot_str(s, s->node_name[i]),
                                     "system / ExternalStringData") == 0))
      owner[i] = unvisited;
    else
      owner[i] = i;
  }
  for (i = 0; i < n; i++) {
    if (owner[i] != i)
      continue;
    work[nw++] = i;
    while (nw) {
      uint32_t id = work[--nw], own = owner[id], e;
      for (e = first[id]; e < first[id + 1]; e++) {
        uint32_t t = lc_edges_to(&ev, e);
        if (lc_edges_type(&ev, e) == LC_ET_WEAK)
          continue;
        if (owner[t] == unvisited) {
          owner[t] = own;
        } else if (owner[t] != t && owner[t] != own && owner[t] != multiple) {
          owner[t] = multiple;
        } else {
          continue;
        }
        if (first[t] !=
            first[t + 1]) /* a node without edges passes on nothing */
          work[nw++] = t;
      }
    }
  }
  for (i = 0; i < n; i++) {
    uint32_t o = owner[i];
    if (o == unvisited || o == multiple || o == i)
      continue;
    if (s->node_type[o] == LC_NT_SYNTHETIC || o == 0)
      continue;
    self[o] += self[i];
    self[i] = 0;
  }
  free(work);
}

/* ---- step 3: class names ----------------------------------------------- */

/* The name DevTools shows for an object/native node whose (possibly
 * "Detached "-prefixed) raw name is `name`: "<div id=x>" → "<div>". */
static void
element_class(struct lc_buf *out, const char *name)
{
  const char *sp = NULL;
  if (name[0] == '<')
    sp = strchr(name, ' ');
  else if (strncmp(name, "Detached <", 10) == 0)
    sp = strchr(name + 10, ' ');
  if (sp) {
    lc_buf_add(out, name, (size_t)(sp - name));
    lc_buf_addch(out, '>');
  } else {
    lc_buf_addstr(out, name);
  }
}

static void
node_class_into(struct lc_buf *out, const struct lc_snapshot *s, uint32_t n,
                int detached)
{
  switch (s->node_type[n]) {
  case LC_NT_HIDDEN:
    lc_buf_addstr(out, "(system)");
    return;
  case LC_NT_OBJECT:
  case LC_NT_NATIVE:
    if (detached) {
      struct lc_buf tmp = LC_BUF_INIT;
      lc_buf_addf(&tmp, "Detached %s", lc_snapshot_str(s, s->node_name[n]));
      element_class(out, tmp.buf);
      lc_buf_release(&tmp);
    } else {
      element_class(out, lc_snapshot_str(s, s->node_name[n]));
    }
    return;
  case LC_NT_CODE:
    lc_buf_addstr(out, "(compiled code)");
    return;
  case LC_NT_CLOSURE:
    lc_buf_addstr(out, "Function");
    return;
  case LC_NT_REGEXP:
    lc_buf_addstr(out, "RegExp");
    return;
  default:
    lc_buf_addf(out, "(%s)", lc_snapshot_type_name(s, n));
    return;
  }
}

char *
lc_summary_node_class(const struct lc_snapshot *s, uint32_t node)
{
  struct lc_buf b = LC_BUF_INIT;
  node_class_into(&b, s, node, 0);
  return lc_buf_detach(&b, NULL);
}

/* Length in UTF-16 code units of UTF-8 text, as JS counts it. */
static size_t
utf16_len(const char *s, size_t n)
{
  size_t i, len = 0;
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if ((c & 0xC0) != 0x80)
      len += c >= 0xF0 ? 2 : 1;
  }
  return len;
}

static void
format_property(struct lc_buf *out, const char *name)
{
  /* Names with , ' " { } are written as JSON.stringify does. */
  if (strpbrk(name, ",'\"{}"))
    lc_buf_add_json_string(out, name);
  else
    lc_buf_addstr(out, name);
}

struct candidate {
  uint32_t name; /* index in the names map */
  uint32_t count;
  uint32_t order;  /* first seen */
  uint32_t *props; /* property ids */
  uint32_t nprops;
};

static int
cmp_candidate(const void *a, const void *b)
{
  const struct candidate *x = a, *y = b;
  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

/* Per string: 0 not yet compared, 1 "Object", 2 anything else; so that
 * each name is compared once, not once per node. */
static int
is_plain_object(const struct lc_snapshot *s, uint8_t *is_object, uint32_t n)
{
  uint32_t k;
  if (s->node_type[n] != LC_NT_OBJECT)
    return 0;
  k = s->node_name[n];
  if (!is_object[k])
    is_object[k] = strcmp(lc_snapshot_str(s, k), "Object") == 0 ? 1 : 2;
  return is_object[k] == 1;
}

/* The property id of `name` (interned by text, so duplicated entries of
 * the strings table agree). */
static uint32_t
prop_id(const struct lc_snapshot *s, uint32_t e, struct lc_strmap *props,
        uint32_t *cache)
{
  uint32_t si = lc_snapshot_edge_name(s, e);
  if (!cache[si]) {
    const char *t = lc_snapshot_str(s, si);
    cache[si] = lc_strmap_intern(props, t, strlen(t), NULL) + 1;
  }
  return cache[si] - 1;
}

/*
 * Interface inference: plain `Object`s are named after the most common
 * property lists ({a, b}), as DevTools does.  Fills sum->ifaces with the
 * definitions, most common first.
 */
static void
infer_interfaces(struct lc_summary *sum, const struct lc_snapshot *s,
                 uint8_t *is_object)
{
  const struct lc_edges ev = lc_snapshot_edges(s);
  struct lc_strmap names = {0}, props = {0};
  struct candidate *cands = NULL;
  size_t ncands = 0, acands = 0, i;
  uint32_t *cache, *tmp = NULL;
  size_t atmp = 0;
  uint64_t total = 0;
  double min_count;
  uint32_t n;
  struct lc_buf nm = LC_BUF_INIT, one = LC_BUF_INIT;

  /* Per string, its property id + 1 (0: not seen yet).  Zeroed memory
   * costs nothing until touched: only the names of properties do. */
  cache = lc_xcalloc_sparse((size_t)s->string_count + 1, sizeof(uint32_t));

  for (n = 0; n < s->node_count; n++) {
    uint32_t e, k = 0;
    int added;
    uint32_t ci;
    if (!is_plain_object(s, is_object, n))
      continue;
    total++;
    lc_buf_reset(&nm);
    lc_buf_addch(&nm, '{');
    for (e = s->node_first_edge[n]; e < s->node_first_edge[n + 1]; e++) {
      const char *en;
      size_t cur;
      if (lc_edges_type(&ev, e) != LC_ET_PROPERTY)
        continue;
      en = lc_snapshot_str(s, lc_edges_name(&ev, e));
      if (strcmp(en, "__proto__") == 0)
        continue;
      lc_buf_reset(&one);
      format_property(&one, en);
      cur = utf16_len(nm.buf, nm.len);
      if (cur > 1 && cur + utf16_len(one.buf, one.len) > 120)
        break;
      if (nm.len != 1)
        lc_buf_addstr(&nm, ", ");
      lc_buf_add(&nm, one.buf, one.len);
      LC_ALLOC_GROW(tmp, (size_t)k + 1, atmp);
      tmp[k++] = prop_id(s, e, &props, cache);
    }
    if (!k)
      continue;
    lc_buf_addch(&nm, '}');
    ci = lc_strmap_intern(&names, nm.buf, nm.len, &added);
    if (added) {
      LC_ALLOC_GROW(cands, ncands + 1, acands);
      cands[ncands].name = ci;
      cands[ncands].count = 1;
      cands[ncands].order = (uint32_t)ncands;
      cands[ncands].props = lc_xmalloc(k * sizeof(uint32_t));
      memcpy(cands[ncands].props, tmp, k * sizeof(uint32_t));
      cands[ncands].nprops = k;
      ncands++;
    } else {
      cands[ci].count++;
    }
  }

  if (ncands)
    qsort(cands, ncands, sizeof(*cands), cmp_candidate);
  /* max(2, total / 1000), compared as JavaScript does, in doubles. */
  min_count = (double)total / 1000.0 > 2.0 ? (double)total / 1000.0 : 2.0;
  for (i = 0; i < ncands && (double)cands[i].count >= min_count; i++)
    ;
  sum->nifaces = i;
  sum->ifaces = lc_xcalloc(i + 1, sizeof(*sum->ifaces));
  for (i = 0; i < sum->nifaces; i++) {
    struct lc_interface *d = &sum->ifaces[i];
    uint32_t j;
    d->name = lc_xstrdup(names.keys[cands[i].name]);
    d->nprops = cands[i].nprops;
    d->props = lc_xcalloc(d->nprops + 1, sizeof(char *));
    for (j = 0; j < d->nprops; j++)
      d->props[j] = lc_xstrdup(props.keys[cands[i].props[j]]);
  }

  for (i = 0; i < ncands; i++)
    free(cands[i].props);
  free(cands);
  free(tmp);
  lc_free_sparse(cache);
  lc_buf_release(&nm);
  lc_buf_release(&one);
  lc_strmap_release(&names);
  lc_strmap_release(&props);
}

/*
 * Names every plain object after the definition with the most properties
 * whose property set is a subset of its own (ties: the earlier one), as
 * DevTools' applyInterfaceDefinitions does.  Fills class_of[n], an index
 * into `classes`; objects that match nothing are left alone.
 */
static void
apply_interfaces(const struct lc_snapshot *s, const struct lc_interface *defs,
                 size_t ndefs, struct lc_strmap *classes, uint32_t *class_of,
                 uint8_t *is_object)
{
  const struct lc_edges ev = lc_snapshot_edges(s);
  struct lc_strmap props = {0};
  uint32_t **def_props, *def_class, *cache, *stamp, n;
  size_t i;
  if (!ndefs)
    return;
  def_props = lc_xcalloc(ndefs, sizeof(uint32_t *));
  def_class = lc_xcalloc(ndefs, sizeof(uint32_t));
  for (i = 0; i < ndefs; i++) {
    uint32_t j;
    def_class[i] =
        lc_strmap_intern(classes, defs[i].name, strlen(defs[i].name), NULL);
    def_props[i] = lc_xcalloc(defs[i].nprops + 1, sizeof(uint32_t));
    for (j = 0; j < defs[i].nprops; j++)
      def_props[i][j] = lc_strmap_intern(&props, defs[i].props[j],
                                         strlen(defs[i].props[j]), NULL);
  }
  /* Names seen only in objects belong to no definition: map them to NONE
   * instead of interning them. */
  /* Per string: its id + 1, NONE when known absent, 0 not looked up. */
  cache = lc_xcalloc_sparse((size_t)s->string_count + 1, sizeof(uint32_t));
  stamp = lc_xcalloc(props.n + 1, sizeof(uint32_t));
  for (n = 0; n < s->node_count; n++) {
    uint32_t e, best = NONE, bestp = 0;
    if (!is_plain_object(s, is_object, n))
      continue;
    for (e = s->node_first_edge[n]; e < s->node_first_edge[n + 1]; e++) {
      uint32_t si = lc_edges_name(&ev, e), p;
      if (lc_edges_type(&ev, e) != LC_ET_PROPERTY)
        continue;
      if (!cache[si]) {
        const char *t = lc_snapshot_str(s, si);
        p = lc_strmap_find(&props, t, strlen(t));
        cache[si] = p == NONE ? NONE : p + 1;
      }
      p = cache[si] - 1; /* NONE - 1 when absent: never < props.n */
      if (p < props.n)
        stamp[p] = n + 1;
    }
    for (i = 0; i < ndefs; i++) {
      uint32_t j;
      if (best != NONE && defs[i].nprops <= bestp)
        continue;
      for (j = 0; j < defs[i].nprops; j++)
        if (stamp[def_props[i][j]] != n + 1)
          break;
      if (j == defs[i].nprops) {
        best = (uint32_t)i;
        bestp = defs[i].nprops;
      }
    }
    if (best != NONE)
      class_of[n] = def_class[best];
  }
  for (i = 0; i < ndefs; i++)
    free(def_props[i]);
  free(def_props);
  free(def_class);
  lc_free_sparse(cache);
  free(stamp);
  lc_strmap_release(&props);
}

/* ---- step 4: rows -------------------------------------------------------- */

static int
cmp_row_index(const void *a, const void *b, void *rows)
{
  const struct lc_summary_row *x =
      (const struct lc_summary_row *)rows + *(const uint32_t *)a;
  const struct lc_summary_row *y =
      (const struct lc_summary_row *)rows + *(const uint32_t *)b;
  if (x->self_size != y->self_size)
    return x->self_size > y->self_size ? -1 : 1;
  return strcmp(x->key, y->key);
}

static void
copy_interfaces(struct lc_summary *sum, const struct lc_summary *from)
{
  size_t i;
  uint32_t j;
  sum->nifaces = from->nifaces;
  sum->ifaces = lc_xcalloc(from->nifaces + 1, sizeof(*sum->ifaces));
  for (i = 0; i < from->nifaces; i++) {
    sum->ifaces[i].name = lc_xstrdup(from->ifaces[i].name);
    sum->ifaces[i].nprops = from->ifaces[i].nprops;
    sum->ifaces[i].props =
        lc_xcalloc(from->ifaces[i].nprops + 1, sizeof(char *));
    for (j = 0; j < from->ifaces[i].nprops; j++)
      sum->ifaces[i].props[j] = lc_xstrdup(from->ifaces[i].props[j]);
  }
}

/* A cached row key of a located object. */
#define LOC_CACHE 4096
struct loc_key {
  uint32_t script, line, col, cls, row;
};

static void build(struct lc_summary *sum, const struct lc_snapshot *s,
                  const struct lc_summary *defs, uint64_t *self);

/* A row's class name: the end of its key, after ",", or after
 * "script,line,col," (numbers: the name starts after the third comma). */
static char *
row_name(char *key)
{
  int commas = key[0] == ',' ? 1 : 3;
  while (*key && commas)
    commas -= *key++ == ',';
  return key;
}

/* `self`, when not NULL, is the snapshot's self-size array, taken over. */
static void
build(struct lc_summary *sum, const struct lc_snapshot *s,
      const struct lc_summary *defs, uint64_t *self)
{
  uint32_t n, i;
  uint8_t *state, *is_object;
  uint32_t *class_of, *row_of_key, *order, loc_next = 0;
  struct lc_strmap classes = {0}, keys = {0};
  struct lc_buf b = LC_BUF_INIT;
  size_t nrows, rows_alloc = 0, class_row_alloc = 0, class_row_n = 0, i2;
  struct loc_key *loc_cache, *loc_slot = NULL;
  uint32_t *type_class, *name_class, *class_row = NULL;

  memset(sum, 0, sizeof(*sum));
  sum->node_count = s->node_count;
  sum->edge_count = s->edge_count;
  if (self) {
    sum->node_self = self;
  } else {
    sum->node_self = lc_xmalloc(((size_t)s->node_count + 1) * sizeof(uint64_t));
    memcpy(sum->node_self, s->node_self_size,
           (size_t)s->node_count * sizeof(uint64_t));
  }
  sum->node_row = lc_xmalloc(((size_t)s->node_count + 1) * sizeof(uint32_t));

  state = lc_xcalloc(s->node_count + 1, 1);
  if (s->has_detachedness)
    memcpy(state, s->node_detachedness, s->node_count);
  propagate_dom_state(s, state);
  reattribute_shallow(s, sum->node_self, sum->node_row);

  /* node_row holds each node's class until the loop below replaces it
   * with the row: one array of 4 bytes per node less at the peak. */
  class_of = sum->node_row;
  for (n = 0; n < s->node_count; n++)
    class_of[n] = NONE;
  is_object = lc_xcalloc_sparse((size_t)s->string_count + 1, 1);
  if (defs)
    copy_interfaces(sum, defs);
  else
    infer_interfaces(sum, s, is_object);
  apply_interfaces(s, sum->ifaces, sum->nifaces, &classes, class_of, is_object);
  lc_free_sparse(is_object);

  /* Class and row caches: a node's class depends only on its type, or for
   * objects and natives on its name (and detachedness); a row key on the
   * class, plus the location for located objects. */
  /* Both hold the class id + 1 (0: not named yet), in zeroed memory that
   * costs nothing where no node's name reaches. */
  type_class = lc_xcalloc(256, sizeof(uint32_t));
  name_class =
      lc_xcalloc_sparse((size_t)s->string_count * 2 + 2, sizeof(uint32_t));

  loc_cache = lc_xmalloc(LOC_CACHE * sizeof(*loc_cache));
  for (i2 = 0; i2 < LOC_CACHE; i2++)
    loc_cache[i2].row = NONE;

  /* Row keys, interned; rows are created in first-seen order. */
  for (n = 0; n < s->node_count; n++) {
    const char *cls;
    uint32_t k, l, *cache = NULL;
    int added, located;
    uint32_t cid = class_of[n], here = NONE;
    /* The location's index, counted in node order (no rank lookup). */
    if (s->loc_bits && ((s->loc_bits[n >> 6] >> (n & 63)) & 1))
      here = loc_next++;
    sum->node_row[n] = NONE;
    if (!sum->node_self[n])
      continue;
    if (cid == NONE) {
      uint8_t t = s->node_type[n];
      if (t == LC_NT_OBJECT || t == LC_NT_NATIVE)
        cache = &name_class[(size_t)s->node_name[n] * 2 + (state[n] == 2)];
      else
        cache = &type_class[lc_snapshot_type_raw(s, n)];
      if (!*cache) {
        lc_buf_reset(&b);
        node_class_into(&b, s, n, state[n] == 2);
        *cache = lc_strmap_intern(&classes, b.buf, b.len, NULL) + 1;
      }
      cid = *cache - 1;
    }
    l = s->node_type[n] == LC_NT_OBJECT ? here : NONE;
    located = l != NONE;
    if (!located) {
      LC_ALLOC_GROW(class_row, (size_t)cid + 1, class_row_alloc);
      while (class_row_n <= cid)
        class_row[class_row_n++] = NONE;
      if (class_row[cid] != NONE) {
        k = class_row[cid];
        goto counted;
      }
    }
    if (located) {
      /* Located rows: a direct-mapped cache on the key's numbers, so that
       * most objects skip formatting and hashing their key text. */
      struct loc_key *slot;
      uint64_t h = (uint64_t)s->loc_script[l] * 0x9E3779B97F4A7C15ULL ^
                   (uint64_t)s->loc_line[l] * 0xC2B2AE3D27D4EB4FULL ^
                   (uint64_t)s->loc_col[l] * 0x165667B19E3779F9ULL ^
                   (uint64_t)cid * 0x27D4EB2F165667C5ULL;
      slot = &loc_cache[(h >> 40) & (LOC_CACHE - 1)];
      if (slot->row != NONE && slot->script == s->loc_script[l] &&
          slot->line == s->loc_line[l] && slot->col == s->loc_col[l] &&
          slot->cls == cid) {
        k = slot->row;
        goto counted;
      }
      slot->script = s->loc_script[l];
      slot->line = s->loc_line[l];
      slot->col = s->loc_col[l];
      slot->cls = cid;
      slot->row = NONE;
      loc_slot = slot;
    }
    cls = classes.keys[cid];
    lc_buf_reset(&b);
    if (located) {
      lc_buf_addf(&b, "%u,%u,%u,%s", s->loc_script[l], s->loc_line[l],
                  s->loc_col[l], cls);
    } else {
      lc_buf_addf(&b, ",%s", cls);
    }
    k = lc_strmap_intern(&keys, b.buf, b.len, &added);
    if (!located)
      class_row[cid] = k;
    else
      loc_slot->row = k;
    if (added) {
      LC_ALLOC_GROW(sum->rows, keys.n, rows_alloc);
      sum->rows[k].key = NULL; /* filled below from keys */
      sum->rows[k].name = NULL;
      sum->rows[k].count = 0;
      sum->rows[k].self_size = 0;
      sum->rows[k].retained_size = 0;
      sum->rows[k].distance = LC_DISTANCE_NONE;
    }
  counted:
    sum->rows[k].count++;
    sum->rows[k].self_size += sum->node_self[n];
    sum->total_size += sum->node_self[n];
    sum->node_row[n] = k;
  }
  nrows = keys.n;
  for (i = 0; i < nrows; i++) {
    sum->rows[i].key = keys.keys[i];
    sum->rows[i].name = row_name(keys.keys[i]);
    keys.keys[i] = NULL;
  }
  sum->nrows = nrows;
  sum->total_size += s->extra_native_bytes;

  /* What only the loop above needed goes before the sort: with a row a
   * class, each of these is as large as the rows. */
  lc_buf_release(&b);
  free(state);
  free(type_class);
  lc_free_sparse(name_class);
  free(loc_cache);
  free(class_row);
  lc_strmap_release(&classes);
  lc_strmap_release(&keys);

  /* Sort rows and remap node_row to the sorted order.  The rows move in
   * place, along the cycles of the permutation: no second array of rows. */
  if (nrows) {
    order = lc_xmalloc(nrows * sizeof(uint32_t));
    for (i = 0; i < nrows; i++)
      order[i] = i;
    qsort_r(order, nrows, sizeof(uint32_t), cmp_row_index, sum->rows);
    row_of_key = lc_xmalloc(nrows * sizeof(uint32_t));
    for (i = 0; i < nrows; i++)
      row_of_key[order[i]] = i;
    free(order);
    for (n = 0; n < s->node_count; n++)
      if (sum->node_row[n] != NONE)
        sum->node_row[n] = row_of_key[sum->node_row[n]];
    for (i = 0; i < nrows; i++)
      while (row_of_key[i] != i) {
        uint32_t to = row_of_key[i];
        struct lc_summary_row t = sum->rows[to];
        sum->rows[to] = sum->rows[i];
        sum->rows[i] = t;
        row_of_key[i] = row_of_key[to];
        row_of_key[to] = to;
      }
    free(row_of_key);
  }
}

void
lc_summary_drop_nodes(struct lc_summary *sum)
{
  free(sum->node_row);
  free(sum->node_self);
  sum->node_row = NULL;
  sum->node_self = NULL;
}

void
lc_summary_add_distances(struct lc_summary *sum, const int32_t *distance)
{
  uint32_t v;
  uint8_t *seen;
  size_t i;
  if (!sum->node_row)
    return;
  for (i = 0; i < sum->nrows; i++)
    sum->rows[i].distance = LC_DISTANCE_NONE;
  if (!distance)
    return;
  /* The minimum over a row's members. */
  seen = lc_xcalloc(sum->nrows + 1, 1);
  for (v = 0; v < sum->node_count; v++) {
    uint32_t r = sum->node_row[v];
    if (r == NONE)
      continue;
    if (!seen[r] || distance[v] < sum->rows[r].distance)
      sum->rows[r].distance = distance[v];
    seen[r] = 1;
  }
  free(seen);
}

/* A dominator-tree node met in lc_summary_add_retained's walk: its
 * retained size goes to its row unless an ancestor of the same row was
 * counted (active[row]); returns the row to open for its children, or
 * NONE when there is none to open. */
static uint32_t
retained_visit(struct lc_summary *sum, const struct lc_graph *g,
               const uint8_t *active, uint32_t x, int has_kids)
{
  uint32_t r = sum->node_row[x];
  if (r == NONE || active[r])
    return NONE;
  sum->rows[r].retained_size += g->retained[x];
  return has_kids ? r : NONE;
}

void
lc_summary_add_retained(struct lc_summary *sum, const struct lc_graph *g)
{
  uint32_t n = sum->node_count, v, *first, *kids, *stack, r;
  uint8_t *active;
  size_t sp = 0, i;
  if (!n || !sum->node_row)
    return;
  for (i = 0; i < sum->nrows; i++)
    sum->rows[i].retained_size = 0;
  if (!g->idom || !g->retained)
    return;
  /* The dominator tree as child lists: counts turned into ends, then
   * filled backwards so that each end becomes its list's start. */
  first = lc_xcalloc((size_t)n + 2, sizeof(uint32_t));
  kids = lc_xmalloc(((size_t)n + 1) * sizeof(uint32_t));
  for (v = 1; v < n; v++)
    first[g->idom[v]]++;
  for (v = 1; v <= n; v++)
    first[v] += first[v - 1];
  for (v = n - 1; v >= 1; v--)
    kids[--first[g->idom[v]]] = v;
  /* Walk it from the root: a member counts unless an ancestor of the same
   * row (with self size) was counted already, so nested members are not
   * added twice.  Entries with the high bit set close a row again.  Leaves
   * are visited where they are met, not pushed: the stack holds only
   * nodes with children (a heap of many leaves keeps it small). */
  active = lc_xcalloc(sum->nrows + 1, 1);
  stack = lc_xmalloc(((size_t)n * 2 + 2) * sizeof(uint32_t));
  stack[sp++] = 0;
  while (sp) {
    uint32_t x = stack[--sp], k;
    if (x & 0x80000000u) {
      active[x & 0x7fffffffu] = 0;
      continue;
    }
    r = retained_visit(sum, g, active, x, 1);
    if (r != NONE) {
      active[r] = 1;
      stack[sp++] = r | 0x80000000u;
    }
    for (k = first[x]; k < first[x + 1]; k++) {
      uint32_t c = kids[k];
      if (first[c] != first[c + 1])
        stack[sp++] = c;
      else
        (void)retained_visit(sum, g, active, c, 0);
    }
  }
  free(active);
  free(stack);
  free(first);
  free(kids);
}

void
lc_summary_add_graph(struct lc_summary *sum, const struct lc_snapshot *s,
                     const struct lc_graph *g)
{
  (void)s;
  lc_summary_add_distances(sum, g->distance);
  lc_summary_add_retained(sum, g);
}

/* The distances, folded into the rows as the BFS reaches each node (no
 * per-node array), on a thread of their own beside the dominator
 * numbering. */
struct dist_fold {
  struct lc_summary *sum;
  struct lc_graph *g;
  const struct lc_snapshot *s;
  int keep;         /* also keep g->distance (tests) */
  uint8_t *seen;    /* per row: a distance was folded in */
  uint8_t *reached; /* per node, from the BFS */
  pthread_t thread;
  int threaded;
};

static void
fold_reach(void *ctx, uint32_t node, int32_t distance)
{
  struct dist_fold *f = ctx;
  uint32_t r = f->sum->node_row[node];
  if (r == NONE)
    return;
  if (!f->seen[r] || distance < f->sum->rows[r].distance)
    f->sum->rows[r].distance = distance;
  f->seen[r] = 1;
}

static void *
fold_thread(void *arg)
{
  struct dist_fold *f = arg;
  f->reached = lc_graph_distances_visit(f->g, f->s, f->keep, fold_reach, f);
  return NULL;
}

/* As lc_summary_add_distances: a row's distance is the minimum over its
 * members, where a member the BFS never reached counts as
 * LC_DISTANCE_NONE (below every distance). */
static void
fold_finish(struct dist_fold *f)
{
  uint32_t v;
  if (f->threaded)
    pthread_join(f->thread, NULL);
  if (f->reached)
    for (v = 0; v < f->sum->node_count; v++)
      if (f->sum->node_row[v] != NONE && !((f->reached[v >> 3] >> (v & 7)) & 1))
        f->sum->rows[f->sum->node_row[v]].distance = LC_DISTANCE_NONE;
  free(f->reached);
  free(f->seen);
}

/* LC_SUMMARY_RETAINED: the summary, then distances and retained sizes,
 * giving the snapshot's memory back step by step. */
static void
build_retained(struct lc_summary *sum, struct lc_snapshot *s,
               struct lc_graph *keep)
{
  struct lc_graph own, *g = keep ? keep : &own;
  struct lc_graph_job job;
  struct dist_fold fold;
  uint64_t *self = s->node_self_size;
  lc_graph_start(&job, g, s,
                 LC_GRAPH_DOMINATORS | LC_GRAPH_DISTANCES | LC_GRAPH_MARK_ONLY);
  s->node_self_size = NULL;
  build(sum, s, NULL, self);
  lc_trace("summary built");
  lc_graph_finish(&job, NULL);
  lc_snapshot_drop(s, LC_SNAPSHOT_DROP_NAMES | LC_SNAPSHOT_DROP_IDS |
                          LC_SNAPSHOT_DROP_EDGE_TYPES);
  /* The distance BFS and the dominators' numbering both read only the
   * edges' targets: side by side, on two threads.  The BFS keeps no
   * per-node array (a bit per node, and its queue holds no leaf), so
   * beside the numbering it adds little to the peak. */
  memset(&fold, 0, sizeof(fold));
  fold.sum = sum;
  fold.g = g;
  fold.s = s;
  fold.keep = keep != NULL;
  fold.seen = lc_xcalloc(sum->nrows + 1, 1);
  fold.threaded = pthread_create(&fold.thread, NULL, fold_thread, &fold) == 0;
  if (!fold.threaded)
    fold_thread(&fold);
  lc_graph_dominators_begin(g, s);
  fold_finish(&fold);
  lc_trace("graph: distances, numbering");
  lc_snapshot_drop(s, LC_SNAPSHOT_DROP_EDGES);
  lc_graph_dominators_end(g, sum->node_self);
  lc_trace("graph: dominators");
  lc_summary_add_retained(sum, g);
  lc_trace("retained sizes");
  if (!keep)
    lc_graph_release(g);
}

void
lc_summary_build(struct lc_summary *sum, struct lc_snapshot *s,
                 const struct lc_summary_opts *opts)
{
  static const struct lc_summary_opts none;
  uint64_t *self = NULL;
  if (!opts)
    opts = &none;
  if (opts->flags & LC_SUMMARY_RETAINED) {
    build_retained(sum, s, opts->keep_graph);
    return;
  }
  if (opts->flags & LC_SUMMARY_TAKE) {
    self = s->node_self_size;
    s->node_self_size = NULL;
  }
  build(sum, s, opts->defs, self);
}

void
lc_summary_namer(void *ctx, const struct lc_snapshot *s, uint32_t node,
                 struct lc_buf *out)
{
  const struct lc_summary *sum = ctx;
  uint32_t r = sum->node_row ? sum->node_row[node] : UINT32_MAX;
  if (r != UINT32_MAX)
    lc_buf_addstr(out, sum->rows[r].name);
  else
    node_class_into(out, s, node, 0);
}

void
lc_summary_release(struct lc_summary *sum)
{
  size_t i;
  for (i = 0; i < sum->nifaces; i++) {
    uint32_t j;
    for (j = 0; j < sum->ifaces[i].nprops; j++)
      free(sum->ifaces[i].props[j]);
    free(sum->ifaces[i].props);
    free(sum->ifaces[i].name);
  }
  free(sum->ifaces);
  for (i = 0; i < sum->nrows; i++)
    free(sum->rows[i].key); /* and the name, its end */
  free(sum->rows);
  lc_summary_drop_nodes(sum);
  memset(sum, 0, sizeof(*sum));
}
