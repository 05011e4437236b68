// npm run fuzz: mutate Go files of the standard library and run goshift's engine on them.
//
// Usage: npm run fuzz -- [--seed N] [--count N] [--batch N] [--only I,J] [--out DIR] [--no-idempotence] [--no-gofmt] [--json]
//   --seed    the run's seed (default 1): the same seed and count give the same mutants and results
//   --count   how many mutants (default 10000)
//   --batch   mutants per temp module (default 100)
//   --only    just these mutant indexes of the seed, to reproduce a finding (keeps them with --out)
//   --out     work in DIR and keep it: the last batch's mutants are in DIR/batch/m<index>/<file>
//   --json    print the result as JSON instead of text
// Exit status: 0 when there is no crash, bad write or idempotence failure; 1 otherwise; 2 for bad usage.
// See scripts/fuzz-lib.ts for what is mutated and what is checked.
import { parseArgs } from 'node:util';
import { formatFuzz, fuzz } from './fuzz-lib.js';

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        seed: { type: 'string', default: '1' },
        count: { type: 'string', default: '10000' },
        batch: { type: 'string', default: '100' },
        only: { type: 'string' },
        out: { type: 'string' },
        'no-idempotence': { type: 'boolean', default: false },
        'no-gofmt': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: false,
    }));
  } catch (e) {
    process.stderr.write(`fuzz: ${(e as Error).message}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write('usage: npm run fuzz -- [--seed N] [--count N] [--batch N] [--only I,J] [--out DIR] [--no-idempotence] [--no-gofmt] [--json]\n');
    return 0;
  }
  const int = (name: string, v: string, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} wants an integer >= ${min}, not ${JSON.stringify(v)}`);
    return n;
  };
  let seed: number, count: number, batch: number, only: number[] | undefined;
  try {
    seed = int('seed', values.seed!, 0);
    count = int('count', values.count!, 1);
    batch = int('batch', values.batch!, 1);
    only = values.only?.split(',').map((s) => int('only', s.trim(), 0));
  } catch (e) {
    process.stderr.write(`fuzz: ${(e as Error).message}\n`);
    return 2;
  }
  const r = await fuzz({
    seed,
    count,
    batch,
    only,
    outDir: values.out,
    idempotence: !values['no-idempotence'],
    gofmt: !values['no-gofmt'],
    log: (l) => process.stderr.write(`${l}\n`),
  });
  process.stdout.write(values.json ? JSON.stringify(r, null, 2) + '\n' : formatFuzz(r) + '\n');
  return r.crashes + r.badWrites + r.notIdempotent === 0 ? 0 : 1;
}

main().then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    process.stderr.write(`fuzz: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exitCode = 2;
  },
);
