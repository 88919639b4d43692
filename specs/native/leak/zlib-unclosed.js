// An unclosed zlib stream per request: each simulated request compresses
// its body with a new gzip stream that is written but never ended, and
// the stream is kept (in a per-connection list that is never pruned).
// Each stream holds zlib's deflate state in native memory (~300 KB), so
// external memory and RSS grow far faster than the JS objects do.
'use strict';
const zlib = require('zlib');
const open = [];
let n = 0;
setInterval(() => {
  const z = zlib.createGzip();
  z.write(Buffer.alloc(2048, n++ & 0xff));
  open.push(z);
}, 50);
