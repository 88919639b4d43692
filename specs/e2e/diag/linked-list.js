// LEAK: a singly linked list of Listener nodes, one prepended per tick,
// never trimmed.
'use strict';
class Listener {
  constructor(next, id) { this.next = next; this.id = id; }
}
let head = null;
let id = 0;
setInterval(() => { head = new Listener(head, id++); }, 10); // ALLOC
