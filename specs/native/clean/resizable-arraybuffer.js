// Clean counterpart of leak/resizable-arraybuffer.js: the same buffer
// grows by 64 KB a tick up to 1 MB, then is shrunk back to 0 and grows
// again (a reusable staging area).
'use strict';
const buf = new ArrayBuffer(0, { maxByteLength: 1024 * 1024 * 1024 });
const step = 64 * 1024;
setInterval(() => {
  const at = buf.byteLength;
  if (at + step > 1024 * 1024) {
    buf.resize(0);
    return;
  }
  buf.resize(at + step);
  new Uint8Array(buf, at, step).fill(7);
}, 50);
