// LEAK: an unbounded cache: a module-level Map keyed by request id, written
// on every request and never evicted (a "temporary" cache without a size
// limit or a TTL sweep).  Request ids never repeat, so the Map only grows.
// Leaking constructor: {requestId, user} (one per request; DevTools leaves
// the number-valued expiresAt out of the name; the Map's backing store, the
// key strings and the expiresAt numbers grow with it).
'use strict';

const responseCache = new Map();

let nextId = 0;

function handleRequest() {
  const requestId = `req-${process.pid}-${nextId++}`;
  const user = `user-${nextId % 50}`;
  // The response is cached "for 5 minutes", but nothing ever checks
  // expiresAt or removes the entry.
  responseCache.set(requestId, {
    requestId,
    user,
    expiresAt: Date.now() + 300000,
  });
  // Transient work for the request.
  const parts = [];
  for (let i = 0; i < 10; i++) parts.push({ i, v: i * 2 });
  return parts.length;
}

setInterval(handleRequest, 20);
