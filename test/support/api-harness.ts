import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { devServerExecutable } from '../../scripts/temporal-binaries';
import { createConventionWorker } from '../../worker/worker';
import type { WebhookConfig } from '../../activities/webhooks/sender';
import { buildApp, type ApiOptions } from '../../client/api/app';
import { generateToken, hashToken, type ApiKey, type Grant } from '../../client/auth/keys';
import { ConventionsClient, connectClient } from '../../client/conventions';
import { SEARCH_ATTRIBUTE_KEYS } from '../../domain/temporal-contract';
import { installTestRuntime } from './workflow-env';
import { SmtpSink } from './smtp-sink';
import { WORKFLOW_BUNDLE_PATH } from './bundle-path';

/**
 * The real stack for API tests: a Temporal dev server (the same binary `npm start` runs, with the
 * search attributes registered), an in-process worker, a loopback SMTP sink, and the Fastify app
 * listening on a real port. `startApi` also runs on a time-skipping environment's client.
 */

export interface KeySpec {
  id: string;
  actsAs: Grant;
  label?: string;
  rateLimit?: { max: number; perSeconds: number };
}

export function testKeys(specs: KeySpec[]): { keys: ApiKey[]; tokens: Record<string, string> } {
  const tokens: Record<string, string> = {};
  const keys = specs.map((spec) => {
    const token = generateToken();
    tokens[spec.id] = token;
    const key: ApiKey = { ...spec, hash: hashToken(token) };
    return key;
  });
  return { keys, tokens };
}

// JSON answers are checked by the tests' assertions, not by a static type.
export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface CallOptions {
  /** Key id from the harness's keys, a raw token, or null for no Authorization header. */
  as?: string | null;
  body?: unknown;
  /** Sent as is (malformed JSON tests); `contentType` defaults to application/json. */
  rawBody?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface RunningApi {
  app: FastifyInstance;
  baseUrl: string;
  tokens: Record<string, string>;
  call<T = any>(method: string, urlPath: string, options?: CallOptions): Promise<ApiResponse<T>>;
  close(): Promise<void>;
}

export interface StartApiOptions extends Partial<Omit<ApiOptions, 'conventions' | 'keys'>> {
  keys: KeySpec[];
  /** Key used when a call names none. */
  defaultKey?: string;
}

export async function startApi(
  conventions: ConventionsClient,
  options: StartApiOptions,
): Promise<RunningApi> {
  const { keys, tokens } = testKeys(options.keys);
  const app = await buildApp({
    conventions,
    keys,
    logger: options.logger ?? (process.env.TEST_LOG ? { level: 'info' } : false),
    webhooks: options.webhooks ?? { allowPrivateDestinations: true },
    ...(options.documenso ? { documenso: options.documenso } : {}),
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
    ...(options.anonymousRateLimit ? { anonymousRateLimit: options.anonymousRateLimit } : {}),
    ...(options.temporalTimeoutMs ? { temporalTimeoutMs: options.temporalTimeoutMs } : {}),
    ...(options.reports ? { reports: options.reports } : {}),
    ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as AddressInfo).port;
  const baseUrl = `http://127.0.0.1:${port}`;
  const defaultKey = options.defaultKey ?? options.keys[0]?.id;
  return {
    app,
    baseUrl,
    tokens,
    async call(method, urlPath, call = {}) {
      const as = call.as === undefined ? defaultKey : call.as;
      const headers: Record<string, string> = { ...call.headers };
      if (as) headers.authorization = `Bearer ${tokens[as] ?? as}`;
      let body: string | undefined;
      if (call.rawBody !== undefined) body = call.rawBody;
      else if (call.body !== undefined) body = JSON.stringify(call.body);
      if (body !== undefined) headers['content-type'] = call.contentType ?? 'application/json';
      const response = await fetch(`${baseUrl}${urlPath}`, { method, headers, body });
      const text = await response.text();
      const type = response.headers.get('content-type') ?? '';
      return {
        status: response.status,
        headers: response.headers,
        text,
        body: (type.includes('json') && text ? JSON.parse(text) : text) as never,
      };
    },
    close: () => app.close(),
  };
}

export interface DevStack {
  env: TestWorkflowEnvironment;
  conventions: ConventionsClient;
  taskQueue: string;
  sink: SmtpSink;
  dataDir: string;
  /** Temporal's frontend address (host:port), for raw `temporal` CLI calls. */
  address: string;
  worker: Worker;
  teardown(): Promise<void>;
}

let queueCounter = 0;

/** A Temporal dev server with a worker polling its own task queue. */
export async function startDevStack(options: { webhooks?: WebhookConfig } = {}): Promise<DevStack> {
  installTestRuntime();
  const env = await TestWorkflowEnvironment.createLocal({
    server: { executable: devServerExecutable(), searchAttributes: SEARCH_ATTRIBUTE_KEYS, ui: false },
  });
  const sink = await new SmtpSink().start();
  const taskQueue = `api-${process.pid}-${++queueCounter}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iscg-api-'));
  const conventions = new ConventionsClient(env.client, taskQueue, { aniscgEmail: 'aniscg@aniscg.example' });
  const { worker, close } = await createConventionWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowBundlePath: WORKFLOW_BUNDLE_PATH,
    mail: {
      smtpUrl: sink.url,
      outboxDir: path.join(dataDir, 'outbox'),
      journalDir: path.join(dataDir, 'journal'),
      from: 'ISCG <no-reply@iscg.test>',
      messageIdDomain: 'iscg.test',
      publicUrl: null,
    },
    webhooks: options.webhooks ?? { allowPrivateDestinations: true, timeoutMs: 5_000 },
  });
  const running = worker.run();
  const address = env.address;
  return {
    env,
    conventions,
    taskQueue,
    sink,
    dataDir,
    address,
    worker,
    async teardown() {
      worker.shutdown();
      await running;
      close();
      await sink.stop();
      await env.teardown();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A client whose Temporal never answers: for the 503 paths. */
export async function unreachableConventions(): Promise<ConventionsClient> {
  const client = await connectClient(
    { address: '127.0.0.1:1', namespace: 'default', taskQueue: 'none', tls: null, apiKey: undefined },
    { lazy: true },
  );
  return new ConventionsClient(client, 'none');
}

/** Polls until `check` passes (visibility is eventually consistent). */
export async function eventually<T>(
  fn: () => Promise<T>,
  check: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (check(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const REGISTER_TS = `
const { transformSync } = require(${JSON.stringify(require.resolve('@swc/core'))});
const fs = require('node:fs');
require.extensions['.ts'] = (module, filename) =>
  module._compile(
    transformSync(fs.readFileSync(filename, 'utf8'), {
      filename,
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
    }).code,
    filename,
  );
`;

/**
 * How to run the `iscg` CLI from its TypeScript sources in a child process (as the package bin
 * runs its compiled form): node with a require hook that compiles .ts with swc, as jest does.
 */
export function cliCommand(): { command: string; args: string[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iscg-cli-'));
  const hook = path.join(dir, 'register-ts.js');
  fs.writeFileSync(hook, REGISTER_TS);
  return {
    command: process.execPath,
    args: ['-r', hook, path.resolve(__dirname, '..', '..', 'client', 'cli', 'main.ts')],
  };
}
