// Bundle entry for the leakcheck DevTools cross-check (see README.md).
// "@devtools/" is mapped by build.mjs to <chrome-devtools-frontend>/front_end/.
// Everything exported here is the unmodified DevTools heap snapshot worker code.
import * as HeapSnapshotModel from '@devtools/models/heap_snapshot/HeapSnapshotModel.js';
import {
  HeapSnapshotProgress,
  JSHeapSnapshot,
  SecondaryInitManager,
} from '@devtools/entrypoints/heap_snapshot_worker/HeapSnapshot.js';
import {HeapSnapshotLoader} from '@devtools/entrypoints/heap_snapshot_worker/HeapSnapshotLoader.js';

export {HeapSnapshotLoader, HeapSnapshotModel, HeapSnapshotProgress, JSHeapSnapshot, SecondaryInitManager};

/**
 * Mirrors what the DevTools frontend does when a .heapsnapshot file is loaded:
 * HeapSnapshotProxy creates a loader in the primary worker, streams the file's
 * text into it chunk by chunk (ChunkedFileReader, 10 MB chunks), closes it, then
 * calls buildSnapshot() with a MessagePort whose other end is owned by a
 * SecondaryInitManager (in DevTools that lives in a second worker; here both
 * ends live in this thread and talk through a real MessageChannel, exactly as
 * DevTools' own createJSHeapSnapshotForTesting does).
 */
export async function buildSnapshotFromChunks(chunks: AsyncIterable<string>|Iterable<string>): Promise<JSHeapSnapshot> {
  // Dispatcher only receives progress events; we have no UI to send them to.
  const loader = new HeapSnapshotLoader(undefined as never);
  for await (const chunk of chunks) {
    loader.write(chunk);
  }
  loader.close();
  const channel = new MessageChannel();
  new SecondaryInitManager(channel.port2 as never);
  try {
    return await loader.buildSnapshot(channel.port1 as never);
  } finally {
    channel.port1.close();
    channel.port2.close();
  }
}
