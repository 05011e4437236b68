// --format diff (the default, -d): every changed file's git-style unified diff, in path order,
// each encoded like its file so that `git apply` gets the file's own bytes (latin1 stays latin1).
import { colorDiff } from '../terminal.js';
import type { Printer } from './printer.js';

export const diffPrinter: Printer = {
  name: 'diff',
  description: 'unified diffs of the changes, for git apply (default)',
  needsDiffs: true,
  *print(doc, ctx) {
    for (const f of doc.files) if (f.diff) yield Buffer.from(colorDiff(f.diff, Boolean(ctx.color)), f.encoding ?? 'utf8');
  },
};
