import test from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FACTS_VERSION, factsOf, type FileFacts } from '../lib/facts.js';
import { defaultCacheDir, defaultJobs, factsFor, prestartFacts, releaseSpareWorkers, spareWorkers, trim, type FactsOptions } from '../lib/factstore.js';
import { fixturesRoot } from './support/paths.js';
import { isRoot, tempDirs } from './unit-tmp.js';

const tmp = tempDirs(test, 'facts');

const storeJs = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../lib/factstore.js');

type Input = { abs: string; bytes: Buffer };

/** Real Go files: every .go file of the ctx-first fixtures' inputs, distinct contents only. */
const inputs: Input[] = (() => {
  const out: Input[] = [];
  const seen = new Set<string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name.endsWith('.go')) {
        const bytes = fs.readFileSync(p);
        const s = bytes.toString('latin1');
        if (!seen.has(s)) {
          seen.add(s);
          out.push({ abs: p, bytes });
        }
      }
    }
  };
  const root = path.join(fixturesRoot, 'ctx-first');
  for (const c of fs.readdirSync(root).sort()) {
    const input = path.join(root, c, 'input');
    if (fs.existsSync(input)) walk(input);
  }
  return out;
})();

/** What the facts must be, whichever way they are obtained: factsOf's, as plain JSON data. */
const expected = (ins: Input[]): FileFacts[] => ins.map((f) => JSON.parse(JSON.stringify(factsOf(f.bytes))) as FileFacts);

/** Forces the worker pool on however few bytes there are. */
const pool = (cacheDir: string | null, jobs = 2): FactsOptions => ({ jobs, cacheDir, minPoolBytes: 0 });

// Serial: the tests that run at once would take the workers started here.
test.serial('prestartFacts: workers started early only for a cold run of many files, taken by factsFor with the same facts, let go when not taken', async (t) => {
  // Too few files, one job, or a cache that has facts of this version: none is started.
  prestartFacts({ jobs: 2, files: 10, cacheDir: null });
  t.is(spareWorkers(), 0);
  prestartFacts({ jobs: 1, files: 1000, cacheDir: null });
  t.is(spareWorkers(), 0);
  const warm = tmp('prestart-warm');
  await factsFor(inputs.slice(0, 3), { jobs: 1, cacheDir: warm });
  prestartFacts({ jobs: 2, files: 1000, cacheDir: warm });
  t.is(spareWorkers(), 0);
  // A cold run with two jobs: one worker (the main thread lexes too), which the pool takes.
  prestartFacts({ jobs: 2, files: 1000, cacheDir: tmp('prestart-cold') });
  t.is(spareWorkers(), 1);
  const r = await factsFor(inputs, pool(null));
  t.deepEqual(r.facts, expected(inputs));
  t.is(spareWorkers(), 0);
  // None taken: stopped.
  prestartFacts({ jobs: 3, files: 1000, cacheDir: null });
  t.is(spareWorkers(), 2);
  releaseSpareWorkers();
  t.is(spareWorkers(), 0);
});

test('factsFor with read: each file read as the pass comes to it, in order; the facts the bytes read first give; an unreadable one left undefined', async (t) => {
  for (const [jobs, cacheDir] of [[2, null], [1, null], [2, tmp('read-cold')]] as const) {
    const lazy = inputs.map((f) => ({ abs: f.abs, bytes: Buffer.alloc(0) }));
    const asked: number[] = [];
    const r = await factsFor(lazy, {
      ...pool(cacheDir, jobs),
      read: (i) => {
        asked.push(i);
        return i % 5 === 3 ? null : inputs[i].bytes;
      },
    });
    t.deepEqual(asked, inputs.map((_, i) => i), `jobs ${jobs}: every file read once, in order`);
    const want = expected(inputs);
    inputs.forEach((_, i) => {
      if (i % 5 === 3) t.is(r.facts[i] as FileFacts | undefined, undefined);
      else t.deepEqual(r.facts[i], want[i]);
    });
    t.is(r.stats.computed, inputs.length - Math.floor((inputs.length + 1) / 5));
  }
});

/** The single-entry files of a cache (packs left out). */
function entries(cacheDir: string): string[] {
  const vdir = path.join(cacheDir, `facts-v${FACTS_VERSION}`);
  if (!fs.existsSync(vdir)) return [];
  const out: string[] = [];
  for (const sub of fs.readdirSync(vdir, { withFileTypes: true })) {
    if (!sub.isDirectory()) continue;
    for (const name of fs.readdirSync(path.join(vdir, sub.name))) out.push(path.join(vdir, sub.name, name));
  }
  return out.sort();
}

/** The packs of a cache. */
function packs(cacheDir: string): string[] {
  const vdir = path.join(cacheDir, `facts-v${FACTS_VERSION}`);
  if (!fs.existsSync(vdir)) return [];
  return fs
    .readdirSync(vdir)
    .filter((n) => n.endsWith('.pack'))
    .sort()
    .map((n) => path.join(vdir, n));
}

/** A pack's entries, from its index: the key, where the entry is, and its bytes. */
function packEntries(file: string): { key: string; pos: number; data: Buffer }[] {
  const data = fs.readFileSync(file);
  const text = data.toString('latin1');
  const trailerAt = text.lastIndexOf('\n', text.length - 2) + 1;
  const [magic, count, indexAt] = text.slice(trailerAt, -1).split(' ');
  if (magic !== 'GOSHIFTPACK1') throw new Error(`${file}: no pack trailer`);
  const lines = text.slice(Number(indexAt), trailerAt).split('\n').slice(0, -1);
  if (lines.length !== Number(count)) throw new Error(`${file}: ${lines.length} index lines, trailer says ${count}`);
  return lines.map((l) => {
    const [key, pos, len] = l.split(' ');
    return { key: key!, pos: Number(pos), data: data.subarray(Number(pos), Number(pos) + Number(len)) };
  });
}

type Checks = { true: (v: boolean, m?: string) => void; is: (a: unknown, b: unknown, m?: string) => void };

/** One entry's bytes checked for its key, header, length and payload. */
function checkEntry(t: Checks, name: string, data: Buffer): void {
  const nl = data.indexOf(10);
  const [magic, key, len, sum] = data.toString('latin1', 0, nl).split(' ');
  t.is(magic, 'GOSHIFTFACTS1');
  t.is(key, name);
  t.is(Number(len), data.length - nl - 1, `${name}: payload length`);
  t.is(sum, createHash('sha256').update(data.subarray(nl + 1)).digest('hex'), `${name}: checksum`);
  t.is((JSON.parse(data.toString('utf8', nl + 1)) as FileFacts).v, FACTS_VERSION);
}

/** The keys a cache has entries for (single files and packs), each entry checked for its name, layout and header. */
function checkEntries(t: Checks, cacheDir: string): string[] {
  const keys = new Set<string>();
  for (const f of entries(cacheDir)) {
    const name = path.basename(f);
    t.true(/^[0-9a-f]{64}$/.test(name), `entry name ${name}`);
    t.is(path.basename(path.dirname(f)), name.slice(0, 2));
    checkEntry(t, name, fs.readFileSync(f));
    keys.add(name);
  }
  for (const p of packs(cacheDir)) {
    t.true(/^p-[0-9a-z]{10}-\d+-[0-9a-f]{12}\.pack$/.test(path.basename(p)), `pack name ${path.basename(p)}`);
    for (const e of packEntries(p)) {
      checkEntry(t, e.key, e.data);
      keys.add(e.key);
    }
  }
  return [...keys].sort();
}

test('inputs: enough real Go files to make several batches', (t) => {
  t.true(inputs.length >= 50, `${inputs.length} files`);
});

test('defaultCacheDir: GOSHIFT_CACHE, then XDG_CACHE_HOME, then ~/.cache', (t) => {
  t.is(defaultCacheDir({ GOSHIFT_CACHE: '/x/gs', XDG_CACHE_HOME: '/y' }), '/x/gs');
  t.is(defaultCacheDir({ XDG_CACHE_HOME: '/y' }), '/y/goshift');
  t.is(defaultCacheDir({ XDG_CACHE_HOME: 'relative' }), path.join(os.homedir(), '.cache', 'goshift'));
  t.is(defaultCacheDir({}), path.join(os.homedir(), '.cache', 'goshift'));
  t.is(defaultCacheDir({ GOSHIFT_CACHE: '' }), path.join(os.homedir(), '.cache', 'goshift'));
});

test('defaultJobs: the machine\'s parallelism', (t) => {
  t.is(defaultJobs(), os.availableParallelism());
  t.true(defaultJobs() >= 1);
});

test('same facts with jobs 1 and 2, without cache, cold and warm; warm is all hits', async (t) => {
  const want = expected(inputs);
  const n = inputs.length;

  const inline = await factsFor(inputs, { jobs: 1, cacheDir: null });
  t.deepEqual(inline.facts, want);
  t.deepEqual(inline.stats, { hits: 0, computed: n, cacheErrors: 0 });
  const pooled = await factsFor(inputs, pool(null));
  t.deepEqual(pooled.facts, want);
  t.deepEqual(pooled.stats, { hits: 0, computed: n, cacheErrors: 0 });
  // More workers than batches is fine.
  t.deepEqual((await factsFor(inputs.slice(0, 3), pool(null, 8))).facts, want.slice(0, 3));
  // Under the default threshold, jobs 2 computes inline: same facts.
  t.deepEqual((await factsFor(inputs, { jobs: 2, cacheDir: null })).facts, want);

  for (const jobs of [1, 2]) {
    const dir = tmp(`cache${jobs}`);
    const cold = await factsFor(inputs, pool(dir, jobs));
    t.deepEqual(cold.facts, want, `cold, jobs ${jobs}`);
    t.deepEqual(cold.stats, { hits: 0, computed: n, cacheErrors: 0 });
    t.is(checkEntries(t, dir).length, n, 'one entry per distinct file');
    t.true(fs.existsSync(path.join(dir, 'facts-size')), 'size hint written');
    const hint = fs.statSync(path.join(dir, 'facts-size')).mtimeMs;

    for (const j of [1, 2]) {
      const warm = await factsFor(inputs, pool(dir, j));
      t.deepEqual(warm.facts, want, `warm, jobs ${j} after cold jobs ${jobs}`);
      t.deepEqual(warm.stats, { hits: n, computed: 0, cacheErrors: 0 });
    }
    t.is(fs.statSync(path.join(dir, 'facts-size')).mtimeMs, hint, 'a run that wrote nothing leaves the hint alone');
  }

  // The same bytes twice in one run (and an empty file): one key, same facts.
  const dir = tmp('dup');
  const dup = [inputs[0]!, inputs[1]!, inputs[0]!, { abs: '/e.go', bytes: Buffer.alloc(0) }];
  const d1 = await factsFor(dup, pool(dir));
  t.deepEqual(d1.facts, expected(dup));
  t.is(checkEntries(t, dir).length, 3);
  t.deepEqual((await factsFor(dup, { jobs: 1, cacheDir: dir })).stats, { hits: 4, computed: 0, cacheErrors: 0 });
  t.deepEqual(await factsFor([], pool(dir)), { facts: [], stats: { hits: 0, computed: 0, cacheErrors: 0 } });
});

test('meanwhile: the caller works while the workers compute, sees only facts that are in, and changes nothing', async (t) => {
  const want = expected(inputs);
  let calls = 0;
  let seenKnown = 0;
  let more = 3;
  const r = await factsFor(inputs, {
    ...pool(null),
    meanwhile: (facts) => {
      calls++;
      t.is(facts.length, inputs.length);
      facts.forEach((f, i) => {
        if (f) t.deepEqual(f, want[i]);
      });
      seenKnown = Math.max(seenKnown, facts.filter(Boolean).length);
      // Asking to be called again at once a few times, then waiting for the next reply.
      return more-- > 0;
    },
  });
  t.deepEqual(r.facts, want);
  t.true(calls >= 1, `${calls} calls`);
  t.true(seenKnown < inputs.length, 'called before every file had its facts');
  // Without workers there is nothing to wait for: never called.
  let inline = 0;
  t.deepEqual((await factsFor(inputs, { jobs: 1, cacheDir: null, meanwhile: () => (inline++, false) })).facts, want);
  t.is(inline, 0);
});

test('a pooled file that is a view of a larger buffer is read as its own bytes', async (t) => {
  // Buffer.from(string) of small strings shares one pooled ArrayBuffer.
  const small = inputs.slice(0, 20).map((f) => ({ abs: f.abs, bytes: Buffer.from(f.bytes.toString('latin1').slice(0, 200), 'latin1') }));
  t.deepEqual((await factsFor(small, pool(null))).facts, expected(small));
  const dir = tmp('views');
  t.deepEqual((await factsFor(small, pool(dir))).facts, expected(small));
  // Their keys are those of their own bytes: a copy of the bytes hits.
  const copies = small.map((f) => ({ abs: f.abs, bytes: Buffer.from(Uint8Array.prototype.slice.call(f.bytes)) }));
  t.deepEqual((await factsFor(copies, { jobs: 1, cacheDir: dir })).stats, { hits: small.length, computed: 0, cacheErrors: 0 });
});

test('corrupted entries are never trusted: counted, recomputed, rewritten', async (t) => {
  const dir = tmp('corrupt');
  const want = expected(inputs);
  const n = inputs.length;
  await factsFor(inputs, { jobs: 1, cacheDir: dir });
  const files = entries(dir);
  t.is(files.length, n);

  const good = fs.readFileSync(files[0]!);
  const nl = good.indexOf(10);
  const header = good.toString('latin1', 0, nl);
  const payload = good.subarray(nl + 1);
  const [magic, , len, sum] = header.split(' ');
  const damage: ((f: string) => void)[] = [
    (f) => fs.writeFileSync(f, 'garbage, not an entry at all'),
    (f) => fs.writeFileSync(f, ''),
    (f) => fs.truncateSync(f, Math.floor(fs.statSync(f).size / 2)),
    (f) => fs.truncateSync(f, fs.statSync(f).size - 1),
    (f) => fs.appendFileSync(f, 'x'),
    // A valid entry, but another file's: right magic, length and checksum, wrong key.
    (f) => fs.writeFileSync(f, good),
    // Right key and length, a flipped payload byte: the checksum.
    (f) => {
      const d = fs.readFileSync(f);
      d[d.length - 2] ^= 1;
      fs.writeFileSync(f, d);
    },
    // Right key, length and checksum, but another facts version inside.
    (f) => {
      const p = Buffer.from(JSON.stringify({ ...(JSON.parse(payload.toString('utf8')) as object), v: FACTS_VERSION + 1 }));
      const h = `${magic} ${path.basename(f)} ${p.length} ${createHashHex(p)}\n`;
      fs.writeFileSync(f, Buffer.concat([Buffer.from(h), p]));
    },
    // Right everything, but not JSON.
    (f) => {
      const p = Buffer.from('{"v":1,');
      fs.writeFileSync(f, Buffer.concat([Buffer.from(`${magic} ${path.basename(f)} ${p.length} ${createHashHex(p)}\n`), p]));
    },
    // Wrong magic.
    (f) => {
      const d = fs.readFileSync(f);
      d[0] = 'X'.charCodeAt(0);
      fs.writeFileSync(f, d);
    },
    // A header line that never ends.
    (f) => fs.writeFileSync(f, 'GOSHIFTFACTS1 '.padEnd(5000, 'a')),
    // A directory where the entry should be.
    (f) => {
      fs.rmSync(f);
      fs.mkdirSync(f);
    },
  ];
  t.is(len, String(payload.length));
  t.truthy(sum);
  // files[0] keeps its good entry (it is the one copied into others).
  const damaged = damage.map((d, i) => {
    const f = files[i + 1]!;
    d(f);
    return f;
  });

  // Computed on this thread: each rewritten as an entry of its own (a pooled run would write a pack).
  const r = await factsFor(inputs, { jobs: 1, cacheDir: dir });
  t.deepEqual(r.facts, want);
  const dirEntry = damaged[damaged.length - 1]!;
  // The directory cannot be replaced by a rename: its file is recomputed, and not written.
  t.is(r.stats.computed, damage.length);
  t.is(r.stats.hits, n - damage.length);
  t.is(r.stats.cacheErrors, damage.length + 1, 'each bad entry, and the one that could not be written');

  // Repaired: all but the directory are valid entries again and hit.
  fs.rmdirSync(dirEntry);
  const again = await factsFor(inputs, { jobs: 1, cacheDir: dir });
  t.deepEqual(again.facts, want);
  t.deepEqual(again.stats, { hits: n - 1, computed: 1, cacheErrors: 0 });
  t.is(checkEntries(t, dir).length, n);
  t.deepEqual((await factsFor(inputs, { jobs: 1, cacheDir: dir })).stats, { hits: n, computed: 0, cacheErrors: 0 });
});

test('a pooled run writes its misses as one pack, which later runs read', async (t) => {
  const want = expected(inputs);
  const n = inputs.length;
  const dir = tmp('pack');
  const cold = await factsFor(inputs, pool(dir));
  t.deepEqual(cold.facts, want);
  t.deepEqual(entries(dir), [], 'no entry of its own');
  t.is(packs(dir).length, 1);
  t.is(checkEntries(t, dir).length, n);
  for (const jobs of [1, 2]) t.deepEqual((await factsFor(inputs, pool(dir, jobs))).stats, { hits: n, computed: 0, cacheErrors: 0 });
  t.is(packs(dir).length, 1, 'a run that wrote nothing adds no pack');

  // A second pool run with new files adds a second pack; both are read.
  const more = inputs.map((f, i) => ({ abs: `${f.abs}#more`, bytes: Buffer.concat([f.bytes, Buffer.from(`\n// more ${i}\n`)]) }));
  t.deepEqual((await factsFor([...inputs, ...more], pool(dir))).stats, { hits: n, computed: n, cacheErrors: 0 });
  t.is(packs(dir).length, 2);
  t.deepEqual((await factsFor([...more, ...inputs], { jobs: 1, cacheDir: dir })).stats, { hits: 2 * n, computed: 0, cacheErrors: 0 });

  // As many misses on one thread (--jobs 1, a machine with one core): one pack too, not a file each.
  const one = tmp('pack-jobs1');
  const inline = await factsFor(inputs, pool(one, 1));
  t.deepEqual(inline.facts, want);
  t.deepEqual(entries(one), [], 'no entry of its own');
  t.is(packs(one).length, 1);
  t.is(checkEntries(t, one).length, n);
  t.deepEqual((await factsFor(inputs, pool(one))).stats, { hits: n, computed: 0, cacheErrors: 0 });
});

test('damaged packs are never trusted: a bad entry is recomputed, a bad index drops the pack', async (t) => {
  const want = expected(inputs);
  const n = inputs.length;
  const cases: [string, (file: string) => void, { hits: number; cacheErrors: number }][] = [
    ['truncated', (f) => fs.truncateSync(f, Math.floor(fs.statSync(f).size / 2)), { hits: 0, cacheErrors: 1 }],
    ['empty', (f) => fs.writeFileSync(f, ''), { hits: 0, cacheErrors: 1 }],
    ['garbage', (f) => fs.writeFileSync(f, 'not a pack\n'), { hits: 0, cacheErrors: 1 }],
    ['one more byte', (f) => fs.appendFileSync(f, 'x'), { hits: 0, cacheErrors: 1 }],
    [
      'trailer counts one entry too many',
      (f) => {
        const d = fs.readFileSync(f).toString('latin1');
        const at = d.lastIndexOf('\n', d.length - 2) + 1;
        const [magic, count, index] = d.slice(at, -1).split(' ');
        fs.writeFileSync(f, Buffer.from(`${d.slice(0, at)}${magic} ${Number(count) + 1} ${index}\n`, 'latin1'));
      },
      { hits: 0, cacheErrors: 1 },
    ],
    [
      'an entry with a flipped payload byte',
      (f) => {
        const d = fs.readFileSync(f);
        const e = packEntries(f)[3]!;
        d[e.pos + e.data.length - 2] ^= 1;
        fs.writeFileSync(f, d);
      },
      { hits: n - 1, cacheErrors: 1 },
    ],
    [
      'two index lines with their keys swapped',
      (f) => {
        const [a, b] = packEntries(f);
        const d = fs.readFileSync(f).toString('latin1');
        const i = d.lastIndexOf('\n', d.length - 2) + 1;
        const indexAt = Number(d.slice(i, -1).split(' ')[2]);
        const index = d.slice(indexAt, i).replace(a!.key, '@').replace(b!.key, a!.key).replace('@', b!.key);
        fs.writeFileSync(f, Buffer.from(d.slice(0, indexAt) + index + d.slice(i), 'latin1'));
      },
      { hits: n - 2, cacheErrors: 2 },
    ],
    ['a directory named like a pack', (f) => (fs.rmSync(f), fs.mkdirSync(f)), { hits: 0, cacheErrors: 1 }],
  ];
  for (const [what, damage, stats] of cases) {
    const dir = tmp('pack-damage');
    await factsFor(inputs, pool(dir));
    const file = packs(dir)[0]!;
    damage(file);
    const r = await factsFor(inputs, { jobs: 1, cacheDir: dir });
    t.deepEqual(r.facts, want, what);
    t.deepEqual(r.stats, { hits: stats.hits, computed: n - stats.hits, cacheErrors: stats.cacheErrors }, what);
    const isDir = fs.statSync(file, { throwIfNoEntry: false })?.isDirectory() ?? false;
    t.is(fs.existsSync(file), isDir, `${what}: a damaged pack file is deleted, a directory left alone`);
    // What the pack held is computed once more (and written as entries of their own), then served.
    const again = await factsFor(inputs, { jobs: 1, cacheDir: dir });
    t.deepEqual(again.facts, want, what);
    t.is(again.stats.hits, n - stats.hits, `${what}: second run, only the entries computed in the first`);
    t.deepEqual((await factsFor(inputs, { jobs: 1, cacheDir: dir })).stats, { hits: n, computed: 0, cacheErrors: isDir ? 1 : 0 }, `${what}: third run`);
  }
});

test('packs: at most MAX_PACKS (32) kept, the oldest go; a hit refreshes an old pack\'s mtime', async (t) => {
  const dir = tmp('pack-many');
  const one = (i: number) => [{ abs: `/many${i}.go`, bytes: Buffer.from(`package p\n\nvar many${i} = ${i}\n`) }];
  for (let i = 0; i < 34; i++) {
    await factsFor(one(i), pool(dir));
    // Names start with the time in milliseconds: keep them apart.
    await new Promise((r) => setTimeout(r, 2));
  }
  t.is(packs(dir).length, 32);
  t.deepEqual((await factsFor(one(0), { jobs: 1, cacheDir: dir })).stats, { hits: 0, computed: 1, cacheErrors: 0 }, 'the oldest pack went');
  t.deepEqual((await factsFor(one(33), { jobs: 1, cacheDir: dir })).stats, { hits: 1, computed: 0, cacheErrors: 0 });

  const [a, b] = packs(dir);
  const old = new Date(Date.now() - 2 * 86_400_000);
  const recent = new Date(Date.now() - 3_600_000);
  fs.utimesSync(a!, old, old);
  fs.utimesSync(b!, recent, recent);
  t.deepEqual((await factsFor([...one(2), ...one(3)], { jobs: 1, cacheDir: dir })).stats, { hits: 2, computed: 0, cacheErrors: 0 });
  t.true(fs.statSync(a!).mtimeMs > Date.now() - 60_000, 'old pack refreshed');
  t.is(Math.round(fs.statSync(b!).mtimeMs), Math.round(recent.getTime()), 'recent pack untouched');

  // trim() weighs a pack like an entry: old ones go whole.
  for (const p of packs(dir)) fs.utimesSync(p, old, old);
  const total = packs(dir).reduce((s, p) => s + fs.statSync(p).size, 0);
  trim(dir, Math.floor(total / 2));
  const left = packs(dir);
  t.true(left.length > 0 && left.length < 32, `${left.length} packs left`);
  t.true(left.reduce((s, p) => s + fs.statSync(p).size, 0) <= 0.8 * Math.floor(total / 2));
});

const createHashHex = (data: Buffer) => createHash('sha256').update(data).digest('hex');

test('a cache that cannot be written: same facts, errors counted, no exception', async (t) => {
  const want = expected(inputs);
  const n = inputs.length;
  // Under a regular file (ENOTDIR, whoever we are).
  const base = tmp('notdir');
  fs.writeFileSync(path.join(base, 'file'), 'x');
  for (const opts of [{ jobs: 1, cacheDir: path.join(base, 'file', 'cache') }, pool(path.join(base, 'file', 'cache'))]) {
    const r = await factsFor(inputs, opts);
    t.deepEqual(r.facts, want);
    t.is(r.stats.computed, n);
    t.is(r.stats.cacheErrors, n, 'every entry not written');
  }
  t.deepEqual(fs.readdirSync(base), ['file']);
});

/** Runs a script importing factstore.js in a child node, as `nobody` when we are root. */
function child(script: string, opts: { nobody?: boolean } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const argv = ['--input-type=module', '-e', `import { factsFor } from ${JSON.stringify(storeJs)};\n${script}`];
  const [cmd, args] = opts.nobody && isRoot ? ['setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, ...argv]] : [process.execPath, argv];
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const nobodyProblem: string | null = (() => {
  if (!isRoot) return null;
  const r = spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, '-e', `require('fs').accessSync(${JSON.stringify(storeJs)}, require('fs').constants.R_OK)`], { encoding: 'utf8' });
  if (r.error) return `setpriv is not available: ${r.error.message}`;
  if (r.status !== 0) return `nobody cannot run node or read ${storeJs}: ${r.stderr.trim()}`;
  return null;
})();

test('a read-only cache directory: hits still served, misses computed, nothing written', async (t) => {
  if (nobodyProblem) {
    t.log(`skipped: ${nobodyProblem}`);
    t.pass();
    return;
  }
  const dir = tmp('ro');
  fs.chmodSync(dir, 0o755);
  const half = inputs.slice(0, Math.floor(inputs.length / 2));
  await factsFor(half, { jobs: 1, cacheDir: dir });
  const before = entries(dir);
  const hint = fs.readFileSync(path.join(dir, 'facts-size'), 'utf8');
  // Old entries (their mtime would be refreshed if it could be) in a tree nobody may write.
  const old = new Date(Date.now() - 3 * 86_400_000);
  for (const f of before) fs.utimesSync(f, old, old);
  const setMode = (d: string, mode: number) => {
    fs.chmodSync(d, mode);
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) setMode(p, mode);
      else fs.chmodSync(p, 0o444);
    }
  };
  setMode(dir, 0o555);
  const list = path.join(tmp('ro-list'), 'inputs.json');
  fs.writeFileSync(list, JSON.stringify(inputs.map((f) => f.abs)));
  fs.chmodSync(path.dirname(list), 0o755);
  fs.chmodSync(list, 0o644);
  const script = `import * as fs from 'node:fs';
const files = JSON.parse(fs.readFileSync(${JSON.stringify(list)}, 'utf8'));
const ins = files.map((abs) => ({ abs, bytes: fs.readFileSync(abs) }));
const out = [];
for (const opts of [{ jobs: 1, cacheDir: ${JSON.stringify(dir)} }, { jobs: 2, cacheDir: ${JSON.stringify(dir)}, minPoolBytes: 0 }]) out.push(await factsFor(ins, opts));
process.stdout.write(JSON.stringify(out));`;
  const r = await child(script, { nobody: true });
  t.is(r.code, 0, r.stderr);
  const runs = JSON.parse(r.stdout) as { facts: FileFacts[]; stats: { hits: number; computed: number; cacheErrors: number } }[];
  for (const run of runs) {
    t.deepEqual(run.facts, expected(inputs));
    t.is(run.stats.hits, half.length);
    t.is(run.stats.computed, inputs.length - half.length);
    t.true(run.stats.cacheErrors > 0);
  }
  t.deepEqual(entries(dir), before, 'nothing written');
  t.deepEqual(fs.readdirSync(dir).sort(), ['facts-size', `facts-v${FACTS_VERSION}`], 'no temporary file left');
  t.is(fs.readFileSync(path.join(dir, 'facts-size'), 'utf8'), hint, 'hint unchanged');
  t.is(Math.round(fs.statSync(before[0]!).mtimeMs), Math.round(old.getTime()), 'mtime left alone');
});

test('concurrent runs on one cache: equal results, valid entries, no temporary files left', async (t) => {
  const want = expected(inputs);
  const n = inputs.length;
  // Two runs in this process, each with its workers.
  const dir = tmp('conc');
  const [a, b] = await Promise.all([factsFor(inputs, pool(dir)), factsFor(inputs, pool(dir))]);
  t.deepEqual(a.facts, want);
  t.deepEqual(b.facts, want);
  t.is(a.stats.cacheErrors + b.stats.cacheErrors, 0);
  t.is(checkEntries(t, dir).length, n);

  // Three processes at once on a fresh cache, each twice.
  const dir2 = tmp('conc-proc');
  const list = path.join(dir2, 'inputs.json');
  fs.writeFileSync(list, JSON.stringify(inputs.map((f) => f.abs)));
  const cache = path.join(dir2, 'cache');
  const script = `import * as fs from 'node:fs';
const ins = JSON.parse(fs.readFileSync(${JSON.stringify(list)}, 'utf8')).map((abs) => ({ abs, bytes: fs.readFileSync(abs) }));
const out = [];
for (const jobs of [2, 1]) out.push(await factsFor(ins, { jobs, cacheDir: ${JSON.stringify(cache)}, minPoolBytes: 0 }));
process.stdout.write(JSON.stringify(out));`;
  const rs = await Promise.all([child(script), child(script), child(script)]);
  for (const r of rs) {
    t.is(r.code, 0, r.stderr);
    for (const run of JSON.parse(r.stdout) as { facts: FileFacts[]; stats: { cacheErrors: number } }[]) {
      t.deepEqual(run.facts, want);
      t.is(run.stats.cacheErrors, 0);
    }
  }
  t.is(checkEntries(t, cache).length, n);
  t.deepEqual((await factsFor(inputs, { jobs: 1, cacheDir: cache })).stats, { hits: n, computed: 0, cacheErrors: 0 });
  for (const d of [cache, path.join(cache, `facts-v${FACTS_VERSION}`)]) for (const f of fs.readdirSync(d)) t.false(f.endsWith('.tmp'), f);
});

test('bounded size: over the bound, the oldest entries go until under 80%', async (t) => {
  const dir = tmp('trim');
  const half = Math.floor(inputs.length / 2);
  const oldIns = inputs.slice(0, half);
  const newIns = inputs.slice(half);
  await factsFor(oldIns, { jobs: 1, cacheDir: dir });
  const oldFiles = entries(dir);
  t.is(oldFiles.length, oldIns.length);
  const long = new Date(Date.now() - 10 * 86_400_000);
  for (const f of oldFiles) fs.utimesSync(f, long, long);
  const size = (files: string[]) => files.reduce((a, f) => a + fs.statSync(f).size, 0);
  const oldSize = size(oldFiles);

  // A bound that the new entries fit in, with room, but not with the old ones.
  const first = await factsFor(newIns, { jobs: 1, cacheDir: dir, maxBytes: 1 << 30 });
  const newFiles = entries(dir).filter((f) => !oldFiles.includes(f));
  const newSize = size(newFiles);
  t.is(first.stats.computed, newIns.length);
  for (const f of newFiles) fs.rmSync(f);
  const maxBytes = Math.ceil((newSize + oldSize / 2) / 0.8);
  const r = await factsFor(newIns, { jobs: 1, cacheDir: dir, maxBytes });
  t.deepEqual(r.facts, expected(newIns));
  const left = entries(dir);
  for (const f of newFiles) t.true(left.includes(f), 'new entries kept');
  const gone = oldFiles.filter((f) => !left.includes(f));
  t.true(gone.length > 0 && gone.length < oldFiles.length, `${gone.length} of ${oldFiles.length} old entries deleted`);
  t.true(size(left) <= 0.8 * maxBytes, 'under 80% of the bound');
  t.is(Number(fs.readFileSync(path.join(dir, 'facts-size'), 'utf8')), size(left), 'the hint is the measured size');

  // trim() also removes stale temporary files, and counts other facts versions.
  const sub = path.dirname(left[0]!);
  const stale = path.join(sub, '.abc.1.x.tmp');
  const fresh = path.join(sub, '.abd.1.y.tmp');
  fs.writeFileSync(stale, 'x');
  fs.writeFileSync(fresh, 'x');
  fs.utimesSync(stale, long, long);
  const staleHint = path.join(dir, 'facts-size.1.z.tmp');
  fs.writeFileSync(staleHint, '1');
  fs.utimesSync(staleHint, long, long);
  const other = path.join(dir, 'facts-v0', 'ab', 'ab'.padEnd(64, '0'));
  fs.mkdirSync(path.dirname(other), { recursive: true });
  fs.writeFileSync(other, 'x'.repeat(1000));
  fs.utimesSync(other, long, long);
  t.is(trim(dir, 1 << 30), size(left) + 1000);
  t.false(fs.existsSync(stale));
  t.false(fs.existsSync(staleHint));
  t.true(fs.existsSync(fresh));
  trim(dir, size(left) + 500);
  t.false(fs.existsSync(other), 'the oldest, another version\'s entry, went first');
});

test('a hit refreshes the mtime of an entry older than a day, and only then', async (t) => {
  const dir = tmp('mtime');
  const ins = inputs.slice(0, 2);
  await factsFor(ins, { jobs: 1, cacheDir: dir });
  const [a, b] = entries(dir);
  const old = new Date(Date.now() - 2 * 86_400_000);
  const recent = new Date(Date.now() - 3_600_000);
  fs.utimesSync(a!, old, old);
  fs.utimesSync(b!, recent, recent);
  t.deepEqual((await factsFor(ins, { jobs: 1, cacheDir: dir })).stats, { hits: 2, computed: 0, cacheErrors: 0 });
  t.true(fs.statSync(a!).mtimeMs > Date.now() - 60_000, 'old entry refreshed');
  t.is(Math.round(fs.statSync(b!).mtimeMs), Math.round(recent.getTime()), 'recent entry untouched');
});

// ---------------------------------------------------------------------------------------------
// With a stand-in for facts.js whose facts depend on the bytes, in a copy of the compiled store:
// the order of results, and what happens when a worker fails, can then be seen.

const FAKE_FACTS = `import { createHash } from 'node:crypto';
export const FACTS_VERSION = 1;
export function factsOf(bytes) {
  const text = bytes.toString('utf8');
  if (text.includes('THROW_IN_FACTS')) throw new Error('factsOf failed on purpose');
  // Only in a facts worker (the test itself may run in a worker thread).
  if (text.includes('EXIT_IN_WORKER') && new Error().stack.includes('factsworker.js')) process.exit(3);
  const words = [...new Set(text.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [])].sort();
  // Which thread computed these facts, when the file asks. Both threads are slow at it: a worker is
  // sent its first batches as it starts, so it computes some however late it boots; and while it
  // computes those, the caller takes the batches left in the queue, even on a loaded machine.
  if (text.includes('WHO_COMPUTED')) {
    const inWorker = new Error().stack.includes('factsworker.js');
    for (const until = Date.now() + 5; Date.now() < until; );
    words.unshift(inWorker ? 'worker' : 'caller');
  }
  return { v: 1, pkg: /^package (\\w+)/m.exec(text)?.[1] ?? null, imports: [], generated: false, decls: [],
    words: [String(bytes.length), createHash('sha1').update(bytes).digest('hex'), ...words.slice(0, 5)],
    // an undefined that JSON turns into null: the result must not depend on the way it came
    linknames: [['x', undefined]], unsure: undefined };
}
`;

const fakeStore: Promise<typeof import('../lib/factstore.js')> = (async () => {
  const root = tmp('fake-store');
  const lib = path.join(root, 'dist', 'lib');
  fs.mkdirSync(lib, { recursive: true });
  for (const f of ['factstore.js', 'factsworker.js', 'factswarm.js', 'debug.js']) fs.copyFileSync(path.join(path.dirname(storeJs), f), path.join(lib, f));
  fs.writeFileSync(path.join(lib, 'facts.js'), FAKE_FACTS);
  fs.writeFileSync(path.join(root, 'package.json'), '{"type":"module","version":"0.0.0-test"}');
  return (await import(path.join(lib, 'factstore.js'))) as typeof import('../lib/factstore.js');
})();

/** Many distinct small files, each with its own facts. */
const distinct: Input[] = inputs.flatMap((f, i) => [f, { abs: `${f.abs}#${i}`, bytes: Buffer.concat([f.bytes, Buffer.from(`\n// copy ${i}\nvar extra${i} = ${i}\n`)]) }]);

/** The stand-in's words: a list (length, hash, words of the text), where real facts keep one string. */
const fakeWords = (f: FileFacts) => f.words as unknown as string[];

async function fakeExpected(ins: Input[]): Promise<FileFacts[]> {
  const store = await fakeStore;
  // jobs 1 without cache computes inline: its JSON round trip is the reference.
  return (await store.factsFor(ins, { jobs: 1, cacheDir: null })).facts;
}

test('stand-in facts: results in input order whatever the jobs, the cache and the batches', async (t) => {
  const store = await fakeStore;
  const want = await fakeExpected(distinct);
  t.is(new Set(want.map((f) => fakeWords(f)[1])).size, distinct.length, 'every file has its own facts');
  t.deepEqual(want[0]!.linknames, [['x', null]], 'JSON-normalised');
  for (const [i, f] of distinct.entries()) t.is(fakeWords(want[i]!)[0], String(f.bytes.length));
  for (const jobs of [2, 3]) {
    t.deepEqual((await store.factsFor(distinct, { jobs, cacheDir: null, minPoolBytes: 0 })).facts, want, `jobs ${jobs}`);
    const dir = tmp('fake-cache');
    // A warm half first: hits and misses interleave.
    await store.factsFor(distinct.filter((_, i) => i % 3 === 0), { jobs: 1, cacheDir: dir });
    const mixed = await store.factsFor(distinct, { jobs, cacheDir: dir, minPoolBytes: 0 });
    t.deepEqual(mixed.facts, want, `mixed, jobs ${jobs}`);
    t.is(mixed.stats.hits, Math.ceil(distinct.length / 3));
    const warm = await store.factsFor(distinct, { jobs, cacheDir: dir, minPoolBytes: 0 });
    t.deepEqual(warm.facts, want, `warm, jobs ${jobs}`);
    t.is(warm.stats.hits, distinct.length);
  }
});

test('stand-in facts: a worker that dies has its batches computed on the main thread', async (t) => {
  const store = await fakeStore;
  const ins = [...distinct.slice(0, 40), { abs: '/exit.go', bytes: Buffer.from('package p\n// EXIT_IN_WORKER\n') }, ...distinct.slice(40, 80)];
  const want = await fakeExpected(ins);
  const dir = tmp('fake-exit');
  const r = await store.factsFor(ins, { jobs: 2, cacheDir: dir, minPoolBytes: 0 });
  t.deepEqual(r.facts, want);
  t.is(r.stats.computed, ins.length);
  t.deepEqual((await store.factsFor(ins, { jobs: 2, cacheDir: dir, minPoolBytes: 0 })).stats, { hits: ins.length, computed: 0, cacheErrors: 0 });
});

test('stand-in facts: with work of its own (meanwhile), the caller\'s thread computes batches too, when it has nothing else to do', async (t) => {
  const store = await fakeStore;
  const ins = distinct.map((f) => ({ abs: f.abs, bytes: Buffer.concat([f.bytes, Buffer.from('\n// WHO_COMPUTED\n')]) }));
  let calls = 0;
  const r = await store.factsFor(ins, { jobs: 2, cacheDir: tmp('fake-who'), minPoolBytes: 0, meanwhile: () => (calls++, false) });
  // The stand-in's words: length, hash, then the thread's name.
  const who = r.facts.map((f) => fakeWords(f)[2]);
  t.true(who.includes('worker'), 'the worker computed some');
  t.true(who.includes('caller'), 'the caller computed some');
  t.true(calls > 0);
  // Apart from who computed them, the facts are those of a run on one thread.
  const want = await fakeExpected(ins);
  t.deepEqual(
    r.facts.map((f) => ({ ...f, words: fakeWords(f).filter((_, i) => i !== 2) })),
    want.map((f) => ({ ...f, words: fakeWords(f).filter((_, i) => i !== 2) })),
  );
  t.deepEqual((await store.factsFor(ins, { jobs: 1, cacheDir: null })).facts.map((f) => fakeWords(f)[2]), ins.map(() => 'caller'));
});

test('stand-in facts: an exception from factsOf surfaces as itself, with or without workers', async (t) => {
  const store = await fakeStore;
  const ins = [...distinct.slice(0, 30), { abs: '/throw.go', bytes: Buffer.from('package p\n// THROW_IN_FACTS\n') }];
  for (const opts of [{ jobs: 1, cacheDir: null }, { jobs: 2, cacheDir: null, minPoolBytes: 0 }, { jobs: 2, cacheDir: tmp('fake-throw'), minPoolBytes: 0 }, { jobs: 2, cacheDir: tmp('fake-throw-m'), minPoolBytes: 0, meanwhile: () => false }]) {
    await t.throwsAsync(store.factsFor(ins, opts), { message: 'factsOf failed on purpose' });
  }
  // On one thread with many misses, after a first batch is in the pack: the pack is given up, whole.
  const dir = tmp('fake-throw-1');
  const big = { abs: '/big.go', bytes: Buffer.from(`package p\n// ${'x'.repeat(1 << 20)}\n`) };
  await t.throwsAsync(store.factsFor([big, ...ins], { jobs: 1, cacheDir: dir, minPoolBytes: 0 }), { message: 'factsOf failed on purpose' });
  const left = fs.readdirSync(dir, { recursive: true }).map(String).filter((n) => n.endsWith('.pack') || n.endsWith('.tmp'));
  t.deepEqual(left, [], 'no pack, whole or partial');
});
