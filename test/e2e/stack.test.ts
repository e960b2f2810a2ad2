import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { conventionCreate } from '../support/fixtures';

/**
 * The stack as `npm start` runs it (built code, Temporal dev server with its SQLite file, worker
 * and API processes): a convention created over HTTP is readable, visible to the Temporal UI's
 * backend, and still there after Ctrl-C and a restart. Nothing is left running after Ctrl-C.
 */

const root = path.resolve(__dirname, '..', '..');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iscg-stack-'));
let ports: { api: number; temporal: number; ui: number };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

interface Stack {
  process: ChildProcess;
  output: string[];
}

async function startStack(): Promise<Stack> {
  const output: string[] = [];
  const child = spawn(process.execPath, [path.join(root, 'dist', 'scripts', 'start.js')], {
    cwd: root,
    env: {
      ...process.env,
      ISCG_DATA_DIR: dataDir,
      PORT: String(ports.api),
      TEMPORAL_PORT: String(ports.temporal),
      TEMPORAL_UI_PORT: String(ports.ui),
      ISCG_ENV: 'development',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const deadline = Date.now() + 90_000;
  for (;;) {
    try {
      const response = await fetch(`http://127.0.0.1:${ports.api}/healthz`);
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`npm start a échoué:\n${output.join('')}`);
    if (Date.now() > deadline) throw new Error(`la pile ne répond pas:\n${output.join('')}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  // The worker is a separate process: wait until it polls before driving conventions.
  while (!output.join('').includes('RUNNING')) {
    if (Date.now() > deadline) throw new Error(`le worker ne démarre pas:\n${output.join('')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { process: child, output };
}

async function stopStack(stack: Stack): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => stack.process.once('exit', (code) => resolve(code)));
  stack.process.kill('SIGINT');
  return exited;
}

function apiKey(): string {
  return fs.readFileSync(path.join(dataDir, 'dev-operator.key'), 'utf8').trim();
}

async function api(method: string, url: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`http://127.0.0.1:${ports.api}${url}`, {
    method,
    headers: {
      authorization: `Bearer ${apiKey()}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, json: await response.json() };
}

beforeAll(async () => {
  ports = { api: await freePort(), temporal: await freePort(), ui: await freePort() };
});
afterAll(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('a convention created over HTTP survives Ctrl-C and a restart; nothing is left running', async () => {
  let stack = await startStack();
  const created = await api('POST', '/conventions', conventionCreate('e2e-lille'));
  expect(created.status).toBe(201);
  const id = created.json.conventionId as string;
  expect(id).toBe('convention-59-e2e-lille');

  const submitted = await api('POST', `/conventions/${id}/events`, { type: 'SUBMIT_DRAFT', payload: {} });
  expect(submitted.status).toBe(200);
  expect(submitted.json.phase).toBe('recruitment');

  const read = await api('GET', `/conventions/${id}`);
  expect(read.status).toBe(200);
  expect(read.json).toMatchObject({
    conventionId: id,
    phase: 'recruitment',
    departement: { code: '59', name: 'Nord' },
  });

  // What the Temporal Web UI reads: its own HTTP API lists the workflow with its search attributes.
  const ui = await fetch(
    `http://127.0.0.1:${ports.ui}/api/v1/namespaces/default/workflows?query=${encodeURIComponent(`WorkflowId="${id}"`)}`,
  );
  expect(ui.status).toBe(200);
  expect(await ui.text()).toContain(id);

  const code = await stopStack(stack);
  expect(code).toBe(0);
  for (const port of Object.values(ports)) expect(await portOpen(port)).toBe(false);

  stack = await startStack();
  try {
    const again = await api('GET', `/conventions/${id}`);
    expect(again.status).toBe(200);
    expect(again.json.phase).toBe('recruitment');
    expect(again.json.history.map((h: { event: string }) => h.event)).toEqual(['CREATED', 'SUBMIT_DRAFT']);
  } finally {
    expect(await stopStack(stack)).toBe(0);
  }
});
