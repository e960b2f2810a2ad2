import Sequencer from '@jest/test-sequencer';

/**
 * Jest's own order (failed first, then slowest first), except that the production project runs
 * last: its global setup starts building the production Temporal server in the background, and
 * the other projects' tests run while it builds instead of waiting for it.
 */
export default class ProductionLast extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests);
    const last = (test) => (test.context.config.displayName?.name === 'production' ? 1 : 0);
    return [...sorted].sort((a, b) => last(a) - last(b));
  }
}
