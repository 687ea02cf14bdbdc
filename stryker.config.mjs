// @ts-check
/**
 * Mutation testing of the files where a bug is a breach (issue 16; docs/testing.md).
 * `npm run mutate` runs it; `npm run mutate -- --mutate 'packages/server/src/http/**'` narrows it.
 * Incremental: results are kept in reports/ (not committed), so a re-run after a small change
 * only tests the mutants whose code or covering tests changed.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts', related: false },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.mutate.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: 'perTest',
  // A static mutant (a module-level constant) runs every test; they were 21% of the mutants and
  // 91% of the time. They are reported as ignored; docs/testing.md says how to run them.
  ignoreStatic: true,
  appendPlugins: ['./stryker.ignorers.mjs'],
  ignorers: ['error-message-text'],
  // The machine is shared: one test process and one checker at a time.
  concurrency: 1,
  timeoutMS: 20_000,
  timeoutFactor: 2,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  // Not 'bench': four server tests import its seeded generator (bench/metadata/random.ts); in a
  // sandbox without it they failed to load and were dropped without a word (postSocketEdges-hostile,
  // ohttpWakeLater, pushRounds, pushWakeTiming: run 5's sandbox and report have none of them).
  // A bare 'bench' also matched test/bench. Small (under 0.5 MB): copying it costs nothing.
  ignorePatterns: ['data', 'reports', 'coverage', 'packages/web/dist', 'test/e2e/screenshots'],
  mutate: [
    // protocol
    'packages/protocol/src/{seal,padding,envelope,capability,appMessage,roster}.ts',
    'packages/protocol/src/mls/**/*.ts',
    'packages/protocol/src/sframe/**/*.ts',
    // server
    'packages/server/src/{routes,post,ws,store,enrolment,http,tokens,limits}/**/*.ts',
    'packages/server/src/boundedCache.ts',
    'packages/protocol/src/tokens/privacyPass.ts',
    // client: device state at rest, trust (directory authentication), membership
    'packages/client/src/deviceState.ts',
    'packages/client/src/node/fileStateStore.ts',
    // The engine's trust and membership collaborators, whole (the directory index is in
    // identityTrust, acceptControl in selfConversation); and line ranges (check them after
    // editing those files): the directory authentication wiring (engineParts.ts), and
    // mls/setMls (hardlineClient.ts).
    // The send path (textSending, conversationFanOut) and name lookups are outside issue 16's
    // "trust, membership and state": which devices a message goes to is decided in trustRules.
    'packages/client/src/{keyTransparency,withheldProof,trustRules,identityTrust,selfConversation,conversationControls,membershipCommits,conversationSetup,groupChanges,deviceEnrolment,directoryRefresh,ownDevices,mailboxRotation,readdressPosts,outbox,keyPackageSupply,tokenWallet}.ts',
    'packages/client/src/engineParts.ts:128-128',
    'packages/client/src/hardlineClient.ts:356-362',
    // The receive path (Welcome joins, rosters from commits, removal, saving before acking).
    'packages/client/src/envelopeReceiver.ts',
    'packages/client/src/inboxRound.ts',
    // web: session timing, receipts (the CSP is served by server/src/http/staticApp.ts)
    'packages/web/src/session/receipts.ts',
    'packages/web/src/session/session.ts',
    'packages/web/src/session/openingHop.ts',
    'packages/web/src/session/pageHop.ts',
    'packages/web/src/session/trustView.ts',
  ],
};
