import type { Config } from 'jest';

// The AWS SDK warns (process.emitWarning, once per process) that its releases after January 2027
// will need Node 22. Every Jest worker and every app a test starts is a new process, so a passing
// run printed the same notice a dozen times. Node support is stated once, in package.json's
// engines and the README; workers and children inherit this variable.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

type ProjectOptions = NonNullable<Config['projects']>[number] & object;

// Type checking is `npm run typecheck`'s job; tsconfig.spec.json makes ts-jest transpile only (fast).
// Nest 11 is CommonJS; arquero 8 (and its flechette dependency) ship ES modules only, so ts-jest
// compiles those packages (and request-filtering-agent, ES modules only too) to CommonJS as well (the node runtime itself `require`s them natively).
const shared: ProjectOptions = {
  preset: 'ts-jest/presets/js-with-ts',
  testEnvironment: 'node',
  rootDir: '.',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(arquero|@uwdata|request-filtering-agent)/)'],
  moduleNameMapper: {
    '^@store-uptime/(uptime|csv|db|queue|storage|config|datagen|health|webhooks)$': '<rootDir>/libs/$1/src/index.ts',
  },
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
};

const config: Config = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,bench,scripts}/**/*.spec.ts'] },
    { ...shared, displayName: 'integration', testMatch: ['<rootDir>/{apps,libs,test}/**/*.{int,e2e}-spec.ts'] },
    // Fault injection, load, fuzz and security specs. They run the built apps as child
    // processes and start private PostgreSQL/Redis instances, so they run serially (--runInBand).
    { ...shared, displayName: 'faults', testMatch: ['<rootDir>/test/{faults,fuzz,security}/**/*.{faults,fuzz,security}-spec.ts'] },
    // The Docker path (`npm run test:compose`, scripts/docker/compose-test.sh provides the engine):
    // not part of `npm test`, which must pass on a machine without Docker.
    { ...shared, displayName: 'compose', testMatch: ['<rootDir>/test/deploy/**/*.compose-spec.ts'] },
  ],
  // Integration specs start services and move real data; unit specs stay far below this.
  testTimeout: 120_000,
};

export default config;
