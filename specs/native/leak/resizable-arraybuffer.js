// A resizable ArrayBuffer that only grows: 64 KB more on every tick, each
// new page written.  One ArrayBuffer object for the whole run, so no
// object count or shallow size moves in the heap snapshots; its backing
// store (arrayBuffers, external, rss) grows about 1.3 MB a second.
'use strict';
const buf = new ArrayBuffer(0, { maxByteLength: 1024 * 1024 * 1024 });
const step = 64 * 1024;
setInterval(() => {
  const at = buf.byteLength;
  if (at + step > buf.maxByteLength) return;
  buf.resize(at + step);
  new Uint8Array(buf, at, step).fill(7);
}, 50);
