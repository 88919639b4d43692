/*
 * Script names by script id, read from the snapshot itself (heap.h,
 * struct lc_scripts).
 *
 * A location in the snapshot names its script by V8's script id, a number
 * that means nothing outside the process.  The name is in the heap: a
 * closure with a location points through its "shared" edge at its
 * SharedFunctionInfo, which points at its Script through an internal edge
 * named "script_or_debug_info" (V8 up to Node 22) or "script" (Node 24);
 * the Script node's name is the script's name, a path or a URL.  The
 * closure's own location gives the script id.
 */
#include <stdlib.h>
#include <string.h>

#include "leakcheck/heap.h"

#include "base/banned.h"

struct pair {
  uint32_t id;
  uint32_t name; /* string index */
};

static int
cmp_pair(const void *a, const void *b)
{
  const struct pair *x = a, *y = b;
  if (x->id != y->id)
    return x->id < y->id ? -1 : 1;
  /* The same script reached twice: the lower string index, so the result
   * does not depend on the order the nodes come in. */
  return x->name < y->name ? -1 : x->name > y->name;
}

/* The target of v's first edge of type `type` named `name`, or UINT32_MAX. */
static uint32_t
edge_to_named(const struct lc_snapshot *s, uint32_t v, uint8_t type,
              const char *name)
{
  uint32_t e;
  for (e = s->node_first_edge[v]; e < s->node_first_edge[v + 1]; e++) {
    if (lc_snapshot_edge_type(s, e) != type ||
        lc_snapshot_edge_type(s, e) == LC_ET_ELEMENT ||
        lc_snapshot_edge_type(s, e) == LC_ET_HIDDEN ||
        lc_snapshot_edge_name(s, e) >= s->string_count)
      continue;
    if (strcmp(lc_snapshot_str(s, lc_snapshot_edge_name(s, e)), name) == 0)
      return lc_snapshot_edge_to(s, e);
  }
  return UINT32_MAX;
}

void
lc_scripts_build(struct lc_scripts *sc, const struct lc_snapshot *s)
{
  struct pair *p = NULL;
  size_t n = 0, cap = 0, i, out;
  uint32_t v;
  memset(sc, 0, sizeof(*sc));
  if (!s->loc_bits || !s->node_first_edge || !s->edge_name_lo || !s->arena)
    return;
  for (v = 0; v < s->node_count; v++) {
    uint32_t l, shared, script;
    if (s->node_type[v] != LC_NT_CLOSURE)
      continue;
    l = lc_snapshot_loc(s, v);
    if (l == UINT32_MAX)
      continue;
    /* One lookup per script id is enough: ids repeat for every closure of
     * a script, and the last one found is usually the same script. */
    if (n && p[n - 1].id == s->loc_script[l])
      continue;
    shared = edge_to_named(s, v, LC_ET_INTERNAL, "shared");
    if (shared == UINT32_MAX)
      continue;
    script = edge_to_named(s, shared, LC_ET_INTERNAL, "script_or_debug_info");
    if (script == UINT32_MAX)
      script = edge_to_named(s, shared, LC_ET_INTERNAL, "script");
    if (script == UINT32_MAX || s->node_type[script] != LC_NT_CODE ||
        s->node_name[script] >= s->string_count)
      continue;
    /* A function being debugged points at its DebugInfo instead; such a
     * node is not a Script and has a "system / …" name. */
    if (strncmp(lc_snapshot_str(s, s->node_name[script]), "system / ", 9) == 0)
      continue;
    LC_ALLOC_GROW(p, n + 1, cap);
    p[n].id = s->loc_script[l];
    p[n].name = s->node_name[script];
    n++;
  }
  if (!n) {
    free(p);
    return;
  }
  qsort(p, n, sizeof(*p), cmp_pair);
  sc->ids = lc_xmalloc(n * sizeof(uint32_t));
  sc->names = lc_xmalloc(n * sizeof(char *));
  for (i = 0, out = 0; i < n; i++) {
    if (out && sc->ids[out - 1] == p[i].id)
      continue;
    sc->ids[out] = p[i].id;
    sc->names[out] = lc_xstrdup(lc_snapshot_str(s, p[i].name));
    out++;
  }
  sc->n = out;
  free(p);
}

const char *
lc_scripts_name(const struct lc_scripts *sc, uint32_t script_id)
{
  size_t lo = 0, hi = sc->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (sc->ids[mid] == script_id)
      return sc->names[mid][0] ? sc->names[mid] : NULL;
    if (sc->ids[mid] < script_id)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

void
lc_scripts_release(struct lc_scripts *sc)
{
  size_t i;
  for (i = 0; i < sc->n; i++)
    free(sc->names[i]);
  free(sc->names);
  free(sc->ids);
  memset(sc, 0, sizeof(*sc));
}
