/*
 * `leakcheck init [SCRIPT]`: writes a commented leakcheck.yml with one
 * check of SCRIPT (else package.json's `main`, else the script its
 * `start` runs with node).  Never overwrites a file.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define JSMN_STATIC
#include <jsmn.h>

#include "base/jsonstr.h"
#include "cli/cli.h"
#include "leakcheck/buf.h"

#include "base/banned.h"

#define MAX_PACKAGE_JSON (4 * 1024 * 1024)

/* A check name from the script's file name: "src/app.js" -> "app". */
static void
add_check_name(struct lc_buf *b, const char *script)
{
  const char *base = strrchr(script, '/'), *dot;
  size_t start = b->len, i, n;
  base = base ? base + 1 : script;
  dot = strrchr(base, '.');
  n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
  for (i = 0; i < n && i < 60; i++) {
    char ch = base[i];
    int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
             (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
    lc_buf_addch(b, ok ? ch : '-');
  }
  if (b->len == start)
    lc_buf_addstr(b, "app");
}

/* A YAML double-quoted scalar. */
static void
add_yaml_string(struct lc_buf *b, const char *s)
{
  lc_buf_add_json_string(b, s);
}

void
lc_init_yml(struct lc_buf *b, const char *script)
{
  lc_buf_addstr(
      b,
      "# leakcheck.yml: memory-leak checks (leakcheck --help; README).\n"
      "# `leakcheck` runs every check: exit 0 pass, 1 leak, 2 configuration\n"
      "# error, 3 the program broke.\n"
      "version: 1\n"
      "# junit: reports/leakcheck.xml   # JUnit output (default "
      "leakcheck-junit.xml)\n"
      "# baseline: leakcheck-baseline.json  # known growth: write it with\n"
      "#                                    # leakcheck --update-baseline "
      "FILE\n"
      "checks:\n"
      "  - name: ");
  add_check_name(b, script);
  lc_buf_addstr(b, "                  # unique; the JUnit testsuite name\n"
                   "    script: ");
  add_yaml_string(b, script);
  lc_buf_addstr(
      b, "   # relative to this file; the program runs in this directory\n"
         "    timeout: 60s               # the whole check\n"
         "    drive: { every: 500ms }    # a snapshot every 500ms while the "
         "program runs;\n"
         "                               # or { call: EXPORT, times: 50 }, "
         "{ http: /path, requests: 40 }\n"
         "    snapshots: 5               # in total, >= 2\n"
         "    warmup: 1                  # leading snapshots not measured\n"
         "    # Without `assert`, every constructor is checked for steady "
         "growth.\n"
         "    # assert:\n"
         "    #   - constructor: Session   # a name, a glob (Leak*) or a "
         "/regex/\n"
         "    #     max_growth: 0          # objects, first -> last measured "
         "snapshot\n"
         "    # Known growth you accept for now, with a reason:\n"
         "    # allow:\n"
         "    #   - constructor: Session\n"
         "    #     reason: \"sessions expire only at logout\"   # required\n"
         "    #     until: 2027-03-01      # optional; afterwards the check "
         "fails\n"
         "    #     max_growth: 500        # optional cap\n");
}

static int
tok_eq(const char *js, const jsmntok_t *t, const char *s)
{
  size_t n = strlen(s);
  return t->type == JSMN_STRING && (size_t)(t->end - t->start) == n &&
         !memcmp(js + t->start, s, n);
}

/* A JSON string token decoded; NULL for a bad escape. */
static char *
tok_text(const char *js, const jsmntok_t *t)
{
  size_t len = (size_t)(t->end - t->start), bad, n;
  char *o = lc_xmalloc(len + 1);
  n = lc_json_unescape(js + t->start, len, o, &bad);
  if (n == (size_t)-1) {
    free(o);
    return NULL;
  }
  o[n] = '\0';
  return o;
}

static int
skip_tok(const jsmntok_t *t, int n, int i)
{
  int end = t[i].end;
  for (i++; i < n && t[i].start < end; i++)
    ;
  return i;
}

/* The script of a `start` command: "node [--opts] FILE ..." -> FILE. */
static char *
start_script(const char *cmd)
{
  const char *p = cmd, *w;
  size_t len;
  int after_node = 0;
  while (*p) {
    while (*p == ' ' || *p == '\t')
      p++;
    w = p;
    while (*p && *p != ' ' && *p != '\t')
      p++;
    len = (size_t)(p - w);
    if (!len)
      break;
    if (!after_node) {
      if ((len == 4 && !memcmp(w, "node", 4)) ||
          (len > 5 && !memcmp(w + len - 5, "/node", 5)))
        after_node = 1;
      else if (memchr(w, '=', len))
        continue; /* NODE_ENV=production node app.js */
      else
        return NULL;
      continue;
    }
    if (*w != '-')
      return lc_xstrndup(w, len);
  }
  return NULL;
}

/* package.json's main, else the script its start command runs.  Returns
 * a fresh string, or NULL after printing why. */
static char *
package_script(void)
{
  struct lc_err err = LC_ERR_INIT;
  struct lc_buf text = LC_BUF_INIT;
  jsmn_parser jp;
  jsmntok_t *t = NULL;
  char *main = NULL, *start = NULL, *out = NULL;
  int n, i, k;
  FILE *f = fopen("package.json", "re");
  if (!f) {
    fprintf(stderr,
            "leakcheck: init: no SCRIPT given and no package.json here: %s; "
            "run `leakcheck init SCRIPT`\n",
            strerror(errno));
    return NULL;
  }
  for (;;) {
    char chunk[8192];
    size_t r = fread(chunk, 1, sizeof(chunk), f);
    lc_buf_add(&text, chunk, r);
    if (r < sizeof(chunk) || text.len > MAX_PACKAGE_JSON)
      break;
  }
  fclose(f);
  jsmn_init(&jp);
  n = jsmn_parse(&jp, text.buf ? text.buf : "", text.len, NULL, 0);
  if (n < 1) {
    lc_err_set_at(&err, LC_EINPUT, "package.json", jp.pos,
                  "invalid JSON; expected a package.json object");
    lc_cli_print_err(&err);
    goto done;
  }
  t = lc_xcalloc((size_t)n, sizeof(*t));
  jsmn_init(&jp);
  if (jsmn_parse(&jp, text.buf, text.len, t, (unsigned)n) < 0) {
    lc_err_set_at(&err, LC_EINPUT, "package.json", jp.pos,
                  "the JSON ends too early");
    lc_cli_print_err(&err);
    goto done;
  }
  if (t[0].type != JSMN_OBJECT) {
    lc_err_set_at(&err, LC_EINPUT, "package.json",
                  (unsigned long long)t[0].start, "expected an object");
    lc_cli_print_err(&err);
    goto done;
  }
  i = 1;
  for (k = 0; k < t[0].size && i + 1 < n; k++) {
    if (tok_eq(text.buf, &t[i], "main") && t[i + 1].type == JSMN_STRING) {
      free(main);
      main = tok_text(text.buf, &t[i + 1]);
    } else if (tok_eq(text.buf, &t[i], "scripts") &&
               t[i + 1].type == JSMN_OBJECT) {
      int j = i + 2, m;
      for (m = 0; m < t[i + 1].size && j + 1 < n; m++) {
        if (tok_eq(text.buf, &t[j], "start") && t[j + 1].type == JSMN_STRING) {
          free(start);
          start = tok_text(text.buf, &t[j + 1]);
        }
        j = skip_tok(t, n, j + 1);
      }
    }
    i = skip_tok(t, n, i + 1);
  }
  if (main) {
    out = main;
    main = NULL;
  } else if (start && (out = start_script(start)) != NULL) {
  } else if (start) {
    fprintf(stderr,
            "leakcheck: init: package.json's start script '%s' does not run "
            "node FILE; run `leakcheck init SCRIPT`\n",
            start);
  } else {
    fprintf(stderr, "leakcheck: init: package.json has neither 'main' nor a "
                    "'start' script; run `leakcheck init SCRIPT`\n");
  }
done:
  lc_err_release(&err);
  free(main);
  free(start);
  free(t);
  lc_buf_release(&text);
  return out;
}

int
lc_cmd_init(int argc, char **argv)
{
  static const struct option opts[] = {{"config", required_argument, 0, 'c'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
  const char *path = "leakcheck.yml";
  char *script;
  struct lc_buf yml = LC_BUF_INIT;
  struct lc_err err = LC_ERR_INIT;
  size_t off = 0;
  int c, fd, code = EXIT_PASS;

  optind = 1;
  while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
    switch (c) {
    case 'c':
      path = optarg;
      break;
    case 'h':
      fputs(lc_usage_text, stdout);
      return EXIT_PASS;
    default:
      return lc_cli_usage_error("%s", "bad option for 'init'");
    }
  }
  if (argc - optind > 1)
    return lc_cli_usage_error("%s", "'init' expects at most one SCRIPT");
  script = optind < argc ? lc_xstrdup(argv[optind]) : package_script();
  if (!script)
    return EXIT_USAGE;
  if (access(script, R_OK) != 0) {
    lc_err_errno(&err, errno, script, "cannot read the script");
    lc_cli_print_err(&err);
    lc_err_release(&err);
    free(script);
    return EXIT_USAGE;
  }
  lc_init_yml(&yml, script);
  fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) {
    if (errno == EEXIST)
      fprintf(stderr,
              "leakcheck: init: %s exists already; not overwriting "
              "it\n",
              path);
    else
      fprintf(stderr, "leakcheck: init: cannot create %s: %s\n", path,
              strerror(errno));
    code = EXIT_USAGE;
    goto out;
  }
  while (off < yml.len) {
    ssize_t w = write(fd, yml.buf + off, yml.len - off);
    if (w < 0 && errno == EINTR)
      continue;
    if (w < 0) {
      fprintf(stderr, "leakcheck: init: cannot write %s: %s\n", path,
              strerror(errno));
      code = EXIT_USAGE;
      break;
    }
    off += (size_t)w;
  }
  if (close(fd) < 0 && code == EXIT_PASS) {
    fprintf(stderr, "leakcheck: init: cannot write %s: %s\n", path,
            strerror(errno));
    code = EXIT_USAGE;
  }
  if (code != EXIT_PASS)
    unlink(path); /* ours: created above with O_EXCL */
  else
    printf("wrote %s with a check of %s; run it with `leakcheck`\n", path,
           script);
out:
  lc_buf_release(&yml);
  free(script);
  return code;
}
