// --format lint: `file:line:col: message (transform)`, one line per place that changes, sorted:
// the form compilers and linters print, which editors and CI log parsers turn into annotations.
// With --check the run exits 1 when there is a line, so it can stand in for a linter step.
import { findings } from './findings.js';
import type { Printer } from './printer.js';

export const lintPrinter: Printer = {
  name: 'lint',
  description: 'file:line:col: message (transform), a line per place that changes',
  needsDiffs: false,
  *print(doc, ctx) {
    for (const f of findings(doc, ctx)) yield `${f.path}:${f.line}:${f.column}: ${f.message} (${f.rule})\n`;
  },
};
