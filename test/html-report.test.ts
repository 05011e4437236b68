// The HTML review report (--report FILE.html), checked in a real headless browser: Debian's
// chromium driven by playwright-core. The page must render with no console error and no request
// but the file:// page itself, show the Document's counts, a fixture's diff, and its inline /
// side-by-side toggle, filter and links to lines must work. Each browser test saves a screenshot
// under its temporary directory and prints the path (kept after the run, as an artifact).
// Chromium missing is a failure with a message, not a skip: .ci/run installs it.
import test from 'ava';
import { existsSync } from 'node:fs';
import * as fs from 'node:fs';
import * as os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildDocument, type Document } from '../lib/output/document.js';
import { packageRows, renderHtml, scriptJson, sourcesOf, writeHtmlReport } from '../lib/output/html.js';
import { runWorkspace } from '../lib/parts.js';
import { discover } from '../lib/workspace.js';
import { defaultTransforms, transforms as allTransforms } from '../transforms/index.js';
import { cliPath, fixturesRoot, repoRoot } from './support/paths.js';
import { describe, run } from './support/run.js';

const CHROMIUM = process.env.GOSHIFT_CHROMIUM || '/usr/bin/chromium';

/** The Document of a dry run over `paths` from `cwd`, built as the CLI builds it. */
async function documentOf(cwd: string, paths: string[], transformNames?: string[]) {
  const ws = await discover(paths, { cwd });
  const chosen = transformNames ? allTransforms.filter((t) => transformNames.includes(t.name)) : defaultTransforms();
  const result = await runWorkspace(ws, chosen, { allowTypesBefore: [], api: 'change', cacheDir: null });
  const changes = result.changes
    .filter((c) => !Buffer.from(c.after, c.encoding).equals(c.before))
    .sort((a, b) => (a.file.rel < b.file.rel ? -1 : a.file.rel > b.file.rel ? 1 : 0));
  const errors = [...result.report.errors, ...ws.errors];
  const doc = buildDocument({ ws, result, changes, errors, report: result.report, mode: 'list', transforms: chosen.map((t) => t.name), version: '0.1.0', notes: ws.notes });
  return { doc, source: sourcesOf(ws, changes) };
}

/** A directory kept after the run (the screenshot is an artifact): its path is printed. */
function artifactDir(name: string): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `goshift-html-${name}-`)));
}

const throwaway: string[] = [];
test.after.always(() => {
  for (const d of throwaway) fs.rmSync(d, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// Without a browser

test('scriptJson: no </script>, no <!-- and no line separators survive, and it parses back', (t) => {
  const value = { a: '</script><script>alert(1)</script>', b: '<!-- <script>', c: 'x\u2028y\u2029z', d: '</SCRIPT >' };
  const s = scriptJson(value);
  t.false(s.includes('<'));
  t.false(/[\u2028\u2029]/.test(s));
  t.deepEqual(JSON.parse(s), value);
});

test('renderHtml: stable, self-contained, its script allowed by hash and nothing else', async (t) => {
  const { doc, source } = await documentOf(path.join(repoRoot, 'examples'), ['shop']);
  const a = renderHtml(doc, { source });
  t.is(renderHtml(doc, { source }), a, 'the same document gives the same page');
  t.regex(a, /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;|default-src 'none'/);
  t.notRegex(a, /<(link|script|img)[^>]+(src|href)="(https?:)?\/\//i, 'nothing loaded from elsewhere');
  t.notRegex(a, /@import|url\(\s*['"]?(https?:)?\/\//i, 'no font or style fetched');
  // Two scripts only: the data (never executed) and the page's code, the only one the CSP allows.
  t.is(a.match(/<script/g)?.length, 2);
  const data = /<script type="application\/json" id="goshift-data">([^]*?)<\/script>/.exec(a);
  t.truthy(data);
  const parsed = JSON.parse(data![1]!) as { files: { path: string; diff: string }[] };
  t.deepEqual(parsed.files.map((f) => f.path), doc.files.filter((f) => f.status === 'changed').map((f) => f.path));
  t.is(parsed.files[0]!.diff as string | null, doc.files.find((f) => f.path === parsed.files[0]!.path)!.diff);
});

test('packageRows: counted from the edits, the sums equal the totals', async (t) => {
  const { doc } = await documentOf(path.join(repoRoot, 'examples'), ['shop']);
  const rows = packageRows(doc);
  t.deepEqual(rows.map((r) => r.package), ['example.com/shop/api', 'example.com/shop/store']);
  t.is(rows.reduce((s, r) => s + r.signaturesMoved, 0), doc.totals.signaturesMoved);
  t.is(rows.reduce((s, r) => s + r.callSitesUpdated, 0), doc.totals.callSitesUpdated);
  t.is(rows.reduce((s, r) => s + r.filesChanged, 0), doc.totals.filesChanged);
  t.is(rows.reduce((s, r) => s + r.literals, 0), doc.totals.counts.find((c) => /literal/.test(c.label))?.n ?? 0);
});

test('writeHtmlReport: replaces the file whole, leaves no temporary file, names the path when it cannot write', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goshift-html-write-'));
  throwaway.push(dir);
  const { doc } = await documentOf(path.join(repoRoot, 'examples'), ['shop']);
  const file = path.join(dir, 'r.html');
  fs.writeFileSync(file, 'old');
  await writeHtmlReport(file, doc);
  t.regex(fs.readFileSync(file, 'utf8'), /^<!DOCTYPE html>/);
  t.deepEqual(fs.readdirSync(dir), ['r.html']);
  const bad = path.join(dir, 'no', 'such', 'r.html');
  const e = await t.throwsAsync(writeHtmlReport(bad, doc));
  t.true(e!.message.startsWith(bad + ': cannot write the report'), e!.message);
});

test('CLI: --report writes the page next to the usual output; a report it cannot write is an error (exit 2)', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goshift-html-cli-'));
  throwaway.push(dir);
  const file = path.join(dir, 'report.html');
  const r = await run(process.execPath, [cliPath(), '-l', '--no-cache', '--report', file, 'shop'], { cwd: path.join(repoRoot, 'examples') });
  t.is(r.code, 0, describe(r));
  t.is(r.stdout, 'shop/api/api.go\nshop/api/api_test.go\nshop/store/store.go\n', 'stdout still carries the list');
  const page = fs.readFileSync(file, 'utf8');
  t.regex(page, /<h1>goshift review report<\/h1>/);
  // The page is a printer like the others: --format html prints it (same document, but a dry run's mode word).
  const printed = await run(process.execPath, [cliPath(), '--format', 'html', '--no-cache', 'shop'], { cwd: path.join(repoRoot, 'examples') });
  t.is(printed.code, 0, describe(printed));
  t.is(printed.stdout.replace('dry run (html)', 'dry run (list)'), page, '--format html prints what --report writes');
  const bad = await run(process.execPath, [cliPath(), '-l', '--no-cache', '--report', path.join(dir, 'missing', 'r.html'), 'shop'], { cwd: path.join(repoRoot, 'examples') });
  t.is(bad.code, 2, describe(bad));
  t.regex(bad.stderr, /missing\/r\.html: error: cannot write the html report: no such file or directory/);
  const empty = await run(process.execPath, [cliPath(), '--report', '', 'shop'], { cwd: path.join(repoRoot, 'examples') });
  t.is(empty.code, 2);
  t.regex(empty.stderr, /--report needs a file name/);
});

// ---------------------------------------------------------------------------------------------
// In the browser

let browser: Browser | undefined;
test.before(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`chromium not found at ${CHROMIUM}: the HTML report is tested in a real browser; install Debian's package (apt-get install chromium; .ci/run does) or set GOSHIFT_CHROMIUM to a Chromium binary`);
  }
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});
test.after.always(async () => {
  await browser?.close();
});

interface Opened {
  page: Page;
  file: string;
  dir: string;
  consoleErrors: string[];
  requests: string[];
}

/** Writes the report through the CLI and opens it; records console errors and every request. */
async function open(t: { log: (...s: string[]) => void; is: (a: unknown, b: unknown, m?: string) => void }, name: string, cwd: string, args: string[]): Promise<Opened> {
  const dir = artifactDir(name);
  const file = path.join(dir, 'report.html');
  const r = await run(process.execPath, [cliPath(), '-l', '--no-cache', '--report', file, ...args], { cwd });
  t.is(r.code === 0 || r.code === 1, true, describe(r));
  return openFile(dir, file);
}

async function openFile(dir: string, file: string): Promise<Opened> {
  const page = await browser!.newPage({ viewport: { width: 1400, height: 900 } });
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  page.on('request', (req) => requests.push(req.url()));
  await page.goto('file://' + file);
  await page.waitForSelector('html[data-ready]', { timeout: 15_000 });
  return { page, file, dir, consoleErrors, requests };
}

async function screenshot(t: { log: (...s: string[]) => void }, o: Opened, name = 'report.png', fullPage = true): Promise<void> {
  const shot = path.join(o.dir, name);
  if (fullPage) await o.page.evaluate(() => window.scrollTo(0, 0));
  await o.page.screenshot({ path: shot, fullPage });
  t.log(`screenshot: ${shot}`);
}

const visibleFiles = (page: Page) => page.$$eval('section.file', (els) => els.filter((e) => !(e as HTMLElement).hidden).map((e) => e.querySelector('.path')!.textContent));

test.serial('browser: examples/shop renders with its counts, its diff, the toggle and the filter, offline and without errors', async (t) => {
  const cwd = path.join(repoRoot, 'examples');
  const { doc } = await documentOf(cwd, ['shop']);
  const o = await open(t, 'shop', cwd, ['shop']);
  const { page } = o;
  try {
    // The totals shown are the Document's.
    const shown = Object.fromEntries(await page.$$eval('[data-total]', (els) => els.map((e) => [e.getAttribute('data-total'), Number(e.querySelector('b')!.textContent)])));
    const want: Record<string, number> = {};
    for (const [k, v] of Object.entries(doc.totals)) if (typeof v === 'number') want[k] = v;
    for (const c of doc.totals.counts) want['count:' + c.label] = c.n;
    t.deepEqual(shown, want);
    // The table per package is counted from the Document's edits.
    const rows = await page.$$eval('tr[data-pkg-row]', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    t.deepEqual(rows, packageRows(doc).map((r) => [r.package, r.filesChanged, r.signaturesMoved, r.callSitesUpdated, r.literals, r.leftAlone].map(String)));

    // A diff is visible, coloured, the changed words marked; side by side: old left, new right, one row.
    await page.click('#view-split');
    const row = page.locator('section.file', { hasText: 'shop/store/store.go' }).locator('tr', { hasText: 'Get(ctx context.Context, id string) (Order, error)' }).first();
    t.true(await row.isVisible());
    const cells = await row.locator('td.cd').allTextContents();
    t.is(cells.length, 2);
    t.regex(cells[0]!, /^-\s+Get\(id string, ctx context\.Context\) \(Order, error\)$/);
    t.regex(cells[1]!, /^\+\s+Get\(ctx context\.Context, id string\) \(Order, error\)$/);
    t.true((await row.locator('td.cd.a .w').count()) > 0, 'the changed part of the line is marked');
    for (const box of await Promise.all((await row.locator('td.cd').all()).map((c) => c.boundingBox()))) t.true(box!.width > 500 && box!.height < 30, JSON.stringify(box));
    t.true((await page.locator('section.file .k', { hasText: 'func' }).count()) > 0, 'Go keywords are coloured');
    await screenshot(t, o, 'split.png');

    // Inline: old and new lines in rows of their own.
    await page.click('#view-inline');
    t.is(await page.locator('table.dt.split').count(), 0);
    const inl = page.locator('section.file', { hasText: 'shop/store/store.go' }).locator('table.dt.inline');
    // The click re-renders the diffs: wait for them (a loaded machine may take a moment) before looking.
    await inl.first().waitFor({ state: 'visible', timeout: 15_000 }).catch(() => undefined);
    t.true(await inl.first().isVisible());
    const del = inl.locator('tr', { hasText: 'Get(id string, ctx context.Context) (Order, error)' }).first();
    const add = inl.locator('tr', { hasText: 'Get(ctx context.Context, id string) (Order, error)' }).first();
    t.is(await del.locator('td.cd').count(), 1);
    t.is(await add.locator('td.cd').count(), 1);
    t.regex((await del.locator('td.cd').textContent())!, /^-/);
    t.regex((await add.locator('td.cd').textContent())!, /^\+/);
    // Laid out as a table: the code takes most of the width, the line numbers sit in one row.
    const tableBox = (await inl.boundingBox())!;
    const codeBox = (await add.locator('td.cd').boundingBox())!;
    t.true(codeBox.width > tableBox.width * 0.7, `code cell ${codeBox.width}px of ${tableBox.width}px`);
    t.true(codeBox.height < 30, `one line is one row (${codeBox.height}px)`);

    // The filter: by path, by package; the table per package follows.
    const all = doc.files.filter((f) => f.status === 'changed').map((f) => f.path);
    t.deepEqual(await visibleFiles(page), all);
    await page.fill('#filter', 'store.go');
    await page.waitForFunction(() => document.getElementById('shown')!.getAttribute('data-shown') === '1');
    t.deepEqual(await visibleFiles(page), ['shop/store/store.go']);
    await page.fill('#filter', 'example.com/shop/api');
    await page.waitForFunction(() => document.getElementById('shown')!.getAttribute('data-shown') === '2');
    t.deepEqual(await visibleFiles(page), ['shop/api/api.go', 'shop/api/api_test.go']);
    t.deepEqual(await page.$$eval('tr[data-pkg-row]:not([hidden])', (trs) => trs.map((tr) => tr.getAttribute('data-pkg-row'))), ['example.com/shop/api']);
    await page.fill('#filter', 'nothing-matches-this');
    await page.waitForFunction(() => document.getElementById('shown')!.getAttribute('data-shown') === '0');
    t.deepEqual(await visibleFiles(page), []);
    await page.fill('#filter', '');
    await page.waitForFunction((n) => document.getElementById('shown')!.getAttribute('data-shown') === String(n), all.length);
    t.deepEqual(await visibleFiles(page), all);
    // A package's name in the table filters to it.
    await page.click('a.pkg[data-pkg="example.com/shop/store"]');
    t.deepEqual(await visibleFiles(page), ['shop/store/store.go']);
    await page.fill('#filter', '');

    // Folding hides a file's diff.
    const sec = page.locator('section.file').first();
    await sec.locator('button.fold').click();
    t.false(await sec.locator('.body').isVisible());
    await sec.locator('button.fold').click();
    t.true(await sec.locator('.body').isVisible());

    await screenshot(t, o);
    t.deepEqual(o.consoleErrors, []);
    t.deepEqual(o.requests, ['file://' + o.file], 'no request but the page itself');
  } finally {
    await page.close();
  }
});

test.serial('browser: places left alone link to their lines, in the diff or in the lines shown under them', async (t) => {
  const cwd = path.join(fixturesRoot, 'ctx-first', 'func-vs-local-var', 'input');
  const { doc } = await documentOf(cwd, ['.'], ['ctx-first']);
  t.true(doc.leftAlone.length > 0);
  const o = await open(t, 'left-alone', cwd, ['-t', 'ctx-first', '.']);
  const { page } = o;
  try {
    const la = doc.leftAlone[0]!;
    const items = page.locator('ul.la > li');
    t.is(await items.count(), doc.leftAlone.length);
    t.true((await items.first().textContent())!.includes(la.reason));
    // The place itself is in a file that does not change: its link opens the lines around it.
    await items.first().locator(`a.loc[data-p="${la.path}"][data-l="${la.line}"]`).first().click();
    const at = items.first().locator('details[open] .ex div.at').first();
    t.true(await at.isVisible());
    t.is(Number(await at.locator('.ln').textContent()), la.line);
    t.true((await at.locator('code span').count()) > 0, 'the lines are coloured once shown');
    // The file:line named in the reason is a link too.
    const named = /\(([\w./-]+\.go):(\d+)\)/.exec(la.reason);
    t.truthy(named, la.reason);
    const link = items.first().locator(`.why a.loc[data-p="${named![1]}"][data-l="${named![2]}"]`);
    t.is(await link.count(), 1);
    if (!(await page.evaluate(([p, l]) => (window as unknown as { goshiftReport: { goToDiff(p: string, l: number): boolean } }).goshiftReport.goToDiff(p as string, l as number), [named![1]!, Number(named![2])] as const))) {
      await link.click();
      const target = page.locator(`#${await link.evaluate((a) => a.getAttribute('href')!.slice(1))} div.at`);
      t.true(await target.isVisible());
      t.is(await target.locator('.ln').textContent(), named![2]);
    }
    // A member in a changed file whose line the diff shows: its link scrolls to the row in the diff.
    const changed = new Map(doc.files.filter((f) => f.diff).map((f) => [f.path, f.diff!]));
    const inDiff = la.members.find((m) => changed.has(m.path));
    if (inDiff) {
      const went = await page.evaluate(([p, l]) => (window as unknown as { goshiftReport: { goToDiff(p: string, l: number): boolean } }).goshiftReport.goToDiff(p as string, l as number), [inDiff.path, inDiff.line] as const);
      if (went) {
        const row = page.locator('tr.at');
        t.true(await row.isVisible());
        t.is(await row.getAttribute('data-o'), String(inDiff.line));
      }
    }
    await screenshot(t, o);
    t.deepEqual(o.consoleErrors, []);
    t.deepEqual(o.requests, ['file://' + o.file]);
  } finally {
    await page.close();
  }
});

test.serial('browser: a link to a changed line goes to its row in the diff (eval-order fixture)', async (t) => {
  const cwd = path.join(fixturesRoot, 'ctx-first', 'eval-order', 'input');
  const { doc } = await documentOf(cwd, ['.'], ['ctx-first']);
  const o = await open(t, 'eval-order', cwd, ['-t', 'ctx-first', '.']);
  const { page } = o;
  try {
    // Every note's line is the file's line as read: pick a signature edit and jump to it.
    const file = doc.files.find((f) => f.edits.some((e) => e.kind === 'signature'))!;
    const edit = file.edits.find((e) => e.kind === 'signature')!;
    const went = await page.evaluate(([p, l]) => (window as unknown as { goshiftReport: { goToDiff(p: string, l: number): boolean } }).goshiftReport.goToDiff(p as string, l as number), [file.path, edit.line] as const);
    t.true(went);
    const row = page.locator('tr.at');
    t.true(await row.isVisible());
    t.is(await row.getAttribute('data-o'), String(edit.line));
    // The edit's words are on its line, as a tooltip on the line number.
    t.regex((await row.locator('td.nt').getAttribute('title'))!, new RegExp(edit.detail.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    await screenshot(t, o);
    t.deepEqual(o.consoleErrors, []);
    t.deepEqual(o.requests, ['file://' + o.file]);
  } finally {
    await page.close();
  }
});

test.serial('browser: code that looks like HTML stays text (</script>, <!--, quotes in a changed line)', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goshift-html-hostile-'));
  throwaway.push(dir);
  fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/hostile\n\ngo 1.22\n');
  fs.writeFileSync(path.join(dir, 'h.go'), [
    'package hostile',
    '',
    'import "context"',
    '',
    '// Tag is a comment with </script><script>alert(1)</script> and <!-- in it.',
    'func Tag(s string, ctx context.Context) string { return "</script><img src=x onerror=alert(1)>" + s }',
    '',
    'func Use(ctx context.Context) string { return Tag(`<!--<script>`, ctx) }',
    '',
  ].join('\n'));
  const o = await open(t, 'hostile', dir, ['-t', 'ctx-first', '.']);
  const { page } = o;
  try {
    const text = await page.locator('section.file table.dt').first().textContent();
    t.true(text!.includes('return "</script><img src=x onerror=alert(1)>" + s'));
    t.true(text!.includes('Tag(ctx, `<!--<script>`)'));
    t.is(await page.locator('section.file img').count(), 0);
    t.deepEqual(o.consoleErrors, []);
    t.deepEqual(o.requests, ['file://' + o.file]);
  } finally {
    await page.close();
  }
});

test.serial('browser: a large report carries its data gzipped; the page opens it the same way', async (t) => {
  const { doc, source } = await documentOf(path.join(repoRoot, 'examples'), ['shop']);
  const dir = artifactDir('gzip');
  const file = path.join(dir, 'report.html');
  const html = renderHtml(doc, { source, compress: true });
  t.regex(html, /<script type="application\/json" id="goshift-data">\{"gzip":"[A-Za-z0-9+/=]+"\}<\/script>/);
  t.false(html.includes('func (s *Server) AddItem'), 'the diffs are not in the page as text');
  fs.writeFileSync(file, html);
  const o = await openFile(dir, file);
  const { page } = o;
  try {
    t.is(await page.getAttribute('html', 'data-ready'), '1');
    t.is(await page.locator('section.file').count(), doc.files.filter((f) => f.status === 'changed').length);
    await page.click('#view-inline');
    const add = page.locator('section.file', { hasText: 'shop/api/api.go' }).locator('tr', { hasText: 'func (s *Server) AddItem(ctx context.Context, id, item string) error {' });
    await add.first().waitFor({ state: 'visible', timeout: 15_000 }).catch(() => undefined);
    t.true(await add.first().isVisible());
    await screenshot(t, o);
    t.deepEqual(o.consoleErrors, []);
    t.deepEqual(o.requests, ['file://' + o.file]);
  } finally {
    await page.close();
  }
});

test.serial('browser: 900 files: diffs are rendered lazily, and a jump to a line far down lands and stays on it', async (t) => {
  const { doc, source } = await documentOf(path.join(repoRoot, 'examples'), ['shop']);
  const changed = doc.files.filter((f) => f.status === 'changed');
  for (let k = 1; k < 300; k++) {
    for (const f of changed) {
      const p = `copy${String(k).padStart(3, '0')}/${f.path}`;
      doc.files.push({ ...f, path: p, package: `${f.package}/copy${k}`, diff: f.diff!.split(`/${f.path}`).join(`/${p}`) });
    }
  }
  doc.files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const dir = artifactDir('many');
  const file = path.join(dir, 'report.html');
  fs.writeFileSync(file, renderHtml(doc, { source }));
  const o = await openFile(dir, file);
  const { page } = o;
  try {
    t.is(await page.locator('section.file').count(), 900);
    // The files come after the table of 600 packages: none is rendered until they are scrolled to.
    t.is(await page.getAttribute('html', 'data-rendered'), null);
    await page.evaluate(() => document.getElementById('files')!.scrollIntoView());
    await page.waitForSelector('html[data-rendered]', { state: 'attached' });
    await page.waitForTimeout(300);
    const rendered = Number(await page.getAttribute('html', 'data-rendered'));
    t.true(rendered > 0 && rendered < 100, `${rendered} of 900 diffs rendered at first`);
    const target = 'copy250/shop/store/store.go';
    t.true(await page.evaluate((p) => (window as unknown as { goshiftReport: { goToDiff(p: string, l: number): boolean } }).goshiftReport.goToDiff(p, 34), target));
    await page.waitForTimeout(800);
    const at = await page.evaluate(() => {
      const row = document.querySelector('tr.at')!;
      const r = row.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, file: row.closest('section')!.querySelector('.path')!.textContent, text: row.textContent };
    });
    t.is(at.file, target);
    t.regex(at.text!, /func \(m \*Mem\) Get\(id string, ctx context\.Context\)/);
    t.true(at.top > 0 && at.bottom < 900, `row at ${at.top}..${at.bottom}, viewport 900`);
    t.true(Number(await page.getAttribute('html', 'data-rendered')) < 200, 'the files in between were not rendered');
    await screenshot(t, o, 'jump.png', false);
    t.deepEqual(o.consoleErrors, []);
    t.deepEqual(o.requests, ['file://' + o.file]);
  } finally {
    await page.close();
  }
});
