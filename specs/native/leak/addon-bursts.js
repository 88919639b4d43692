// Native leak in bursts: on two calls of every three the N-API addon
// (specs/native/addon/nativeleak.c) mallocs 6 MB and never frees it; the
// third call leaks nothing.  Driven with `call: tick, times: 1`, one call
// per interval, so RSS rises by 6 MB in two intervals of three and stays
// flat (or dips a little) in the third: it never rises in every interval
// of a 3-interval window.  The default rule sees its least-squares trend
// (about 4 MB an interval) and the confirmation sees it go on.
'use strict';
const addon = require(process.env.LEAKCHECK_NATIVE_ADDON);
let calls = 0;
exports.tick = () => {
  calls++;
  if (calls % 3 !== 0)
    addon.leak(6 * 1024 * 1024);
};
