/* Progress on stderr while snapshots are taken (see progress.h). */
#include "cli/progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "leakcheck/buf.h"

#include "base/banned.h"

/* Longest check name shown on a live line, in bytes. */
#define NAME_MAX_SHOWN 32

static double
now_seconds(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
env_true(const char *name)
{
  const char *v = getenv(name);
  return v && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

enum lc_cli_progress_mode
lc_cli_progress_mode(int brief, int no_color, int *color)
{
  const char *term = getenv("TERM"), *nc = getenv("NO_COLOR");
  *color = 0;
  if (brief)
    return LC_CLI_PROGRESS_OFF;
  if (!isatty(STDERR_FILENO) || (term && strcmp(term, "dumb") == 0) ||
      env_true("CI") || env_true("GITHUB_ACTIONS"))
    return LC_CLI_PROGRESS_LINES;
  *color = !no_color && !(nc && *nc);
  return LC_CLI_PROGRESS_LIVE;
}

void
lc_cli_progress_begin(struct lc_cli_progress *p, const char *name)
{
  enum lc_cli_progress_mode mode = p->mode;
  int color = p->color;
  memset(p, 0, sizeof(*p));
  p->mode = mode;
  p->color = color;
  p->name = name;
  p->t0 = now_seconds();
  p->write_s = -1;
}

/* "184 MB", "2.5 MB", "740 KB", "12 B": 1024-based like leakcheck.yml,
 * no decimal from 10 units up. */
static void
add_size(struct lc_buf *out, uint64_t b)
{
  static const char *const unit[] = {"KB", "MB", "GB", "TB"};
  double v = (double)b;
  int u = -1;
  if (b < 1024) {
    lc_buf_addf(out, "%llu B", (unsigned long long)b);
    return;
  }
  while (v >= 1024 && u < 3) {
    v /= 1024;
    u++;
  }
  lc_buf_addf(out, v >= 10 ? "%.0f %s" : "%.1f %s", v, unit[u]);
}

static uint64_t
file_size(const char *path)
{
  struct stat st;
  if (!path || stat(path, &st) < 0 || st.st_size < 0)
    return 0;
  return (uint64_t)st.st_size;
}

/* The check's name with control characters shown as '?', cut short. */
static void
add_name(struct lc_buf *out, const char *s)
{
  size_t i;
  for (i = 0; s[i] && i < NAME_MAX_SHOWN; i++) {
    unsigned char c = (unsigned char)s[i];
    lc_buf_addch(out, c < 0x20 || c == 0x7f ? '?' : c);
  }
  if (s[i]) {
    /* Do not end inside a UTF-8 sequence. */
    while (out->len && ((unsigned char)out->buf[out->len - 1] & 0xc0) == 0x80)
      lc_buf_setlen(out, out->len - 1);
    if (out->len && (unsigned char)out->buf[out->len - 1] >= 0xc0)
      lc_buf_setlen(out, out->len - 1);
    lc_buf_addstr(out, "...");
  }
}

/* "snapshot 3/5", or "confirmation 2/6" past the planned snapshots. */
static void
add_which(struct lc_buf *out, const struct lc_progress *ev)
{
  if (ev->k >= ev->planned)
    lc_buf_addf(out, "confirmation %u/%u", ev->k + 1 - ev->planned,
                ev->confirm_max);
  else
    lc_buf_addf(out, "snapshot %u/%u", ev->k + 1, ev->planned);
}

static void
draw_live(struct lc_cli_progress *p, const struct lc_progress *ev, double now,
          int final)
{
  static const char *const phase[] = {"program working", "V8 writing",
                                      "leakcheck reading", "read"};
  struct lc_buf line = LC_BUF_INIT;
  lc_buf_addstr(&line, "\r\033[K  ");
  add_name(&line, p->name);
  if (final) {
    lc_buf_addf(&line, "  %u/%u snapshots taken", ev->planned, ev->planned);
    if (ev->total > ev->planned)
      lc_buf_addf(&line, " + %u to confirm", ev->total - ev->planned);
  } else {
    lc_buf_addstr(&line, "  ");
    add_which(&line, ev);
    lc_buf_addf(&line, "  %s", p->color ? "\033[2m" : "");
    lc_buf_addstr(&line, phase[ev->phase]);
    if (p->color)
      lc_buf_addstr(&line, "\033[0m");
  }
  if (p->bytes) {
    lc_buf_addstr(&line, "  ");
    add_size(&line, p->bytes);
  }
  lc_buf_addf(&line, "  %.1f s", now - p->t0);
  if (final)
    lc_buf_addch(&line, '\n');
  fwrite(line.buf, 1, line.len, stderr);
  fflush(stderr);
  p->open = !final;
  lc_buf_release(&line);
}

void
lc_cli_progress_event(void *ctx, const struct lc_progress *ev)
{
  struct lc_cli_progress *p = ctx;
  double now = now_seconds();
  int changed = !p->have_phase || ev->phase != p->phase || ev->k != p->k;

  if (p->mode == LC_CLI_PROGRESS_OFF)
    return;
  if (changed) {
    switch (ev->phase) {
    case LC_PROGRESS_WORKING:
      p->bytes = 0;
      break;
    case LC_PROGRESS_WRITING:
      p->write_t0 = now;
      p->write_s = -1;
      p->bytes = 0;
      break;
    case LC_PROGRESS_READING:
      p->write_s =
          p->have_phase && p->phase == LC_PROGRESS_WRITING && p->k == ev->k
              ? now - p->write_t0
              : -1;
      p->read_t0 = now;
      break;
    default:
      break;
    }
  }
  if (ev->path)
    p->bytes = file_size(ev->path);
  p->phase = ev->phase;
  p->k = ev->k;
  p->have_phase = 1;

  if (p->mode == LC_CLI_PROGRESS_LIVE) {
    draw_live(p, ev, now,
              ev->phase == LC_PROGRESS_READ && ev->k + 1 == ev->total);
    return;
  }
  if (ev->phase == LC_PROGRESS_READ && changed) {
    struct lc_buf line = LC_BUF_INIT;
    add_which(&line, ev);
    lc_buf_addstr(&line, ": ");
    add_size(&line, p->bytes);
    if (p->write_s >= 0)
      lc_buf_addf(&line, " written in %.1f s,", p->write_s);
    lc_buf_addf(&line, " read in %.1f s\n", now - p->read_t0);
    fwrite(line.buf, 1, line.len, stderr);
    fflush(stderr);
    lc_buf_release(&line);
  }
}

void
lc_cli_progress_end(struct lc_cli_progress *p)
{
  if (p->open) {
    fputc('\n', stderr);
    fflush(stderr);
  }
  p->open = 0;
}
