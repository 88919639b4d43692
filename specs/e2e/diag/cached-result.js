// LEAK: a memo cache keyed by a value that never repeats (a timestamp and
// a counter): every call adds a CachedResult with its rows array.
'use strict';
class CachedResult {
  constructor(key, rows) { this.key = key; this.rows = rows; }
}
const cache = new Map();
let calls = 0;
function query(sql) {
  const key = `${sql}#${calls++}`;
  if (!cache.has(key)) cache.set(key, new CachedResult(key, [calls, calls * 2, calls * 3])); // ALLOC
  return cache.get(key).rows.length;
}
setInterval(() => query('select 1'), 10);
