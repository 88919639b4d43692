/*
 * LEAKCHECK_TRACE: see trace.h.
 */
#include "base/trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/banned.h"

/* VmRSS and VmHWM from /proc/self/status, in KiB (0 where unknown). */
static void
read_rss(unsigned long *rss, unsigned long *peak)
{
  char line[256];
  FILE *f = fopen("/proc/self/status", "re");
  *rss = *peak = 0;
  if (!f)
    return;
  while (fgets(line, sizeof(line), f)) {
    if (strncmp(line, "VmRSS:", 6) == 0)
      *rss = strtoul(line + 6, NULL, 10);
    else if (strncmp(line, "VmHWM:", 6) == 0)
      *peak = strtoul(line + 6, NULL, 10);
  }
  fclose(f);
}

void
lc_trace(const char *phase)
{
  static int enabled = -1;
  static struct timespec t0;
  struct timespec t;
  unsigned long rss, peak;
  if (enabled < 0) {
    const char *v = getenv("LEAKCHECK_TRACE");
    enabled = v && *v && strcmp(v, "0") != 0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
  }
  if (!enabled)
    return;
  clock_gettime(CLOCK_MONOTONIC, &t);
  read_rss(&rss, &peak);
  fprintf(
      stderr, "leakcheck: trace: %-22s %8.3f s  rss %6lu MiB  peak %6lu MiB\n",
      phase,
      (double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) / 1e9,
      rss / 1024, peak / 1024);
}
