/*
 * The one main of the Check suites: each suite file defines
 * lc_test_suite() and is linked with this file.  srunner_run_all honours
 * Check's environment: CK_RUN_SUITE and CK_RUN_CASE select what runs,
 * CK_INCLUDE_TAGS/CK_EXCLUDE_TAGS filter by tag, CK_FORK=no runs in one
 * process (for a debugger), CK_VERBOSITY sets the output (CK_NORMAL when
 * unset), CK_DEFAULT_TIMEOUT and CK_TIMEOUT_MULTIPLIER scale the timeouts,
 * CK_XML_LOG_FILE_NAME and CK_TAP_LOG_FILE_NAME write logs.
 */
#include <check.h>
#include <stdlib.h>

#include "testutil.h"

int
main(void)
{
  SRunner *sr = srunner_create(lc_test_suite());
  int failed;
  srunner_run_all(sr, CK_ENV);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
