import { conventionCreate } from '../support/fixtures';
import { startTimeSkipping, type TimeSkippingHarness } from '../support/workflow-env';
import { ConventionError } from '../../client/conventions';

let h: TimeSkippingHarness;
beforeAll(async () => {
  h = await startTimeSkipping();
});
afterAll(async () => {
  await h?.teardown();
});

test('a convention moves from drafting to recruitment and refuses what it cannot accept', async () => {
  await h.withWorker(async () => {
    const { conventionId, state } = await h.conventions.create(conventionCreate('slice-1'), {
      kind: 'operator',
    });
    expect(conventionId).toBe('convention-59-slice-1');
    expect(state.phase).toBe('drafting');
    const refusal = await h.conventions
      .send(conventionId, { type: 'SIGN', payload: {}, actor: { kind: 'operator' } })
      .catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(ConventionError);
    console.log((refusal as ConventionError).refusal);
    const result = await h.conventions.send(conventionId, {
      type: 'SUBMIT_DRAFT',
      payload: {},
      actor: { kind: 'operator' },
    });
    expect(result.phase).toBe('recruitment');
    const after = await h.conventions.get(conventionId);
    console.log(after.phase, after.history.length, after.run);
  });
});
