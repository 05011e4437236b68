// A worker thread of factstore.ts: computes the facts of a batch of files (given with their cache
// keys, or hashing them itself when the main thread looked nothing up) and encodes their cache
// entries, so that lexing, hashing, JSON and checksums run on every core. The main thread keeps the
// cache reads, which decide what is a miss, and writes the entries (one pack per run).

import { parentPort } from 'node:worker_threads';
import { computeReply, type WorkerRequest } from './factstore.js';

parentPort!.on('message', (req: WorkerRequest) => {
  const files: Buffer[] = [];
  let start = 0;
  for (const end of req.ends) {
    files.push(Buffer.from(req.buf, start, end - start));
    start = end;
  }
  const { reply, transfer } = computeReply(files, req.keys, req.hash, req.pack);
  parentPort!.postMessage(reply, transfer);
});
