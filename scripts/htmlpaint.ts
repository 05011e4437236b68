// Measures an HTML review report (goshift --report FILE.html) in Debian's chromium: its size, the
// time to first contentful paint, the time until its script is ready (diffs near the screen
// rendered), and the time to bring a file near the end into view. Run it a few times and take the
// median: the first run also pays for chromium's start-up caches.
//
//   node dist/scripts/htmlpaint.js report.html [--runs 3] [--chromium /usr/bin/chromium]
//
// Given a Document as JSON instead (goshift --json), it renders the report first; --scale N
// repeats its changed files N times under copy<k>/ (to see how the page holds up with thousands of
// files), --root DIR gives the tree the paths are relative to (for the lines around places left alone).
//
//   node dist/scripts/htmlpaint.js doc.json --scale 40 --root /tmp/std
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import type { Document } from '../lib/output/document.js';
import { renderHtml } from '../lib/output/html.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1]! : dflt;
};
const runs = Number(opt('--runs', '3'));
const exe = opt('--chromium', process.env.GOSHIFT_CHROMIUM || '/usr/bin/chromium');
const scale = Number(opt('--scale', '1'));
const root = opt('--root', '');
let file = args[0];
if (!file) {
  console.error('usage: htmlpaint FILE.html|DOC.json [--scale N] [--root DIR] [--runs N] [--chromium PATH]');
  process.exit(2);
}
if (file.endsWith('.json')) {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as Document;
  if (scale > 1) {
    const changed = doc.files.filter((f) => f.status === 'changed');
    for (let k = 1; k < scale; k++) {
      for (const f of changed) {
        doc.files.push({ ...f, path: `copy${k}/${f.path}`, package: `${f.package}/copy${k}`, diff: f.diff && f.diff.split(`a/${f.path}`).join(`a/copy${k}/${f.path}`).split(`b/${f.path}`).join(`b/copy${k}/${f.path}`) });
      }
    }
    doc.files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    doc.totals.filesChanged *= scale;
  }
  const t0 = performance.now();
  const html = renderHtml(doc, root ? { source: (p) => { try { return readFileSync(path.join(root, p), 'utf8'); } catch { return null; } } } : {});
  const out = file.replace(/\.json$/, scale > 1 ? `.x${scale}.html` : '.html');
  writeFileSync(out, html);
  console.log(`rendered ${out} in ${(performance.now() - t0).toFixed(0)} ms`);
  file = out;
}
const abs = path.resolve(file);
const size = statSync(abs).size;

interface Sample { fcp: number; start: number; data: number; ready: number; load: number; jump: number; files: number }
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const browser = await chromium.launch({ executablePath: exe, args: ['--no-sandbox'] });
const samples: Sample[] = [];
try {
  for (let r = 0; r < runs; r++) {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto('file://' + abs, { waitUntil: 'load', timeout: 300_000 });
    await page.waitForSelector('html[data-ready]', { timeout: 300_000 });
    const t = await page.evaluate(() => {
      const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1;
      const ready = performance.getEntriesByName('goshift-ready')[0]?.startTime ?? -1;
      const start = performance.getEntriesByName('goshift-start')[0]?.startTime ?? -1;
      const data = performance.getEntriesByName('goshift-data')[0]?.startTime ?? -1;
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      return { fcp, start, data, ready, load: nav ? nav.loadEventEnd : -1, files: document.querySelectorAll('section.file').length };
    });
    // Bring the last file into view and wait until its diff is rendered.
    const jump = await page.evaluate(async () => {
      const secs = document.querySelectorAll('section.file');
      const last = secs[secs.length - 1];
      if (!last) return 0;
      const t0 = performance.now();
      last.scrollIntoView();
      const body = last.querySelector('.body')!;
      while (!body.hasAttribute('data-view') && performance.now() - t0 < 30_000) await new Promise((r) => requestAnimationFrame(r));
      await new Promise((r) => requestAnimationFrame(r));
      return performance.now() - t0;
    });
    if (errors.length > 0) console.error(`run ${r + 1}: page errors:\n  ${errors.join('\n  ')}`);
    samples.push({ ...t, jump });
    console.log(`run ${r + 1}: first contentful paint ${t.fcp.toFixed(0)} ms, script started ${t.start.toFixed(0)} ms, data read ${t.data.toFixed(0)} ms, ready ${t.ready.toFixed(0)} ms, load ${t.load.toFixed(0)} ms, last file rendered ${jump.toFixed(0)} ms after the jump (${t.files} files)`);
    await page.close();
  }
} finally {
  await browser.close();
}
console.log(
  `${path.basename(abs)}: ${(size / 1e6).toFixed(1)} MB, ${samples[0]!.files} files; median of ${runs}: ` +
  `first contentful paint ${median(samples.map((s) => s.fcp)).toFixed(0)} ms, script ready ${median(samples.map((s) => s.ready)).toFixed(0)} ms, ` +
  `load ${median(samples.map((s) => s.load)).toFixed(0)} ms, jump to the last file ${median(samples.map((s) => s.jump)).toFixed(0)} ms`,
);
