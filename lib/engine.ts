// The engine: finds linked sets over the whole workspace, asks the transforms for one
// permutation per set, and applies it to every member and reference, all or nothing.
import fs from 'node:fs';
import path from 'node:path';
import MagicString from 'magic-string';
import { readSource, syntaxErrorOf } from './source.js';
import type { Node } from './source.js';
import { lineOf } from './source.js';
import { CONTEXT_PATHS, Program, paramsOf, tparamsAround } from './program.js';
import type { FileFacts } from './facts.js';
import { defaultCacheDir, defaultJobs, factsFor } from './factstore.js';
import type { GoFile } from './program.js';
import { Linker } from './link.js';
import type { Slot, Why } from './link.js';
import { debugOn } from './debug.js';
import { permuteList } from './edits.js';
import { createRewriteAPI, OverlapError } from './rewrite.js';
import type { EditRecord } from './rewrite.js';
import type { FileChange, LeftAlone, Unmoved, ParamView, Report, RunResult, SignatureView, SourceFile, Transform, TransformOptions, Workspace } from './types.js';

const SIGNATURE_OWNERS = new Set(['function_declaration', 'method_declaration', 'method_elem', 'function_type', 'func_literal']);

/**
 * Runs transforms over a workspace and returns the new text of every file that changes,
 * with a report. Writes nothing.
 */
export async function runTransforms(ws: Workspace, transforms: Transform[], opts: TransformOptions): Promise<RunResult> {
  const report: Report = {
    filesScanned: ws.files.length,
    filesParsed: 0,
    filesChanged: 0,
    signaturesMoved: 0,
    callSitesUpdated: 0,
    setsMoved: 0,
    setsLeftAlone: 0,
    leftAlone: [],
    errors: [...ws.errors],
    generated: [],
  };
  const reorderers = transforms.filter((t) => t.reorder);
  const t0 = Date.now();
  const timing = debugOn('GOSHIFT_DEBUG_TIMING');
  const phase = (name: string) => {
    if (timing) process.stderr.write(`timing: ${name}: ${Date.now() - t0} ms, ${prog.parseCount} files parsed, rss ${Math.round(process.memoryUsage().rss / 1e6)} MB\n`);
  };
  // Files and directories that could not be read: they may reference anything in their module.
  const unreadable = ws.unreadable.map((rel) => ({ abs: path.resolve(ws.cwd, rel), rel }));

  // 1. Read every file once and take its facts: which files can matter is decided on them, and
  // a file is parsed only when it can.
  const inputs: { sf: SourceFile; abs: string; bytes: Buffer }[] = [];
  for (const sf of ws.files) {
    const r = readSource(sf);
    if ('error' in r) {
      report.errors.push({ file: sf.rel, message: r.error });
      unreadable.push({ abs: sf.abs, rel: sf.rel });
      continue;
    }
    inputs.push({ sf, abs: sf.abs, bytes: r.bytes });
  }
  const factsList = await factsFor(inputs, { jobs: opts.jobs ?? defaultJobs(), cacheDir: opts.cacheDir === undefined ? defaultCacheDir() : opts.cacheDir });
  const factsByAbs = new Map<string, FileFacts>();
  inputs.forEach((x, i) => factsByAbs.set(x.abs, factsList.facts[i]));
  const prog = new Program(ws.files, factsByAbs);
  for (const x of inputs) prog.bytes.set(x.abs, x.bytes);
  const readable = inputs.map((x) => ({ sf: x.sf, facts: factsByAbs.get(x.abs)! }));
  /** The file's code names one of the words (a file the lexer was unsure of names everything). */
  const says = (facts: FileFacts, want: Set<string>) => facts.unsure !== undefined || facts.words.some((w) => want.has(w));
  const importsContext = (facts: FileFacts) => facts.imports.some((i) => CONTEXT_PATHS.has(i.path));
  const mentionsFor = (t: Transform, facts: FileFacts) => !t.mentions || facts.unsure !== undefined || facts.words.some((w) => t.mentions!.test(w)) || facts.imports.some((i) => t.mentions!.test(i.path));
  // Aliases of context.Context (type Ctx = context.Context, and aliases of those) count as context mentions too.
  const aliases = new Set<string>();
  for (let round = 0; round < 5; round++) {
    const before = aliases.size;
    const want = new Set(['Context', ...aliases]);
    for (const { sf, facts } of readable) {
      for (const d of facts.decls) {
        if (d.kind !== 'type' || !d.alias || aliases.has(d.name) || !d.words.some((w) => want.has(w))) continue;
        const td = prog.fileOf(sf)?.pkg.types.get(d.name)?.[0];
        if (td && prog.typeOfTypeNode(td.typeNode, td.file).k === 'context') aliases.add(d.name);
      }
    }
    if (aliases.size === before) break;
  }
  // A file declaring a context parameter imports context, is in package context, or uses an alias.
  for (const { sf, facts } of readable) {
    if (importsContext(facts) || CONTEXT_PATHS.has(sf.importPath) || says(facts, aliases)) prog.fileOf(sf);
  }
  // File-local transforms say what a file must mention to matter to them.
  const rewriters = transforms.filter((t) => t.rewriteFile);
  for (const t of rewriters) for (const { sf, facts } of readable) if (sf.target && mentionsFor(t, facts)) prog.fileOf(sf);

  phase('read+context packages');
  // 2. Candidate signatures: parameter lists with a context that a transform wants to move.
  const linker = new Linker(prog);
  const candidates = new Map<string, { slot: string; order: number[] }>();
  const names = new Set<string>();
  // A context type is spelled `Context` (qualified, dot-imported or in package context) or by an
  // alias's name: other files declare no context parameter.
  const spellsContext = new Set(['Context', ...aliases]);
  const findCandidates = (files: GoFile[]) => {
    for (const f of files) {
      if (!says(prog.facts.get(f.sf.abs)!, spellsContext)) continue;
      for (const pl of f.pf.root.descendantsOfType('parameter_list')) {
        const owner = pl.parent;
        if (!owner || !SIGNATURE_OWNERS.has(owner.type) || owner.childForFieldName('parameters')?.id !== pl.id) continue;
        const ps = paramsOf(pl);
        const tparams = tparamsAround(owner);
        if (!ps.some((p) => prog.isContextType(p.typeNode, f, tparams))) continue;
        const id = linker.slotOf({ params: pl, result: owner.childForFieldName('result'), file: f, tparams });
        if (candidates.has(id)) continue;
        const view = viewOf(prog, linker.slots.get(id)!);
        for (const t of reorderers) {
          const order = t.reorder!(view, opts);
          if (order) {
            candidates.set(id, { slot: id, order });
            const sl = linker.slots.get(id)!;
            const name = referenceName(sl);
            if (name) names.add(name);
            break;
          }
        }
      }
    }
  };
  findCandidates(prog.parsed);
  // Functions declared in files that could not be parsed are no candidates; their callers are
  // looked at so that the summary can say which calls were left as they are.
  const brokenDecls = new Map<string, string>();
  for (const b of prog.broken) {
    for (const m of b.text.matchAll(/^func\s+(?:\([^)]*\)\s*)?([A-Za-z_]\w*)\s*(?:\[[^\]]*\])?\(([^)]*)\)/gm)) {
      if (/,[^,]*\bContext\b/.test(m[2])) brokenDecls.set(m[1], b.sf.rel);
    }
  }
  for (const n of brokenDecls.keys()) names.add(n);
  phase('candidates');
  // 3. Files that mention a candidate's name may reference it: their packages are analysed too.
  // What leads to a candidate without naming it (a function returning a changing func type, a
  // field or var of one, the receiver type of a changing method) is named in its turn, to a fixpoint.
  for (const id of candidates.keys()) {
    const sl = linker.slots.get(id)!;
    if (sl.kind === 'method') {
      const recv = sl.node.childForFieldName('receiver')?.namedChildren[0]?.childForFieldName('type')?.text.replace(/[*()]|\[.*\]/g, '');
      if (recv) names.add(recv);
    } else if (sl.kind === 'imethod') {
      for (let n = sl.node.parent; n; n = n.parent) if (n.type === 'type_spec') names.add(n.childForFieldName('name')!.text);
    }
  }
  // GOSHIFT_DEBUG_NAMES=1: the candidates and the names that decide which files are parsed and walked.
  const debugNames = debugOn('GOSHIFT_DEBUG_NAMES');
  if (debugNames) {
    for (const id of candidates.keys()) {
      const sl = linker.slots.get(id)!;
      process.stderr.write(`candidate: ${describe(sl)} (${sl.file.sf.rel}:${lineOf(sl.node)})\n`);
    }
  }
  for (let round = 0; round < 10 && names.size; round++) {
    const before = names.size;
    const want = new Set(names);
    for (const { facts } of readable) if (says(facts, want)) for (const name of namesLeadingTo(facts, want)) names.add(name);
    if (debugNames) process.stderr.write(`names round ${round}: ${[...names].join(' ')}\n`);
    if (names.size === before) break;
  }
  const namesRe = names.size || aliases.size ? wordsRe([...names, ...aliases]) : null;
  const relevantWords = new Set([...names, ...aliases]);
  const relevant = (facts: FileFacts) => importsContext(facts) || says(facts, relevantWords);

  phase('names fixpoint');
  // 4. Link: declarations, interfaces, then every body that mentions something relevant
  // (the others are there for their declarations' types only).
  // Files that mention something relevant are parsed (their packages' other files only as their
  // declarations are needed).
  for (const { sf, facts } of readable) if (relevant(facts)) prog.fileOf(sf);
  linker.valueNames = (n) => names.has(n);
  linker.relevantWord = (w) => relevantWords.has(w) || w === 'context' || w === 'Context';
  linker.declarePending();
  linker.linkInterfaces([...prog.parsed]);
  // Within a file, a declaration is walked when it names a candidate (or a name leading to one) or
  // spells the context type: a literal or func type with a context parameter must see its own calls.
  const declRe = wordsRe([...names, ...aliases, 'context', 'Context']);
  const declRelevant = (t: string) => declRe.test(t);
  // A file holding a candidate is walked whatever it mentions: in package context itself a func literal
  // takes an unqualified Context, and its calls are in that file only.
  const candidateFiles = new Set([...candidates.keys()].map((id) => linker.slots.get(id)!.file));
  for (const f of [...prog.parsed]) if (candidateFiles.has(f) || relevant(prog.facts.get(f.sf.abs)!)) linker.walkFile(f, declRelevant);
  // Files parsed while resolving types are declared (twins, pins) but need no walk: they mention
  // neither a context nor a candidate name.
  linker.declarePending();

  phase('link+walk');
  // 5. Sets.
  const roots = new Map<string, string[]>();
  for (const id of candidates.keys()) {
    const r = linker.find(id);
    const l = roots.get(r);
    if (l) l.push(id);
    else roots.set(r, [id]);
  }
  const refsBySet = new Map<string, typeof linker.refs>();
  for (const ref of linker.refs) {
    const r = linker.find(ref.slot);
    if (!roots.has(r)) continue;
    const l = refsBySet.get(r);
    if (l) l.push(ref);
    else refsBySet.set(r, [ref]);
  }
  const blocked = new Map<string, Why[]>();
  const block = (root: string, why: Why) => {
    const l = blocked.get(root);
    if (l) l.push(why);
    else blocked.set(root, [why]);
  };
  if (debugOn('GOSHIFT_DEBUG_UNRESOLVED')) for (const u of linker.unresolved) process.stderr.write(`unresolved: ${u.why.file}:${u.why.line}: ${u.why.reason}\n`);
  linker.poisonUnresolved(new Set(roots.keys()), block);
  for (const u of linker.unresolved) {
    const decl = u.name ? brokenDecls.get(u.name) : undefined;
    if (decl) report.leftAlone.push({ file: u.why.file, line: u.why.line, reason: `call of ${u.name}, declared in ${decl}, which could not be parsed: left as it is` });
  }
  for (const u of unreadable) {
    for (const root of roots.keys()) {
      if (linker.members(root).some((m) => u.abs === m.file.sf.module.root || u.abs.startsWith(m.file.sf.module.root + path.sep))) {
        block(root, { file: u.rel, line: 1, reason: `${u.rel} could not be read, and may reference it` });
      }
    }
  }
  for (const b of prog.broken) {
    const t = b.text;
    for (const root of roots.keys()) {
      for (const m of linker.members(root)) {
        if (m.kind !== 'literal' && m.name && new RegExp(`\\b${escapeRe(m.name)}\\b`).test(t)) {
          block(root, { file: b.sf.rel, line: 1, reason: `${b.sf.rel} mentions ${m.name} but could not be parsed` });
          break;
        }
      }
    }
  }

  // Go files in directories goshift skips (testdata/, `_x`, .gitignore'd) may still be built; they are
  // never edited, so a set they call stays as it is.
  for (const abs of ws.skippedGo ?? []) {
    if (!namesRe) break;
    let t: string;
    try {
      t = fs.readFileSync(abs).toString('latin1');
    } catch {
      continue;
    }
    if (!namesRe.test(t)) continue;
    const rel = path.relative(ws.cwd, abs).split(path.sep).join('/');
    for (const root of roots.keys()) {
      for (const m of linker.members(root)) {
        // Another package reaches only exported names: a function through its package's name (or a
        // dot import), a method, interface method or func-typed field through a selector.
        if (m.kind === 'literal' || !/^[A-Z]/.test(m.name)) continue;
        const ip = m.file.sf.importPath;
        const imp = new RegExp(`(?:^|[\\s(])([\\w.]+\\s+)?"${escapeRe(ip)}"`, 'm').exec(t);
        if (!imp) continue;
        const local = imp[1]?.trim() ?? ip.split('/').pop()!;
        const ref = m.kind === 'func' ? (local === '.' ? `\\b${escapeRe(m.name)}\\b` : `\\b${escapeRe(local)}\\.${escapeRe(m.name)}\\b`) : `\\.${escapeRe(m.name)}\\b`;
        const at = new RegExp(ref).exec(t);
        if (!at) continue;
        const line = t.slice(0, at.index).split('\n').length;
        block(root, { file: rel, line, reason: `${rel} (in a directory goshift skips and does not edit) imports ${m.file.sf.importPath} and may call ${m.name}` });
        break;
      }
    }
  }

  interface Plan {
    root: string;
    order: number[];
    members: Slot[];
    /** Per member: its parameter items (declarations, groups as written) and their new order. */
    moves: { items: Node[]; perm: number[] }[];
  }
  const plans: Plan[] = [];
  /** One entry per set: at its first hand-written declaration (at its first literal if it has only literals), the members listed under it. */
  const leftAlone = (root: string, members: Slot[], why: Why[]) => {
    report.setsLeftAlone++;
    const seen = new Set<string>();
    const reasons = why.filter((w) => {
      const k = `${w.file}:${w.line}:${w.reason}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    const at = (m: Slot) => ({ file: m.file.sf.rel, line: lineOfSlot(m), what: describe(m) });
    const byPlace = (a: { file: string; line: number }, b: { file: string; line: number }) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line);
    const listed = members.map(at).sort(byPlace);
    const literalsOnly = members.every((m) => m.kind === 'literal' || m.file.pf.generated);
    const heads = members.filter((m) => !m.file.pf.generated && (literalsOnly || m.kind !== 'literal'));
    const head = [...heads.filter((m) => m.file.sf.target), ...heads, ...members].map(at).sort(byPlace)[0];
    const others = members.length - 1;
    const calls = (refsBySet.get(root) ?? []).length;
    const tally = [others ? `${others} linked declaration${others === 1 ? '' : 's'}` : '', calls ? `${calls} call${calls === 1 ? '' : 's'}` : ''].filter(Boolean);
    const subject = `${head.what}${tally.length ? ` (and ${tally.join(', ')})` : ''}`;
    // The first few reasons say enough; a set blocked by hundreds of calls would bury the summary (-v shows all).
    const shown = reasons.slice(0, 3).map((w) => `${w.reason} (${w.file}:${w.line})`);
    report.leftAlone.push({
      file: head.file,
      line: head.line,
      reason: `${subject}: ${shown.join('; ')}${reasons.length > 3 ? `; and ${reasons.length - 3} more` : ''}`,
      members: listed.filter((m) => m.file !== head.file || m.line !== head.line || m.what !== head.what),
      more: reasons.slice(3).map((w) => ({ file: w.file, line: w.line, what: w.reason })),
    });
  };
  for (const [root, ids] of roots) {
    const members = linker.members(root);
    // Only sets that start in a hand-written file under the named paths change. Those that would
    // start in a generated file are counted: a linter still sees their contexts out of place.
    if (!members.some((m) => m.file.sf.target && !m.file.pf.generated)) {
      for (const id of ids) {
        const m = linker.slots.get(id)!;
        if (m.file.sf.target && m.file.pf.generated) (report.generatedMisplaced ??= []).push({ file: m.file.sf.rel, line: lineOfSlot(m), what: describe(m), why: 'takes a context out of place; its generator fixes the signature, so goshift leaves it' });
      }
      continue;
    }
    const first = candidates.get(ids[0])!;
    const orderKey = first.order.join(',');
    const disagree = members.filter((m) => candidates.get(m.id)?.order.join(',') !== orderKey);
    if (disagree.length) {
      leftAlone(root, members, disagree.map((m) => ({ file: m.file.sf.rel, line: lineOf(m.node), reason: `linked declaration ${describe(m)} has a different parameter list` })));
      continue;
    }
    // --api keep: a set that other modules may call or implement is theirs as much as ours.
    if (opts.api === 'keep') {
      const api = members.filter(exportedAPI);
      if (api.length) {
        report.apiKept = (report.apiKept ?? 0) + 1;
        leftAlone(root, members, api.slice(0, 1).map((m) => ({ file: m.file.sf.rel, line: lineOf(m.node), reason: `exported API (--api keep): modules outside the workspace may call or implement ${m.name || describe(m)}, and would break` })));
        continue;
      }
    }
    const why = [...members.flatMap((m) => linker.pins.get(m.id) ?? []), ...(blocked.get(root) ?? [])];
    // Arguments: every reference must be permutable without changing evaluation order.
    for (const ref of refsBySet.get(root) ?? []) {
      const problem = checkCall(ref.args, ref.offset, first.order, paramsOf(linker.slots.get(ref.slot)!.params));
      if (problem) why.push({ file: ref.file.sf.rel, line: lineOf(ref.call), reason: problem });
    }
    if (why.length) {
      leftAlone(root, members, why);
      continue;
    }
    const moves = members.map((m) => {
      const items = m.params.namedChildren.filter((c) => c.type === 'parameter_declaration' || c.type === 'variadic_parameter_declaration');
      return { items, perm: itemOrder(paramsOf(m.params), items, first.order) };
    });
    const split = members.filter((_, i) => !moves[i].perm);
    if (split.length) {
      leftAlone(root, members, split.map((m) => ({ file: m.file.sf.rel, line: lineOf(m.node), reason: 'a parameter group would have to be split' })));
      continue;
    }
    // After the move a method must not start to match an interface (or an interface a method) it
    // did not match: a type switch or assertion could then take another branch.
    const clash = newMatches(prog, linker, root, members, first.order);
    if (clash.length) {
      leftAlone(root, members, clash);
      continue;
    }
    plans.push({ root, order: first.order, members, moves: moves as Plan['moves'] });
  }

  phase('sets');
  // 6. Edits, innermost lists first so that moved text carries its own edits. A file whose edits
  // fail (an internal error, or two transforms' edits overlapping) is left unchanged — and then so
  // is every linked set with an edit in it, everywhere: the edits are made again without them.
  const reorderName = reorderers.map((t) => t.name).join('+');
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
    const addEdit = (f: GoFile, e: Edit) => {
      const l = edits.get(f);
      if (l) l.push(e);
      else edits.set(f, [e]);
    };
    for (const plan of live) {
      plan.members.forEach((m, i) => {
        addEdit(m.file, { list: m.params, ...plan.moves[i] });
        out.signatures++;
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
      }
    }
    const editors = new Map<GoFile, { ms: MagicString; records: EditRecord[] }>();
    const editorOf = (f: GoFile) => {
      let e = editors.get(f);
      if (!e) editors.set(f, (e = { ms: new MagicString(f.pf.text), records: [] }));
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
        const { ms, records } = editorOf(f);
        const api = createRewriteAPI({ file: f, prog, ms, transform: t.name, leftAlone: out.leftAlone, counts: out.counts, records });
        try {
          t.rewriteFile!(api, opts);
        } catch (err) {
          failed.set(f, err instanceof OverlapError ? err.message.replace(`${f.sf.rel}: `, '') : `internal error in ${t.name}: ${(err as Error).message}; file left unchanged`);
        }
      }
    }
    for (const [f, { ms }] of editors) {
      if (failed.has(f)) continue;
      const after = ms.toString();
      if (after === f.pf.text) continue;
      // Every output is parsed again: one that does not parse is an internal error, never a write.
      const bad = syntaxErrorOf(after);
      if (bad) {
        failed.set(f, `internal error: the rewritten file would not parse (${bad.line}:${bad.column}: ${bad.message}); file left unchanged`);
        continue;
      }
      out.changes.push({ file: f.sf, before: f.pf.bytes, after, encoding: f.pf.encoding });
      if (f.pf.generated) out.generated.push(f.sf.rel);
    }
    out.generated.sort();
    out.changes.sort((a, b) => (a.file.rel < b.file.rel ? -1 : a.file.rel > b.file.rel ? 1 : 0));
    return out;
  }
  phase('edits');
  report.filesChanged = changes.length;
  report.counts = [...counts].map(([many, c]) => ({ many, one: c.one, n: c.n }));
  report.filesParsed = prog.parseCount;
  report.errors.push(...prog.errors.filter((e) => !report.errors.some((x) => x.file === e.file && x.message === e.message)));
  return { changes, report };
}

/**
 * Whether another module can reach a member of a set: an exported function, method, interface
 * method, named func type, func-typed field or var, or a func type written in the signature of an
 * exported declaration — in a package other modules can import (not `main`, not under an
 * `internal/` directory) and not in a _test.go file.
 */
function exportedAPI(m: Slot): boolean {
  const sf = m.file.sf;
  if (sf.isTest || m.file.pkgName === 'main' || sf.importPath.split('/').includes('internal')) return false;
  const exported = (name: string | null | undefined) => !!name && /^\p{Lu}/u.test(name);
  if (m.kind === 'literal') return false;
  if (m.kind !== 'functype') return exported(m.name);
  for (let n: Node | null = m.params.parent; n; n = n.parent) {
    switch (n.type) {
      case 'type_spec':
      case 'type_alias':
      case 'var_spec':
      case 'function_declaration':
      case 'method_declaration':
      case 'method_elem':
        return exported(n.childForFieldName('name')?.text);
      case 'field_declaration':
        if (!n.childrenForFieldName('name').some((x) => exported(x.text))) return false;
        break; // an exported field: exported if its struct is
      case 'func_literal':
      case 'block':
        return false;
    }
  }
  return false;
}

/**
 * The name through which other code can reach a candidate: a function's or method's own name; for
 * a func type, the type, field or variable holding it — or, for a parameter's or result's type,
 * the declaration that takes it (a parameter's own name is local). Null for func literals, which
 * are reached through whatever holds them.
 */
function referenceName(sl: Slot): string | null {
  if (sl.kind === 'literal') return null;
  if (sl.kind !== 'functype') return sl.name || null;
  for (let n: Node | null = sl.params.parent; n; n = n.parent) {
    switch (n.type) {
      case 'type_spec':
      case 'type_alias':
      case 'field_declaration':
      case 'var_spec':
      case 'const_spec':
      case 'function_declaration':
      case 'method_declaration':
      case 'method_elem':
        return n.childForFieldName('name')?.text ?? null;
      case 'func_literal':
      case 'block':
        return null; // a local func type: reached through the enclosing declaration, which is walked anyway
    }
  }
  return null;
}

/**
 * Names of top-level declarations (and struct fields) whose type mentions one of the words, or (for
 * a var) whose value does. Comments and string literals do not count: a struct whose field comment
 * says "see CommandContext" does not lead to CommandContext.
 */
function namesLeadingTo(facts: FileFacts, want: Set<string>): string[] {
  const out: string[] = [];
  const mentions = (ws: string[]) => ws.some((w) => want.has(w));
  for (const d of facts.decls) {
    if (d.kind === 'const' || !mentions(d.words)) continue;
    out.push(d.name);
    for (const fd of d.fields ?? []) if (mentions(fd.words)) out.push(fd.name);
  }
  return out;
}

function viewOf(prog: Program, sl: Slot): SignatureView {
  const params: ParamView[] = paramsOf(sl.params).map((p) => ({
    name: p.name,
    typeText: p.typeNode?.text ?? '',
    isContext: !p.variadic && prog.isContextType(p.typeNode, sl.file, sl.tparams),
    variadic: p.variadic,
  }));
  return { params, file: sl.file.sf.rel, line: lineOf(sl.node), what: describe(sl) };
}

/** Where a member is reported: a func type at its own `func` (its holder — a declaration, a field — may span lines). */
function lineOfSlot(m: Slot): number {
  return lineOf(m.kind === 'functype' ? (m.params.parent ?? m.node) : m.node);
}

function describe(sl: Slot): string {
  switch (sl.kind) {
    case 'func':
      return `func ${sl.name}`;
    case 'method': {
      const recv = sl.node.childForFieldName('receiver')?.namedChildren[0]?.childForFieldName('type')?.text ?? '?';
      return `method (${recv}).${sl.name}`;
    }
    case 'imethod':
      return `interface method ${sl.name}`;
    case 'literal':
      return 'func literal';
    default:
      return `func type ${sl.name || '(anonymous)'}`;
  }
}

/** A signature's parameters and results, spelled so that equal spellings mean the same types (contexts as C). */
function spelling(prog: Program, sig: { params: Node; result: Node | null; file: GoFile; tparams?: Map<string, Node | null> }, order?: number[]): string {
  const ps = paramsOf(sig.params).map((p) => (p.variadic ? '...' : '') + (prog.isContextType(p.typeNode, sig.file, sig.tparams) ? 'C' : (p.typeNode?.text ?? '?').replace(/\s+/g, '')));
  const list = order ? order.map((i) => ps[i]) : ps;
  return `(${list.join(',')})${(sig.result?.text ?? '').replace(/\s+/g, '')}`;
}

/**
 * Methods of a set that, once moved, would spell the same as a same-named method outside the set
 * that is on the other side of an interface (an interface method for a concrete method, or the
 * reverse): a type would start to implement an interface it did not.
 */
function newMatches(prog: Program, linker: Linker, root: string, members: Slot[], order: number[]): Why[] {
  const out: Why[] = [];
  for (const m of members) {
    if (m.kind !== 'method' && m.kind !== 'imethod') continue;
    const after = spelling(prog, { params: m.params, result: m.params.parent?.childForFieldName('result') ?? null, file: m.file, tparams: m.tparams }, order);
    const others: { sig: Parameters<typeof spelling>[1]; node: Node }[] = [];
    if (m.kind === 'method') for (const sig of linker.ifaceMethodsByName.get(m.name) ?? []) others.push({ sig, node: sig.params });
    else for (const pkg of prog.loadedPackages()) for (const d of pkg.methods.named(m.name)) others.push({ sig: { params: d.params, result: d.result, file: d.file, tparams: d.tparams }, node: d.node });
    for (const o of others) {
      if (linker.find(linker.slotOf(o.sig)) === root || spelling(prog, o.sig) !== after) continue;
      out.push({ file: o.sig.file.sf.rel, line: lineOf(o.node), reason: `after the move, ${describe(m)} would have the parameters of this ${m.kind === 'method' ? 'interface method' : 'method'}: a type would start to implement an interface, and a type switch or assertion could take another branch` });
      break;
    }
  }
  return out;
}

/** The order of the list's items (parameter declarations) for a parameter-level order; null if a group would split. */
function itemOrder(ps: ReturnType<typeof paramsOf>, items: Node[], order: number[]): number[] | null {
  const itemOfParam = ps.map((p) => items.findIndex((it) => it.id === p.decl.id));
  const out: number[] = [];
  let k = 0;
  while (k < order.length) {
    const it = itemOfParam[order[k]];
    const size = itemOfParam.filter((x) => x === it).length;
    for (let j = 0; j < size; j++) {
      if (itemOfParam[order[k + j]] !== it) return null;
      if (j > 0 && order[k + j] !== order[k + j - 1] + 1) return null;
    }
    out.push(it);
    k += size;
  }
  return out;
}

/**
 * Whether a call's arguments can be permuted: the argument count fits the signature, and no two
 * arguments that trade places both have effects (calls, receives) whose order would change.
 */
function checkCall(args: Node, offset: number, order: number[], ps: ReturnType<typeof paramsOf>): string | null {
  const as = args.namedChildren.filter((c) => c.type !== 'comment');
  const variadic = ps.length > 0 && ps[ps.length - 1].variadic;
  const fixed = variadic ? ps.length - 1 : ps.length;
  const n = as.length - offset;
  if (variadic ? n < fixed : n !== fixed) return 'the call passes a multi-value expression or an unexpected number of arguments';
  const effects = as.map(hasEffects);
  for (let i = 0; i < fixed; i++) {
    for (let j = i + 1; j < fixed; j++) {
      // Old positions order[i] and order[j] end at new positions i < j: they swapped if order[i] > order[j].
      if (order[i] > order[j] && effects[offset + order[i]] && effects[offset + order[j]]) {
        return `moving ${as[offset + order[i]].text} before ${as[offset + order[j]].text} would change the order in which they are evaluated`;
      }
    }
  }
  return null;
}

/** Whether evaluating n may call a function or receive (not inside func literals). Iterative: deep expressions are fine. */
function hasEffects(root: Node): boolean {
  const stack = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'func_literal') continue;
    if (n.type === 'call_expression') return true;
    if (n.type === 'unary_expression' && n.childForFieldName('operator')?.text === '<-') return true;
    stack.push(...n.namedChildren);
  }
  return false;
}

/** An import of context (or of its old home, golang.org/x/net/context), in a file's text. */
const CONTEXT_IMPORT = /"(?:golang\.org\/x\/net\/)?context"/;

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function wordsRe(words: string[]): RegExp {
  return new RegExp(`\\b(?:${words.map(escapeRe).join('|')})\\b`);
}

export { permuteList };
