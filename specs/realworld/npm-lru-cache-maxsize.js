// Reproducer: isaacs/node-lru-cache#227 "Possible memory leak with version
// 7.x".  The report: a cache bounded by `maxSize` only (no `max`) keeps its
// reported size under the bound, yet the process runs out of heap; the
// maintainer reproduced it with `max` unset and fixed it in 7.8.1 ("Fix
// memory leak in unbounded storage case").  Written from that description:
// a page cache bounded by maxSize (about 1600 pages of 10 size units each)
// gets 20 new pages every 50 ms, so it reaches its bound after about 4 s
// and then evicts one page per insert.  lru-cache 7.8.0 leaks: an evicted
// page stays in the cache's value list and every new page takes a new slot.
// 7.8.1 (fixed) frees the slot: its heap grows while the cache fills, then
// stays flat (a bounded cache filling slowly).
'use strict';
const LRU = require('lru-cache');

class CachedPage {
  constructor(url) {
    this.url = url;
    this.body = `<html><body>${url}</body></html>`.padEnd(200, ' ');
    this.fetchedAt = Date.now();
  }
}

const pages = new LRU({ maxSize: 16000, sizeCalculation: () => 10 });
let next = 0;
setInterval(() => {
  for (let i = 0; i < 20; i++) {
    const url = `/article/${next++}`;
    pages.set(url, new CachedPage(url));
  }
}, 50);
