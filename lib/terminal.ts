// The terminal: coloured diffs (--color auto|always|never, NO_COLOR, FORCE_COLOR) and a progress
// bar on stderr for long runs. The escape codes come from picocolors (colours) and cli-progress
// (drawing and clearing the bar line); what is decided here is when to use them.
import type CliProgress from 'cli-progress';
import { createRequire } from 'node:module';
import { createColors } from 'picocolors';
import type { ProgressEvent } from './types.js';

export const COLOR_MODES = ['auto', 'always', 'never'] as const;
export type ColorMode = (typeof COLOR_MODES)[number];

/** --color's value: absent `auto`, `--no-color` `never`, `--color` alone `always`; null when it is none of the modes. */
export function colorMode(v: unknown): ColorMode | null {
  if (v === undefined) return 'auto';
  if (v === false) return 'never';
  if (v === '' || v === true) return 'always';
  return (COLOR_MODES as readonly unknown[]).includes(v) ? (v as ColorMode) : null;
}

/**
 * Whether to colour what goes to `stream`. `always` and `never` decide. `auto`: FORCE_COLOR set
 * colours (unless it is `0` or `false`, which does not), as in Node itself and most tools, even
 * when NO_COLOR is set too; else NO_COLOR set to anything but the empty string does not
 * (no-color.org); else colour only on a terminal that is not TERM=dumb.
 */
export function useColor(mode: ColorMode, stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (mode === 'always') return true;
  if (mode === 'never') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !(force === '0' || force.toLowerCase() === 'false');
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/**
 * A git-style unified diff coloured as git colours it: headers bold, hunk headers cyan, removed
 * lines red, added lines green. Line endings stay outside the colour codes. `on` false: unchanged.
 */
export function colorDiff(text: string, on: boolean): string {
  if (!on || text === '') return text;
  const c = createColors(true);
  let header = false;
  return text
    .split('\n')
    .map((raw) => {
      if (raw === '') return raw;
      const cr = raw.endsWith('\r') ? '\r' : '';
      const line = cr ? raw.slice(0, -1) : raw;
      let out = line;
      if (line.startsWith('diff --git ')) {
        header = true;
        out = c.bold(line);
      } else if (line.startsWith('@@')) {
        header = false;
        out = c.cyan(line);
      } else if (header) {
        out = c.bold(line);
      } else if (line.startsWith('+')) {
        out = c.green(line);
      } else if (line.startsWith('-')) {
        out = c.red(line);
      }
      return out + cr;
    })
    .join('\n');
}

/** How a stage is named on the bar. */
const STAGES: Record<ProgressEvent['stage'], string> = {
  read: 'reading',
  facts: 'scanning',
  parse: 'parsing',
  link: 'linking',
  edit: 'planning and editing',
};

/** Runs over fewer files than this get no bar: they are over before one would help. */
export const PROGRESS_MIN_FILES = 300;

export interface Progress {
  /** For TransformOptions.progress. */
  onProgress: (e: ProgressEvent) => void;
  /** Clears the bar's line (call before anything else is printed on the stream); idempotent. */
  stop: () => void;
}

/**
 * A progress bar on `stream` for a run over `files` files, or null when there should be none: the
 * stream is not a terminal (a pipe, a file, CI's log), -q, TERM=dumb, or fewer files than
 * `minFiles`. The bar shows the stage (reading, scanning, parsing, linking, planning and editing)
 * and its count, and is erased when stopped.
 */
export function progressBar(o: {
  stream: NodeJS.WritableStream & { isTTY?: boolean };
  files: number;
  quiet?: boolean;
  env?: NodeJS.ProcessEnv;
  minFiles?: number;
}): Progress | null {
  const env = o.env ?? process.env;
  if (o.quiet || o.stream.isTTY !== true || env.TERM === 'dumb' || o.files < (o.minFiles ?? PROGRESS_MIN_FILES)) return null;
  // Loaded here, not at start: a run without a bar (CI, a pipe, -q) does not pay its 30 ms.
  const cliProgress = createRequire(import.meta.url)('cli-progress') as typeof CliProgress;
  const format: CliProgress.GenericFormatter = (options, params, payload: { stage?: string }) => {
    const stage = payload.stage ?? '';
    if (stage === STAGES.edit) return `goshift: ${stage} ...`;
    return `goshift: ${stage.padEnd(8)} ${cliProgress.Format.BarFormat(params.progress, options)} ${params.value}/${params.total} files`;
  };
  const bar = new cliProgress.SingleBar({
    stream: o.stream,
    format,
    barsize: 30,
    fps: 10,
    clearOnComplete: true,
    hideCursor: false,
    gracefulExit: false,
    // Left as it is: cli-progress then cuts the line to the terminal's width and never switches the
    // terminal's line wrapping off (which a run killed by Ctrl-C would leave off).
    linewrap: true,
  }, cliProgress.Presets.shades_classic);
  let started = false;
  let stopped = false;
  let stage = '';
  return {
    onProgress: (e) => {
      if (stopped) return;
      const name = STAGES[e.stage];
      const total = Math.max(1, e.total);
      if (!started) {
        bar.start(total, e.done, { stage: name });
        started = true;
        stage = name;
        return;
      }
      if (name !== stage) {
        stage = name;
        bar.setTotal(total);
        bar.update(e.done, { stage: name });
        // A new stage is drawn at once, whatever the throttle says.
        bar.render();
        return;
      }
      if (bar.getTotal() !== total) bar.setTotal(total);
      bar.update(e.done);
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      if (started) bar.stop();
    },
  };
}
