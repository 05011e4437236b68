#!/usr/bin/env node
// Compares this grammar with upstream tree-sitter-go on every .go file under the given directories
// (default: `go env GOROOT`/src): files that upstream parses cleanly must give exactly the same tree
// (every node, named or not: type, field name, byte range), but for the readings of ambiguous syntax that
// README.md lists (a file's first difference is the one classified); files upstream cannot parse are listed with
// what this grammar makes of them. With --gofmt, files that still have errors are checked with `gofmt -e`
// (a file gofmt accepts but this grammar does not is a grammar bug). Exit 1 on any difference or such bug.
//
//   node grammar/tree-sitter-go-goshift/tools/compare.js [--gofmt] [dir...]   (from the repository root)
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync, spawnSync } = require('node:child_process');
const Parser = require('tree-sitter');
const Upstream = require('tree-sitter-go');
const Ours = require('..');

const args = process.argv.slice(2);
const gofmt = args.includes('--gofmt');
let dirs = args.filter((a) => !a.startsWith('--'));
if (!dirs.length) dirs = [path.join(execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim(), 'src')];

function* goFiles(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* goFiles(p);
    else if (e.isFile() && e.name.endsWith('.go')) yield p;
  }
}

const up = new Parser(); up.setLanguage(Upstream);
const ours = new Parser(); ours.setLanguage(Ours);
if (Upstream.language === Ours.language) throw new Error('both grammars resolved to the same language object');

function parse(parser, text) {
  return parser.parse((i) => text.slice(i, i + 65536));
}

const line = (c, depth) => {
  const n = c.currentNode;
  return `${depth} ${c.currentFieldName ?? '-'} ${n.type}${n.isNamed ? '' : '!'} ${n.startIndex}-${n.endIndex}${n.isMissing ? ' MISSING' : ''}`;
};

/** Walks both trees in step; returns undefined when every node (type, field, byte range) is the same. */
function firstDifference(ta, tb) {
  const a = ta.walk(), b = tb.walk();
  let depth = 0;
  for (;;) {
    const la = line(a, depth), lb = line(b, depth);
    if (la !== lb) return [la, lb];
    const da = a.gotoFirstChild(), db = b.gotoFirstChild();
    if (da !== db) return [`${la} ${da ? 'has' : 'has no'} children`, `${lb} ${db ? 'has' : 'has no'} children`];
    if (da) { depth++; continue; }
    for (;;) {
      const sa = a.gotoNextSibling(), sb = b.gotoNextSibling();
      if (sa !== sb) return [`${line(a, depth)} ${sa ? 'then a sibling' : 'last'}`, `${line(b, depth)} ${sb ? 'then a sibling' : 'last'}`];
      if (sa) break;
      if (!a.gotoParent()) return undefined;
      b.gotoParent();
      depth--;
    }
  }
}

function firstError(root) {
  if (!root.hasError) return undefined;
  let found;
  (function walk(n) {
    if (found) return;
    if (n.type === 'ERROR' || n.isMissing) { found = n; return; }
    for (const ch of n.children) if (ch.hasError || ch.isMissing) walk(ch);
  })(root);
  return found ?? root;
}

// Readings of ambiguous syntax in which tree-sitter, comparing competing trees node by node, picks another
// tree than upstream's because this grammar declares no supertypes (README.md): same bytes, another type.
const AMBIGUOUS = new Set(['type_conversion_expression>call_expression', 'type_instantiation_expression>index_expression']);

/** Whether a difference is one of those (or a file's empty final terminator that a comment ends it instead). */
function ambiguous([la, lb], size) {
  const re = /^(\d+) (\S+) (\S+?)(!?) (\d+)-(\d+)/;
  const a = re.exec(la), b = re.exec(lb);
  if (!a || !b || a[1] !== b[1]) return false;
  if (a[5] === b[5] && a[6] === b[6] && AMBIGUOUS.has(`${a[3]}>${b[3]}`)) return true;
  return (a[3] + a[4]).endsWith('!') && a[5] === a[6] && Number(a[6]) === size && b[3] === 'comment' && Number(b[6]) === size;
}

const BATCH = 150;

/** Compares one batch of files; returns counts and report lines. */
function compareFiles(list) {
  const r = { files: 0, same: 0, ambiguous: 0, differ: 0, fixed: 0, stillBad: 0, newlyBad: 0, gofmtAccepts: 0, report: [] };
  for (const f of list) {
    r.files++;
    const text = fs.readFileSync(f, 'utf8');
    const a = parse(up, text), b = parse(ours, text);
    const ea = a.rootNode.hasError, eb = b.rootNode.hasError;
    const where = (t) => { const e = firstError(t.rootNode); return e ? `${e.startPosition.row + 1}:${e.startPosition.column + 1}` : ''; };
    if (!ea && !eb) {
      const d = firstDifference(a, b);
      if (!d) r.same++;
      else if (ambiguous(d, Buffer.byteLength(text))) {
        r.ambiguous++;
        r.report.push(`ambiguous, read otherwise ${f}\n  upstream: ${d[0]}\n  ours:     ${d[1]}`);
      } else {
        r.differ++;
        r.report.push(`DIFFERENT TREE ${f}\n  upstream: ${d[0]}\n  ours:     ${d[1]}`);
      }
    } else if (ea && !eb) { r.fixed++; r.report.push(`now clean  ${f} (upstream error at ${where(a)})`); }
    else if (!ea && eb) { r.newlyBad++; r.report.push(`NEW ERROR  ${f} at ${where(b)}`); }
    else {
      r.stillBad++;
      let note = '';
      if (gofmt) {
        const g = spawnSync('gofmt', ['-e', '-l', f], { encoding: 'utf8' });
        if (g.status === 0) { r.gofmtAccepts++; note = ' GOFMT ACCEPTS IT'; } else note = ' (gofmt -e rejects it too)';
      }
      r.report.push(`still bad  ${f} at ${where(b)}${note}`);
    }
  }
  return r;
}

if (process.env.COMPARE_BATCH) {
  // A child: the batch's files come on stdin, the result goes to stdout as JSON.
  const list = fs.readFileSync(0, 'utf8').split('\n').filter(Boolean);
  process.stdout.write(JSON.stringify(compareFiles(list)));
} else {
  // Batches run in child processes: native tree memory is not reliably returned within one process.
  const all = dirs.flatMap((d) => [...goFiles(d)]);
  const t = { files: 0, same: 0, ambiguous: 0, differ: 0, fixed: 0, stillBad: 0, newlyBad: 0, gofmtAccepts: 0, report: [] };
  for (let i = 0; i < all.length; i += BATCH) {
    const c = spawnSync(process.execPath, [__filename, ...args], {
      input: all.slice(i, i + BATCH).join('\n'), encoding: 'utf8', maxBuffer: 1 << 28,
      env: { ...process.env, COMPARE_BATCH: '1' }, stdio: ['pipe', 'pipe', 'inherit'],
    });
    if (c.status !== 0) throw new Error(`batch at ${all[i]} failed: ${c.status ?? c.signal}`);
    const r = JSON.parse(c.stdout);
    for (const k of Object.keys(t)) t[k] = k === 'report' ? t.report.concat(r.report) : t[k] + r[k];
  }
  if (t.report.length) console.log(t.report.join('\n'));
  console.log(`${t.files} files: ${t.same} same tree, ${t.ambiguous} ambiguous syntax read otherwise, ${t.differ} different tree, ${t.fixed} errors fixed, ${t.stillBad} still with errors` +
    `${gofmt ? ` (${t.gofmtAccepts} of them accepted by gofmt -e)` : ''}, ${t.newlyBad} new errors`);
  process.exit(t.differ || t.newlyBad || t.gofmtAccepts ? 1 : 0);
}
