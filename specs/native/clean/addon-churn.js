// Clean counterpart of leak/addon-malloc.js: the same 256 KB allocation on
// every tick, freed before the call returns.
'use strict';
const addon = require(process.env.LEAKCHECK_NATIVE_ADDON);
setInterval(() => addon.churn(256 * 1024), 50);
