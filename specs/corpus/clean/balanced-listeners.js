// CLEAN: balanced listeners: every request subscribes to a long-lived
// EventEmitter and unsubscribes when it ends (the fixed version of the
// listener leak), so the emitter's listener list goes up and back to zero.
// Leaking constructor: none (Function churns: one listener per request).
'use strict';

const { EventEmitter } = require('events');

const appEvents = new EventEmitter();
let nextId = 0;

function handleRequest() {
  const ctx = { id: nextId++, started: Date.now() };
  const onConfig = (cfg) => {
    ctx.config = cfg;
  };
  appEvents.on('config-changed', onConfig);
  if (ctx.id % 10 === 0) appEvents.emit('config-changed', { v: ctx.id });
  // The request ends a little later: the listener goes with it.
  setTimeout(() => {
    appEvents.off('config-changed', onConfig);
  }, 30);
}

setInterval(handleRequest, 20);
