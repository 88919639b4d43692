/* Stable identities of Summary rows (identity.h). */
#include "verdict/identity.h"

#include <stdlib.h>
#include <string.h>

#include "leakcheck/buf.h"

#include "base/banned.h"

static int
parse_u32(const char **p, uint32_t *out)
{
  const char *s = *p;
  uint64_t v = 0;
  if (*s < '0' || *s > '9')
    return -1;
  while (*s >= '0' && *s <= '9') {
    v = v * 10 + (uint64_t)(*s - '0');
    if (v > UINT32_MAX)
      return -1;
    s++;
  }
  *out = (uint32_t)v;
  *p = s;
  return 0;
}

int
lc_identity_key_location(const char *key, uint32_t *script, uint32_t *line,
                         uint32_t *col)
{
  const char *p = key;
  if (parse_u32(&p, script) < 0 || *p++ != ',' || parse_u32(&p, line) < 0 ||
      *p++ != ',' || parse_u32(&p, col) < 0 || *p != ',')
    return 0;
  return 1;
}

/* Appends `path` relative to `dir` when it lies under it, else as is. */
static void
add_path(struct lc_buf *out, const char *path, const char *dir)
{
  size_t dl;
  if (strncmp(path, "file://", 7) == 0 && path[7] == '/')
    path += 7;
  if (dir && path[0] == '/') {
    dl = strlen(dir);
    while (dl > 1 && dir[dl - 1] == '/')
      dl--;
    if (dl == 1 && dir[0] == '/') {
      lc_buf_addstr(out, path + 1);
      return;
    }
    if (strncmp(path, dir, dl) == 0 && path[dl] == '/' && path[dl + 1]) {
      lc_buf_addstr(out, path + dl + 1);
      return;
    }
  }
  lc_buf_addstr(out, path);
}

char *
lc_identity(const char *key, const char *name, const struct lc_scripts *sc,
            const char *base_dir)
{
  struct lc_buf b = LC_BUF_INIT;
  uint32_t script, line, col;
  lc_buf_addstr(&b, name);
  if (lc_identity_key_location(key, &script, &line, &col)) {
    const char *path = sc ? lc_scripts_name(sc, script) : NULL;
    lc_buf_addstr(&b, " (");
    if (path && *path)
      add_path(&b, path, base_dir);
    else
      lc_buf_addch(&b, '?');
    lc_buf_addf(&b, ":%u:%u)", line + 1, col + 1);
  }
  return lc_buf_detach(&b, NULL);
}

void
lc_series_set_identities(struct lc_series *ser, const struct lc_scripts *sc,
                         const char *base_dir)
{
  size_t i;
  for (i = 0; i < ser->nrows; i++)
    if (!ser->rows[i].ident)
      ser->rows[i].ident =
          lc_identity(ser->rows[i].key, ser->rows[i].name, sc, base_dir);
}

long
lc_series_find_identity(const struct lc_series *ser, const char *ident)
{
  size_t i;
  for (i = 0; i < ser->nrows; i++)
    if (ser->rows[i].ident && strcmp(ser->rows[i].ident, ident) == 0)
      return (long)i;
  return -1;
}
