// The semantic fuzzer (scripts/semfuzz-lib.ts; the long run is `npm run semfuzz`): its generator is
// deterministic and minimisable, its checks catch a wrong rewrite, and a short seeded run over the
// current engine finds nothing.
//
// The short run covers every variant: the four engine bugs the fuzzer found at first (a range over a
// func yielding (string, context.Context), an iter.Seq2 literal, a type switch on anonymous interfaces,
// a value passed to another module's package imported under a guessed name) are fixed, each with a
// fixture of its own; `--avoid` stays in the CLI for bisecting.
import test from 'ava';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatSemfuzz, generateModule, moduleHash, runSet, semfuzz } from '../scripts/semfuzz-lib.js';

test('generator: the same seed and index give the same module; keep drops features and what needs them', (t) => {
  const a = generateModule(7, 3);
  const b = generateModule(7, 3);
  t.is(moduleHash(a), moduleHash(b));
  t.not(moduleHash(a), moduleHash(generateModule(7, 4)));
  t.true(a.features.length >= 3);
  // Keeping one feature keeps exactly it (the generator only makes a feature depend on earlier ones).
  const first = a.features[0];
  const one = generateModule(7, 3, new Set([first.id]));
  t.deepEqual(one.features.map((f) => f.id), [first.id]);
  // Every kept feature's dependencies are kept.
  for (let i = 0; i < 40; i++) {
    const m = generateModule(11, i);
    const keep = new Set(m.features.filter((_, k) => k % 2 === 1).map((f) => f.id));
    const sub = generateModule(11, i, keep);
    const ids = new Set(sub.features.map((f) => f.id));
    for (const f of sub.features) for (const d of f.deps) t.true(ids.has(d), `gen${i}: feature ${f.id} kept without its dependency ${d}`);
    // A kept feature's files are the same as in the full module.
    for (const f of sub.features) t.is(sub.files.get(`f${f.id}_test.go`), m.files.get(`f${f.id}_test.go`));
  }
});

test('checks: a rewrite that still builds but changes behaviour, and a second run with work left, are findings', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'goshift-semfuzz-test-'));
  try {
    // A stand-in for goshift: with -w it reverses the order kv.J reports arguments in (builds, vets,
    // the tests fail); with -l it names a file and exits 1, as if a second run had work left.
    const cli = path.join(dir, 'wrong.mjs');
    await fs.writeFile(cli, `import fs from 'node:fs';
import path from 'node:path';
const args = process.argv.slice(2);
const mods = args.filter((a) => !a.startsWith('-') && a !== 'ctx-first');
if (args.includes('-w')) {
  for (const m of mods) {
    const p = path.join(m, 'kv', 'kv.go');
    fs.writeFileSync(p, fs.readFileSync(p, 'utf8').replace('strings.Join(parts, ",")', 'strings.Join(append([]string(nil), parts[1:]...), ",")'));
  }
} else {
  console.log(mods.map((m) => m + '/kv/kv.go').join('\\n'));
  process.exitCode = 1;
}
`);
    const mods = [generateModule(1, 5), generateModule(1, 6)];
    const outs = await runSet(path.join(dir, 'w'), mods, { seed: 1, cli });
    for (const o of outs) {
      t.is(o.invalid, null, `gen${o.index} is valid Go before the rewrite`);
      t.true(o.changed);
      t.true(o.kinds.includes('test'), `gen${o.index}: ${o.kinds.join(', ')}\n${o.details.join('\n')}`);
      t.true(o.kinds.includes('not-idempotent'), `gen${o.index}: ${o.kinds.join(', ')}`);
      t.false(o.kinds.includes('vet'), `gen${o.index} still vets: ${o.details.join('\n')}`);
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});

test('a short seeded run over the engine: no finding, no invalid module', async (t) => {
  const r = await semfuzz({ seed: 4, count: 20, batch: 10, minimize: false });
  t.log(formatSemfuzz(r));
  t.is(r.invalid.length, 0, formatSemfuzz(r));
  t.is(r.findings.length, 0, formatSemfuzz(r));
  t.true(r.rewritten > 0);
  await fs.rm(r.outDir, { recursive: true, force: true });
});
