// --api compat (part of the plan and edit stages): exported functions and methods whose context
// moves keep their old signature for modules outside the workspace. The moved declaration gets a
// new name (old name + suffix, `QueryContext`-style); the old name stays as a thin wrapper marked
// `// Deprecated:` and `//go:fix inline`, so that `go fix ./...` migrates downstream modules; every
// call in the workspace uses the new name.
//
//     func Fetch(id string, ctx context.Context) string { … }
//  →  func FetchContext(ctx context.Context, id string) string { … }
//
//     // Fetch is FetchContext with its old parameter order.
//     //
//     // Deprecated: use FetchContext.
//     //
//     //go:fix inline
//     func Fetch(id string, ctx context.Context) string { return FetchContext(ctx, id) }
//
// Interface methods and func types have one signature for everyone: such sets are left alone.
import type { Ref, Slot } from './link.js';
import { paramsOf } from './program.js';
import { unparen } from './source.js';
import type { Node } from './source.js';

/** What one member of a compat set becomes. */
export interface CompatMember {
  slot: Slot;
  /** The declaration's name identifier, renamed. */
  nameNode: Node;
  /** The first word of its doc comment when that is the old name: renamed too. */
  docWord: Node | null;
  docWordStart: number;
  /** The wrapper, inserted after the declaration. */
  wrapper: string;
}

export interface CompatPlan {
  oldName: string;
  newName: string;
  members: CompatMember[];
  /** For each call, the identifier naming the callee (renamed). */
  refNames: Map<Ref, Node>;
}

/** The identifier a call names its callee by (`F`, `pkg.F`, `x.M`, `(*T).M`, `F[int]`), or null. */
export function calleeName(call: Node): Node | null {
  const f = call.childForFieldName('function');
  if (!f) return null;
  const fn = unparen(f);
  if (fn.type === 'identifier') return fn;
  if (fn.type === 'selector_expression') return fn.childForFieldName('field');
  return null;
}

/**
 * The plan for a set under --api compat, or why it cannot be done. `order` is the new order of the
 * parameters; `taken` tells whether a name is already written anywhere in the workspace (then it
 * would clash or be shadowed), and where.
 */
export function planCompat(members: Slot[], refs: Ref[], order: number[], suffix: string, taken: (name: string) => string | null): CompatPlan | { error: string } | { reason: string } {
  const kinds = new Set(members.map((m) => m.kind));
  const other = members.find((m) => m.kind !== 'func' && m.kind !== 'method');
  if (other) return { reason: `${other.kind === 'imethod' ? 'an interface method' : other.kind === 'literal' ? 'a func literal' : 'a func type'} in the set has one signature for every module that implements, calls or assigns it: the old order cannot be kept beside the new` };
  if (kinds.size !== 1) return { reason: 'it links functions and methods' };
  const oldName = members[0].name;
  if (members.some((m) => m.name !== oldName)) return { reason: 'it links declarations of different names' };
  const newName = oldName + suffix;
  const where = taken(newName);
  if (where) return { error: `--api compat: ${newName}, the new name of ${oldName}, is already used (${where}); choose another --compat-suffix` };
  const out: CompatMember[] = [];
  for (const m of members) {
    const decl = m.node;
    const nameNode = decl.childForFieldName('name');
    if (!nameNode) return { reason: 'its declaration has no name' };
    const ps = paramsOf(m.params);
    if (ps.some((p) => !p.name || p.name === '_')) return { reason: `${oldName} has unnamed parameters, which the wrapper keeping its old signature would need to pass on` };
    const text = m.file.pf.text;
    const slice = (n: Node | null) => (n ? text.slice(n.startIndex, n.endIndex) : '');
    const args = order.map((k) => (ps[k].variadic ? `${ps[k].name}...` : ps[k].name!));
    const result = decl.childForFieldName('result');
    const tparams = decl.childForFieldName('type_parameters');
    let head: string;
    let callee: string;
    if (m.kind === 'method') {
      const recvList = decl.childForFieldName('receiver')!;
      const rp = recvList.namedChildren.find((c) => c.type === 'parameter_declaration');
      const rtype = rp?.childForFieldName('type');
      if (!rp || !rtype) return { reason: 'its receiver cannot be read' };
      let recvName = rp.childForFieldName('name')?.text ?? null;
      let recvText = slice(recvList);
      if (!recvName || recvName === '_') {
        const used = new Set(ps.map((p) => p.name));
        recvName = ['r', 'recv', 'self'].find((n) => !used.has(n)) ?? 'recv0';
        recvText = `(${recvName} ${slice(rtype)})`;
      }
      head = `func ${recvText} ${oldName}`;
      callee = `${recvName}.${newName}`;
    } else {
      const tnames = tparams ? tparams.namedChildren.filter((d) => d.type === 'type_parameter_declaration').flatMap((d) => d.childrenForFieldName('name').map((n) => n.text)) : [];
      head = `func ${oldName}${slice(tparams)}`;
      callee = tnames.length ? `${newName}[${tnames.join(', ')}]` : newName;
    }
    const call = `${callee}(${args.join(', ')})`;
    const wrapper =
      `\n\n// ${oldName} is ${newName} with its old parameter order.\n//\n// Deprecated: use ${newName}.\n//\n//go:fix inline\n` +
      `${head}${slice(m.params)}${result ? ' ' + slice(result) : ''} {\n\t${result ? 'return ' : ''}${call}\n}`;
    // A doc comment that starts with the old name describes the new one now.
    let docWord: Node | null = null;
    let docWordStart = 0;
    const prev = decl.previousSibling;
    if (prev?.type === 'comment' && prev.endPosition.row === decl.startPosition.row - 1) {
      let first: Node = prev;
      while (first.previousSibling?.type === 'comment' && first.previousSibling.endPosition.row === first.startPosition.row - 1) first = first.previousSibling;
      if (first.text.startsWith(`// ${oldName} `) || first.text === `// ${oldName}`) {
        docWord = first;
        docWordStart = first.startIndex + 3;
      }
    }
    out.push({ slot: m, nameNode, docWord, docWordStart, wrapper });
  }
  const refNames = new Map<Ref, Node>();
  for (const r of refs) {
    const n = calleeName(r.call);
    if (!n || n.text !== oldName) return { reason: `a call of ${oldName} does not name it (${r.file.sf.rel}:${r.call.startPosition.row + 1}), so it could not be moved to ${newName}` };
    refNames.set(r, n);
  }
  return { oldName, newName, members: out, refNames };
}
