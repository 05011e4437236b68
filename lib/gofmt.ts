// What gofmt does to an argument when its call gains a second one. go/printer prints the arguments
// of a call with more than one a level deeper (nodes.go, CallExpr: `if len(x.Args) > 1 { depth++ }`),
// and depth decides two spacings: a binary expression printed at depth 1 keeps blanks around every
// operator (or, mixing precedences 4 and 5, around those of precedence 4), deeper ones only around
// operators of precedence 1-3 (cutoff()); a slice expression at depth 1 with a binary index puts
// blanks around its colons (`s[i+1 : j]`), deeper ones do not. So `f("load " + id)` becomes
// `f(ctx, "load "+id)`. Only what was printed at depth 1 changes: parentheses, brackets, composite and
// func literals and calls of several arguments print their insides at a depth of their own.
import type { Node } from './source.js';

/** Go's binary operator precedences (go/token). */
const PREC: Record<string, number> = {
  '||': 1, '&&': 2,
  '==': 3, '!=': 3, '<': 3, '<=': 3, '>': 3, '>=': 3,
  '+': 4, '-': 4, '|': 4, '^': 4,
  '*': 5, '/': 5, '%': 5, '<<': 5, '>>': 5, '&': 5, '&^': 5,
};

/** A range of the file's text to replace. */
export interface Respace {
  start: number;
  end: number;
  text: string;
}

function operatorOf(n: Node): Node | null {
  return n.childForFieldName('operator') ?? n.children.find((c) => !c.isNamed && PREC[c.type] !== undefined) ?? null;
}

function precOf(n: Node): number {
  return PREC[operatorOf(n)?.type ?? ''] ?? 0;
}

/** go/printer's walkBinary: the precedences in a chain and whether an operand forbids compacting. */
function walkBinary(e: Node): { has4: boolean; has5: boolean; problem: number } {
  const p = precOf(e);
  let has4 = p === 4;
  let has5 = p === 5;
  let problem = 0;
  const l = e.childForFieldName('left');
  if (l?.type === 'binary_expression' && precOf(l) >= p) {
    const w = walkBinary(l);
    has4 ||= w.has4;
    has5 ||= w.has5;
    problem = Math.max(problem, w.problem);
  }
  const r = e.childForFieldName('right');
  if (r?.type === 'binary_expression' && precOf(r) > p) {
    const w = walkBinary(r);
    has4 ||= w.has4;
    has5 ||= w.has5;
    problem = Math.max(problem, w.problem);
  } else if (r?.type === 'unary_expression') {
    const pair = (operatorOf(e)?.type ?? '') + (r.childForFieldName('operator')?.type ?? r.child(0)?.type ?? '');
    if (pair === '/*' || pair === '&&' || pair === '&^') problem = 5;
    else if (pair === '++' || pair === '--') problem = Math.max(problem, 4);
  }
  return { has4, has5, problem };
}

/**
 * The edits that turn a call's only argument into what gofmt prints once the call has more
 * arguments (none when nothing changes), or null when goshift cannot tell (a comment between an
 * operand and its operator).
 */
export function asOneOfSeveral(arg: Node, text: string): Respace[] | null {
  const out: Respace[] = [];
  let unsure = false;
  /** Blanks between two tokens go; a line break stays as it is. */
  const squeeze = (start: number, end: number) => {
    const gap = text.slice(start, end);
    if (gap === '') return;
    if (!/^\s*$/.test(gap)) unsure = true;
    else if (!gap.includes('\n')) out.push({ start, end, text: '' });
  };
  const binary = (b: Node) => {
    const { has4, has5, problem } = walkBinary(b);
    const p = precOf(b);
    const op = operatorOf(b);
    const l = b.childForFieldName('left');
    const r = b.childForFieldName('right');
    if (!op || !l || !r) {
      unsure = true;
      return;
    }
    // A problem operand sets the cutoff whatever the depth: nothing changes in this chain.
    if (problem > 0) return;
    // Blanks around the operator at depth 1 (as written, gofmt'd) and deeper.
    const blankNow = p < (has4 && has5 ? 5 : 6);
    const blankDeeper = p < 4;
    if (blankNow && !blankDeeper) {
      squeeze(l.endIndex, op.startIndex);
      squeeze(op.endIndex, r.startIndex);
    }
    // The left operand stays at this depth when it is a chain of the same precedence; the right one goes deeper.
    if (l.type === 'binary_expression' && precOf(l) === p) binary(l);
  };
  const slice = (s: Node) => {
    const idx = s.namedChildren.filter((c) => c.type !== 'comment' && c.id !== s.childForFieldName('operand')?.id);
    if (idx.length < 2 || !idx.some((c) => c.type === 'binary_expression')) return;
    for (const c of s.children) {
      if (c.type !== ':') continue;
      const prev = c.previousSibling;
      const next = c.nextSibling;
      if (prev && prev.type !== '[') squeeze(prev.endIndex, c.startIndex);
      if (next && next.type !== ']') squeeze(c.endIndex, next.startIndex);
    }
  };
  const visit = (n: Node) => {
    switch (n.type) {
      case 'binary_expression':
        binary(n);
        return;
      case 'slice_expression':
        slice(n);
        return;
      case 'unary_expression':
      case 'selector_expression':
      case 'type_assertion_expression': {
        const x = n.childForFieldName('operand');
        if (x) visit(x);
        return;
      }
      case 'variadic_argument':
        if (n.namedChildren[0]) visit(n.namedChildren[0]);
        return;
      case 'call_expression': {
        const args = n.childForFieldName('arguments')?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
        if (args.length > 1) return;
        const fn = n.childForFieldName('function');
        if (fn) visit(fn);
        if (args[0]) visit(args[0]);
        return;
      }
      default:
        // Identifiers and literals; parentheses, index expressions, composite and func literals print
        // their insides at a depth of their own.
        return;
    }
  };
  visit(arg);
  return unsure ? null : out;
}
