/**
 * Jest runs the TypeScript sources through SWC (type-checking is `npm run typecheck`), in three
 * lanes chosen by file name: `*.e2e.test.ts` (a real browser), `*.integration.test.ts` (real
 * local servers, dynalite, Terraform), and every other `*.test.ts` (unit: no network, no servers).
 * The global setup builds once into a temporary folder (STUDENTS_DIST_DIR).
 */
const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    { jsc: { parser: { syntax: 'typescript' }, target: 'es2023' }, module: { type: 'commonjs' } },
  ],
  // jose ships ES modules only; jest (on Node 22) loads CommonJS, so SWC converts it as it loads.
  '/node_modules/jose/.+\\.js$': ['@swc/jest', { jsc: { target: 'es2023' }, module: { type: 'commonjs' } }],
};
const lane = (displayName, testMatch, testPathIgnorePatterns = []) => ({
  displayName,
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch,
  testPathIgnorePatterns: ['/node_modules/', ...testPathIgnorePatterns],
  transform,
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
});

module.exports = {
  globalSetup: '<rootDir>/__tests__/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/__tests__/helpers/global-teardown.ts',
  testTimeout: 30000,
  projects: [
    lane('unit', ['**/*.test.ts'], ['\\.integration\\.test\\.ts$', '\\.e2e\\.test\\.ts$']),
    lane('integration', ['**/*.integration.test.ts']),
    lane('e2e', ['**/*.e2e.test.ts']),
  ],
};
