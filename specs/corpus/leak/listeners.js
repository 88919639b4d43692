// LEAK: event listeners added per request to a long-lived EventEmitter and
// never removed (the classic "MaxListenersExceededWarning" leak, silenced
// here with setMaxListeners(0) as many code bases do).  Every request
// subscribes to the app-wide 'config-changed' event with a closure that
// keeps the request's context alive.
// Leaking constructor: Function (one listener closure per request).
'use strict';

const { EventEmitter } = require('events');

const appEvents = new EventEmitter();
appEvents.setMaxListeners(0);

let nextId = 0;

function handleRequest() {
  const ctx = { id: nextId++, started: Date.now() };
  // Meant to refresh the request's settings if the config changes while it
  // runs; nobody calls appEvents.off() when the request ends.
  appEvents.on('config-changed', (cfg) => {
    ctx.config = cfg;
  });
  // The request itself: some transient work, then it is "done".
  const body = JSON.stringify({ id: ctx.id, ok: true });
  return body.length;
}

setInterval(handleRequest, 20);
