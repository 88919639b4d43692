// Clean counterpart of leak/addon-bursts.js: 6 MB on two calls of every
// three, freed before the call returns (the allocator may keep the pages
// once: RSS jumps, then stays flat).
'use strict';
const addon = require(process.env.LEAKCHECK_NATIVE_ADDON);
let calls = 0;
exports.tick = () => {
  calls++;
  if (calls % 3 !== 0)
    addon.churn(6 * 1024 * 1024);
};
