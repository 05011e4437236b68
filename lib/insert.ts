// Inserted parameters (part of the plan and edit stages). A signature change may add parameters
// to every member of a linked set, and the matching argument to every call:
//
//     func Load(id string) error        →   func Load(ctx context.Context, id string) error
//     Load("a")                         →   Load(ctx, "a")
//
// Each declaration's new parameter gets a name its body does not use (ctx, ctx2, …); interface
// methods and func types follow the style of their list (unnamed lists get the type alone). Each
// call passes what the change says: an expression, or the context in scope at the call (a context
// parameter of the enclosing function, or the one another set inserts there: the two sets then
// stand or fall together). The package the type or argument names is written with the file's
// name for it, or imported. Where any of that cannot be done surely, the set is left alone.
import type MagicString from 'magic-string';
import { asOneOfSeveral } from './gofmt.js';
import type { Linker, Ref, Slot, Why } from './link.js';
import { paramsOf, tparamsAround } from './program.js';
import type { GoFile, Program } from './program.js';
import { lineOf, unparen } from './source.js';
import type { Node } from './source.js';
import { hasEffects, identifiersIn, topDeclOf } from './temps.js';
import { moduleGoVersion } from './rewrite.js';
import { goAtLeast } from './scope.js';
import type { InsertArg, InsertedParam } from './types.js';

/** Text to insert before an item (new order) of a list; before === items.length: after the last. */
export interface ListInsert {
  before: number;
  text: string;
}

export interface InsertPlan {
  /** Per member (as Plan.members): what goes into its parameter list. */
  members: ListInsert[][];
  /** Per call: what goes into its arguments (indexes in the full argument list, new order). */
  refs: Map<Ref, ListInsert[]>;
  /** Import paths to add, per file. */
  imports: Map<GoFile, Set<string>>;
  /** Roots of other sets whose inserted context a call of this one passes: they change together. */
  needs: Set<string>;
  /** Calls of context.TODO() replaced by the inserted context (ctx-plumb's seeds): [start, end) and text. */
  replace: Map<GoFile, { start: number; end: number; text: string }[]>;
}

/** A set's inserted context parameter, as its members name it (for calls inside them). */
export interface ContextInsert {
  root: string;
  /** Per member slot id: the name its inserted context gets (null: the list is unnamed). */
  names: Map<string, string | null>;
}

const FUNC_NODES = new Set(['function_declaration', 'method_declaration', 'func_literal']);

/** Whether an inserted parameter is a context (what "the context in scope" finds). */
export function isContextInsert(p: InsertedParam): boolean {
  return (p.import === 'context' || p.import === 'golang.org/x/net/context') && /(^|\.)Context$/.test(p.typeText);
}

/** The name a member's inserted parameter gets: `want`, else want2, … — never a name written in its declaration. Null for an unnamed list. */
export function memberParamName(m: Slot, want: string): string | null {
  const ps = paramsOf(m.params);
  if (ps.length && ps.every((p) => p.name === null)) return null;
  const taken = m.kind === 'functype' || m.kind === 'imethod' ? new Set(ps.map((p) => p.name ?? '')) : identifiersIn(m.node);
  let name = want;
  for (let k = 2; taken.has(name); k++) name = `${want}${k}`;
  return name;
}

/** Names declared in a subtree (parameters, :=, var, const, type, range, receive): what a name could be shadowed by. */
export function declaredIn(root: Node, name: string): Node[] {
  const out: Node[] = [];
  const stack = [root];
  while (stack.length) {
    const n = stack.pop()!;
    switch (n.type) {
      case 'parameter_declaration':
      case 'variadic_parameter_declaration':
      case 'var_spec':
      case 'const_spec':
      case 'type_spec':
      case 'type_alias':
        for (const x of n.childrenForFieldName('name')) if (x.text === name) out.push(n);
        break;
      case 'short_var_declaration':
      case 'range_clause':
      case 'receive_statement': {
        const left = n.childForFieldName('left');
        const def = n.type === 'short_var_declaration' || /:=/.test(n.text.slice(0, 200));
        if (def && left) for (const x of left.type === 'expression_list' ? left.namedChildren : [left]) if (x.type === 'identifier' && x.text === name) out.push(n);
        break;
      }
      case 'type_switch_statement': {
        const alias = n.childForFieldName('alias');
        for (const x of alias ? (alias.type === 'expression_list' ? alias.namedChildren : [alias]) : []) if (x.text === name) out.push(n);
        break;
      }
    }
    stack.push(...n.namedChildren);
  }
  return out;
}

/** How a file writes a package's qualifier: its import name ('' for a dot import), or one to add; a string: why it cannot. */
export function qualifierIn(f: GoFile, path: string, around: Node): { q: string; add: boolean } | string {
  for (const [name, ip] of f.imports) if (ip === path) return checkShadow(name, false, around);
  if (f.dotImports.includes(path)) return { q: '', add: false };
  if (f.pkg.importPath === path && !f.pkgName.endsWith('_test')) return { q: '', add: false };
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (f.imports.has(name)) return `${f.sf.rel} imports another package as ${name}`;
  if (f.pkg.declares(name)) return `package ${f.pkgName} declares ${name}, so "${path}" cannot be imported under that name`;
  return checkShadow(name, true, around);
}

function checkShadow(q: string, add: boolean, around: Node): { q: string; add: boolean } | string {
  const top = topDeclOf(around);
  if (declaredIn(top, q).length) return `${q} is declared in the function, shadowing the package ${q}`;
  return { q, add };
}

/** Text written with the package's usual name, rewritten to the file's qualifier. */
export function requalify(text: string, path: string, q: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (base === q) return text;
  return text.replace(new RegExp(`\\b${base}\\.`, 'g'), q ? `${q}.` : '');
}

/** Where a call finds its context: a name, an expression for an entry point, or the declaration that would have to get one. */
export type ContextSource =
  | { name: string; root?: string }
  | { expr: string; import?: string }
  | { decl: Node }
  | string;

/**
 * The context in scope at a node: a context parameter of the function around it (declared, or
 * inserted by another set: `inserted`, then its root), else, with `entries`, the context of an entry
 * point (entryContext). A func literal sees its function's context; a literal run by `go` is a
 * goroutine root: past it only declared contexts count, and with `entries` it is an entry itself.
 * Without a context: with `entries`, the declaration around the call (that would have to get one),
 * else why there is none.
 */
export function contextInScope(prog: Program, linker: Linker, at: Node, file: GoFile, inserted: Map<string, ContextInsert>, entries = false): ContextSource {
  let crossedGo = false;
  let from = at;
  for (let n: Node | null = at.parent; n; n = n.parent) {
    if (!FUNC_NODES.has(n.type)) continue;
    const pl = n.childForFieldName('parameters');
    if (!pl) continue;
    // A context variable declared before, in a block around the call, is the nearest.
    const local = localContext(prog, file, from, n);
    from = n;
    if (local) return { name: local };
    const id = linker.slotOf({ params: pl, result: n.childForFieldName('result'), file, tparams: tparamsAround(n) });
    const ins = inserted.get(linker.find(id));
    const own = ins?.names.get(id);
    let name: string | undefined;
    let root: string | undefined;
    if (ins && own && !crossedGo) {
      name = own;
      root = ins.root;
    } else {
      const p = paramsOf(pl).find((x) => x.name && x.name !== '_' && !x.variadic && prog.isContextType(x.typeNode, file, tparamsAround(n)));
      name = p?.name ?? undefined;
    }
    if (name) {
      const bad = redeclared(n, name, at);
      return bad ?? { name, root };
    }
    // Past a goroutine root only a declared context counts; without one the goroutine gets context.Background().
    if (entries && !crossedGo && !(n.type === 'func_literal' && goRoot(n))) {
      const e = entryContext(prog, n, file);
      if (e) return e;
      if (n.type !== 'func_literal') return { decl: n };
    }
    // A literal sees its function's context; a declaration ends the search.
    if (n.type !== 'func_literal') break;
    if (goRoot(n)) crossedGo = true;
  }
  if (entries && crossedGo) return { expr: 'context.Background()', import: 'context' };
  return 'no context is in scope at the call';
}

const CONTEXT_MAKERS = new Set(['Background', 'TODO', 'WithCancel', 'WithCancelCause', 'WithDeadline', 'WithDeadlineCause', 'WithTimeout', 'WithTimeoutCause', 'WithValue', 'WithoutCancel']);

/**
 * The nearest variable declared between a function's start and a node (in the blocks around the
 * node, before it) that is surely a context: `var c context.Context`, or the first name of
 * `c := context.WithTimeout(…)` (or Background, TODO, WithCancel, WithValue, …). A closer
 * declaration of the same name that is no such context hides it.
 */
function localContext(prog: Program, file: GoFile, from: Node, fn: Node): string | null {
  const quals = new Set([...file.imports].filter(([, ip]) => ip === 'context' || ip === 'golang.org/x/net/context').map(([n]) => n));
  const hidden = new Set<string>();
  for (let child = from, p = from.parent; p && child.id !== fn.id; child = p, p = p.parent) {
    if (p.type !== 'block' && p.type !== 'statement_list' && p.type !== 'expression_case' && p.type !== 'default_case' && p.type !== 'communication_case' && p.type !== 'type_case') continue;
    const stmts = p.namedChildren.filter((c) => c.endIndex <= child.startIndex).reverse();
    for (const st of stmts) {
      const found: { name: string; ctx: boolean }[] = [];
      if (st.type === 'short_var_declaration') {
        const left = st.childForFieldName('left');
        const names = left ? (left.type === 'expression_list' ? left.namedChildren : [left]) : [];
        const rights = st.childForFieldName('right')?.namedChildren ?? [];
        const call = rights.length === 1 ? unparen(rights[0]) : null;
        const fnx = call?.type === 'call_expression' ? unparen(call.childForFieldName('function')!) : null;
        const isMaker = fnx?.type === 'selector_expression' && quals.has(fnx.childForFieldName('operand')?.text ?? '') && CONTEXT_MAKERS.has(fnx.childForFieldName('field')?.text ?? '');
        names.forEach((x, i) => found.push({ name: x.text, ctx: isMaker && i === 0 }));
      } else if (st.type === 'var_declaration') {
        for (const spec of st.namedChildren.filter((c) => c.type === 'var_spec')) {
          const ctx = prog.isContextType(spec.childForFieldName('type'), file, tparamsAround(spec));
          for (const x of spec.childrenForFieldName('name')) found.push({ name: x.text, ctx });
        }
      }
      for (const f of found) {
        if (f.name === '_' || hidden.has(f.name)) continue;
        if (f.ctx) return f.name;
        hidden.add(f.name);
      }
    }
  }
  return null;
}

/** Redeclared between the function's start and the call: only a derived context (`ctx, cancel := context.WithTimeout(ctx, …)`) is as good. */
function redeclared(fn: Node, name: string, at: Node): string | null {
  const body = fn.childForFieldName('body');
  for (const d of body ? declaredIn(body, name) : []) {
    if (d.startIndex > at.startIndex) continue;
    const blk = d.parent;
    if (d.type === 'parameter_declaration' || d.type === 'variadic_parameter_declaration') {
      const lit = d.parent?.parent;
      if (lit && lit.startIndex <= at.startIndex && at.endIndex <= lit.endIndex) return `${name} is redeclared by a func literal around the call`;
      continue;
    }
    if (blk && !(blk.startIndex <= at.startIndex && at.endIndex <= blk.endIndex)) continue;
    const right = d.childForFieldName('right');
    const call = right?.namedChildren[0] ? unparen(right.namedChildren[0]) : null;
    const fn2 = call?.type === 'call_expression' ? call.childForFieldName('function')?.text ?? '' : '';
    if (d.type === 'short_var_declaration' && /^\w+\.With\w*$/.test(fn2)) continue;
    return `${name} is redeclared at line ${lineOf(d)} before the call, and goshift cannot tell it is a context`;
  }
  return null;
}

/** A func literal run by a go statement where it is written: a goroutine root. */
export function goRoot(lit: Node): boolean {
  const call = lit.parent;
  return call?.type === 'call_expression' && unparen(call.childForFieldName('function')!).id === lit.id && call.parent?.type === 'go_statement';
}

/** A pointer to an imported type (`*http.Request` for path net/http, name Request): the parameter's name. */
function paramOfType(prog: Program, fn: Node, file: GoFile, path: string, names: string[]): string | null {
  const pl = fn.childForFieldName('parameters');
  for (const p of pl ? paramsOf(pl) : []) {
    const t = p.typeNode;
    if (!p.name || p.name === '_' || t?.type !== 'pointer_type') continue;
    const q = t.namedChildren[0];
    if (q?.type !== 'qualified_type') continue;
    const pkg = q.childForFieldName('package')?.text ?? '';
    if (file.imports.get(pkg) === path && names.includes(q.childForFieldName('name')?.text ?? '')) return p.name;
  }
  return null;
}

/**
 * The context an entry point has: an HTTP handler's `r.Context()`, a test's, benchmark's or fuzz
 * target's `t.Context()` (Go 1.24 and later, else context.Background()), context.Background() in
 * main, init, examples, TestMain and a goroutine root (a literal run by go). Null for other functions.
 */
export function entryContext(prog: Program, fn: Node, file: GoFile): { expr: string; import?: string } | null {
  const bg = { expr: 'context.Background()', import: 'context' };
  const r = paramOfType(prog, fn, file, 'net/http', ['Request']);
  if (r) return { expr: `${r}.Context()` };
  const name = fn.type === 'func_literal' ? '' : fn.childForFieldName('name')?.text ?? '';
  if (file.sf.isTest && (fn.type === 'func_literal' || (fn.type === 'function_declaration' && /^(Test|Benchmark|Fuzz)/.test(name)))) {
    const t = paramOfType(prog, fn, file, 'testing', ['T', 'B', 'F']);
    if (t) return goAtLeast(moduleGoVersion(file.sf.module.root), 24) ? { expr: `${t}.Context()` } : bg;
  }
  if (fn.type === 'function_declaration' && ((name === 'main' && file.pkgName === 'main') || name === 'init')) return bg;
  // Examples and TestMain are run by the test binary with a signature of its own.
  if (fn.type === 'function_declaration' && file.sf.isTest && (/^Example/.test(name) || name === 'TestMain' || /^(Test|Benchmark|Fuzz)[^a-z]/.test(name))) return bg;
  if (fn.type === 'func_literal' && goRoot(fn)) return bg;
  return null;
}

/** Whether an argument expression can be placed anywhere among the others without changing the order of effects. */
function pureArg(expr: string, pure?: boolean): boolean {
  return pure === true || /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/.test(expr);
}

export interface InsertInput {
  prog: Program;
  linker: Linker;
  root: string;
  members: Slot[];
  refs: Ref[];
  order: number[];
  insert: InsertedParam[];
  /** Every set that inserts a context parameter, by root. */
  inserted: Map<string, ContextInsert>;
  /** Why a declaration that would have to pass a context gets none (ctx-plumb), for the report. */
  blockedDecl?: (decl: Node) => string | undefined;
}

/** The insertions of one set, or why it is left alone. */
export function planInsert(input: InsertInput): InsertPlan | Why[] {
  const { prog, linker, root, members, refs, order, insert, inserted } = input;
  const why: Why[] = [];
  const plan: InsertPlan = { members: [], refs: new Map(), imports: new Map(), needs: new Set(), replace: new Map() };
  const need = (f: GoFile, p: string) => {
    const s = plan.imports.get(f) ?? new Set<string>();
    s.add(p);
    plan.imports.set(f, s);
  };
  const mine = inserted.get(root);
  for (const m of members) {
    const at = { file: m.file.sf.rel, line: lineOf(m.node) };
    const ps = paramsOf(m.params);
    const items = m.params.namedChildren.filter((c) => c.type === 'parameter_declaration' || c.type === 'variadic_parameter_declaration');
    const itemOfParam = ps.map((p) => items.findIndex((it) => it.id === p.decl.id));
    const newParamItems = order.map((k) => itemOfParam[k]);
    const out: ListInsert[] = [];
    for (const ip of insert) {
      if (ps.length && ps[ps.length - 1].variadic && ip.at >= ps.length) {
        why.push({ ...at, reason: 'a parameter would be inserted after the variadic one' });
        continue;
      }
      // The item boundary before new parameter `at`.
      let before: number;
      if (ip.at >= ps.length) before = items.length;
      else {
        if (ip.at > 0 && newParamItems[ip.at] === newParamItems[ip.at - 1]) {
          why.push({ ...at, reason: 'a parameter group would have to be split to insert a parameter' });
          continue;
        }
        before = new Set(newParamItems.slice(0, ip.at)).size;
      }
      let typeText = ip.typeText;
      if (ip.import) {
        const q = qualifierIn(m.file, ip.import, m.node);
        if (typeof q === 'string') {
          why.push({ ...at, reason: q });
          continue;
        }
        if (q.add) need(m.file, ip.import);
        typeText = requalify(typeText, ip.import, q.q);
      }
      const name = isContextInsert(ip) && mine ? mine.names.get(m.id) ?? null : memberParamName(m, ip.name);
      out.push({ before, text: name === null ? typeText : `${name} ${typeText}` });
    }
    plan.members.push(out);
  }
  for (const ref of refs) {
    const at = { file: ref.file.sf.rel, line: lineOf(ref.call) };
    const as = ref.args.namedChildren.filter((c) => c.type !== 'comment');
    const out: ListInsert[] = [];
    const effects = as.some(hasEffects);
    // A call of one argument that gets a second: gofmt prints that argument a level deeper.
    if (insert.length && as.length === 1 && asOneOfSeveral(as[0], ref.file.pf.text) === null) {
      why.push({ ...at, reason: 'gofmt would respace its argument once the call has two, and a comment inside it keeps goshift from doing so' });
      continue;
    }
    for (const ip of insert) {
      const arg = argFor(ip.arg, ref, input, plan, need);
      if (typeof arg === 'string') {
        why.push({ ...at, reason: arg });
        continue;
      }
      if (!arg.pure && effects) {
        why.push({ ...at, reason: `${arg.text} would be evaluated among arguments with effects` });
        continue;
      }
      out.push({ before: ref.offset + ip.at, text: arg.text });
    }
    plan.refs.set(ref, out);
  }
  return why.length ? why : plan;
}

function argFor(a: InsertArg, ref: Ref, input: InsertInput, plan: InsertPlan, need: (f: GoFile, p: string) => void): { text: string; pure: boolean } | string {
  const expr = (e: { expr: string; import?: string; pure?: boolean }) => {
    let text = e.expr;
    if (e.import) {
      const q = qualifierIn(ref.file, e.import, ref.call);
      if (typeof q === 'string') return q;
      if (q.add) need(ref.file, e.import);
      text = requalify(text, e.import, q.q);
    }
    return { text, pure: pureArg(e.expr, e.pure) };
  };
  if ('expr' in a) return expr(a);
  const c = contextInScope(input.prog, input.linker, ref.call, ref.file, input.inserted, !!a.entries);
  if (typeof c !== 'string' && 'name' in c) {
    if (c.root && c.root !== input.root) plan.needs.add(c.root);
    return { text: c.name, pure: true };
  }
  if (typeof c !== 'string' && 'expr' in c) return expr({ ...c, pure: true });
  if (a.otherwise) return expr(a.otherwise);
  if (typeof c !== 'string') return input.blockedDecl?.(c.decl) ?? 'no context is in scope at the call, and the function around it gets none';
  return c;
}

/**
 * Inserts text into a list whose items permuteList has permuted (or not): before new item `before`,
 * with the list's separators (`, ` on one line; a line of its own in a one-item-per-line list).
 */
export function insertIntoList(ms: MagicString, text: string, list: Node, items: Node[], ins: ListInsert[], perLine: boolean): void {
  // The only argument of a call that gets another is printed a level deeper by gofmt (lib/gofmt.ts).
  if (list.type === 'argument_list' && items.length === 1 && ins.length) for (const r of asOneOfSeveral(items[0], text) ?? []) ms.remove(r.start, r.end);
  const groups = new Map<number, string[]>();
  for (const i of ins) groups.set(i.before, [...(groups.get(i.before) ?? []), i.text]);
  for (const [before, texts] of groups) {
    if (items.length === 0) {
      ms.appendLeft(list.startIndex + 1, texts.join(', '));
      continue;
    }
    if (perLine) {
      const ref = items[Math.min(before, items.length - 1)];
      const lineStart = text.lastIndexOf('\n', ref.startIndex - 1) + 1;
      const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
      if (before < items.length) {
        // Before the item's own-line comments too: its block starts at the first of them.
        let start = lineStart;
        for (;;) {
          const prev = text.lastIndexOf('\n', start - 2) + 1;
          if (prev <= list.startIndex || !text.slice(prev, start - 1).trim().startsWith('//')) break;
          start = prev;
        }
        ms.appendLeft(start, texts.map((t) => `${indent}${t},\n`).join(''));
      } else {
        let end = text.indexOf('\n', items[items.length - 1].endIndex);
        if (text[end - 1] === '\r') end--;
        ms.appendRight(end, texts.map((t) => `\n${indent}${t},`).join(''));
      }
      continue;
    }
    if (before < items.length) ms.appendLeft(items[before].startIndex, texts.map((t) => `${t}, `).join(''));
    else ms.appendRight(items[items.length - 1].endIndex, texts.map((t) => `, ${t}`).join(''));
  }
}
