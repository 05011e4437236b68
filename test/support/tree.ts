// Moved to lib/testing/tree.ts (shipped as part of goshift/testing); kept here for the tests' imports.
// writeFiles is the tests' own.
import { promises as fs } from 'node:fs';
import path from 'node:path';

export * from '../../lib/testing/tree.js';

/** Writes each [relative path, text] under dir, making the directories it needs. */
export async function writeFiles(dir: string, files: Iterable<[string, string]>): Promise<void> {
  for (const [rel, text] of files) {
    await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await fs.writeFile(path.join(dir, rel), text);
  }
}
