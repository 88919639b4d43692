/*
 * libFuzzer target for the leakcheck.yml loader: any bytes must give either
 * a configuration or a positioned error, never a crash, leak or hang.
 * Built with -DLEAKCHECK_FUZZ=ON and CC=clang; seeds in corpus_config/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "config/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct lc_config cfg = LC_CONFIG_INIT;
  struct lc_err err = LC_ERR_INIT;

  if (lc_config_parse(&cfg, "fuzz/leakcheck.yml", (const char *)data, size,
                      &err) == 0) {
    /* Touch what the driver and the verdict will read. */
    size_t i, j;
    for (i = 0; i < cfg.nchecks; i++) {
      const struct lc_check *c = &cfg.checks[i];
      if (lc_config_find(&cfg, c->name) != c)
        abort();
      if (!c->script_path || !c->args || !c->node_args || !c->env ||
          !c->nasserts || c->snapshots < c->warmup + 2)
        abort();
      for (j = 0; j < c->nasserts; j++)
        if (!c->asserts[j].label ||
            (!c->asserts[j].is_total &&
             lc_pattern_match(&c->asserts[j].ctor, "Function") < 0))
          abort();
    }
    lc_config_release(&cfg);
  } else {
    char *s = lc_err_format(&err);
    if (!err.msg || (err.code == LC_ECONFIG && (!err.line || !err.col)))
      abort();
    free(s);
  }
  lc_err_release(&err);
  return 0;
}
