# Memory statistics of a leakcheck JUnit file.  Sourced by
# specs/native/stress.sh and specs/e2e/test_native.sh; needs awk.
#
# native_memstats JUNIT
#   prints one tab-separated line per check (testsuite) with memory
#   series (the memory.* properties leakcheck writes):
#     check  rss_growth  rss_min_step  ext_growth  ext_min_step  nsamples
#   growth: last - first measured sample (warm-up ones skipped, from the
#   "warmup" property), bytes; min_step: the smallest rise between two
#   consecutive measured samples (negative when the value fell).  "-" when
#   the series is absent.
native_memstats() {
  awk '
    function stats(v, w,    n, a, i, m) {
      n = split(v, a, " ")
      if (n < w + 2) return "-\t-"
      m = a[w + 2] - a[w + 1]
      for (i = w + 2; i <= n; i++) if (a[i] - a[i - 1] < m) m = a[i] - a[i - 1]
      return (a[n] - a[w + 1]) "\t" m
    }
    function flush() {
      if (name == "") return
      printf "%s\t%s\t%s\t%d\n", name, stats(rss, warm), stats(ext, warm), nrss
      name = ""
    }
    /<testsuite / { flush(); match($0, /name="[^"]*"/); name = substr($0, RSTART + 6, RLENGTH - 7); rss = ""; ext = ""; warm = 0; nrss = 0 }
    /<property name="warmup"/ { match($0, /value="[0-9]*"/); warm = substr($0, RSTART + 7, RLENGTH - 8) + 0 }
    /<property name="memory.rss"/ { match($0, /value="[0-9 ]*"/); rss = substr($0, RSTART + 7, RLENGTH - 8); nrss = split(rss, t, " ") }
    /<property name="memory.external"/ { match($0, /value="[0-9 ]*"/); ext = substr($0, RSTART + 7, RLENGTH - 8) }
    END { flush() }
  ' "$1"
}
