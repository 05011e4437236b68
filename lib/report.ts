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

export function formatLeftAlone(l: LeftAlone, verbose = false): string {
  const out = [`${l.file}:${l.line}: left alone: ${l.reason}`];
  if (verbose) {
    for (const m of l.members ?? []) out.push(`    ${m.file}:${m.line}: ${m.what}`);
    for (const m of l.more ?? []) out.push(`    also: ${m.what} (${m.file}:${m.line})`);
  }
  return out.join('\n');
}

/** Each problem once (as its line would print), in the order first met. */
export function uniqueProblems(ps: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  return ps.filter((p) => {
    const k = formatProblem(p);
    return seen.has(k) ? false : (seen.add(k), true);
  });
}

export function sortProblems(ps: readonly Problem[]): Problem[] {
  return [...ps].sort(
    (a, b) => cmp(a.file, b.file) || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0) || cmp(a.message, b.message),
  );
}

/**
 * The human summary for stderr: one line of counts (marked as a dry run unless the mode is
 * write), then every place left alone and every generated file that was edited, together sorted
 * by file and line, then every error. With `verbose`, the members of each left-alone set follow it,
 * indented, and so does each context left out of place in a generated file. Ends with a newline.
 */
export function formatSummary(report: Report, opts: { mode: 'diff' | 'write' | 'list'; verbose?: boolean }): string {
  const lines: string[] = [];
  const gen = report.generatedMisplaced ?? [];
  // The same words in every mode (scripts parse `N signatures moved`); a dry run says so.
  lines.push(
    `goshift: ${plural(report.filesScanned, 'file', 'files')} scanned, ${plural(report.filesParsed, 'file', 'files')} parsed, ` +
      `${plural(report.filesChanged, 'file', 'files')} changed, ${plural(report.signaturesMoved, 'signature', 'signatures')} moved, ` +
      `${plural(report.callSitesUpdated, 'call site', 'call sites')} updated` +
      `, ${plural(report.setsMoved, 'linked set', 'linked sets')} changed, ${plural(report.setsLeftAlone, 'linked set', 'linked sets')} left alone` +
      (report.counts ?? []).map((c) => `, ${plural(c.n, c.one, c.many)}`).join('') +
      (gen.length ? `, ${plural(gen.length, 'context', 'contexts')} out of place in generated files` : '') +
      (opts.mode === 'write' ? '' : ' (dry run: nothing written)'),
  );
  for (const n of report.notes ?? []) lines.push(`goshift: ${n}`);
  if (gen.length && !opts.verbose) {
    lines.push(`goshift: ${gen.length === 1 ? 'a context' : `${gen.length} contexts`} out of place in generated files: goshift does not edit generated files where a change would start; fix the generator (-v lists them)`);
  }
  const entries: { file: string; line: number; text: string }[] = [];
  for (const l of report.leftAlone) entries.push({ file: l.file, line: l.line, text: formatLeftAlone(l, opts.verbose) });
  for (const g of new Set(report.generated)) entries.push({ file: g, line: 0, text: `${g}: generated: regenerate from its source` });
  if (opts.verbose) {
    for (const g of gen) entries.push({ file: g.file, line: g.line, text: `${g.file}:${g.line}: generated: ${g.what} ${g.why}` });
  }
  entries.sort((a, b) => cmp(a.file, b.file) || a.line - b.line || cmp(a.text, b.text));
  for (const e of entries) lines.push(e.text);
  for (const p of sortProblems(report.errors)) lines.push(formatProblem(p));
  return lines.join('\n') + '\n';
}
