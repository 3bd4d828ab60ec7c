// The whole suite runs twice: once with TC39 standard decorators (TypeScript 5's default) and
// once with `experimentalDecorators` + `emitDecoratorMetadata`. Type checking is done by
// `npm run typecheck`; here ts-jest only transpiles, which keeps both runs fast.
const base = (decorators) => ({
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      {
        isolatedModules: true,
        diagnostics: false,
        tsconfig: {
          target: 'ES2022',
          module: 'commonjs',
          moduleResolution: 'node',
          esModuleInterop: true,
          experimentalDecorators: decorators === 'experimental',
          emitDecoratorMetadata: decorators === 'experimental',
          useDefineForClassFields: true,
        },
      },
    ],
  },
});

module.exports = {
  projects: [
    { displayName: 'tc39', ...base('tc39') },
    { displayName: 'experimental', ...base('experimental') },
  ],
};
