import Sequencer from '@jest/test-sequencer';

/**
 * Jest's own order (failed first, then slowest first), except that what needs the production
 * Temporal binaries runs last: the production project, and the security suite that runs the
 * production Web UI. The global setups start building them in the background, and the other tests
 * run while they build instead of waiting for them.
 */
export default class ProductionLast extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests);
    const last = (test) =>
      test.context.config.displayName?.name === 'production'
        ? 2
        : test.path.endsWith('production-ui.test.ts')
          ? 1
          : 0;
    return [...sorted].sort((a, b) => last(a) - last(b));
  }
}
