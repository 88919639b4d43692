// LEAK: a module-level memo table keyed by unbounded input: a memoized URL
// parser whose cache key is the raw URL, query string included, so every
// request adds an entry (memoization without a bound, a classic in
// routers and template helpers).
// Leaking constructor: ParsedRoute (one per distinct URL; the key strings
// grow too).
'use strict';

class ParsedRoute {
  constructor(path, params) {
    this.path = path;
    this.params = params;
  }
}

const memo = Object.create(null);

function parseRoute(url) {
  const hit = memo[url];
  if (hit) return hit;
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const params = q < 0 ? '' : url.slice(q + 1);
  return (memo[url] = new ParsedRoute(path, params));
}

let nextId = 0;

function handleRequest() {
  const url = `/api/items/${nextId % 10}?session=${nextId++}`;
  const route = parseRoute(url);
  return route.path.length;
}

setInterval(handleRequest, 20);
