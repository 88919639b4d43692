/*
 * The JSON report (`leakcheck run --json FILE`): a machine-readable record
 * of every check that ran, for tools and dashboards.  The schema is
 * versioned (LC_JSON_REPORT_VERSION; "schema": "leakcheck-report") and
 * documented in docs/json-report.md: a field is never removed or given
 * another meaning without a new version.
 */
#ifndef LC_REPORT_JSON_H
#define LC_REPORT_JSON_H

#include <stddef.h>

#include "config/config.h"
#include "leakcheck/buf.h"
#include "verdict/verdict.h"

#define LC_JSON_REPORT_VERSION 1

/* Appends the report of `n` results to `out`: one JSON object and a
 * newline.  Strings are escaped as JSON (lc_buf_add_json_string); the
 * full retainer path of each leak is there, as runs. */
void lc_report_json(struct lc_buf *out, const struct lc_config *cfg,
                    const struct lc_check_result *res, size_t n);

#endif
