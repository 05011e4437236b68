// The engine: runs the pipeline — workspace → facts → (what to parse) → link → plan → edit →
// output — over a workspace. Transforms decide what changes (one permutation per linked set, or a
// file-local rewrite); the stages find the linked sets and apply the changes, all or nothing. A run
// over exactly the inputs of an earlier one takes its result from the cache (lib/resultcache.ts).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { debugOn } from './debug.js';
import { editFiles } from './edit.js';
import { permuteList } from './edits.js';
import { Linker } from './link.js';
import { planSets } from './plan.js';
import { plumbCandidates } from './plumb.js';
import { contextAliases, dropDeclWords, findCandidates, linkRelevant, mentionsFor, namesFixpoint, parseContextFiles, parsedEarly, readFacts, readInputs, refineCaptures, streamInputs, wordTest } from './select.js';
import type { Input } from './select.js';
import { defaultCacheDir, defaultJobs, hasVersion, prestartFacts, releaseSpareWorkers, streamMinFiles } from './factstore.js';
import { loadResult, resultKey, storeResult } from './resultcache.js';
import { factsOf, importsOf as textImports } from './facts.js';
import type { FileFacts } from './facts.js';
import type { Program } from './program.js';
import type { FileChange, Report, RunResult, RunView, Transform, TransformOptions, Workspace } from './types.js';

/**
 * Runs transforms over a workspace and returns the new text of every file that changes,
 * with a report. Writes nothing.
 */
export async function runTransforms(ws: Workspace, transforms: Transform[], opts: TransformOptions): Promise<RunResult> {
  const report: Report = {
    filesScanned: ws.files.length,
    filesParsed: 0,
    filesChanged: 0,
    signaturesMoved: 0,
    callSitesUpdated: 0,
    setsMoved: 0,
    setsLeftAlone: 0,
    leftAlone: [],
    errors: [...ws.errors],
    generated: [],
  };
  const t0 = Date.now();
  const timing = debugOn('GOSHIFT_DEBUG_TIMING');
  let parsed = () => '0';
  const phase = (name: string) => {
    if (timing) {
      const m = process.memoryUsage();
      process.stderr.write(`timing: ${name}: ${Date.now() - t0} ms, ${parsed()} files parsed, rss ${Math.round(m.rss / 1e6)} MB, heap ${Math.round(m.heapUsed / 1e6)} MB\n`);
    }
  };
  // Files and directories that could not be read: they may reference anything in their module.
  const unreadable = ws.unreadable.map((rel) => ({ abs: path.resolve(ws.cwd, rel), rel }));

  const cacheDir = opts.cacheDir === undefined ? defaultCacheDir() : opts.cacheDir;
  // A cold run of a large workspace starts its facts workers now, to be ready when the reading is done.
  prestartFacts({ jobs: opts.jobs ?? defaultJobs(), files: ws.files.length, cacheDir });
  try {
    return await readAndRun(ws, transforms, opts, report, unreadable, cacheDir, phase, (p) => (parsed = p));
  } finally {
    releaseSpareWorkers();
  }
}

/** Every file's bytes; a run over exactly these inputs before has its result in the cache; else the stages. */
async function readAndRun(ws: Workspace, transforms: Transform[], opts: TransformOptions, report: Report, unreadable: { abs: string; rel: string }[], cacheDir: string | null, phase: (name: string) => void, setParsed: (p: () => string) => void): Promise<RunResult> {
  // A cache with nothing of this version (a first run) holds no result to look up: the key is
  // made once the facts are in, from the files' hashes, made where their facts were (every core).
  // Then, in a workspace large enough for workers, the files are read as their facts are computed
  // (streamInputs): the workers lex the first files while the rest are read.
  const streamed = (cacheDir === null || !hasVersion(cacheDir)) && ws.files.length >= streamMinFiles() ? streamInputs(ws, report, unreadable) : null;
  const inputs = streamed?.inputs ?? readInputs(ws, opts, report, unreadable);
  phase(streamed ? 'read (later, with the facts)' : 'read');
  /** Whether the result may be cached: every file was read (known once the facts are in when streamed). */
  const keyed = () => cacheDir !== null && !report.errors.length;
  const lookUp = !streamed && keyed() && hasVersion(cacheDir!);
  let key = lookUp ? resultKey(ws, transforms, { ...opts, cacheDir }, inputs) : null;
  const cached = key ? loadResult(cacheDir!, key, inputs) : null;
  if (cached) {
    phase('result from the cache');
    return cached;
  }
  const keyLater = !lookUp ? () => void (key = keyed() ? resultKey(ws, transforms, { ...opts, cacheDir }, inputs) : null) : undefined;
  const result = await runStages(ws, transforms, { ...opts, cacheDir }, report, inputs, unreadable, phase, (p) => setParsed(() => `${p.parseCount} (${p.parsed.filter((f) => f.pf.declarationsOnly).length} for declarations only, ${p.parsed.filter((f) => f.pf.runBodiesOnly).length} with only the bodies that run literals)`), keyLater, streamed?.read);
  if (key) storeResult(cacheDir!, key, result);
  return result;
}

/** The stages after reading: facts, what to parse, link, plan, edit. */
async function runStages(ws: Workspace, transforms: Transform[], opts: TransformOptions, report: Report, inputs: Input[], unreadable: { abs: string; rel: string }[], phase: (name: string) => void, counting: (p: Program) => void, factsIn?: () => void, read?: (i: number) => Buffer | null): Promise<RunResult> {
  const reorderers = transforms.filter((t) => t.reorder || t.change || t.plumb);
  const rewriters = transforms.filter((t) => t.rewriteFile);
  // Facts of every file; then the files that can declare a context parameter, or that a file-local transform looks at.
  const { prog, readable } = await readFacts(ws, opts, inputs, parsedEarly(reorderers, rewriters), factsIn, read);
  releaseSpareWorkers();
  counting(prog);
  phase(`facts (${prog.preparsed.size} files parsed while they were computed)`);
  const aliases = contextAliases(prog, readable);
  // Bodies whose literals capture nothing that can be a context are not parsed for ctx-closure.
  if (rewriters.some((t) => t.capturingLiteralsOnly)) refineCaptures(prog, aliases, unreadable.length);
  const jobs = opts.jobs ?? defaultJobs();
  const runOnly = await parseContextFiles(prog, readable, aliases, reorderers, rewriters, jobs, opts.progress);
  phase('read+context packages');

  // What the transforms want to move, and every name that leads to it.
  const linker = new Linker(prog);
  const names = new Set<string>();
  const { candidates, brokenDecls } = findCandidates(prog, linker, reorderers, opts, aliases, names);
  phase('candidates');
  namesFixpoint(readable, linker, candidates, names);
  phase('names fixpoint');

  // Link, plan, edit.
  await linkRelevant(prog, linker, readable, candidates, names, aliases, jobs, opts.progress, reorderers.some((t) => t.change || t.plumb), runOnly);
  dropDeclWords(readable);
  phase('link+walk');
  // A spreading transform (ctx-plumb) adds its sets once everything is linked.
  const plumber = reorderers.find((t) => t.plumb);
  const plumb = plumber ? plumbCandidates(prog, linker, plumber, opts, candidates) : undefined;
  if (plumb) report.errors.push(...plumb.errors);
  opts.progress?.({ stage: 'edit', done: 0, total: 1 });
  const namesTest = names.size || aliases.size ? wordTest([...names, ...aliases]) : null;
  const { plans, refsBySet, leftAlone } = planSets({ ws, prog, linker, candidates, brokenDecls, unreadable, namesTest, opts, report, transform: reorderers.map((t) => t.name).join('+'), blockedSets: plumb?.blocked, seeds: plumb?.seeds, causes: plumb?.causes });
  phase('sets');
  const { changes, counts, sets } = await editFiles({ prog, linker, plans, refsBySet, reorderers, rewriters, mentionsFor, opts, report, leftAlone, direct: plumb?.direct });
  phase('edits');

  const after = transforms.filter((t) => t.afterRun);
  if (after.length) {
    const view = runView(ws, prog, changes, unreadable);
    const notes = after.flatMap((t) => t.afterRun!(view));
    if (notes.length) report.notes = [...(report.notes ?? []), ...notes];
    phase('after the run');
  }

  report.filesChanged = changes.length;
  report.counts = [...counts].map(([many, c]) => ({ many, one: c.one, n: c.n }));
  report.filesParsed = prog.parseCount;
  report.errors.push(...prog.errors.filter((e) => !report.errors.some((x) => x.file === e.file && x.message === e.message)));
  return { changes, report, sets };
}

/** The workspace as the run leaves it (Transform.afterRun): imports by module, before and after, from facts. */
function runView(ws: Workspace, prog: Program, changes: FileChange[], unreadable: { abs: string }[]): RunView {
  const changed = new Map(changes.map((c) => [c.file.abs, c]));
  const bad = new Set(unreadable.map((u) => u.abs));
  const importsOf = (facts: FileFacts | undefined) => (facts ? facts.imports.map((i) => i.path) : null);
  // The module of a file goshift skips: the deepest module root above it.
  const moduleOf = (abs: string) => ws.modules.filter((m) => abs.startsWith(m.root + path.sep)).sort((a, b) => b.root.length - a.root.length)[0];
  const cache = new Map<string, { before: Set<string>; after: Set<string> } | null>();
  return {
    modules: ws.modules,
    imports(m) {
      if (cache.has(m.root)) return cache.get(m.root)!;
      let r: { before: Set<string>; after: Set<string> } | null = { before: new Set(), after: new Set() };
      const add = (before: string[] | null, after: string[] | null) => {
        if (!r || !before || !after) return (r = null);
        for (const p of before) r.before.add(p);
        for (const p of after) r.after.add(p);
      };
      for (const sf of ws.files) {
        if (sf.module.root !== m.root) continue;
        if (bad.has(sf.abs)) add(null, null);
        const before = importsOf(prog.facts.get(sf.abs));
        const c = changed.get(sf.abs);
        add(before, c ? textImports(c.after, c.encoding).map((i) => i.path) : before);
      }
      for (const abs of ws.skippedGo ?? []) {
        if (moduleOf(abs)?.root !== m.root) continue;
        let facts: FileFacts | undefined;
        try {
          facts = factsOf(readFileSync(abs));
        } catch {
          facts = undefined;
        }
        add(importsOf(facts), importsOf(facts));
      }
      cache.set(m.root, r);
      return r;
    },
    goMod(m) {
      try {
        return readFileSync(path.join(m.root, 'go.mod'), 'utf8');
      } catch {
        return null;
      }
    },
  };
}

export { permuteList };
