// LEAK: a growing string buffer: a request log kept in one module-level
// string (`log += line`) that is meant to be flushed to disk "later" and
// never is.  V8 represents `a + b` as a cons string pointing at both
// halves, so each append adds one concatenated-string node to a chain.
// Leaking constructor: (concatenated string) (one per request; the line
// strings themselves grow as (string)).
'use strict';

let log = '';
let nextId = 0;

function handleRequest() {
  const id = nextId++;
  const line = `${new Date().toISOString()} GET /items/${id} 200\n`;
  log += line;
  return log.length;
}

setInterval(handleRequest, 20);
