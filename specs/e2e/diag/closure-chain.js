// LEAK: each tick makes a closure that captures the previous one, so the
// chain of closures (and their contexts) only grows.
'use strict';
let last = null;
function tick() {
  const prev = last;
  last = function step() { return prev; }; // ALLOC
}
setInterval(tick, 10);
