// What ctx-closure reports, exactly: the places of its report lines over a few fixtures' inputs, so
// that a line that must NOT be there fails too (a fixture's stderr-contains can only ask for lines).
// Literals someone else runs (t.Run, t.Cleanup, once.Do, a helper) are never reported; literals the
// code runs itself that are left alone, or that capture something that looks like a context of a type
// goshift cannot determine, are.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.resolve(here, '../bin/goshift.js');
const fixtures = path.resolve(here, '../../fixtures/ctx-closure');

/** The `file:line` of every ctx-closure report line of a dry run in the fixture's input/. */
function reported(fixture: string): string[] {
  const r = spawnSync(process.execPath, [bin, '-t', 'ctx-closure', '-d', '.'], {
    cwd: path.join(fixtures, fixture, 'input'),
    env: { ...process.env, GOSHIFT_DEBUG: '' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`goshift exited ${r.status}: ${r.stderr}`);
  const out: string[] = [];
  for (const line of r.stderr.split('\n')) {
    if (!line.includes('ctx-closure')) continue;
    const m = /([\w./-]+\.go):(\d+)/.exec(line);
    if (m) out.push(`${m[1]}:${m[2]}`);
  }
  return out.sort();
}

test('quiet-report: literals passed to t.Run, t.Cleanup, once.Do or a helper are not reported; the goroutine left alone is', (t) => {
  t.deepEqual(reported('quiet-report'), ['quiet.go:40']);
});

test('passed-stored-returned: only the literal bound to a called local of an explicit func type is reported', (t) => {
  t.deepEqual(reported('passed-stored-returned'), ['fixed.go:54']);
});

test('unrecognised-reported: captured variables of unknown type are reported only with a sign of a context', (t) => {
  t.deepEqual(reported('unrecognised-reported'), ['unrec.go:17', 'unrec.go:24', 'unrec.go:31', 'unrec.go:48', 'unrec.go:58']);
});

test('nested: a level passed to once.Do or to a function is not reported', (t) => {
  t.deepEqual(reported('nested'), []);
});

test('builtin-results: a WaitGroup made by new, whose Done the literal calls, is not reported as a possible context', (t) => {
  t.deepEqual(reported('builtin-results'), []);
});
