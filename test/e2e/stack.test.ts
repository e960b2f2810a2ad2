import { conventionCreate } from '../support/fixtures';
import { portOpen } from '../../scripts/ports';
import { RunningStack, freePorts, type StackPorts } from '../support/stack';

/**
 * The stack as `npm start` runs it (built code, Temporal dev server with its SQLite file, worker
 * and API processes): a convention created over HTTP is readable, visible to the Temporal UI's
 * backend, and still there after Ctrl-C and a restart. Nothing is left running after Ctrl-C.
 */

let ports: StackPorts;
let stack: RunningStack | null = null;

beforeAll(async () => {
  ports = await freePorts();
});
afterAll(async () => {
  await stack?.stop();
  stack?.remove();
});

test('a convention created over HTTP survives Ctrl-C and a restart; nothing is left running', async () => {
  stack = await RunningStack.start({ ports });
  const created = await stack.api('POST', '/conventions', conventionCreate('e2e-lille'));
  expect(created.status).toBe(201);
  const id = created.json.conventionId as string;
  expect(id).toBe('convention-59-e2e-lille');

  const submitted = await stack.api('POST', `/conventions/${id}/events`, {
    type: 'SUBMIT_DRAFT',
    payload: {},
  });
  expect(submitted.status).toBe(200);
  expect(submitted.json.phase).toBe('recruitment');

  const read = await stack.api('GET', `/conventions/${id}`);
  expect(read.status).toBe(200);
  expect(read.json).toMatchObject({
    conventionId: id,
    phase: 'recruitment',
    departement: { code: '59', name: 'Nord' },
  });

  // What the Temporal Web UI reads: its own HTTP API lists the workflow with its search attributes.
  const ui = await fetch(
    `${stack.uiUrl}/api/v1/namespaces/default/workflows?query=${encodeURIComponent(`WorkflowId="${id}"`)}`,
  );
  expect(ui.status).toBe(200);
  expect(await ui.text()).toContain(id);

  expect(await stack.stop()).toBe(0);
  for (const port of Object.values(ports)) expect(await portOpen(port)).toBe(false);

  stack = await RunningStack.start({ ports, dataDir: stack.dataDir });
  const again = await stack.api('GET', `/conventions/${id}`);
  expect(again.status).toBe(200);
  expect(again.json.phase).toBe('recruitment');
  expect(again.json.history.map((h: { event: string }) => h.event)).toEqual(['CREATED', 'SUBMIT_DRAFT']);
  expect(await stack.stop()).toBe(0);
});
