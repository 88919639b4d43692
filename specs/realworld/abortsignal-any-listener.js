// Reproducer: nodejs/node#55328 "AbortController/AbortSignal memory leak":
// a composed signal (AbortSignal.any) that gets an 'abort' listener is
// never released, even when its source controller is short-lived, as with
// node:http requests given a per-request signal.  Written from the
// report's description: every operation makes its own controller, composes
// it, and listens for the abort.
'use strict';
function operation() {
  const controller = new AbortController();
  const composed = AbortSignal.any([controller.signal]);
  composed.addEventListener('abort', () => {});
  return composed.aborted;
}
setInterval(() => {
  for (let i = 0; i < 50; i++) operation();
}, 50);
