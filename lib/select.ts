// Stages 2 and 3 of the pipeline (workspace → facts → link → plan → edit → output): every file's
// facts, and from them which files are parsed at all. A file is parsed when its own code can
// declare a context parameter, names something that changes (or leads to it), or is looked at by a
// file-local transform; a package's other files only as their declarations are needed.
import path from 'node:path';
import { debugOn } from './debug.js';
import { anyWordIn, someWord, wordList, type FileFacts, type Words } from './facts.js';
import { defaultJobs, factsFor, keyOf } from './factstore.js';
import { ParseAhead } from './flatpool.js';
import { fullCollection } from './gc.js';
import type { Linker, Slot } from './link.js';
import type { Candidate } from './plan.js';
import { describe } from './plan.js';
import { CONTEXT_PATHS, Program, paramsOf, tparamsAround } from './program.js';
import { CONTEXT_FUNCS, CONTEXT_LIKE_NAME, CONTEXT_TAKERS, FOREIGN_CONTEXT_RESULTS, NEVER_CONTEXT_CALLS } from './scope.js';
import { lineOf, parseSource, SlabReader } from './source.js';
import type { ParsedFile } from './source.js';
import type { Node } from './source.js';
import type { InsertedParam, ParamView, Report, SignatureChange, SignatureView, SourceFile, Transform, TransformOptions, Workspace } from './types.js';

/** A file that could be read, with its facts. */
export interface Readable {
  sf: SourceFile;
  facts: FileFacts;
}

/** The file's code names one of the words (a file the lexer was unsure of names everything). */
export function says(facts: FileFacts, want: Set<string>): boolean {
  return facts.unsure !== undefined || anyWordIn(facts.words, want);
}

export function importsContext(facts: FileFacts): boolean {
  return facts.imports.some((i) => CONTEXT_PATHS.has(i.path));
}

/**
 * Whether a file-local transform looks at a file: its `mentions` matches an identifier or an import
 * path. Answered once per transform and file (the stages ask it some six times of every file, each
 * a regular expression over each of its words: 70 ms of a cold run over std).
 */
export function mentionsFor(t: Transform, facts: FileFacts): boolean {
  let byTransform = mentioned.get(facts);
  if (!byTransform) mentioned.set(facts, (byTransform = new Map()));
  let yes = byTransform.get(t);
  if (yes === undefined) byTransform.set(t, (yes = mentions(t, facts)));
  return yes;
}
/** mentionsFor's answers, forgotten for a file whose facts change (refineCaptures). */
const mentioned = new WeakMap<FileFacts, Map<Transform, boolean>>();

function mentions(t: Transform, facts: FileFacts): boolean {
  if (facts.unsure !== undefined) return true;
  if (t.funcLiteralsOnly && !facts.funcLits) return false;
  if (t.runLiteralsOnly && !facts.runLits) return false;
  if (t.runLiteralsOnly && t.capturingLiteralsOnly && !facts.captureLits) return false;
  return !t.mentions || someWord(facts.words, (w) => t.mentions!.test(w)) || facts.imports.some((i) => t.mentions!.test(i.path));
}

/** Reads every file once; those that cannot be read are reported (and listed in `unreadable`). */
export function readInputs(ws: Workspace, opts: TransformOptions, report: Report, unreadable: { abs: string; rel: string }[]): Input[] {
  const { inputs: all, read } = streamInputs(ws, report, unreadable);
  const inputs: Input[] = [];
  all.forEach((x, i) => {
    opts.progress?.({ stage: 'read', done: inputs.length, total: all.length });
    const bytes = read(i);
    if (bytes) inputs.push({ ...x, bytes });
  });
  return inputs;
}

export type Input = { sf: SourceFile; abs: string; bytes: Buffer };

/** What an input's bytes are before streamInputs' `read` and once readFacts has their facts. */
const NO_BYTES = Buffer.alloc(0);

/**
 * The inputs of a cold run, not read yet: readFacts reads each (`read`, by index) as the facts
 * pass comes to it, so that workers compute the first files' facts while the rest are read. A file
 * that cannot be read is reported and listed in `unreadable` as readInputs would, in the same
 * order, and readFacts leaves it out of the inputs. Every file's bytes are let go once their facts
 * are in (readFacts): read into slabs, the memory goes back then.
 */
export function streamInputs(ws: Workspace, report: Report, unreadable: { abs: string; rel: string }[]): { inputs: Input[]; read: (i: number) => Buffer | null } {
  const inputs: Input[] = ws.files.map((sf) => ({ sf, abs: sf.abs, bytes: NO_BYTES }));
  // Let go with the last file (`read` lives as long as the run's stages): its current slab with it.
  let reader: SlabReader | null = new SlabReader();
  const read = (i: number): Buffer | null => {
    const sf = inputs[i].sf;
    const r = (reader ??= new SlabReader()).read(sf);
    if (i === inputs.length - 1) reader = null;
    if ('error' in r) {
      report.errors.push({ file: sf.rel, message: r.error });
      unreadable.push({ abs: sf.abs, rel: sf.rel });
      return null;
    }
    return r.bytes;
  };
  return { inputs, read };
}

/**
 * Below this many bytes let go, readFacts leaves them to V8's own collections. The full collection
 * costs what the heap of facts does to mark (80-100 ms over std, 40 MB of files: 3% of a cold run,
 * for 35 MB of its peak); over ten copies of std (400 MB) it spares 150 MB of the peak.
 */
const COLLECT_BYTES = 64 * 1024 * 1024;

/**
 * Takes the facts of the files read (on every core, through the cache in opts.cacheDir, resolved
 * by the engine; none when null): the program knows every file's declarations, and has parsed none.
 * The inputs' bytes are taken: each is left empty, and the program reads a file again to parse it;
 * `factsIn` is called just before, when every file has its facts (and its key, keyOf).
 */
export async function readFacts(ws: Workspace, opts: TransformOptions, inputs: Input[], early?: (sf: SourceFile, facts: FileFacts) => boolean, factsIn?: () => void, read?: (i: number) => Buffer | null): Promise<{ prog: Program; readable: Readable[] }> {
  const progress = opts.progress;
  const onProgress = progress ? (done: number) => progress({ stage: 'facts', done, total: inputs.length }) : undefined;
  // While workers compute facts, this thread would wait: it parses the files that will be parsed
  // anyway (`early`) as their facts come in, a few at a time. The trees wait in `preparsed`.
  const preparsed = new Map<string, ParsedFile>();
  let unseen = inputs.map((_, i) => i);
  const meanwhile = early
    ? (facts: readonly (FileFacts | undefined)[]) => {
        const until = Date.now() + 20;
        const rest: number[] = [];
        for (const i of unseen) {
          const f = facts[i];
          if (!f) rest.push(i);
          else if (Date.now() >= until) rest.push(i);
          // (The parsed file keeps no view of the bytes, which would keep their slab.)
          else if (early(inputs[i].sf, f)) preparsed.set(inputs[i].abs, parseSource(inputs[i].sf, inputs[i].bytes, f.inert));
        }
        unseen = rest;
        // More to do now: files whose facts are in, left for the next slice.
        return rest.some((i) => facts[i] !== undefined);
      }
    : undefined;
  const { facts } = await factsFor(inputs, { jobs: opts.jobs ?? defaultJobs(), cacheDir: opts.cacheDir ?? null, onProgress, meanwhile, ...(read ? { read } : {}) });
  if (read) {
    // The files that could not be read leave the inputs (in place: the caller keeps the list), as
    // readInputs leaves them out.
    let w = 0;
    for (let i = 0; i < inputs.length; i++) {
      if (facts[i] === undefined) continue;
      inputs[w] = inputs[i];
      facts[w++] = facts[i];
    }
    inputs.length = w;
    facts.length = w;
  }
  factsIn?.();
  const byAbs = new Map<string, FileFacts>();
  inputs.forEach((x, i) => byAbs.set(x.abs, facts[i]));
  const prog = new Program(ws.files, byAbs);
  // The files' bytes are let go once their facts are in (over std, 40 MB that stayed to the end of
  // the run): a file parsed later is read again, and must hash as it did (Program.parse).
  let released = 0;
  for (const x of inputs) {
    prog.digests.set(x.abs, keyOf(x.bytes));
    prog.sizes.set(x.abs, x.bytes.length);
    released += x.bytes.length;
    x.bytes = NO_BYTES;
  }
  // Collected now, before the trees take their place; V8 would collect them late, if at all before
  // the run's peak. Only when they are many: a collection costs 10-15 ms even on a small heap.
  if (released >= COLLECT_BYTES) fullCollection()?.();
  prog.preparsed = preparsed;
  return { prog, readable: inputs.map((x) => ({ sf: x.sf, facts: byAbs.get(x.abs)! })) };
}

/** Aliases of context.Context (type Ctx = context.Context, and aliases of those): only their files are parsed. */
export function contextAliases(prog: Program, readable: Readable[]): Set<string> {
  const aliases = new Set<string>();
  for (let round = 0; round < 5; round++) {
    const before = aliases.size;
    const want = new Set(['Context', ...aliases]);
    for (const { sf, facts } of readable) {
      for (const d of facts.decls) {
        if (d.kind !== 'type' || !d.alias || aliases.has(d.name) || !anyWordIn(d.words, want)) continue;
        const td = prog.fileOf(sf)?.pkg.types.first(d.name);
        if (td && prog.typeOfTypeNode(td.typeNode, td.file).k === 'context') aliases.add(d.name);
      }
    }
    if (aliases.size === before) break;
  }
  return aliases;
}

/**
 * The bodies whose run literals may capture a context (facts' captureBodies), less those the whole
 * workspace's declarations rule out, so that a transform looking only at those (ctx-closure) neither
 * parses nor walks them. A body is ruled out when every variable its literals capture (captureWhy)
 * is declared in ways that cannot make it a context.Context: with a type that is not one (not
 * `Context`, an alias of it or a local type), from a call of a function or method no declaration of
 * that name in the workspace returns one (nor context's or the known foreign ones), from a field no
 * type mentioning a context has, from a copy of such a variable; and when any of those declarations
 * leaves its type open (a call), the variable shows no sign of being used as a context (its name,
 * a Done, Deadline or Value call, being passed to a function or method that may take one). The
 * facts are changed in place (as dropDeclWords does), after the cache has them. Nothing is ruled
 * out when a file could not be read; every name in a file the lexer was unsure of counts as one that
 * may declare or stand for a context.
 * Returns how many bodies were ruled out.
 */
export function refineCaptures(prog: Program, aliases: Set<string>, unreadable: number): number {
  const all = [...prog.facts.values()];
  if (unreadable > 0 || !all.some((f) => f.captureWhy?.length)) return 0;
  // A file the lexer was unsure of may declare anything: every name in it may be an alias of
  // context.Context, a function returning one, a builtin declared again.
  const maybeAliases = new Set(aliases);
  for (const f of all) if (f.unsure !== undefined) for (const w of wordList(f.words)) maybeAliases.add(w);
  const spells = new Set(['Context', ...maybeAliases]);
  /** Functions and methods (an interface's too) that may return a context. */
  const results = new Set<string>(['Context', ...CONTEXT_FUNCS, ...[...FOREIGN_CONTEXT_RESULTS.keys()].map((k) => k.slice(k.lastIndexOf('.') + 1))]);
  /** Functions and methods (an interface's too) that may take a context, with the positions (-1: any). */
  const takes = new Map<string, Set<number>>();
  const take = (name: string, at: number) => {
    const s = takes.get(name);
    if (s) s.add(at);
    else takes.set(name, new Set([at]));
  };
  for (const f of CONTEXT_TAKERS) take(f, 0);
  /** Fields that may hold a context (their type mentions one). */
  const fields = new Set<string>(['Context']);
  /** Builtin functions and predeclared types that a directory's files declare again, by directory. */
  const redeclared = new Map<string, Set<string>>();
  const redeclare = (abs: string, w: string) => {
    const dir = path.dirname(abs);
    let set = redeclared.get(dir);
    if (!set) redeclared.set(dir, (set = new Set()));
    set.add(w);
  };
  const both = (w: string) => {
    results.add(w);
    take(w, -1);
    fields.add(w);
  };
  for (const [abs, facts] of prog.facts) {
    // What a file the lexer was unsure of declares is unknown: every name in it may be anything.
    if (facts.unsure !== undefined) {
      for (const w of wordList(facts.words)) {
        both(w);
        if (NEVER_CONTEXT_CALLS.has(w)) redeclare(abs, w);
      }
      continue;
    }
    for (const c of wordList(facts.consts)) if (NEVER_CONTEXT_CALLS.has(c)) redeclare(abs, c);
    for (const d of facts.decls) {
      if (NEVER_CONTEXT_CALLS.has(d.name)) redeclare(abs, d.name);
      if (d.kind === 'var') continue;
      if (!anyWordIn(d.words, spells)) continue;
      // Spelled by an alias: where it stands is not recorded.
      const aliased = maybeAliases.size > 0 && anyWordIn(d.words, maybeAliases);
      if (d.kind === 'type') {
        if (aliased) for (const w of wordList(d.words)) both(w);
        for (const f of d.fields ?? []) if (anyWordIn(f.words, spells)) fields.add(f.name);
        for (const m of d.im ?? []) {
          const [tag, name, at] = m.split(':');
          if (tag === 'r') results.add(name);
          else for (const i of at.split(',')) take(name, Number(i));
        }
        continue;
      }
      if (aliased) {
        take(d.name, -1);
        results.add(d.name);
        continue;
      }
      for (const i of d.cp ?? []) take(d.name, i);
      if (d.cr) results.add(d.name);
    }
  }
  let ruledOut = 0;
  for (const [abs, facts] of prog.facts) {
    const why = facts.captureWhy;
    if (!why || facts.unsure !== undefined || why.length !== facts.captureBodies.length) continue;
    const local = new Set(facts.localTypes);
    // The file's own package-level variables are the only ones its scope walk sees (lib/scope.ts).
    const vars = new Set([...facts.decls.filter((d) => d.kind === 'var').map((d) => d.name), ...wordList(facts.consts)]);
    const redecl = redeclared.get(path.dirname(abs)) ?? new Set<string>();
    const keep: number[] = [];
    const keepWhy: string[][] = [];
    facts.captureBodies.forEach((b, i) => {
      if (mayCatchContext(why[i], spells, local, { results, takes, fields, vars, redeclared: redecl })) {
        keep.push(b);
        keepWhy.push(why[i]);
      } else ruledOut++;
    });
    if (keep.length === facts.captureBodies.length) continue;
    facts.captureBodies = keep;
    facts.captureWhy = keepWhy;
    facts.captureLits = keep.length > 0 || !!facts.captureTop;
    mentioned.delete(facts);
  }
  return ruledOut;
}

/** Whether what a body's literals capture (captureWhy's entries) may hold a context, or may be one ctx-closure would report. */
function mayCatchContext(entries: string[], spells: Set<string>, local: Set<string>, ws: { results: Set<string>; takes: Map<string, Set<number>>; fields: Set<string>; vars: Set<string>; redeclared: Set<string> }): boolean {
  const { results, takes, fields, vars, redeclared } = ws;
  let name = '';
  let open = false;
  let sign = false;
  /** Fields and methods of the struct and interface types written in the function. */
  const members = new Set<string>();
  const verdict = () => open && (sign || CONTEXT_LIKE_NAME.test(name));
  for (const e of entries) {
    if (e === '?') return true;
    const tag = e.slice(0, 2);
    const w = e.slice(2);
    switch (tag) {
      case 'n:':
        if (verdict()) return true;
        name = w;
        open = false;
        sign = false;
        break;
      case 't:':
      case 'a:':
        if (spells.has(w) || local.has(w)) return true;
        break;
      case 'f:':
        members.add(w);
        break;
      case 'c:':
        if (results.has(w) || members.has(w)) return true;
        // A builtin or a conversion to a predeclared type returns no context (scope.ts's NEVER_CONTEXT_CALLS).
        if (!NEVER_CONTEXT_CALLS.has(w) || redeclared.has(w)) open = true;
        break;
      case 'l:':
        open = true;
        break;
      case 's:':
        if (fields.has(w) || members.has(w)) return true;
        break;
      case 'v:':
        // A package-level variable of the file: what it holds is not followed here.
        if (vars.has(w)) return true;
        break;
      case 'p:': {
        if (w === '?') {
          sign = true;
          break;
        }
        // Passed as argument `at` of a function or method of that name: one that takes a context
        // there, or the first argument of a …Context function (scope.ts's contextSign); or of a
        // method of an interface type written in the function.
        const colon = w.lastIndexOf(':');
        const callee = w.slice(0, colon);
        const at = Number(w.slice(colon + 1));
        const where = takes.get(callee);
        if ((at === 0 && /Context$/.test(callee)) || where?.has(at) || where?.has(-1) || members.has(callee)) sign = true;
        break;
      }
      default:
        if (e === 'm') sign = true;
        else return true;
    }
  }
  return verdict();
}

/**
 * Which files parseContextFiles parses, criterion by criterion. With fewer aliases known, each
 * criterion holds of fewer files: without any, they say which files are parsed before all facts are
 * in (readFacts' `early`).
 */
function contextFileCriteria(reorderers: Transform[], rewriters: Transform[], aliases: Set<string>) {
  // A file declaring a context parameter imports context, is in package context, or uses an alias.
  // When every transform moves only contexts that are not first, a file declares one only if the
  // context type's name (or a local type's) ends a later element of one of its lists.
  const notFirst = reorderers.every((t) => t.contextsNotFirst || t.changeNames);
  const spells = new Set(['Context', ...aliases]);
  const laterContext = (facts: FileFacts) => facts.unsure !== undefined || facts.later.some((w) => spells.has(w) || facts.localTypes.includes(w));
  const placed = (facts: FileFacts) => !notFirst || laterContext(facts);
  const context = (sf: SourceFile, facts: FileFacts) => reorderers.length > 0 && (importsContext(facts) || CONTEXT_PATHS.has(sf.importPath) || says(facts, aliases)) && placed(facts);
  const rewritten = (t: Transform, sf: SourceFile, facts: FileFacts) => sf.target && mentionsFor(t, facts);
  const named = (t: Transform, facts: FileFacts) => !!t.changeNames && (facts.unsure !== undefined || someWord(facts.words, (w) => t.changeNames!.test(w)));
  return {
    // A change that spreads up the call graph may reach any function.
    all: reorderers.some((t) => t.plumb),
    context,
    /** The file can hold a context where a transform moves it from (every transform moving contexts not first: a later element of a list). */
    placed,
    rewritten,
    // A transform asked about declarations by name: the files whose code names one.
    named,
    // Read only by file-local transforms that look at literals the code runs, and by nothing else
    // parseContextFiles parses for: such a file, unless the linker walks it, is parsed with the
    // bodies of the other functions blank (runBodiesOnly).
    runOnly: (sf: SourceFile, facts: FileFacts) =>
      !context(sf, facts) &&
      !reorderers.some((t) => named(t, facts)) &&
      rewriters.some((t) => rewritten(t, sf, facts)) &&
      rewriters.every((t) => t.runLiteralsOnly || !rewritten(t, sf, facts)),
    // Of those, read only by transforms that look at the literals that may capture a context: only those bodies are kept.
    captureOnly: (sf: SourceFile, facts: FileFacts) => rewriters.every((t) => t.capturingLiteralsOnly || !rewritten(t, sf, facts)),
  };
}

/** Parses the files that can declare a context parameter a transform moves, and those the file-local transforms look at. */
export async function parseContextFiles(prog: Program, readable: Readable[], aliases: Set<string>, reorderers: Transform[], rewriters: Transform[], jobs: number, progress?: TransformOptions['progress']): Promise<RunOnly[]> {
  const c = contextFileCriteria(reorderers, rewriters, aliases);
  if (c.all) {
    await parseAll(prog, readable, jobs, progress);
    return [];
  }
  // Files only transforms looking at run literals read: parsed once the linker's files are known (linkRelevant).
  const runOnly = readable.filter(({ sf, facts }) => c.runOnly(sf, facts));
  const later = new Set(runOnly);
  const want = readable.filter(({ sf, facts }) => c.context(sf, facts));
  for (const t of rewriters) want.push(...readable.filter((r) => c.rewritten(t, r.sf, r.facts) && !later.has(r)));
  for (const t of reorderers) if (t.changeNames) want.push(...readable.filter(({ facts }) => c.named(t, facts)));
  await parseAll(prog, [...new Set(want)], jobs, progress);
  return runOnly.filter(({ sf }) => !prog.isParsed(sf)).map((r) => ({ ...r, capture: c.captureOnly(r.sf, r.facts) }));
}

/** A file only transforms looking at run literals read; `capture` when they all look only at those that may capture a context. */
export type RunOnly = Readable & { capture: boolean };

/**
 * Files parseContextFiles will parse whatever the aliases of context.Context turn out to be: they
 * can be parsed as soon as their own facts are in, while the workers compute the others'.
 */
export function parsedEarly(reorderers: Transform[], rewriters: Transform[]): (sf: SourceFile, facts: FileFacts) => boolean {
  const c = contextFileCriteria(reorderers, rewriters, new Set());
  return (sf, facts) => c.all || c.context(sf, facts) || rewriters.some((t) => c.rewritten(t, sf, facts) && !c.runOnly(sf, facts)) || reorderers.some((t) => c.named(t, facts));
}

/** Parses files (those parsed already cost nothing), telling `progress` how many of them are done. */
async function parseAll(prog: Program, files: Readable[], jobs: number, progress?: TransformOptions['progress']): Promise<void> {
  // Read and parsed ahead on the workers, in this order, those not parsed yet.
  const todo = files.filter(({ sf }) => !prog.isParsed(sf) && !prog.preparsed.has(sf.abs));
  const ahead = new ParseAhead(todo.map(({ sf, facts }) => ({ abs: sf.abs, inert: facts.inert })), jobs);
  try {
    let k = 0;
    for (let i = 0; i < files.length; i++) {
      const { sf } = files[i];
      progress?.({ stage: 'parse', done: i, total: files.length });
      const got = todo[k] === files[i] ? await ahead.take(k++) : null;
      if (got) prog.fileOfAhead(sf, got.bytes, got.ahead);
      else prog.fileOf(sf);
    }
  } finally {
    ahead.stop();
  }
}

const SIGNATURE_OWNERS = new Set(['function_declaration', 'method_declaration', 'method_elem', 'function_type', 'func_literal']);

/**
 * Candidate signatures: parameter lists with a context that a transform wants to move, in the
 * files parsed so far. Their names (and the names of functions declared in files that could not
 * be parsed) are added to `names`.
 */
export function findCandidates(prog: Program, linker: Linker, reorderers: Transform[], opts: TransformOptions, aliases: Set<string>, names: Set<string>): { candidates: Map<string, Candidate>; brokenDecls: Map<string, string> } {
  const candidates = new Map<string, Candidate>();
  // A context type is spelled `Context` (qualified, dot-imported or in package context) or by an
  // alias's name: other files declare no context parameter.
  const spellsContext = new Set(['Context', ...aliases]);
  // Files parsed for another reason (a file-local transform's, a type looked up) whose contexts all
  // stand where no transform moves one from are not searched: parseContextFiles would not parse them.
  const { placed } = contextFileCriteria(reorderers, [], aliases);
  for (const f of prog.parsed) {
    const facts = prog.facts.get(f.sf.abs)!;
    if (!says(facts, spellsContext) || !placed(facts)) continue;
    for (const pl of f.pf.root.descendantsOfType('parameter_list')) {
      const owner = pl.parent;
      if (!owner || !SIGNATURE_OWNERS.has(owner.type) || owner.childForFieldName('parameters')?.id !== pl.id) continue;
      // A `//go:fix inline` function keeps its signature: it exists so that `go fix` replaces its
      // calls (--api compat writes such wrappers with the old parameter order).
      if (fixInline(owner)) continue;
      const ps = paramsOf(pl);
      const tparams = tparamsAround(owner);
      // Only a name spelling the context type (or an alias, a local type or a type parameter, which
      // may stand for it) is resolved: a parameter of another named type cannot be a context.
      const mayBe = (tn: Node | null) => {
        const name = tn?.type === 'qualified_type' ? tn.childForFieldName('name')?.text : tn?.type === 'type_identifier' ? tn.text : undefined;
        return name !== undefined && (spellsContext.has(name) || (tn!.type === 'type_identifier' && (f.localTypes.has(name) || !!tparams?.has(name))));
      };
      if (!ps.some((p) => mayBe(p.typeNode) && prog.isContextType(p.typeNode, f, tparams))) continue;
      const id = linker.slotOf({ params: pl, result: owner.childForFieldName('result'), file: f, tparams });
      if (candidates.has(id)) continue;
      const ch = composedChange(viewOf(prog, linker.slots.get(id)!), reorderers.filter((t) => !t.changeNames), opts);
      if (ch) {
        candidates.set(id, { slot: id, ...ch });
        const name = referenceName(linker.slots.get(id)!);
        if (name) names.add(name);
      }
    }
  }
  // Declarations named for a transform's `change`, whatever their parameters.
  const named = reorderers.filter((t) => t.changeNames);
  if (named.length) {
    for (const f of prog.parsed) {
      const facts = prog.facts.get(f.sf.abs)!;
      if (facts.unsure === undefined && !named.some((t) => someWord(facts.words, (w) => t.changeNames!.test(w)))) continue;
      for (const owner of f.pf.root.descendantsOfType(['function_declaration', 'method_declaration', 'method_elem'])) {
        const name = owner.childForFieldName('name')?.text ?? '';
        const ts = named.filter((t) => t.changeNames!.test(name));
        const pl = owner.childForFieldName('parameters');
        if (!ts.length || !pl || fixInline(owner)) continue;
        const id = linker.slotOf({ params: pl, result: owner.childForFieldName('result'), file: f, tparams: tparamsAround(owner) });
        if (candidates.has(id)) continue;
        const ch = composedChange(viewOf(prog, linker.slots.get(id)!), ts, opts);
        if (ch) {
          candidates.set(id, { slot: id, ...ch });
          names.add(name);
        }
      }
    }
  }
  // Functions declared in files that could not be parsed are no candidates; their callers are
  // looked at so that the summary can say which calls were left as they are.
  const brokenDecls = new Map<string, string>();
  for (const b of prog.broken) {
    for (const m of b.text.matchAll(/^func\s+(?:\([^)]*\)\s*)?([A-Za-z_]\w*)\s*(?:\[[^\]]*\])?\(([^)]*)\)/gm)) {
      if (/,[^,]*\bContext\b/.test(m[2])) brokenDecls.set(m[1], b.sf.rel);
    }
  }
  for (const n of brokenDecls.keys()) names.add(n);
  return { candidates, brokenDecls };
}

/** A declaration whose doc comment holds a `//go:fix inline` directive. */
function fixInline(decl: Node): boolean {
  if (decl.type !== 'function_declaration' && decl.type !== 'method_declaration') return false;
  for (let c = decl.previousSibling; c?.type === 'comment'; c = c.previousSibling) if (/^\/\/go:fix inline\s*$/.test(c.text)) return true;
  return false;
}

/**
 * Files that mention a candidate's name may reference it. What leads to a candidate without naming
 * it (a function returning a changing func type, a field or var of one, the receiver type of a
 * changing method) is named in its turn, to a fixpoint computed on facts alone.
 */
export function namesFixpoint(readable: Readable[], linker: Linker, candidates: Map<string, Candidate>, names: Set<string>): void {
  for (const id of candidates.keys()) {
    const sl = linker.slots.get(id)!;
    if (sl.kind === 'method') {
      const recv = sl.node.childForFieldName('receiver')?.namedChildren[0]?.childForFieldName('type')?.text.replace(/[*()]|\[.*\]/g, '');
      if (recv) names.add(recv);
    } else if (sl.kind === 'imethod') {
      for (let n = sl.node.parent; n; n = n.parent) if (n.type === 'type_spec') names.add(n.childForFieldName('name')!.text);
    }
  }
  // GOSHIFT_DEBUG_NAMES=1: the candidates and the names that decide which files are parsed and walked.
  const debugNames = debugOn('GOSHIFT_DEBUG_NAMES');
  if (debugNames) {
    for (const id of candidates.keys()) {
      const sl = linker.slots.get(id)!;
      process.stderr.write(`candidate: ${describe(sl)} (${sl.file.sf.rel}:${lineOf(sl.node)})\n`);
    }
  }
  for (let round = 0; round < 10 && names.size; round++) {
    const before = names.size;
    const want = new Set(names);
    for (const { facts } of readable) if (says(facts, want)) for (const name of namesLeadingTo(facts, want)) names.add(name);
    if (debugNames) process.stderr.write(`names round ${round}: ${[...names].join(' ')}\n`);
    if (names.size === before) break;
  }
}

/**
 * Links the workspace: every file that mentions something relevant is parsed and walked (a
 * candidate's file whatever it mentions); files parsed only for their declarations are declared.
 */
export async function linkRelevant(prog: Program, linker: Linker, readable: Readable[], candidates: Map<string, Candidate>, names: Set<string>, aliases: Set<string>, jobs: number, progress?: TransformOptions['progress'], all = false, runOnly: RunOnly[] = []): Promise<void> {
  const relevantWords = new Set([...names, ...aliases]);
  // A context parameter alone links nothing: what flows into a candidate names it (or a name leading
  // to it), and a file declaring a candidate is walked whatever it mentions. A change that inserts
  // parameters grows its sets as they link (a func type a candidate flows into has calls of its own,
  // under other names): then every file is walked, whole (`all`).
  const relevant = all ? () => true : (facts: FileFacts) => says(facts, relevantWords);
  await parseAll(prog, readable.filter(({ facts }) => relevant(facts)), jobs, progress);
  // The files parseContextFiles left for now: those the linker does not walk (nor parsed whole to
  // look up a type) need only the bodies that can hold a literal the code runs (that may capture a
  // context). Nothing here reads them: the edit stage parses each when it comes to it.
  for (const { sf, capture } of runOnly) {
    if (prog.isParsed(sf)) continue;
    prog.runBodiesOnly.set(sf.abs, capture ? 'capture' : 'run');
    prog.rewriteOnly.push(sf);
  }
  // Every file that is walked or edited is parsed by now, and every file rewritten but those left for
  // the edit stage: the relevant ones, and with the context files those holding a candidate and the
  // file-local transforms'. A file parsed from here on (a twin behind a build tag, a type looked up)
  // is read for its declarations only (with the bodies that run literals, if it is one of those left).
  prog.declarationsOnly = true;
  linker.valueNames = all ? () => true : (n) => names.has(n);
  linker.everyMethod = all;
  linker.relevantWord = all ? () => true : (w) => relevantWords.has(w) || w === 'context' || w === 'Context';
  linker.declarePending();
  // A file holding a candidate is walked whatever it mentions: in package context itself a func literal
  // takes an unqualified Context, and its calls are in that file only.
  const candidateFiles = new Set([...candidates.keys()].map((id) => linker.slots.get(id)!.file));
  const walk = [...prog.parsed].filter((f) => candidateFiles.has(f) || relevant(prog.facts.get(f.sf.abs)!));
  const partly = walk.find((f) => f.pf.declarationsOnly || f.pf.runBodiesOnly);
  if (partly) throw new Error(`internal error: ${partly.sf.rel} is to be walked, but was read ${partly.pf.declarationsOnly ? 'for its declarations only' : 'with only some of its function bodies'}`);
  // Implementations are linked among the same files: a type or interface that can share a method
  // with a candidate names it, its receiver or the interface declaring it (a name leading to it), so
  // files parsed for other reasons (a file-local transform's, a type looked up) add nothing to link.
  linker.linkInterfaces(walk);
  // Within a file, a declaration is walked when it names a candidate (or a name leading to one) or
  // spells the context type: a literal or func type with a context parameter must see its own calls.
  const declRelevant = all ? () => true : wordTest([...names, ...aliases, 'context', 'Context']);
  walk.forEach((f, i) => {
    progress?.({ stage: 'link', done: i, total: walk.length });
    linker.walkFile(f, declRelevant);
  });
  // Files parsed while resolving types are declared (twins, pins) but need no walk: they mention
  // neither a context nor a candidate name.
  linker.declarePending();
}

/**
 * The name through which other code can reach a candidate: a function's or method's own name; for
 * a func type, the type, field or variable holding it — or, for a parameter's or result's type,
 * the declaration that takes it (a parameter's own name is local). Null for func literals, which
 * are reached through whatever holds them.
 */
function referenceName(sl: Slot): string | null {
  if (sl.kind === 'literal') return null;
  if (sl.kind !== 'functype') return sl.name || null;
  for (let n: Node | null = sl.params.parent; n; n = n.parent) {
    switch (n.type) {
      case 'type_spec':
      case 'type_alias':
      case 'field_declaration':
      case 'var_spec':
      case 'const_spec':
      case 'function_declaration':
      case 'method_declaration':
      case 'method_elem':
        return n.childForFieldName('name')?.text ?? null;
      case 'func_literal':
      case 'block':
        return null; // a local func type: reached through the enclosing declaration, which is walked anyway
    }
  }
  return null;
}

/**
 * The reorderers one after the other, each asked about the signature as the ones before it left
 * it (so `-t ctx-first,./logger-after-ctx.js` is one run, and a second run finds nothing to do);
 * null when the composed order changes nothing.
 */
export function composedOrder(view: SignatureView, reorderers: Transform[], opts: TransformOptions): number[] | null {
  return composedChange(view, reorderers, opts)?.order ?? null;
}

/**
 * The same for signature changes: orders compose; the first transform that inserts parameters
 * ends the chain (those after it are not asked: their indexes would count parameters that do not
 * exist yet). Null when nothing changes.
 */
export function composedChange(view: SignatureView, reorderers: Transform[], opts: TransformOptions): SignatureChange | null {
  let order: number[] | null = null;
  let insert: InsertedParam[] = [];
  let cur = view;
  for (const t of reorderers) {
    const ch = t.change ? t.change(cur, opts) : t.reorder ? { order: t.reorder(cur, opts), insert: [] } : null;
    if (!ch?.order) continue;
    const o = ch.order;
    const base: number[] = order ?? cur.params.map((_, i) => i);
    order = o.map((i) => base[i]);
    cur = { ...cur, params: o.map((i) => cur.params[i]) };
    if (ch.insert.length) {
      insert = [...ch.insert].sort((a, b) => a.at - b.at);
      break;
    }
  }
  if (!order || (!insert.length && order.every((v, i) => v === i))) return null;
  return { order, insert };
}

/**
 * Once the linker is done (linkRelevant), nothing reads what each declaration's signature or type
 * mentions (DeclFacts.words, a field's words): those strings, a fifth of the facts' memory, are let
 * go (heap that every later full collection would mark again).
 */
export function dropDeclWords(readable: Readable[]): void {
  for (const { facts } of readable) {
    for (const d of facts.decls) {
      d.words = '';
      for (const fd of d.fields ?? []) fd.words = '';
    }
  }
}

/**
 * Names of top-level declarations (and struct fields) whose type mentions one of the words, or (for
 * a var) whose value does. Comments and string literals do not count: a struct whose field comment
 * says "see CommandContext" does not lead to CommandContext.
 */
function namesLeadingTo(facts: FileFacts, want: Set<string>): string[] {
  const out: string[] = [];
  const mentions = (ws: Words) => anyWordIn(ws, want);
  for (const d of facts.decls) {
    if (!mentions(d.words)) continue;
    out.push(d.name);
    for (const fd of d.fields ?? []) if (mentions(fd.words)) out.push(fd.name);
  }
  return out;
}

function viewOf(prog: Program, sl: Slot): SignatureView {
  const params: ParamView[] = paramsOf(sl.params).map((p) => ({
    name: p.name,
    typeText: p.typeNode?.text ?? '',
    isContext: !p.variadic && prog.isContextType(p.typeNode, sl.file, sl.tparams),
    variadic: p.variadic,
  }));
  return { params, file: sl.file.sf.rel, line: lineOf(sl.node), what: describe(sl), name: sl.kind === 'literal' ? '' : sl.name };
}

export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function wordsRe(words: string[]): RegExp {
  return new RegExp(`\\b(?:${words.map(escapeRe).join('|')})\\b`);
}

/**
 * What `wordsRe(words).test` answers, at a cost that does not grow with the number of words: a word
 * of \w characters alone is found when it is one of the text's maximal \w runs (that is what
 * `\bword\b` matches); any other word is left to a regex. With the hundreds of names a migration
 * of common method names links, the regex's alternatives were tried at every position of every
 * declaration walked.
 */
export function wordTest(words: string[]): (text: string) => boolean {
  const plain = new Set<string>();
  const other: string[] = [];
  for (const w of words) if (/^\w+$/.test(w)) plain.add(w); else other.push(w);
  const re = other.length ? wordsRe(other) : null;
  const runs = /\w+/g;
  return (text) => {
    runs.lastIndex = 0;
    for (let m = runs.exec(text); m; m = runs.exec(text)) if (plain.has(m[0])) return true;
    return re !== null && re.test(text);
  };
}

