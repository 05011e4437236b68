// The README's first run: `npx goshift examples/shop` must show a real diff, and the module it
// gives (with -w) must still build, vet and pass its tests.
import test from 'ava';
import path from 'node:path';
import { cliPath, goEnv, repoRoot } from './support/paths.js';
import { describe, run } from './support/run.js';
import { copyTree, makeTempDir, removeTree } from './support/tree.js';

test('examples/shop: the README run shows a diff, and -w gives a module that builds and passes its tests', async (t) => {
  const dry = await run(process.execPath, [cliPath(), 'examples/shop'], { cwd: repoRoot });
  t.is(dry.code, 0, describe(dry));
  t.regex(dry.stdout, /^diff --git a\/examples\/shop\/store\/store\.go/m);
  t.regex(dry.stdout, /^\+\tGet\(ctx context\.Context, id string\) \(Order, error\)$/m);
  t.regex(dry.stdout, /^\+\tgo func\(ctx context\.Context\) \{$/m, 'ctx-closure runs in the default set');
  const dir = await makeTempDir('goshift-example-');
  try {
    await copyTree(path.join(repoRoot, 'examples/shop'), dir);
    const w = await run(process.execPath, [cliPath(), '-w', '.'], { cwd: dir });
    t.is(w.code, 0, describe(w));
    for (const goos of ['linux', 'windows']) {
      const vet = await run('go', ['vet', './...'], { cwd: dir, env: goEnv({ GOOS: goos }) });
      t.is(vet.code, 0, describe(vet));
    }
    const gt = await run('go', ['test', './...'], { cwd: dir, env: goEnv() });
    t.is(gt.code, 0, describe(gt));
    const again = await run(process.execPath, [cliPath(), '-l', '--check', '.'], { cwd: dir });
    t.is(again.code, 0, describe(again));
    t.is(again.stdout, '');
  } finally {
    await removeTree(dir);
  }
});
