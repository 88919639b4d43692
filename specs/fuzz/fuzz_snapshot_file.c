/*
 * libFuzzer target for the mmap reader (lc_snapshot_read) on a file that
 * changes while it is mapped.  The first byte picks what happens between
 * mapping and parsing (through the reader's test hook): 0 nothing, 1 the
 * file is cut to the length in the next two bytes (little endian, modulo
 * the file's size + 1), 2 it is extended by that much.  The rest is the
 * file.  Whatever the file does, the read ends with a snapshot or an
 * input error with a byte offset within the mapped length: never SIGBUS,
 * a crash, a leak or a hang.  An unchanged file reads as lc_snapshot_parse
 * reads the same bytes from memory.
 * Built with -DLEAKCHECK_FUZZ=ON and CC=clang; seeds in
 * corpus_snapshot_file/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "leakcheck/buf.h"
#include "leakcheck/heap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int mode;
static size_t amount;

void lc_snapshot_test_mapped(const char *path, size_t len);

void
lc_snapshot_test_mapped(const char *path, size_t len)
{
  if (mode == 1 && truncate(path, (off_t)(amount % (len + 1))) < 0)
    abort();
  if (mode == 2 && truncate(path, (off_t)(len + amount)) < 0)
    abort();
}

static char path[64];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct lc_snapshot s, m;
  struct lc_err err = LC_ERR_INIT, merr = LC_ERR_INIT;
  FILE *f;
  int rc, mrc;
  if (size < 3)
    return 0;
  if (!path[0]) {
    const char *t = getenv("TMPDIR");
    int fd;
    snprintf(path, sizeof(path), "%s/lc-fuzz-XXXXXX",
             t && strlen(t) < 40 ? t : "/tmp");
    fd = mkstemp(path);
    if (fd < 0)
      abort();
    close(fd);
  }
  mode = data[0] % 3;
  amount = (size_t)data[1] | (size_t)data[2] << 8;
  f = fopen(path, "wb");
  if (!f || fwrite(data + 3, 1, size - 3, f) != size - 3)
    abort();
  fclose(f);
  rc = lc_snapshot_read(&s, path, &err);
  if (rc < 0 && (!err.msg || err.code != LC_EINPUT ||
                 (err.has_offset && err.offset > size - 3)))
    abort();
  if (mode == 0) {
    /* Unchanged: as from memory. */
    mrc = lc_snapshot_parse(&m, path, (const char *)data + 3, size - 3, &merr);
    if (mrc != rc)
      abort();
    if (rc == 0 && (m.node_count != s.node_count ||
                    m.edge_count != s.edge_count ||
                    m.string_count != s.string_count))
      abort();
    if (rc < 0 && (merr.offset != err.offset || strcmp(merr.msg, err.msg)))
      abort();
    if (mrc == 0)
      lc_snapshot_release(&m);
  }
  if (rc == 0)
    lc_snapshot_release(&s);
  lc_err_release(&err);
  lc_err_release(&merr);
  unlink(path);
  return 0;
}
