// Native leak in bursts: on two calls of every three the N-API addon
// (specs/native/addon/nativeleak.c) mallocs 8 MB and never frees it; the
// second of them also maps 8 MB more that the third call unmaps.  Driven
// with `call: tick, times: 1`, one call per interval, RSS goes +8 MB,
// +16 MB, -8 MB: it never rises in every interval of a 3-interval window,
// whatever the phase, and the fall is larger than the few megabytes a
// snapshot's own pages add or take back (an interval meant to stay flat
// once rose by +2 MB that way).  The default rule sees the least-squares
// trend (at least +4 MB an interval in any phase) and the confirmation
// sees it go on.
'use strict';
const addon = require(process.env.LEAKCHECK_NATIVE_ADDON);
let calls = 0;
exports.tick = () => {
  calls++;
  if (calls % 3 === 0) {
    addon.drop();
    return;
  }
  addon.leak(8 * 1024 * 1024);
  if (calls % 3 === 2)
    addon.hold(8 * 1024 * 1024);
};
