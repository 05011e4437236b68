import { formatPatch, structuredPatch } from 'diff';

/**
 * A git-style unified diff of one file (3 lines of context) that `git apply` and `patch -p1`
 * accept: `diff --git a/<rel> b/<rel>`, `--- a/<rel>`, `+++ b/<rel>`, then the hunks.
 * Lines keep their own endings, so CRLF files diff as CRLF; a missing final newline is marked
 * with `\ No newline at end of file`. Returns '' when the texts are equal.
 * Names that need it are C-quoted, as git does.
 */
export function unifiedDiff(rel: string, before: string, after: string): string {
  if (before === after) return '';
  const patch = structuredPatch('a/' + rel, 'b/' + rel, before, after, undefined, undefined, { context: 3 });
  if (patch.hunks.length === 0) return '';
  patch.isGit = true;
  return formatPatch(patch);
}
