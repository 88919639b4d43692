# Memory statistics of a leakcheck JUnit file.  Sourced by
# specs/native/stress.sh and specs/e2e/test_native.sh; needs awk.
#
# native_memstats JUNIT
#   prints one tab-separated line per check (testsuite) with memory
#   series (the memory.* properties leakcheck writes):
#     check  rss_growth  rss_min_step  rss_slope  ext_growth  ext_min_step
#     ext_slope  nsamples  confirm
#   over the measured window: the snapshots after the warm-up ones up to
#   the planned last (the "warmup" and "snapshots" properties), without
#   the confirmation snapshots (confirm: how many were taken).  growth:
#   last - first, bytes; min_step: the smallest rise between two
#   consecutive samples (negative when the value fell); slope: the
#   least-squares slope per interval, the default rule's trend.  "-" when
#   the series is absent.
native_memstats() {
  awk '
    function stats(v, w, p,    n, a, i, m, k, mx, my, sxy, sxx) {
      n = split(v, a, " ")
      if (p > 0 && p < n) n = p
      if (n < w + 2) return "-\t-\t-"
      m = a[w + 2] - a[w + 1]
      for (i = w + 2; i <= n; i++) if (a[i] - a[i - 1] < m) m = a[i] - a[i - 1]
      k = n - w; mx = (k - 1) / 2; my = 0; sxy = 0; sxx = 0
      for (i = w + 1; i <= n; i++) my += a[i]
      my /= k
      for (i = w + 1; i <= n; i++) { sxy += (i - w - 1 - mx) * (a[i] - my); sxx += (i - w - 1 - mx) ^ 2 }
      return (a[n] - a[w + 1]) "\t" m "\t" int(sxy / sxx)
    }
    function flush() {
      if (name == "") return
      printf "%s\t%s\t%s\t%d\t%d\n", name, stats(rss, warm, planned), stats(ext, warm, planned), nrss, conf
      name = ""
    }
    /<testsuite / { flush(); match($0, /name="[^"]*"/); name = substr($0, RSTART + 6, RLENGTH - 7); rss = ""; ext = ""; warm = 0; planned = 0; nrss = 0; conf = 0 }
    /<property name="warmup"/ { match($0, /value="[0-9]*"/); warm = substr($0, RSTART + 7, RLENGTH - 8) + 0 }
    /<property name="snapshots"/ { match($0, /value="[0-9]*"/); planned = substr($0, RSTART + 7, RLENGTH - 8) + 0 }
    /<property name="confirmation_snapshots"/ { match($0, /value="[0-9]*"/); conf = substr($0, RSTART + 7, RLENGTH - 8) + 0 }
    /<property name="memory.rss"/ { match($0, /value="[0-9 ]*"/); rss = substr($0, RSTART + 7, RLENGTH - 8); nrss = split(rss, t, " ") }
    /<property name="memory.external"/ { match($0, /value="[0-9 ]*"/); ext = substr($0, RSTART + 7, RLENGTH - 8) }
    END { flush() }
  ' "$1"
}
