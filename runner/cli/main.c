/*
 * leakcheck's command line: argv → the command → exit code.
 *
 * Exit codes: 0 every assertion held; 1 an assertion failed (a leak);
 * 2 usage, configuration or input error; 3 the program under test broke
 * (crashed, exited early, timed out); 130 interrupted.
 */
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "leakcheck/version.h"

#include "base/banned.h"

const char lc_usage_text[] =
    "usage: leakcheck [run] [-c FILE] [--check NAME]... [--junit FILE]\n"
    "                 [--keep-snapshots=never|failed|always]\n"
    "                 [--snapshot-dir DIR] [--no-color] [--shard I/N]\n"
    "                 [--junit-profile=default|jenkins] [--no-junit]\n"
    "                 [--brief] [--html FILE] [--json FILE]\n"
    "                 [--baseline FILE | --update-baseline FILE]\n"
    "                 [--strict] [--today YYYY-MM-DD]\n"
    "       leakcheck run SCRIPT          (no leakcheck.yml: one check, "
    "defaults)\n"
    "       leakcheck init [SCRIPT]\n"
    "       leakcheck summary FILE [--top N] [--json]\n"
    "       leakcheck diff BASE FILE [--top N] [--json] [--by-identity]\n"
    "       leakcheck analyze [-c FILE] --check NAME FILE|DIR...\n"
    "       leakcheck --help | --version\n"
    "\n"
    "Runs the checks of leakcheck.yml: starts each Node program, takes heap\n"
    "snapshots while it works, and fails when a constructor grows beyond\n"
    "the assertions.  Writes JUnit XML (default leakcheck-junit.xml).\n"
    "\n"
    "  -c, --config FILE      configuration (default ./leakcheck.yml)\n"
    "      --check NAME       run only this check (repeatable)\n"
    "      --junit FILE       JUnit XML output path\n"
    "      --keep-snapshots=P keep snapshot files: never (default), failed,\n"
    "                         always\n"
    "      --snapshot-dir DIR where kept snapshots go (default\n"
    "                         leakcheck-snapshots)\n"
    "      --no-color         no ANSI colours (also NO_COLOR=1)\n"
    "      --shard I/N        run only shard I of N (1 <= I <= N); a check's\n"
    "                         shard depends on its name only\n"
    "      --junit-profile=P  default, or jenkins: the xUnit plugin's schema\n"
    "                         (no file/line on testcases)\n"
    "      --no-junit         write no JUnit file\n"
    "      --brief            a short verdict (for pre-commit hooks)\n"
    "      --html FILE        also write a self-contained HTML report with\n"
    "                         charts (or `html:` in leakcheck.yml)\n"
    "      --json FILE        also write a JSON report: findings, leaks,\n"
    "                         allocation sites, retainer paths, series\n"
    "      --baseline FILE    fail only on growth new or worse than FILE's\n"
    "                         (also `baseline:` in leakcheck.yml)\n"
    "      --update-baseline FILE  write what each check measured to FILE\n"
    "      --strict           an allowance that matched nothing fails\n"
    "      --today DATE       the day `until:` dates are judged on (also\n"
    "                         LEAKCHECK_TODAY; default: today)\n"
    "\n"
    "  On GitHub Actions (GITHUB_ACTIONS=true) each failed assertion is\n"
    "  annotated at its line of leakcheck.yml and the program's output is\n"
    "  fenced from workflow commands; with GITHUB_STEP_SUMMARY set, a\n"
    "  Markdown report is appended to that file.\n"
    "\n"
    "  summary FILE           print the DevTools Summary view of a snapshot\n"
    "      --top N            only the N largest rows (default 30; 0 = all)\n"
    "      --json             print JSON instead of a table\n"
    "\n"
    "  diff BASE FILE         print the DevTools Comparison view: objects new\n"
    "                         in FILE and deleted since BASE, by node id\n"
    "\n"
    "  init [SCRIPT]          write a commented leakcheck.yml for SCRIPT\n"
    "                         (default: package.json's main or start)\n"
    "\n"
    "  analyze --check NAME FILE|DIR...\n"
    "                         apply the check's warmup and assertions to\n"
    "                         snapshot files that exist (a directory: its\n"
    "                         *.heapsnapshot files), ordered by when they\n"
    "                         were taken; same reports and exit codes as run\n"
    "\n"
    "Exit status: 0 all assertions held, 1 a leak was found, 2 usage,\n"
    "configuration or input error, 3 the program under test broke.\n";

static const struct lc_command commands[] = {
    {"run", lc_cmd_run},         {"analyze", lc_cmd_analyze},
    {"summary", lc_cmd_summary}, {"diff", lc_cmd_diff},
    {"init", lc_cmd_init},
};

/* Blocks of 1 MiB and more (the per-node and per-edge columns) get
 * mappings of their own, given back to the system when freed.  Else glibc
 * raises its mmap threshold after the first large free and serves the next
 * snapshot's columns from its heap (diff's second file, a run's next
 * snapshot), where a calloc clears (touches) every page, a growing array
 * is copied rather than remapped, and freed blocks stay resident. */
static void
own_mappings(void)
{
#if defined(__GLIBC__) && defined(M_MMAP_THRESHOLD)
  (void)mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
}

int
main(int argc, char **argv)
{
  size_t i;
  own_mappings();
  if (argc >= 2 &&
      (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
       strcmp(argv[1], "help") == 0)) {
    fputs(lc_usage_text, stdout);
    return EXIT_PASS;
  }
  if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
    printf("leakcheck %s\n", LEAKCHECK_VERSION);
    return EXIT_PASS;
  }
  if (argc < 2 || argv[1][0] == '-')
    return lc_cmd_run(argc, argv); /* `leakcheck [options]` is `run` */
  for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
    if (strcmp(argv[1], commands[i].name) == 0)
      return commands[i].run(argc - 1, argv + 1);
  return lc_cli_usage_error("unknown command '%s'; expected run, summary, "
                            "diff, analyze or init",
                            argv[1]);
}
