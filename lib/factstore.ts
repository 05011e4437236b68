// Placeholder until the worker pool and disk cache land: facts computed inline.
import os from 'node:os';
import { factsOf } from './facts.js';
import type { FileFacts } from './facts.js';

export interface FactsOptions {
  jobs: number;
  cacheDir: string | null;
}

export function defaultCacheDir(): string | null {
  return null;
}

export function defaultJobs(): number {
  return os.availableParallelism();
}

export async function factsFor(inputs: { abs: string; bytes: Buffer }[], opts: FactsOptions): Promise<{ facts: FileFacts[]; stats: { hits: number; computed: number; cacheErrors: number } }> {
  void opts;
  return { facts: inputs.map((x) => factsOf(x.bytes)), stats: { hits: 0, computed: inputs.length, cacheErrors: 0 } };
}
