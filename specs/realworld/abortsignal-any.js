// Reproducer: nodejs/node#55351 "AbortSignal.any() leaks when any of the
// provided signal is long-lived" (also reported as nodejs/node#54614).
// Written from the report's description: a long-lived signal (here a
// server-wide shutdown controller) is combined with a short-lived
// per-operation signal for every operation.  In the leaking Node versions
// the long-lived signal keeps every composed signal in its set of
// dependants; fixed versions drop them once they are collected.
'use strict';
const shutdown = new AbortController();
function operation() {
  const op = new AbortController();
  const signal = AbortSignal.any([shutdown.signal, op.signal]);
  return signal.aborted;
}
setInterval(() => {
  for (let i = 0; i < 200; i++) operation();
}, 50);
