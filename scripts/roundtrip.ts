// npm run roundtrip: the standard-library round trip (goshift issue 9: widened to all of std).
//
// Copies the Go installation to a temp dir, finds every std package declaring a context.Context
// parameter (scripts/ctxpkgs.go), runs `goshift -t ctx-last -w` over them with cwd <copy>/src
// (goshift updates every caller in the module std itself), checks the result, runs
// `goshift -t ctx-first -w` the same way, checks again, and compares every file with the original:
// how many signatures, call sites and linked sets moved, how many linked sets were left alone, how
// many changed files came back byte-identical, and why the others did not.
// The checks after each stage: a second run of the same transform finds nothing to change;
// `go build std` and `go vet` of the changed packages for GOOS linux, windows and darwin; `go test
// -short` of the changed packages (those passing on a pristine copy must still pass; the others are
// excluded and named); the type-checked oracle (test/oracle) when it is there. Prints the time of
// every step.
//
// Usage: npm run roundtrip -- [--keep] [--pkgs a/...,b|legacy] [--goos linux,windows,darwin]
//            [--vet changed|importers|std] [--no-build] [--no-test] [--no-oracle] [--goroot DIR] [--subset DIR,...]
//   --keep       keep the temp dir (the copy in go/, the CLI's output in ctx-last.stderr etc.)
//   --pkgs       comma-separated package patterns relative to GOROOT/src; `legacy` = the four packages
//                of the first round trip (net/http, database/sql, net, os/exec); default: every package
//                with a context parameter
//   --goos       GOOS values for go build std and go vet (default linux,windows,darwin)
//   --vet        what go vet checks: the changed packages (default), those plus the std packages that
//                import them, or all of std
//   --no-build   skip go build std and go vet
//   --no-test    skip go test -short (and the pristine copy it needs)
//   --no-oracle  skip the oracle even when it is there (GOSHIFT_ORACLE=DIR|BINARY names another one)
//   --goroot     the installation to copy (default: go env GOROOT)
//   --subset     run goshift over only src/go.mod and these directories of src (e.g. database/sql)
//                instead of all of std: much faster, the same when nothing outside them uses them
//   --plumb FILE:FUNC  the plumb step's plant (default database/sql/sql.go:scanArgsContainRawBytes): a
//                context.TODO() planted at the start of FUNC (name or Recv.name) in FILE (relative to
//                src, importing context), then goshift -t ctx-plumb -w over its package and the same
//                checks; --no-plumb skips the step
// Exit status: 0 ok; 1 when a goshift run exits non-zero (2 = errors), a build, vet, test or the oracle
// fails; 2 for bad usage. Files that do not come back byte-identical are reported, not failed on: std
// has declarations the tool leaves alone on purpose (see the CLI's left-alone lines printed with them).
// GOSHIFT_CLI=/abs/script.js runs another CLI than dist/bin/goshift.js.
// The linked-set counts alone (std and every fixture) are `npm run counts` (scripts/counts.ts).
import { parseArgs } from 'node:util';
import { killRunning } from '../test/support/run.js';
import { ALL_GOOS, DEFAULT_PLANT, formatRoundTrip, LEGACY_PKGS, roundTrip, type VetScope } from './roundtrip-lib.js';

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        keep: { type: 'boolean', default: false },
        pkgs: { type: 'string' },
        goos: { type: 'string' },
        vet: { type: 'string', default: 'changed' },
        'no-build': { type: 'boolean', default: false },
        'no-test': { type: 'boolean', default: false },
        'no-oracle': { type: 'boolean', default: false },
        goroot: { type: 'string' },
        subset: { type: 'string' },
        plumb: { type: 'string' },
        'no-plumb': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: false,
    }));
  } catch (e) {
    process.stderr.write(`roundtrip: ${(e as Error).message}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write('usage: npm run roundtrip -- [--keep] [--pkgs a/...,b|legacy] [--goos linux,windows,darwin] [--vet changed|importers|std]\n'
      + '           [--no-build] [--no-test] [--no-oracle] [--goroot DIR] [--subset dir,dir] [--plumb FILE:FUNC | --no-plumb]\n');
    return 0;
  }
  const list = (s: string | undefined) => (s ?? '').split(',').map((x) => x.trim()).filter(Boolean);
  let pkgs: string[] | null = null;
  if (values.pkgs !== undefined) {
    pkgs = values.pkgs.trim() === 'legacy' ? LEGACY_PKGS : list(values.pkgs);
    if (pkgs.length === 0) {
      process.stderr.write('roundtrip: --pkgs names no package\n');
      return 2;
    }
  }
  const goos = values.goos !== undefined ? list(values.goos) : ALL_GOOS;
  if (goos.length === 0) {
    process.stderr.write('roundtrip: --goos names no GOOS\n');
    return 2;
  }
  if (!['changed', 'importers', 'std'].includes(values.vet)) {
    process.stderr.write(`roundtrip: --vet must be changed, importers or std, not ${values.vet}\n`);
    return 2;
  }
  const build = !values['no-build'];
  const r = await roundTrip({
    goroot: values.goroot,
    pkgs,
    buildStd: build,
    vetAfter: build ? ['ctx-last', 'ctx-first', 'ctx-plumb'] : [],
    plumb: values['no-plumb'] ? null : values.plumb ? { file: values.plumb.split(':')[0], func: values.plumb.split(':')[1] ?? '' } : DEFAULT_PLANT,
    vetScope: values.vet as VetScope,
    goos,
    test: !values['no-test'],
    oracle: !values['no-oracle'],
    keep: values.keep,
    srcSubset: values.subset ? list(values.subset) : undefined,
    log: (l) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${l}\n`),
  });
  process.stdout.write(`${formatRoundTrip(r)}\n`);
  return r.ok ? 0 : 1;
}

// Ctrl-C: the commands run in their own process groups, so end them (and only them) too.
process.once('SIGINT', () => {
  killRunning();
  process.stderr.write('roundtrip: interrupted (the temp dir goshift-roundtrip-* may be left in the temp directory)\n');
  process.exit(130);
});

main().then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    process.stderr.write(`roundtrip: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exitCode = 2;
  },
);
