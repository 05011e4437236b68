// The places a run changes, as a linter would report them: one finding per declaration whose
// parameters are reordered and per file-local rewrite (a call's arguments follow its declaration,
// so calls are not findings of their own). The source of lint lines and SARIF results.
import type { DocEdit, Document } from './document.js';
import type { PrintContext } from './printer.js';

export interface Finding {
  path: string;
  line: number;
  column: number;
  /** The transform that changes it (its rule). */
  rule: string;
  kind: 'signature' | 'rewrite';
  /** What is wrong there: the transform's `finding`, else the change's detail. */
  message: string;
  /** The change, in words (DocEdit.detail). */
  detail: string;
  /** The linked set it belongs to (a signature's). */
  set?: string;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The `finding` of a transform; for `a+b` (several reordering transforms), the first one's that has one. */
export function findingText(transform: string, ctx: PrintContext): string | undefined {
  for (const name of transform.split('+')) {
    const f = ctx.transforms.find((t) => t.name === name)?.finding;
    if (f) return f;
  }
  return undefined;
}

export function isFinding(e: DocEdit): e is DocEdit & { kind: 'signature' | 'rewrite' } {
  return e.kind !== 'call';
}

/** Every finding of the document, sorted by path, line, column, rule and message. */
export function findings(doc: Document, ctx: PrintContext): Finding[] {
  const out: Finding[] = [];
  for (const f of doc.files) {
    for (const e of f.edits) {
      if (!isFinding(e)) continue;
      out.push({
        path: f.path,
        line: e.line,
        column: e.column,
        rule: e.transform,
        kind: e.kind,
        message: findingText(e.transform, ctx) ?? e.detail,
        detail: e.detail,
        ...(e.set ? { set: e.set } : {}),
      });
    }
  }
  return out.sort((a, b) => cmp(a.path, b.path) || a.line - b.line || a.column - b.column || cmp(a.rule, b.rule) || cmp(a.message, b.message));
}
