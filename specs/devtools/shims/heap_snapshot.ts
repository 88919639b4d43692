// Stand-in for front_end/models/heap_snapshot/heap_snapshot.js: the worker only
// uses the HeapSnapshotModel member (real module re-exported below). The other
// member, HeapSnapshotProxy, is frontend-side code that imports core/common.
import * as HeapSnapshotModel from '@devtools/models/heap_snapshot/HeapSnapshotModel.js';

export {HeapSnapshotModel};
