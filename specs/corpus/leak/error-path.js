// LEAK: a leak on the error path only: one request in four fails, and the
// error handler keeps every failure (with its stack) in a module-level
// list "for the /debug page" that nothing ever trims.  The successful
// requests, three in four, leave nothing behind.
// Leaking constructor: RequestError (one per failed request, about 3 per
// 250 ms; its captured stack traces grow along).
'use strict';

class RequestError extends Error {
  constructor(id, reason) {
    super(`request ${id} failed: ${reason}`);
    this.name = 'RequestError';
    this.requestId = id;
  }
}

const recentFailures = [];
let nextId = 0;

function handle(id) {
  if (id % 4 === 3) throw new RequestError(id, 'upstream timeout');
  return { id, status: 200 };
}

function handleRequest() {
  const id = nextId++;
  try {
    return handle(id).status;
  } catch (err) {
    recentFailures.push(err);
    return 500;
  }
}

setInterval(handleRequest, 20);
