// npm run counts: the cost of soundness, in linked sets (goshift issue 9).
//
// Prints, from goshift's stderr summary (`N linked sets changed, M linked sets left alone`):
//   - std: `goshift -t ctx-last -l <every std package with a context parameter>` run in a copy of
//     GOROOT/src (the first stage of the standard-library round trip, without writing);
//   - fixtures: `goshift -t <transform> <args> -l .` in every fixtures/<transform>/<case>/input (read
//     only), each with its fixture's transform and args; per fixture and summed per transform.
// With the signatures moved and call sites updated next to them, and each run's wall time.
//
// Usage: npm run counts -- [--std-only | --fixtures-only] [--goroot DIR] [--json]
// GOSHIFT_CLI=/abs/goshift.js measures another engine, e.g. a frozen copy:
//   GOSHIFT_CLI=/tmp/gs-base/dist/bin/goshift.js node dist/scripts/counts.js
// Exit status: 0 ok; 1 when a goshift run failed (crashed, or no summary found); 2 for bad usage.
// goshift's own exit 2 (a file it could not process) is reported but not a failure here.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { findFixtures } from '../test/support/fixtures.js';
import { cliPath, fixturesRoot } from '../test/support/paths.js';
import { describe, killRunning, run } from '../test/support/run.js';
import { makeTempDir, removeTree } from '../test/support/tree.js';
import { findCtxPackages, findGoroot, formatSummary, goEnvFor, parseSummary, secs, type Summary } from './roundtrip-lib.js';

interface Row {
  what: string;
  transform: string;
  summary: Summary;
  code: number | null;
  ms: number;
}

const zero = (): Summary => ({ signaturesMoved: 0, callSitesUpdated: 0, linkedSetsChanged: 0, linkedSetsLeftAlone: 0 });
function add(a: Summary, b: Summary): Summary {
  const plus = (x: number | null, y: number | null) => (x === null || y === null ? null : x + y);
  return {
    signaturesMoved: plus(a.signaturesMoved, b.signaturesMoved),
    callSitesUpdated: plus(a.callSitesUpdated, b.callSitesUpdated),
    linkedSetsChanged: plus(a.linkedSetsChanged, b.linkedSetsChanged),
    linkedSetsLeftAlone: plus(a.linkedSetsLeftAlone, b.linkedSetsLeftAlone),
  };
}

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        'std-only': { type: 'boolean', default: false },
        'fixtures-only': { type: 'boolean', default: false },
        goroot: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: false,
    }));
  } catch (e) {
    process.stderr.write(`counts: ${(e as Error).message}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write('usage: npm run counts -- [--std-only | --fixtures-only] [--goroot DIR] [--json]\n');
    return 0;
  }
  const log = (l: string) => process.stderr.write(`${l}\n`);
  const rows: Row[] = [];
  const problems: string[] = [];
  const cli = cliPath();
  log(`engine: ${cli}`);

  const record = (what: string, transform: string, r: Awaited<ReturnType<typeof run>>): void => {
    const summary = parseSummary(r.stderr);
    rows.push({ what, transform, summary, code: r.code, ms: r.ms });
    log(`  ${what}: exit ${r.code ?? r.signal} in ${secs(r.ms)}; ${formatSummary(summary)}`);
    if (r.code === null || r.code > 2 || summary.linkedSetsChanged === null || summary.linkedSetsLeftAlone === null) {
      problems.push(`${what}: no linked-set counts (exit ${r.code ?? r.signal})\n${describe(r)}`);
    }
  };

  if (!values['fixtures-only']) {
    const goroot = values.goroot ?? (await findGoroot());
    const tmp = await makeTempDir('goshift-counts-');
    try {
      // goshift -l writes nothing, but it runs in a copy anyway: GOROOT is never the working tree.
      const src = path.join(tmp, 'src');
      log(`copying ${goroot}/src to ${src}`);
      const cp = await run('cp', ['-a', path.join(goroot, 'src'), src], { cwd: tmp, timeoutMs: 10 * 60_000 });
      if (cp.code !== 0) throw new Error(`copying failed\n${describe(cp)}`);
      const env = goEnvFor(goroot);
      const pkgs = (await findCtxPackages(src, env)).map((p) => p.dir);
      log(`std: goshift -t ctx-last -l over ${pkgs.length} package(s) with context parameters: ${pkgs.join(' ')}`);
      const r = await run(process.execPath, [cli, '-t', 'ctx-last', '-l', ...pkgs], { cwd: src, env, timeoutMs: 60 * 60_000 });
      record('std (ctx-last)', 'ctx-last', r);
    } finally {
      await removeTree(tmp);
    }
  }

  if (!values['std-only']) {
    const { fixtures } = await findFixtures(fixturesRoot);
    log(`fixtures: ${fixtures.length} under ${fixturesRoot}`);
    for (const f of fixtures) {
      const r = await run(process.execPath, [cli, '-t', f.transform, ...f.args, ...(f.gopath ? ['--gopath', f.input] : []), '-l', '.'], { cwd: f.input, timeoutMs: 5 * 60_000 });
      record(f.id, f.transform, r);
    }
  }

  const fixtureRows = rows.filter((r) => !r.what.startsWith('std'));
  const byTransform = new Map<string, Summary>();
  for (const r of fixtureRows) byTransform.set(r.transform, add(byTransform.get(r.transform) ?? zero(), r.summary));
  const total = fixtureRows.reduce((s, r) => add(s, r.summary), zero());

  if (values.json) {
    process.stdout.write(`${JSON.stringify({ engine: cli, rows, fixturesByTransform: Object.fromEntries(byTransform), fixturesTotal: total }, null, 2)}\n`);
  } else {
    const out: string[] = [`engine: ${cli}`];
    const line = (what: string, s: Summary, extra = '') =>
      `${what.padEnd(40)} ${String(s.linkedSetsChanged ?? '?').padStart(5)} changed ${String(s.linkedSetsLeftAlone ?? '?').padStart(4)} left alone`
      + `   (${s.signaturesMoved ?? '?'} signatures moved, ${s.callSitesUpdated ?? '?'} call sites updated)${extra}`;
    out.push('linked sets:');
    for (const r of rows) out.push(line(r.what, r.summary, `${r.code === 0 ? '' : `  exit ${r.code}`}  ${secs(r.ms)}`));
    if (fixtureRows.length) {
      for (const [t, s] of byTransform) out.push(line(`fixtures, ${t} (${fixtureRows.filter((r) => r.transform === t).length})`, s));
      out.push(line(`fixtures, all (${fixtureRows.length})`, total));
    }
    process.stdout.write(`${out.join('\n')}\n`);
  }
  if (problems.length) {
    process.stderr.write(`counts: FAILED (${problems.length}):\n${problems.join('\n')}\n`);
    return 1;
  }
  return 0;
}

process.once('SIGINT', () => {
  killRunning();
  process.exit(130);
});

main().then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    process.stderr.write(`counts: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exitCode = 2;
  },
);
