// Reproducer: nodejs/node#42080 "Memory leak in vm.compileFunction when
// using importModuleDynamically" (fixed by nodejs/node#46785 and
// nodejs/node#48510: the compiled function and its callback are held
// through a private symbol instead of a per-environment table of strong
// references).  Written from the report's description: a template engine
// compiles user code with vm.compileFunction and passes an
// importModuleDynamically callback; the compiled function is used once and
// dropped.  In the leaking versions every compiled function stays
// reachable (with its source string); fixed versions collect them.
// Drive: call `render` (a handler), each call compiles one template.
'use strict';
const vm = require('vm');
let n = 0;
function render() {
  n++;
  const source = `return "page ${n}: " + name + ${JSON.stringify('x'.repeat(512))};`;
  const fn = vm.compileFunction(source, ['name'], {
    importModuleDynamically: (specifier) => import(specifier),
  });
  return fn('user').length;
}
module.exports = { render };
