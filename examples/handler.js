// A request handler tested by calling it (drive mode `call`): leakcheck
// loads this file as a module and calls an export N times between two
// snapshots.  `handle` memoises every parsed request in a cache that is
// never pruned, so each call leaves exactly one ParsedRequest behind;
// `handleBounded` does the same work with a bounded cache and leaves
// nothing.  `setup` runs once, before the first call.
'use strict';

class ParsedRequest {
  constructor(id, raw) {
    this.id = id;
    this.path = raw.slice(0, raw.indexOf(' '));
    this.length = raw.length;
  }
}

let templates = null;
let next = 0;
const cache = new Map(); // id -> ParsedRequest, never pruned
const bounded = new Map(); // at most 16 entries

exports.setup = async function setup() {
  // Loaded once: not a leak, and not measured (it runs before snapshot 0).
  templates = ['/orders 42', '/users 7', '/health 0'];
};

// Leaks one ParsedRequest per call.
exports.handle = async function handle() {
  const id = next++;
  const parsed = new ParsedRequest(id, templates[id % templates.length]);
  cache.set(id, parsed);
  await Promise.resolve(); // an async handler, awaited by leakcheck
  return parsed.length;
};

// The same work, with the cache bounded: nothing survives.
exports.handleBounded = function handleBounded() {
  const id = next++;
  const parsed = new ParsedRequest(id, templates[id % templates.length]);
  bounded.set(id % 16, parsed);
  return parsed.length;
};
