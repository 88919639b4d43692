// Reproducer: nodejs/node#48951 "Memory leak in AbortSignal.timeout and
// aborted".  Written from the report's description: each operation makes
// a timeout signal with a long delay (a request deadline), listens to it
// with addEventListener and util.aborted(), and removes its listener when
// the operation finishes early, long before the deadline.  In the leaking
// versions the timeout signals stay alive until their timers fire; fixed
// versions let a timeout signal with no listeners left be collected.
'use strict';
const { aborted } = require('util');
function onAbort() {}
function operation() {
  const signal = AbortSignal.timeout(1e9);
  signal.addEventListener('abort', onAbort);
  aborted(signal, {}).catch(() => {});
  signal.removeEventListener('abort', onAbort);
}
setInterval(() => {
  for (let i = 0; i < 20; i++) operation();
}, 100);
