// CLEAN: an idle program: one timer that does nothing (a daemon waiting for
// work).  The baseline: any growth here is V8's or Node's own.
// Leaking constructor: none.
'use strict';

setInterval(() => {}, 1000);
