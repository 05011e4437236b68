// The fuzzer, as a library: scripts/fuzz.ts runs it from the command line (npm run fuzz),
// test/fuzz.test.ts runs a short seeded run inside npm test.
//
// Mutants: files of the Go standard library that use package context, each changed by 1 to 4
// random mutations: tokens and lines deleted, duplicated and swapped; a context parameter moved
// later in its list or two arguments swapped (so that ctx-first has work); CRLF line endings, a
// BOM, a latin1 byte, a lost final newline, a truncated tail. Mutant i of seed s depends only on
// (s, i), so any finding can be regenerated alone (--only i).
//
// Runs: mutants go into a temp module in batches, one package directory each, and the engine runs
// in-process (runTransforms, as the CLI does) once per pass: ctx-first, ctx-last, ctx-closure and
// the default set. Per changed file it checks:
//   - crash: runTransforms throws, or reports an internal error (an exception it caught);
//   - bad write: a file tree-sitter could not parse is changed; a file that parsed (tree-sitter,
//     and gofmt when the input passed gofmt) no longer does; the bytes do not round-trip; or the
//     change reaches outside what the pass may touch: for ctx-first/ctx-last, the trees must be
//     identical except for the order of the items of parameter and argument lists; for
//     ctx-closure, every token of the input is still there, in order (it only inserts);
//   - not idempotent: with the changes applied, the same pass changes something again.
import { fork, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTransforms } from '../lib/engine.js';
import { decode, parseSource, type Node } from '../lib/source.js';
import type { FileChange, RunResult, SourceFile, Transform } from '../lib/types.js';
import { discover } from '../lib/workspace.js';
import { defaultTransforms, findTransform } from '../transforms/index.js';

// ---------------------------------------------------------------------------------------------
// Randomness

/** mulberry32: small, fast, good enough, and the same everywhere. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function seedOf(seed: number, index: number): number {
  return createHash('sha256').update(`${seed}:${index}`).digest().readUInt32LE(0);
}

// ---------------------------------------------------------------------------------------------
// Corpus

export interface CorpusFile {
  /** Path relative to GOROOT/src. */
  rel: string;
  text: string;
}

export function goroot(): string {
  const r = spawnSync('go', ['env', 'GOROOT'], { encoding: 'utf8' });
  const out = r.status === 0 ? r.stdout.trim() : '';
  if (out) return out;
  if (fs.existsSync('/usr/local/go/src')) return '/usr/local/go';
  throw new Error('cannot find the Go installation: `go env GOROOT` failed and /usr/local/go does not exist');
}

/** Files of GOROOT/src (not testdata/) that import context or say context.Context, at most maxBytes each, sorted. */
export function loadCorpus(root: string, maxBytes = 60_000): CorpusFile[] {
  const src = path.join(root, 'src');
  const out: CorpusFile[] = [];
  const walk = (dir: string, rel: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (e.name === 'testdata' || e.name.startsWith('.') || e.name.startsWith('_')) continue;
        walk(path.join(dir, e.name), r);
      } else if (e.isFile() && e.name.endsWith('.go')) {
        const p = path.join(dir, e.name);
        if (fs.statSync(p).size > maxBytes) continue;
        const text = fs.readFileSync(p, 'utf8');
        if (/"context"|context\.Context/.test(text)) out.push({ rel: r, text });
      }
    }
  };
  walk(src, '');
  return out;
}

// ---------------------------------------------------------------------------------------------
// Mutations

const TOKEN_RE = /\/\/[^\n]*|\/\*[\s\S]*?\*\/|`[^`]*`|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|[\p{L}_][\p{L}\p{N}_]*|\d[\w.]*|\.\.\.|<-|:=|&&|\|\||<<=?|>>=?|&\^=?|\+\+|--|[-+*/%&|^<>=!]=?|[(){}[\],;.:~]/gu;

interface Tok {
  start: number;
  end: number;
}

function tokens(text: string): Tok[] {
  const out: Tok[] = [];
  for (const m of text.matchAll(TOKEN_RE)) out.push({ start: m.index!, end: m.index! + m[0].length });
  return out;
}

function lines(text: string): string[] {
  return text.split(/(?<=\n)/);
}

const PSEUDO_SF = (rel: string): SourceFile => ({ abs: '/fuzz/' + rel, rel, dir: '/fuzz', importPath: 'fuzz', module: { root: '/fuzz', path: 'fuzz' }, isTest: false, target: true });

function parse(text: string, rel = 'm.go') {
  return parseSource(PSEUDO_SF(rel), Buffer.from(text, 'utf8'));
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

/** Items of a list node: its named children that are not comments. */
function items(list: Node): Node[] {
  return list.namedChildren.filter((c) => c.type !== 'comment');
}

function replaceRanges(text: string, edits: { start: number; end: number; text: string }[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** Text mutations: each returns the new text and a word for the log, or null when it does not apply. */
const TEXT_OPS: { name: string; weight: number; apply: (text: string, r: Rand) => string | null }[] = [
  {
    // A context parameter moved later in its list: ctx-first gets something to move back.
    name: 'ctx-later',
    weight: 4,
    apply(text, r) {
      const pf = parse(text);
      const lists = pf.root.descendantsOfType('parameter_list').filter((l) => {
        const its = items(l);
        return its.length >= 2 && its.slice(0, -1).some((it) => /\bContext\b/.test(it.childForFieldName('type')?.text ?? ''));
      });
      if (lists.length === 0) return null;
      const its = items(pick(r, lists));
      const from = pick(r, its.map((it, i) => i).filter((i) => i < its.length - 1 && /\bContext\b/.test(its[i].childForFieldName('type')?.text ?? '')));
      const to = from + 1 + Math.floor(r() * (its.length - 1 - from));
      return replaceRanges(text, [
        { start: its[from].startIndex, end: its[from].endIndex, text: its[to].text },
        { start: its[to].startIndex, end: its[to].endIndex, text: its[from].text },
      ]);
    },
  },
  {
    name: 'args-swap',
    weight: 1,
    apply(text, r) {
      const lists = parse(text).root.descendantsOfType('argument_list').filter((l) => items(l).length >= 2);
      if (lists.length === 0) return null;
      const its = items(pick(r, lists));
      const i = Math.floor(r() * its.length);
      let j = Math.floor(r() * its.length);
      if (j === i) j = (i + 1) % its.length;
      const [a, b] = i < j ? [its[i], its[j]] : [its[j], its[i]];
      return replaceRanges(text, [
        { start: a.startIndex, end: a.endIndex, text: b.text },
        { start: b.startIndex, end: b.endIndex, text: a.text },
      ]);
    },
  },
  {
    name: 'token-delete',
    weight: 2,
    apply(text, r) {
      const ts = tokens(text);
      if (!ts.length) return null;
      const t = pick(r, ts);
      return text.slice(0, t.start) + text.slice(t.end);
    },
  },
  {
    name: 'token-dup',
    weight: 2,
    apply(text, r) {
      const ts = tokens(text);
      if (!ts.length) return null;
      const t = pick(r, ts);
      return text.slice(0, t.end) + ' ' + text.slice(t.start, t.end) + text.slice(t.end);
    },
  },
  {
    name: 'token-swap',
    weight: 2,
    apply(text, r) {
      const ts = tokens(text);
      if (ts.length < 2) return null;
      const i = Math.floor(r() * (ts.length - 1));
      const j = Math.min(ts.length - 1, i + 1 + Math.floor(r() * 8));
      const [a, b] = [ts[i], ts[j]];
      return text.slice(0, a.start) + text.slice(b.start, b.end) + text.slice(a.end, b.start) + text.slice(a.start, a.end) + text.slice(b.end);
    },
  },
  {
    name: 'line-delete',
    weight: 1,
    apply(text, r) {
      const ls = lines(text);
      if (ls.length < 2) return null;
      ls.splice(Math.floor(r() * ls.length), 1);
      return ls.join('');
    },
  },
  {
    name: 'line-dup',
    weight: 1,
    apply(text, r) {
      const ls = lines(text);
      const i = Math.floor(r() * ls.length);
      ls.splice(i, 0, ls[i].endsWith('\n') ? ls[i] : ls[i] + '\n');
      return ls.join('');
    },
  },
  {
    name: 'line-swap',
    weight: 1,
    apply(text, r) {
      const ls = lines(text);
      if (ls.length < 3) return null;
      const i = Math.floor(r() * (ls.length - 2));
      const j = Math.min(ls.length - 2, i + 1 + Math.floor(r() * 5));
      [ls[i], ls[j]] = [ls[j], ls[i]];
      return ls.join('');
    },
  },
];

/** Byte mutations, applied after the text ones. */
const BYTE_OPS: { name: string; p: number; apply: (b: Buffer, r: Rand) => Buffer }[] = [
  { name: 'crlf', p: 0.08, apply: (b) => Buffer.from(b.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1') },
  { name: 'bom', p: 0.05, apply: (b) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b]) },
  {
    // A latin1 byte in the first comment: the file is no longer UTF-8.
    name: 'latin1',
    p: 0.05,
    apply: (b) => {
      const i = b.indexOf('//');
      return i < 0 ? b : Buffer.concat([b.subarray(0, i + 2), Buffer.from([0xe9]), b.subarray(i + 2)]);
    },
  },
  { name: 'no-final-newline', p: 0.05, apply: (b) => (b.length && b[b.length - 1] === 0x0a ? b.subarray(0, b.length - 1) : b) },
  { name: 'truncate', p: 0.03, apply: (b, r) => b.subarray(0, Math.floor(b.length * (0.5 + r() / 2))) },
];

export interface Mutant {
  index: number;
  /** The standard library file it comes from (relative to GOROOT/src). */
  origin: string;
  /** Its name in the batch module: m<index>/<base>. */
  rel: string;
  bytes: Buffer;
  ops: string[];
}

export function makeMutant(corpus: CorpusFile[], seed: number, index: number): Mutant {
  const r = rng(seedOf(seed, index));
  const src = corpus[Math.floor(r() * corpus.length)];
  let text = src.text;
  const ops: string[] = [];
  const apply = (op: (typeof TEXT_OPS)[number]) => {
    const next = op.apply(text, r);
    if (next !== null) {
      text = next;
      ops.push(op.name);
    }
  };
  // Mostly, contexts out of place first (the file still parses: the engine has work), then 0 to 3
  // blind mutations (about half of the mutants stop parsing: the engine must leave them alone).
  const later = TEXT_OPS[0];
  if (r() < 0.75) for (let k = 1 + Math.floor(r() * 3); k > 0; k--) apply(later);
  const blind = TEXT_OPS.slice(1);
  const total = blind.reduce((s, o) => s + o.weight, 0);
  const x = r();
  for (let n = x < 0.3 ? 0 : x < 0.7 ? 1 : x < 0.9 ? 2 : 3; n > 0; n--) {
    let y = r() * total;
    apply(blind.find((o) => (y -= o.weight) < 0) ?? blind[0]);
  }
  let bytes: Buffer = Buffer.from(text, 'utf8');
  for (const op of BYTE_OPS) {
    if (r() < op.p) {
      bytes = op.apply(bytes, r);
      ops.push(op.name);
    }
  }
  const base = path.basename(src.rel);
  return { index, origin: src.rel, rel: `m${String(index).padStart(5, '0')}/${base}`, bytes, ops };
}

// ---------------------------------------------------------------------------------------------
// Checks

const LISTS = new Set(['parameter_list', 'argument_list']);

/**
 * The text with every evaluation-order temporary put back where it came from (lib/temps.ts): a
 * short variable declaration `a, b := x, y` whose names are each used once in what follows it in
 * its block, there as an item of an argument list of the next statement, is dropped, and each name
 * replaced by its expression. Done to both sides of a change before they are compared, a binding
 * the input had in that shape is put back on both; what is left must then be a permutation (or
 * insertion), as for any other call.
 */
export function inlineTemporaries(text: string, rel: string): string {
  for (let round = 0; round < 100; round++) {
    const pf = parseSource(PSEUDO_SF(rel), Buffer.from(text, 'utf8'));
    if (pf.error) return text;
    let edits: { start: number; end: number; text: string }[] | null = null;
    for (const decl of pf.root.descendantsOfType('short_var_declaration')) if ((edits = tempEdit(decl))) break;
    if (!edits) return text;
    for (const e of edits.sort((a, b) => b.start - a.start)) text = text.slice(0, e.start) + e.text + text.slice(e.end);
  }
  return text;
}

/** The edits that inline one temporary binding, or null when it is not in that shape. */
function tempEdit(decl: Node): { start: number; end: number; text: string }[] | null {
  const left = decl.childForFieldName('left');
  const right = decl.childForFieldName('right');
  const next = decl.nextNamedSibling;
  if (!left || !right || !next || next.type === 'comment') return null;
  const names = left.namedChildren;
  const values = right.namedChildren;
  if (!names.length || names.length !== values.length || names.some((x) => x.type !== 'identifier' || x.text === '_')) return null;
  // Every identifier after the binding, in the rest of the block.
  const after: Node[] = [];
  for (let st: Node | null = next; st; st = st.nextNamedSibling) after.push(...st.descendantsOfType('identifier'));
  const edits: { start: number; end: number; text: string }[] = [{ start: decl.startIndex, end: next.startIndex, text: '' }];
  for (const [i, name] of names.entries()) {
    const uses = after.filter((id) => id.text === name.text);
    if (uses.length !== 1 || uses[0].parent?.type !== 'argument_list' || !contains(next, uses[0])) return null;
    edits.push({ start: uses[0].startIndex, end: uses[0].endIndex, text: values[i].text });
  }
  return edits;
}

function contains(outer: Node, inner: Node): boolean {
  return outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex;
}

function where(n: Node): string {
  return `${n.startPosition.row + 1}:${n.startPosition.column + 1}`;
}

/**
 * Null when `b` is `a` with only the items of parameter and argument lists reordered (moved items
 * may carry reorderings of their own), or where they first differ otherwise.
 */
export function onlyListsPermuted(a: Node, b: Node): string | null {
  if (a.text === b.text) return null;
  if (a.type !== b.type) return `${a.type} at ${where(a)} became ${b.type} at ${where(b)}`;
  if (a.childCount !== b.childCount) return `${a.type} at ${where(a)}: ${a.childCount} children became ${b.childCount}`;
  if (a.childCount === 0) return `${JSON.stringify(a.text.slice(0, 40))} at ${where(a)} became ${JSON.stringify(b.text.slice(0, 40))}`;
  const ac = a.children;
  const bc = b.children;
  if (LISTS.has(a.type)) {
    const used = new Array<boolean>(ac.length).fill(false);
    for (const y of bc) {
      const i = ac.findIndex((x, k) => !used[k] && x.type === y.type && onlyListsPermuted(x, y) === null);
      if (i < 0) return `${a.type} at ${where(a)}: ${JSON.stringify(y.text.slice(0, 60))} at ${where(y)} is not one of its old items`;
      used[i] = true;
    }
    return null;
  }
  for (let i = 0; i < ac.length; i++) {
    const d = onlyListsPermuted(ac[i], bc[i]);
    if (d) return d;
  }
  return null;
}

/** The leaves of a tree that are tokens (not statement terminators or whitespace). */
function leafTokens(root: Node): string[] {
  const out: string[] = [];
  const cursor = root.walk();
  let down = true;
  for (;;) {
    if (down && cursor.gotoFirstChild()) continue;
    const n = cursor.currentNode;
    if (n.childCount === 0) {
      const t = n.text;
      if (t.trim() !== '' && t !== ';') out.push(t);
    }
    if (cursor.gotoNextSibling()) {
      down = true;
      continue;
    }
    if (!cursor.gotoParent()) break;
    down = false;
  }
  return out;
}

/** Null when every token of `a` is still in `b`, in order (b only inserts), or what went missing. */
export function onlyInsertions(a: Node, b: Node): string | null {
  const x = leafTokens(a);
  const y = leafTokens(b);
  let j = 0;
  for (let i = 0; i < x.length; i++) {
    while (j < y.length && y[j] !== x[i]) j++;
    if (j === y.length) return `token ${i} ${JSON.stringify(x[i])} (after ${JSON.stringify(x.slice(Math.max(0, i - 5), i).join(' '))}) is gone or moved`;
    j++;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Runs

export type FindingKind = 'crash' | 'internal-error' | 'bad-write' | 'not-idempotent';

export interface Finding {
  kind: FindingKind;
  pass: string;
  /** Mutant index (null for a batch-level crash that no single mutant reproduces). */
  mutant: number | null;
  origin: string;
  ops: string[];
  what: string;
}

export interface Pass {
  name: string;
  transforms: Transform[];
  /** What a change may be, beyond parsing and round-tripping. */
  check: 'permutation' | 'insertion' | 'none';
}

export function defaultPasses(): Pass[] {
  const t = (n: string) => {
    const x = findTransform(n);
    return x ? [x] : [];
  };
  const passes: Pass[] = [
    { name: 'ctx-first', transforms: t('ctx-first'), check: 'permutation' },
    { name: 'ctx-last', transforms: t('ctx-last'), check: 'permutation' },
    { name: 'ctx-closure', transforms: t('ctx-closure'), check: 'insertion' },
  ];
  // The default set together, when it is more than one of the above.
  if (defaultTransforms().length > 1) passes.push({ name: 'default', transforms: defaultTransforms(), check: 'none' });
  return passes.filter((p) => p.transforms.length > 0);
}

export interface FuzzOptions {
  seed: number;
  count: number;
  /** Mutants per temp module, and per worker process (default 100). */
  batch?: number;
  /** Only these mutant indexes (reproducing a finding). */
  only?: number[];
  /** Names of the passes to run (default: all of defaultPasses()). */
  passes?: string[];
  /** Check that a second run of each pass changes nothing (default true). */
  idempotence?: boolean;
  /** Check parses with gofmt too, when it is on PATH (default true). */
  gofmt?: boolean;
  goroot?: string;
  /** Work here and keep it (each batch in <outDir>/b<first index>/batch/m<index>/<file>). */
  outDir?: string;
  /**
   * Run the batches in this process instead of one child process each. The children give memory
   * back (tree-sitter's native trees are not freed after a parse in node-tree-sitter 0.25, ~0.4 MB
   * per file) and survive a native crash or a hang; in-process is for debugging.
   */
  inProcess?: boolean;
  /** A batch that takes longer is killed and counted as a crash (default 15 minutes). */
  batchTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface PassStats {
  /** Files the pass changed. */
  changed: number;
  signaturesMoved: number;
  callSitesUpdated: number;
}

export interface FuzzResult {
  seed: number;
  count: number;
  ms: number;
  corpus: number;
  /** Mutants tree-sitter parses without error (the others must never be written). */
  parsed: number;
  /** Mutants gofmt parses (null when gofmt was not used). */
  gofmtParsed: number | null;
  passes: Record<string, PassStats>;
  findings: Finding[];
  crashes: number;
  badWrites: number;
  notIdempotent: number;
}

function gofmtAvailable(): boolean {
  return spawnSync('gofmt', [], { input: 'package p\n', encoding: 'utf8' }).status === 0;
}

/** The files (relative to dir) that gofmt cannot parse. */
function gofmtErrors(dir: string, rels: string[]): Set<string> {
  const bad = new Set<string>();
  for (let i = 0; i < rels.length; i += 200) {
    const part = rels.slice(i, i + 200);
    const r = spawnSync('gofmt', ['-l', '-e', ...part], { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20 });
    for (const line of r.stderr.split('\n')) {
      const m = /^(.+?\.go):\d+:\d+: /.exec(line);
      if (m) bad.add(m[1]);
    }
  }
  return bad;
}

function writeMutants(dir: string, ms: Mutant[]): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'go.mod'), 'module fuzz\n\ngo 1.24\n');
  for (const m of ms) {
    fs.mkdirSync(path.join(dir, path.dirname(m.rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, m.rel), m.bytes);
  }
}

async function runPass(dir: string, pass: Pass): Promise<RunResult> {
  const ws = await discover([], { cwd: dir });
  return runTransforms(ws, pass.transforms, { allowTypesBefore: [] });
}

const errText = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

/** One batch, as a worker gets it: plain data. */
export interface BatchJob {
  seed: number;
  indexes: number[];
  passes: string[];
  idempotence: boolean;
  gofmt: boolean;
  goroot: string;
  /** A directory of the batch's own (created, and left for the caller to remove). */
  work: string;
}

export interface BatchResult {
  parsed: number;
  gofmtParsed: number;
  passes: Record<string, PassStats>;
  findings: Finding[];
}

function selectPasses(names: string[]): Pass[] {
  const all = defaultPasses();
  return names.map((n) => {
    const p = all.find((x) => x.name === n);
    if (!p) throw new Error(`unknown pass ${JSON.stringify(n)}; known: ${all.map((x) => x.name).join(', ')}`);
    return p;
  });
}

/** Runs one batch in this process. */
export async function runBatch(job: BatchJob): Promise<BatchResult> {
  const corpus = loadCorpus(job.goroot);
  const passes = selectPasses(job.passes);
  const res: BatchResult = {
    parsed: 0,
    gofmtParsed: 0,
    passes: Object.fromEntries(passes.map((p) => [p.name, { changed: 0, signaturesMoved: 0, callSitesUpdated: 0 }])),
    findings: [],
  };
  const add = (f: Finding) => res.findings.push(f);
  const ms = job.indexes.map((i) => makeMutant(corpus, job.seed, i));
  const dir = path.join(job.work, 'batch');
  writeMutants(dir, ms);
  const byRel = new Map(ms.map((m) => [m.rel, m]));
  // What parses before anything runs.
  const treeOk = new Map<string, boolean>();
  for (const m of ms) {
    const ok = !parseSource(PSEUDO_SF(m.rel), m.bytes).error;
    treeOk.set(m.rel, ok);
    if (ok) res.parsed++;
  }
  const gofmtBad = job.gofmt ? gofmtErrors(dir, ms.map((m) => m.rel)) : new Set<string>();
  res.gofmtParsed = ms.filter((m) => !gofmtBad.has(m.rel)).length;

  for (const pass of passes) {
    const run = await runGuarded(dir, pass, ms, add);
    if (!run) continue;
    const st = res.passes[pass.name];
    st.signaturesMoved += run.report.signaturesMoved;
    st.callSitesUpdated += run.report.callSitesUpdated;
    for (const e of run.report.errors) {
      if (/internal error/.test(e.message)) {
        const m = byRel.get(e.file);
        add({ kind: 'internal-error', pass: pass.name, mutant: m?.index ?? null, origin: m?.origin ?? e.file, ops: m?.ops ?? [], what: e.message });
      }
    }
    const changes = run.changes.filter((c) => !Buffer.from(c.after, c.encoding).equals(c.before));
    st.changed += changes.length;
    const outDir = path.join(job.work, 'out');
    fs.rmSync(outDir, { recursive: true, force: true });
    for (const c of changes) {
      const m = byRel.get(c.file.rel);
      const problem = checkChange(c, pass, treeOk.get(c.file.rel) ?? false);
      if (problem) add({ kind: 'bad-write', pass: pass.name, mutant: m?.index ?? null, origin: m?.origin ?? c.file.rel, ops: m?.ops ?? [], what: `${c.file.rel}: ${problem}` });
      fs.mkdirSync(path.join(outDir, path.dirname(c.file.rel)), { recursive: true });
      fs.writeFileSync(path.join(outDir, c.file.rel), Buffer.from(c.after, c.encoding));
    }
    if (job.gofmt && changes.length) {
      const after = gofmtErrors(outDir, changes.map((c) => c.file.rel));
      for (const c of changes) {
        if (!gofmtBad.has(c.file.rel) && after.has(c.file.rel)) {
          const m = byRel.get(c.file.rel)!;
          add({ kind: 'bad-write', pass: pass.name, mutant: m.index, origin: m.origin, ops: m.ops, what: `${c.file.rel}: gofmt parsed it before, not after` });
        }
      }
    }
    if (job.idempotence && changes.length) {
      // Apply, run the pass again over the whole batch: nothing may change. (Not over the changed
      // mutants alone: the engine's name-based checks span the workspace, so a broken mutant
      // elsewhere in the batch may rightly hold back a change, the same way both times.)
      for (const c of changes) fs.writeFileSync(path.join(dir, c.file.rel), Buffer.from(c.after, c.encoding));
      const again = await runGuarded(dir, pass, ms, add, 'second run: ');
      if (again) {
        for (const c of again.changes) {
          if (Buffer.from(c.after, c.encoding).equals(c.before)) continue;
          const m = byRel.get(c.file.rel);
          const first = c.before.toString('latin1');
          const second = Buffer.from(c.after, c.encoding).toString('latin1');
          let i = 0;
          while (i < first.length && first[i] === second[i]) i++;
          const line = first.slice(0, i).split('\n').length;
          add({ kind: 'not-idempotent', pass: pass.name, mutant: m?.index ?? null, origin: m?.origin ?? c.file.rel, ops: m?.ops ?? [], what: `${c.file.rel}: a second run changes line ${line} again` });
        }
      }
      for (const c of changes) fs.writeFileSync(path.join(dir, c.file.rel), byRel.get(c.file.rel)?.bytes ?? c.before);
    }
  }
  return res;
}

/** The worker side: scripts/fuzz.js --worker gets one BatchJob over IPC and sends back its BatchResult. */
export function serveBatch(): void {
  process.once('message', (job: BatchJob) => {
    runBatch(job).then(
      (r) => process.send!({ ok: r }, () => process.exit(0)),
      (e: unknown) => process.send!({ error: e instanceof Error ? e.stack ?? e.message : String(e) }, () => process.exit(0)),
    );
  });
}

/** Runs a batch in a child process; null with why when it dies, hangs or fails. */
function batchInChild(job: BatchJob, timeoutMs: number): Promise<{ ok: BatchResult } | { error: string }> {
  const worker = fileURLToPath(new URL('./fuzz.js', import.meta.url));
  return new Promise((resolve) => {
    const child = fork(worker, ['--worker'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr = (stderr + s).slice(-4000)));
    let answer: { ok: BatchResult } | { error: string } | null = null;
    const timer = setTimeout(() => {
      answer ??= { error: `no result after ${Math.round(timeoutMs / 1000)} s: killed` };
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('message', (m: { ok: BatchResult } | { error: string }) => (answer ??= m));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(answer ?? { error: `worker died (${signal ?? `exit ${code}`}) without a result${stderr ? `: ${stderr.trim().split('\n').slice(-5).join(' | ')}` : ''}` });
    });
    child.send(job);
  });
}

export async function fuzz(opts: FuzzOptions): Promise<FuzzResult> {
  const started = Date.now();
  const log = opts.log ?? (() => undefined);
  const root = opts.goroot ?? goroot();
  const corpus = loadCorpus(root);
  if (corpus.length === 0) throw new Error('no Go file using package context found in the standard library');
  const passNames = opts.passes ?? defaultPasses().map((p) => p.name);
  selectPasses(passNames);
  const useGofmt = (opts.gofmt ?? true) && gofmtAvailable();
  const batchSize = opts.batch ?? 100;
  const timeoutMs = opts.batchTimeoutMs ?? 15 * 60_000;
  const indexes = opts.only ?? Array.from({ length: opts.count }, (_, i) => i);
  const res: FuzzResult = {
    seed: opts.seed,
    count: indexes.length,
    ms: 0,
    corpus: corpus.length,
    parsed: 0,
    gofmtParsed: useGofmt ? 0 : null,
    passes: Object.fromEntries(passNames.map((p) => [p, { changed: 0, signaturesMoved: 0, callSitesUpdated: 0 }])),
    findings: [],
    crashes: 0,
    badWrites: 0,
    notIdempotent: 0,
  };
  const show = (f: Finding) => log(`  ${f.kind} [${f.pass}] mutant ${f.mutant ?? '?'} (${f.origin}; ${f.ops.join(', ')}): ${f.what}`);
  const merge = (r: BatchResult) => {
    res.parsed += r.parsed;
    if (useGofmt) res.gofmtParsed! += r.gofmtParsed;
    for (const [n, s] of Object.entries(r.passes)) {
      const t = res.passes[n];
      t.changed += s.changed;
      t.signaturesMoved += s.signaturesMoved;
      t.callSitesUpdated += s.callSitesUpdated;
    }
    for (const f of r.findings) {
      res.findings.push(f);
      show(f);
    }
  };
  const work = opts.outDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'goshift-fuzz-'));
  const jobFor = (ids: number[]): BatchJob => ({
    seed: opts.seed, indexes: ids, passes: passNames, idempotence: opts.idempotence ?? true, gofmt: useGofmt, goroot: root,
    work: path.join(work, `b${ids[0]}`),
  });
  const runJob = async (job: BatchJob) => {
    try {
      return opts.inProcess ? { ok: await runBatch(job) } : await batchInChild(job, timeoutMs);
    } catch (e) {
      return { error: errText(e) };
    } finally {
      if (!opts.outDir) fs.rmSync(job.work, { recursive: true, force: true });
    }
  };
  try {
    for (let b = 0; b < indexes.length; b += batchSize) {
      const ids = indexes.slice(b, b + batchSize);
      const r = await runJob(jobFor(ids));
      if ('ok' in r) {
        merge(r.ok);
      } else {
        // The batch died, hung or threw outside runTransforms: find the mutants that do it alone.
        log(`fuzz: batch ${ids[0]}..${ids[ids.length - 1]} failed (${r.error}); running its mutants one by one`);
        let found = false;
        for (const id of ids) {
          const one = await runJob(jobFor([id]));
          if ('ok' in one) {
            merge(one.ok);
          } else {
            found = true;
            const m = makeMutant(corpus, opts.seed, id);
            const f: Finding = { kind: 'crash', pass: '(worker)', mutant: id, origin: m.origin, ops: m.ops, what: one.error };
            res.findings.push(f);
            show(f);
          }
        }
        if (!found) {
          const f: Finding = { kind: 'crash', pass: '(worker)', mutant: null, origin: `batch ${ids[0]}..${ids[ids.length - 1]}`, ops: [], what: `${r.error}; no mutant alone does it` };
          res.findings.push(f);
          show(f);
        }
      }
      log(`fuzz: ${Math.min(b + batchSize, indexes.length)}/${indexes.length} mutants, ${res.findings.length} findings, ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
  } finally {
    if (!opts.outDir) fs.rmSync(work, { recursive: true, force: true });
  }
  res.ms = Date.now() - started;
  res.crashes = res.findings.filter((f) => f.kind === 'crash' || f.kind === 'internal-error').length;
  res.badWrites = res.findings.filter((f) => f.kind === 'bad-write').length;
  res.notIdempotent = res.findings.filter((f) => f.kind === 'not-idempotent').length;
  return res;
}

/**
 * Runs a pass; when it throws, finds which mutants make it throw by running each alone, and
 * reports them. Returns null when the batch run threw.
 */
async function runGuarded(dir: string, pass: Pass, ms: Mutant[], add: (f: Finding) => void, prefix = ''): Promise<RunResult | null> {
  try {
    return await runPass(dir, pass);
  } catch (e) {
    const alone = path.join(dir + '-alone');
    let found = false;
    for (const m of ms) {
      writeMutants(alone, [{ ...m, bytes: fs.readFileSync(path.join(dir, m.rel)) }]);
      try {
        await runPass(alone, pass);
      } catch (e2) {
        found = true;
        add({ kind: 'crash', pass: pass.name, mutant: m.index, origin: m.origin, ops: m.ops, what: `${prefix}runTransforms threw ${errText(e2)}` });
      }
    }
    fs.rmSync(alone, { recursive: true, force: true });
    if (!found) add({ kind: 'crash', pass: pass.name, mutant: null, origin: `batch of mutants ${ms[0].index}..${ms[ms.length - 1].index}`, ops: [], what: `${prefix}runTransforms threw ${errText(e)} on the batch, on no mutant alone` });
    return null;
  }
}

/** What is wrong with one change, or null. */
export function checkChange(c: FileChange, pass: Pass, parsedBefore: boolean): string | null {
  if (!parsedBefore) return 'tree-sitter could not parse it, yet it was changed';
  const d = decode(c.before);
  if (d.encoding !== c.encoding) return `read as ${d.encoding}, written as ${c.encoding}`;
  if (!Buffer.from(d.text, d.encoding).equals(c.before)) return 'its bytes do not round-trip through the decoded text';
  const afterBytes = Buffer.from(c.after, c.encoding);
  // The bytes before the first change and after the last are the same.
  let p = 0;
  while (p < d.text.length && d.text[p] === c.after[p]) p++;
  let s = 0;
  while (s < d.text.length - p && s < c.after.length - p && d.text[d.text.length - 1 - s] === c.after[c.after.length - 1 - s]) s++;
  const pb = Buffer.byteLength(d.text.slice(0, p), c.encoding);
  const sb = Buffer.byteLength(d.text.slice(d.text.length - s), c.encoding);
  if (!c.before.subarray(0, pb).equals(afterBytes.subarray(0, pb)) || !c.before.subarray(c.before.length - sb).equals(afterBytes.subarray(afterBytes.length - sb))) {
    return 'bytes outside the changed region differ';
  }
  const shape = shapeChange(c.before, afterBytes);
  if (shape) return shape;
  const parsedAfter = parseSource(PSEUDO_SF(c.file.rel), afterBytes);
  if (parsedAfter.error) return `tree-sitter parsed it before, not after: ${parsedAfter.error.line}:${parsedAfter.error.column}: ${parsedAfter.error.message}`;
  // Temporaries that keep the evaluation order (lib/temps.ts) put back on both sides.
  const before = parseSource(PSEUDO_SF(c.file.rel), Buffer.from(inlineTemporaries(d.text, c.file.rel), 'utf8'));
  const after = parseSource(PSEUDO_SF(c.file.rel), Buffer.from(inlineTemporaries(c.after, c.file.rel), 'utf8'));
  if (before.error || after.error) return `the temporaries put back, it no longer parses (${before.error ? 'before' : 'after'})`;
  try {
    if (pass.check === 'permutation') {
      const diff = onlyListsPermuted(before.root, after.root);
      if (diff) return `changed outside parameter and argument lists: ${diff}`;
    } else if (pass.check === 'insertion') {
      const diff = onlyInsertions(before.root, after.root);
      if (diff) return `not only insertions: ${diff}`;
    }
  } catch (e) {
    if (e instanceof RangeError) return null; // the checker's own recursion on a very deep tree: not a finding
    throw e;
  }
  return null;
}

/**
 * What a file's bytes are like beyond its tokens, which no transform may change: a BOM, the line
 * endings (CRLF only, LF only), the final newline, the bytes that are not ASCII (transforms insert
 * ASCII only, and move text around).
 */
function shapeChange(a: Buffer, b: Buffer): string | null {
  const bom = (x: Buffer) => x.length >= 3 && x[0] === 0xef && x[1] === 0xbb && x[2] === 0xbf;
  if (bom(a) !== bom(b)) return bom(a) ? 'the BOM is lost' : 'a BOM appeared';
  const endings = (x: Buffer) => {
    const s = x.toString('latin1');
    const crlf = (s.match(/\r\n/g) ?? []).length;
    const lf = (s.match(/\n/g) ?? []).length - crlf;
    return crlf > 0 && lf === 0 ? 'CRLF' : lf > 0 && crlf === 0 ? 'LF' : crlf + lf === 0 ? 'none' : 'mixed';
  };
  const [ea, eb] = [endings(a), endings(b)];
  if (ea !== eb && ea !== 'mixed' && ea !== 'none') return `line endings were ${ea}, are ${eb}`;
  const final = (x: Buffer) => x.length > 0 && x[x.length - 1] === 0x0a;
  if (final(a) !== final(b)) return final(a) ? 'the final newline is lost' : 'a final newline appeared';
  const high = (x: Buffer) => {
    const n = new Map<number, number>();
    for (const v of x) if (v >= 0x80) n.set(v, (n.get(v) ?? 0) + 1);
    return [...n].sort((p, q) => p[0] - q[0]).join(';');
  };
  if (high(a) !== high(b)) return 'the bytes that are not ASCII changed';
  return null;
}

export function formatFuzz(r: FuzzResult): string {
  const lines = [
    `fuzz: seed ${r.seed}, ${r.count} mutants of ${r.corpus} standard library files, ${(r.ms / 1000).toFixed(1)} s`,
    `  ${r.parsed} mutants parse (tree-sitter), ${r.gofmtParsed === null ? 'gofmt not found: its checks were skipped' : `${r.gofmtParsed} parse with gofmt`}`,
    ...Object.entries(r.passes).map(([n, s]) => `  ${n}: ${s.changed} files changed, ${s.signaturesMoved} signatures moved, ${s.callSitesUpdated} call sites updated`),
    `  crashes: ${r.crashes}, bad writes: ${r.badWrites}, not idempotent: ${r.notIdempotent}`,
  ];
  for (const f of r.findings.slice(0, 50)) lines.push(`  ${f.kind} [${f.pass}] mutant ${f.mutant ?? '?'} (${f.origin}; ${f.ops.join(', ')}): ${f.what}`);
  if (r.findings.length > 50) lines.push(`  ... and ${r.findings.length - 50} more`);
  return lines.join('\n');
}

/** The numeric flags of both fuzzers (`--seed`, `--count`, `--batch`, `--only I,J`); throws a usage message. */
export function parseRunNumbers(values: { seed?: string; count?: string; batch?: string; only?: string }): { seed: number; count: number; batch: number; only?: number[] } {
  const int = (name: string, v: string, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} wants an integer >= ${min}, not ${JSON.stringify(v)}`);
    return n;
  };
  return {
    seed: int('seed', values.seed!, 0),
    count: int('count', values.count!, 1),
    batch: int('batch', values.batch!, 1),
    only: values.only?.split(',').map((s) => int('only', s.trim(), 0)),
  };
}
