// Your own transforms: -t ./path/to/transform.js, the checks on its shape and on what it returns,
// mixing with built-in names, and the example examples/transforms/logger-after-ctx.js run through
// goshift/testing (imported by the package's name) and through the CLI.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { isTransformPath, loadTransform, resolveTransforms, validateTransform } from '../lib/plugins.js';
import { composedOrder } from '../lib/select.js';
import type { SignatureView } from '../lib/types.js';
import { ctxFirst } from '../transforms/ctx-first.js';
import { cliPath, goEnv, repoRoot } from './support/paths.js';
import { run } from './support/run.js';
import { compareTrees, copyTree, explainDifferences, makeTempDir, removeTree } from './support/tree.js';

const example = path.join(repoRoot, 'examples', 'transforms', 'logger-after-ctx.js');
const exampleFixture = path.join(repoRoot, 'examples', 'transforms', 'logger-after-ctx');
const cli = (args: string[], cwd: string) => run(process.execPath, [cliPath(), '--no-cache', ...args], { cwd, env: goEnv(), timeoutMs: 120_000 });

/** A temp dir holding the given files; removed after the test. */
async function tempFiles(t: { teardown(fn: () => Promise<void>): void }, files: Record<string, string>): Promise<string> {
  const dir = await makeTempDir('goshift-plugins-');
  t.teardown(() => removeTree(dir));
  for (const [name, text] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await fs.writeFile(path.join(dir, name), text);
  }
  return dir;
}

test('a -t value is a module path when it looks like one', (t) => {
  for (const s of ['./a.js', '../x/b.mjs', '/abs/c', 'd.js', 'e.cjs', '.\\f.js']) t.true(isTransformPath(s), s);
  for (const s of ['ctx-first', 'ctx-closure', 'my.transform']) t.false(isTransformPath(s), s);
});

test('the example loads, and its reorder moves a logger right after the context', async (t) => {
  const tr = await loadTransform(example);
  t.is(tr.name, 'logger-after-ctx');
  const p = (typeText: string, isContext = false, variadic = false) => ({ name: 'x', typeText, isContext, variadic });
  const sig = (...params: ReturnType<typeof p>[]): SignatureView => ({ params, file: 'a.go', line: 1, what: 'func F' });
  const opts = { allowTypesBefore: [] };
  t.deepEqual(tr.reorder!(sig(p('context.Context', true), p('int'), p('*slog.Logger')), opts), [0, 2, 1]);
  t.deepEqual(tr.reorder!(sig(p('*slog.Logger'), p('context.Context', true), p('int')), opts), [1, 0, 2]);
  t.is(tr.reorder!(sig(p('context.Context', true), p('*slog.Logger'), p('int')), opts), null);
  t.is(tr.reorder!(sig(p('int'), p('*slog.Logger')), opts), null, 'no context: nothing to do');
  t.deepEqual(tr.reorder!(sig(p('context.Context', true), p('int'), p('*slog.Logger'), p('...string', false, true)), opts), [0, 2, 1, 3], 'a variadic parameter stays last');
});

test('a transform of the wrong shape is refused with file: reason', (t) => {
  const f = 'my.js';
  const cases: Array<[unknown, RegExp]> = [
    [null, /^my\.js: the transform must be an object/],
    [() => null, /^my\.js: the transform must be an object/],
    [{ description: 'd', reorder() { return null; } }, /^my\.js: "name" must be a non-empty string$/],
    [{ name: 'a b', description: 'd', reorder() { return null; } }, /^my\.js: "name" "a b" must be letters/],
    [{ name: 'a' , reorder() { return null; } }, /^my\.js: "description" must be a non-empty string$/],
    [{ name: 'a', description: 'd' }, /^my\.js: the transform does nothing: give it "reorder", "change" or "rewriteFile"$/],
    [{ name: 'a', description: 'd', reorder: 3 }, /^my\.js: "reorder" must be a function/],
    [{ name: 'a', description: 'd', reoder() { return null; } }, /^my\.js: unknown property "reoder"; a transform has name, description/],
    [{ name: 'a', description: 'd', mentions: 'ctx', rewriteFile() {} }, /^my\.js: "mentions" must be a RegExp$/],
    [{ name: 'a', description: 'd', mentions: /ctx/g, rewriteFile() {} }, /^my\.js: "mentions" must not have the g or y flag/],
    [{ name: 'a', description: 'd', mentions: /ctx/, reorder() { return null; } }, /^my\.js: "mentions" is only used with "rewriteFile"$/],
  ];
  for (const [value, re] of cases) t.throws(() => validateTransform(value, f), { message: re }, String(re));
});

test('what a user reorder returns is checked on each call', (t) => {
  const sig: SignatureView = {
    params: [{ name: 'a', typeText: 'int', isContext: false, variadic: false }, { name: 'ctx', typeText: 'context.Context', isContext: true, variadic: false }, { name: 'r', typeText: '...int', isContext: false, variadic: true }],
    file: 'x.go', line: 3, what: 'func F',
  };
  const withOrder = (o: unknown) => validateTransform({ name: 'a', description: 'd', reorder: () => o }, 'my.js');
  const opts = { allowTypesBefore: [] };
  t.is(withOrder(null).reorder!(sig, opts), null);
  t.is(withOrder([0, 1, 2]).reorder!(sig, opts), null, 'the identity is no change');
  t.deepEqual(withOrder([1, 0, 2]).reorder!(sig, opts), [1, 0, 2]);
  t.throws(() => withOrder([1, 1, 2]).reorder!(sig, opts), { message: /^my\.js: reorder returned \[1, 1, 2\] for func F \(x\.go:3\): expected each index 0\.\.2 exactly once/ });
  t.throws(() => withOrder([1, 0]).reorder!(sig, opts), { message: /exactly once/ });
  t.throws(() => withOrder('10').reorder!(sig, opts), { message: /^my\.js: reorder returned string for func F/ });
  t.throws(() => withOrder([2, 1, 0]).reorder!(sig, opts), { message: /the variadic parameter must stay last/ });
  const throwing = validateTransform({ name: 'a', description: 'd', reorder: () => { throw new Error('oops'); } }, 'my.js');
  t.throws(() => throwing.reorder!(sig, opts), { message: 'my.js: reorder threw for func F (x.go:3): oops' });
});

test('afterRun is checked: a function, returning lines', (t) => {
  const base = { name: 'a', description: 'd', rewriteFile: () => undefined };
  t.throws(() => validateTransform({ ...base, afterRun: 1 }, 'my.js'), { message: 'my.js: "afterRun" must be a function (run) => string[]' });
  const run = { modules: [], imports: () => null, goMod: () => null };
  t.deepEqual(validateTransform({ ...base, afterRun: () => ['one line'] }, 'my.js').afterRun!(run), ['one line']);
  t.throws(() => validateTransform({ ...base, afterRun: () => 'x' }, 'my.js').afterRun!(run), { message: /^my\.js: afterRun returned string: expected an array of strings/ });
  t.throws(() => validateTransform({ ...base, afterRun: () => { throw new Error('oops'); } }, 'my.js').afterRun!(run), { message: 'my.js: afterRun threw: oops' });
});

test('what a user change returns is checked on each call', (t) => {
  const sig: SignatureView = {
    params: [{ name: 'a', typeText: 'int', isContext: false, variadic: false }, { name: 'r', typeText: '...int', isContext: false, variadic: true }],
    file: 'x.go', line: 3, what: 'func F',
  };
  const withChange = (c: unknown) => validateTransform({ name: 'a', description: 'd', changeNames: /^F$/, change: () => c }, 'my.js');
  const opts = { allowTypesBefore: [] };
  const ins = (x: Record<string, unknown>) => ({ at: 0, name: 'ctx', typeText: 'context.Context', import: 'context', arg: { inScope: 'context' }, ...x });
  t.is(withChange(null).change!(sig, opts), null);
  t.is(withChange({ order: [0, 1], insert: [] }).change!(sig, opts), null, 'the identity without inserts is no change');
  t.deepEqual(withChange({ order: [0, 1], insert: [ins({})] }).change!(sig, opts), { order: [0, 1], insert: [ins({})] });
  t.deepEqual(withChange({ insert: [ins({ arg: { expr: 'nil' } })] }).change!(sig, opts)?.order, [0, 1], 'order defaults to the identity');
  t.throws(() => withChange({ order: [0, 1] }).change!(sig, opts), { message: /^my\.js: change returned no "insert" array/ });
  t.throws(() => withChange({ insert: [ins({ at: 2 })] }).change!(sig, opts), { message: /an inserted parameter at 2: expected 0\.\.1 \(before a variadic one\)/ });
  t.throws(() => withChange({ insert: [ins({ name: 'a b' })] }).change!(sig, opts), { message: /expected a Go identifier/ });
  t.throws(() => withChange({ insert: [ins({ arg: { inScope: 'logger' } })] }).change!(sig, opts), { message: /"arg" is neither/ });
  t.throws(() => validateTransform({ name: 'a', description: 'd', change: () => null, reorder: () => null }, 'my.js'), { message: /give "reorder" or "change", not both/ });
  t.throws(() => validateTransform({ name: 'a', description: 'd', changeNames: /x/, reorder: () => null }, 'my.js'), { message: /"changeNames" is only used with "change"/ });
});

test('CLI: a user module with change inserts a parameter into the functions it names, and every call passes it', async (t) => {
  const dir = await tempFiles(t, {
    'ins.js': "export default { name: 'ins', description: 'd', changeNames: /^Load$/, change: (sig) => ({ order: sig.params.map((_, i) => i), insert: [{ at: 0, name: 'ctx', typeText: 'context.Context', import: 'context', arg: { inScope: 'context', otherwise: { expr: 'context.Background()', import: 'context', pure: true } } }] }) };\n",
    'go.mod': 'module example.com/m\n\ngo 1.22\n',
    'm.go': 'package m\n\nimport "context"\n\nfunc Load(id string) string { return id }\n\nfunc A(c context.Context) string { return Load("a") }\n\nfunc B() string { return Load("b") }\n',
  });
  const r = await cli(['-t', './ins.js', '-d', '.'], dir);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^\+func Load\(ctx context\.Context, id string\) string/m);
  t.regex(r.stdout, /^\+func A\(c context\.Context\) string \{ return Load\(c, "a"\) \}/m);
  t.regex(r.stdout, /^\+func B\(\) string \{ return Load\(context\.Background\(\), "b"\) \}/m);
});

test('modules: missing, no export, not loadable, a name taken; built-in names and paths mix', async (t) => {
  const dir = await tempFiles(t, {
    'none.js': 'export const x = 1;\n',
    'broken.js': 'export default {\n',
    'named.mjs': "export const transform = { name: 'named', description: 'd', reorder: () => null };\n",
    'clash.js': "export default { name: 'ctx-first', description: 'd', reorder: () => null };\n",
  });
  await t.throwsAsync(loadTransform('./missing.js', dir), { message: /^\.\/missing\.js: no such file/ });
  await t.throwsAsync(loadTransform('./none.js', dir), { message: /^\.\/none\.js: exports no transform: expected a default export or an export named "transform"$/ });
  await t.throwsAsync(loadTransform('./broken.js', dir), { message: /^\.\/broken\.js: cannot load: / });
  t.is((await loadTransform('./named.mjs', dir)).name, 'named');
  await t.throwsAsync(resolveTransforms(['./clash.js'], dir), { message: /^\.\/clash\.js: its name "ctx-first" is taken by a built-in transform$/ });
  await t.throwsAsync(resolveTransforms(['nope'], dir), { message: /unknown transform "nope"; known: ctx-first, ctx-closure, ctx-plumb, ctx-inherit, ctx-legacy \(or a path to your own/ });
  const mixed = await resolveTransforms(['./named.mjs', 'ctx-first'], dir);
  t.deepEqual(mixed.map((x) => x.name), ['ctx-first', 'named'], 'built-ins first, then modules in the order given');
});

test('CLI: a bad module is a usage error naming the file (exit 2)', async (t) => {
  const dir = await tempFiles(t, {
    'bad.js': "export default { name: 'bad', description: 'd', reorder: 'no' };\n",
    'wrong-order.js': "export default { name: 'wrong', description: 'd', reorder: (sig) => sig.params.map(() => 0) };\n",
    'go.mod': 'module example.com/m\n\ngo 1.22\n',
    'm.go': 'package m\n\nimport "context"\n\nfunc F(a int, ctx context.Context) {}\n',
  });
  const bad = await cli(['-t', 'ctx-first,./bad.js', '.'], dir);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /^goshift: \.\/bad\.js: "reorder" must be a function/m);
  const wrong = await cli(['-t', './wrong-order.js', '.'], dir);
  t.is(wrong.code, 2);
  t.regex(wrong.stderr, /^goshift: \.\/wrong-order\.js: reorder returned \[0, 0\] for func F \(m\.go:5\)/m);
});

test('CLI: -t ./examples/transforms/logger-after-ctx.js gives the fixture\'s expected/, alone and after ctx-first', async (t) => {
  for (const ts of ['./examples/transforms/logger-after-ctx.js', 'ctx-first,./examples/transforms/logger-after-ctx.js']) {
    const work = await makeTempDir('goshift-plugins-');
    t.teardown(() => removeTree(work));
    await copyTree(path.join(exampleFixture, 'input'), work);
    // Run from the repository root, as the README shows: the module path is relative to the cwd.
    const w = await cli(['-t', ts, '-w', work], repoRoot);
    t.is(w.code, 0, w.stderr);
    const diffs = await compareTrees(path.join(exampleFixture, 'expected'), work);
    t.deepEqual(diffs, [], await explainDifferences(path.join(exampleFixture, 'expected'), work, diffs));
    const again = await cli(['-t', ts, '-l', '--check', work], repoRoot);
    t.is(again.code, 0, `${ts}: a second run finds something to change:\n${again.stdout}${again.stderr}`);
  }
});

test('goshift/testing (by the package\'s name) passes the example fixture', async (t) => {
  const testing = (await import('goshift/testing' as string)) as typeof import('../lib/testing.js');
  const r = await testing.checkFixture(exampleFixture, { transform: path.relative(process.cwd(), example) || example });
  for (const p of r.problems) t.log(p);
  t.true(r.ok, r.summary);
});

test('goshift/testing reports a fixture the transform does not satisfy, by step', async (t) => {
  const { checkFixture, assertFixture } = await import('../lib/testing.js');
  // ctx-first alone moves only Lookup's context: the output differs from expected/.
  const r = await checkFixture(exampleFixture, { transform: 'ctx-first', go: false });
  t.false(r.ok);
  t.regex(r.summary, /^fixture .*logger-after-ctx: \d+ problem\(s\) in step 4, step 7$/);
  t.regex(r.problems[0], /^step 4: goshift -w output differs from expected\//);
  await t.throwsAsync(assertFixture(exampleFixture, { transform: 'ctx-first', go: false }), { message: /step 4: goshift -w output differs/ });
});

test('CLI: a file-local transform (mentions + rewriteFile) from a module edits through the RewriteAPI and counts', async (t) => {
  const dir = await tempFiles(t, {
    'sprint.mjs': [
      '// fmt.Sprintf("%v", x) becomes fmt.Sprint(x).',
      'export default {',
      "  name: 'sprint', description: 'fmt.Sprintf(\"%v\", x) to fmt.Sprint(x)',",
      '  mentions: /^Sprintf$/,',
      '  rewriteFile(api) {',
      "    for (const call of api.root.descendantsOfType('call_expression')) {",
      "      const fn = call.childForFieldName('function');",
      "      const args = call.childForFieldName('arguments')?.namedChildren ?? [];",
      "      if (fn?.text !== 'fmt.Sprintf' || args.length !== 2 || args[0].text !== '\"%v\"') continue;",
      "      api.replace(fn.startIndex, args[1].startIndex, 'fmt.Sprint(');",
      "      api.count('Sprintf simplified', 'Sprintf calls simplified', 1, call);",
      '    }',
      '  },',
      '};',
    ].join('\n'),
    'go.mod': 'module example.com/m\n\ngo 1.22\n',
    'm.go': 'package m\n\nimport "fmt"\n\nfunc F(n int) string { return fmt.Sprintf("%v", n) + fmt.Sprintf("%d", n) }\n',
  });
  const w = await cli(['-t', './sprint.mjs', '-w', '.'], dir);
  t.is(w.code, 0, w.stderr);
  t.is(await fs.readFile(path.join(dir, 'm.go'), 'utf8'), 'package m\n\nimport "fmt"\n\nfunc F(n int) string { return fmt.Sprint(n) + fmt.Sprintf("%d", n) }\n');
  t.regex(w.stderr, /1 Sprintf simplified/);
});

test('reorderers compose: each sees the signature as the ones before left it', async (t) => {
  const logger = await loadTransform(example);
  const p = (typeText: string, isContext = false) => ({ name: 'x', typeText, isContext, variadic: false });
  // func F(a int, log *slog.Logger, ctx context.Context): ctx-first gives (ctx, a, log), then the logger moves: (ctx, log, a).
  const sig: SignatureView = { params: [p('int'), p('*slog.Logger'), p('context.Context', true)], file: 'a.go', line: 1, what: 'func F' };
  const opts = { allowTypesBefore: [] };
  t.deepEqual(composedOrder(sig, [ctxFirst, logger], opts), [2, 1, 0]);
  t.deepEqual(composedOrder(sig, [ctxFirst], opts), [2, 0, 1]);
  t.deepEqual(composedOrder(sig, [logger], opts), [0, 2, 1]);
  const done: SignatureView = { ...sig, params: [p('context.Context', true), p('*slog.Logger'), p('int')] };
  t.is(composedOrder(done, [ctxFirst, logger], opts), null);
});
