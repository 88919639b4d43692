// Native leak: an N-API addon mallocs 256 KB on every tick and never frees
// it (specs/native/addon/nativeleak.c).  No JavaScript object grows: heap
// snapshots show nothing, the process's RSS climbs about 5 MB a second.
'use strict';
const addon = require(process.env.LEAKCHECK_NATIVE_ADDON);
setInterval(() => addon.leak(256 * 1024), 50);
