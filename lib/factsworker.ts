// A worker thread of factstore.ts: computes the facts of a batch of files (given with their cache
// keys) and writes them to the cache, so that lexing, JSON and cache writes run on every core.
// The main thread keeps the hashing and the cache reads, which decide what is a miss.

import { parentPort } from 'node:worker_threads';
import { computeJson, writeEntries, type WorkerReply, type WorkerRequest } from './factstore.js';

parentPort!.on('message', (req: WorkerRequest) => {
  const files: Buffer[] = [];
  let start = 0;
  for (const end of req.ends) {
    files.push(Buffer.from(req.buf, start, end - start));
    start = end;
  }
  const json = computeJson(files);
  let reply: WorkerReply = { json, bytes: 0, failed: 0 };
  if (req.cacheDir && req.keys) {
    const keys = req.keys;
    reply = { json, ...writeEntries(req.cacheDir, keys.map((key, j) => ({ key, json: json[j]! }))) };
  }
  parentPort!.postMessage(reply);
});
