/*
 * libFuzzer target for the baseline reader (verdict/baseline.h): any bytes
 * must give either a baseline or an error at a byte offset inside the
 * input, never a crash, leak or hang.  Built with -DLEAKCHECK_FUZZ=ON and
 * CC=clang; seeds in corpus_baseline/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "verdict/baseline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct lc_baseline b = LC_BASELINE_INIT;
  struct lc_err err = LC_ERR_INIT;
  size_t i;

  if (lc_baseline_parse(&b, "fuzz/base.json", (const char *)data, size, &err) ==
      0) {
    for (i = 0; i < b.n; i++)
      if (!b.v[i].check || !b.v[i].id ||
          lc_baseline_find(&b, b.v[i].check, b.v[i].id) == NULL)
        abort();
    lc_baseline_release(&b);
  } else {
    if (err.code != LC_EINPUT || !err.msg || !err.has_offset ||
        err.offset > size || b.v)
      abort();
  }
  lc_err_release(&err);
  return 0;
}
