// CLEAN: a string buffer that is flushed: request log lines are appended
// with `buf += line` and the buffer is handed to a (fake) writer and reset
// once it passes 1 KB, about every 0.45 s (the fixed version of
// string-buffer).
// Leaking constructor: none ((concatenated string) stays bounded).
'use strict';

let buf = '';
let flushed = 0;
let nextId = 0;

function write(chunk) {
  flushed += chunk.length; // stands in for fs.write
}

function handleRequest() {
  const line = `${new Date().toISOString()} GET /items/${nextId++} 200\n`;
  buf += line;
  if (buf.length > 1024) {
    write(buf);
    buf = '';
  }
}

setInterval(handleRequest, 20);
