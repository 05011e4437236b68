// Stage 4 of the pipeline (workspace → facts → link → plan → edit → output): linked sets become
// plans. A set moves only if every member agrees on the order, nothing in it is pinned or blocked,
// every call can be permuted without changing evaluation order, no parameter group would split,
// and no method would start to match another interface. Everything else is left alone, with why.
import fs from 'node:fs';
import path from 'node:path';
import { debugOn } from './debug.js';
import { hasWord } from './facts.js';
import type { Linker, Ref, Slot, Why } from './link.js';
import { paramsOf } from './program.js';
import type { GoFile, Program } from './program.js';
import { escapeRe } from './select.js';
import type { Node } from './source.js';
import { lineOf } from './source.js';
import { planCompat } from './compat.js';
import type { CompatPlan } from './compat.js';
import { hasEffects, planTemps } from './temps.js';
import { contextInScope, isContextInsert, memberParamName, planInsert } from './insert.js';
import type { ContextInsert, InsertPlan } from './insert.js';
import type { TempPlan } from './temps.js';
import type { InsertedParam, Report, TransformOptions, Workspace } from './types.js';

/** What a transform wants for one slot: the new order of its parameters. */
export interface Candidate {
  slot: string;
  order: number[];
  /** Parameters inserted after the order is applied (none: a pure reorder). */
  insert?: InsertedParam[];
}

export interface Plan {
  root: string;
  order: number[];
  members: Slot[];
  /** Per member: its parameter items (declarations, groups as written) and their new order. */
  moves: { items: Node[]; perm: number[] }[];
  /** Calls whose arguments keep their order by temporaries bound before their statement. */
  temps: Map<Ref, TempPlan>;
  /** --api compat: the new name, the wrappers keeping the old signature, the calls renamed. */
  compat?: CompatPlan;
  /** Inserted parameters and arguments. */
  insert?: InsertPlan;
}

export interface PlanInput {
  ws: Workspace;
  prog: Program;
  linker: Linker;
  candidates: Map<string, Candidate>;
  /** Functions with a context out of place declared in files that could not be parsed: name → file. */
  brokenDecls: Map<string, string>;
  /** Files and directories that could not be read. */
  unreadable: { abs: string; rel: string }[];
  /** The candidates' names and those leading to them, for files goshift reads but does not edit. */
  namesTest: ((text: string) => boolean) | null;
  opts: TransformOptions;
  /** Left-alone entries and counts are added to it. */
  report: Report;
  /** The reordering transforms' names joined by `+`, for left-alone entries. */
  transform: string;
  /** Sets a transform leaves alone, with why (ctx-plumb: those holding func values). */
  blockedSets?: Map<string, Why[]>;
  /** Per set: calls its parameter replaces (ctx-plumb: context.TODO()). */
  seeds?: Map<string, { file: GoFile; node: Node }[]>;
  /** Per set that changes only for others (ctx-plumb: a caller of a set that needs a context): those sets. */
  causes?: Map<string, Set<string>>;
}

export interface Planned {
  plans: Plan[];
  refsBySet: Map<string, Ref[]>;
  /** Reports a set as left alone (the edit stage does too, for sets whose edits fail). */
  leftAlone: (root: string, members: Slot[], why: Why[]) => void;
}

export function planSets(input: PlanInput): Planned {
  const { ws, prog, linker, candidates, brokenDecls, unreadable, namesTest, opts, report, transform, blockedSets, seeds, causes } = input;
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
  /** Where a name is written in the workspace's code (the first file, in order), or null: a new name must be unused. */
  const usedWhere = (name: string): string | null => {
    for (const sf of ws.files) if (hasWord(prog.facts.get(sf.abs)?.words ?? '', name)) return `in ${sf.rel}`;
    return null;
  };
  /** Statements (file:offset) that get temporaries for a call of a set already planned. */
  const tempStatements = new Set<string>();
  const block = (root: string, why: Why) => {
    const l = blocked.get(root);
    if (l) l.push(why);
    else blocked.set(root, [why]);
  };
  for (const [root, ws2] of blockedSets ?? []) for (const w of ws2) block(root, w);
  if (debugOn('GOSHIFT_DEBUG_UNRESOLVED')) for (const u of linker.unresolved) process.stderr.write(`unresolved: ${u.why.file}:${u.why.line}: ${u.why.reason}\n`);
  linker.poisonUnresolved(new Set(roots.keys()), block);
  for (const u of linker.unresolved) {
    const decl = u.name ? brokenDecls.get(u.name) : undefined;
    if (decl) report.leftAlone.push({ file: u.why.file, line: u.why.line, transform, reason: `call of ${u.name}, declared in ${decl}, which could not be parsed: left as it is` });
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
    if (!namesTest) break;
    let t: string;
    try {
      t = fs.readFileSync(abs).toString('latin1');
    } catch {
      continue;
    }
    if (!namesTest(t)) continue;
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

  // Sets that insert a context: the name each member gives it, for the calls inside them.
  const inserted = new Map<string, ContextInsert>();
  for (const [root, ids] of roots) {
    const ip = candidates.get(ids[0])!.insert?.find(isContextInsert);
    if (!ip) continue;
    const names = new Map<string, string | null>();
    for (const m of linker.members(root)) names.set(m.id, memberParamName(m, ip.name));
    inserted.set(root, { root, names });
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
    const listed = members.map(placeOf).sort(byPlace);
    const literalsOnly = members.every((m) => m.kind === 'literal' || m.file.pf.generated);
    const heads = members.filter((m) => !m.file.pf.generated && (literalsOnly || m.kind !== 'literal'));
    const head = [...heads.filter((m) => m.file.sf.target), ...heads, ...members].map(placeOf).sort(byPlace)[0];
    const others = members.length - 1;
    const calls = (refsBySet.get(root) ?? []).length;
    const tally = [others ? `${others} linked declaration${others === 1 ? '' : 's'}` : '', calls ? `${calls} call${calls === 1 ? '' : 's'}` : ''].filter(Boolean);
    const subject = `${head.what}${tally.length ? ` (and ${tally.join(', ')})` : ''}`;
    // The first few reasons say enough; a set blocked by hundreds of calls would bury the summary (-v shows all).
    const shown = reasons.slice(0, 3).map((w) => `${w.reason} (${w.file}:${w.line})`);
    report.leftAlone.push({
      file: head.file,
      line: head.line,
      transform,
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
    const inserts = first.insert ?? [];
    const keyOf = (c: Candidate) => `${c.order.join(',')}|${JSON.stringify(c.insert ?? [])}`;
    const orderKey = keyOf(first);
    // A change that inserts parameters applies to the whole set: members no transform was asked about
    // (a func type a function flows into) take it when their list has as many parameters.
    const disagree = members.filter((m) => {
      const c = candidates.get(m.id);
      if (!c) return !inserts.length || paramsOf(m.params).length !== first.order.length;
      return keyOf(c) !== orderKey;
    });
    if (disagree.length) {
      leftAlone(root, members, disagree.map((m) => ({ file: m.file.sf.rel, line: lineOf(m.node), reason: `linked declaration ${describe(m)} has a different parameter list` })));
      continue;
    }
    // --api keep: a set that other modules may call or implement is theirs as much as ours.
    if (opts.api === 'keep') {
      const api = members.filter((x) => exportedAPI(x));
      if (api.length) {
        report.apiKept = (report.apiKept ?? 0) + 1;
        leftAlone(root, members, api.slice(0, 1).map((m) => ({ file: m.file.sf.rel, line: lineOf(m.node), reason: `exported API (--api keep): modules outside the workspace may call or implement ${m.name || describe(m)}, and would break` })));
        continue;
      }
    }
    // A dependency that imports a module of the run back compiles against this copy: that module's
    // exported API is kept as with --api keep, whatever --api says (with --api keep, what reaches here
    // is API only to a module below an internal directory's parent; --api compat keeps the old
    // signatures of the exported API working, but not of the internal functions such a module calls).
    if (!(opts.api === 'compat' && members.some((x) => exportedAPI(x)))) {
      const hit = members.flatMap((x) => (x.file.sf.module.importedBack ?? []).filter((d) => exportedAPI(x, d.module)).map((d) => ({ m: x, dep: d })))[0];
      if (hit) {
        const { m, dep } = hit;
        const mod = m.file.sf.module;
        report.apiKept = (report.apiKept ?? 0) + 1;
        const why = dep.how === 'replaces'
          ? `${dep.module}, a module left out of the run, replaces ${mod.path} with this directory and imports it (${dep.where}): it builds against this copy and would break; name its directory too, or list both in a go.work, to migrate it too`
          : `${dep.module}${dep.version ? ` ${dep.version}` : ''}, a dependency, imports it back (${dep.where}): that code compiles against this copy and would break; add it to a go.work to migrate it too`;
        leftAlone(root, members, [{ file: m.file.sf.rel, line: lineOf(m.node), reason: `${m.name || describe(m)} is exported API of ${mod.path}, and ${why}` }]);
        continue;
      }
    }
    // --api compat: exported functions and methods move under a new name; the old one stays.
    let compat: CompatPlan | undefined;
    if (opts.api === 'compat' && inserts.length && members.some((x) => exportedAPI(x))) {
      report.apiKept = (report.apiKept ?? 0) + 1;
      const m = members.find((x) => exportedAPI(x))!;
      leftAlone(root, members, [{ file: m.file.sf.rel, line: lineOf(m.node), reason: 'exported API (--api compat): goshift keeps no wrapper for a signature that gains a parameter' }]);
      continue;
    }
    if (opts.api === 'compat' && members.some((x) => exportedAPI(x))) {
      const cp = planCompat(members, refsBySet.get(root) ?? [], first.order, opts.compatSuffix ?? 'Context', usedWhere);
      const m = members.find((x) => exportedAPI(x))!;
      if ('error' in cp) {
        report.errors.push({ file: m.file.sf.rel, line: lineOf(m.node), message: cp.error });
        continue;
      }
      if ('reason' in cp) {
        report.apiKept = (report.apiKept ?? 0) + 1;
        leftAlone(root, members, [{ file: m.file.sf.rel, line: lineOf(m.node), reason: `exported API (--api compat): ${cp.reason}` }]);
        continue;
      }
      compat = cp;
    }
    const why = [...members.flatMap((m) => linker.pins.get(m.id) ?? []), ...(blocked.get(root) ?? [])];
    // Excluded files (--exclude) are never edited: a set declared or called in one stays whole.
    for (const m of members) if (m.file.sf.excluded) why.push({ file: m.file.sf.rel, line: lineOfSlot(m), reason: `${describe(m)} is in an excluded file, which goshift does not edit` });
    for (const ref of refsBySet.get(root) ?? []) if (ref.file.sf.excluded) why.push({ file: ref.file.sf.rel, line: lineOf(ref.call), reason: 'called in an excluded file, which goshift does not edit' });
    // Arguments: every reference must be permutable without changing evaluation order, or keep it
    // with temporaries (one call per statement: two would each see the other's effects).
    const temps = new Map<Ref, TempPlan>();
    const claims: { key: string; ref: Ref }[] = [];
    for (const ref of refsBySet.get(root) ?? []) {
      const slot = linker.slots.get(ref.slot)!;
      const ps = paramsOf(slot.params);
      const problem = checkCall(ref.args, ref.offset, first.order, ps);
      if (!problem) continue;
      const at = { file: ref.file.sf.rel, line: lineOf(ref.call) };
      if (problem.kind === 'count') {
        if (!ref.pinned) why.push({ ...at, reason: problem.message });
        continue;
      }
      if (inserts.length) {
        why.push({ ...at, reason: `${problem.message}, and goshift does not bind temporaries in a call that gains an argument` });
        continue;
      }
      const as = ref.args.namedChildren.filter((c) => c.type !== 'comment');
      const names = ps.map((p) => ({ name: p.name, isContext: !p.variadic && prog.isContextType(p.typeNode, slot.file, slot.tparams) }));
      const tp = planTemps(ref.call, as, ref.offset, first.order, names, ref.file.pf.text);
      if (typeof tp === 'string') {
        why.push({ ...at, reason: `${problem.message}, and it cannot be kept with temporaries: ${tp}` });
        continue;
      }
      const key = `${ref.file.sf.abs}:${tp.stmt.startIndex}`;
      if (tempStatements.has(key) || claims.some((c) => c.key === key)) {
        why.push({ ...at, reason: `${problem.message}, and another call in the same statement needs temporaries too` });
        continue;
      }
      claims.push({ key, ref });
      temps.set(ref, tp);
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
    const clash = newMatches(prog, linker, root, members, first.order, inserts);
    if (clash.length) {
      leftAlone(root, members, clash);
      continue;
    }
    let insert: InsertPlan | undefined;
    if (inserts.length) {
      const ip = planInsert({ prog, linker, root, members, refs: refsBySet.get(root) ?? [], order: first.order, insert: inserts, inserted });
      if (Array.isArray(ip)) {
        leftAlone(root, members, ip);
        continue;
      }
      insert = ip;
      for (const sd of seeds?.get(root) ?? []) {
        const c = contextInScope(prog, linker, sd.node, sd.file, inserted);
        if (typeof c === 'string' || !('name' in c) || (c.root !== undefined && c.root !== root)) continue;
        const l = ip.replace.get(sd.file) ?? [];
        l.push({ start: sd.node.startIndex, end: sd.node.endIndex, text: c.name });
        ip.replace.set(sd.file, l);
      }
    }
    for (const c of claims) tempStatements.add(c.key);
    plans.push({ root, order: first.order, members, moves: moves as Plan['moves'], temps, ...(compat ? { compat } : {}), ...(insert ? { insert } : {}) });
  }
  // A set whose calls pass a context another set inserts stands or falls with it.
  for (let changed = true; changed; ) {
    changed = false;
    const live = new Set(plans.map((p) => p.root));
    for (let i = plans.length - 1; i >= 0; i--) {
      const p = plans[i];
      const gone = [...(p.insert?.needs ?? [])].filter((r) => !live.has(r));
      // A set that gets a parameter only for others' sake (ctx-plumb: they call nothing else that needs it) goes with them.
      const cs = causes?.get(p.root);
      const useless = !gone.length && cs && ![...cs].some((r) => live.has(r)) ? [...cs] : [];
      if (!gone.length && !useless.length) continue;
      plans.splice(i, 1);
      changed = true;
      const other = linker.members(gone[0] ?? useless[0]);
      const o = other.map(placeOf).sort(byPlace)[0];
      const what = o?.what ?? 'another function';
      leftAlone(p.root, p.members, [{ file: o?.file ?? '', line: o?.line ?? 1, reason: gone.length ? `its calls would pass the context ${what} gets, which is left alone` : `it would get a context only to pass it to ${what}, which is left alone` }]);
    }
  }
  return { plans, refsBySet, leftAlone };
}

/**
 * Whether another module can reach a member of a set: an exported function, method, interface
 * method, named func type, func-typed field or var, or a func type written in the signature of an
 * exported declaration — in a package other modules can import (not `main`) and not in a _test.go
 * file. With `importer` (a module path), whether it is API to that module.
 */
function exportedAPI(m: Slot, importer?: string): boolean {
  const sf = m.file.sf;
  if (sf.isTest || m.file.pkgName === 'main') return false;
  // An internal package can be imported only by code in the tree rooted at the parent of its
  // (deepest) internal directory: a module whose path lies there (grpc-go's nested modules import
  // grpc/internal/...) sees all of its API. Code elsewhere cannot name its functions, but values of
  // its types reach it through the other packages' exported API (a returned *T, an alias, an
  // interface value): their methods, interface methods and func types are API to anyone.
  const parts = sf.importPath.split('/');
  const at = parts.lastIndexOf('internal');
  if (at >= 0 && m.kind === 'func') {
    const parent = parts.slice(0, at).join('/');
    if (importer === undefined || !(importer === parent || importer.startsWith(parent + '/'))) return false;
  }
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

/** Where a member is reported: a func type at its own `func` (its holder — a declaration, a field — may span lines). */
/** Where a member is, and what it is, for reports. */
export function placeOf(m: Slot): { file: string; line: number; what: string } {
  return { file: m.file.sf.rel, line: lineOfSlot(m), what: describe(m) };
}

/** Orders places by file, then line. */
export function byPlace(a: { file: string; line: number }, b: { file: string; line: number }): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line;
}

export function lineOfSlot(m: Slot): number {
  return lineOf(m.kind === 'functype' ? (m.params.parent ?? m.node) : m.node);
}

export function describe(sl: Slot): string {
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
function spelling(prog: Program, sig: { params: Node; result: Node | null; file: GoFile; tparams?: Map<string, Node | null> }, order?: number[], insert: InsertedParam[] = []): string {
  const ps = paramsOf(sig.params).map((p) => (p.variadic ? '...' : '') + (prog.isContextType(p.typeNode, sig.file, sig.tparams) ? 'C' : (p.typeNode?.text ?? '?').replace(/\s+/g, '')));
  const list = order ? order.map((i) => ps[i]) : ps;
  for (const ip of insert) list.splice(ip.at, 0, isContextInsert(ip) ? 'C' : ip.typeText.replace(/\s+/g, ''));
  return `(${list.join(',')})${(sig.result?.text ?? '').replace(/\s+/g, '')}`;
}

/**
 * Methods of a set that, once moved, would spell the same as a same-named method outside the set
 * that is on the other side of an interface (an interface method for a concrete method, or the
 * reverse): a type would start to implement an interface it did not.
 */
function newMatches(prog: Program, linker: Linker, root: string, members: Slot[], order: number[], insert: InsertedParam[] = []): Why[] {
  const out: Why[] = [];
  for (const m of members) {
    if (m.kind !== 'method' && m.kind !== 'imethod') continue;
    const after = spelling(prog, { params: m.params, result: m.params.parent?.childForFieldName('result') ?? null, file: m.file, tparams: m.tparams }, order, insert);
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

/** An expression's text for a message: its first line, at most 40 characters. */
function shortText(n: Node): string {
  const t = n.text;
  const first = t.split('\n')[0];
  return first.length > 40 ? `${first.slice(0, 39)}…` : first === t ? t : `${first}…`;
}

/**
 * Whether a call's arguments can be permuted: the argument count fits the signature (`count`), and
 * no two arguments that trade places both have effects (calls, receives) whose order would change
 * (`order`: temporaries may keep it).
 */
function checkCall(args: Node, offset: number, order: number[], ps: ReturnType<typeof paramsOf>): { kind: 'count' | 'order'; message: string } | null {
  const as = args.namedChildren.filter((c) => c.type !== 'comment');
  const variadic = ps.length > 0 && ps[ps.length - 1].variadic;
  const fixed = variadic ? ps.length - 1 : ps.length;
  const n = as.length - offset;
  if (variadic ? n < fixed : n !== fixed) return { kind: 'count', message: 'the call passes a multi-value expression or an unexpected number of arguments' };
  const effects = as.map(hasEffects);
  for (let i = 0; i < fixed; i++) {
    for (let j = i + 1; j < fixed; j++) {
      // Old positions order[i] and order[j] end at new positions i < j: they swapped if order[i] > order[j].
      if (order[i] > order[j] && effects[offset + order[i]] && effects[offset + order[j]]) {
        return { kind: 'order', message: `moving ${shortText(as[offset + order[i]])} before ${shortText(as[offset + order[j]])} would change the order in which they are evaluated` };
      }
    }
  }
  return null;
}

