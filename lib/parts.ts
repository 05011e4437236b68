// Independent parts of a workspace (Workspace.parts): modules that do not build together are
// handled by separate engine runs, so that one never resolves an import to another's packages
// (two copies of one module path, or a module that imports another's path but gets it from
// the module cache). One summary and one diff for all of them.
import * as path from 'node:path';
import { runTransforms } from './engine.js';
import type { Report, RunResult, Transform, TransformOptions, Workspace } from './types.js';

/** The workspace of each part: its modules' files; the first also carries the workspace's errors. */
export function splitWorkspace(ws: Workspace): Workspace[] {
  if (!ws.parts || ws.parts.length < 2) return [ws];
  const partOf = new Map<string, number>();
  ws.parts.forEach((roots, i) => roots.forEach((r) => partOf.set(r, i)));
  const out: Workspace[] = ws.parts.map((roots, i) => ({
    cwd: ws.cwd,
    modules: ws.modules.filter((m) => roots.includes(m.root)),
    files: [],
    errors: i === 0 ? ws.errors : [],
    // Each part blocks only the sets of its own modules (by their roots), so all can be passed.
    unreadable: ws.unreadable,
    // Matched by import path: a file of another part at worst leaves a set alone.
    skippedGo: ws.skippedGo,
  }));
  for (const f of ws.files) {
    const i = partOf.get(f.module.root);
    if (i === undefined) throw new Error(`internal error: ${f.rel} belongs to no part of the workspace (${path.basename(f.module.root)})`);
    out[i].files.push(f);
  }
  return out.filter((p) => p.files.length > 0 || p.errors.length > 0);
}

/** The sum of the reports of several parts. */
export function mergeReports(reports: Report[]): Report {
  const r: Report = {
    filesScanned: 0,
    filesParsed: 0,
    filesChanged: 0,
    signaturesMoved: 0,
    callSitesUpdated: 0,
    setsMoved: 0,
    setsLeftAlone: 0,
    leftAlone: [],
    errors: [],
    generated: [],
  };
  for (const p of reports) {
    r.filesScanned += p.filesScanned;
    r.filesParsed += p.filesParsed;
    r.filesChanged += p.filesChanged;
    r.signaturesMoved += p.signaturesMoved;
    r.callSitesUpdated += p.callSitesUpdated;
    r.setsMoved += p.setsMoved;
    r.setsLeftAlone += p.setsLeftAlone;
    r.leftAlone.push(...p.leftAlone);
    r.errors.push(...p.errors);
    r.generated.push(...p.generated);
    if (p.generatedMisplaced?.length) (r.generatedMisplaced ??= []).push(...p.generatedMisplaced);
    if (p.apiKept) r.apiKept = (r.apiKept ?? 0) + p.apiKept;
    for (const c of p.counts ?? []) {
      r.counts ??= [];
      const have = r.counts.find((x) => x.many === c.many);
      if (have) have.n += c.n;
      else r.counts.push({ ...c });
    }
  }
  return r;
}

/** runTransforms on each independent part of the workspace, one after the other; one result. */
export async function runWorkspace(ws: Workspace, transforms: Transform[], opts: TransformOptions): Promise<RunResult> {
  const parts = splitWorkspace(ws);
  if (parts.length === 1) return runTransforms(parts[0], transforms, opts);
  const results: RunResult[] = [];
  for (const p of parts) results.push(await runTransforms(p, transforms, opts));
  const sets = results.flatMap((x) => x.sets ?? []).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { changes: results.flatMap((x) => x.changes), report: mergeReports(results.map((x) => x.report)), sets };
}
