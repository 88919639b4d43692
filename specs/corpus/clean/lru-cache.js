// CLEAN: a bounded LRU cache: a Map that re-inserts on hit and evicts the
// least recently used entry past 100 entries; keys are unbounded (request
// ids) but the cache is not.  It fills within ~0.3 s and then stays
// at 100.
// Leaking constructor: none (CacheEntry plateaus at 100).
'use strict';

class CacheEntry {
  constructor(key, value) {
    this.key = key;
    this.value = value;
    this.hits = 0;
  }
}

const LIMIT = 100;
const cache = new Map();
let nextId = 0;

function get(key) {
  let e = cache.get(key);
  if (e) {
    cache.delete(key);
    e.hits++;
  } else {
    e = new CacheEntry(key, { rendered: `<p>${key}</p>` });
  }
  cache.set(key, e);
  if (cache.size > LIMIT) cache.delete(cache.keys().next().value);
  return e;
}

function handleRequest() {
  // Mostly new keys, some repeats: both eviction and hits happen.
  for (let i = 0; i < 10; i++) {
    const id = nextId++;
    get(`k${id % 3 === 0 ? id % 97 : id}`);
  }
}

setInterval(handleRequest, 20);
