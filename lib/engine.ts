import type { RunResult, Transform, TransformOptions, Workspace } from './types.js';

/**
 * Runs transforms over a workspace and returns the new text of every file that changes,
 * with a report. Writes nothing.
 */
export async function runTransforms(ws: Workspace, transforms: Transform[], opts: TransformOptions): Promise<RunResult> {
  void ws; void transforms; void opts;
  throw new Error('not implemented yet');
}
