// LEAK: the closure-chain leak (Meteor's "replaceThing", 2013).  Each tick
// replaces a module-level object; `unused` closes over the previous object
// and shares its context with the new object's method, so every object
// keeps its predecessor alive: a linked list through closure contexts.
// Leaking constructor: Function (two closures per tick; also the
// {label, render} objects and their "system / Context").
'use strict';

let current = null;

function replace() {
  const previous = current;
  // Never called: it only makes `previous` live in the shared context.
  const unused = function () {
    if (previous) return previous.label;
  };
  current = {
    label: `widget-${Date.now()}`,
    render: function () {
      return '<div/>';
    },
  };
  return unused;
}

setInterval(replace, 20);
