/**
 * Whether a GOSHIFT_DEBUG_* switch is on: set to a non-empty value other than `0`
 * (so `GOSHIFT_DEBUG_TIMING=0` turns timing off, as a user would expect).
 */
export function debugOn(name: string): boolean {
  const v = process.env[name];
  return v !== undefined && v !== '' && v !== '0';
}
