// Reproducer: iamkun/dayjs#1214 "feat: avoid install installed plugin"
// (the reports: iamkun/dayjs#1244 and #1250, "Maximum call stack size
// exceeded" after some time; iamkun/dayjs#880).  The report: a
// server-side renderer that calls dayjs.extend(plugin) for every request
// installs the plugin again each time; a plugin such as advancedFormat
// replaces Dayjs.prototype.format with a wrapper that calls the previous
// one, so every request adds a wrapper that keeps the previous wrapper
// alive ("very dangerous for SSR because leaking of memory").  Released in
// 1.9.7: extend() installs a plugin once.  Written from that description:
// every 50 ms the renderer serves 50 requests; each extends dayjs with
// advancedFormat (as a per-request setup would) and computes a due date
// (without formatting it, so the growing chain of wrappers is never called
// and the program does not overflow its stack).  dayjs 1.9.6 leaks one
// wrapper per request; 1.9.7 is fixed.
'use strict';
const dayjs = require('dayjs');
const advancedFormat = require('dayjs/plugin/advancedFormat');

function renderInvoice(n) {
  dayjs.extend(advancedFormat);
  return dayjs(1700000000000 + n * 1000).add(30, 'day').toISOString();
}

let n = 0;
setInterval(() => {
  for (let i = 0; i < 50; i++) renderInvoice(n++);
}, 50);
