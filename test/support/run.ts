// Moved to lib/testing/run.ts (shipped as part of goshift/testing); kept here for the tests' imports.
export * from '../../lib/testing/run.js';
