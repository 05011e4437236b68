/**
 * Whether a GOSHIFT_DEBUG_* switch is on: set to a non-empty value other than `0`
 * (so `GOSHIFT_DEBUG_TIMING=0` turns timing off, as a user would expect).
 */
export function debugOn(name: string): boolean {
  const v = process.env[name];
  return v !== undefined && v !== '' && v !== '0';
}

/**
 * A switch for the tests: the facts count in captureBodies every body with a literal the code runs,
 * whether or not the literal may capture a context (lib/facts.ts), so that a run with it and one
 * without can be compared. Part of the facts cache's salt (lib/factstore.ts).
 */
export const EVERY_RUN_BODY = 'GOSHIFT_DEBUG_EVERY_RUN_BODY';
