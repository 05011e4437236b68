// Stage 5 of the pipeline (workspace → facts → link → plan → edit → output): plans and file-local
// transforms become new file texts. Lists are permuted innermost first, so that moved text carries
// its own edits; every output is parsed again before it counts.
import MagicString from 'magic-string';
import { permuteList } from './edits.js';
import type { Linker, Ref, Slot, Why } from './link.js';
import { describe, lineOfSlot } from './plan.js';
import type { Plan } from './plan.js';
import { paramsOf } from './program.js';
import type { GoFile, Program } from './program.js';
import { createRewriteAPI, OverlapError } from './rewrite.js';
import type { DoneRecord, EditRecord } from './rewrite.js';
import { syntaxErrorOf } from './source.js';
import type { Node } from './source.js';
import { lineOf } from './source.js';
import type { FileFacts } from './facts.js';
import type { ChangeNote, FileChange, LeftAlone, Report, SetSummary, Transform, TransformOptions, Unmoved } from './types.js';

export interface EditInput {
  prog: Program;
  linker: Linker;
  plans: Plan[];
  refsBySet: Map<string, Ref[]>;
  reorderers: Transform[];
  rewriters: Transform[];
  /** Whether a file-local transform looks at a file (its `mentions`, on the file's facts). */
  mentionsFor: (t: Transform, facts: FileFacts) => boolean;
  opts: TransformOptions;
  /** Errors, counts, left-alone entries and generated files are added to it. */
  report: Report;
  leftAlone: (root: string, members: Slot[], why: Why[]) => void;
}

export function editFiles(input: EditInput): { changes: FileChange[]; counts: Map<string, { one: string; n: number }>; sets: SetSummary[] } {
  const { prog, linker, plans, refsBySet, reorderers, rewriters, mentionsFor, opts, report, leftAlone } = input;
  // 6. Edits, innermost lists first so that moved text carries its own edits. A file whose edits
  // fail (an internal error, or two transforms' edits overlapping) is left unchanged — and then so
  // is every linked set with an edit in it, everywhere: the edits are made again without them.
  const reorderName = reorderers.map((t) => t.name).join('+');
  // Each set named by its first declaration (a hand-written, non-literal one when there is one).
  const at = (m: Plan['members'][number]) => ({ file: m.file.sf.rel, line: lineOfSlot(m), what: describe(m) });
  const byPlace = (a: { file: string; line: number }, b: { file: string; line: number }) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line);
  const setIds = new Map<Plan, { id: string; what: string; members: { file: string; line: number; what: string }[] }>();
  const usedIds = new Set<string>();
  for (const p of plans) {
    const members = p.members.map(at).sort(byPlace);
    const heads = p.members.filter((m) => m.kind !== 'literal' && !m.file.pf.generated).map(at).sort(byPlace);
    const head = heads[0] ?? members[0];
    let id = `${head.file}:${head.line}`;
    for (let k = 2; usedIds.has(id); k++) id = `${head.file}:${head.line}#${k}`;
    usedIds.add(id);
    setIds.set(p, { id, what: head.what, members });
  }
  const failed = new Map<GoFile, string>();
  const dropped = new Set<Plan>();
  const touches = (plan: Plan, hit: (f: GoFile) => boolean) =>
    plan.members.some((m) => hit(m.file)) || (refsBySet.get(plan.root) ?? []).some((r) => hit(r.file));
  let outcome = applyEdits(plans, failed);
  for (let attempt = 0; attempt < 8; attempt++) {
    const hit = plans.filter((p) => !dropped.has(p) && touches(p, (f) => failed.has(f)));
    if (!hit.length) break;
    for (const p of hit) {
      dropped.add(p);
      const where = [...failed.keys()].filter((f) => touches(p, (g) => g === f));
      leftAlone(p.root, p.members, where.map((f) => ({ file: f.sf.rel, line: 1, reason: `its edits in ${f.sf.rel} could not be made (${failed.get(f)})` })));
    }
    outcome = applyEdits(plans.filter((p) => !dropped.has(p)), failed);
  }
  for (const [f, msg] of failed) report.errors.push({ file: f.sf.rel, message: msg });
  report.signaturesMoved = outcome.signatures;
  report.setsMoved = plans.length - dropped.size;
  report.callSitesUpdated = outcome.calls;
  report.leftAlone.push(...outcome.leftAlone);
  const changes = outcome.changes;
  report.generated.push(...outcome.generated);
  if (outcome.generatedUnmoved.length) (report.generatedMisplaced ??= []).push(...outcome.generatedUnmoved);
  const counts = outcome.counts;
  const sets: SetSummary[] = plans
    .filter((p) => !dropped.has(p))
    .map((p) => {
      const files = new Set([...p.members.map((m) => m.file.sf.rel), ...(refsBySet.get(p.root) ?? []).map((r) => r.file.sf.rel)]);
      return { ...setIds.get(p)!, transform: reorderName, files: [...files].sort() };
    })
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  /**
   * A file-local transform over a generated file, on a scratch copy: generated files are not
   * edited, but what the transform would do there (a literal given its context) or leave alone is
   * named, so that a linter still finding it is explained.
   */
  function dryRun(t: Transform, f: GoFile): Unmoved[] {
    const records: EditRecord[] = [];
    const left: LeftAlone[] = [];
    const api = createRewriteAPI({ file: f, prog, ms: new MagicString(f.pf.text), transform: t.name, leftAlone: left, counts: new Map(), records });
    try {
      t.rewriteFile!(api, opts);
    } catch {
      return [];
    }
    const found = new Map<number, Unmoved>();
    for (const r of records) {
      // The literal whose parameter list the edit is in.
      for (let n: Node | null = f.pf.root.descendantForIndex(r.start); n; n = n.parent) {
        const pl = n.type === 'func_literal' ? n.childForFieldName('parameters') : null;
        if (!pl || r.start < pl.startIndex || r.start > pl.endIndex) continue;
        const line = lineOf(n);
        if (!found.has(line)) found.set(line, { file: f.sf.rel, line, what: 'func literal', why: `captures a context that ${t.name} would pass explicitly; goshift does not edit generated files` });
        break;
      }
    }
    for (const l of left) if (!found.has(l.line)) found.set(l.line, { file: l.file, line: l.line, what: 'func literal', why: l.reason });
    return [...found.values()];
  }

  function applyEdits(live: Plan[], failed: Map<GoFile, string>) {
    interface Edit {
      list: Node;
      items: Node[];
      perm: number[];
    }
    const out = { changes: [] as FileChange[], generated: [] as string[], signatures: 0, calls: 0, leftAlone: [] as LeftAlone[], counts: new Map<string, { one: string; n: number }>(), generatedUnmoved: [] as Unmoved[] };
    const edits = new Map<GoFile, Edit[]>();
    const notes = new Map<GoFile, ChangeNote[]>();
    const note = (f: GoFile, n: Node, kind: ChangeNote['kind'], transform: string, detail: string, set?: string) => {
      const l = notes.get(f) ?? [];
      l.push({ line: n.startPosition.row + 1, column: n.startPosition.column + 1, kind, transform, detail, ...(set ? { set } : {}) });
      notes.set(f, l);
    };
    const addEdit = (f: GoFile, e: Edit) => {
      const l = edits.get(f);
      if (l) l.push(e);
      else edits.set(f, [e]);
    };
    for (const plan of live) {
      const set = setIds.get(plan)!;
      plan.members.forEach((m, i) => {
        const mv = plan.moves[i];
        addEdit(m.file, { list: m.params, ...mv });
        out.signatures++;
        // Pointed at the parameter that moves to the front, else the first that moves.
        const k = mv.perm[0] !== 0 ? mv.perm[0] : mv.perm.findIndex((v, j) => v !== j);
        note(m.file, mv.items[k] ?? m.params, 'signature', reorderName, `${describe(m)}: parameters reordered`, set.id);
      });
      for (const ref of refsBySet.get(plan.root) ?? []) {
        const args = ref.args.namedChildren.filter((c) => c.type !== 'comment');
        const perm = args.map((_, i) => i);
        const n = paramsOf(linker.slots.get(ref.slot)!.params);
        const fixed = n.length > 0 && n[n.length - 1].variadic ? n.length - 1 : n.length;
        for (let k = 0; k < fixed; k++) perm[ref.offset + k] = ref.offset + plan.order[k];
        if (perm.every((v, i) => v === i)) continue;
        addEdit(ref.file, { list: ref.args, items: args, perm });
        out.calls++;
        note(ref.file, ref.call, 'call', reorderName, `call of ${set.what}: arguments reordered`, set.id);
      }
    }
    const editors = new Map<GoFile, { ms: MagicString; records: EditRecord[]; done: DoneRecord[] }>();
    const editorOf = (f: GoFile) => {
      let e = editors.get(f);
      if (!e) editors.set(f, (e = { ms: new MagicString(f.pf.text), records: [], done: [] }));
      return e;
    };
    for (const [f, es] of edits) {
      if (failed.has(f)) continue;
      const { ms, records } = editorOf(f);
      es.sort((a, b) => b.list.startIndex - a.list.startIndex || a.list.endIndex - b.list.endIndex);
      try {
        for (const e of es) {
          permuteList(ms, f.pf.text, e.list, e.items, e.perm);
          for (const it of e.items) records.push({ transform: reorderName, start: it.startIndex, end: it.endIndex });
        }
      } catch (err) {
        failed.set(f, `internal error while editing: ${(err as Error).message}; file left unchanged`);
      }
    }
    for (const t of rewriters) {
      for (const f of prog.parsed) {
        if (!f.sf.target || failed.has(f)) continue;
        if (!mentionsFor(t, prog.facts.get(f.sf.abs)!)) continue;
        if (f.pf.generated) {
          out.generatedUnmoved.push(...dryRun(t, f));
          continue;
        }
        const { ms, records, done } = editorOf(f);
        const api = createRewriteAPI({ file: f, prog, ms, transform: t.name, leftAlone: out.leftAlone, counts: out.counts, records, done });
        try {
          t.rewriteFile!(api, opts);
        } catch (err) {
          failed.set(f, err instanceof OverlapError ? err.message.replace(`${f.sf.rel}: `, '') : `internal error in ${t.name}: ${(err as Error).message}; file left unchanged`);
        }
      }
    }
    for (const [f, { ms, done }] of editors) {
      if (failed.has(f)) continue;
      const after = ms.toString();
      if (after === f.pf.text) continue;
      if (f.sf.excluded) {
        // The plan leaves every set touching an excluded file alone; this is a guard, not a path.
        failed.set(f, 'internal error: an excluded file would be edited; file left unchanged');
        continue;
      }
      // Every output is parsed again: one that does not parse is an internal error, never a write.
      const bad = syntaxErrorOf(after);
      if (bad) {
        failed.set(f, `internal error: the rewritten file would not parse (${bad.line}:${bad.column}: ${bad.message}); file left unchanged`);
        continue;
      }
      const fileNotes = [...(notes.get(f) ?? []), ...done.map((d) => ({ line: d.line, column: d.column, kind: 'rewrite' as const, transform: d.transform, detail: d.what }))];
      fileNotes.sort((a, b) => a.line - b.line || a.column - b.column || (a.detail < b.detail ? -1 : a.detail > b.detail ? 1 : 0));
      out.changes.push({ file: f.sf, notes: fileNotes, before: f.pf.bytes, after, encoding: f.pf.encoding });
      if (f.pf.generated) out.generated.push(f.sf.rel);
    }
    out.generated.sort();
    out.changes.sort((a, b) => (a.file.rel < b.file.rel ? -1 : a.file.rel > b.file.rel ? 1 : 0));
    return out;
  }
  return { changes, counts, sets };
}
