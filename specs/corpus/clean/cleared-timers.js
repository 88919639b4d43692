// CLEAN: timers that are cleared: each request starts a keep-alive
// setInterval and a request timeout, and clears both when it ends 50 ms
// later (the fixed version of the timer leak).
// Leaking constructor: none (Timeout churns).
'use strict';

let nextId = 0;

function handleRequest() {
  const session = { id: nextId++, lastSeen: 0 };
  const keepAlive = setInterval(() => {
    session.lastSeen = Date.now();
  }, 10);
  const deadline = setTimeout(() => {
    session.timedOut = true;
  }, 60000);
  setTimeout(() => {
    clearInterval(keepAlive);
    clearTimeout(deadline);
  }, 50);
}

setInterval(handleRequest, 20);
