// Evaluation order kept by temporaries (part of the plan and edit stages). A call whose arguments
// cannot trade places because two of them have effects (`st.Copy(next(), ctxAt(), next())`) can
// still change when its statement sits in a block: the arguments that must keep their order are
// bound to fresh names right before the statement, in their original order, and the call passes
// the names:
//
//     return st.Copy(next(), ctxAt(), next())   →   dst, ctx := next(), ctxAt()
//                                                    return st.Copy(ctx, dst, next())
//
// Only where that provably keeps the order of every effect of the statement (Go evaluates calls and
// receives in lexical left-to-right order): nothing with an effect is evaluated before the call in
// the statement, the call is not in the right operand of && or ||, not in an if/for/switch/select
// header, not in a labelled statement or at package level, and its function has no goto.
import { unparen } from './source.js';
import type { Node } from './source.js';

/** How one call keeps its order. */
export interface TempPlan {
  /** The statement the bindings go before. */
  stmt: Node;
  /** Indexes (in the full argument list) of the arguments bound, in their original order. */
  bound: number[];
  /** What each bound argument is named after (the parameter's name; `ctx`, `arg` when it has none). */
  hints: string[];
  /** The whitespace before the statement on its line. */
  indent: string;
  /**
   * Indentation to remove ([start, end) of the original text): the continuation lines of a bound
   * argument that began on a line of its own, deeper than the statement, so that it stays gofmt-clean
   * where it goes.
   */
  dedent: [number, number][];
}

/** Statements a binding may go before: simple statements of a block or a case. */
const SIMPLE = new Set([
  'expression_statement', 'return_statement', 'short_var_declaration', 'assignment_statement', 'go_statement',
  'defer_statement', 'send_statement', 'var_declaration', 'inc_statement', 'dec_statement',
]);

/** Builtins whose result may be an untyped constant: `x := real(1i)` would change its type. */
const CONSTANT_BUILTINS = new Set(['real', 'imag', 'complex', 'min', 'max', 'len', 'cap']);

/** Whether evaluating n may call a function or receive (not inside func literals). Iterative: deep expressions are fine. */
export function hasEffects(root: Node): boolean {
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

/**
 * How to keep the order of a call's arguments with temporaries, or why it cannot be done.
 * `as` are the call's arguments (comments left out), `offset` 1 for a method expression's receiver,
 * `order` the new order of the fixed parameters, `names` the parameters' names and whether each is a
 * context.
 */
export function planTemps(call: Node, as: Node[], offset: number, order: number[], params: { name: string | null; isContext: boolean }[], text: string): TempPlan | string {
  // The last old position that moves: everything with an effect up to it is bound.
  let last = -1;
  for (let i = 0; i < order.length; i++) if (order[i] !== i) last = Math.max(last, order[i], i);
  const upTo = offset + last;
  const bound: number[] = [];
  for (let k = 0; k <= upTo && k < as.length; k++) {
    if (!hasEffects(as[k])) continue;
    const a = unparen(as[k]);
    // A call or a receive has a type of its own; an expression around one (`1 << f()`) may not.
    const isCall = a.type === 'call_expression';
    const isRecv = a.type === 'unary_expression' && a.childForFieldName('operator')?.text === '<-';
    if (!isCall && !isRecv) return `${as[k].text.length > 40 ? 'an argument' : as[k].text} has effects inside a larger expression, which goshift does not bind to a temporary`;
    if (isCall) {
      const fn = unparen(a.childForFieldName('function')!);
      if (fn.type === 'identifier' && CONSTANT_BUILTINS.has(fn.text)) return `${fn.text}(…) may be an untyped constant, which a temporary would give another type`;
    }
    bound.push(k);
  }
  if (bound.length === 0) return 'nothing to bind';
  // What runs before the bound arguments in the statement must have no effect: the call's function
  // (a receiver `getStore().Copy`), and everything lexically before the call.
  if (hasEffects(call.childForFieldName('function')!)) return 'the function called has effects of its own, evaluated before its arguments';
  let stmt: Node | null = null;
  for (let child: Node = call, p = call.parent; p; child = p, p = p.parent) {
    if (p.type === 'func_literal' || p.type === 'source_file') return 'the call is not in a statement of a block';
    if (p.type === 'binary_expression') {
      const op = p.childForFieldName('operator')?.text;
      if ((op === '&&' || op === '||') && p.childForFieldName('right')?.id === child.id) return `the call is evaluated only when the left operand of ${op} says so`;
    }
    for (const sib of p.namedChildren) {
      if (sib.endIndex > child.startIndex) break;
      if (sib.type !== 'comment' && hasEffects(sib)) return `${sib.text.length > 40 ? 'something' : sib.text} is evaluated before the call in the same statement and has effects`;
    }
    if (SIMPLE.has(p.type)) {
      if (p.parent?.type !== 'statement_list') return 'the call is in an if, for, switch or select header, or a labelled statement';
      stmt = p;
      break;
    }
    if (p.type.endsWith('_statement') || p.type === 'statement_list' || p.type === 'block') return 'the call is in an if, for, switch or select header';
  }
  if (!stmt) return 'the call is not in a statement of a block';
  // The binding must not be jumped over by a goto into its scope.
  for (let p = stmt.parent; p; p = p.parent) {
    if (p.type === 'function_declaration' || p.type === 'method_declaration' || p.type === 'func_literal') {
      if (p.descendantsOfType('goto_statement').length) return 'its function uses goto, which could jump over the temporaries';
      break;
    }
  }
  const lineStart = text.lastIndexOf('\n', stmt.startIndex - 1) + 1;
  const indent = text.slice(lineStart, stmt.startIndex);
  if (!/^[ \t]*$/.test(indent)) return 'the statement does not start its line';
  const dedent: [number, number][] = [];
  const lineOfStmt = stmt.startPosition.row;
  for (const k of bound) {
    const a = as[k];
    if (a.startPosition.row === a.endPosition.row || a.startPosition.row === lineOfStmt) continue;
    const ls = text.lastIndexOf('\n', a.startIndex - 1) + 1;
    const own = text.slice(ls, a.startIndex);
    if (!/^[ \t]*$/.test(own) || !own.startsWith(indent)) return 'a bound argument spans lines in a way goshift does not re-indent';
    const d = own.length - indent.length;
    if (a.descendantsOfType('raw_string_literal').some((r) => r.startPosition.row !== r.endPosition.row)) return 'a bound argument holds a multi-line raw string, which re-indenting would change';
    for (let i = text.indexOf('\n', a.startIndex); i >= 0 && i < a.endIndex; i = text.indexOf('\n', i + 1)) {
      const from = i + 1;
      if (text.slice(from, from + d) === own.slice(indent.length)) dedent.push([from, from + d]);
      else if (!/^[ \t]*(\r?\n|$)/.test(text.slice(from, from + d + 2))) return 'a bound argument spans lines in a way goshift does not re-indent';
    }
  }
  const hints = bound.map((k) => {
    if (k < offset) return 'recv';
    const p = params[k - offset];
    if (p?.name && p.name !== '_') return p.name;
    return p?.isContext ? 'ctx' : 'arg';
  });
  return { stmt, bound, hints, indent, dedent };
}

/** A name for a temporary: the hint, else the hint with 2, 3, … — never one in `taken`, which it joins. */
export function freshName(hint: string, taken: Set<string>): string {
  let name = hint;
  for (let k = 2; taken.has(name); k++) name = `${hint}${k}`;
  taken.add(name);
  return name;
}

const ID_TYPES = new Set(['identifier', 'field_identifier', 'type_identifier', 'package_identifier', 'label_name']);

/** The top-level declaration around a node (the scope whose names a temporary must not take). */
export function topDeclOf(n: Node): Node {
  while (n.parent && n.parent.type !== 'source_file') n = n.parent;
  return n;
}

/** Every identifier written in a node. */
export function identifiersIn(root: Node): Set<string> {
  const out = new Set<string>();
  const c = root.walk();
  for (;;) {
    if (ID_TYPES.has(c.nodeType)) out.add(c.nodeText);
    if (c.gotoFirstChild()) continue;
    while (!c.gotoNextSibling()) if (!c.gotoParent()) return out;
  }
}
