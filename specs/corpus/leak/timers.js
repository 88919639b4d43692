// LEAK: timers never cleared: each request starts a keep-alive setInterval
// (every 60 s) and the code that should clearInterval() it when the
// request ends is missing.  Each Timeout keeps its callback closure and the
// request's session object alive.
// Leaking constructor: Timeout (one per request; also Function, Context and
// the session objects, which DevTools names {user}: small-integer fields
// are not part of the name).
'use strict';

let nextId = 0;

function handleRequest() {
  const session = { id: nextId++, user: `user-${nextId % 30}`, lastSeen: 0 };
  // Meant to be cleared on disconnect; never is.
  setInterval(() => {
    session.lastSeen = Date.now();
  }, 60000);
  // Transient work for the request.
  const reply = JSON.stringify(session);
  return reply.length;
}

setInterval(handleRequest, 20);
