/*
 * The tables of `leakcheck summary` and `leakcheck diff`: the DevTools
 * Summary and Comparison views as text, or as JSON with DevTools' row keys.
 */
#ifndef LC_REPORT_TABLES_H
#define LC_REPORT_TABLES_H

#include <stddef.h>
#include <stdio.h>

#include "leakcheck/buf.h"
#include "leakcheck/heap.h"

/* Appends the Summary of `file` (node and edge counts, then the rows of
 * `sum`, built with retained sizes).  Text: the `top` largest rows (0:
 * all) as an aligned table; `json`: one object with every row.  With a
 * `spill` file (not NULL), what `out` holds is written to it and emptied
 * each time it reaches 64 KiB, so that only the rest is left in `out`
 * (the caller writes it): a table of millions of rows costs no memory. */
void lc_table_summary(struct lc_buf *out, FILE *spill, const char *file,
                      uint32_t node_count, uint32_t edge_count,
                      const struct lc_summary *sum, size_t top, int json);

/* Appends the Comparison of `base` and `file`, the same way. */
void lc_table_diff(struct lc_buf *out, FILE *spill, const char *base,
                   const char *file, const struct lc_compare *cmp, size_t top,
                   int json);

/* Appends the comparison by identity of two snapshots from different
 * processes (verdict/identity.h): count and size per identity in each,
 * and the changes; text (`top` rows, 0: all) or JSON. */
struct lc_id_diff_row;
void lc_table_diff_ids(struct lc_buf *out, FILE *spill, const char *base,
                       const char *file, const struct lc_id_diff_row *rows,
                       size_t n, size_t top, int json);

#endif
