// LEAK: an AbortSignal per request kept in a list that is never cleared
// (DevTools shows them as EventTarget on Node 18 and 20).
'use strict';
const inflight = [];
setInterval(() => {
  inflight.push(new AbortController().signal); // ALLOC
}, 10);
