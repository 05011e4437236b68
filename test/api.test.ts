// goshift from JavaScript: `import { run } from 'goshift'` returns the document `--json` prints
// (built here directly with buildDocument, as the CLI does), writes nothing, and its types ship as
// .d.ts: a small TypeScript consumer, in a temp dir that has goshift in node_modules, type-checks
// with tsc --noEmit (and a wrong use does not).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { buildDocument } from '../lib/output/document.js';
import { runWorkspace } from '../lib/parts.js';
import { loadTransform } from '../lib/plugins.js';
import { formatProblem } from '../lib/report.js';
import { discover } from '../lib/workspace.js';
import { defaultTransforms, findTransform } from '../transforms/index.js';
import { goEnv, repoRoot } from './support/paths.js';
import { describe, run as runCmd } from './support/run.js';
import { compareTrees, copyTree, makeTempDir, removeTree } from './support/tree.js';

const exampleFixture = path.join(repoRoot, 'examples', 'transforms', 'logger-after-ctx');
const shop = path.join(repoRoot, 'examples', 'shop');
const version = (JSON.parse(await fs.readFile(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

/** The document as the CLI builds it for --json: the engine's result through buildDocument. */
async function direct(cwd: string, paths: string[], transforms = defaultTransforms()) {
  const ws = await discover(paths, { cwd });
  const result = await runWorkspace(ws, transforms, { allowTypesBefore: [], api: 'change', cacheDir: null, jobs: 1 });
  const changes = result.changes.filter((c) => !Buffer.from(c.after, c.encoding).equals(c.before));
  const seen = new Set<string>();
  const errors = [...result.report.errors, ...ws.errors].filter((p) => (seen.has(formatProblem(p)) ? false : (seen.add(formatProblem(p)), true)));
  return buildDocument({ ws, result, changes, errors, report: { ...result.report, errors }, mode: 'json', transforms: transforms.map((t) => t.name), version, notes: ws.notes });
}

/** A temp dir with node_modules/goshift linking to this repository, as after `npm install goshift`. */
async function consumerDir(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await makeTempDir('goshift-api-');
  t.teardown(() => removeTree(dir));
  await fs.mkdir(path.join(dir, 'node_modules', '@types'), { recursive: true });
  await fs.symlink(repoRoot, path.join(dir, 'node_modules', 'goshift'), 'dir');
  await fs.symlink(path.join(repoRoot, 'node_modules', '@types', 'node'), path.join(dir, 'node_modules', '@types', 'node'), 'dir');
  await fs.writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  return dir;
}

test('run() by the package\'s name, from another package, equals the document the CLI builds, and writes nothing', async (t) => {
  const dir = await consumerDir(t);
  const work = path.join(dir, 'shop');
  await copyTree(shop, work);
  await fs.writeFile(path.join(dir, 'main.mjs'), [
    "import { run } from 'goshift';",
    "const doc = await run(['./...'], { cwd: process.argv[2], cacheDir: null, jobs: 1 });",
    'process.stdout.write(JSON.stringify(doc));',
  ].join('\n'));
  const r = await runCmd(process.execPath, ['main.mjs', work], { cwd: dir, env: goEnv(), timeoutMs: 120_000 });
  t.is(r.code, 0, describe(r));
  const got = JSON.parse(r.stdout);
  const want = await direct(work, ['./...']);
  t.deepEqual(got, JSON.parse(JSON.stringify(want)));
  t.true(got.totals.filesChanged > 0, 'the example changes something');
  t.is(got.mode, 'json');
  t.deepEqual(await compareTrees(shop, work), [], 'run() wrote nothing');
});

test('run() (self-reference) with a user module and a Transform object mixed with a built-in name', async (t) => {
  const { run } = (await import('goshift' as string)) as typeof import('../lib/api.js');
  const cwd = path.join(exampleFixture, 'input');
  const doc = await run(['.'], { cwd, transforms: ['ctx-first', '../../logger-after-ctx.js'], cacheDir: null });
  const plugin = await loadTransform(path.join(repoRoot, 'examples', 'transforms', 'logger-after-ctx.js'));
  t.deepEqual(doc, await direct(cwd, ['.'], [findTransform('ctx-first')!, plugin]));
  t.deepEqual(doc.transforms, ['ctx-first', 'logger-after-ctx']);
  t.is(doc.totals.filesChanged, 4);
  t.true(doc.files.every((f) => f.status !== 'changed' || (f.diff?.startsWith('diff --git') ?? false)));
  const { default: obj } = (await import(path.join(repoRoot, 'examples', 'transforms', 'logger-after-ctx.js'))) as { default: import('../lib/types.js').Transform };
  const doc2 = await run(['.'], { cwd, transforms: [obj], cacheDir: null });
  t.deepEqual(doc2.files.map((f) => f.diff), doc.files.map((f) => f.diff), 'a Transform object does what its module does');
  await t.throwsAsync(run(['.'], { cwd, transforms: [{ name: 'x' } as never] }), { message: /^options\.transforms\[0\]: "description" must be a non-empty string$/ });
  await t.throwsAsync(run(['.'], { cwd, transforms: ['nope'] }), { message: /unknown transform "nope"/ });
  const missing = await run(['no-such-dir'], { cwd, cacheDir: null });
  t.true(missing.errors.length > 0 && missing.totals.errors === missing.errors.length, 'a bad path is an error in the document, as the CLI reports it');
});

test('the .d.ts files type a TypeScript consumer of goshift and goshift/testing, and the example transform\'s JSDoc (tsc --noEmit)', async (t) => {
  for (const f of ['api', 'testing', 'types', 'plugins', 'output/document']) {
    await t.notThrowsAsync(fs.access(path.join(repoRoot, 'dist', 'lib', `${f}.d.ts`)), `dist/lib/${f}.d.ts is emitted`);
  }
  const dir = await consumerDir(t);
  await fs.writeFile(path.join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, types: ['node'] },
    include: ['*.ts'],
  }));
  const good = [
    "import { run, type Document, type Transform, type SignatureView, type RunOptions } from 'goshift';",
    "import { assertFixture, checkFixture, type FixtureResult } from 'goshift/testing';",
    'const t: Transform = {',
    "  name: 'noop', description: 'does nothing',",
    '  reorder(sig: SignatureView): number[] | null { return sig.params.some((p) => p.isContext) ? null : null; },',
    '};',
    "const opts: RunOptions = { transforms: ['ctx-first', './x.js', t], api: 'keep', cacheDir: null };",
    "const doc: Document = await run(['./...'], opts);",
    'const paths: string[] = doc.files.filter((f) => f.status === \'changed\').map((f) => f.path);',
    'const n: number = doc.totals.setsMoved + doc.sets.length + doc.leftAlone.length;',
    "const r: FixtureResult = await checkFixture('fixtures/x', { transform: './x.js', go: false });",
    "await assertFixture('fixtures/x', { transform: 'ctx-first' });",
    'export { paths, n, r };',
  ].join('\n');
  await fs.writeFile(path.join(dir, 'consumer.ts'), good);
  // The example transform, plain JS, checked against the public types through its JSDoc.
  await fs.copyFile(path.join(repoRoot, 'examples', 'transforms', 'logger-after-ctx.js'), path.join(dir, 'logger-after-ctx.js'));
  await fs.writeFile(path.join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, types: ['node'], allowJs: true, checkJs: true },
    include: ['*.ts', '*.js'],
  }));
  const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const ok = await runCmd(process.execPath, [tsc, '-p', '.'], { cwd: dir, env: process.env, timeoutMs: 120_000 });
  t.is(ok.code, 0, describe(ok));
  // The types are real, not any: wrong uses fail.
  await fs.rm(path.join(dir, 'logger-after-ctx.js'));
  await fs.writeFile(path.join(dir, 'consumer.ts'), [
    "import { run } from 'goshift';",
    "const doc = await run('.');",
    'const x: string = doc.totals.filesChanged;',
    "await run(['.'], { api: 'sometimes' });",
    'export { x };',
  ].join('\n'));
  const bad = await runCmd(process.execPath, [tsc, '-p', '.'], { cwd: dir, env: process.env, timeoutMs: 120_000 });
  t.not(bad.code, 0, describe(bad));
  t.is((bad.stdout.match(/error TS/g) ?? []).length, 3, bad.stdout);
});
