// Linked sets: every signature (a parameter list of a function, method, interface method, func
// type or func literal) is a slot. Slots that must keep the same parameter order are joined:
// an interface method and its implementations, a func type and every function or literal that
// flows into it, same-named declarations behind different build tags. Every reference (call,
// method expression call) is recorded against its slot. What cannot be determined pins or
// poisons a set: it is then left entirely alone.
import type { Node } from './source.js';
import { lineOf } from './source.js';
import type { FuncDecl, GoFile, GType, Package, Program, Sig, VarDecl } from './program.js';
import { BUILTIN_FUNCS, paramsOf, sigOfDecl, unknown } from './program.js';

export type SlotKind = 'func' | 'method' | 'imethod' | 'functype' | 'literal';

export interface Slot {
  id: string;
  kind: SlotKind;
  params: Node;
  file: GoFile;
  tparams?: Map<string, Node | null>;
  /** The declaration's name, or for a func type the name of what holds it (type, field, var, param). */
  name: string;
  /** The node reported as "where": the declaration. */
  node: Node;
}

export interface Ref {
  slot: string;
  args: Node; // argument_list
  /** 1 for a method expression call (the receiver is argument 0). */
  offset: number;
  file: GoFile;
  call: Node;
}

export interface Why {
  file: string;
  line: number;
  reason: string;
}

interface Unresolved {
  name: string | null; // selector or identifier name; null for other expressions
  selector: boolean;
  argc: number;
  /** The only argument is a call, which may return several values. */
  spreadCall: boolean;
  why: Why;
}

type Lazy = () => GType;

class Scope {
  private readonly vars = new Map<string, Lazy>();
  constructor(
    readonly parent: Scope | null,
    readonly fn: Sig | null,
    readonly tparams?: Map<string, Node | null>,
  ) {}
  set(name: string, t: Lazy): void {
    if (name === '_') return;
    let memo: GType | undefined;
    let busy = false;
    this.vars.set(name, () => {
      if (memo) return memo;
      if (busy) return unknown('recursive');
      busy = true;
      memo = t();
      busy = false;
      return memo;
    });
  }
  lookup(name: string): Lazy | undefined {
    for (let s: Scope | null = this; s; s = s.parent) {
      const v = s.vars.get(name);
      if (v) return v;
    }
    return undefined;
  }
  tp(): Map<string, Node | null> | undefined {
    for (let s: Scope | null = this; s; s = s.parent) if (s.tparams) return s.tparams;
    return undefined;
  }
  sig(): Sig | null {
    for (let s: Scope | null = this; s; s = s.parent) if (s.fn) return s.fn;
    return null;
  }
}

/** A call's function (parentheses dropped), arguments and the builtin it calls, if any. */
interface CallShape {
  fn: Node;
  argsNode: Node;
  args: Node[];
  builtin: string | null;
}

/** On the expression walk's stack: the call whose operands have been walked, to be linked now. */
class CallDone {
  constructor(
    readonly call: Node,
    readonly shape: CallShape,
  ) {}
}

const argExpr = (a: Node): Node => (a.type === 'variadic_argument' ? a.namedChildren[0] : a);

/** The expressions of a call the walk visits, in order: the function, then the arguments. */
function callOperands({ fn, args, builtin }: CallShape): Node[] {
  const out = [fn];
  if (builtin) {
    const typeArgs = builtin === 'new' || builtin === 'make';
    args.forEach((a, i) => {
      if (typeArgs && i === 0) return; // a type (or, since Go 1.26, new's value)
      out.push(argExpr(a));
    });
    if (builtin === 'new' && args[0]) out.push(args[0]);
  } else for (const a of args) out.push(argExpr(a));
  return out;
}

export class Linker {
  readonly slots = new Map<string, Slot>();
  private readonly parent = new Map<string, string>();
  readonly refs: Ref[] = [];
  readonly pins = new Map<string, Why[]>();
  readonly unresolved: Unresolved[] = [];

  constructor(readonly prog: Program) {}

  // ---------------------------------------------------------------------------------- union-find
  find(id: string): string {
    // Iterative, with path compression: a long chain of unions must not overflow the stack.
    let root = id;
    for (let p = this.parent.get(root); p !== undefined && p !== root; p = this.parent.get(root)) root = p;
    for (let x = id; x !== root; ) {
      const next = this.parent.get(x)!;
      this.parent.set(x, root);
      x = next;
    }
    return root;
  }
  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(ra, rb);
  }
  pin(id: string, why: Why): void {
    const l = this.pins.get(id);
    if (l) l.push(why);
    else this.pins.set(id, [why]);
  }

  // ---------------------------------------------------------------------------------- slots
  slotOf(sig: Sig): string {
    const id = `${sig.file.sf.abs}:${sig.params.startIndex}`;
    if (!this.slots.has(id)) {
      const owner = sig.params.parent!;
      let kind: SlotKind = 'functype';
      let name = '';
      let node = owner;
      switch (owner.type) {
        case 'function_declaration':
          kind = 'func';
          name = owner.childForFieldName('name')!.text;
          break;
        case 'method_declaration':
          kind = 'method';
          name = owner.childForFieldName('name')!.text;
          break;
        case 'method_elem':
          kind = 'imethod';
          name = owner.childForFieldName('name')!.text;
          break;
        case 'func_literal':
          kind = 'literal';
          name = 'func literal';
          break;
        default: {
          // A func type: named after what holds it.
          for (let n: Node | null = owner; n; n = n.parent) {
            const nm = n.childForFieldName('name');
            if (nm && ['type_spec', 'field_declaration', 'var_spec', 'parameter_declaration', 'function_declaration', 'method_declaration', 'method_elem'].includes(n.type)) {
              name = nm.text;
              node = n;
              break;
            }
          }
        }
      }
      this.slots.set(id, { id, kind, params: sig.params, file: sig.file, tparams: sig.tparams, name, node });
    }
    return id;
  }

  private why(file: GoFile, n: Node, reason: string): Why {
    return { file: file.sf.rel, line: lineOf(n), reason };
  }

  // ---------------------------------------------------------------------------------- building
  /** Declarations, same-named twins, pins of body-less and linknamed functions. */
  declare(pkg: Package): void {
    for (const decls of pkg.funcs.values()) this.declareTwins(decls);
    for (const ms of pkg.methods.values()) for (const decls of ms.values()) this.declareTwins(decls);
    for (const tds of pkg.types.values()) {
      // Same-named types behind build tags: link their func types and interface methods by position.
      const ids = tds.map((td) => {
        const u = this.prog.typeOfTypeNode(td.typeNode, td.file, td.tparams);
        return u.k === 'func' ? this.slotOf(u.sig) : null;
      });
      for (let i = 1; i < ids.length; i++) if (ids[0] && ids[i]) this.union(ids[0], ids[i]!);
    }
  }

  private declareTwins(decls: FuncDecl[]): void {
    const ids = decls.map((d) => this.slotOf(sigOfDecl(d)));
    for (let i = 1; i < ids.length; i++) this.union(ids[0], ids[i]);
    decls.forEach((d, i) => {
      if (!d.node.childForFieldName('body') && d.node.type === 'function_declaration') {
        this.pin(ids[i], this.why(d.file, d.node, `${d.name} has no body (implemented outside Go, e.g. in assembly)`));
      }
      const ip = d.file.pkg.importPath;
      const linked = d.recv
        ? [`${ip}.${d.recv.typeName}.${d.name}`, `${ip}.(*${d.recv.typeName}).${d.name}`].some((t) => this.prog.linkTargets.has(t))
        : d.file.pkg.files.some((f) => f.linknamed.has(d.name)) || this.prog.linkTargets.has(`${ip}.${d.name}`);
      if (linked) this.pin(ids[i], this.why(d.file, d.node, `${d.name} is named by a //go:linkname or //export directive`));
    });
  }

  /**
   * Interface satisfaction, syntactically: a named type whose method set covers an interface's
   * method names is linked, method by method, with that interface when the shapes match.
   * Interfaces whose method sets include another's are linked too (assignability).
   */
  linkInterfaces(pkgs: Package[]): void {
    const shape = (sig: Sig) => paramsOf(sig.params).map((p) => (this.prog.isContextType(p.typeNode, sig.file, sig.tparams) ? 'C' : p.variadic ? 'V' : 'x')).join('');
    const ifaces: { pkg: Package; name: string; methods: Map<string, { node: Node; sig: Sig }> }[] = [];
    // Concrete types by method name (declared or promoted).
    const byMethod = new Map<string, { pkg: Package; name: string; names: Set<string> }[]>();
    for (const pkg of pkgs) {
      for (const [name] of pkg.types) {
        const t: GType = { k: 'named', pkg, name };
        const u = this.prog.underlying(t);
        if (u.k === 'iface') {
          const ms = this.prog.ifaceMethods(t);
          if (ms && ms.size) ifaces.push({ pkg, name, methods: ms });
          continue;
        }
        const names = this.prog.methodNames(pkg, name);
        for (const m of names) {
          const l = byMethod.get(m);
          if (l) l.push({ pkg, name, names });
          else byMethod.set(m, [{ pkg, name, names }]);
        }
      }
    }
    // Only interface methods with a context parameter can hold a candidate: link just those.
    const ifaceByMethod = new Map<string, typeof ifaces>();
    for (const I of ifaces) for (const m of I.methods.keys()) {
      const l = ifaceByMethod.get(m);
      if (l) l.push(I);
      else ifaceByMethod.set(m, [I]);
    }
    for (const I of ifaces) {
      for (const [mname, im] of I.methods) {
        const ishape = shape(im.sig);
        if (!ishape.includes('C')) continue;
        const iid = this.slotOf(im.sig);
        // Interfaces that contain all of I's methods can be assigned to I.
        for (const J of ifaceByMethod.get(mname) ?? []) {
          if (J === I || ![...I.methods.keys()].every((k) => J.methods.has(k))) continue;
          const jm = J.methods.get(mname)!;
          if (shape(jm.sig) === ishape) this.union(iid, this.slotOf(jm.sig));
        }
        for (const C of byMethod.get(mname) ?? []) {
          if (![...I.methods.keys()].every((k) => C.names.has(k))) continue;
          const m = this.prog.member({ k: 'ptr', elem: { k: 'named', pkg: C.pkg, name: C.name } }, mname);
          if ((m.k === 'method' || m.k === 'imethod') && shape(m.sig) === ishape) this.union(iid, this.slotOf(m.sig));
        }
      }
    }
  }

  /** Walks every body and package-level initializer of a file. */
  walkFile(file: GoFile, relevant?: (text: string) => boolean): void {
    const top = new Scope(null, null);
    for (const d of file.pf.root.namedChildren) {
      // A declaration that names nothing relevant can neither reference nor pass on a candidate.
      if (relevant && (d.type === 'function_declaration' || d.type === 'method_declaration' || d.type === 'var_declaration') && !relevant(d.text)) continue;
      if (d.type === 'function_declaration' || d.type === 'method_declaration') {
        const body = d.childForFieldName('body');
        if (!body) continue;
        const tparams = new Map<string, Node | null>();
        const tpl = d.childForFieldName('type_parameters');
        for (const tp of tpl?.namedChildren ?? []) for (const nm of tp.childrenForFieldName('name')) tparams.set(nm.text, tp.childForFieldName('type'));
        if (d.type === 'method_declaration') {
          const rp = d.childForFieldName('receiver')!.namedChildren.find((c) => c.type === 'parameter_declaration');
          const rt = rp?.childForFieldName('type');
          for (const g of rt?.descendantsOfType('generic_type') ?? []) for (const a of g.childForFieldName('type_arguments')?.namedChildren ?? []) tparams.set(a.text, null);
        }
        const sig: Sig = { params: d.childForFieldName('parameters')!, result: d.childForFieldName('result'), file, tparams };
        const s = new Scope(top, sig, tparams);
        if (d.type === 'method_declaration') this.bindParams(d.childForFieldName('receiver')!, s, file);
        this.bindParams(sig.params, s, file);
        if (sig.result?.type === 'parameter_list') this.bindParams(sig.result, s, file);
        this.block(body, s, file);
      } else if (d.type === 'var_declaration' || d.type === 'const_declaration') {
        this.stmt(d, top, file);
      }
    }
  }

  private bindParams(list: Node, s: Scope, file: GoFile): void {
    for (const p of paramsOf(list)) {
      if (!p.name) continue;
      const tn = p.typeNode;
      const variadic = p.variadic;
      s.set(p.name, () => {
        const t = this.prog.typeOfTypeNode(tn, file, s.tp());
        return variadic ? { k: 'slice', elem: t } : t;
      });
    }
  }

  // ---------------------------------------------------------------------------------- statements
  private block(b: Node, outer: Scope, file: GoFile): void {
    const s = new Scope(outer, null);
    for (const c of b.namedChildren) {
      if (c.type === 'statement_list') for (const st of c.namedChildren) this.stmt(st, s, file);
      else this.stmt(c, s, file);
    }
  }

  private stmt(n: Node, s: Scope, file: GoFile): void {
    switch (n.type) {
      case 'block':
        this.block(n, s, file);
        return;
      case 'short_var_declaration': {
        const left = n.childForFieldName('left')!.namedChildren;
        const right = n.childForFieldName('right')!.namedChildren;
        for (const r of right) this.expr(r, s, file);
        this.bindAssign(left, right, s, file, true);
        return;
      }
      case 'var_declaration':
      case 'const_declaration':
        for (const spec of n.descendantsOfType(n.type === 'var_declaration' ? 'var_spec' : 'const_spec')) {
          const names = spec.childrenForFieldName('name');
          const tn = spec.childForFieldName('type');
          const values = spec.childForFieldName('value')?.namedChildren ?? [];
          for (const v of values) this.expr(v, s, file);
          if (tn) {
            const t = () => this.prog.typeOfTypeNode(tn, file, s.tp());
            values.forEach((v) => this.flow(v, t(), s, file));
            for (const nm of names) s.set(nm.text, t);
          } else this.bindAssign(names, values, s, file, true);
        }
        return;
      case 'assignment_statement': {
        const left = n.childForFieldName('left')!.namedChildren;
        const right = n.childForFieldName('right')!.namedChildren;
        for (const l of left) this.expr(l, s, file);
        for (const r of right) this.expr(r, s, file);
        if (left.length === right.length && n.childForFieldName('operator')?.text === '=') {
          left.forEach((l, i) => {
            if (l.type === 'identifier' && l.text === '_') return;
            this.flow(right[i], this.typeOf(l, s, file), s, file);
          });
        }
        return;
      }
      case 'return_statement': {
        const vals = n.namedChildren.find((c) => c.type === 'expression_list')?.namedChildren ?? [];
        for (const v of vals) this.expr(v, s, file);
        const sig = s.sig();
        if (sig) {
          const rts = this.prog.resultTypes(sig);
          if (rts.length === vals.length) vals.forEach((v, i) => this.flow(v, rts[i], s, file));
        }
        return;
      }
      case 'send_statement': {
        const ch = n.childForFieldName('channel')!;
        const v = n.childForFieldName('value')!;
        this.expr(ch, s, file);
        this.expr(v, s, file);
        const ct = this.prog.underlying(this.typeOf(ch, s, file));
        this.flow(v, ct.k === 'chan' ? ct.elem : unknown('channel of unknown type'), s, file);
        return;
      }
      case 'if_statement': {
        const inner = new Scope(s, null);
        const init = n.childForFieldName('initializer');
        if (init) this.stmt(init, inner, file);
        this.expr(n.childForFieldName('condition')!, inner, file);
        this.block(n.childForFieldName('consequence')!, inner, file);
        const alt = n.childForFieldName('alternative');
        if (alt) this.stmt(alt, inner, file);
        return;
      }
      case 'for_statement': {
        const inner = new Scope(s, null);
        for (const c of n.namedChildren) {
          if (c.type === 'for_clause') {
            const init = c.childForFieldName('initializer');
            if (init) this.stmt(init, inner, file);
            const cond = c.childForFieldName('condition');
            if (cond) this.expr(cond, inner, file);
            const upd = c.childForFieldName('update');
            if (upd) this.stmt(upd, inner, file);
          } else if (c.type === 'range_clause') {
            this.range(c, inner, file);
          } else if (c.type === 'block') {
            this.block(c, inner, file);
          } else this.expr(c, inner, file);
        }
        return;
      }
      case 'expression_switch_statement':
      case 'type_switch_statement':
      case 'select_statement': {
        const inner = new Scope(s, null);
        const init = n.childForFieldName('initializer');
        if (init) this.stmt(init, inner, file);
        let alias: string | null = null;
        let subject: Node | null = null;
        if (n.type === 'type_switch_statement') {
          alias = n.childForFieldName('alias')?.namedChildren?.[0]?.text ?? n.childForFieldName('alias')?.text ?? null;
          subject = n.childForFieldName('value');
          if (subject) this.expr(subject, inner, file);
        } else {
          const v = n.childForFieldName('value');
          if (v) this.expr(v, inner, file);
        }
        for (const c of n.namedChildren) {
          if (!['expression_case', 'default_case', 'type_case', 'communication_case'].includes(c.type)) continue;
          const cs = new Scope(inner, null);
          if (c.type === 'type_case' && alias) {
            const types = c.childrenForFieldName('type');
            const subj = subject;
            cs.set(alias, () => (types.length === 1 && types[0].text !== 'nil' ? this.prog.typeOfTypeNode(types[0], file, s.tp()) : subj ? this.typeOf(subj, s, file) : unknown('type switch')));
          } else if (c.type === 'default_case' && alias && subject) {
            const subj = subject;
            cs.set(alias, () => this.typeOf(subj, s, file));
          }
          if (c.type === 'communication_case') {
            const comm = c.childForFieldName('communication');
            if (comm) this.stmt(comm, cs, file);
          }
          if (c.type === 'expression_case') for (const v of c.childForFieldName('value')?.namedChildren ?? []) this.expr(v, cs, file);
          for (const st of c.namedChildren) {
            if (st.type === 'statement_list') for (const x of st.namedChildren) this.stmt(x, cs, file);
          }
        }
        return;
      }
      case 'receive_statement': {
        const right = n.childForFieldName('right')!;
        this.expr(right, s, file);
        const left = n.childForFieldName('left')?.namedChildren ?? [];
        if (n.children.some((c) => c.type === ':=')) {
          const ct = () => {
            const t = this.prog.underlying(this.typeOf(right.namedChildren[0] ?? right, s, file));
            return t.k === 'chan' ? t.elem : unknown('receive');
          };
          left.forEach((l, i) => s.set(l.text, i === 0 ? ct : () => ({ k: 'basic', name: 'bool' })));
        }
        return;
      }
      case 'labeled_statement':
        for (const c of n.namedChildren) if (c.type !== 'label_name') this.stmt(c, s, file);
        return;
      case 'go_statement':
      case 'defer_statement':
      case 'expression_statement':
      case 'inc_statement':
      case 'dec_statement':
        for (const c of n.namedChildren) this.expr(c, s, file);
        return;
      case 'type_declaration':
        // Local types cannot have methods: a local name stands for its underlying type.
        for (const spec of n.namedChildren) {
          if (spec.type !== 'type_spec' && spec.type !== 'type_alias') continue;
          const nm = spec.childForFieldName('name')?.text;
          const tn = spec.childForFieldName('type');
          if (nm && tn) s.set(nm, () => ({ k: 'type', t: this.prog.typeOfTypeNode(tn, file, s.tp()) }));
          if (tn) this.expr(tn, s, file);
        }
        return;
      default:
        for (const c of n.namedChildren) {
          if (c.type.endsWith('_statement') || c.type === 'block') this.stmt(c, s, file);
          else this.expr(c, s, file);
        }
    }
  }

  private range(c: Node, s: Scope, file: GoFile): void {
    const right = c.childForFieldName('right')!;
    this.expr(right, s, file);
    const left = c.childForFieldName('left')?.namedChildren ?? [];
    if (!c.children.some((x) => x.type === ':=')) {
      for (const l of left) this.expr(l, s, file);
      return;
    }
    const rt = () => {
      const t = this.typeOf(right, s, file);
      return this.prog.underlying(t.k === 'ptr' ? t.elem : t);
    };
    left.forEach((l, i) =>
      s.set(l.text, () => {
        const t = rt();
        if (t.k === 'slice') return i === 0 ? { k: 'basic', name: 'int' } : t.elem;
        if (t.k === 'map') return i === 0 ? t.key : t.elem;
        if (t.k === 'chan') return t.elem;
        if (t.k === 'basic') return i === 0 ? { k: 'basic', name: 'int' } : { k: 'basic', name: 'rune' };
        if (t.k === 'foreign') return { k: 'foreign', what: `element of ${t.what}` };
        return unknown('range over an unknown type');
      }),
    );
  }

  private bindAssign(left: Node[], right: Node[], s: Scope, file: GoFile, declare: boolean): void {
    if (!declare) return;
    if (left.length === right.length) {
      left.forEach((l, i) => s.set(l.text, () => this.typeOf(right[i], s, file)));
    } else if (right.length === 1) {
      const r = right[0];
      left.forEach((l, i) =>
        s.set(l.text, () => {
          if (i === 1 && (r.type === 'type_assertion_expression' || r.type === 'index_expression' || (r.type === 'unary_expression' && r.childForFieldName('operator')?.text === '<-'))) {
            return { k: 'basic', name: 'bool' };
          }
          const t = this.typeOf(r, s, file);
          if (t.k === 'tuple') return t.elems[i] ?? unknown('tuple');
          if (t.k === 'foreign') return t;
          return i === 0 ? t : unknown('multi-value');
        }),
      );
    }
  }

  // ---------------------------------------------------------------------------------- expressions
  /**
   * Walks an expression in source order. Nodes that only pass the walk on to their children (binary
   * expressions, selectors, ...) go through an explicit stack rather than recursion, so a deep
   * expression (a generated 8,000-term string concatenation) does not overflow the call stack.
   */
  private expr(root: Node | null, s: Scope, file: GoFile): void {
    if (!root) return;
    const stack: (Node | CallDone)[] = [root];
    while (stack.length) {
      const n = stack.pop()!;
      if (n instanceof CallDone) {
        this.call(n.call, n.shape, s, file);
        continue;
      }
      switch (n.type) {
        case 'call_expression': {
          // The operands first (calls in them included), then the call itself.
          const shape = this.callShape(n, s, file);
          stack.push(new CallDone(n, shape));
          const ops = callOperands(shape);
          for (let i = ops.length - 1; i >= 0; i--) stack.push(ops[i]);
          break;
        }
        case 'func_literal': {
          const sig: Sig = { params: n.childForFieldName('parameters')!, result: n.childForFieldName('result'), file, tparams: s.tp() };
          this.slotOf(sig);
          const inner = new Scope(s, sig);
          this.bindParams(sig.params, inner, file);
          if (sig.result?.type === 'parameter_list') this.bindParams(sig.result, inner, file);
          this.block(n.childForFieldName('body')!, inner, file);
          break;
        }
        case 'composite_literal':
          this.composite(n, this.prog.typeOfTypeNode(n.childForFieldName('type'), file, s.tp()), s, file);
          break;
        case 'function_type':
          this.slotOf({ params: n.childForFieldName('parameters')!, result: n.childForFieldName('result'), file, tparams: s.tp() });
          break;
        default: {
          const cs = n.namedChildren;
          for (let i = cs.length - 1; i >= 0; i--) stack.push(cs[i]);
        }
      }
    }
  }

  private composite(n: Node, t: GType, s: Scope, file: GoFile): void {
    const body = n.childForFieldName('body');
    if (!body) return;
    const u = this.prog.underlying(t.k === 'ptr' ? t.elem : t);
    let i = 0;
    for (const el of body.namedChildren) {
      if (el.type === 'comment') continue;
      let key: Node | null = null;
      let val: Node | null = el;
      if (el.type === 'keyed_element') {
        key = el.childForFieldName('key');
        val = el.childForFieldName('value');
      }
      const inner = (x: Node | null) => (x && x.type === 'literal_element' ? x.namedChildren[0] ?? null : x);
      const k = inner(key);
      const v = inner(val);
      let vt: GType = unknown('element of a composite literal of unknown type');
      if (u.k === 'struct' || u.k === 'named') {
        const fieldName = k?.type === 'identifier' || k?.type === 'field_identifier' ? k.text : null;
        if (fieldName) {
          const m = this.prog.member(t.k === 'ptr' ? t.elem : t, fieldName);
          if (m.k === 'field') vt = m.t;
        } else if (u.k === 'struct') {
          vt = this.positionalField(u, i);
        }
        if (k && !fieldName) this.expr(k, s, file);
      } else if (u.k === 'map' || u.k === 'slice') {
        vt = u.elem;
        if (k) {
          this.expr(k, s, file);
          if (u.k === 'map') this.flow(k, u.key, s, file);
        }
      } else if (k) this.expr(k, s, file);
      if (v?.type === 'literal_value') {
        // Elided type: `{...}` inside a composite of known element type.
        this.composite({ childForFieldName: (f: string) => (f === 'body' ? v : null) } as unknown as Node, vt, s, file);
      } else if (v) {
        this.expr(v, s, file);
        this.flow(v, vt, s, file);
      }
      i++;
    }
  }

  private positionalField(u: Extract<GType, { k: 'struct' }>, i: number): GType {
    const list = u.node.namedChildren.find((c) => c.type === 'field_declaration_list');
    let j = 0;
    for (const f of list?.namedChildren ?? []) {
      if (f.type !== 'field_declaration') continue;
      const n = Math.max(1, f.childrenForFieldName('name').length);
      if (i < j + n) return this.prog.typeOfTypeNode(f.childForFieldName('type'), u.file, u.tparams);
      j += n;
    }
    return unknown('positional field');
  }

  private callShape(n: Node, s: Scope, file: GoFile): CallShape {
    let fn = n.childForFieldName('function')!;
    const argsNode = n.childForFieldName('arguments')!;
    const args = argsNode.namedChildren.filter((c) => c.type !== 'comment');
    while (fn.type === 'parenthesized_expression' && fn.namedChildren.length === 1) fn = fn.namedChildren[0];
    const builtin = fn.type === 'identifier' && BUILTIN_FUNCS.has(fn.text) && !s.lookup(fn.text) && !file.pkg.funcs.has(fn.text) && !file.pkg.vars.has(fn.text) ? fn.text : null;
    return { fn, argsNode, args, builtin };
  }

  /** What a call links (its operands already walked): references, flows of the arguments, pins. */
  private call(n: Node, { fn, argsNode, args, builtin }: CallShape, s: Scope, file: GoFile): void {
    const spread = args.length > 0 && args[args.length - 1].type === 'variadic_argument';
    // Builtins.
    if (builtin) {
      if (builtin === 'append' && args.length > 1) {
        const st = this.typeOf(argExpr(args[0]), s, file);
        const u = this.prog.underlying(st);
        args.slice(1).forEach((a) => this.flow(argExpr(a), u.k === 'slice' ? (spread ? st : u.elem) : unknown('append'), s, file));
      }
      return;
    }
    // Explicit instantiation F[int](...) or x.M[int](...).
    let target = fn;
    if (target.type === 'index_expression' || target.type === 'type_instantiation_expression') {
      const op = target.childForFieldName('operand') ?? target.namedChildren[0];
      const ot = this.typeOf(op, s, file);
      if (ot.k === 'func' || ot.k === 'mexpr') target = op;
    }
    const ft = this.calleeType(n, target, s, file);
    const where = (reason: string) => this.why(file, n, reason);
    if (ft.k === 'type') {
      // A conversion: the argument flows into the type.
      if (args[0]) this.flow(argExpr(args[0]), ft.t, s, file);
      return;
    }
    const fu = ft.k === 'named' ? this.prog.underlying(ft) : ft;
    if (fu.k === 'func' || fu.k === 'mexpr') {
      const id = this.slotOf(fu.sig);
      const offset = fu.k === 'mexpr' ? 1 : 0;
      this.refs.push({ slot: id, args: argsNode, offset, file, call: n });
      if (args.length === 1 && offset === 0 && fu.sig.params.namedChildren.filter((c) => c.type !== 'comment').length > 0) {
        // f(g()) with a multi-value g: arguments cannot be permuted.
        const at = this.typeOf(argExpr(args[0]), s, file);
        if (at.k === 'tuple' && at.elems.length > 1) this.pin(id, where('a call passes a multi-value expression as its arguments'));
      }
      args.forEach((a, i) => {
        const j = i - offset;
        const pt = j < 0 ? (fu.k === 'mexpr' ? fu.recv : undefined) : this.prog.paramType(fu.sig, j, spread && i === args.length - 1);
        this.flow(argExpr(a), pt ?? unknown('argument'), s, file);
      });
      return;
    }
    if (fu.k === 'foreign' || fu.k === 'basic' || fu.k === 'context') {
      const what = fu.k === 'foreign' ? fu.what : fu.k;
      for (const a of args) this.flow(argExpr(a), { k: 'foreign', what }, s, file);
      return;
    }
    // Unknown target.
    const name = target.type === 'selector_expression' ? target.childForFieldName('field')!.text : target.type === 'identifier' ? target.text : null;
    this.unresolved.push({ name, selector: target.type === 'selector_expression', argc: args.length, spreadCall: args.length === 1 && args[0].type === 'call_expression', why: where(`cannot determine what ${name ?? 'this call'} is (${ft.k === 'unknown' ? ft.why : ft.k})`) });
    for (const a of args) this.flow(argExpr(a), unknown('argument of an unresolved call'), s, file);
  }

  /** A value flows into a place of type dest: func types must agree, foreign or unknown places pin. */
  private flow(v: Node, dest: GType, s: Scope, file: GoFile): void {
    const vt = this.valueType(v, s, file);
    if (!vt) return;
    this.unify(vt, dest, file, v, 0);
  }

  /** The type of a value only when it can carry a signature (funcs, our named types); else undefined. */
  private valueType(v: Node, s: Scope, file: GoFile): GType | undefined {
    switch (v.type) {
      case 'identifier':
      case 'selector_expression':
      case 'func_literal':
      case 'parenthesized_expression':
      case 'unary_expression':
      case 'call_expression':
      case 'index_expression':
      case 'composite_literal':
      case 'type_assertion_expression':
        break;
      default:
        return undefined;
    }
    if (v.type === 'identifier' && (v.text === 'nil' || v.text === '_')) return undefined;
    const t = this.typeOf(v, s, file);
    return hasSignature(t) ? t : undefined;
  }

  private unify(vt: GType, dest: GType, file: GoFile, at: Node, depth: number): void {
    if (depth > 6) return;
    const vu = vt.k === 'named' ? this.prog.underlying(vt) : vt;
    if (vt.k === 'named' && vu.k !== 'func') {
      // A value of our named type going to a foreign or interface place may satisfy an interface we cannot see.
      const du = this.prog.underlying(dest);
      if (dest.k === 'foreign' && !isStd(dest.what)) this.pinMethods(vt, this.why(file, at, `a value of ${vt.name} is used as ${dest.what}, whose methods goshift cannot see`));
      void du;
      return;
    }
    if (vt.k === 'ptr') {
      if (dest.k === 'ptr') return this.unify(vt.elem, dest.elem, file, at, depth + 1);
      if (vt.elem.k === 'named') return this.unify(vt.elem, dest, file, at, depth + 1);
      return;
    }
    if (vu.k === 'func' || vu.k === 'mexpr') {
      const id = this.slotOf(vu.sig);
      if (vu.k === 'mexpr') {
        this.pin(id, this.why(file, at, 'a method expression is used as a value'));
        return;
      }
      const du = dest.k === 'named' ? this.prog.underlying(dest) : dest;
      if (du.k === 'func') {
        const did = this.slotOf(du.sig);
        if (this.find(did) !== this.find(id)) {
          this.union(id, did);
          // Structurally identical types: their func-typed parameters and results agree too.
          const vp = paramsOf(vu.sig.params);
          const dp = paramsOf(du.sig.params);
          if (vp.length === dp.length) {
            vp.forEach((p, i) => {
              const a = this.prog.typeOfTypeNode(p.typeNode, vu.sig.file, vu.sig.tparams);
              const b = this.prog.typeOfTypeNode(dp[i].typeNode, du.sig.file, du.sig.tparams);
              if (a.k === 'func' && b.k === 'func') this.unify(a, b, file, at, depth + 1);
            });
          }
          const vr = this.prog.resultTypes(vu.sig);
          const dr = this.prog.resultTypes(du.sig);
          if (vr.length === dr.length) vr.forEach((r, i) => hasSignature(r) && this.unify(r, dr[i], file, at, depth + 1));
        }
        return;
      }
      if (du.k === 'foreign') this.pin(id, this.why(file, at, `flows into ${du.what}, which is outside the workspace`));
      else if (du.k === 'unknown') this.pin(id, this.why(file, at, `flows into a place whose type goshift cannot determine (${du.why})`));
      else if (du.k === 'basic' || du.k === 'iface') this.pin(id, this.why(file, at, 'stored as an interface value'));
      return;
    }
    if (vt.k === 'slice' || vt.k === 'chan') {
      const du = this.prog.underlying(dest);
      if (du.k === vt.k) return this.unify(vt.elem, du.elem, file, at, depth + 1);
      return this.unify(vt.elem, unknown('container'), file, at, depth + 1);
    }
    if (vt.k === 'map') {
      const du = this.prog.underlying(dest);
      if (du.k === 'map') return this.unify(vt.elem, du.elem, file, at, depth + 1);
      return this.unify(vt.elem, unknown('container'), file, at, depth + 1);
    }
  }

  private pinMethods(t: Extract<GType, { k: 'named' }>, why: Why): void {
    for (const decls of t.pkg.methods.get(t.name)?.values() ?? []) for (const d of decls) this.pin(this.slotOf(sigOfDecl(d)), why);
  }

  // ---------------------------------------------------------------------------------- typeOf
  typeOf(n: Node, s: Scope, file: GoFile, depth = 0): GType {
    if (depth > 30) return unknown('expression too deep');
    const prog = this.prog;
    switch (n.type) {
      case 'identifier': {
        const name = n.text;
        const local = s.lookup(name);
        if (local) return local();
        if (s.tp()?.has(name)) return { k: 'type', t: prog.typeOfTypeNode(n, file, s.tp()) };
        return this.pkgLevel(file.pkg, file, name);
      }
      case 'parenthesized_expression':
        return n.namedChildren.length === 1 ? this.typeOf(n.namedChildren[0], s, file, depth + 1) : unknown('parenthesized');
      case 'selector_expression': {
        const op = n.childForFieldName('operand')!;
        const field = n.childForFieldName('field')!.text;
        const ot = this.typeOf(op, s, file, depth + 1);
        if (ot.k === 'pkg') {
          if (!prog.isOurs(ot.path)) {
            if (ot.path === 'context' || ot.path === 'golang.org/x/net/context') {
              if (field === 'Context') return { k: 'type', t: { k: 'context' } };
              if (/^With|Background|TODO|Without/.test(field)) return { k: 'foreign', what: `${ot.path}.${field}` };
            }
            return { k: 'foreign', what: `${ot.path}.${field}` };
          }
          const pkg = prog.pkg(ot.path);
          if (!pkg) return unknown(`package ${ot.path}`);
          return this.pkgLevel(pkg, pkg.files[0], field, true);
        }
        if (ot.k === 'type') {
          // Method expression T.M / (*T).M.
          const m = prog.member(ot.t, field);
          if (m.k === 'method') return { k: 'mexpr', sig: m.sig, recv: ot.t };
          if (m.k === 'imethod') return { k: 'mexpr', sig: m.sig, recv: ot.t };
          if (m.k === 'foreign') return { k: 'foreign', what: m.what };
          return unknown(`method expression ${field}`);
        }
        const m = prog.member(ot, field);
        switch (m.k) {
          case 'method':
          case 'imethod':
            return { k: 'func', sig: m.sig };
          case 'field':
            return m.t;
          case 'foreign':
            return { k: 'foreign', what: `${m.what}.${field}` };
          default:
            return unknown(m.why);
        }
      }
      case 'call_expression': {
        let fn = n.childForFieldName('function')!;
        while (fn.type === 'parenthesized_expression' && fn.namedChildren.length === 1) fn = fn.namedChildren[0];
        const args = n.childForFieldName('arguments')!.namedChildren.filter((c) => c.type !== 'comment');
        if (fn.type === 'identifier' && BUILTIN_FUNCS.has(fn.text) && !s.lookup(fn.text) && !file.pkg.funcs.has(fn.text)) {
          switch (fn.text) {
            case 'new': {
              if (!args[0]) return unknown('new');
              const asType = this.typeOf(args[0], s, file, depth + 1);
              if (asType.k === 'type') return { k: 'ptr', elem: asType.t };
              if (args[0].type.endsWith('_type') || args[0].type === 'type_identifier') return { k: 'ptr', elem: prog.typeOfTypeNode(args[0], file, s.tp()) };
              return { k: 'ptr', elem: asType };
            }
            case 'make': {
              if (!args[0]) return unknown('make');
              const asType = this.typeOf(args[0], s, file, depth + 1);
              return asType.k === 'type' ? asType.t : prog.typeOfTypeNode(args[0], file, s.tp());
            }
            case 'append':
              return args[0] ? this.typeOf(args[0], s, file, depth + 1) : unknown('append');
            case 'len':
            case 'cap':
            case 'copy':
              return { k: 'basic', name: 'int' };
            case 'recover':
              return { k: 'basic', name: 'any' };
            case 'min':
            case 'max':
              return args[0] ? this.typeOf(args[0], s, file, depth + 1) : unknown('min');
            default:
              return unknown(`builtin ${fn.text}`);
          }
        }
        let target = fn;
        if (target.type === 'index_expression' || target.type === 'type_instantiation_expression') {
          const op = target.childForFieldName('operand') ?? target.namedChildren[0];
          const ot = this.typeOf(op, s, file, depth + 1);
          if (ot.k === 'func' || ot.k === 'mexpr') target = op;
        }
        const ft = this.calleeType(n, target, s, file, depth + 1);
        if (ft.k === 'type') return ft.t;
        const fu = ft.k === 'named' ? prog.underlying(ft) : ft;
        if (fu.k === 'func' || fu.k === 'mexpr') {
          const rs = prog.resultTypes(fu.sig);
          if (rs.length === 1) return rs[0];
          if (rs.length === 0) return unknown('no result');
          return { k: 'tuple', elems: rs };
        }
        if (fu.k === 'foreign') {
          // A foreign generic function hands back what it is given (slices.Clone(stores)[0]):
          // its result is only surely foreign when no argument may carry a workspace type.
          // Methods have no type parameters of their own.
          const isPkgFunc = target.type === 'selector_expression' && this.typeOf(target.childForFieldName('operand')!, s, file, depth + 1).k === 'pkg';
          if (!isPkgFunc && target.type !== 'identifier') return { k: 'foreign', what: `result of ${fu.what}` };
          if (target !== fn || n.childForFieldName('type_arguments')) return unknown(`result of ${fu.what} with explicit type arguments`);
          if (args.some((a) => prog.mayHoldOurs(this.typeOf(a.type === 'variadic_argument' ? a.namedChildren[0] : a, s, file, depth + 1)))) {
            return unknown(`result of ${fu.what}, which may be generic over a workspace type`);
          }
          return { k: 'foreign', what: `result of ${fu.what}` };
        }
        return unknown(ft.k === 'unknown' ? ft.why : `call of ${ft.k}`);
      }
      case 'type_conversion_expression':
        return prog.typeOfTypeNode(n.childForFieldName('type'), file, s.tp());
      case 'index_expression': {
        const op = n.childForFieldName('operand')!;
        const ot = this.typeOf(op, s, file, depth + 1);
        if (ot.k === 'func' || ot.k === 'mexpr' || ot.k === 'type') return ot; // instantiation
        const u = prog.underlying(ot.k === 'ptr' ? ot.elem : ot);
        if (u.k === 'slice' || u.k === 'map') return u.elem;
        if (u.k === 'basic' && u.name === 'string') return { k: 'basic', name: 'byte' };
        if (u.k === 'foreign') return { k: 'foreign', what: `element of ${u.what}` };
        return unknown(`index of ${u.k === 'unknown' ? u.why : u.k}`);
      }
      case 'slice_expression':
        return this.typeOf(n.childForFieldName('operand')!, s, file, depth + 1);
      case 'unary_expression': {
        const op = n.childForFieldName('operator')!.text;
        const x = n.childForFieldName('operand')!;
        const xt = this.typeOf(x, s, file, depth + 1);
        if (op === '&') return { k: 'ptr', elem: xt };
        if (op === '*') {
          if (xt.k === 'type') return { k: 'type', t: { k: 'ptr', elem: xt.t } };
          if (xt.k === 'ptr') return xt.elem;
          // *[N]T, *C.char, *pkg.T of a foreign package: types written as expressions.
          if (xt.k === 'foreign') return xt; // a foreign value or a foreign type: foreign either way
          if (x.type === 'composite_literal' || x.type === 'index_expression' || xt.k === 'pkg') return { k: 'type', t: unknown('pointer type') };
          return unknown('dereference');
        }
        if (op === '<-') {
          const u = prog.underlying(xt);
          return u.k === 'chan' ? u.elem : unknown('receive');
        }
        return xt;
      }
      case 'binary_expression': {
        const op = n.childForFieldName('operator')!.text;
        if (['==', '!=', '<', '<=', '>', '>=', '&&', '||'].includes(op)) return { k: 'basic', name: 'bool' };
        return this.typeOf(n.childForFieldName('left')!, s, file, depth + 1);
      }
      case 'composite_literal':
        return prog.typeOfTypeNode(n.childForFieldName('type'), file, s.tp());
      case 'func_literal':
        return { k: 'func', sig: { params: n.childForFieldName('parameters')!, result: n.childForFieldName('result'), file, tparams: s.tp() } };
      case 'type_assertion_expression':
        return prog.typeOfTypeNode(n.childForFieldName('type'), file, s.tp());
      case 'interpreted_string_literal':
      case 'raw_string_literal':
        return { k: 'basic', name: 'string' };
      case 'int_literal':
        return { k: 'basic', name: 'int' };
      case 'float_literal':
        return { k: 'basic', name: 'float64' };
      case 'rune_literal':
        return { k: 'basic', name: 'rune' };
      case 'true':
      case 'false':
        return { k: 'basic', name: 'bool' };
      case 'nil':
        return unknown('nil');
      // Types written where an expression stands (conversions, method expressions, new/make).
      case 'pointer_type':
      case 'slice_type':
      case 'map_type':
      case 'array_type':
      case 'channel_type':
      case 'function_type':
      case 'interface_type':
      case 'struct_type':
      case 'generic_type':
      case 'qualified_type':
      case 'type_identifier': {
        // tree-sitter reads `pkg.F[int]` and `F[K, V]` in expressions as types; they may be functions.
        const base = n.type === 'generic_type' ? n.childForFieldName('type')! : n;
        if (base.type === 'type_identifier' || base.type === 'identifier') {
          const v = this.typeOf({ type: 'identifier', text: base.text } as Node, s, file, depth + 1);
          if (v.k === 'func' || v.k === 'unknown' && !s.tp()?.has(base.text)) return v;
        } else if (base.type === 'qualified_type') {
          const pkgName = base.childForFieldName('package')!.text;
          const ip = s.lookup(pkgName) ? undefined : file.imports.get(pkgName);
          if (ip && prog.isOurs(ip)) {
            const pkg = prog.pkg(ip);
            const v = pkg ? this.pkgLevel(pkg, pkg.files[0], base.childForFieldName('name')!.text, true) : undefined;
            if (v && v.k !== 'type') return v;
          } else if (ip) return { k: 'foreign', what: `${ip}.${base.childForFieldName('name')!.text}` };
        }
        return { k: 'type', t: prog.typeOfTypeNode(n, file, s.tp()) };
      }
      case 'parenthesized_type':
        return { k: 'type', t: prog.typeOfTypeNode(n, file, s.tp()) };
      default:
        return unknown(n.type);
    }
  }

  /**
   * The type of what a call calls. tree-sitter reads `fs[i](x)` as a generic call with type
   * arguments `[i]`: when the callee is no function, that is an index into a slice or map of funcs.
   */
  private calleeType(call: Node, target: Node, s: Scope, file: GoFile, depth = 0): GType {
    const ft = this.typeOf(target, s, file, depth + 1);
    if (!call.childForFieldName('type_arguments') || ft.k === 'func' || ft.k === 'mexpr' || ft.k === 'type' || ft.k === 'unknown') return ft;
    const u = this.prog.underlying(ft.k === 'ptr' ? ft.elem : ft);
    if (u.k === 'slice' || u.k === 'map') return u.elem;
    if (u.k === 'named' || u.k === 'func') return u;
    if (u.k === 'foreign') return { k: 'foreign', what: `element of ${u.what}` };
    return unknown(`index of a ${u.k}`);
  }

  /** A package-level name (or import, or universe name) seen from a file. */
  private pkgLevel(pkg: Package, file: GoFile, name: string, qualified = false): GType {
    const f = pkg.funcs.get(name);
    if (f) return { k: 'func', sig: sigOfDecl(f[0]) };
    const v = pkg.vars.get(name);
    if (v) {
      const vd = v[0];
      const memo = this.varTypes.get(vd);
      if (memo) return memo;
      this.varTypes.set(vd, unknown('recursive var'));
      const t = this.varType(vd, name);
      this.varTypes.set(vd, t);
      return t;
    }
    return this.pkgLevelRest(pkg, file, name, qualified);
  }

  private readonly varTypes = new Map<VarDecl, GType>();

  private varType(vd: VarDecl, name: string): GType {
    if (vd.typeNode) return this.prog.typeOfTypeNode(vd.typeNode, vd.file);
    const vals = vd.value?.namedChildren ?? [];
    const top = new Scope(null, null);
    if (vals.length === 1 && vd.index > 0) {
      const t = this.typeOf(vals[0], top, vd.file);
      return t.k === 'tuple' ? t.elems[vd.index] ?? unknown('tuple') : unknown('multi-value');
    }
    return vals[vd.index] ? this.typeOf(vals[vd.index], top, vd.file) : unknown(`var ${name}`);
  }

  private pkgLevelRest(pkg: Package, file: GoFile, name: string, qualified: boolean): GType {
    const prog = this.prog;
    if (pkg.types.has(name)) return { k: 'type', t: prog.lookupTypeName(pkg.files[0] ?? file, name) };
    const ct = pkg.consts.get(name);
    if (ct !== undefined) return ct ? prog.typeOfTypeNode(ct.typeNode, ct.file) : unknown(`untyped const ${name}`);
    if (qualified) return unknown(`${pkg.importPath}.${name} not found`);
    const ip = file.imports.get(name);
    if (ip) return { k: 'pkg', path: ip };
    for (const dp of file.dotImports) {
      if (!prog.isOurs(dp)) continue;
      const dpkg = prog.pkg(dp);
      if (dpkg && (dpkg.funcs.has(name) || dpkg.vars.has(name) || dpkg.types.has(name))) return this.pkgLevel(dpkg, dpkg.files[0], name, true);
    }
    if (file.dotImports.some((d) => !prog.isOurs(d))) return { k: 'foreign', what: `${name} (dot import)` };
    const basic = prog.lookupTypeName(file, name);
    if (basic.k === 'basic') return { k: 'type', t: basic };
    if (name === 'true' || name === 'false') return { k: 'basic', name: 'bool' };
    if (name === 'iota') return { k: 'basic', name: 'int' };
    return unknown(`unknown name ${name}`);
  }

  /** Marks sets that an unresolved call might reach: same method name (or any func value) and a compatible arity. */
  poisonUnresolved(changing: Set<string>, poison: (root: string, why: Why) => void): void {
    const byName = new Map<string, Slot[]>();
    const values: Slot[] = [];
    for (const root of changing) {
      for (const sl of this.members(root)) {
        if (sl.kind === 'functype' || sl.kind === 'literal') values.push(sl);
        if (sl.kind !== 'literal') {
          const l = byName.get(sl.name);
          if (l) l.push(sl);
          else byName.set(sl.name, [sl]);
        }
      }
    }
    const fits = (sl: Slot, u: Unresolved) => {
      const ps = paramsOf(sl.params);
      const variadic = ps.length > 0 && ps[ps.length - 1].variadic;
      return (variadic ? u.argc >= ps.length - 1 : u.argc === ps.length) || u.spreadCall;
    };
    for (const u of this.unresolved) {
      const cands = u.selector ? byName.get(u.name ?? '') ?? [] : [...(byName.get(u.name ?? '') ?? []).filter((x) => x.kind === 'functype'), ...values];
      for (const sl of cands) if (fits(sl, u)) poison(this.find(sl.id), u.why);
    }
  }

  private memberIndex: Map<string, Slot[]> | undefined;
  members(root: string): Slot[] {
    if (!this.memberIndex) {
      this.memberIndex = new Map();
      for (const sl of this.slots.values()) {
        const r = this.find(sl.id);
        const l = this.memberIndex.get(r);
        if (l) l.push(sl);
        else this.memberIndex.set(r, [sl]);
      }
    }
    return this.memberIndex.get(root) ?? [];
  }
}

function hasSignature(t: GType): boolean {
  switch (t.k) {
    case 'func':
    case 'mexpr':
    case 'named':
      return true;
    case 'ptr':
      return t.elem.k === 'named';
    case 'slice':
    case 'chan':
    case 'map':
      return hasSignature(t.elem);
    default:
      return false;
  }
}

/** Standard-library import paths have no dot in their first element. */
export function isStd(what: string): boolean {
  const first = what.includes('/') ? what.split('/')[0] : what.split('.')[0];
  return !first.includes('.');
}
