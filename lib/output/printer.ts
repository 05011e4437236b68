// Output stage: every format goshift prints is a Printer of the run's Document (document.ts).
// A printer turns the document into chunks; where they go (stdout, a file) is the run's business
// (lib/run.ts), so that a new format is one module here and one line in `printers` below.
import type { Document } from './document.js';
import { diffPrinter } from './diff.js';
import { htmlPrinter } from './html.js';
import { jsonPrinter } from './json.js';
import { lintPrinter } from './lint.js';
import { listPrinter } from './list.js';
import { sarifPrinter } from './sarif.js';

/** Text, or bytes when the output must keep a file's own encoding (a latin1 file's diff). */
export type Chunk = string | Buffer;

/** What a printer may know of a transform besides its name. */
export interface TransformInfo {
  name: string;
  description: string;
  /** Transform.finding: the message of a place it changes (lint lines, SARIF results). */
  finding?: string;
}

export interface PrintContext {
  /** Every transform goshift knows (not only those that ran): rule texts, finding messages. */
  transforms: readonly TransformInfo[];
  /** Colour the output for a terminal (--color; only the diff printer colours). */
  color?: boolean;
  /** The text of a file as goshift read it, by its path in the document (the HTML report shows lines around places left alone). */
  source?: (path: string) => string | null;
}

export interface Printer {
  /** The `--format` name. */
  readonly name: string;
  /** One line for --help. */
  readonly description: string;
  /** Whether it reads DocFile.diff: the run computes the diffs only for printers that do. */
  readonly needsDiffs: boolean;
  /** The output, in order; nothing for a document with nothing to show (a clean tree). */
  print(doc: Document, ctx: PrintContext): Iterable<Chunk>;
}

/** The formats of `--format`, the default first. */
export const printers: readonly Printer[] = [diffPrinter, listPrinter, jsonPrinter, sarifPrinter, lintPrinter, htmlPrinter];

export function printerFor(name: string): Printer | undefined {
  return printers.find((p) => p.name === name);
}
