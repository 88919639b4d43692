/*
 * libFuzzer target for the verdict on fuzzed snapshot series: the input is
 * 2 to 4 snapshots separated by a line "----8<----".  Each one that parses
 * is summarised and added to a series the way `run` and `analyze` do
 * (lc_series_add, lc_series_add_objects, survivors of the last), then two
 * checks are judged on it, one with the default assertion and one with
 * explicit ones, and the terminal report is written: never a crash, leak
 * or hang, whatever the snapshots hold (0 nodes, huge sizes, odd names).
 * Built with -DLEAKCHECK_FUZZ=ON and CC=clang; seeds in corpus_verdict/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "leakcheck/buf.h"
#include "leakcheck/heap.h"
#include "report/report.h"
#include "verdict/verdict.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SEP "\n----8<----\n"
#define MAX_SNAPS 4

static const char config_text[] =
    "version: 1\n"
    "checks:\n"
    "  - name: default\n"
    "    script: x.js\n"
    "    snapshots: %zu\n"
    "    warmup: 0\n"
    "  - name: explicit\n"
    "    script: x.js\n"
    "    snapshots: %zu\n"
    "    warmup: 0\n"
    "    assert:\n"
    "      - constructor: \"*\"\n"
    "        max_growth: 0\n"
    "      - total: true\n"
    "        max_growth_bytes: 1KB\n"
    "      - constructor: Array\n"
    "        steady_growth: forbid\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const struct lc_summary_opts take = {LC_SUMMARY_TAKE, NULL, NULL};
  const char *p = (const char *)data, *end = p + size;
  const char *part[MAX_SNAPS];
  size_t len[MAX_SNAPS], n = 0, k, c;
  struct lc_snapshot snaps[MAX_SNAPS];
  struct lc_summary sums[MAX_SNAPS];
  struct lc_check_result res[2];
  struct lc_config cfg = LC_CONFIG_INIT;
  struct lc_err err = LC_ERR_INIT;
  struct lc_buf text = LC_BUF_INIT;

  /* Split. */
  while (n < MAX_SNAPS) {
    const char *q = NULL, *s;
    for (s = p; s + sizeof(SEP) - 1 <= end; s++)
      if (memcmp(s, SEP, sizeof(SEP) - 1) == 0) {
        q = s;
        break;
      }
    part[n] = p;
    len[n] = (size_t)((q ? q : end) - p);
    n++;
    if (!q)
      break;
    p = q + sizeof(SEP) - 1;
  }
  if (n < 2)
    return 0;
  for (k = 0; k < n; k++)
    if (lc_snapshot_parse(&snaps[k], "fuzz.heapsnapshot", part[k], len[k],
                          &err) < 0) {
      while (k--)
        lc_snapshot_release(&snaps[k]);
      lc_err_release(&err);
      return 0;
    }

  lc_buf_addf(&text, config_text, n, n);
  if (lc_config_parse(&cfg, "fuzz.yml", text.buf, text.len, &err) < 0)
    abort(); /* our own config */
  memset(res, 0, sizeof(res));
  for (c = 0; c < 2; c++) {
    res[c].check = &cfg.checks[c];
    res[c].series.warmup = cfg.checks[c].warmup;
  }
  for (k = 0; k < n; k++) {
    lc_summary_build(&sums[k], &snaps[k], &take);
    for (c = 0; c < 2; c++) {
      lc_series_add(&res[c].series, &sums[k]);
      lc_series_add_objects(&res[c].series, &snaps[k], &sums[k]);
      if (k + 1 == n)
        lc_series_set_survivors(&res[c].series, &snaps[k], &sums[k]);
    }
  }
  for (c = 0; c < 2; c++) {
    size_t failed =
        lc_verdict_eval(res[c].check, &res[c].series, &res[c].results);
    res[c].nresults = res[c].check->nasserts;
    res[c].status = failed ? LC_CHECK_FAILED : LC_CHECK_PASSED;
    if (failed > res[c].nresults)
      abort();
  }
  lc_buf_reset(&text);
  lc_report_text(&text, &cfg, res, 2, 0);
  lc_buf_reset(&text);
  lc_report_brief(&text, &cfg, res, 2, 0);

  for (c = 0; c < 2; c++)
    lc_check_result_release(&res[c]);
  for (k = 0; k < n; k++) {
    lc_summary_release(&sums[k]);
    lc_snapshot_release(&snaps[k]);
  }
  lc_config_release(&cfg);
  lc_buf_release(&text);
  lc_err_release(&err);
  return 0;
}
