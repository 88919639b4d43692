// Clean counterpart of leak/zlib-unclosed.js: each request's gzip stream
// is ended and closed once its output is read, and not kept.
'use strict';
const zlib = require('zlib');
let n = 0;
setInterval(() => {
  const z = zlib.createGzip();
  z.on('data', () => {});
  z.on('end', () => z.close());
  z.end(Buffer.alloc(2048, n++ & 0xff));
}, 50);
