// --format sarif: a SARIF 2.1.0 log for GitHub code scanning and other SARIF viewers. One result
// per place that changes (a declaration whose context is out of place, a func literal that
// captures one: findings.ts), with a fix that holds the change, and one result per set left alone.
// Paths are relative to %SRCROOT%, the directory goshift ran in (the repository root, in CI).
import { createHash } from 'node:crypto';
import type { Document } from './document.js';
import { findings, findingText } from './findings.js';
import type { Finding } from './findings.js';
import type { PrintContext, Printer } from './printer.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const SRCROOT = '%SRCROOT%';
const LEFT_ALONE = '/left-alone';
/** Related locations per result: GitHub code scanning shows the first 100 (the JSON document has them all). */
const MAX_RELATED = 100;

/** One run of minimal change of a file's diff: old lines `oldStart`.. replaced by `added`. */
export interface ChangeBlock {
  /** 1-based line of the first removed line; for a pure insertion, the line it goes before. */
  oldStart: number;
  /** The removed lines, each with its line ending (the last may have none: end of file). */
  removed: string[];
  added: string[];
}

/**
 * The change blocks of a git-style unified diff of one file (lib/diff.ts): each run of `-` and `+`
 * lines between context lines, with the old line numbers.
 */
export function changeBlocks(diff: string): ChangeBlock[] {
  const out: ChangeBlock[] = [];
  const lines = diff.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let inHunks = false;
  let oldLine = 0;
  let block: ChangeBlock | null = null;
  let last: string[] | null = null;
  const close = () => {
    if (block) out.push(block);
    block = null;
  };
  for (const l of lines) {
    const m = /^@@ -(\d+)(?:,\d+)? \+\d+(?:,\d+)? @@/.exec(l);
    if (m) {
      close();
      inHunks = true;
      oldLine = Number(m[1]);
      continue;
    }
    if (!inHunks) continue;
    const tag = l[0];
    const text = l.slice(1) + '\n';
    if (tag === ' ') {
      close();
      oldLine++;
    } else if (tag === '-') {
      block ??= { oldStart: oldLine, removed: [], added: [] };
      block.removed.push(text);
      last = block.removed;
      oldLine++;
    } else if (tag === '+') {
      block ??= { oldStart: oldLine, removed: [], added: [] };
      block.added.push(text);
      last = block.added;
    } else if (tag === '\\') {
      // `\ No newline at end of file`: the line before it has no line ending.
      if (last && last.length) last[last.length - 1] = last[last.length - 1].slice(0, -1);
    }
  }
  close();
  return out;
}

/** Blocks that replace as many lines as they remove, split into one block a line: finer fixes. */
export function splitBlocks(blocks: ChangeBlock[]): ChangeBlock[] {
  return blocks.flatMap((b) =>
    b.removed.length === b.added.length && b.removed.length > 1
      ? b.removed.map((r, i) => ({ oldStart: b.oldStart + i, removed: [r], added: [b.added[i]] }))
      : [b],
  );
}

/** The region a block replaces: whole lines, from the start of the first to the start of the line after the last. */
function deletedRegion(b: ChangeBlock) {
  const n = b.removed.length;
  if (n === 0) return { startLine: b.oldStart, startColumn: 1, endLine: b.oldStart, endColumn: 1 };
  const lastLine = b.removed[n - 1];
  if (lastLine.endsWith('\n')) return { startLine: b.oldStart, startColumn: 1, endLine: b.oldStart + n, endColumn: 1 };
  // The file's last line, without an ending: the region ends after its last character.
  return { startLine: b.oldStart, startColumn: 1, endLine: b.oldStart + n - 1, endColumn: lastLine.length + 1 };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A URI reference for a relative path: each segment percent-encoded. */
function uriOf(p: string): string {
  return p.split('/').map(encodeURIComponent).join('/');
}

function location(path: string, line: number, column?: number, message?: string) {
  return {
    physicalLocation: {
      artifactLocation: { uri: uriOf(path), uriBaseId: SRCROOT },
      region: column === undefined ? { startLine: line } : { startLine: line, startColumn: column },
    },
    ...(message ? { message: { text: message } } : {}),
  };
}

/** `Ctx-first/left-alone` → `CtxFirstLeftAlone`: SARIF's rule name, an identifier. */
function ruleName(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '')
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}

export function sarifLog(doc: Document, ctx: PrintContext) {
  const found = findings(doc, ctx);
  // Each change block of each file belongs to the edits it is part of: those that start on its
  // lines, else the innermost whose syntax holds it (the `}(ctx)` that closes a rewritten literal),
  // else the edit before it in the file. A fix holds the blocks of its linked set's edits in every
  // file, or those of its rewrite.
  const owned = new Map<string, Map<string, ChangeBlock[]>>();
  const ownerOf = (path: string, e: { line: number; column: number; set?: string }) => (e.set ? `set\0${e.set}` : `at\0${path}\0${e.line}\0${e.column}`);
  for (const f of doc.files) {
    if (!f.diff || f.edits.length === 0) continue;
    const edits = [...f.edits].sort((a, b) => a.line - b.line || a.column - b.column);
    for (const b of splitBlocks(changeBlocks(f.diff))) {
      const end = b.oldStart + Math.max(1, b.removed.length) - 1;
      let on = edits.filter((e) => e.line >= b.oldStart && e.line <= end);
      if (on.length === 0) {
        const holding = edits.filter((e) => e.line < b.oldStart && e.endLine >= b.oldStart);
        const inner = Math.min(...holding.map((e) => e.endLine - e.line));
        on = holding.filter((e) => e.endLine - e.line === inner);
      }
      if (on.length === 0) {
        const before = edits.filter((e) => e.line < b.oldStart);
        on = [before.length ? before[before.length - 1] : edits.find((e) => e.line > end)!];
      }
      for (const key of new Set(on.map((e) => ownerOf(f.path, e)))) {
        let byFile = owned.get(key);
        if (!byFile) owned.set(key, (byFile = new Map()));
        byFile.set(f.path, [...(byFile.get(f.path) ?? []), b]);
      }
    }
  }
  const setById = new Map(doc.sets.map((s) => [s.id, s]));
  // A set's fix is given once, at the finding of its first declaration (the set's id).
  const setHead = new Map<string, Finding>();
  for (const x of found) {
    if (!x.set) continue;
    const h = setHead.get(x.set);
    const atId = (y: Finding) => `${y.path}:${y.line}` === x.set!.replace(/#\d+$/, '');
    if (!h || (!atId(h) && atId(x))) setHead.set(x.set, x);
  }

  const fix = (x: Finding) => {
    if (x.set && setHead.get(x.set) !== x) return undefined;
    const byFile = owned.get(ownerOf(x.path, x));
    if (!byFile) return undefined;
    const artifactChanges = [...byFile]
      .sort((a, b) => cmp(a[0], b[0]))
      .map(([path, blocks]) => ({
        artifactLocation: { uri: uriOf(path), uriBaseId: SRCROOT },
        replacements: blocks.map((b) => ({ deletedRegion: deletedRegion(b), insertedContent: { text: b.added.join('') } })),
      }));
    const set = x.set ? setById.get(x.set) : undefined;
    const files = `${artifactChanges.length} file${artifactChanges.length === 1 ? '' : 's'}`;
    const text = set
      ? `goshift's change of the linked set of ${set.what} (${set.members.length === 1 ? '1 declaration and its calls' : `${set.members.length} declarations and their calls`}, in ${files}): apply it whole`
      : `goshift's change: ${x.detail}`;
    return { description: { text }, artifactChanges };
  };

  // Rules: each transform that ran and its left-alone rule, and any other id a result uses.
  const rules = new Map<string, { id: string; level: 'warning' | 'note'; short: string; full: string }>();
  const describe = (name: string) => name.split('+').map((n) => ctx.transforms.find((t) => t.name === n)?.description ?? n).join('; ');
  const addRule = (id: string) => {
    if (rules.has(id)) return;
    if (id.endsWith(LEFT_ALONE)) {
      const t = id.slice(0, -LEFT_ALONE.length);
      rules.set(id, {
        id,
        level: 'note',
        short: `left alone by ${t}: goshift could not be sure a change is safe`,
        full: `A place ${t} would change but leaves alone as a whole (a linked set: an interface method and its implementations, a func type and the funcs that flow into it, with every call), because a change could break the build or the behaviour; the message says why. Fix it by hand, or leave it.`,
      });
    } else {
      const finding = findingText(id, ctx);
      rules.set(id, { id, level: 'warning', short: finding ?? describe(id), full: `${finding ? finding + '. ' : ''}goshift -t ${id.split('+').join(',')}: ${describe(id)}.` });
    }
  };
  for (const t of doc.transforms) {
    addRule(t);
    addRule(t + LEFT_ALONE);
  }
  const leftRule = (t: string | null) => `${t ?? 'goshift'}${LEFT_ALONE}`;
  for (const x of found) addRule(x.rule);
  for (const l of doc.leftAlone) addRule(leftRule(l.transform));
  const ruleList = [...rules.values()].sort((a, b) => cmp(a.id, b.id));
  const ruleIndex = new Map(ruleList.map((r, i) => [r.id, i]));

  // Fingerprints that survive lines moving: what and where, not the line number.
  const seen = new Map<string, number>();
  const fingerprint = (...parts: string[]) => {
    const key = parts.join('\0');
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return createHash('sha256').update(`${key}\0${n}`).digest('hex').slice(0, 32);
  };

  type Result = { ruleId: string; ruleIndex: number; level: string; message: { text: string }; locations: unknown[]; relatedLocations?: unknown[]; partialFingerprints: Record<string, string>; fixes?: unknown[] };
  const results: Result[] = [];
  for (const x of found) {
    const set = x.set ? setById.get(x.set) : undefined;
    const related = (set?.members ?? []).filter((m) => !(m.file === x.path && m.line === x.line)).slice(0, MAX_RELATED).map((m) => location(m.file, m.line, undefined, `linked: ${m.what}`));
    const f = fix(x);
    results.push({
      ruleId: x.rule,
      ruleIndex: ruleIndex.get(x.rule)!,
      level: 'warning',
      message: { text: `${x.message}: ${x.detail}${x.set && !f ? ` (fixed with its linked set, at ${setHead.get(x.set)!.path}:${setHead.get(x.set)!.line})` : ''}` },
      locations: [location(x.path, x.line, x.column)],
      ...(related.length ? { relatedLocations: related } : {}),
      partialFingerprints: { 'goshift/v1': fingerprint(x.rule, x.path, x.detail) },
      ...(f ? { fixes: [f] } : {}),
    });
  }
  for (const l of doc.leftAlone) {
    const id = leftRule(l.transform);
    const related = l.members.slice(0, MAX_RELATED).map((m) => location(m.path, m.line, undefined, `linked: ${m.what}`));
    results.push({
      ruleId: id,
      ruleIndex: ruleIndex.get(id)!,
      level: 'note',
      message: { text: `left alone: ${l.reason}` },
      locations: [location(l.path, l.line)],
      ...(related.length ? { relatedLocations: related } : {}),
      partialFingerprints: { 'goshift/v1': fingerprint(id, l.path, l.reason) },
    });
  }

  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'goshift',
            version: doc.tool.version,
            ...(/^\d+\.\d+\.\d+/.test(doc.tool.version) ? { semanticVersion: doc.tool.version } : {}),
            rules: ruleList.map((r) => ({
              id: r.id,
              name: ruleName(r.id),
              shortDescription: { text: r.short },
              fullDescription: { text: r.full },
              help: { text: r.full },
              defaultConfiguration: { level: r.level },
              properties: { tags: ['goshift', 'maintainability'] },
            })),
          },
        },
        invocations: [
          {
            executionSuccessful: doc.errors.length === 0,
            ...(doc.errors.length
              ? {
                  toolExecutionNotifications: doc.errors.map((e) => ({
                    level: 'error',
                    message: { text: e.message },
                    locations: [e.line === undefined ? { physicalLocation: { artifactLocation: { uri: uriOf(e.file), uriBaseId: SRCROOT } } } : location(e.file, e.line, e.column)],
                  })),
                }
              : {}),
          },
        ],
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

export const sarifPrinter: Printer = {
  name: 'sarif',
  description: 'a SARIF 2.1.0 log (GitHub code scanning), with fixes',
  needsDiffs: true,
  *print(doc, ctx) {
    yield JSON.stringify(sarifLog(doc, ctx), null, 2) + '\n';
  },
};
