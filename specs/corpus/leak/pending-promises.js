// LEAK: promises never settled: each request waits for a "ready" event that
// never comes; its pending Promise and resolve/reject functions sit in a
// module-level list of waiters forever (a lost wake-up, e.g. a connection
// pool whose release path forgot to resolve the waiting acquirers).
// Leaking constructor: Promise (two per request: the pending one and the
// async function's own; also Generator, Function and the waiter records,
// named {resolve, reject}).
'use strict';

const waiters = [];
let ready = false; // never becomes true

function whenReady() {
  if (ready) return Promise.resolve();
  return new Promise((resolve, reject) => {
    waiters.push({ resolve, reject, since: Date.now() });
  });
}

let nextId = 0;

async function handleRequest() {
  const id = nextId++;
  await whenReady();
  return id;
}

setInterval(() => {
  handleRequest();
}, 20);
