// The program of the golden snapshots (make-snapshots.sh runs it): a Widget
// registry that grows by 50 per step, and a cache bounded to 20 entries.
// It writes one snapshot per step: 1.heapsnapshot … 3.heapsnapshot.
const v8 = require('v8');

class Widget {
  constructor(i) {
    this.id = i;
    this.label = 'widget ' + i;
  }
}
class CacheEntry {
  constructor(k) {
    this.key = k;
  }
}

const registry = [];
const cache = new Map();
for (let step = 1; step <= 3; step++) {
  for (let i = 0; i < 50; i++) registry.push(new Widget(registry.length));
  for (let i = 0; i < 20; i++) cache.set(i, new CacheEntry(step * 100 + i));
  v8.writeHeapSnapshot(step + '.heapsnapshot');
}
