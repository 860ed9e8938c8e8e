import type { Config } from 'jest';

type ProjectOptions = NonNullable<Config['projects']>[number] & object;

// Type checking is `npm run typecheck`'s job; tsconfig.spec.json makes ts-jest transpile only (fast).
// Nest 11 is CommonJS; arquero 8 (and its flechette dependency) ship ES modules only, so ts-jest
// compiles those two packages to CommonJS as well (the node runtime itself `require`s them natively).
const shared: ProjectOptions = {
  preset: 'ts-jest/presets/js-with-ts',
  testEnvironment: 'node',
  rootDir: '.',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(arquero|@uwdata)/)'],
  moduleNameMapper: {
    '^@store-uptime/(uptime|csv|db|queue|storage|config|datagen|health)$': '<rootDir>/libs/$1/src/index.ts',
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
  ],
  // Integration specs start services and move real data; unit specs stay far below this.
  testTimeout: 120_000,
};

export default config;
