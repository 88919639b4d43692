// CLEAN: promises that settle: each request awaits a short async step
// (a setTimeout-based "query") that always resolves; the waiters list is
// drained as the results arrive (the fixed version of pending-promises).
// Leaking constructor: none (Promise churns).
'use strict';

function query(id) {
  return new Promise((resolve) => {
    setTimeout(() => resolve({ id, rows: [id, id + 1] }), 5);
  });
}

let nextId = 0;

async function handleRequest() {
  const result = await query(nextId++);
  return result.rows.length;
}

setInterval(() => {
  handleRequest();
}, 20);
