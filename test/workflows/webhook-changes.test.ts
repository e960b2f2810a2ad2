import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConventionCreate } from '../../domain/convention/schema';
import type { StateChange } from '../../domain/temporal-contract';
import { completeConventionData } from '../support/fixtures';
import { Life } from '../support/life';
import { startTimeSkipping, type TimeSkippingHarness } from '../support/workflow-env';

/**
 * What a receiver learns of a payment: the change names the ledger line it is about, so that a
 * payroll system can match it without reading the convention. On the time-skipping server, with
 * the real sender posting to a receiver on loopback.
 */

let h: TimeSkippingHarness;
let server: http.Server;
const received: { data: StateChange }[] = [];

beforeEach(async () => {
  h = await startTimeSkipping();
  server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push(JSON.parse(body) as { data: StateChange });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
  await h?.teardown();
});

async function changeCausedBy(cause: string): Promise<StateChange> {
  for (let i = 0; i < 100; i++) {
    const found = received.find((r) => r.data.cause === cause);
    if (found) return found.data;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`aucun changement reçu pour ${cause}`);
}

test('a change caused by a payment, a non-payment or a write-off names its ledger line', async () => {
  await h.withWorker(async () => {
    const convention: ConventionCreate = {
      slug: 'paie-notifiee',
      data: completeConventionData({ startDate: '2027-03-01' }),
    };
    const life = await Life.create(h, convention);
    await h.conventions.subscribeWebhook(life.conventionId, {
      id: 'wh-0123456789abcdef',
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/paie`,
      secret: 'whsec_secret-de-test',
      client: 'paie',
    });
    await life.goTo('2027-01-04');
    await life.send('SUBMIT_DRAFT', {});
    await life.recruit();
    await life.signAll(convention, '2027-01-05');
    await life.goTo('2027-03-01', 10);
    const [first, second] = (await life.state()).ledger.filter((l) => l.kind === 'salary');
    await life.send('RECORD_PAYMENT', { itemId: first!.id, paidOn: '2027-03-01' });
    expect(await changeCausedBy('RECORD_PAYMENT')).toMatchObject({
      cause: 'RECORD_PAYMENT',
      itemId: first!.id,
      phase: 'active',
    });
    await life.send('WRITE_OFF', { itemId: second!.id, reason: 'echeance-non-due', decidedOn: '2027-03-01' });
    expect(await changeCausedBy('WRITE_OFF')).toMatchObject({ itemId: second!.id });
    // Changes that are not about a line carry none.
    expect(await changeCausedBy('SUBMIT_DRAFT')).not.toHaveProperty('itemId');
  });
});
