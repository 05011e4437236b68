// npm run fuzz: mutate Go files of the standard library and run goshift's engine on them.
//
// Usage: npm run fuzz -- [--seed N] [--count N] [--batch N] [--only I,J] [--passes a,b] [--out DIR] [--in-process]
//                        [--no-idempotence] [--no-gofmt] [--json]
//   --seed    the run's seed (default 1): the same seed and count give the same mutants and results
//   --count   how many mutants (default 10000)
//   --batch   mutants per temp module (default 100)
//   --only    just these mutant indexes of the seed, to reproduce a finding (keeps them with --out)
//   --passes  which passes (default all: ctx-first, ctx-last, ctx-closure, default)
//   --out     work in DIR and keep it: batch <first index>'s mutants are in DIR/b<first index>/batch/m<index>/<file>
//   --in-process  run the batches in this process, not one child process each (for a debugger)
//   --json    print the result as JSON instead of text
// Exit status: 0 when there is no crash, bad write or idempotence failure; 1 otherwise; 2 for bad usage.
// See scripts/fuzz-lib.ts for what is mutated and what is checked.
import { parseArgs } from 'node:util';
import { formatFuzz, fuzz, parseRunNumbers, serveBatch } from './fuzz-lib.js';

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
        passes: { type: 'string' },
        'in-process': { type: 'boolean', default: false },
        worker: { type: 'boolean', default: false },
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
    process.stdout.write('usage: npm run fuzz -- [--seed N] [--count N] [--batch N] [--only I,J] [--passes a,b] [--out DIR] [--in-process] [--no-idempotence] [--no-gofmt] [--json]\n');
    return 0;
  }
  if (values.worker) {
    // One batch for a parent fuzz run, over IPC.
    serveBatch();
    return -1;
  }
  let seed: number, count: number, batch: number, only: number[] | undefined;
  try {
    ({ seed, count, batch, only } = parseRunNumbers(values));
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
    passes: values.passes?.split(',').map((s) => s.trim()).filter(Boolean),
    inProcess: values['in-process'],
    idempotence: !values['no-idempotence'],
    gofmt: !values['no-gofmt'],
    log: (l) => process.stderr.write(`${l}\n`),
  });
  process.stdout.write(values.json ? JSON.stringify(r, null, 2) + '\n' : formatFuzz(r) + '\n');
  return r.crashes + r.badWrites + r.notIdempotent === 0 ? 0 : 1;
}

main().then(
  (code) => { if (code >= 0) process.exitCode = code; },
  (e: unknown) => {
    process.stderr.write(`fuzz: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exitCode = 2;
  },
);
