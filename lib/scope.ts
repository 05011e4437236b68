// Scopes of one Go file, walked syntactically: which names are declared where, which identifier
// refers to which local, and which locals are contexts as far as the declarations tell. Shared by
// the file-local transforms that reason about the contexts in scope (ctx-closure, ctx-inherit).
import type { GType } from './program.js';
import { BUILTIN_FUNCS, PREDECLARED_TYPES } from './program.js';
import type { RewriteAPI } from './rewrite.js';
import { importSpecs, lineOf, unparen } from './source.js';
import { resetCursor } from './tsnode.js';
import type { Node, TreeCursor } from './source.js';

/** Functions of package context whose (first) result is a context.Context. */
export const CONTEXT_FUNCS = new Set([
  'Background',
  'TODO',
  'WithCancel',
  'WithCancelCause',
  'WithDeadline',
  'WithDeadlineCause',
  'WithTimeout',
  'WithTimeoutCause',
  'WithValue',
  'WithoutCancel',
]);
/** Functions of package context that take a context.Context as their first argument. */
export const CONTEXT_TAKERS = new Set([...CONTEXT_FUNCS, 'AfterFunc', 'Cause']);
/**
 * Functions outside the workspace whose result at this position is a context.Context, known
 * without their source: `importpath.Func`.
 */
export const FOREIGN_CONTEXT_RESULTS = new Map([
  ['os/signal.NotifyContext', 0],
  ['runtime/trace.NewTask', 0],
  ['runtime/pprof.WithLabels', 0],
  ['net/http/httptrace.WithClientTrace', 0],
  ['golang.org/x/sync/errgroup.WithContext', 1],
]);
/** A name people give a context: ctx, ctx2, subCtx, gctx, reqContext, context. */
export const CONTEXT_LIKE_NAME = /^(?:[a-z][A-Za-z0-9]*)?(?:ctx|Ctx|CTX|Context)\d*$|^context\d*$/;
/** Methods of context.Context whose call on a variable of unknown type suggests it is one. */
export const CONTEXT_METHODS = new Set(['Done', 'Deadline', 'Value']);
/**
 * Go's builtin functions and predeclared types (as conversions): a call of one returns no
 * context.Context (recover's and any's `any` is not one either), unless the package declares the
 * name again or a local shadows it.
 */
export const NEVER_CONTEXT_CALLS = new Set([...BUILTIN_FUNCS, ...PREDECLARED_TYPES]);

export const FUNC_NODES_LIST = ['function_declaration', 'method_declaration', 'func_literal'];
export const FUNC_NODES = new Set(FUNC_NODES_LIST);

export interface Scope {
  parent: Scope | null;
  vars: Map<string, Var>;
}

export interface Var {
  name: string;
  /** The declaring identifier. */
  node: Node;
  /** Declaration order in the file: a use sees the variables declared before it. */
  seq: number;
  scope: Scope;
  /** Its type is context.Context, as far as the declarations tell. */
  ctx: boolean;
  /** It may be a context.Context but goshift cannot tell (why), e.g. the result of a `x.Context()` it does not know. */
  unsure: string | null;
  /**
   * Its type is unknown to goshift (where it comes from: `a call of other.Make from example.com/other,
   * outside the workspace`): it counts as a possible context only with a sign of one (contextSign()).
   */
  maybe: string | null;
  /** The type it is declared with, if written. */
  typeNode: Node | null;
  /** The expression it is initialised from (`:=` / `var x = e` with as many values as names). */
  init: Node | null;
  kind: 'param' | 'result' | 'short' | 'var' | 'other';
  /** short_var_declaration / var_spec declaring it. */
  stmt: Node | null;
  /** For `:=`: every name the statement declares anew (this one included). */
  fresh: string[];
  /** Every identifier that refers to it (reads and writes), declaration excluded. */
  refs: Node[];
  /** Assignments to it (`=`, op=, `:=` redeclaring it, ++/--, range with =). */
  writes: Node[];
  /** `&x`. */
  addr: Node[];
}

/** Where a name is looked up: a scope, as it stood before the seq-th declaration. */
export interface Snap {
  scope: Scope;
  seq: number;
}

export interface Lit {
  node: Node;
  /** The literal's own scope (parameters and top-level block). */
  scope: Scope;
  /** The scope around it, at the literal. */
  at: Snap;
}

/**
 * Is an expression a context.Context: yes, no, a reason why goshift cannot tell although it looks
 * like one (`x.Context()` of an unknown x), or where an expression of unknown type comes from.
 */
export type Ctx = boolean | string | { maybe: string };

/** The local names of the file's imports of the context package (not `_`, not a dot import). */
export function contextImportNames(api: RewriteAPI): Set<string> {
  const out = new Set<string>();
  for (const spec of importSpecs(api.root)) {
    const p = spec.childForFieldName('path')?.text.slice(1, -1) ?? '';
    if (!api.isContextImportPath(p)) continue;
    const name = spec.childForFieldName('name');
    if (!name) out.add('context');
    else if (name.type === 'package_identifier') out.add(name.text);
  }
  return out;
}

export function lookup(name: string, at: Snap): Var | undefined {
  for (let s: Scope | null = at.scope; s; s = s.parent) {
    const v = s.vars.get(name);
    if (v && v.seq < at.seq) return v;
  }
  return undefined;
}

export function items(list: Node): Node[] {
  return list.namedChildren.filter((c) => c.type !== 'comment');
}

export function contains(outer: Node, inner: Node): boolean {
  return outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex;
}

export function innermostFunc(n: Node): Node | null {
  for (let p = n.parent; p; p = p.parent) if (FUNC_NODES.has(p.type)) return p;
  return null;
}

/** The func literals around L, inside the function that declares v. */
export function enclosingLiterals(L: Node, v: Var): Node[] {
  const out: Node[] = [];
  for (let p = L.parent; p && !contains(p, v.node); p = p.parent) if (p.type === 'func_literal') out.push(p);
  return out;
}

/** The call whose function n is (through parentheses: `(f)(x)`), or null. */
export function callOf(n: Node): Node | null {
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  const call = n.parent;
  return call?.type === 'call_expression' && call.childForFieldName('function')?.id === n.id ? call : null;
}

/** A func literal called right where it is written, not by `go` (a deferred one runs before its function returns). */
export function runsOnTheSpot(lit: Node): boolean {
  const call = callOf(lit);
  return !!call && call.parent?.type !== 'go_statement';
}

export function hasToken(n: Node, tok: string): boolean {
  return n.children.some((c) => !c.isNamed && c.type === tok);
}

/** The node types special() handles (a walk hands every other named node's children on in the same scope). */
const SPECIAL = new Set([
  'function_declaration', 'method_declaration', 'func_literal', 'block', 'if_statement', 'for_statement',
  'expression_switch_statement', 'type_switch_statement', 'select_statement', 'short_var_declaration',
  'var_declaration', 'const_declaration', 'type_declaration', 'assignment_statement', 'inc_statement',
  'dec_statement', 'unary_expression', 'identifier', 'parameter_declaration', 'variadic_parameter_declaration',
  'comment', 'field_identifier', 'type_identifier', 'package_identifier', 'label_name',
]);
/** Of SPECIAL, the types special() passes over without a look (it returns true and declares nothing). */
const PASSED_OVER = new Set(['parameter_declaration', 'variadic_parameter_declaration', 'comment', 'field_identifier', 'type_identifier', 'package_identifier', 'label_name']);

/** What walk() does with a node of a type: leaves it (an anonymous token, or PASSED_OVER), hands it to special(), or walks its children. */
const LEAVE = 0;
const SPECIAL_NODE = 1;
const CHILDREN = 2;
/**
 * By type id (16 bits; ERROR's is the largest), as the ids are met, -1 until then: whether a type is
 * named, and its name, are the same for every node of that id.
 */
const walkKinds = new Int8Array(0x10000).fill(-1);
function walkKind(c: TreeCursor): number {
  const id = c.nodeTypeId;
  let kind = walkKinds[id];
  if (kind < 0) {
    const type = c.nodeType;
    kind = !c.nodeIsNamed || PASSED_OVER.has(type) ? LEAVE : SPECIAL.has(type) ? SPECIAL_NODE : CHILDREN;
    walkKinds[id] = kind;
  }
  return kind;
}

/**
 * A variable as the walk declares it. Whether it is a context is a question asked when a transform
 * first wants to know (a class, not an object literal with getters: a file declares thousands).
 */
class WalkedVar implements Var {
  seq: number;
  refs: Node[] = [];
  writes: Node[] = [];
  addr: Node[] = [];
  private known: Ctx | undefined;
  constructor(
    readonly name: string,
    readonly node: Node,
    seq: number,
    readonly scope: Scope,
    private readonly question: Ctx | (() => Ctx),
    readonly typeNode: Node | null,
    readonly init: Node | null,
    readonly kind: Var['kind'],
    readonly stmt: Node | null,
    readonly fresh: string[],
  ) {
    this.seq = seq;
    if (typeof question !== 'function') this.known = question;
  }
  private answer(): Ctx {
    return (this.known ??= (this.question as () => Ctx)());
  }
  get ctx(): boolean {
    return this.answer() === true;
  }
  get unsure(): string | null {
    const c = this.answer();
    return typeof c === 'string' ? c : null;
  }
  get maybe(): string | null {
    const c = this.answer();
    return typeof c === 'object' ? c.maybe : null;
  }
}

/** Scopes and references of one file. */
export class Walker {
  seq = 0;
  readonly lits: Lit[] = [];
  readonly vars: Var[] = [];
  /** identifier node id → where it was resolved. */
  readonly refAt = new Map<number, Snap>();
  /** declaring identifier node id → its variable. */
  readonly declOf = new Map<number, Var>();

  /** The variable an identifier refers to, if the walk resolved it. */
  varOfRef(id: Node): Var | undefined {
    const at = this.refAt.get(id.id);
    return at ? lookup(id.text, at) : undefined;
  }

  /** Identifiers whose text is one of the names to track, with the scope where each stands (resolved or not). */
  readonly tracked: { id: Node; at: Snap }[] = [];

  constructor(
    private readonly api: RewriteAPI,
    /** Local names of the file's context imports. */
    readonly ctxNames: Set<string>,
    /** Names whose every occurrence is recorded in `tracked` (e.g. the context import's, to find `context.Background()`). */
    private readonly track?: Set<string>,
  ) {}

  snap(s: Scope): Snap {
    return { scope: s, seq: this.seq };
  }

  private scope(parent: Scope): Scope {
    return { parent, vars: new Map() };
  }

  /**
   * Declares a variable. Whether it is a context may be given as a question (`() => Ctx`), asked
   * the first time a transform wants to know: it is asked where the declaration stands (a Snap), so
   * the answer is the same whenever it comes, and a variable no literal captures is never resolved
   * (resolving may parse the files declaring what it is made from).
   */
  private declare(s: Scope, id: Node, kind: Var['kind'], ctx: Ctx | (() => Ctx), stmt: Node | null = null, fresh: string[] = [], typeNode: Node | null = null, init: Node | null = null): void {
    const name = id.text;
    if (name === '_') return;
    const v = new WalkedVar(name, id, this.seq++, s, ctx, typeNode, init, kind, stmt, fresh);
    s.vars.set(v.name, v);
    this.vars.push(v);
    this.declOf.set(id.id, v);
  }

  private ref(id: Node, s: Scope): Var | undefined {
    const at = this.snap(s);
    if (this.track?.has(id.text)) this.tracked.push({ id, at });
    const v = lookup(id.text, at);
    if (v) {
      v.refs.push(id);
      this.refAt.set(id.id, at);
    }
    return v;
  }

  private write(e: Node, s: Scope): void {
    const id = unparen(e);
    if (id.type === 'identifier') this.ref(id, s)?.writes.push(id);
    else this.walk(e, s);
  }

  private children(n: Node, s: Scope): void {
    for (const c of n.namedChildren) this.walk(c, s);
  }

  /**
   * Walks n in scope s, in source order. Nodes that only pass their scope on to their children (most
   * expressions) are visited with a tree cursor rather than by recursion, so a deep expression
   * (a generated 8,000-term string concatenation) does not overflow the call stack; the order in
   * which declarations and references are seen is the same as a recursive walk's.
   */
  walk(root: Node, s: Scope): void {
    if (this.special(root, s)) return;
    // A tree cursor, not namedChildren: most nodes are expressions that only pass the scope on, and
    // a cursor reads their type ids without building a node object for each (walkKind: a node object
    // only for the types special() handles and does not pass over).
    // special() walks again inside: one cursor for each level of that recursion, reused.
    const level = this.level;
    let c = this.cursors[level];
    if (!c || !resetCursor(c, root)) c = this.cursors[level] = root.walk();
    if (!c.gotoFirstChild()) return;
    this.level++;
    try {
      let depth = 1;
      for (;;) {
        const kind = walkKind(c);
        if ((kind === CHILDREN || (kind === SPECIAL_NODE && !this.special(c.currentNode, s))) && c.gotoFirstChild()) {
          depth++;
          continue;
        }
        while (!c.gotoNextSibling()) {
          if (--depth === 0 || !c.gotoParent()) return;
        }
      }
    } finally {
      this.level--;
    }
  }

  /** Tree cursors for walk(), by how deep in special()'s recursion it runs. */
  private readonly cursors: TreeCursor[] = [];
  private level = 0;

  /** Handles n when its type needs more than a walk of its children in the same scope; false otherwise. A type handled here is in SPECIAL too. */
  private special(n: Node, s: Scope): boolean {
    switch (n.type) {
      case 'function_declaration':
      case 'method_declaration':
      case 'func_literal':
        this.func(n, s);
        return true;
      case 'block':
        this.children(n, this.scope(s));
        return true;
      case 'if_statement':
      case 'for_statement': {
        const is = this.scope(s);
        for (const c of n.namedChildren) {
          if (c.type === 'range_clause') this.range(c, is);
          else this.walk(c, is);
        }
        return true;
      }
      case 'expression_switch_statement': {
        const ss = this.scope(s);
        for (const c of n.namedChildren) {
          if (c.type === 'expression_case' || c.type === 'default_case') this.children(c, this.scope(ss));
          else this.walk(c, ss);
        }
        return true;
      }
      case 'type_switch_statement': {
        const ss = this.scope(s);
        const alias = n.childForFieldName('alias');
        for (const c of n.namedChildren) {
          if (alias && c.id === alias.id) continue;
          if (c.type === 'type_case' || c.type === 'default_case') {
            const cs = this.scope(ss);
            for (const id of alias ? items(alias) : []) this.declare(cs, id, 'other', false);
            for (const cc of c.namedChildren) if (cc.type === 'statement_list') this.walk(cc, cs);
          } else {
            this.walk(c, ss);
          }
        }
        return true;
      }
      case 'select_statement':
        for (const c of n.namedChildren) {
          const cs = this.scope(s);
          for (const cc of c.namedChildren) {
            if (cc.type === 'receive_statement') {
              const right = cc.childForFieldName('right');
              if (right) this.walk(right, cs);
              const left = cc.childForFieldName('left');
              const define = hasToken(cc, ':=');
              for (const e of left ? items(left) : []) {
                if (define) this.declare(cs, e, 'other', false);
                else this.write(e, cs);
              }
            } else {
              this.walk(cc, cs);
            }
          }
        }
        return true;
      case 'short_var_declaration':
        this.shortVar(n, s);
        return true;
      case 'var_declaration':
        for (const spec of n.descendantsOfType('var_spec')) if (spec.parent?.id === n.id || spec.parent?.parent?.id === n.id) this.varSpec(spec, s);
        return true;
      case 'const_declaration':
        for (const spec of n.namedChildren) {
          if (spec.type !== 'const_spec') continue;
          const value = spec.childForFieldName('value');
          if (value) this.walk(value, s);
          for (const id of spec.childrenForFieldName('name')) this.declare(s, id, 'other', false);
        }
        return true;
      case 'type_declaration':
        for (const spec of n.namedChildren) {
          const id = spec.childForFieldName('name');
          if (id) this.declare(s, id, 'other', false);
        }
        return true;
      case 'assignment_statement':
        for (const e of items(n.childForFieldName('left')!)) this.write(e, s);
        this.walk(n.childForFieldName('right')!, s);
        return true;
      case 'inc_statement':
      case 'dec_statement':
        for (const e of n.namedChildren) this.write(e, s);
        return true;
      case 'unary_expression': {
        const operand = n.childForFieldName('operand');
        if (n.childForFieldName('operator')?.type === '&' && operand && unparen(operand).type === 'identifier') {
          this.ref(unparen(operand), s)?.addr.push(operand);
          return true;
        }
        return false;
      }
      case 'identifier':
        this.ref(n, s);
        return true;
      case 'parameter_declaration':
      case 'variadic_parameter_declaration':
        // In a func type: the names declare nothing here.
        return true;
      case 'comment':
      case 'field_identifier':
      case 'type_identifier':
      case 'package_identifier':
      case 'label_name':
        return true;
      default:
        return false;
    }
  }

  private func(n: Node, s: Scope): void {
    const fs = this.scope(s);
    if (n.type === 'func_literal') this.lits.push({ node: n, scope: fs, at: this.snap(s) });
    const params = (pl: Node | null, kind: Var['kind']) => {
      if (!pl || pl.type !== 'parameter_list') return;
      for (const d of pl.namedChildren) {
        if (d.type !== 'parameter_declaration' && d.type !== 'variadic_parameter_declaration') continue;
        const type = d.type === 'parameter_declaration' ? d.childForFieldName('type') : null;
        const ctx = () => this.api.isContextType(type);
        for (const id of d.childrenForFieldName('name')) this.declare(fs, id, kind, ctx, null, [], type);
      }
    };
    params(n.childForFieldName('receiver'), 'param');
    for (const tp of n.childForFieldName('type_parameters')?.namedChildren ?? []) for (const id of tp.childrenForFieldName('name')) this.declare(fs, id, 'other', false);
    params(n.childForFieldName('parameters'), 'param');
    params(n.childForFieldName('result'), 'result');
    const body = n.childForFieldName('body');
    // The body's top-level block shares the parameters' scope.
    if (body) this.children(body, fs);
  }

  private range(c: Node, s: Scope): void {
    const right = c.childForFieldName('right');
    if (right) this.walk(right, s);
    const left = c.childForFieldName('left');
    if (!left) return;
    if (hasToken(c, ':=')) for (const id of items(left)) this.declare(s, id, 'other', false);
    else for (const e of items(left)) this.write(e, s);
  }

  /** Context-ness of each name of `a, b := x, y` / `var a, b = x, y`, decided (when asked) in the scope before it. */
  private ctxFlags(left: Node[], right: Node[], s: Scope): (() => Ctx)[] {
    const at = this.snap(s);
    return left.map((_, i) => () => (right.length === left.length ? this.isContextExpr(right[i], at) : right.length === 1 ? this.isContextCall(right[0], at, i) : false));
  }

  private shortVar(n: Node, s: Scope): void {
    const left = items(n.childForFieldName('left')!);
    const rightList = n.childForFieldName('right')!;
    const right = items(rightList);
    this.walk(rightList, s);
    const flags = this.ctxFlags(left, right, s);
    const fresh = left.filter((id) => id.text !== '_' && !s.vars.has(id.text)).map((id) => id.text);
    left.forEach((id, i) => {
      if (id.text === '_') return;
      if (s.vars.has(id.text)) this.write(id, s);
      else this.declare(s, id, 'short', flags[i], n, fresh, null, right.length === left.length ? right[i] : null);
    });
  }

  private varSpec(spec: Node, s: Scope): void {
    const names = spec.childrenForFieldName('name');
    const type = spec.childForFieldName('type');
    const value = spec.childForFieldName('value');
    if (value) this.walk(value, s);
    const values = value ? items(value) : [];
    const flags: (() => Ctx)[] = type ? names.map(() => () => this.api.isContextType(type)) : this.ctxFlags(names, values, s);
    names.forEach((id, i) => this.declare(s, id, 'var', flags[i], spec, [], type, values.length === names.length ? values[i] : null));
  }

  /** Where a question about an expression is asked: a scope as it stands now, or a snapshot taken earlier. */
  private at(s: Scope | Snap): Snap {
    return 'seq' in s ? s : this.snap(s);
  }

  /** An expression of type context.Context, as far as the declarations tell. */
  isContextExpr(e: Node, where: Scope | Snap): Ctx {
    const s = this.at(where);
    e = unparen(e);
    if (e.type === 'identifier') {
      const v = lookup(e.text, s);
      return v ? v.ctx || (v.unsure ?? (v.maybe ? { maybe: v.maybe } : false)) : false;
    }
    // A copy of a field declared context.Context, read through a local of known type (`c := s.ctx`).
    if (e.type === 'selector_expression') {
      const t = this.typeOfExpr(e, s, 0);
      return typeof t !== 'string' && t.k === 'context';
    }
    return this.isContextCall(e, s, 0);
  }

  /**
   * Is result `idx` of the call e a context.Context: context.With…(…)/Background()/TODO() (first
   * result), a function or method of the workspace declared to return one at that position (an
   * alias of context.Context too), a well-known foreign one (signal.NotifyContext,
   * errgroup.WithContext's second), `x.Context()` when the declaration of x's type says that method
   * returns one, or `v.(context.Context)`. A `x.Context()` whose x or method goshift cannot resolve
   * gives the reason instead; a call whose results goshift cannot know says where it comes from.
   */
  isContextCall(e: Node, where: Scope | Snap, idx: number): Ctx {
    const s = this.at(where);
    e = unparen(e);
    if (e.type === 'type_assertion_expression') return idx === 0 && this.api.isContextType(e.childForFieldName('type'));
    if (e.type !== 'call_expression') return false;
    const fn = unparen(e.childForFieldName('function')!);
    const name = fn.text.length > 40 ? 'a function' : fn.text;
    const at = (rs: GType[] | null): Ctx => {
      // null: no single non-generic declaration (a generic function, a conversion, a name declared per build tag).
      if (rs === null) return { maybe: `a call of ${name}, a generic function, conversion or twice-declared name whose result goshift does not work out` };
      const r = rs[idx];
      if (!r) return false;
      if (r.k === 'context') return true;
      if (r.k === 'unknown') return { maybe: `a call of ${name}, whose result type goshift cannot resolve (${r.why})` };
      return false;
    };
    if (e.childForFieldName('type_arguments')) return { maybe: `a call of the generic function ${name}` };
    if (fn.type === 'identifier') {
      if (lookup(fn.text, s)) return { maybe: `a call of the func value ${name}` };
      // A builtin function or a conversion to a predeclared type, not declared again by the package:
      // its result is never a context (new gives a pointer, make a slice, map or channel, len an int …).
      if (NEVER_CONTEXT_CALLS.has(fn.text) && !this.api.packageDeclares(fn.text)) return false;
      return at(this.api.funcResults(fn.text));
    }
    if (fn.type !== 'selector_expression') return fn.type === 'func_literal' ? false : { maybe: `a call of ${name}` };
    const operand = fn.childForFieldName('operand')!;
    const field = fn.childForFieldName('field')?.text ?? '';
    if (operand.type === 'identifier' && !lookup(operand.text, s)) {
      if (this.ctxNames.has(operand.text)) return idx === 0 && CONTEXT_FUNCS.has(field);
      const imp = this.api.importOf(operand.text);
      if (imp?.ours) return at(this.api.funcResults(field, operand.text));
      if (imp) {
        const known = FOREIGN_CONTEXT_RESULTS.get(`${imp.path}.${field}`);
        if (known !== undefined) return known === idx;
        return { maybe: `a call of ${name} from ${imp.path}, outside the workspace` };
      }
    }
    const t = this.typeOfExpr(operand, s, 0);
    const sel = typeof t === 'string' ? null : this.api.selector(t, field);
    if (sel && 'results' in sel) return at(sel.results);
    if (sel && 'field' in sel) return false; // a func-typed field: not followed
    const what = `${fn.text}()`.length > 40 ? 'a Context() call' : `${fn.text}()`;
    if (field === 'Context' && idx === 0 && items(e.childForFieldName('arguments')!).length === 0) {
      if (typeof t === 'string') return `${what} is called on ${t}`;
      if (sel && 'unsure' in sel) return `unsure what ${what} returns (${sel.unsure})`;
      return false;
    }
    if (typeof t === 'string') return { maybe: `a call of ${name} on ${t}` };
    return { maybe: `a call of ${name} (${sel!.unsure})` };
  }

  /**
   * Why v, of a type goshift cannot determine, looks like a context, or null: it is passed where a
   * context.Context is expected (a context function's parent, a workspace function's or method's
   * context.Context parameter, the first argument of a foreign `…Context` function such as
   * exec.CommandContext), its Done/Deadline/Value method is called, or its name is one people give
   * contexts (ctx, subCtx, reqContext).
   */
  contextSign(v: Var): string | null {
    for (const r of v.refs) {
      let n = r;
      while (n.parent?.type === 'parenthesized_expression') n = n.parent;
      const p = n.parent;
      if (!p) continue;
      if (p.type === 'selector_expression' && p.childForFieldName('operand')?.id === n.id) {
        const m = p.childForFieldName('field')?.text ?? '';
        if (CONTEXT_METHODS.has(m) && p.parent?.type === 'call_expression') return `its method ${m} is called on line ${lineOf(p)}`;
        continue;
      }
      if (p.type !== 'argument_list') continue;
      const call = p.parent!;
      const i = items(p).findIndex((a) => a.id === n.id);
      const fn = unparen(call.childForFieldName('function')!);
      const at = this.refAt.get(r.id)!;
      let param: GType | undefined;
      if (fn.type === 'identifier' && !lookup(fn.text, at)) param = this.api.funcParam(fn.text, i);
      else if (fn.type === 'selector_expression') {
        const operand = fn.childForFieldName('operand')!;
        const field = fn.childForFieldName('field')?.text ?? '';
        if (operand.type === 'identifier' && !lookup(operand.text, at) && this.ctxNames.has(operand.text)) {
          if (i === 0 && CONTEXT_TAKERS.has(field)) return `it is passed to ${fn.text} on line ${lineOf(call)}`;
          continue;
        }
        if (operand.type === 'identifier' && !lookup(operand.text, at) && this.api.importOf(operand.text)) param = this.api.funcParam(field, i, operand.text);
        else {
          const t = this.typeOfExpr(operand, at, 0);
          const sel = typeof t === 'string' ? null : this.api.selector(t, field);
          if (sel && 'results' in sel) param = sel.param?.(i);
        }
      }
      const callee = fn.text.length > 40 ? 'a call' : fn.text;
      if (param?.k === 'context') return `it is passed as the context.Context argument of ${callee} on line ${lineOf(call)}`;
      // Go's convention: the first argument of a …Context function or method (exec.CommandContext, db.QueryContext, r.WithContext).
      const last = fn.type === 'selector_expression' ? fn.childForFieldName('field')?.text ?? '' : fn.text;
      if (!param && i === 0 && /Context$/.test(last)) return `it is the first argument of ${callee} on line ${lineOf(call)}, which by its name takes a context`;
    }
    return CONTEXT_LIKE_NAME.test(v.name) ? 'its name suggests a context' : null;
  }

  /** The type of an expression, from declarations, or a description of what goshift cannot type. */
  private typeOfExpr(e: Node, at: Snap, depth: number): GType | string {
    e = unparen(e);
    const cannot = `${e.text.length > 30 ? 'an expression' : e.text} (whose type goshift cannot tell)`;
    if (depth > 8) return cannot;
    switch (e.type) {
      case 'identifier': {
        const v = lookup(e.text, at);
        if (!v || !v.scope.parent) return cannot;
        if (v.typeNode) return this.api.typeOf(v.typeNode);
        if (v.init) return this.typeOfExpr(v.init, { scope: v.scope, seq: v.seq }, depth + 1);
        return cannot;
      }
      case 'selector_expression': {
        const operand = e.childForFieldName('operand')!;
        if (operand.type === 'identifier' && !lookup(operand.text, at)) return cannot;
        const t = this.typeOfExpr(operand, at, depth + 1);
        if (typeof t === 'string') return t;
        const sel = this.api.selector(t, e.childForFieldName('field')!.text);
        return 'field' in sel && sel.field.k !== 'unknown' ? sel.field : cannot;
      }
      case 'unary_expression': {
        if (e.childForFieldName('operator')?.type !== '&') return cannot;
        const t = this.typeOfExpr(e.childForFieldName('operand')!, at, depth + 1);
        return typeof t === 'string' ? t : { k: 'ptr', elem: t };
      }
      case 'composite_literal': {
        const tn = e.childForFieldName('type');
        return tn ? this.api.typeOf(tn) : cannot;
      }
      default:
        return cannot;
    }
  }
}

/** The go directive `version` (e.g. `1.22`, `1.21.3`) says go 1.<minor> or later. */
export function goAtLeast(version: string | null, minor: number): boolean {
  const m = /^(\d+)\.(\d+)/.exec(version ?? '');
  return !!m && (Number(m[1]) > 1 || Number(m[2]) >= minor);
}

/**
 * Which rows (0-based) hold a comment after some code on the same line, asked row by row: only the
 * lines asked about are looked at (for `//` or `/*` where the tree has a comment starting), not
 * every comment of the file.
 */
export function trailingCommentRows(api: RewriteAPI): { has(row: number): boolean } {
  const text = api.text;
  let starts: number[] | null = null;
  const memo = new Map<number, boolean>();
  const look = (row: number): boolean => {
    if (!starts) {
      starts = [0];
      for (let x = text.indexOf('\n'); x >= 0; x = text.indexOf('\n', x + 1)) starts.push(x + 1);
    }
    if (row < 0 || row >= starts.length) return false;
    const from = starts[row];
    const to = row + 1 < starts.length ? starts[row + 1] : text.length;
    for (let x = text.indexOf('/', from); x >= 0 && x < to - 1; x = text.indexOf('/', x + 1)) {
      if (text[x + 1] !== '/' && text[x + 1] !== '*') continue;
      const n = api.root.descendantForIndex(x);
      if (n.type !== 'comment' || n.startIndex !== x) continue;
      if (text.slice(from, x).trim() !== '') return true;
      x = n.endIndex - 1; // `/* a */ code // b`: the comment after the code counts
    }
    return false;
  };
  return {
    has(row: number): boolean {
      let v = memo.get(row);
      if (v === undefined) memo.set(row, (v = look(row)));
      return v;
    },
  };
}
