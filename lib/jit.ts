// How V8 compiles goshift's code, for the command line only (bin/goshift.ts imports this module
// first, so that it runs before any other module is compiled; a program that calls the API keeps
// its own settings). Process-wide: the facts and check workers, started later, share it.
//
// A cold run is short and CPU-bound on every core: each thread lexes a part of the workspace once,
// and V8's optimizing compiler, which runs beside it, competes with the lexing threads for the same
// cores. With V8's defaults the big functions of the facts (the lexer, the top-level and body
// readers) are optimized early, on little type feedback, and again after each path they had not
// seen (each compile some 20-50 ms of CPU, several per function and thread), with deep inlining
// that makes each compile larger. Optimizing later (a larger interrupt budget: more feedback
// first) and inlining less spent over std 2.37 s against 2.02 s (medians of five alternating cold
// runs, budget 300000; 400000 and 500000 then took 1.97 s against 1.99 s in seven more), one file
// edited 1.49 s against 1.56 s, and neither the 10x tree nor ctx-last's walk of nearly every file
// moved. These flags change when and how code is compiled, never what it computes.
//
// GOSHIFT_V8_FLAGS replaces them (empty: V8's defaults), to measure another choice.
import { setFlagsFromString } from 'node:v8';

/** The flags set at start unless GOSHIFT_V8_FLAGS says otherwise. */
export const JIT_FLAGS = '--interrupt-budget=400000 --max-inlined-bytecode-size-cumulative=200';

const flags = process.env.GOSHIFT_V8_FLAGS ?? JIT_FLAGS;
if (flags.trim()) setFlagsFromString(flags);
