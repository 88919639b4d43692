/*
 * Retainers, essential edges, dominators, retained sizes, distances and
 * shallow-size reattribution (docs/heap-snapshot-format.md §3) on small
 * hand-written heaps whose answers are known.  Every expected number below
 * was worked out by hand from the DevTools rules and then checked against
 * the real DevTools heap snapshot worker (specs/devtools/): run this suite
 * with LC_DUMP_SNAPSHOTS=DIR to write each heap as DIR/<case>-<layout>
 * .heapsnapshot and feed those to devtools-summary.mjs, as
 * specs/e2e/test_devtools_crosscheck.sh does.
 *
 * Each heap is written as a table of nodes and edges and turned into
 * snapshot JSON twice, in the Node 20 layout (7 node fields, 16 node types)
 * and the Node 24 one (6 fields, no trace_node_id), and each case runs with
 * the three ways of getting retained sizes: self sizes given to
 * lc_graph_build, NULL then lc_graph_retained, and lc_graph_start/finish.
 */
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leakcheck/buf.h"
#include "heap/graph.h"
#include "leakcheck/heap.h"

/* ---- snapshot builder ---------------------------------------------------- */

#include "snapbuild.h"
#include "testutil.h"

/* ---- the heaps ----------------------------------------------------------- */

#define SYS LC_DISTANCE_BASE_SYSTEM
#define NONE LC_DISTANCE_NONE
#define SKIP_U ~0ULL
#define SKIP_D (-1000)

/* Expected per-node values: immediate dominator (-1: not checked), adjusted
 * self size and retained size (SKIP_U: not checked), distance (SKIP_D: not
 * checked). */
struct xnode {
  unsigned node;
  long idom;
  unsigned long long self, retained;
  long distance;
};

/* Expected Summary rows, after lc_summary_add_graph. */
struct xrow {
  const char *key;
  unsigned long long count, self, retained;
  long distance;
};

struct tcase {
  const char *name;
  struct tsnap snap;
  const char *essential;  /* one '0'/'1' per edge, or NULL */
  const char *page_owned; /* one '0'/'1' per node, or NULL */
  const struct xnode *nodes;
  size_t nnodes;
  const struct xrow *rows;
  size_t nrows; /* the summary has exactly these rows */
  unsigned long long total;
};

/*
 * Essential edges (§3 step 3) and the page-owned flag (step 2).
 *   root -shortcut-> global (a user root), -element-> (GC roots)
 *   global -> A, B, table (hidden: moves into global), K
 *   A -weak-> B, A -> A (self edge), A -shortcut-> B, A -> Target
 *   table, K -> V: the WeakMap pair; the table's edge (its id is in
 *                  "table @11") is dropped, the key's kept
 *   (GC roots) -> Outside -> Target: not page-owned to page-owned, dropped
 *   Outside -> Mine: neither page-owned, kept
 */
static const struct tn ess_nodes[] = {
    {"synthetic", "", 1, 0},                             /* 0 */
    {"object", "global", 3, 10},                         /* 1 */
    {"synthetic", "(GC roots)", 5, 0},                   /* 2 */
    {"object", "A", 7, 20},                              /* 3 */
    {"object", "B", 9, 30},                              /* 4 */
    {"hidden", "system / EphemeronHashTable", 11, 40},   /* 5 */
    {"object", "K", 13, 50},                             /* 6 */
    {"object", "V", 15, 60},                             /* 7 */
    {"object", "Outside", 17, 70},                       /* 8 */
    {"object", "Target", 19, 80},                        /* 9 */
    {"object", "Mine", 21, 5},                           /* 10 */
};
static const struct te ess_edges[] = {
    {0, "shortcut", "1", 1},                                            /* 0 */
    {0, "element", "1", 2},                                             /* 1 */
    {1, "property", "a", 3},                                            /* 2 */
    {1, "property", "b", 4},                                            /* 3 */
    {1, "internal", "table", 5},                                        /* 4 */
    {1, "property", "k", 6},                                            /* 5 */
    {2, "element", "1", 8},                                             /* 6 */
    {3, "weak", "w", 4},                                                /* 7 */
    {3, "property", "me", 3},                                           /* 8 */
    {3, "shortcut", "s", 4},                                            /* 9 */
    {3, "property", "t", 9},                                            /* 10 */
    {5, "internal", "1 / part of key (K @13) -> value (V @15) pair in "
                    "WeakMap (table @11)", 7},                          /* 11 */
    {6, "internal", "1 / part of key (K @13) -> value (V @15) pair in "
                    "WeakMap (table @11)", 7},                          /* 12 */
    {8, "property", "p", 9},                                            /* 13 */
    {8, "property", "own", 10},                                         /* 14 */
};
static const struct xnode ess_x[] = {
    {0, 0, 0, 365, SYS},      {1, 0, 50, 290, 1},
    {2, 0, 0, 75, SYS + 1},   {3, 1, 20, 100, 2},
    {4, 1, 30, 30, 2},        {5, 1, 0, 0, 2},
    {6, 1, 50, 110, 2},       {7, 6, 60, 60, 3},
    {8, 2, 70, 75, SYS + 2},  {9, 3, 80, 80, 3},
    {10, 8, 5, 5, SYS + 3},
};
static const struct xrow ess_rows[] = {
    {",global", 1, 50, 290, 1},  {",A", 1, 20, 100, 2},
    {",B", 1, 30, 30, 2},        {",K", 1, 50, 110, 2},
    {",V", 1, 60, 60, 3},        {",Outside", 1, 70, 75, SYS + 2},
    {",Target", 1, 80, 80, 3},   {",Mine", 1, 5, 5, SYS + 3},
};

/*
 * The WeakMap edge name matcher: a table ("Table", id 5) with one internal
 * edge per name variant to its own target.  A dropped edge leaves the
 * target with no essential retainer, so it hangs under the root; a kept one
 * puts it under the table.  Target sizes are powers of two, so the table's
 * retained size tells which edges were kept.  Distances: the first edge of
 * each WeakMap pair is skipped and, with no second edge, the target stays
 * unreached (-5); an edge that is no WeakMap edge passes (distance 3).
 */
static const struct tn wm_nodes[] = {
    {"synthetic", "", 1, 0},     /* 0 */
    {"object", "global", 3, 1},  /* 1 */
    {"object", "Table", 5, 2},   /* 2 */
    {"object", "T1", 7, 4},      /* 3 */
    {"object", "T2", 9, 8},      /* 4 */
    {"object", "T3", 11, 16},    /* 5 */
    {"object", "T4", 13, 32},    /* 6 */
    {"object", "T5", 15, 64},    /* 7 */
    {"object", "T6", 17, 128},   /* 8 */
    {"object", "T7", 19, 256},   /* 9 */
    {"object", "T8", 21, 512},   /* 10 */
};
static const struct te wm_edges[] = {
    {0, "shortcut", "1", 1},
    {1, "property", "t", 2},
    /* T1: a WeakMap edge of this table: dropped. */
    {2, "internal", "1 / part of key (K @13) -> value (V @15) pair in "
                    "WeakMap (table @5)", 3},
    /* T2: another table's id: kept. */
    {2, "internal", "2 / part of key (K @13) -> value (V @15) pair in "
                    "WeakMap (table @7)", 4},
    /* T3: no closing parenthesis: not a WeakMap edge. */
    {2, "internal", "3 / part of key (K @13) -> value (V @15) pair in "
                    "WeakMap (table @5", 5},
    /* T4: no leading number: not a WeakMap edge. */
    {2, "internal", "x / part of key (K @13) -> value (V @15) pair in "
                    "WeakMap (table @5)", 6},
    /* T5: the key's name holds ") -> value (": still a WeakMap edge. */
    {2, "internal", "5 / part of key (a) -> value (b @1) -> value (V @15) "
                    "pair in WeakMap (table @5)", 7},
    /* T6: the value has no " @id": not a WeakMap edge. */
    {2, "internal", "6 / part of key (K @13) -> value (V) pair in "
                    "WeakMap (table @5)", 8},
    /* T7: leading zeros in the table id: parseInt reads 5: dropped. */
    {2, "internal", "7 / part of key (K @13) -> value (V @15) pair in "
                    "WeakMap (table @005)", 9},
    /* T8: a property edge with a WeakMap name: only internal edges count. */
    {2, "property", "8 / part of key (K @13) -> value (V @15) pair in "
                    "WeakMap (table @5)", 10},
};
static const struct xnode wm_x[] = {
    {2, 1, 2, 2 + 8 + 16 + 32 + 128 + 512, 2},
    {3, 0, 4, 4, NONE},   {4, 2, 8, 8, NONE},  {5, 2, 16, 16, 3},
    {6, 2, 32, 32, 3},    {7, 0, 64, 64, NONE}, {8, 2, 128, 128, 3},
    {9, 0, 256, 256, NONE}, {10, 2, 512, 512, 3},
};

/*
 * A WeakMap key whose name holds a line break (a function named by a
 * computed key, `{["a\nb"]() {}}`).  DevTools matches edge names with
 * /^\d+( \/ part of key \(.*? @\d+\) -> value \(.*? @\d+\) pair in WeakMap
 * \(table @(\d+)\))$/, whose `.` stops at line terminators: this is no
 * WeakMap edge for DevTools, so the table's edge is kept (T under the
 * table, retained 2 + 4) and passes the distance filter (distance 3).
 */
static const struct tn wmnl_nodes[] = {
    {"synthetic", "", 1, 0},
    {"object", "global", 3, 1},
    {"object", "Table", 5, 2},
    {"object", "T", 7, 4},
};
static const struct te wmnl_edges[] = {
    {0, "shortcut", "1", 1},
    {1, "property", "t", 2},
    {2, "internal", "1 / part of key (a\nb @13) -> value (V @15) pair in "
                    "WeakMap (table @5)", 3},
};
static const struct xnode wmnl_x[] = {
    {2, 1, 2, 6, 2},
    {3, 2, 4, 4, 3},
};

/*
 * A table id above 2^32-1 (no V8 writes one: ids are uint32, but the file
 * format does not forbid it).  DevTools' regular expression still matches,
 * so the edge (kept: no node has that id) is the first edge of a WeakMap
 * pair for the distance filter and is skipped: T stays unreached (-5).
 */
static const struct te wmbig_edges[] = {
    {0, "shortcut", "1", 1},
    {1, "property", "t", 2},
    {2, "internal", "1 / part of key (K @13) -> value (V @15) pair in "
                    "WeakMap (table @4294967301)", 3},
};
static const struct xnode wmbig_x[] = {
    {2, 1, 2, 6, 2},
    {3, 2, 4, 4, NONE},
};

/*
 * Dominators and retained sizes (§3 step 5); self sizes are powers of two.
 *   diamond: global -> A -> D, global -> B -> D, D -> E: D under global
 *   chain:   global -> C1 -> C2 -> C3
 *   clique:  X <-> Y, X -> Z, nothing else retains them: each under the
 *            root (DevTools' third pass), so X does not dominate Z
 *   weak:    global -weak-> W -> W2: W under the root, W2 under W
 *   Lone:    no retainer at all: under the root
 */
static const struct tn dom_nodes[] = {
    {"synthetic", "", 1, 0},      /* 0 */
    {"object", "global", 3, 1},   /* 1 */
    {"object", "A", 5, 2},        /* 2 */
    {"object", "B", 7, 4},        /* 3 */
    {"object", "D", 9, 8},        /* 4 */
    {"object", "E", 11, 16},      /* 5 */
    {"object", "C1", 13, 32},     /* 6 */
    {"object", "C2", 15, 64},     /* 7 */
    {"object", "C3", 17, 128},    /* 8 */
    {"object", "X", 19, 256},     /* 9 */
    {"object", "Y", 21, 512},     /* 10 */
    {"object", "Z", 23, 1024},    /* 11 */
    {"object", "W", 25, 2048},    /* 12 */
    {"object", "W2", 27, 4096},   /* 13 */
    {"object", "Lone", 29, 8192}, /* 14 */
};
static const struct te dom_edges[] = {
    {0, "shortcut", "1", 1},
    {1, "property", "a", 2},
    {1, "property", "b", 3},
    {1, "property", "c", 6},
    {1, "weak", "w", 12},
    {2, "property", "d", 4},
    {3, "property", "d", 4},
    {4, "property", "e", 5},
    {6, "property", "n", 7},
    {7, "property", "n", 8},
    {9, "property", "y", 10},
    {9, "property", "z", 11},
    {10, "property", "x", 9},
    {12, "property", "w2", 13},
};
static const struct xnode dom_x[] = {
    {0, 0, 0, 16383, SYS},  {1, 0, 1, 255, 1},       {2, 1, 2, 2, 2},
    {3, 1, 4, 4, 2},        {4, 1, 8, 24, 3},        {5, 4, 16, 16, 4},
    {6, 1, 32, 224, 2},     {7, 6, 64, 192, 3},      {8, 7, 128, 128, 4},
    {9, 0, 256, 256, NONE}, {10, 0, 512, 512, NONE}, {11, 0, 1024, 1024, NONE},
    {12, 0, 2048, 6144, NONE}, {13, 12, 4096, 4096, NONE},
    {14, 0, 8192, 8192, NONE},
};
static const struct xrow dom_rows[] = {
    {",global", 1, 1, 255, 1}, {",A", 1, 2, 2, 2},
    {",B", 1, 4, 4, 2},        {",D", 1, 8, 24, 3},
    {",E", 1, 16, 16, 4},      {",C1", 1, 32, 224, 2},
    {",C2", 1, 64, 192, 3},    {",C3", 1, 128, 128, 4},
    {",X", 1, 256, 256, NONE}, {",Y", 1, 512, 512, NONE},
    {",Z", 1, 1024, 1024, NONE}, {",W", 1, 2048, 6144, NONE},
    {",W2", 1, 4096, 4096, NONE}, {",Lone", 1, 8192, 8192, NONE},
};

/*
 * A row's retained size counts each member once: a member under another
 * member of the same row (a dominator-tree ancestor with the same key and
 * self size) is already included.
 *   global -> Item#2 -> Item#3 -> Other -> Item#5   (3 and 5 nested in 2)
 *   Item#2 -> Item@loc#9 -> Item#10   (9 has its own key; 10 nested in 2)
 *   global -> Item#6                   (a second top member)
 *   global -> Item#7 (self 0: no member) -> Item#8   (8 counts)
 */
static const struct tn rows_nodes[] = {
    {"synthetic", "", 1, 0},      /* 0 */
    {"object", "global", 3, 1},   /* 1 */
    {"object", "Item", 5, 10},    /* 2 */
    {"object", "Item", 7, 20},    /* 3 */
    {"object", "Other", 9, 40},   /* 4 */
    {"object", "Item", 11, 80},   /* 5 */
    {"object", "Item", 13, 160},  /* 6 */
    {"object", "Item", 15, 0},    /* 7 */
    {"object", "Item", 17, 320},  /* 8 */
    {"object", "Item", 19, 640},  /* 9: located */
    {"object", "Item", 21, 1280}, /* 10 */
};
static const struct te rows_edges[] = {
    {0, "shortcut", "1", 1},
    {1, "property", "i2", 2},
    {1, "property", "i6", 6},
    {1, "property", "i7", 7},
    {2, "property", "next", 3},
    {2, "property", "loc", 9},
    {3, "property", "o", 4},
    {4, "property", "i", 5},
    {7, "property", "i", 8},
    {9, "property", "i", 10},
};
static const struct tl rows_locs[] = {{9, 5, 2, 3}};
static const struct xnode rows_x[] = {
    {0, 0, 0, 2551, SYS}, {1, 0, 1, 2551, 1},     {2, 1, 10, 2070, 2},
    {3, 2, 20, 140, 3},   {4, 3, 40, 120, 4},     {5, 4, 80, 80, 5},
    {6, 1, 160, 160, 2},  {7, 1, 0, 320, 2},      {8, 7, 320, 320, 3},
    {9, 2, 640, 1920, 3}, {10, 9, 1280, 1280, 4},
};
static const struct xrow rows_rows[] = {
    {",global", 1, 1, 2551, 1},
    {",Item", 6, 10 + 20 + 80 + 160 + 320 + 1280, 2070 + 160 + 320, 2},
    {"5,2,3,Item", 1, 640, 1920, 3},
    {",Other", 1, 40, 120, 4},
};

/*
 * Distances (§3 step 6).
 *   global (user root) at 1; (GC roots) at 100000001
 *   NativeContext -sloppy_function_map-> M: skipped, M reached via P, Q
 *   "system / Other" -sloppy_function_map-> M2: another name, passes
 *   (map descriptors): elements 1, 3 and property "x" pass; elements 4, 7
 *   and property "10" (i >= 2, i % 3 == 1) are skipped; T7 is reached
 *   later via Q, T4 and T10 never (-5)
 *   WeakMap: the table (from global) holds the pair's first edge, skipped
 *   in the user pass; the key, reached from (GC roots) in the system pass,
 *   holds the second: the pending set is shared, so Val gets SYS + 3
 */
static const struct tn dist_nodes[] = {
    {"synthetic", "", 1, 0},                  /* 0 */
    {"object", "global", 3, 1},               /* 1 */
    {"synthetic", "(GC roots)", 5, 0},        /* 2 */
    {"hidden", "system / NativeContext", 7, 2}, /* 3 */
    {"hidden", "M", 9, 4},                    /* 4 */
    {"object", "P", 11, 8},                   /* 5 */
    {"object", "Q", 13, 16},                  /* 6 */
    {"array", "(map descriptors)", 15, 32},   /* 7 */
    {"object", "T1", 17, 64},                 /* 8 */
    {"object", "T3", 19, 128},                /* 9 */
    {"object", "T4", 21, 256},                /* 10 */
    {"object", "T7", 23, 512},                /* 11 */
    {"object", "T10", 25, 1024},              /* 12 */
    {"object", "Tx", 27, 2048},               /* 13 */
    {"hidden", "system / Other", 29, 4096},   /* 14 */
    {"object", "M2", 31, 8192},               /* 15 */
    {"object", "SysOnly", 33, 16384},         /* 16 */
    {"object", "Table", 35, 32768},           /* 17 */
    {"object", "Key", 37, 65536},             /* 18 */
    {"object", "Val", 39, 131072},            /* 19 */
};
static const struct te dist_edges[] = {
    {0, "shortcut", "1", 1},
    {0, "element", "1", 2},
    {1, "internal", "native_context", 3},
    {1, "property", "p", 5},
    {1, "property", "md", 7},
    {1, "property", "o", 14},
    {1, "property", "table", 17},
    {2, "element", "1", 16},
    {2, "element", "2", 18},
    {3, "internal", "sloppy_function_map", 4},
    {5, "property", "q", 6},
    {6, "property", "m", 4},
    {6, "property", "t7", 11},
    {7, "element", "1", 8},
    {7, "element", "3", 9},
    {7, "element", "4", 10},
    {7, "element", "7", 11},
    {7, "property", "10", 12},
    {7, "property", "x", 13},
    {14, "internal", "sloppy_function_map", 15},
    {17, "internal", "1 / part of key (Key @37) -> value (Val @39) pair in "
                     "WeakMap (table @35)", 19},
    {18, "internal", "2 / part of key (Key @37) -> value (Val @39) pair in "
                     "WeakMap (table @35)", 19},
};
static const struct xnode dist_x[] = {
    {0, -1, SKIP_U, SKIP_U, SYS},    {1, -1, SKIP_U, SKIP_U, 1},
    {2, -1, SKIP_U, SKIP_U, SYS + 1}, {3, -1, SKIP_U, SKIP_U, 2},
    {4, -1, SKIP_U, SKIP_U, 4},      {5, -1, SKIP_U, SKIP_U, 2},
    {6, -1, SKIP_U, SKIP_U, 3},      {7, -1, SKIP_U, SKIP_U, 2},
    {8, -1, SKIP_U, SKIP_U, 3},      {9, -1, SKIP_U, SKIP_U, 3},
    {10, -1, SKIP_U, SKIP_U, NONE},  {11, -1, SKIP_U, SKIP_U, 4},
    {12, -1, SKIP_U, SKIP_U, NONE},  {13, -1, SKIP_U, SKIP_U, 3},
    {14, -1, SKIP_U, SKIP_U, 2},     {15, -1, SKIP_U, SKIP_U, 3},
    {16, -1, SKIP_U, SKIP_U, SYS + 2}, {17, -1, SKIP_U, SKIP_U, 2},
    {18, -1, SKIP_U, SKIP_U, SYS + 2}, {19, -1, SKIP_U, SKIP_U, SYS + 3},
};

/*
 * Shallow-size reattribution (§3 step 4).
 *   root -element-> array: owner is the root: stays (and, not being
 *   synthetic, the array is a user root at distance 1)
 *   (GC roots) -> hidden H1: owner synthetic: stays
 *   A -> Shared <- B: two owners: stays
 *   A -> array -> Deep: both owned by A alone: move into A
 *   A -weak-> WeakOnly: no owner: stays (and hangs under the root)
 *   A -> self arr, which points to itself: moves into A
 *   A's array and B -> Hub: two owners: stays
 *   string -> "system / ExternalStringData" (native): owned like a hidden
 *   node: moves into the string; string -> native Foo: owns itself
 */
static const struct tn re_nodes[] = {
    {"synthetic", "", 1, 0},                            /* 0 */
    {"object", "global", 3, 1},                         /* 1 */
    {"synthetic", "(GC roots)", 5, 0},                  /* 2 */
    {"array", "(root arr)", 7, 2},                      /* 3 */
    {"hidden", "system / H1", 9, 4},                    /* 4 */
    {"object", "A", 11, 8},                             /* 5 */
    {"object", "B", 13, 16},                            /* 6 */
    {"hidden", "system / Shared", 15, 32},              /* 7 */
    {"array", "(chain arr)", 17, 64},                   /* 8 */
    {"hidden", "system / Deep", 19, 128},               /* 9 */
    {"hidden", "system / WeakOnly", 21, 256},           /* 10 */
    {"string", "ext", 23, 512},                         /* 11 */
    {"native", "system / ExternalStringData", 25, 1024}, /* 12 */
    {"native", "Foo", 27, 2048},                        /* 13 */
    {"array", "(self arr)", 29, 4096},                  /* 14 */
    {"hidden", "system / Hub", 31, 8192},               /* 15 */
};
static const struct te re_edges[] = {
    {0, "shortcut", "1", 1},
    {0, "element", "1", 2},
    {0, "element", "2", 3},
    {1, "property", "a", 5},
    {1, "property", "b", 6},
    {1, "property", "s", 11},
    {2, "element", "1", 4},
    {5, "internal", "s", 7},
    {5, "internal", "c", 8},
    {5, "weak", "w", 10},
    {5, "internal", "x", 14},
    {6, "internal", "s", 7},
    {6, "internal", "h", 15},
    {8, "internal", "d", 9},
    {8, "internal", "hub", 15},
    {11, "internal", "data", 12},
    {11, "internal", "foo", 13},
    {14, "element", "0", 14},
};
static const struct xnode re_x[] = {
    {0, 0, 0, 16383, SYS},        {1, 0, 1, 16121, 1},
    {2, 0, 0, 4, SYS + 1},        {3, 0, 2, 2, 1},
    {4, 2, 4, 4, SYS + 2},        {5, 1, 4296, 4296, 2},
    {6, 1, 16, 16, 2},            {7, 1, 32, 32, 3},
    {8, 5, 0, 0, 3},              {9, 8, 0, 0, 4},
    {10, 0, 256, 256, NONE},      {11, 1, 1536, 3584, 2},
    {12, 11, 0, 0, 3},            {13, 11, 2048, 2048, 3},
    {14, 5, 0, 0, 3},             {15, 1, 8192, 8192, 3},
};
static const struct xrow re_rows[] = {
    {",global", 1, 1, 16121, 1},
    {",(array)", 1, 2, 2, 1},
    {",(system)", 4, 4 + 32 + 256 + 8192, 4 + 32 + 256 + 8192, NONE},
    {",A", 1, 4296, 4296, 2},
    {",B", 1, 16, 16, 2},
    {",(string)", 1, 1536, 3584, 2},
    {",Foo", 1, 2048, 2048, 3},
};

/*
 * No user roots (an exposeInternals snapshot: the root has only synthetic
 * children): no reattribution at all, and distances count from the root
 * at 0.
 */
static const struct tn nur_nodes[] = {
    {"synthetic", "", 1, 0},
    {"synthetic", "(GC roots)", 3, 0},
    {"synthetic", "(Strong roots)", 5, 0},
    {"object", "global", 7, 10},
    {"array", "elements", 9, 20},
    {"hidden", "system / Map", 11, 30},
};
static const struct te nur_edges[] = {
    {0, "element", "1", 1},
    {1, "element", "1", 2},
    {2, "element", "1", 3},
    {3, "internal", "elements", 4},
    {3, "internal", "map", 5},
};
static const struct xnode nur_x[] = {
    {0, 0, 0, 60, 0},  {1, 0, 0, 60, 1},  {2, 1, 0, 60, 2},
    {3, 2, 10, 60, 3}, {4, 3, 20, 20, 4}, {5, 3, 30, 30, 4},
};
static const struct xrow nur_rows[] = {
    {",global", 1, 10, 60, 3},
    {",(array)", 1, 20, 20, 4},
    {",(system)", 1, 30, 30, 4},
};

/*
 * "(Document DOM trees)" (a synthetic root child) counts as a user root:
 * distance 1, page-owned seed, and reattribution runs.  Sys (reached from
 * (GC roots)) -> Doc is not page-owned to page-owned: dropped.
 */
static const struct tn dom_trees_nodes[] = {
    {"synthetic", "", 1, 0},
    {"synthetic", "(Document DOM trees)", 3, 0},
    {"object", "Doc", 5, 10},
    {"array", "arr", 7, 20},
    {"synthetic", "(GC roots)", 9, 0},
    {"object", "Sys", 11, 40},
};
static const struct te dom_trees_edges[] = {
    {0, "element", "1", 1},
    {0, "element", "2", 4},
    {1, "element", "1", 2},
    {2, "internal", "e", 3},
    {4, "element", "1", 5},
    {5, "property", "d", 2},
};
static const struct xnode dom_trees_x[] = {
    {0, 0, 0, 70, SYS},   {1, 0, 0, 30, 1},     {2, 1, 30, 30, 2},
    {3, 2, 0, 0, 3},      {4, 0, 0, 40, SYS + 1}, {5, 4, 40, 40, SYS + 2},
};
static const struct xrow dom_trees_rows[] = {
    {",Doc", 1, 30, 30, 2},
    {",Sys", 1, 40, 40, SYS + 2},
};

/*
 * Repeated edges: a node's run of edges to one target counts as one
 * predecessor in the dominator step (lc_graph_dominators_begin), which
 * must change nothing.
 *   A -> T three times, B -> T: T under global
 *   A -> U twice: U under A (its one retainer, the DFS parent)
 *   B -> V, B -> Q, B -> V (not in a row), V -> Q: V and Q under B
 */
static const struct tn rep_nodes[] = {
    {"synthetic", "", 1, 0},    /* 0 */
    {"object", "global", 3, 1}, /* 1 */
    {"object", "A", 5, 2},      /* 2 */
    {"object", "B", 7, 4},      /* 3 */
    {"object", "T", 9, 8},      /* 4 */
    {"object", "U", 11, 16},    /* 5 */
    {"object", "V", 13, 32},    /* 6 */
    {"object", "Q", 15, 64},    /* 7 */
};
static const struct te rep_edges[] = {
    {0, "shortcut", "1", 1},  {1, "property", "a", 2},
    {1, "property", "b", 3},  {2, "property", "t", 4},
    {2, "property", "t", 4},  {2, "property", "t", 4},
    {2, "property", "u", 5},  {2, "property", "u", 5},
    {3, "property", "t", 4},  {3, "property", "v", 6},
    {3, "property", "q", 7},  {3, "property", "v", 6},
    {6, "property", "q", 7},
};
static const struct xnode rep_x[] = {
    {0, 0, 0, 127, SYS}, {1, 0, 1, 127, 1}, {2, 1, 2, 18, 2},
    {3, 1, 4, 100, 2},   {4, 1, 8, 8, 3},   {5, 2, 16, 16, 3},
    {6, 3, 32, 32, 3},   {7, 3, 64, 64, 3},
};

static const struct tcase cases[] = {
    {"essential", {ARR(ess_nodes), ARR(ess_edges), NOARR},
     "111111100010101", "01011111010", ARR(ess_x), ARR(ess_rows), 365},
    {"weakmap-names", {ARR(wm_nodes), ARR(wm_edges), NOARR},
     "1101110101", NULL, ARR(wm_x), NULL, 0, 1023},
    {"dominators", {ARR(dom_nodes), ARR(dom_edges), NOARR}, NULL, NULL,
     ARR(dom_x), ARR(dom_rows), 16383},
    {"row-retained", {ARR(rows_nodes), ARR(rows_edges), ARR(rows_locs)},
     NULL, NULL, ARR(rows_x), ARR(rows_rows), 2551},
    {"distances", {ARR(dist_nodes), ARR(dist_edges), NOARR}, NULL, NULL,
     ARR(dist_x), NULL, 0, 262143},
    {"reattribution", {ARR(re_nodes), ARR(re_edges), NOARR}, NULL, NULL,
     ARR(re_x), ARR(re_rows), 16383},
    {"no-user-roots", {ARR(nur_nodes), ARR(nur_edges), NOARR}, NULL,
     "000000", ARR(nur_x), ARR(nur_rows), 60},
    {"dom-trees", {ARR(dom_trees_nodes), ARR(dom_trees_edges), NOARR},
     "111110", "011100", ARR(dom_trees_x), ARR(dom_trees_rows), 70},
    {"weakmap-newline", {ARR(wmnl_nodes), ARR(wmnl_edges), NOARR}, "111",
     NULL, ARR(wmnl_x), NULL, 0, 7},
    {"weakmap-table-id-overflow", {ARR(wmnl_nodes), ARR(wmbig_edges), NOARR},
     "111", NULL, ARR(wmbig_x), NULL, 0, 7},
    {"repeated-edges", {ARR(rep_nodes), ARR(rep_edges), NOARR},
     "1111111111111", NULL, ARR(rep_x), NULL, 0, 127},
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))


/* ---- the checks ---------------------------------------------------------- */

/* Builds summary and graph for case c in layout 20 or 24 and retained-size
 * mode 0 (self given), 1 (NULL, then lc_graph_retained), 2 (threaded), 3
 * (step by step, dropping snapshot memory) or 4 (the diagnosis' steps:
 * names dropped after the mark step, edges after the numbering, retained
 * sizes summed in place by lc_graph_retained_take). */
static void
build_all(const struct tcase *c, int layout, int mode, struct lc_snapshot *s,
          struct lc_summary *sum, struct lc_graph *g)
{
  unsigned what = LC_GRAPH_DOMINATORS | LC_GRAPH_DISTANCES | LC_GRAPH_PATHS;
  load(s, &c->snap, c->name, layout);
  if (mode == 3) {
    /* As `leakcheck summary` does it (LC_SUMMARY_RETAINED), keeping the
     * graph to check it; ASan catches a read of a dropped part. */
    struct lc_summary_opts opts = {LC_SUMMARY_RETAINED, NULL, NULL};
    opts.keep_graph = g;
    lc_summary_build(sum, s, &opts);
    ck_assert_ptr_null(s->node_self_size);
    ck_assert_ptr_null(s->node_name);
    ck_assert_ptr_null(s->node_id);
    ck_assert_ptr_null(s->edge_tt);
    return;
  }
  if (mode == 4) {
    uint64_t *sizes;
    lc_summary_build(sum, s, NULL);
    sizes = lc_xmalloc(((size_t)s->node_count + 1) * sizeof(uint64_t));
    memcpy(sizes, sum->node_self, (size_t)s->node_count * sizeof(uint64_t));
    lc_graph_build(g, s, NULL, what | LC_GRAPH_MARK_ONLY);
    lc_snapshot_drop(s, LC_SNAPSHOT_DROP_NAMES | LC_SNAPSHOT_DROP_EDGE_TYPES);
    lc_graph_distances(g, s, 1);
    lc_graph_dominators_begin(g, s);
    lc_snapshot_drop(s, LC_SNAPSHOT_DROP_EDGE_TARGETS);
    ck_assert_ptr_null(s->edge_tt);
    ck_assert_ptr_nonnull(s->node_first_edge);
    lc_graph_dominators_end(g, NULL);
    lc_graph_retained_take(g, &sizes);
    ck_assert_ptr_null(sizes);
    ck_assert_ptr_nonnull(g->retained);
    lc_summary_add_graph(sum, s, g);
    return;
  }
  if (mode == 2) {
    struct lc_graph_job job;
    lc_graph_start(&job, g, s, what);
    lc_summary_build(sum, s, NULL);
    lc_graph_finish(&job, sum->node_self);
  } else {
    lc_summary_build(sum, s, NULL);
    lc_graph_build(g, s, mode == 0 ? sum->node_self : NULL, what);
    if (mode == 1)
      lc_graph_retained(g, sum->node_self);
  }
  lc_summary_add_graph(sum, s, g);
}

static void
check_case(const struct tcase *c, int layout, int mode)
{
  struct lc_snapshot s;
  struct lc_summary sum;
  struct lc_graph g;
  size_t i;
  build_all(c, layout, mode, &s, &sum, &g);

  if (c->essential) {
    ck_assert_uint_eq(strlen(c->essential), s.edge_count);
    for (i = 0; i < s.edge_count; i++)
      ck_assert_msg(lc_graph_essential(&g, (uint32_t)i) ==
                        (c->essential[i] == '1'),
                    "%s/%d: edge %zu essential %d, expected %c", c->name,
                    layout, i, lc_graph_essential(&g, (uint32_t)i),
                    c->essential[i]);
  }
  if (c->page_owned) {
    ck_assert_uint_eq(strlen(c->page_owned), s.node_count);
    for (i = 0; i < s.node_count; i++)
      ck_assert_msg(lc_graph_page_owned(&g, (uint32_t)i) ==
                        (c->page_owned[i] == '1'),
                    "%s/%d: node %zu page-owned %d, expected %c", c->name,
                    layout, i, lc_graph_page_owned(&g, (uint32_t)i),
                    c->page_owned[i]);
  }
  for (i = 0; i < c->nnodes; i++) {
    const struct xnode *x = &c->nodes[i];
    if (x->idom >= 0)
      ck_assert_msg(g.idom[x->node] == (uint32_t)x->idom,
                    "%s/%d: idom of node %u is %u, expected %ld", c->name,
                    layout, x->node, g.idom[x->node], x->idom);
    if (x->self != SKIP_U)
      ck_assert_msg(sum.node_self[x->node] == x->self,
                    "%s/%d: self of node %u is %" PRIu64 ", expected %llu",
                    c->name, layout, x->node, sum.node_self[x->node],
                    x->self);
    if (x->retained != SKIP_U)
      ck_assert_msg(g.retained[x->node] == x->retained,
                    "%s/%d/%d: retained of node %u is %" PRIu64
                    ", expected %llu",
                    c->name, layout, mode, x->node, g.retained[x->node],
                    x->retained);
    if (x->distance != SKIP_D)
      ck_assert_msg(g.distance[x->node] == x->distance,
                    "%s/%d: distance of node %u is %d, expected %ld",
                    c->name, layout, x->node, (int)g.distance[x->node],
                    x->distance);
  }
  if (c->rows) {
    ck_assert_msg(sum.nrows == c->nrows, "%s/%d: %zu rows, expected %zu",
                  c->name, layout, sum.nrows, c->nrows);
    for (i = 0; i < c->nrows; i++) {
      const struct xrow *x = &c->rows[i];
      const struct lc_summary_row *r = lc_test_find_row(&sum, x->key);
      ck_assert_msg(r != NULL, "%s/%d: row '%s' missing", c->name, layout,
                    x->key);
      ck_assert_msg(r->count == x->count && r->self_size == x->self &&
                        r->retained_size == x->retained &&
                        r->distance == x->distance,
                    "%s/%d/%d: row '%s' is count %" PRIu64 " self %" PRIu64
                    " retained %" PRIu64 " distance %d; expected %llu %llu "
                    "%llu %ld",
                    c->name, layout, mode, x->key, r->count, r->self_size,
                    r->retained_size, (int)r->distance, x->count, x->self,
                    x->retained, x->distance);
    }
  }
  ck_assert_uint_eq(sum.total_size, c->total);
  ck_assert_uint_eq(g.retained[0], c->total);
  lc_graph_release(&g);
  lc_summary_release(&sum);
  lc_snapshot_release(&s);
}

/* Set by graph_cases: the edge types get a column of their own, as on a
 * heap of more than 2^29 nodes (see snapshot.c). */
static int wide_types;

int lc_snapshot_test_wide(void);

int
lc_snapshot_test_wide(void)
{
  return wide_types;
}

/* _i = case * 20 + packed or wide edge types (2) * mode (5) * layout
 * (2). */
START_TEST(graph_cases)
{
  wide_types = (_i / 10) % 2;
  check_case(&cases[_i / 20], _i % 2 ? 24 : 20, (_i / 2) % 5);
  wide_types = 0;
}
END_TEST

/* ---- retainer paths ------------------------------------------------------ */

/* DevTools class names, one node at a time (not the summary's rows). */
static void
class_of(void *ctx, const struct lc_snapshot *s, uint32_t node,
         struct lc_buf *out)
{
  char *name = lc_summary_node_class(s, node);
  (void)ctx;
  lc_buf_addstr(out, name);
  free(name);
}

struct path_case {
  size_t tcase; /* index in cases[] */
  unsigned node;
  int classes; /* use DevTools class names instead of raw names */
  long hops;   /* the edges shown */
  const char *text;
};

static const struct path_case path_cases[] = {
    /* The BFS path, never the skipped sloppy_function_map edge. */
    {4, 4, 0, 3,
     "global @3 → p (property) → P @11 → q (property) → Q @13 → m "
     "(property) → M @9"},
    {4, 4, 1, 3,
     "global @3 → p (property) → P @11 → q (property) → Q @13 → m "
     "(property) → (system) @9"},
    {4, 11, 0, 3,
     "global @3 → p (property) → P @11 → q (property) → Q @13 → t7 "
     "(property) → T7 @23"},
    {4, 8, 1, 2,
     "global @3 → md (property) → (array) @15 → [1] (element) → T1 @17"},
    /* A user root itself: reached, no edge shown. */
    {4, 1, 0, 0, "global @3"},
    /* The system part: the path starts at the GC roots category; the
     * root's edge to it is not shown and not counted. */
    {4, 19, 0, 2,
     "(GC roots) @5 → [2] (element) → Key @37 → 2 / part of key (Key @37) "
     "-> value (Val @39) pair in WeakMap (table @35) (internal) → Val @39"},
    {4, 19, 1, 2,
     "(synthetic) @5 → [2] (element) → Key @37 → 2 / part of key (Key @37) "
     "-> value (Val @39) pair in WeakMap (table @35) (internal) → Val @39"},
    /* Never reached: skipped (map descriptors) edge, weak edge only. */
    {4, 10, 0, -1, "unreachable from the roots"},
    {5, 10, 0, -1, "unreachable from the roots"},
    /* A node below an owned array: reached through it. */
    {5, 9, 1, 3,
     "global @3 → a (property) → A @11 → c (internal) → (array) @17 → d "
     "(internal) → (system) @19"},
    {5, 12, 1, 2,
     "global @3 → s (property) → (string) @23 → data (internal) → "
     "system / ExternalStringData @25"},
};

static void
check_path(const struct path_case *p, int layout)
{
  const struct tcase *c = &cases[p->tcase];
  struct lc_snapshot s;
  struct lc_summary sum;
  struct lc_graph g;
  struct lc_buf out = LC_BUF_INIT;
  long hops;
  build_all(c, layout, 0, &s, &sum, &g);
  lc_buf_addstr(&out, "> ");
  hops = lc_graph_path(&g, &s, p->node, p->classes ? class_of : NULL, NULL,
                       &out);
  ck_assert_str_eq(out.buf + 2, p->text);
  ck_assert_int_eq(hops, p->hops);
  lc_buf_release(&out);
  lc_graph_release(&g);
  lc_summary_release(&sum);
  lc_snapshot_release(&s);
}

START_TEST(graph_paths)
{
  check_path(&path_cases[_i / 2], _i % 2 ? 24 : 20);
}
END_TEST

/* Only what was asked for is built. */
START_TEST(graph_what)
{
  struct lc_snapshot s;
  struct lc_graph g;
  const struct tcase *c = &cases[2];
  load(&s, &c->snap, c->name, _i ? 24 : 20);
  lc_graph_build(&g, &s, NULL, LC_GRAPH_DOMINATORS);
  ck_assert_ptr_nonnull(g.idom);
  ck_assert_ptr_null(g.distance);
  ck_assert_ptr_null(g.bfs_edge);
  /* D (node 4) has two retainers, A (2) and B (3): global (1) dominates. */
  ck_assert_uint_eq(g.idom[4], 1);
  ck_assert_ptr_nonnull(g.essential);
  ck_assert_ptr_null(g.dist_skip);
  /* Not asked for: retained sizes need lc_graph_retained. */
  ck_assert_ptr_null(g.retained);
  lc_graph_release(&g);
  lc_graph_build(&g, &s, NULL, LC_GRAPH_DISTANCES);
  ck_assert_ptr_null(g.idom);
  ck_assert_ptr_nonnull(g.distance);
  ck_assert_ptr_null(g.bfs_edge);
  ck_assert_int_eq(g.distance[8], 4);
  lc_graph_release(&g);
  lc_snapshot_release(&s);
}
END_TEST

struct wm_name_case {
  const char *name;
  int match;
  unsigned table;
  const char *dup;
};

static const struct wm_name_case wm_name_cases[] = {
    {"12 / part of key (Foo @79267) -> value (Object @86349) pair in "
     "WeakMap (table @86347)",
     1, 86347,
     " / part of key (Foo @79267) -> value (Object @86349) pair in WeakMap "
     "(table @86347)"},
    {"1 / part of key ( @1) -> value ( @2) pair in WeakMap (table @3)", 1, 3,
     " / part of key ( @1) -> value ( @2) pair in WeakMap (table @3)"},
    {"1 / part of key (K @1) -> value (V @2) pair in WeakMap (table @)", 0,
     0, NULL},
    {"1 / part of key (K @1) -> value (V @2) pair in WeakMap (table @3) ", 0,
     0, NULL},
    {"1 / part of key (K @) -> value (V @2) pair in WeakMap (table @3)", 0, 0,
     NULL},
    {"1 / part of key (K@1) -> value (V @2) pair in WeakMap (table @3)", 0, 0,
     NULL},
    {" / part of key (K @1) -> value (V @2) pair in WeakMap (table @3)", 0,
     0, NULL},
    {"1 / part of key (K @1) -> value (V @2) pair in WeakSet (table @3)", 0,
     0, NULL},
    {"", 0, 0, NULL},
    {"1", 0, 0, NULL},
};

/* lc_weakmap_edge on names, as DevTools' regular expression reads them. */
START_TEST(weakmap_edge_names)
{
  const struct wm_name_case *w = &wm_name_cases[_i];
  struct tn nodes[] = {{"synthetic", "", 1, 0}, {"object", "T", 3, 1}};
  struct te edges[] = {{0, "internal", w->name, 1}};
  struct tsnap t = {ARR(nodes), ARR(edges), NOARR};
  struct lc_snapshot s;
  uint32_t table = 0;
  const char *dup = NULL;
  load(&s, &t, "wmname", 24);
  ck_assert_int_eq(lc_weakmap_edge(&s, 0, &table, &dup), w->match);
  if (w->match) {
    ck_assert_uint_eq(table, w->table);
    ck_assert_str_eq(dup, w->dup);
  }
  lc_snapshot_release(&s);
}
END_TEST

Suite *
lc_test_suite(void)
{
  Suite *s = suite_create("dominators");
  TCase *tc = tcase_create("graph");
  tcase_set_timeout(tc, 60);
  tcase_add_loop_test(tc, graph_cases, 0, (int)NCASES * 20);
  tcase_add_loop_test(tc, graph_paths, 0,
                      (int)(sizeof(path_cases) / sizeof(path_cases[0])) * 2);
  tcase_add_loop_test(tc, graph_what, 0, 2);
  tcase_add_loop_test(tc, weakmap_edge_names, 0,
                      sizeof(wm_name_cases) / sizeof(wm_name_cases[0]));
  suite_add_tcase(s, tc);
  return s;
}
