import type { RewriteAPI } from '../lib/rewrite.js';
import type { Node } from '../lib/source.js';
import type { RunView, Transform } from '../lib/types.js';

const XNET = 'golang.org/x/net/context';
/** The exported names of the standard context package (Go 1.26): `go doc -all context`. */
const STD_NAMES = new Set([
  'AfterFunc', 'Background', 'CancelCauseFunc', 'CancelFunc', 'Canceled', 'Cause', 'Context', 'DeadlineExceeded', 'TODO',
  'WithCancel', 'WithCancelCause', 'WithDeadline', 'WithDeadlineCause', 'WithTimeout', 'WithTimeoutCause', 'WithValue', 'WithoutCancel',
]);

/**
 * `golang.org/x/net/context` → `context`. Since Go 1.9 every name of x/net/context is an alias of
 * (or forwards to) the standard package's, so the program does the same thing. The import is
 * rewritten (keeping its name, and moved to its gofmt-sorted place, in the block of standard
 * imports when there is one), or, when the file imports `context` too, dropped and its uses
 * renamed to that import's name. A file using a name the standard package lacks is left alone.
 */
export const ctxLegacy: Transform = {
  name: 'ctx-legacy',
  description: 'import "context" instead of golang.org/x/net/context (the same names since Go 1.9; behaviour kept)',
  finding: 'golang.org/x/net/context is the standard context package under another path; import "context"',
  default: true,
  // Only the import path can name it: identifiers never hold a slash.
  mentions: /^golang\.org\/x\/net\/context$/,
  rewriteFile(api: RewriteAPI): void {
    new Legacy(api).run();
  },
  afterRun(run: RunView): string[] {
    const notes: string[] = [];
    for (const m of run.modules) {
      // go.mod first: the imports of a module that does not require x/net are not worth reading.
      if (!requiresDirectly(run.goMod(m), 'golang.org/x/net')) continue;
      const imp = run.imports(m);
      const xnet = (s: Set<string>) => [...s].some((p) => p === 'golang.org/x/net' || p.startsWith('golang.org/x/net/'));
      if (!imp || !xnet(imp.before) || xnet(imp.after)) continue;
      notes.push(`golang.org/x/net may no longer be needed by ${m.path}: no file of it imports golang.org/x/net/... any more; run go mod tidy`);
    }
    return notes;
  },
};

/** go.mod requires the module, not as `// indirect` (something else may need that one). */
function requiresDirectly(gomod: string | null, mod: string): boolean {
  if (!gomod) return false;
  const code = (l: string) => l.replace(/\/\/(?! indirect).*$/, '');
  let inBlock = false;
  for (const raw of gomod.split('\n')) {
    const l = code(raw).trim();
    if (inBlock) {
      if (l === ')') inBlock = false;
      else if (l.split(/\s+/)[0] === mod) return !/\/\/ indirect/.test(raw);
    } else if (/^require\s*\($/.test(l)) inBlock = true;
    else if (l.startsWith('require ') && l.split(/\s+/)[1] === mod) return !/\/\/ indirect/.test(raw);
  }
  return false;
}

interface Spec {
  node: Node;
  /** The import_spec_list it is in, or null for `import "x"`. */
  list: Node | null;
  decl: Node;
  /** `context` for no name, else the name as written (`.`, `_`, an alias). */
  name: string;
  explicit: boolean;
  path: string;
}

class Legacy {
  private readonly text: string;
  private specs: Spec[] = [];

  constructor(private readonly api: RewriteAPI) {
    this.text = api.text;
  }

  run(): void {
    const api = this.api;
    for (const d of api.root.namedChildren) {
      if (d.type !== 'import_declaration') continue;
      const list = d.namedChildren.find((c) => c.type === 'import_spec_list') ?? null;
      for (const s of (list ?? d).namedChildren) {
        if (s.type !== 'import_spec') continue;
        const p = s.childForFieldName('path')!;
        const n = s.childForFieldName('name');
        this.specs.push({ node: s, list, decl: d, name: n ? n.text : 'context', explicit: !!n, path: p.text.slice(1, -1) });
      }
    }
    const xs = this.specs.filter((s) => s.path === XNET);
    const stds = this.specs.filter((s) => s.path === 'context');
    if (xs.length !== 1) {
      if (xs.length > 1) api.leftAlone(xs[1].node, `the file imports ${XNET} more than once; left as it is`);
      return;
    }
    const x = xs[0];
    if (x.name === '_') {
      // No names come from it: the import goes.
      this.removeSpec(x);
      return this.done(x);
    }
    const uses = x.name === '.' ? [] : this.qualifiedUses(x.name);
    const missing = uses.filter((u) => !STD_NAMES.has(u.sel));
    if (missing.length) {
      const names = [...new Set(missing.map((u) => `${x.name}.${u.sel}`))];
      const other = this.otherUse(x.name);
      const also = other ? ` (or ${x.name} there is not the import: it also names something else, line ${other.startPosition.row + 1})` : '';
      api.leftAlone(missing[0].node, `uses ${names.join(', ')}, which the standard context package does not have${also}; ${XNET} left as it is`);
      return;
    }
    if (stds.length === 0) {
      // Same name, same meaning: only the path changes (an explicit `context` name is dropped).
      const keep = x.explicit && x.name !== 'context' ? `${x.name} ` : '';
      if (this.movePath(x, `${keep}"context"`)) this.done(x);
      return;
    }
    const s = stds[0];
    if (stds.length > 1 || s.name === '.' || s.name === '_' || x.name === '.') {
      api.leftAlone(x.node, `the file imports "context" too${s.name === '.' || x.name === '.' ? ' and one of the two is a dot import' : stds.length > 1 ? ' more than once' : ' as _'}: merging the two is left to you`);
      return;
    }
    // Both imported: the x/net name's uses take the std import's name, and the x/net import goes.
    for (const clash of [x.name, s.name]) {
      const other = this.otherUse(clash);
      if (other) {
        api.leftAlone(other, `the file imports "context" too, but ${clash} also names something other than an import on this line: renaming ${x.name}.X to ${s.name}.X could change what a name means; left as it is`);
        return;
      }
    }
    // Text another change writes anew (an --api compat wrapper copies the old parameters) would
    // still name the x/net import: then it stays.
    const written = (t: string) => t.split(new RegExp(`\\b${x.name}\\s*\\.`)).length - 1;
    if (written(api.current()) > written(api.text)) {
      api.leftAlone(x.node, `the file imports "context" too, but text another change adds to it (an --api compat wrapper) names ${x.name}: merging the imports is left to you`);
      return;
    }
    for (const u of uses) api.replace(u.qual.startIndex, u.qual.endIndex, s.name);
    this.removeSpec(x);
    this.done(x);
  }

  private done(x: Spec): void {
    this.api.count(`import of ${XNET} replaced by context`, `imports of ${XNET} replaced by context`, 1, x.node);
  }

  /** `name.Sel` in expressions and types. */
  private qualifiedUses(name: string): { node: Node; qual: Node; sel: string }[] {
    const out: { node: Node; qual: Node; sel: string }[] = [];
    for (const n of this.api.root.descendantsOfType(['selector_expression', 'qualified_type'])) {
      const q = n.type === 'qualified_type' ? n.childForFieldName('package') : n.childForFieldName('operand');
      const sel = n.type === 'qualified_type' ? n.childForFieldName('name') : n.childForFieldName('field');
      if (!q || !sel || q.text !== name || (q.type !== 'identifier' && q.type !== 'package_identifier')) continue;
      out.push({ node: n, qual: q, sel: sel.text });
    }
    return out;
  }

  /** An identifier spelled `name` that is not a package qualifier nor an import's name: a declaration or use of something else. */
  private otherUse(name: string): Node | null {
    for (const n of this.api.root.descendantsOfType(['identifier', 'package_identifier'])) {
      if (n.text !== name) continue;
      const p = n.parent!;
      if (p.type === 'import_spec' || p.type === 'package_clause' || p.type === 'qualified_type') continue;
      if (p.type === 'selector_expression' && p.childForFieldName('operand')?.id === n.id) continue;
      return n;
    }
    return null;
  }

  // ---- import block editing, gofmt-clean

  private lineStart(pos: number): number {
    return this.text.lastIndexOf('\n', pos - 1) + 1;
  }
  /** Just after the line's newline. */
  private lineEnd(pos: number): number {
    const e = this.text.indexOf('\n', pos);
    return e < 0 ? this.text.length : e + 1;
  }
  private blank(start: number): boolean {
    return start < this.text.length && this.text.slice(start, this.lineEnd(start)).trim() === '';
  }

  /** gofmt sorts specs within runs: specs on consecutive lines. */
  private runOf(s: Spec): Spec[] {
    if (!s.list) return [s];
    const inList = this.specs.filter((o) => o.list?.id === s.list!.id);
    let i = inList.indexOf(s);
    let j = i;
    while (i > 0 && inList[i - 1].node.endPosition.row + 1 >= inList[i].node.startPosition.row) i--;
    while (j < inList.length - 1 && inList[j].node.endPosition.row + 1 >= inList[j + 1].node.startPosition.row) j++;
    return inList.slice(i, j + 1);
  }

  /** Removes a spec's line (the whole declaration when it is its only spec), keeping blank lines as gofmt would. */
  private removeSpec(s: Spec): void {
    const alone = !s.list || this.specs.filter((o) => o.decl.id === s.decl.id).length === 1;
    const node = alone ? s.decl : s.node;
    this.removeLines(this.lineStart(node.startIndex), this.lineEnd(node.endIndex));
  }

  /** Removes whole lines [start, end); a blank line left doubled, or next to a block's parenthesis, goes too. */
  private removeLines(start: number, end: number): void {
    const prev = start > 0 ? this.lineStart(start - 1) : -1;
    const prevBlank = prev >= 0 && this.blank(prev);
    const nextBlank = this.blank(end);
    const prevText = prev >= 0 ? this.text.slice(prev, start).trim() : '';
    const nextText = this.text.slice(end, this.lineEnd(end)).trim();
    if (nextBlank && (prevBlank || prevText.endsWith('(') || prev < 0)) end = this.lineEnd(end);
    else if (prevBlank && nextText.startsWith(')')) start = prev;
    this.api.replace(start, end, '');
  }

  /**
   * Rewrites the spec as `spec` ("context" with its name), at its sorted place: in the first run of
   * standard-library imports when there is one, else in its own run.
   */
  private movePath(x: Spec, spec: string): boolean {
    const own = this.runOf(x);
    const std = (p: string) => !p.split('/')[0].includes('.');
    const stdRun = this.specs
      .filter((o) => o.list && o !== x)
      .map((o) => this.runOf(o))
      .find((r) => r.every((o) => o === x || std(o.path)));
    const run = stdRun ?? own;
    const others = run.filter((o) => o !== x);
    const commented = (r: Spec[]) => r.some((o) => o !== x && this.trailingComment(o));
    if (this.trailingComment(x) && commented(own)) {
      // gofmt aligns trailing comments of neighbouring lines: a shorter line would need them realigned.
      this.api.leftAlone(x.node, `the import's trailing comment is aligned with those of the lines next to it, which gofmt would realign; left as it is`);
      return false;
    }
    const pathStart = x.node.childForFieldName('name')?.startIndex ?? x.node.childForFieldName('path')!.startIndex;
    if (!x.list || others.length === 0) {
      this.api.replace(pathStart, x.node.endIndex, spec);
      return true;
    }
    // The sorted place: before the first spec of the run whose (path, name) sorts after.
    const key = (path: string, name: string) => `${path}\u0000${name}`;
    const mine = key('context', x.explicit && x.name !== 'context' ? x.name : '');
    const before = others.find((o) => key(o.path, o.explicit ? o.name : '') > mine);
    const after = before ? others[others.indexOf(before) - 1] : others[others.length - 1];
    const inPlace = run === own && (before ? own.indexOf(before) === own.indexOf(x) + 1 : own[own.length - 1] === x) && (!after || own.indexOf(after) === own.indexOf(x) - 1);
    if (inPlace) {
      this.api.replace(pathStart, x.node.endIndex, spec);
      return true;
    }
    if (this.trailingComment(x) || commented(own) || commented(run)) {
      // gofmt aligns trailing comments of neighbouring lines: moving a line would realign them.
      this.api.leftAlone(x.node, `"context" sorts elsewhere in the import block, whose lines carry trailing comments that gofmt aligns; left as it is`);
      return false;
    }
    const indent = this.text.slice(this.lineStart(x.node.startIndex), x.node.startIndex);
    const line = `${indent}${spec}\n`;
    this.removeLines(this.lineStart(x.node.startIndex), this.lineEnd(x.node.endIndex));
    if (before) this.api.insert(this.lineStart(before.node.startIndex), line);
    else this.api.insert(this.lineEnd(after!.node.endIndex), line);
    return true;
  }

  private trailingComment(s: Spec): boolean {
    const end = this.lineEnd(s.node.endIndex);
    return this.text.slice(s.node.endIndex, end).trim() !== '';
  }
}
