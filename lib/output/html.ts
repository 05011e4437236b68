// The HTML review report (--report FILE.html): one self-contained page built from the Document of
// a run. What is small and read first is plain HTML (totals, the table per package, the places
// left alone with the lines around them, generated files, errors), painted while the rest loads.
// The changed files travel as JSON in a <script type="application/json"> (gzipped and base64'd
// when large); the page's script lists them and renders each diff when it comes near the screen,
// so that a migration of thousands of files opens fast.
// No network at view time: styles and script are inline and a Content-Security-Policy forbids
// every fetch (only the page's own script, by its hash, may run).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeReport } from '../write.js';
import type { FileChange, Workspace } from '../types.js';
import type { DocFile, Document } from './document.js';
import type { Printer } from './printer.js';
import { SCRIPT, STYLE } from './html-client.js';

export interface HtmlOptions {
  /**
   * The text of a file as goshift read it, by its path in the document (null when unknown): the
   * report shows the lines around each place left alone. Without it, only file:line and the reason.
   */
  source?: (path: string) => string | null;
  /** Gzip the diffs' data: default, when its JSON is over COMPRESS_ABOVE characters. */
  compress?: boolean;
}

/** HtmlOptions.source for a run: a changed file's text as read, any other file's from disk. */
export function sourcesOf(ws: Workspace, changes: FileChange[]): (path: string) => string | null {
  // Made when first asked (most printers never ask): a table of every file is some MB in a large
  // workspace, at the run's end, where its memory peaks.
  let before: Map<string, FileChange> | undefined;
  let abs: Map<string, string> | undefined;
  return (p) => {
    before ??= new Map(changes.map((c) => [c.file.rel, c]));
    const c = before.get(p);
    if (c) return c.before.toString(c.encoding);
    abs ??= new Map(ws.files.map((f) => [f.rel, f.abs]));
    const a = abs.get(p);
    if (a === undefined) return null;
    try {
      return readFileSync(a, 'utf8');
    } catch {
      return null;
    }
  };
}

/** One row of the table per package. */
export interface PackageRow {
  package: string;
  filesChanged: number;
  signaturesMoved: number;
  callSitesUpdated: number;
  /** Func literals given their context (ctx-closure's rewrites). */
  literals: number;
  /** Rewrites of other file-local transforms. */
  otherRewrites: number;
  leftAlone: number;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Packages with something changed or left alone, sorted, counted from the document's edits. */
export function packageRows(doc: Document): PackageRow[] {
  const rows = new Map<string, PackageRow>();
  const row = (pkg: string) => {
    let r = rows.get(pkg);
    if (!r) rows.set(pkg, (r = { package: pkg, filesChanged: 0, signaturesMoved: 0, callSitesUpdated: 0, literals: 0, otherRewrites: 0, leftAlone: 0 }));
    return r;
  };
  const pkgOf = new Map(doc.files.map((f) => [f.path, f.package]));
  for (const f of doc.files) {
    if (f.status !== 'changed') continue;
    const r = row(f.package);
    r.filesChanged++;
    for (const e of f.edits) {
      if (e.kind === 'signature') r.signaturesMoved++;
      else if (e.kind === 'call') r.callSitesUpdated++;
      else if (e.transform === 'ctx-closure') r.literals++;
      else r.otherRewrites++;
    }
  }
  for (const l of doc.leftAlone) row(pkgOf.get(l.path) ?? (path.posix.dirname(l.path) || '.')).leftAlone++;
  return [...rows.values()].sort((a, b) => cmp(a.package, b.package));
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const plural = (n: number, one: string, many = one + 's') => `${n} ${n === 1 ? one : many}`;

/** JSON safe inside a <script> element: no `<` at all (so no `</script` and no `<!--`). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

const KIND_CODE = { signature: 's', call: 'c', rewrite: 'r' } as const;

/** Above this much JSON the data is gzipped (and base64-encoded): a fifth of the size, parsed faster. */
export const COMPRESS_ABOVE = 1_000_000;

/** The page's data: JSON as it is, or `{"gzip": "<base64>"}` when large (or when asked). */
function embed(data: unknown, compress: boolean | undefined): string {
  const json = JSON.stringify(data);
  if (compress === false || (compress === undefined && json.length <= COMPRESS_ABOVE)) return scriptJson(data);
  return scriptJson({ gzip: gzipSync(Buffer.from(json, 'utf8'), { level: 9 }).toString('base64') });
}

const MODE_WORDS: Record<Document['mode'], string> = {
  diff: 'dry run (diff): nothing written',
  list: 'dry run (list): nothing written',
  json: 'dry run (json): nothing written',
  sarif: 'dry run (sarif): nothing written',
  lint: 'dry run (lint): nothing written',
  html: 'dry run (html): nothing written',
  write: 'files written (-w)',
};

/** The report as one HTML page. */
export function renderHtml(doc: Document, opts: HtmlOptions = {}): string {
  const changed = doc.files.filter((f): f is DocFile & { diff: string } => f.status === 'changed' && f.diff !== null);
  const t = doc.totals;
  const out: string[] = [];

  // --- totals
  const tot = (key: string, n: number, label: string, bad = false) =>
    `<div class="tot${bad && n > 0 ? ' bad' : ''}" data-total="${esc(key)}"><b>${n}</b><span>${esc(label)}</span></div>`;
  const totals = [
    tot('filesScanned', t.filesScanned, 'files scanned'),
    tot('filesParsed', t.filesParsed, 'files parsed'),
    tot('filesChanged', t.filesChanged, 'files changed'),
    tot('signaturesMoved', t.signaturesMoved, 'signatures moved'),
    tot('callSitesUpdated', t.callSitesUpdated, 'call sites updated'),
    ...t.counts.map((c) => tot('count:' + c.label, c.n, c.label)),
    tot('setsMoved', t.setsMoved, 'linked sets changed'),
    tot('setsLeftAlone', t.setsLeftAlone, 'linked sets left alone'),
    tot('leftAlone', t.leftAlone, 'places left alone'),
    tot('errors', t.errors, 'errors', true),
  ];

  // --- the table per package
  const rows = packageRows(doc);
  const other = rows.some((r) => r.otherRewrites > 0);
  const num = (n: number) => `<td${n === 0 ? ' class="z"' : ''}>${n}</td>`;
  const sum = (k: keyof Omit<PackageRow, 'package'>) => rows.reduce((s, r) => s + r[k], 0);
  const pkgTable = rows.length === 0
    ? '<p class="none">Nothing changed or left alone.</p>'
    : `<table class="pk"><thead><tr><th>package</th><th>files changed</th><th>signatures moved</th><th>call sites updated</th><th>literals given a context</th>${other ? '<th>other rewrites</th>' : ''}<th>left alone</th></tr></thead><tbody>` +
      rows.map((r) =>
        `<tr data-f="${esc(r.package)}" data-pkg-row="${esc(r.package)}"><td><a class="pkg mono" href="#files" data-pkg="${esc(r.package)}">${esc(r.package)}</a></td>` +
        num(r.filesChanged) + num(r.signaturesMoved) + num(r.callSitesUpdated) + num(r.literals) + (other ? num(r.otherRewrites) : '') + num(r.leftAlone) + '</tr>',
      ).join('') +
      `</tbody><tfoot><tr><td>${plural(rows.length, 'package')}</td><td>${sum('filesChanged')}</td><td>${sum('signaturesMoved')}</td><td>${sum('callSitesUpdated')}</td><td>${sum('literals')}</td>${other ? `<td>${sum('otherRewrites')}</td>` : ''}<td>${sum('leftAlone')}</td></tr></tfoot></table>`;

  // --- left alone, with the lines around each place
  const lines = new Map<string, string[] | null>();
  const linesOf = (p: string) => {
    if (!lines.has(p)) {
      const text = opts.source?.(p) ?? null;
      lines.set(p, text === null ? null : text.split(/\r?\n/));
    }
    return lines.get(p)!;
  };
  const excerpt = (id: string, p: string, line: number) => {
    const ls = linesOf(p);
    if (!ls || line < 1 || line > ls.length) return '';
    const from = Math.max(1, line - 2), to = Math.min(ls.length, line + 2);
    let h = `<div class="ex" id="${id}"><div class="exh">${esc(p)}:${line}</div>`;
    for (let n = from; n <= to; n++) {
      const text = ls[n - 1]!.length > 400 ? ls[n - 1]!.slice(0, 400) + '…' : ls[n - 1]!;
      h += `<div${n === line ? ' class="at"' : ''}><span class="ln">${n}</span><code>${esc(text)}</code></div>`;
    }
    return h + '</div>';
  };
  const loc = (id: string, p: string, line: number, label = `${p}:${line}`) =>
    `<a class="loc mono" href="#${id}" data-p="${esc(p)}" data-l="${line}">${esc(label)}</a>`;
  const known = new Set(doc.files.map((f) => f.path));
  const leftAlone = doc.leftAlone.length === 0
    ? '<p class="none">Nothing left alone.</p>'
    : '<ul class="la">' + doc.leftAlone.map((l, i) => {
      // Every place the entry names, each once: the entry, its members, the file:line in its reason.
      const places: { path: string; line: number; id: string }[] = [];
      const placeId = (p: string, line: number) => {
        let pl = places.find((x) => x.path === p && x.line === line);
        if (!pl) places.push((pl = { path: p, line, id: `x${i}-${places.length}` }));
        return pl.id;
      };
      const head = loc(placeId(l.path, l.line), l.path, l.line);
      const members = l.members.map((m) => `<li>${loc(placeId(m.path, m.line), m.path, m.line)} ${esc(m.what)}</li>`);
      let reason = '';
      let last = 0;
      for (const m of l.reason.matchAll(/([\w.\/@+~-]+\.go):(\d+)/g)) {
        if (!known.has(m[1]!)) continue;
        reason += esc(l.reason.slice(last, m.index)) + loc(placeId(m[1]!, Number(m[2])), m[1]!, Number(m[2]));
        last = m.index! + m[0].length;
      }
      reason += esc(l.reason.slice(last));
      const ex = places.map((pl) => excerpt(pl.id, pl.path, pl.line)).filter(Boolean);
      const filterText = [l.path, ...l.members.map((m) => m.path), l.reason].join('\n');
      return `<li data-f="${esc(filterText)}">${head}${l.transform ? `<span class="tag">${esc(l.transform)}</span>` : ''}` +
        `<div class="why">${reason}</div>` +
        (members.length > 0 ? '<ul class="mem">' + members.join('') + '</ul>' : '') +
        (ex.length > 0 ? `<details><summary>the lines</summary>${ex.join('')}</details>` : '') +
        '</li>';
    }).join('') + '</ul>';

  // --- generated files and errors
  const generated = doc.generated.length + doc.generatedMisplaced.length === 0 ? '' :
    `<section data-group id="generated"><h2>Generated files <span class="n">(${doc.generated.length + doc.generatedMisplaced.length})</span> <span class="n shown-n"></span></h2><ul class="plain">` +
    doc.generated.map((g) => `<li data-f="${esc(g)}"><span class="mono">${esc(g)}</span>: edited as a caller; regenerate it from its source</li>`).join('') +
    doc.generatedMisplaced.map((g) => `<li data-f="${esc(g.file)}"><span class="mono">${esc(g.file)}:${g.line}</span> ${esc(g.what)}: ${esc(g.why)}</li>`).join('') +
    '</ul></section>';
  const errors = doc.errors.length === 0 ? '' :
    `<section data-group id="errors"><h2>Errors <span class="n">(${doc.errors.length})</span> <span class="n shown-n"></span></h2><ul class="plain">` +
    doc.errors.map((e) => `<li data-f="${esc(e.file + '\n' + e.message)}"><span class="mono">${esc(e.file)}${e.line ? ':' + e.line + (e.column ? ':' + e.column : '') : ''}</span>: ${esc(e.message)}</li>`).join('') +
    '</ul></section>';
  const notes = doc.notes.length === 0 ? '' : '<ul class="plain meta">' + doc.notes.map((n) => `<li>${esc(n)}</li>`).join('') + '</ul>';

  // --- the data the script renders from: the changed files' diffs and edits, by index
  const data = {
    files: changed.map((f) => ({
      path: f.path,
      package: f.package,
      transforms: f.transforms,
      edits: f.edits.map((e) => [e.line, e.column, KIND_CODE[e.kind], e.transform, e.detail, e.set ?? null]),
      diff: f.diff,
    })),
  };

  const scriptHash = createHash('sha256').update(SCRIPT).digest('base64');
  const csp = `default-src 'none'; script-src 'sha256-${scriptHash}'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'`;
  const title = `goshift review: ${doc.transforms.join(', ')} — ${plural(t.filesChanged, 'file')} changed`;
  const leftAloneCount = doc.leftAlone.length;

  out.push(
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${esc(csp)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    '<link rel="icon" href="data:,">',
    `<title>${esc(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head><body><main>',
    `<h1>goshift review report</h1>`,
    `<p class="meta">goshift ${esc(doc.tool.version)} · transforms: ${esc(doc.transforms.join(', ') || 'none')} · ${esc(MODE_WORDS[doc.mode])}</p>`,
    '<noscript><p><b>This report needs JavaScript to show the diffs.</b> The totals and tables below are plain HTML.</p></noscript>',
    `<nav class="toc"><a href="#packages">Packages</a><a href="#left-alone">Left alone (${leftAloneCount})</a>` +
      (generated ? `<a href="#generated">Generated</a>` : '') + (errors ? `<a href="#errors">Errors (${doc.errors.length})</a>` : '') +
      `<a href="#files">Files (${changed.length})</a></nav>`,
    `<div class="totals" id="totals">${totals.join('')}</div>`,
    notes,
    '<div class="bar" role="toolbar">' +
      '<input type="search" id="filter" placeholder="Filter files and packages…" aria-label="Filter files and packages" autocomplete="off">' +
      '<fieldset><legend hidden>Diff view</legend>' +
      '<label><input type="radio" name="view" value="inline" id="view-inline"> Inline</label> ' +
      '<label><input type="radio" name="view" value="split" id="view-split"> Side by side</label></fieldset>' +
      '<button type="button" id="fold-all">Fold all</button><button type="button" id="unfold-all">Unfold all</button>' +
      '<span class="shown" id="shown"></span></div>',
    `<section data-group id="packages"><h2>Packages <span class="n">(${rows.length})</span> <span class="n shown-n"></span></h2>${pkgTable}</section>`,
    `<section data-group id="left-alone"><h2>Left alone <span class="n">(${leftAloneCount})</span> <span class="n shown-n"></span></h2>${leftAlone}</section>`,
    generated,
    errors,
    `<section data-group id="files"><h2>Files changed <span class="n">(${changed.length})</span> <span class="n shown-n"></span></h2><div id="file-list"><p class="none">Loading the diffs…</p></div></section>`,
    '</main>',
    `<script type="application/json" id="goshift-data">${embed(data, opts.compress)}</script>`,
    `<script>${SCRIPT}</script>`,
    '</body></html>',
    '',
  );
  return out.join('\n');
}

/** Writes the report to `file` atomically (writeReport): a reader never sees half a report. */
export async function writeHtmlReport(file: string, doc: Document, opts: HtmlOptions = {}): Promise<void> {
  await writeReport(file, Buffer.from(renderHtml(doc, opts), 'utf8'));
}

/** --format html, and --report FILE.html: the review report as one page. */
export const htmlPrinter: Printer = {
  name: 'html',
  description: 'one self-contained HTML review report (--report FILE.html writes it to a file)',
  needsDiffs: true,
  *print(doc, ctx) {
    yield renderHtml(doc, ctx.source ? { source: ctx.source } : {});
  },
};
