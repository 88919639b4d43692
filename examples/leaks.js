// The classic closure-chain leak (Meteor's "replaceThing", 2013).
//
// Every tick builds a new object whose method closes over the same context
// as `unused`, and `unused` refers to the previous object: V8 gives both
// closures one shared context, so each new object keeps the previous one
// alive, forever.  People used to catch this with the heapdump module,
// `kill -USR2` and DevTools' Comparison view; leakcheck takes the snapshots
// itself and fails on the growth.
'use strict';

let theThing = null;

function replaceThing() {
  const originalThing = theThing;
  // Never called, but it makes `originalThing` live in the shared context.
  const unused = function () {
    if (originalThing) console.log('hi');
  };
  theThing = {
    // 10 KB of flat string, so the leak shows in bytes too.
    longStr: Buffer.alloc(10000, '*').toString(),
    someMethod: function () {
      console.log('someMessage');
    },
  };
  return unused;
}

setInterval(replaceThing, 20);
