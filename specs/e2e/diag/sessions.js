// LEAK: every tick a Session (holding a Date, an Array and a number) is
// pushed into a module-level registry and never removed.
'use strict';
class Session { constructor(id) { this.id = id; this.started = new Date(); this.tags = [id]; } }
const registry = [];
let n = 0;
setInterval(() => { registry.push(new Session(n++ + 0.5)); }, 10); // ALLOC
