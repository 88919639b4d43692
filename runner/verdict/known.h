/*
 * Known growth: allowances (`allow:` in leakcheck.yml) and the baseline
 * applied to a check's verdict.
 *
 * A finding (a row that broke an assertion) is accepted, and moved into
 * its result's `accepted`, when an allowance matches its class name (the
 * first that does, in file order; not past its `until` day, and within
 * its `max_growth`) or, failing that, when the baseline has its id and
 * its growth per interval is no worse (baseline.h).  Every acceptance
 * leaves a note; so do an expired allowance (it fails the check), an
 * allowance that accepted nothing (a warning; it fails with `strict`),
 * and a baseline entry of the check that no longer grows ("fixed since
 * the baseline").
 */
#ifndef LEAKCHECK_KNOWN_H
#define LEAKCHECK_KNOWN_H

#include "config/config.h"
#include "verdict/baseline.h"
#include "verdict/verdict.h"

/* Applies the check's allowances and `base` (may be NULL) to `r` (a
 * PASSED or FAILED result; others are left alone), on day `today`
 * (YYYYMMDD), then sets r->status from what still fails.  `cfg_path`
 * names leakcheck.yml in notes. */
void lc_known_apply(struct lc_check_result *r, const char *cfg_path,
                    const struct lc_baseline *base, int today, int strict);

#endif
