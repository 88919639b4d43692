// Reproducer: nodejs/node#53335 "Timeout leaks when converted into a
// primitive and not cleared".  Written from the report's description: a
// job scheduler keeps its pending jobs in a plain object keyed by the
// timer's numeric id (`+setTimeout(...)`, as browser-style code does) and
// deletes the entry when the job has run; the timers are never cleared
// because they fire.  In the leaking versions Node's id -> Timeout table,
// filled when a timer is converted to a number, keeps every fired Timeout
// (and its callback); fixed versions remove the entry when the timer runs.
'use strict';
const pending = {};
let done = 0;
function schedule(payload) {
  const id = +setTimeout(() => {
    delete pending[id];
    done += payload.length;
  }, 1);
  pending[id] = payload;
}
setInterval(() => {
  for (let i = 0; i < 100; i++) schedule(`job ${i}`);
}, 50);
