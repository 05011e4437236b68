// A worker thread of flatpool.ts: reads and parses the files the main thread will want, taking
// them one at a time from the shared queue, and hands each back as its bytes and flat tree (plain
// data: a tree-sitter tree could not leave this thread).

import { readFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import type { AheadReply, AheadRequest } from './flatpool.js';
import { parseAhead } from './source.js';

parentPort!.on('message', (req: AheadRequest | 'stop') => {
  // Nothing more to take: the thread ends once its port is closed.
  if (req === 'stop') return parentPort!.close();
  for (;;) {
    const i = Atomics.add(req.next, 0, 1);
    if (i >= req.items.length) break;
    // The main thread may have taken it meanwhile (it parses what it waits for and no worker took).
    if (Atomics.compareExchange(req.claim, i, 0, req.me) !== 0) continue;
    const it = req.items[i];
    let bytes: Buffer;
    try {
      bytes = readFileSync(it.abs);
    } catch {
      // The main thread reads it again and reports why it cannot.
      parentPort!.postMessage({ i, unread: true } satisfies AheadReply);
      continue;
    }
    const ahead = parseAhead(bytes, it.inert);
    parentPort!.postMessage({ i, bytes, ahead } satisfies AheadReply, [ahead.data.buffer]);
  }
});
