// LEAK: a single array growing without new object types: a job queue of
// numeric ids that is pushed on every request and never drained (the
// consumer was removed).  Small integers are stored unboxed, so no new
// heap object appears: the number of objects stays flat and only the
// array's backing store (its elements) grows.
// Leaking constructor: Array (the queue; its elements store's bytes grow,
// its count does not).
'use strict';

const pendingJobs = [];
let nextJob = 0;

function handleRequest() {
  for (let i = 0; i < 4; i++) pendingJobs.push(nextJob++ & 0xfffff);
  // Transient work for the request.
  const scratch = { job: nextJob, at: Date.now() };
  return scratch.job;
}

setInterval(handleRequest, 20);
