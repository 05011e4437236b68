// npm run roundtrip: the standard-library round trip.
//
// Copies the Go installation to a temp dir, runs `goshift -t ctx-last -w` over the packages with cwd
// <copy>/src (goshift updates every caller in the module std itself), checks `go build std` and
// `go vet` of the changed packages with the copied GOROOT, runs `goshift -t ctx-first -w` the same way,
// checks the build again, and compares every file with the original: how many signatures and call
// sites moved, how many changed files came back byte-identical, and why the others did not.
//
// Usage: npm run roundtrip -- [--keep] [--pkgs net/http/...,os/exec/...] [--no-build] [--goroot DIR] [--subset DIR,...]
//   --keep       keep the temp dir (the copy in go/, the CLI's output in ctx-last.stderr etc.)
//   --pkgs       comma-separated package patterns relative to GOROOT/src (default below)
//   --no-build   skip go build std and go vet
//   --goroot     the installation to copy (default: go env GOROOT)
//   --subset     run goshift over only src/go.mod and these directories of src (e.g. database/sql)
//                instead of all of std: much faster, the same when nothing outside them uses them
// Exit status: 0 ok; 1 when a goshift run exits non-zero (2 = errors) or a build or vet fails;
// 2 for bad usage. Files that do not come back byte-identical are reported, not failed on: std has
// declarations the tool leaves alone on purpose (see the CLI's left-alone lines printed with them).
// GOSHIFT_CLI=/abs/script.js runs another CLI than dist/bin/goshift.js.
import { parseArgs } from 'node:util';
import { killRunning } from '../test/support/run.js';
import { DEFAULT_PKGS, formatRoundTrip, roundTrip } from './roundtrip-lib.js';

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        keep: { type: 'boolean', default: false },
        pkgs: { type: 'string' },
        'no-build': { type: 'boolean', default: false },
        goroot: { type: 'string' },
        subset: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: false,
    }));
  } catch (e) {
    process.stderr.write(`roundtrip: ${(e as Error).message}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write('usage: npm run roundtrip -- [--keep] [--pkgs a/...,b/...] [--no-build] [--goroot DIR] [--subset dir,dir]\n');
    return 0;
  }
  const pkgs = values.pkgs ? values.pkgs.split(',').map((s) => s.trim()).filter(Boolean) : DEFAULT_PKGS;
  if (pkgs.length === 0) {
    process.stderr.write('roundtrip: --pkgs names no package\n');
    return 2;
  }
  const build = !values['no-build'];
  const r = await roundTrip({
    goroot: values.goroot,
    pkgs,
    buildStd: build,
    vetAfter: build ? ['ctx-last', 'ctx-first'] : [],
    keep: values.keep,
    srcSubset: values.subset ? values.subset.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
    log: (l) => process.stderr.write(`${l}\n`),
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
