import type { LeftAlone, Problem, Report } from './types.js';

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `file:line:col: error: message`, leaving out the parts a problem does not have. */
export function formatProblem(p: Problem): string {
  let where = p.file;
  if (p.line !== undefined) {
    where += `:${p.line}`;
    if (p.column !== undefined) where += `:${p.column}`;
  }
  return `${where}: error: ${p.message}`;
}

export function formatLeftAlone(l: LeftAlone): string {
  return `${l.file}:${l.line}: left alone: ${l.reason}`;
}

export function sortProblems(ps: readonly Problem[]): Problem[] {
  return [...ps].sort(
    (a, b) => cmp(a.file, b.file) || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0) || cmp(a.message, b.message),
  );
}

/**
 * The human summary for stderr: one line of counts (marked as a dry run unless the mode is
 * write), then every place left alone, every error and every
 * generated file that was edited, each group sorted by file and line. Ends with a newline.
 */
export function formatSummary(report: Report, opts: { mode: 'diff' | 'write' | 'list' }): string {
  const lines: string[] = [];
  // The same words in every mode (scripts parse `N signatures moved`); a dry run says so.
  lines.push(
    `goshift: ${plural(report.filesScanned, 'file', 'files')} scanned, ${plural(report.filesParsed, 'file', 'files')} parsed, ` +
      `${plural(report.filesChanged, 'file', 'files')} changed, ${plural(report.signaturesMoved, 'signature', 'signatures')} moved, ` +
      `${plural(report.callSitesUpdated, 'call site', 'call sites')} updated` +
      `, ${plural(report.setsMoved, 'linked set', 'linked sets')} changed, ${plural(report.setsLeftAlone, 'linked set', 'linked sets')} left alone` +
      (report.counts ?? []).map((c) => `, ${plural(c.n, c.one, c.many)}`).join('') +
      (opts.mode === 'write' ? '' : ' (dry run: nothing written)'),
  );
  for (const n of report.notes ?? []) lines.push(`goshift: ${n}`);
  const left = [...report.leftAlone].sort((a, b) => cmp(a.file, b.file) || a.line - b.line || cmp(a.reason, b.reason));
  for (const l of left) lines.push(formatLeftAlone(l));
  for (const p of sortProblems(report.errors)) lines.push(formatProblem(p));
  for (const g of [...new Set(report.generated)].sort(cmp)) lines.push(`${g}: generated: regenerate from its source`);
  return lines.join('\n') + '\n';
}
