// Reproducer: debug-js/debug#678 "memory leak when instance is created
// inside a function".  The report: calling debug(namespace) inside a
// function that runs again and again leaks, whether DEBUG is set or not,
// because debug keeps every instance it ever made (to enable or disable
// them later); the fix (debug-js/debug#740, released in 4.3.0) stops
// tracking instances.  Written from that description: a handler runs 100
// times every 50 ms and makes its own logger for its namespace each time,
// then logs through it (DEBUG is not set, so nothing is printed).
// debug 4.1.1 leaks (createDebug.instances keeps every logger); 4.3.1 is
// fixed.
'use strict';
const createDebug = require('debug');

function handleJob(id) {
  const log = createDebug('worker:job');
  log('job %d started', id);
  return id * 2;
}

let id = 0;
setInterval(() => {
  for (let i = 0; i < 100; i++) handleJob(id++);
}, 50);
