// npm run semfuzz: generate small random Go modules that combine the corners of signature rewriting,
// run goshift on them, and check that they still build, vet, pass their tests and keep every relation
// the type-checked oracle sees.
//
// Usage: npm run semfuzz -- [--seed N] [--count N] [--batch N] [--only I,J] [--out DIR] [--no-minimize] [--keep-work] [--avoid V,W] [--json]
//   --seed    the run's seed (default 1): the same seed and count give the same modules
//   --count   how many modules (default 200)
//   --batch   modules per go.work workspace run (default 10)
//   --only    just these module indexes of the seed (to reproduce a finding)
//   --out     keep findings (and invalid modules) under DIR (default: a new temp dir, printed at the end)
//   --no-minimize  do not rerun a finding alone nor drop features to minimise it
//   --keep-work    keep every batch's input and output tree under DIR/work
//   --avoid V,W    do not generate these variants (once engine bugs, now fixed; see AVOIDABLE in semfuzz-lib.ts)
// Exit status: 0 when there is no finding and no invalid module; 1 otherwise; 2 for bad usage.
// See scripts/semfuzz-lib.ts for what is generated and checked.
import { parseArgs } from 'node:util';
import { killRunning } from '../test/support/run.js';
import { parseRunNumbers } from './fuzz-lib.js';
import { formatSemfuzz, semfuzz } from './semfuzz-lib.js';

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        seed: { type: 'string', default: '1' },
        count: { type: 'string', default: '200' },
        batch: { type: 'string', default: '10' },
        only: { type: 'string' },
        out: { type: 'string' },
        'no-minimize': { type: 'boolean', default: false },
        'keep-work': { type: 'boolean', default: false },
        avoid: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: false,
    }));
  } catch (e) {
    process.stderr.write(`semfuzz: ${(e as Error).message}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write('usage: npm run semfuzz -- [--seed N] [--count N] [--batch N] [--only I,J] [--out DIR] [--no-minimize] [--keep-work] [--avoid V,W] [--json]\n');
    return 0;
  }
  let seed: number, count: number, batch: number, only: number[] | undefined;
  try {
    ({ seed, count, batch, only } = parseRunNumbers(values));
  } catch (e) {
    process.stderr.write(`semfuzz: ${(e as Error).message}\n`);
    return 2;
  }
  process.once('SIGINT', () => {
    killRunning();
    process.exit(130);
  });
  const r = await semfuzz({
    seed, count, batch, only, outDir: values.out, minimize: !values['no-minimize'], keepWork: values['keep-work'],
    avoid: values.avoid?.split(',').map((x) => x.trim()).filter(Boolean),
    log: (l) => process.stderr.write(`${l}\n`),
  });
  process.stdout.write(values.json ? JSON.stringify(r, null, 2) + '\n' : formatSemfuzz(r) + '\n');
  return r.findings.length + r.invalid.length === 0 ? 0 : 1;
}

main().then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    process.stderr.write(`semfuzz: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exitCode = 2;
  },
);
