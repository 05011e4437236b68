// The engine: runs the pipeline — workspace → facts → (what to parse) → link → plan → edit →
// output — over a workspace. Transforms decide what changes (one permutation per linked set, or a
// file-local rewrite); the stages find the linked sets and apply the changes, all or nothing.
import path from 'node:path';
import { debugOn } from './debug.js';
import { editFiles } from './edit.js';
import { permuteList } from './edits.js';
import { Linker } from './link.js';
import { planSets } from './plan.js';
import { plumbCandidates } from './plumb.js';
import { contextAliases, findCandidates, linkRelevant, mentionsFor, namesFixpoint, parseContextFiles, readFacts, wordsRe } from './select.js';
import type { Report, RunResult, Transform, TransformOptions, Workspace } from './types.js';

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
  const reorderers = transforms.filter((t) => t.reorder || t.change || t.plumb);
  const rewriters = transforms.filter((t) => t.rewriteFile);
  const t0 = Date.now();
  const timing = debugOn('GOSHIFT_DEBUG_TIMING');
  let parsed = () => 0;
  const phase = (name: string) => {
    if (timing) process.stderr.write(`timing: ${name}: ${Date.now() - t0} ms, ${parsed()} files parsed, rss ${Math.round(process.memoryUsage().rss / 1e6)} MB\n`);
  };
  // Files and directories that could not be read: they may reference anything in their module.
  const unreadable = ws.unreadable.map((rel) => ({ abs: path.resolve(ws.cwd, rel), rel }));

  // Facts of every file; then the files that can declare a context parameter, or that a file-local transform looks at.
  const { prog, readable } = await readFacts(ws, opts, report, unreadable);
  parsed = () => prog.parseCount;
  const aliases = contextAliases(prog, readable);
  parseContextFiles(prog, readable, aliases, reorderers, rewriters, opts.progress);
  phase('read+context packages');

  // What the transforms want to move, and every name that leads to it.
  const linker = new Linker(prog);
  const names = new Set<string>();
  const { candidates, brokenDecls } = findCandidates(prog, linker, reorderers, opts, aliases, names);
  phase('candidates');
  namesFixpoint(readable, linker, candidates, names);
  phase('names fixpoint');

  // Link, plan, edit.
  linkRelevant(prog, linker, readable, candidates, names, aliases, opts.progress, reorderers.some((t) => t.change || t.plumb));
  phase('link+walk');
  // A spreading transform (ctx-plumb) adds its sets once everything is linked.
  const plumber = reorderers.find((t) => t.plumb);
  const plumb = plumber ? plumbCandidates(prog, linker, plumber, opts, candidates) : undefined;
  if (plumb) report.errors.push(...plumb.errors);
  opts.progress?.({ stage: 'edit', done: 0, total: 1 });
  const namesRe = names.size || aliases.size ? wordsRe([...names, ...aliases]) : null;
  const { plans, refsBySet, leftAlone } = planSets({ ws, prog, linker, candidates, brokenDecls, unreadable, namesRe, opts, report, transform: reorderers.map((t) => t.name).join('+'), blockedSets: plumb?.blocked, seeds: plumb?.seeds, causes: plumb?.causes });
  phase('sets');
  const { changes, counts, sets } = editFiles({ prog, linker, plans, refsBySet, reorderers, rewriters, mentionsFor, opts, report, leftAlone, direct: plumb?.direct });
  phase('edits');

  report.filesChanged = changes.length;
  report.counts = [...counts].map(([many, c]) => ({ many, one: c.one, n: c.n }));
  report.filesParsed = prog.parseCount;
  report.errors.push(...prog.errors.filter((e) => !report.errors.some((x) => x.file === e.file && x.message === e.message)));
  return { changes, report, sets };
}

export { permuteList };
