// Output stage: one plain-data document of a run, the source of every review format (--json,
// SARIF, lint lines, the HTML report, per-package patches). Sorted and free of anything that
// depends on the machine, the clock or --jobs, so that two runs over one tree give equal documents.
import { unifiedDiff } from '../diff.js';
import type { ChangeNote, FileChange, Problem, Report, RunResult, SetSummary, Unmoved, Workspace } from '../types.js';

export const DOCUMENT_VERSION = 1;

export interface DocEdit extends ChangeNote {
  endLine: number;
  endColumn: number;
}

export interface DocFile {
  /** Relative to the directory goshift ran in, with forward slashes. */
  path: string;
  /** The import path of the file's package directory. */
  package: string;
  /**
   * `changed`: the run changes it (or did, with -w); `unchanged`: read, nothing to change;
   * `skipped`: a generated file left as its generator wrote it although something in it is out of
   * place; `error`: it could not be processed (see errors).
   */
  status: 'changed' | 'unchanged' | 'skipped' | 'error';
  /** The transforms that change it, sorted. */
  transforms: string[];
  edits: DocEdit[];
  /** Its git-style unified diff, or null when it does not change. */
  diff: string | null;
  /**
   * How the file's bytes map to text, for a file that changes (null otherwise): `latin1` for a file
   * that is not valid UTF-8, read one byte per character, so encode its diff as latin1 to apply it.
   */
  encoding: 'utf8' | 'latin1' | null;
}

export interface DocLeftAlone {
  path: string;
  line: number;
  transform: string | null;
  reason: string;
  members: { path: string; line: number; what: string }[];
}

export interface Document {
  version: number;
  tool: { name: 'goshift'; version: string };
  /** What the run did with the changes: `write` wrote them; the others are dry runs. */
  mode: 'diff' | 'write' | 'list' | 'json' | 'sarif' | 'lint' | 'html';
  transforms: string[];
  files: DocFile[];
  leftAlone: DocLeftAlone[];
  /** Linked sets changed: a patch holding one of their files must hold all of them. */
  sets: SetSummary[];
  /** Generated files the run edits (as callers): regenerate them from their source. */
  generated: string[];
  /** Contexts out of place in generated files, left as their generator wrote them. */
  generatedMisplaced: Unmoved[];
  errors: Problem[];
  totals: {
    filesScanned: number;
    filesParsed: number;
    filesChanged: number;
    signaturesMoved: number;
    callSitesUpdated: number;
    setsMoved: number;
    setsLeftAlone: number;
    /** What file-local transforms did, by label (e.g. `func literals given their context`). */
    counts: { label: string; n: number }[];
    leftAlone: number;
    errors: number;
  };
  notes: string[];
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The document of a run. `changes` are the changes that differ from the files' bytes; `errors`
 * every problem of the run (engine, workspace and writing), each once.
 */
export function buildDocument(args: {
  ws: Workspace;
  result: RunResult;
  changes: FileChange[];
  errors: Problem[];
  report: Report;
  mode: Document['mode'];
  transforms: string[];
  version: string;
  notes?: string[];
  /** Compute each changed file's diff (default true); without, DocFile.diff is null (for printers that do not read it). */
  diffs?: boolean;
}): Document {
  const { ws, result, changes, errors, report } = args;
  const changed = new Map(changes.map((c) => [c.file.rel, c]));
  const errorFiles = new Set(errors.map((e) => e.file));
  const skipped = new Set((report.generatedMisplaced ?? []).map((g) => g.file));
  const files: DocFile[] = [];
  const seen = new Set<string>();
  for (const f of ws.files) {
    if (seen.has(f.rel)) continue;
    seen.add(f.rel);
    const c = changed.get(f.rel);
    const edits: DocEdit[] = (c?.notes ?? []).map((n) => ({
      line: n.line,
      column: n.column,
      endLine: n.endLine ?? n.line,
      endColumn: n.endColumn ?? n.column,
      kind: n.kind,
      transform: n.transform,
      detail: n.detail,
      ...(n.set !== undefined ? { set: n.set } : {}),
    }));
    files.push({
      path: f.rel,
      package: f.importPath,
      status: errorFiles.has(f.rel) ? 'error' : c ? 'changed' : skipped.has(f.rel) ? 'skipped' : 'unchanged',
      transforms: [...new Set(edits.map((e) => e.transform))].sort(cmp),
      edits,
      diff: c && args.diffs !== false ? unifiedDiff(c.file.rel, c.before.toString(c.encoding), c.after) : null,
      encoding: c ? c.encoding : null,
    });
  }
  files.sort((a, b) => cmp(a.path, b.path));
  const leftAlone = report.leftAlone
    .map((l) => ({
      path: l.file,
      line: l.line,
      transform: l.transform ?? null,
      reason: l.reason,
      members: (l.members ?? []).map((m) => ({ path: m.file, line: m.line, what: m.what })),
    }))
    .sort((a, b) => cmp(a.path, b.path) || a.line - b.line || cmp(a.reason, b.reason));
  const sortedErrors = [...errors].sort((a, b) => cmp(a.file, b.file) || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0) || cmp(a.message, b.message));
  return {
    version: DOCUMENT_VERSION,
    tool: { name: 'goshift', version: args.version },
    mode: args.mode,
    transforms: [...args.transforms],
    files,
    leftAlone,
    sets: [...(result.sets ?? [])],
    generated: [...new Set(report.generated)].sort(cmp),
    generatedMisplaced: [...(report.generatedMisplaced ?? [])].sort((a, b) => cmp(a.file, b.file) || a.line - b.line || cmp(a.what, b.what)),
    errors: sortedErrors,
    totals: {
      filesScanned: report.filesScanned,
      filesParsed: report.filesParsed,
      filesChanged: changes.length,
      signaturesMoved: report.signaturesMoved,
      callSitesUpdated: report.callSitesUpdated,
      setsMoved: report.setsMoved,
      setsLeftAlone: report.setsLeftAlone,
      counts: (report.counts ?? []).map((c) => ({ label: c.many, n: c.n })).sort((a, b) => cmp(a.label, b.label)),
      leftAlone: leftAlone.length,
      errors: sortedErrors.length,
    },
    // How the files were found (the workspace's notes), then what the transforms say of the whole run.
    notes: [...new Set([...(args.notes ?? []), ...(report.notes ?? [])])],
  };
}
