// What a left-alone line says about a call: one reason per cause, not the same call twice in other
// words (a fixture's stderr-contains can only ask for substrings, not for their count).
import test from 'ava';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.resolve(here, '../bin/goshift.js');
const fixtures = path.resolve(here, '../../fixtures/ctx-first');

test('multi-value-call: f(g()) leaves f alone with the call named once, as a multi-value expression', (t) => {
  const r = spawnSync(process.execPath, [bin, '-t', 'ctx-first', '-l', '.'], {
    cwd: path.join(fixtures, 'multi-value-call', 'input'),
    env: { ...process.env, GOSHIFT_DEBUG: '' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  t.is(r.status, 0, r.stderr);
  const lines = r.stderr.split('\n').filter((l) => l.includes('left alone: func Tag'));
  t.is(lines.length, 1, r.stderr);
  t.is(lines[0].split('(multi.go:18)').length - 1, 1, lines[0]);
  t.regex(lines[0], /a call passes a multi-value expression as its arguments \(multi\.go:18\)/);
  t.notRegex(lines[0], /unexpected number of arguments/);
});
