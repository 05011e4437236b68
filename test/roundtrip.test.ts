// A small part of the standard-library round trip (scripts/roundtrip.ts) inside `npm test`.
//
// A copy of GOROOT gets `goshift -t ctx-last -w database/sql/...` then `goshift -t ctx-first -w
// database/sql/...` (cwd <copy>/src; goshift still reads the whole module std to find callers), and
// every file must come back byte-identical. Not vacuous: ctx-last must report moved signatures and
// change files. After ctx-last, `go vet` of the changed packages with the copied GOROOT checks that
// the moved state compiles, tests included; `go build std` is left to `npm run roundtrip`.
//
// Budget: well under 2 minutes on 2 cores. Measured without a working engine (stand-in CLI): copy
// ~2s, two tree comparisons ~3s each, go vet database/sql ~2-4s with a warm build cache. The two
// goshift runs over std are not measured yet (the engine throws): if they make this too slow,
// drop vetAfter here first, and keep the byte-identity check.
import test from 'ava';
import { formatRoundTrip, roundTrip } from '../scripts/roundtrip-lib.js';
import { cliMissing } from './support/paths.js';

test('std round trip: ctx-last then ctx-first over database/sql/... gives back the same bytes', async (t) => {
  const missing = cliMissing();
  if (missing) {
    t.fail(missing);
    return;
  }
  const r = await roundTrip({
    pkgs: ['database/sql/...'],
    buildStd: false,
    vetAfter: ['ctx-last'],
    keep: Boolean(process.env.GOSHIFT_KEEP_TMP),
    cliTimeoutMs: 4 * 60_000,
    goTimeoutMs: 3 * 60_000,
    // Below AVA's 10m timeout (package.json): when AVA gives up first, the commands keep running.
    budgetMs: 8 * 60_000,
  });
  const text = formatRoundTrip(r);
  const problems: string[] = [...r.failures];
  const last = r.stages.find((s) => s.stage === 'ctx-last');
  const moved = last?.summary.signaturesMoved;
  if (moved === null || moved === undefined) problems.push('ctx-last: no "signatures moved: N" found in goshift\'s stderr');
  else if (moved <= 0) problems.push(`ctx-last moved ${moved} signatures: database/sql has functions taking ctx first, so the round trip is vacuous`);
  if (r.changedByLast.length === 0) problems.push('ctx-last changed no file: the round trip is vacuous');
  if (r.notIdentical.length) problems.push(`${r.notIdentical.length} file(s) did not come back byte-identical: ${r.notIdentical.map((f) => f.path).join(', ')}`);
  if (problems.length) {
    t.log(text);
    t.fail(problems.join('\n'));
  } else {
    t.log(text);
    t.pass();
  }
});
