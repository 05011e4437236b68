// The edit stage's parse check gives every text the answer syntaxErrorOf gives it, whether the
// text was parsed by the worker or on this thread (while waiting for the worker, or after it failed).
import test from 'ava';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ParseCheck } from '../lib/parsecheck.js';
import { syntaxErrorOf } from '../lib/source.js';

/** Go files, every third one broken in a different way, large enough that the worker has work left when the answers are asked. */
function texts(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const body = Array.from({ length: 400 }, (_, k) => `\tx${k} := ${k} + ${i}\n\t_ = x${k}\n`).join('');
    const broken = i % 3 === 1 ? `\tif {\n` : i % 3 === 2 ? `\ty := (1 + \n` : '';
    out.push(`package p\n\nfunc f${i}() {\n${body}${broken}}\n`);
  }
  return out;
}

const expected = (ts: string[]) => ts.map((s) => syntaxErrorOf(s));

/** Waits until the worker has answered at least one text (it takes a moment to start). */
async function workerAnswered(check: ParseCheck): Promise<void> {
  for (let i = 0; i < 600 && check.parsed.worker === 0; i++) await new Promise((r) => setTimeout(r, 50));
}

test('with a worker, answers asked in order match syntaxErrorOf, broken texts included', async (t) => {
  const ts = texts(30);
  const check = new ParseCheck({ jobs: 2, expected: 1, minPoolBytes: 0 });
  try {
    const ids = ts.map((s) => check.submit(s));
    await workerAnswered(check);
    const got = [];
    for (const id of ids) got.push(await check.result(id));
    t.deepEqual(got, expected(ts));
    t.true(got.some((b) => b !== undefined) && got.some((b) => b === undefined));
    t.true(check.parsed.worker > 0, 'the worker parsed some');
    t.is(check.parsed.worker + check.parsed.here, ts.length, 'each text parsed once');
  } finally {
    await check.stop();
  }
});

test('with a worker, answers asked in reverse order, and texts submitted while others are answered', async (t) => {
  const ts = texts(12);
  const check = new ParseCheck({ jobs: 2, expected: 1, minPoolBytes: 0 });
  try {
    const first = ts.slice(0, 6).map((s) => check.submit(s));
    const got = new Array(ts.length);
    for (const id of [...first].reverse()) got[id] = await check.result(id);
    const rest = ts.slice(6).map((s) => check.submit(s));
    for (const id of rest) got[id] = await check.result(id);
    t.deepEqual(got, expected(ts));
    t.is(check.parsed.worker + check.parsed.here, ts.length, 'each text parsed once');
  } finally {
    await check.stop();
  }
});

test('without a worker (one job, or below the threshold), every text is parsed here', async (t) => {
  const ts = texts(6);
  for (const opts of [{ jobs: 1, expected: 1e9, minPoolBytes: 0 }, { jobs: 2, expected: 10, minPoolBytes: 1000 }]) {
    const check = new ParseCheck(opts);
    const got = [];
    for (const id of ts.map((s) => check.submit(s))) got.push(await check.result(id));
    t.deepEqual(got, expected(ts));
    t.deepEqual(check.parsed, { worker: 0, here: ts.length });
    await check.stop();
  }
});

test('without a worker, past 4 MB of text parsed here, its trees are let go on the way and the answers stay right', async (t) => {
  const ts = texts(450);
  t.true(ts.reduce((a, s) => a + s.length, 0) > 4 * 1024 * 1024);
  const check = new ParseCheck({ jobs: 1, expected: 1e9, minPoolBytes: 0 });
  const got = [];
  for (const id of ts.map((s) => check.submit(s))) got.push(await check.result(id));
  t.deepEqual(got, expected(ts));
  t.deepEqual(check.parsed, { worker: 0, here: ts.length });
  t.true(check.collections >= 1, 'a full collection was made for the trees');
  await check.stop();
});

test('a worker that dies leaves its texts to this thread, those it had taken too', async (t) => {
  const ts = texts(20);
  const check = new ParseCheck({ jobs: 2, expected: 1, minPoolBytes: 0 });
  const inside = check as unknown as { worker: { terminate(): Promise<number> }; items: { claim: Int32Array }[] };
  const ids = ts.map((s) => check.submit(s));
  // As if the worker had taken the fourth text and then crashed (its exit is seen as a failure).
  const w = inside.worker;
  await w.terminate();
  Atomics.compareExchange(inside.items[3].claim, 0, 0, 1);
  const got = [];
  for (const id of ids) got.push(await check.result(id));
  t.deepEqual(got, expected(ts));
  t.deepEqual(check.parsed, { worker: 0, here: ts.length });
  await check.stop();
});

test('stopped while the worker parses a large text: it ends after that parse, and the process lives on', async (t) => {
  // In a process of its own: a worker terminated inside tree-sitter's native code aborts the whole
  // process ("terminate called after throwing an instance of 'Napi::Error'"), which stop() must never do.
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'goshift-stop-'));
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
  const script = path.join(dir, 'stop.mjs');
  await fs.writeFile(script, `
    const { ParseCheck } = await import(${JSON.stringify(new URL('../lib/parsecheck.js', import.meta.url).href)});
    const body = Array.from({ length: 100000 }, (_, k) => '\\tx' + k + ' := ' + k + ' + 1\\n\\t_ = x' + k + '\\n').join('');
    let stoppedMidParse = 0;
    for (let round = 0; round < 5; round++) {
      const check = new ParseCheck({ jobs: 2, expected: 1, minPoolBytes: 0 });
      check.submit('package p\\n\\nfunc f() {\\n' + body + '}\\n');
      check.submit('package p\\n');
      const claim = check.items[0].claim;
      while (Atomics.load(claim, 0) === 0 && check.worker) await new Promise((r) => setTimeout(r, 1));
      if (!check.worker) throw new Error('the worker did not start');
      await new Promise((r) => setTimeout(r, 5 + 10 * round));
      if (!check.items[0].done) stoppedMidParse++;
      await check.stop();
    }
    console.log(stoppedMidParse);
  `);
  const { stdout } = await promisify(execFile)(process.execPath, [script]);
  t.true(Number(stdout.trim()) > 0, `stopped while parsing in ${stdout.trim()} of 5 rounds`);
});
