// A program that takes its own heap dumps (drive mode `signal`): run with
// `node --heapsnapshot-signal=SIGUSR2`, Node writes
// Heap.<date>.<time>.<pid>.<tid>.<seq>.heapsnapshot whenever the process
// gets SIGUSR2.  leakcheck sends the signal, waits until the file is
// closed, and measures it.  The leak: an event emitter gains a listener on
// every tick and never loses one.
'use strict';

const { EventEmitter } = require('events');

class Subscription {
  constructor(id) {
    this.id = id;
  }
}

const bus = new EventEmitter();
bus.setMaxListeners(0);
let next = 0;

setInterval(() => {
  const sub = new Subscription(next++);
  bus.on('message', () => sub.id); // never removed
}, 10);
