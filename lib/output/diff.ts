// --format diff (the default, -d): every changed file's git-style unified diff, in path order,
// each encoded like its file so that `git apply` gets the file's own bytes (latin1 stays latin1).
import type { Printer } from './printer.js';

export const diffPrinter: Printer = {
  name: 'diff',
  description: 'unified diffs of the changes, for git apply (default)',
  needsDiffs: true,
  *print(doc) {
    for (const f of doc.files) if (f.diff) yield Buffer.from(f.diff, f.encoding ?? 'utf8');
  },
};
