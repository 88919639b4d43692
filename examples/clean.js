// A program that works hard and does not leak: every tick allocates
// requests, closures and buffers that die young, and a small cache is
// bounded (least recently used entries are evicted), so after warm-up the
// heap is flat.
'use strict';

class Request {
  constructor(id) {
    this.id = id;
    this.headers = { host: 'localhost', 'x-id': String(id) };
    this.body = 'x'.repeat(512);
  }
}

class Summary {
  constructor(total, at) {
    this.total = total;
    this.at = at;
  }
}

const CACHE_LIMIT = 50;
const cache = new Map();
let next = 0;

function remember(key, value) {
  if (cache.has(key)) cache.delete(key);
  cache.set(key, value);
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value);
}

function tick() {
  const batch = [];
  for (let i = 0; i < 20; i++) batch.push(new Request(next++));
  const total = batch.reduce((n, r) => n + r.body.length, 0);
  remember(next % 200, new Summary(total, next));
}

setInterval(tick, 20);
