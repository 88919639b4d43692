// A singly linked list that grows at its tail by PER nodes per call (issue
// 13, D1).  The tail is known only through a WeakRef, so the one path to
// the nodes of the measured window runs from the head down the list: the
// first of them is 2 x PER hops below it.
'use strict';
class Item {
  constructor() { this.next = null; }
}
const list = { head: new Item() };
let tail = new WeakRef(list.head);
const PER = Number(process.env.PER || 150000);
exports.grow = function grow() {
  let t = tail.deref();
  for (let i = 0; i < PER; i++) {
    t.next = new Item();
    t = t.next;
  }
  tail = new WeakRef(t);
  return list.head !== null;
};
