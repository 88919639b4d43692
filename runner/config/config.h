/*
 * leakcheck.yml (v1) → struct lc_config.  See README.md for the reference.
 *
 * Every key and value keeps the 1-based line:column where it was written,
 * so that validation errors and failed assertions can point at the source.
 * No libyaml type leaves config.c.
 */
#ifndef LEAKCHECK_CONFIG_H
#define LEAKCHECK_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "config/pattern.h"
#include "leakcheck/err.h"

struct lc_mark {
  unsigned long line; /* 1-based */
  unsigned long col;  /* 1-based */
};

/* How the program is driven between snapshots (`drive:` in leakcheck.yml;
 * exactly one mode per check). */
enum lc_drive_kind {
  LC_DRIVE_EVERY, /* the program runs by itself; a snapshot every every_ms */
  LC_DRIVE_CALL,  /* the script is a module: `call_times` calls of its export
                     `call` before each snapshot */
  LC_DRIVE_HTTP,  /* the script is a server: `http.requests` requests before
                     each snapshot, sent by leakcheck over loopback */
  LC_DRIVE_SIGNAL /* the program dumps its own heap on `signo`; one signal
                     every every_ms */
};

/* `drive: { http: PATH, ... }`. */
struct lc_http_drive {
  char *target; /* path and query, always starting with '/' */
  char *method; /* "GET", "POST", "PUT", "PATCH" or "DELETE" */
  char *body;   /* request body, or NULL */
  size_t body_len;
  char **headers; /* NULL-terminated "Name: value" strings, owned */
  size_t nheaders;
  unsigned requests;         /* between two snapshots, >= 1 */
  unsigned concurrency;      /* requests in flight at once; default 1 */
  unsigned port;             /* 1..65535, or 0 for `port: auto` (the default):
                                read from the program's stdout */
  uint64_t ready_timeout_ms; /* how long the server may take to accept
                                connections; default 10s */
  uint64_t max_failed;       /* failed requests tolerated over the whole
                                check; default 0 */
  struct lc_mark mark;       /* the `http:` value */
  struct lc_mark port_mark;  /* `port:`'s value, else the `http:` value */
};

/* What a memory assertion (`memory:`) measures: a value sampled at every
 * snapshot (process.memoryUsage() after the snapshot's GC, and the RSS of
 * the program's process tree read from /proc). */
enum lc_mem_kind {
  LC_MEM_NONE = 0,      /* not a memory assertion */
  LC_MEM_RSS,           /* `rss`: the program's resident set */
  LC_MEM_HEAP_USED,     /* `heap_used` */
  LC_MEM_HEAP_TOTAL,    /* `heap_total` */
  LC_MEM_EXTERNAL,      /* `external`: memory of C++ objects bound to JS
                           objects, ArrayBuffer backing stores included */
  LC_MEM_ARRAY_BUFFERS, /* `array_buffers`: ArrayBuffer/Buffer backing
                           stores */
  LC_MEM_TREE_RSS       /* `process_tree_rss`: the program and all its
                           descendants */
};
#define LC_MEM_KINDS 7 /* LC_MEM_NONE .. LC_MEM_TREE_RSS */

/* The `memory:` value of `kind` ("rss", "heap_used", …); "" for
 * LC_MEM_NONE. */
const char *lc_mem_kind_key(enum lc_mem_kind kind);

struct lc_assert {
  struct lc_mark mark; /* the assertion's list item ("- constructor: …") */
  int is_total;        /* `total: true`: all measured rows summed */
  enum lc_mem_kind memory; /* `memory: KIND`: judges the sampled value
                              (bytes); only max_growth_bytes, max_bytes and
                              steady_growth apply */
  struct lc_pattern ctor;  /* valid when !is_total and !memory */
  int has_max_growth;
  int64_t max_growth; /* objects, first → last measured snapshot */
  struct lc_mark max_growth_mark;
  int has_max_growth_bytes;
  int64_t max_growth_bytes; /* bytes of self size, first → last */
  struct lc_mark max_growth_bytes_mark;
  int has_max_count;
  int64_t max_count; /* objects at the last snapshot */
  struct lc_mark max_count_mark;
  int has_max_bytes;
  int64_t max_bytes; /* bytes at the last snapshot */
  struct lc_mark max_bytes_mark;
  int steady_growth_forbid; /* `steady_growth: forbid` */
  struct lc_mark steady_growth_mark;
  int is_default; /* synthesised because the check had no `assert` */
  char *label;    /* owned: readable one-line form, e.g.
                     "Function: max_growth 0" or "total: max_growth_bytes 2MB";
                     unique within a check */
};

/* An allowance (`allow:` list item): growth that is known and accepted,
 * with a reason, until a date, up to a cap. */
struct lc_allow {
  struct lc_mark mark;    /* the list item ("- constructor: …") */
  struct lc_pattern ctor; /* matched against class names, as assertions */
  char *reason;           /* owned, required, not empty */
  int has_until;
  int until;           /* YYYYMMDD; accepted through that day */
  char until_text[11]; /* "YYYY-MM-DD" */
  struct lc_mark until_mark;
  int has_max_growth;
  int64_t max_growth; /* objects: a finding growing more is not accepted */
};
#define LC_CONFIRM_SNAPSHOTS 6
#define LC_CONFIRM_TIMEOUT_MS 20000
/* The confirmation's wall time is bounded at this many times its budget
 * (confirm_timeout_ms counts the program's own run time only). */
#define LC_CONFIRM_WALL 2

struct lc_check {
  struct lc_mark mark;        /* the check's list item */
  char *name;                 /* unique within the config */
  char *script;               /* as written */
  char *script_path;          /* resolved against the config file's directory */
  struct lc_mark script_mark; /* where `script:`'s value was written */
  char **args;                /* NULL-terminated, owned */
  size_t nargs;
  char **node_args; /* NULL-terminated, owned */
  size_t nnode_args;
  char **env; /* NULL-terminated "KEY=VALUE" strings, owned */
  size_t nenv;
  char *node; /* `node:` executable, or NULL (LEAKCHECK_NODE, then PATH) */
  char *cwd;  /* working directory of the program: the config's dir */
  uint64_t timeout_ms; /* whole check; default 60s */
  enum lc_drive_kind drive;
  struct lc_mark drive_mark; /* the `drive:` value, else the check */
  uint64_t every_ms;         /* drive.every (modes every and signal); default
                                500ms */
  char *call;          /* LC_DRIVE_CALL: the export to call ("default": the
                          module itself or its default export) */
  char *call_setup;    /* an export run once before the first call, or NULL:
                          then `setup` runs when the module exports it */
  unsigned call_times; /* calls between two snapshots, >= 1 */
  struct lc_mark call_mark;   /* the `call:` value */
  struct lc_http_drive http;  /* LC_DRIVE_HTTP */
  int signo;                  /* LC_DRIVE_SIGNAL: the signal number */
  struct lc_mark signal_mark; /* the `signal:` value */
  unsigned snapshots;         /* total, >= 2; default 5 */
  unsigned warmup;            /* leading snapshots not measured; snapshots -
                                 warmup >= 2; default 1 */
  /* Confirmation (`confirm:`): when the measured window shows a suspect,
   * up to confirm_snapshots more snapshots are taken, while the program's
   * run time in them fits confirm_timeout_ms (snapshot pauses not counted;
   * the wall time within LC_CONFIRM_WALL times it), before the verdict.
   * confirm_snapshots 0 turns it off (`confirm: false`).  Defaults
   * LC_CONFIRM_SNAPSHOTS and LC_CONFIRM_TIMEOUT_MS. */
  unsigned confirm_snapshots;
  uint64_t confirm_timeout_ms;
  struct lc_mark confirm_mark; /* the `confirm:` value, else the check */
  struct lc_pattern *ignore;   /* rows never measured */
  size_t nignore;
  struct lc_assert *asserts;
  size_t nasserts;
  struct lc_allow *allows; /* `allow:`, in file order */
  size_t nallows;
};

struct lc_config {
  char *path;     /* as given to lc_config_load */
  char *dir;      /* its directory ("." when none) */
  char *junit;    /* top-level `junit:` output path, resolved against dir, or
                     NULL */
  char *html;     /* top-level `html:` report path, resolved likewise, or
                     NULL (no HTML report unless --html) */
  char *baseline; /* top-level `baseline:` path, resolved against dir, or
                     NULL */
  struct lc_check *checks;
  size_t nchecks;
};

#define LC_CONFIG_INIT                                                         \
  {                                                                            \
    0                                                                          \
  }

/* The largest configuration file read, in bytes.  A config of a hundred
 * checks is some 20 KB; 1 MiB leaves room for any real one while bounding
 * what libyaml's tree of the file can take (tens of MB at most) and the
 * time spent on it, whatever the file is. */
#define LC_CONFIG_MAX ((size_t)1 << 20)

/* Reads and validates the file at `path` into `cfg` (which must be
 * initialised).  Returns 0, or -1 with `err` filled (LC_ECONFIG with
 * path:line:col for invalid content, LC_EINPUT when unreadable, not a
 * regular file or larger than LC_CONFIG_MAX) and `cfg` released.  The file
 * is opened without blocking (a FIFO is refused, never waited on) and its
 * type checked on the open descriptor; a symbolic link the user names is
 * followed, as the path is the user's own choice.  At most LC_CONFIG_MAX + 1
 * bytes are read, so a file that grows while it is read is refused too. */
int lc_config_load(struct lc_config *cfg, const char *path, struct lc_err *err);

/* Same, from memory; `path` names the source in messages and resolves
 * relative script paths. */
int lc_config_parse(struct lc_config *cfg, const char *path, const char *text,
                    size_t len, struct lc_err *err);

/* Frees everything `cfg` owns and re-initialises it. */
void lc_config_release(struct lc_config *cfg);

/* Finds a check by name; NULL when absent. */
const struct lc_check *lc_config_find(const struct lc_config *cfg,
                                      const char *name);

/* Units.  "2MB" → 2097152 (B, KB, MB, GB, 1024-based, a bare number is
 * bytes); "500ms" → 500, "2s" → 2000, "1m" → 60000 (a bare number is
 * rejected).  Whole numbers only, optional space before the unit.  Return 0,
 * or -1 on bad syntax or overflow. */
int lc_parse_size(const char *s, uint64_t *out);
int lc_parse_duration_ms(const char *s, uint64_t *out);

/* A calendar date "YYYY-MM-DD" (a real day, years 1970-9999) → YYYYMMDD.
 * Returns 0, or -1. */
int lc_parse_date(const char *s, int *out);

#endif
