// A parameter spread up the call graph (ctx-plumb), between the link and plan stages. The seeds
// are the functions that call context.TODO() (or are named by --func); each seed's linked set gets
// the parameter, and so, in turn, does the set of every declaration around a call of a set that
// has no context to pass (no context in scope, not an entry point: lib/insert.ts contextInScope) —
// a fixpoint over the linker's call references. Sets holding func types or literals (a function
// used as a value: a method value, a callback) are not followed: they are reported and left
// alone, and with them every set whose calls would need their context. The plan stage then treats
// each set as any signature change (all or nothing), and replaces the seed calls by the parameter.
import type { Linker, Ref, Why } from './link.js';
import { describe, lineOfSlot } from './plan.js';
import type { Candidate } from './plan.js';
import { CONTEXT_PATHS, paramsOf, tparamsAround } from './program.js';
import type { GoFile, Program } from './program.js';
import { lineOf, unparen } from './source.js';
import type { Node } from './source.js';
import { contextInScope, entryContext, goRoot } from './insert.js';
import type { ContextInsert } from './insert.js';
import type { Problem, Transform, TransformOptions } from './types.js';

export interface PlumbResult {
  /** Sets left alone, with why (they hold func values). */
  blocked: Map<string, Why[]>;
  /** Per set: the seed calls in its members, replaced by the parameter once it is planned. */
  seeds: Map<string, { file: GoFile; node: Node }[]>;
  /** Seed calls in functions that have a context already: replaced by it, no signature changes. */
  direct: Map<GoFile, { start: number; end: number; text: string }[]>;
  /** Per set that is no seed: the sets whose calls in it made it get the parameter (it changes only for them). */
  causes: Map<string, Set<string>>;
  errors: Problem[];
}

const DECLS = new Set(['function_declaration', 'method_declaration']);

/** Adds the candidates of a spreading transform; returns what the plan and edit stages need of it. */
export function plumbCandidates(prog: Program, linker: Linker, t: Transform, opts: TransformOptions, candidates: Map<string, Candidate>): PlumbResult {
  const spec = t.plumb!;
  const out: PlumbResult = { blocked: new Map(), seeds: new Map(), direct: new Map(), causes: new Map(), errors: [] };
  const refsByRoot = new Map<string, Ref[]>();
  for (const ref of linker.refs) {
    const r = linker.find(ref.slot);
    const l = refsByRoot.get(r);
    if (l) l.push(ref);
    else refsByRoot.set(r, [ref]);
  }
  const slotOfDecl = (d: Node, f: GoFile) => linker.slotOf({ params: d.childForFieldName('parameters')!, result: d.childForFieldName('result'), file: f, tparams: tparamsAround(d) });
  // The sets that get the parameter, with their members' names for contextInScope (any name: only membership counts here).
  const inSet = new Map<string, ContextInsert>();
  const queue: string[] = [];
  const seedRoots = new Set<string>();
  const add = (root: string, cause?: string) => {
    if (cause === undefined) seedRoots.add(root);
    else if (cause !== root) {
      const c = out.causes.get(root) ?? new Set<string>();
      c.add(cause);
      out.causes.set(root, c);
    }
    if (inSet.has(root)) return;
    const names = new Map<string, string | null>();
    for (const m of linker.members(root)) names.set(m.id, spec.param.name);
    inSet.set(root, { root, names });
    queue.push(root);
  };

  // Seeds: the calls of seedCalls in hand-written files under the named paths.
  for (const f of prog.parsed) {
    if (!f.sf.target || f.pf.generated || f.sf.excluded) continue;
    for (const sc of spec.seedCalls) {
      const quals = [...f.imports].filter(([, ip]) => ip === sc.import || (CONTEXT_PATHS.has(sc.import) && CONTEXT_PATHS.has(ip))).map(([n]) => n);
      const dot = f.dotImports.includes(sc.import);
      if (!quals.length && !dot) continue;
      for (const call of f.pf.root.descendantsOfType('call_expression')) {
        const fn = unparen(call.childForFieldName('function')!);
        const args = call.childForFieldName('arguments');
        if (args?.namedChildren.some((c) => c.type !== 'comment')) continue;
        const hit = fn.type === 'selector_expression' ? quals.includes(fn.childForFieldName('operand')?.text ?? '') && fn.childForFieldName('field')?.text === sc.name : dot && fn.type === 'identifier' && fn.text === sc.name;
        if (!hit) continue;
        // The declaration around it (through func literals that are not goroutine roots).
        let decl: Node | null = null;
        for (let n: Node | null = call.parent; n; n = n.parent) {
          if (n.type === 'func_literal' && goRoot(n)) break;
          if (DECLS.has(n.type)) {
            decl = n;
            break;
          }
        }
        if (!decl) continue;
        // A context in scope replaces the call; so does an entry point's own (a test's t.Context(),
        // main's context.Background()): an entry point's signature is fixed by whoever runs it.
        const src = contextInScope(prog, linker, call, f, new Map(), true);
        if (typeof src === 'string') continue;
        if ('name' in src || 'expr' in src) {
          const q = fn.type === 'selector_expression' ? `${fn.childForFieldName('operand')!.text}.` : '';
          const l = out.direct.get(f) ?? [];
          l.push({ start: call.startIndex, end: call.endIndex, text: 'name' in src ? src.name : src.expr.replace(/^context\./, q) });
          out.direct.set(f, l);
          continue;
        }
        const root = linker.find(slotOfDecl(src.decl, f));
        add(root);
        const l = out.seeds.get(root) ?? [];
        l.push({ file: f, node: call });
        out.seeds.set(root, l);
      }
    }
  }
  // --func pkg.Name, pkg.Type.Method.
  for (const want of opts.funcs ?? []) {
    const slash = want.lastIndexOf('/');
    const parts = want.slice(slash + 1).split('.');
    const pkg = want.slice(0, slash + 1) + parts[0];
    const [a, b] = parts.slice(1);
    let found = false;
    for (const f of prog.parsed) {
      const ip = f.sf.importPath;
      if (!(ip === pkg || ip.endsWith(`/${pkg}`) || (!pkg.includes('/') && f.pkgName === pkg))) continue;
      for (const d of f.pf.root.namedChildren) {
        if (!DECLS.has(d.type) || d.childForFieldName('name')?.text !== (b ?? a)) continue;
        if (b !== undefined) {
          const recv = d.childForFieldName('receiver')?.namedChildren[0]?.childForFieldName('type')?.text.replace(/[*()\s]|\[.*\]/g, '');
          if (d.type !== 'method_declaration' || recv !== a) continue;
        } else if (d.type !== 'function_declaration') continue;
        found = true;
        if (entryContext(prog, d, f)) {
          out.errors.push({ file: '--func', message: `${want}: ${f.sf.rel}:${lineOf(d)} is an entry point (main, init, a test, an HTTP handler): its signature is fixed by whoever runs it` });
          continue;
        }
        const pl = d.childForFieldName('parameters')!;
        if (paramsOf(pl).some((p) => prog.isContextType(p.typeNode, f, tparamsAround(d)))) continue;
        add(linker.find(slotOfDecl(d, f)));
      }
    }
    if (!found) out.errors.push({ file: '--func', message: `${want}: no such function or method in the workspace (write pkg.Name or pkg.Type.Method; pkg is the package's name or import path)` });
  }

  // The fixpoint: a call with no context to pass makes the declaration around it get one.
  while (queue.length) {
    const root = queue.shift()!;
    const members = linker.members(root);
    const values = members.filter((m) => m.kind === 'functype' || m.kind === 'literal');
    if (values.length) {
      const v = values[0];
      const fn = members.find((m) => m.kind !== 'functype' && m.kind !== 'literal');
      out.blocked.set(root, [{ file: v.file.sf.rel, line: lineOfSlot(v), reason: `${fn ? describe(fn) : 'it'} is used as a func value (${describe(v)}): ${t.name} does not follow func values` }]);
      continue;
    }
    for (const ref of refsByRoot.get(root) ?? []) {
      const src = contextInScope(prog, linker, ref.call, ref.file, inSet, true);
      if (typeof src === 'string' || !('decl' in src)) continue;
      add(linker.find(slotOfDecl(src.decl, ref.file)), root);
    }
  }
  for (const r of seedRoots) out.causes.delete(r);
  for (const root of inSet.keys()) {
    for (const m of linker.members(root)) {
      if (candidates.has(m.id)) continue;
      candidates.set(m.id, { slot: m.id, order: paramsOf(m.params).map((_, i) => i), insert: [spec.param] });
    }
  }
  return out;
}
