// The CLI as one file: after `tsc`, dist/bin/goshift.js (bin/goshift.ts compiled) and every module
// it imports, goshift's and its libraries' (yargs alone is some forty files), are bundled into
// dist/lib/cli.bundle.js, and dist/bin/goshift.js becomes a two-line launcher of it (the CLI as
// tsc wrote it is kept as dist/bin/goshift.modules.js). Node's ESM loader resolves, reads and
// links each module on its own: some 60 ms of every run's start (--version: 0.18 s against
// 0.13 s), 3% of a cold run over std and a sixth of a warm one.
//
// The bundle lives in dist/lib/ because goshift's modules find files beside them with
// import.meta.url (the facts and check workers, facts.js, package.json): from there those URLs are
// what they are unbundled. The workers are not bundled (they load a few modules, on their own core,
// while the main thread reads). Native addons (tree-sitter and the grammar) and what goshift loads
// with createRequire when it needs it (yaml, cli-progress) stay outside, loaded as they were.
//
// tsc writes dist/bin/goshift.js anew on every build, so that a build without this step runs the
// modules unbundled, never a bundle older than them. `npm run build` (and test, bench …) run both.
import { build } from 'esbuild';
import { copyFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const MARK = '// goshift: the launcher of lib/cli.bundle.js (scripts/bundle.ts)';
const entry = fileURLToPath(new URL('../bin/goshift.js', import.meta.url));
const out = fileURLToPath(new URL('../lib/cli.bundle.js', import.meta.url));
const modules = fileURLToPath(new URL('../bin/goshift.modules.js', import.meta.url));

const text = readFileSync(entry, 'utf8');
if (text.includes(MARK)) {
  // Already bundled since the last tsc: the entry is the launcher, not the CLI.
  if (!existsSync(out)) {
    console.error(`bundle: ${entry} is a launcher but ${out} is missing: run tsc -p . first`);
    process.exit(1);
  }
} else {
  await build({
    entryPoints: [entry],
    outfile: `${out}.tmp`,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Native addons and their loaders are found at run time, next to their packages.
    external: ['tree-sitter', 'tree-sitter-go-goshift', 'node-gyp-build'],
    sourcemap: true,
    logLevel: 'warning',
  });
  // The map's name follows the bundle's.
  const js = readFileSync(`${out}.tmp`, 'utf8').replace(/\/\/# sourceMappingURL=cli\.bundle\.js\.tmp\.map\s*$/, '//# sourceMappingURL=cli.bundle.js.map\n');
  writeFileSync(`${out}.tmp`, js);
  renameSync(`${out}.tmp.map`, `${out}.map`);
  renameSync(`${out}.tmp`, out);
  // The CLI as tsc wrote it stays beside the launcher: a test that swaps one of goshift's modules
  // for a stand-in (test/cli.test.ts) runs it.
  copyFileSync(entry, modules);
  writeFileSync(`${entry}.tmp`, `#!/usr/bin/env node\n${MARK}\nimport '../lib/cli.bundle.js';\n`, { mode: 0o755 });
  renameSync(`${entry}.tmp`, entry);
}
