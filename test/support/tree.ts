// Moved to lib/testing/tree.ts (shipped as part of goshift/testing); kept here for the tests' imports.
export * from '../../lib/testing/tree.js';
