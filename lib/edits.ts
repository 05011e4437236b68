// Text edits over original offsets. A list (parameters or arguments) is permuted by moving its
// items' text between fixed separators, so commas, spacing and comments between items stay put.
// In a gofmt-style multi-line list (one item per line) whole lines move instead, each item with
// its trailing line comment and the comment lines directly above it.
import type MagicString from 'magic-string';
import type { Node } from './source.js';

export class EditError extends Error {}

export function permuteList(ms: MagicString, text: string, list: Node, items: Node[], perm: number[]): void {
  if (perm.length !== items.length) throw new EditError(`permutation of ${perm.length} for ${items.length} items at offset ${list.startIndex}`);
  const ranges = oneItemPerLine(list, items) ? lineBlocks(text, list, items) : items.map((it) => [it.startIndex, it.endIndex] as [number, number]);
  for (let i = 0; i < perm.length; i++) {
    if (perm[i] === i) continue;
    const [s, e] = ranges[perm[i]];
    ms.move(s, e, ranges[i][1]);
  }
}

/** Every item starts on a line of its own, after the opening line, and the closing bracket has a line of its own. */
export function oneItemPerLine(list: Node, items: Node[]): boolean {
  if (items.length === 0) return false;
  let row = list.startPosition.row;
  for (const it of items) {
    if (it.startPosition.row <= row) return false;
    row = it.endPosition.row;
  }
  const close = list.lastChild;
  return !!close && close.startPosition.row > row;
}

/** [start, end) of each item's lines: leading own-line comments through the end of its last line (without the newline). */
function lineBlocks(text: string, list: Node, items: Node[]): [number, number][] {
  const out: [number, number][] = [];
  let prevEnd = list.startIndex + 1;
  for (const it of items) {
    let start = text.lastIndexOf('\n', it.startIndex - 1) + 1;
    // Comment lines directly above (no blank line between) belong to the item.
    for (;;) {
      if (start <= prevEnd) break;
      const prevLineStart = text.lastIndexOf('\n', start - 2) + 1;
      if (prevLineStart < prevEnd) break;
      const line = text.slice(prevLineStart, start - 1).trim();
      if (!line.startsWith('//')) break;
      start = prevLineStart;
    }
    let end = text.indexOf('\n', it.endIndex);
    if (end < 0) end = text.length;
    if (text[end - 1] === '\r') end--;
    out.push([start, end]);
    prevEnd = end;
  }
  return out;
}
