// Stage 5 of the pipeline (workspace → facts → link → plan → edit → output): plans and file-local
// transforms become new file texts. Lists are permuted innermost first, so that moved text carries
// its own edits; every output is parsed again before it counts.
import MagicString from 'magic-string';
import { oneItemPerLine, permuteList } from './edits.js';
import type { Linker, Ref, Slot, Why } from './link.js';
import { byPlace, describe, placeOf } from './plan.js';
import type { Plan } from './plan.js';
import { paramsOf } from './program.js';
import type { GoFile, Program } from './program.js';
import { createRewriteAPI, insertImport, OverlapError } from './rewrite.js';
import { insertIntoList } from './insert.js';
import type { ListInsert } from './insert.js';
import { freshName, identifiersIn, topDeclOf } from './temps.js';
import type { TempPlan } from './temps.js';
import type { DoneRecord, EditRecord } from './rewrite.js';
import { defaultJobs } from './factstore.js';
import { ParseCheck } from './parsecheck.js';
import { treeCollector } from './gc.js';
import type { SyntaxErr } from './parsecheck.js';
import type { Node } from './source.js';
import { bytesOf, lineOf } from './source.js';
import type { FileFacts } from './facts.js';
import type { ChangeNote, FileChange, LeftAlone, Report, SetSummary, Transform, TransformOptions, Unmoved } from './types.js';

/**
 * Syntax nodes in the trees let go since the last full collection that make it worth another. A
 * full collection costs what the live heap does to mark (some 0.2 s over ten copies of std), and
 * garbage trees pile up to this many nodes in between: over ten copies of std (1.5 million nodes in
 * the files parsed only for ctx-closure) 500,000 put the run's peak at 1,035-1,051 MiB, 200,000 at
 * 986-987 MiB for 0.6-1.2 s more; over std (143,000 nodes) it collects no more often.
 */
const COLLECT_NODES = 200_000;

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
  /** Text edits of no linked set (ctx-plumb: a context.TODO() in a function that has a context). */
  direct?: Map<GoFile, { start: number; end: number; text: string }[]>;
}

export async function editFiles(input: EditInput): Promise<{ changes: FileChange[]; counts: Map<string, { one: string; n: number }>; sets: SetSummary[] }> {
  const { prog, linker, plans, refsBySet, reorderers, rewriters, mentionsFor, opts, report, leftAlone, direct } = input;
  // 6. Edits, innermost lists first so that moved text carries its own edits. A file whose edits
  // fail (an internal error, or two transforms' edits overlapping) is left unchanged — and then so
  // is every linked set with an edit in it, everywhere: the edits are made again without them.
  const reorderName = reorderers.map((t) => t.name).join('+');
  // Each set named by its first declaration (a hand-written, non-literal one when there is one).
  const setIds = new Map<Plan, { id: string; what: string; members: { file: string; line: number; what: string }[] }>();
  const usedIds = new Set<string>();
  for (const p of plans) {
    const members = p.members.map(placeOf).sort(byPlace);
    const heads = p.members.filter((m) => m.kind !== 'literal' && !m.file.pf.generated).map(placeOf).sort(byPlace);
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
  const counts0 = new Map<string, { one: string; n: number }>();
  /** The check that every output parses (on another core when there is much to check); started by the first applyEdits. */
  let check = null as ParseCheck | null;
  let outcome: Awaited<ReturnType<typeof applyEdits>>;
  try {
    outcome = await editsAndRetries();
  } finally {
    await check?.stop();
  }
  async function editsAndRetries() {
    let outcome = await applyEdits(plans, failed);
    for (let attempt = 0; attempt < 8; attempt++) {
      const hit = plans.filter((p) => !dropped.has(p) && touches(p, (f) => failed.has(f)));
      if (!hit.length) break;
      for (const p of hit) {
        dropped.add(p);
        const where = [...failed.keys()].filter((f) => touches(p, (g) => g === f));
        leftAlone(p.root, p.members, where.map((f) => ({ file: f.sf.rel, line: 1, reason: `its edits in ${f.sf.rel} could not be made (${failed.get(f)})` })));
      }
      outcome = await applyEdits(plans.filter((p) => !dropped.has(p)), failed);
    }
    return outcome;
  }
  for (const [f, msg] of failed) report.errors.push({ file: f.sf.rel, message: msg });
  report.signaturesMoved = outcome.signatures;
  report.setsMoved = plans.length - dropped.size;
  report.callSitesUpdated = outcome.calls;
  if (outcome.wrappers) counts0.set('old signatures kept as deprecated wrappers', { one: 'old signature kept as a deprecated wrapper', n: outcome.wrappers });
  if (outcome.replaced) counts0.set('calls replaced by the context in scope', { one: 'call replaced by the context in scope', n: outcome.replaced });
  if (outcome.temps) counts0.set('calls given temporaries to keep their evaluation order', { one: 'call given temporaries to keep its evaluation order', n: outcome.temps });
  report.leftAlone.push(...outcome.leftAlone);
  const changes = outcome.changes;
  report.generated.push(...outcome.generated);
  if (outcome.generatedUnmoved.length) (report.generatedMisplaced ??= []).push(...outcome.generatedUnmoved);
  const counts = new Map([...counts0, ...outcome.counts]);
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
    const done: DoneRecord[] = [];
    const api = createRewriteAPI({ file: f, prog, ms: new MagicString(f.pf.text), transform: t.name, leftAlone: left, counts: new Map(), records, done });
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
    // What another file-local transform would do (an import it would rewrite, a call it would change) is named as it says it.
    for (const d of done) if (!found.has(d.line)) found.set(d.line, { file: f.sf.rel, line: d.line, what: `${t.name}:`, why: `would change this (${d.what}); goshift does not edit generated files` });
    const what = t.funcLiteralsOnly || t.runLiteralsOnly ? 'func literal' : `${t.name}:`;
    for (const l of left) if (!found.has(l.line)) found.set(l.line, { file: l.file, line: l.line, what, why: l.reason });
    return [...found.values()];
  }

  async function applyEdits(live: Plan[], failed: Map<GoFile, string>) {
    interface Edit {
      list: Node;
      items: Node[];
      perm: number[];
      /** The call keeps its evaluation order with temporaries (names given per file, below). */
      temps?: TempPlan;
      names?: string[];
      /** Parameters or arguments inserted (after the permutation). */
      ins?: ListInsert[];
    }
    const out = { changes: [] as FileChange[], generated: [] as string[], signatures: 0, calls: 0, temps: 0, wrappers: 0, replaced: 0, leftAlone: [] as LeftAlone[], counts: new Map<string, { one: string; n: number }>(), generatedUnmoved: [] as Unmoved[] };
    const edits = new Map<GoFile, Edit[]>();
    /** Plain text edits (--api compat: renames, wrappers), made after the lists are permuted. */
    const texts = new Map<GoFile, { start: number; end: number; text: string }[]>();
    /** Imports inserted parameters and arguments need, per file (added once, after the edits). */
    const imports = new Map<GoFile, Set<string>>();
    const addText = (f: GoFile, start: number, end: number, text: string) => {
      const l = texts.get(f) ?? [];
      l.push({ start, end, text });
      texts.set(f, l);
    };
    const notes = new Map<GoFile, ChangeNote[]>();
    /** A note at node n; `span` is the syntax the change rewrites (default n), whose end the note records. */
    const note = (f: GoFile, n: Node, kind: ChangeNote['kind'], transform: string, detail: string, set?: string, span: Node = n) => {
      const l = notes.get(f) ?? [];
      l.push({
        line: n.startPosition.row + 1,
        column: n.startPosition.column + 1,
        endLine: span.endPosition.row + 1,
        endColumn: span.endPosition.column + 1,
        kind,
        transform,
        detail,
        ...(set ? { set } : {}),
      });
      notes.set(f, l);
    };
    const addEdit = (f: GoFile, e: Edit) => {
      const l = edits.get(f);
      if (l) l.push(e);
      else edits.set(f, [e]);
    };
    for (const [f, ts] of direct ?? []) for (const t of ts) {
      addText(f, t.start, t.end, t.text);
      out.replaced++;
      note(f, f.pf.root.descendantForIndex(t.start, t.end), 'rewrite', reorderName, `replaced by ${t.text}, the context in scope`);
    }
    for (const plan of live) {
      const set = setIds.get(plan)!;
      const cp = plan.compat;
      if (cp) {
        for (const cm of cp.members) {
          addText(cm.slot.file, cm.nameNode.startIndex, cm.nameNode.endIndex, cp.newName);
          if (cm.docWord) addText(cm.slot.file, cm.docWordStart, cm.docWordStart + cp.oldName.length, cp.newName);
          addText(cm.slot.file, cm.slot.node.endIndex, cm.slot.node.endIndex, cm.wrapper);
          out.wrappers++;
        }
        for (const [ref, n] of cp.refNames) addText(ref.file, n.startIndex, n.endIndex, cp.newName);
      }
      const pi = plan.insert;
      if (pi) {
        for (const [f, ps] of pi.imports) imports.set(f, new Set([...(imports.get(f) ?? []), ...ps]));
        for (const [f, rs] of pi.replace) for (const r of rs) {
          addText(f, r.start, r.end, r.text);
          out.replaced++;
        }
      }
      const reordered = plan.order.some((v, i) => v !== i);
      plan.members.forEach((m, i) => {
        const mv = plan.moves[i];
        const ins = pi?.members[i];
        addEdit(m.file, { list: m.params, ...mv, ...(ins?.length ? { ins } : {}) });
        out.signatures++;
        // Pointed at the parameter that moves to the front, else the first that moves.
        const k = mv.perm[0] !== 0 ? mv.perm[0] : mv.perm.findIndex((v, j) => v !== j);
        const what = [reordered ? 'parameters reordered' : '', ins?.length ? `${ins.map((x) => x.text).join(', ')} inserted` : ''].filter(Boolean).join(', ');
        note(m.file, mv.items[k] ?? m.params, 'signature', reorderName, `${describe(m)}: ${what}${cp ? `, renamed ${cp.newName}; ${cp.oldName} kept as a deprecated wrapper` : ''}`, set.id, m.params);
      });
      for (const ref of refsBySet.get(plan.root) ?? []) {
        const args = ref.args.namedChildren.filter((c) => c.type !== 'comment');
        const perm = args.map((_, i) => i);
        const n = paramsOf(linker.slots.get(ref.slot)!.params);
        const fixed = n.length > 0 && n[n.length - 1].variadic ? n.length - 1 : n.length;
        for (let k = 0; k < fixed; k++) perm[ref.offset + k] = ref.offset + plan.order[k];
        const ins = pi?.refs.get(ref) ?? [];
        if (perm.every((v, i) => v === i) && !ins.length) continue;
        const temps = plan.temps.get(ref);
        addEdit(ref.file, { list: ref.args, items: args, perm, temps, ...(ins.length ? { ins } : {}) });
        out.calls++;
        if (temps) out.temps++;
        const what = [perm.some((v, i) => v !== i) ? 'arguments reordered' : '', ins.length ? `${ins.map((x) => x.text).join(', ')} passed` : ''].filter(Boolean).join(', ');
        note(ref.file, ref.call, 'call', reorderName, `call of ${set.what}: ${what}${temps ? ', some bound to temporaries first to keep their order' : ''}`, set.id);
      }
    }
    const editors = new Map<GoFile, { ms: MagicString; records: EditRecord[]; done: DoneRecord[] }>();
    const editorOf = (f: GoFile) => {
      let e = editors.get(f);
      if (!e) editors.set(f, (e = { ms: new MagicString(f.pf.text), records: [], done: [] }));
      return e;
    };
    const importsAdded = new Map<GoFile, Map<string, string>>();
    // A file read for its declarations only has no function bodies in its tree: it is never edited
    // (every file a set or a transform can edit is parsed whole before any is read that way). One
    // read with only the bodies that run literals (that may capture a context) is rewritten only by
    // transforms that look at those.
    const readPartly = (f: GoFile, t?: Transform) => {
      if (!f.pf.declarationsOnly && !(f.pf.runBodiesOnly && !(t?.runLiteralsOnly && (!f.pf.captureBodiesOnly || t.capturingLiteralsOnly)))) return false;
      failed.set(f, `internal error: goshift read only ${f.pf.declarationsOnly ? 'the declarations' : 'some function bodies'} of this file, yet has edits for it; file left unchanged`);
      return true;
    };
    for (const f of new Set([...edits.keys(), ...texts.keys(), ...imports.keys()])) {
      if (failed.has(f) || readPartly(f)) continue;
      const es = edits.get(f) ?? [];
      const { ms, records } = editorOf(f);
      // Temporaries get names that no identifier of their top-level declaration has, in the order of the file.
      const takenIn = new Map<number, Set<string>>();
      for (const e of es.filter((x) => x.temps).sort((a, b) => a.list.startIndex - b.list.startIndex)) {
        const top = topDeclOf(e.temps!.stmt);
        let taken = takenIn.get(top.id);
        if (!taken) takenIn.set(top.id, (taken = identifiersIn(top)));
        e.names = e.temps!.hints.map((h) => freshName(h, taken));
      }
      es.sort((a, b) => b.list.startIndex - a.list.startIndex || a.list.endIndex - b.list.endIndex);
      try {
        for (const e of es) {
          if (e.temps) bindTemps(ms, e.items, e.perm, e.temps, e.names!);
          else permuteList(ms, f.pf.text, e.list, e.items, e.perm);
          if (e.ins) insertIntoList(ms, f.pf.text, e.list, e.items, e.ins, oneItemPerLine(e.list, e.items));
          for (const it of e.items) records.push({ transform: reorderName, start: it.startIndex, end: it.endIndex });
        }
        for (const t of texts.get(f) ?? []) {
          if (t.end > t.start) ms.overwrite(t.start, t.end, t.text);
          else ms.appendLeft(t.start, t.text);
          records.push({ transform: reorderName, start: t.start, end: t.end });
        }
        for (const ip of [...(imports.get(f) ?? [])].sort()) {
          insertImport(f, ms, ip);
          importsAdded.set(f, new Map([...(importsAdded.get(f) ?? []), [ip, ip.slice(ip.lastIndexOf('/') + 1)]]));
        }
      } catch (err) {
        failed.set(f, `internal error while editing: ${(err as Error).message}; file left unchanged`);
      }
    }
    // A file read with only the bodies that run literals may have a syntax error in a body left
    // blank. Read whole, it would not have been rewritten at all: when its rewritten text does not
    // parse, the file is read whole, and if that is why, its error is reported as any file's that
    // does not parse, and what the transforms said of it is taken back.
    const said = new Map<GoFile, { left: LeftAlone[]; counts: Map<string, number> }>();
    /** Files whose rewrite was taken back: no transform looks at them again. */
    const takenBack = new Set<GoFile>();
    const takeBack = (f: GoFile): boolean => {
      if (takenBack.has(f)) return true;
      if (!f.pf.runBodiesOnly || !prog.brokenWhole(f)) return false;
      takenBack.add(f);
      const s = said.get(f);
      said.delete(f);
      if (s) {
        const gone = new Set(s.left);
        let w = 0;
        for (const l of out.leftAlone) if (!gone.has(l)) out.leftAlone[w++] = l;
        out.leftAlone.length = w;
        for (const [k, n] of s.counts) {
          const c = out.counts.get(k)!;
          c.n -= n;
          if (c.n === 0) out.counts.delete(k);
        }
      }
      return true;
    };
    // Every output is parsed again before it counts (below). A file's text is final once the last
    // file-local transform that looks at it is done with it: it is handed to the check then, which
    // parses it on another core while this thread goes on rewriting (when there is enough to check).
    const lastLook = new Map<GoFile, Transform>();
    let expected = 0;
    for (const f of prog.parsed) {
      let t: Transform | undefined;
      if (f.sf.target) for (const r of rewriters) if (mentionsFor(r, prog.facts.get(f.sf.abs)!)) t = r;
      if (t) lastLook.set(f, t);
      if (editors.has(f) || (t && !f.pf.generated && !f.pf.declarationsOnly)) expected += f.pf.text.length;
    }
    for (const sf of prog.rewriteOnly) if (!prog.isParsed(sf)) expected += prog.sizes.get(sf.abs) ?? 0;
    check ??= new ParseCheck({ jobs: opts.jobs ?? defaultJobs(), expected });
    const checking = check;
    const submitted = new Map<GoFile, { after: string; id: number }>();
    const final = (f: GoFile) => {
      if (submitted.has(f) || failed.has(f) || takenBack.has(f) || f.sf.excluded) return;
      const e = editors.get(f);
      const after = e?.ms.toString();
      if (after !== undefined && after !== f.pf.text) submitted.set(f, { after, id: checking.submit(after) });
    };
    for (const f of editors.keys()) if (!lastLook.has(f)) final(f);
    for (const t of rewriters) {
      for (const f of prog.parsed) {
        rewrite(t, f);
        if (lastLook.get(f) === t) final(f);
      }
    }
    // The files only transforms looking at run literals read, left unparsed by the linker: each is
    // parsed now, rewritten by every transform, handed to the check, and let go, so that their trees
    // are not all alive at once (a file parsed meanwhile, to look up a declaration, was rewritten above).
    // (Files by SourceFile: nothing here keeps one's GoFile, and with it its text, past its turn.)
    const seen = new Set(prog.parsed.map((f) => f.sf));
    const collectTrees = treeCollector(COLLECT_NODES);
    // A file that failed in an earlier round (editsAndRetries) stays as it is, as any file would: it
    // was let go, so its GoFile now is another.
    const failedBefore = new Set([...failed.keys()].map((f) => f.sf));
    for (const sf of prog.rewriteOnly) {
      if (failedBefore.has(sf)) continue;
      const parsedHere = !prog.isParsed(sf);
      const f = prog.fileOf(sf);
      if (!f || seen.has(sf)) continue;
      seen.add(sf);
      for (const t of rewriters) rewrite(t, f);
      final(f);
      // One the transforms left as it was is done with: its editor (and what a failed check would
      // take back) would keep its text to the end of the run.
      if (!editors.get(f)?.ms.hasChanged() && !failed.has(f) && !takenBack.has(f)) {
        editors.delete(f);
        said.delete(f);
      }
      if (parsedHere) {
        const nodes = f.pf.root.descendantCount;
        prog.release(f);
        // Without a turn of the event loop here, no tree let go would be freed (gc.ts).
        collectTrees(nodes);
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    function rewrite(t: Transform, f: GoFile): void {
      if (!f.sf.target || failed.has(f) || takenBack.has(f)) return;
      if (!mentionsFor(t, prog.facts.get(f.sf.abs)!) || readPartly(f, t)) return;
      if (f.pf.generated) {
        // What a behaviour-changing transform (ctx-inherit) would do there is no context out of place.
        // (Never written: an error in a body goshift did not read is not looked for here.)
        if (!t.changesBehaviour) out.generatedUnmoved.push(...dryRun(t, f));
        return;
      }
      const { ms, records, done } = editorOf(f);
      const api = createRewriteAPI({ file: f, prog, ms, transform: t.name, leftAlone: out.leftAlone, counts: out.counts, records, done, imported: importsAdded.get(f) });
      const left = out.leftAlone.length;
      const before = f.pf.runBodiesOnly ? new Map([...out.counts].map(([k, c]) => [k, c.n])) : null;
      let thrown: { err: unknown } | null = null;
      try {
        t.rewriteFile!(api, opts);
      } catch (err) {
        thrown = { err };
      }
      if (before) {
        const s = said.get(f) ?? { left: [], counts: new Map<string, number>() };
        s.left.push(...out.leftAlone.slice(left));
        for (const [k, c] of out.counts) if (c.n !== (before.get(k) ?? 0)) s.counts.set(k, (s.counts.get(k) ?? 0) + c.n - (before.get(k) ?? 0));
        said.set(f, s);
      }
      if (thrown && !takeBack(f)) {
        const { err } = thrown;
        failed.set(f, err instanceof OverlapError ? err.message.replace(`${f.sf.rel}: `, '') : `internal error in ${t.name}: ${(err as Error).message}; file left unchanged`);
      }
    }
    for (const f of editors.keys()) final(f);
    for (const [f, { ms, done }] of editors) {
      if (failed.has(f) || takenBack.has(f)) continue;
      let after = ms.toString();
      if (after === f.pf.text) continue;
      if (f.sf.excluded) {
        // The plan leaves every set touching an excluded file alone; this is a guard, not a path.
        failed.set(f, 'internal error: an excluded file would be edited; file left unchanged');
        continue;
      }
      // Every output is parsed again: one that does not parse is an internal error, never a write.
      const sent = submitted.get(f);
      submitted.delete(f);
      const same = sent?.after === after;
      // The text the check was given, when it is this one: the change keeps that copy, not a second.
      if (same) after = sent!.after;
      const bad: SyntaxErr = await checking.result(same ? sent!.id : checking.submit(after));
      if (bad) {
        if (!takeBack(f)) failed.set(f, `internal error: the rewritten file would not parse (${bad.line}:${bad.column}: ${bad.message}); file left unchanged`);
        continue;
      }
      const fileNotes = [...(notes.get(f) ?? []), ...done.map((d) => ({ line: d.line, column: d.column, endLine: d.endLine, endColumn: d.endColumn, kind: 'rewrite' as const, transform: d.transform, detail: d.what }))];
      fileNotes.sort((a, b) => a.line - b.line || a.column - b.column || (a.detail < b.detail ? -1 : a.detail > b.detail ? 1 : 0));
      // The bytes before are made each time they are asked for (from the text the file keeps anyway):
      // made here, over ten copies of std, they were 15 MB more at the run's peak, the end of this stage.
      const pf = f.pf;
      out.changes.push({
        file: f.sf,
        notes: fileNotes,
        get before() {
          return bytesOf(pf);
        },
        after,
        encoding: pf.encoding,
      });
      if (f.pf.generated) out.generated.push(f.sf.rel);
    }
    out.generated.sort();
    out.changes.sort((a, b) => (a.file.rel < b.file.rel ? -1 : a.file.rel > b.file.rel ? 1 : 0));
    return out;
  }
  return { changes, counts, sets };
}

/**
 * A call's arguments permuted with some bound to temporaries first: the bound arguments' text (with
 * any edits inside it) moves to a `names := args` statement right before the call's statement, in
 * its original order, and their places in the call take the names; the others move as in permuteList.
 */
function bindTemps(ms: MagicString, items: Node[], perm: number[], tp: TempPlan, names: string[]): void {
  const at = tp.stmt.startIndex;
  const nameOf = new Map(tp.bound.map((k, j) => [k, names[j]]));
  for (const [a, b] of tp.dedent) if (b > a) ms.remove(a, b);
  ms.appendLeft(at, `${names.join(', ')} := `);
  tp.bound.forEach((k, j) => {
    ms.move(items[k].startIndex, items[k].endIndex, at);
    if (j < tp.bound.length - 1) ms.appendLeft(items[k].endIndex, ', ');
  });
  ms.appendRight(at, `\n${tp.indent}`);
  for (let i = 0; i < perm.length; i++) {
    const k = perm[i];
    const name = nameOf.get(k);
    if (name !== undefined) ms.appendRight(items[i].endIndex, name);
    else if (k !== i) ms.move(items[k].startIndex, items[k].endIndex, items[i].endIndex);
  }
}
