// Moved to lib/testing/fixtures.ts (shipped as part of goshift/testing); kept here for the tests' imports.
export * from '../../lib/testing/fixtures.js';
