import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { NativeConnection, Worker } from '@temporalio/worker';
import { CONVENTION_WORKFLOW_TYPE, getStateQuery } from '../../domain/temporal-contract';
import { createConventionWorker } from '../../worker/worker';
import { MAIL_TEMPLATES } from '../support/paths';
import { carriedInForce, todayInNord } from '../support/plan';
import { collectGarbage } from '../support/proc';
import { buildBundles, startDevServer } from '../support/servers';
import { sleep } from '../support/stats';
import { BARE_WORKFLOW_TYPE, countQuery } from '../workflows/bare-contract';

/**
 * Where a cached workflow's memory goes, by kind of heap object: one worker in this process
 * (`debugMode`, so that its workflows live in this thread's heap), a heap snapshot with 20
 * workflows cached and another with `count` more; their difference by object kind, per workflow.
 * Three populations, as in the memory benchmark: bare workflows, bare workflows holding a
 * convention in force's carried state, conventions in force. docs/performance.md gives the figures.
 *
 *   npx tsc -p bench/tsconfig.json && node .cache/bench/dist/bench/experiments/heap-by-kind.js [count]
 */
type Kinds = Map<string, { bytes: number; count: number }>;

function heapByKind(): Kinds {
  collectGarbage();
  const file = path.join(os.tmpdir(), `iscg-heap-${process.pid}-${Date.now()}.heapsnapshot`);
  v8.writeHeapSnapshot(file);
  const snapshot = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  fs.rmSync(file);
  const fields = snapshot.snapshot.meta.node_fields;
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [
    number,
    number,
    number,
  ];
  const types = snapshot.snapshot.meta.node_types[0];
  const kinds: Kinds = new Map();
  for (let i = 0; i < snapshot.nodes.length; i += width) {
    const type = types[snapshot.nodes[i + typeAt]!]!;
    const name = snapshot.strings[snapshot.nodes[i + nameAt]!]!;
    const key = ['string', 'concatenated string', 'sliced string', 'number', 'code'].includes(type)
      ? type
      : `${type}: ${name.slice(0, 60)}`;
    const entry = kinds.get(key) ?? { bytes: 0, count: 0 };
    entry.bytes += snapshot.nodes[i + sizeAt]!;
    entry.count += 1;
    kinds.set(key, entry);
  }
  return kinds;
}

async function waitCached(worker: Worker, count: number): Promise<void> {
  while (worker.getStatus().numCachedWorkflows < count) await sleep(200);
}

async function main() {
  const count = Number(process.argv[2] ?? 200);
  const bundles = await buildBundles();
  const server = await startDevServer();
  const connection = await NativeConnection.connect({ address: server.address });
  const client = server.env.client;
  const today = todayInNord();
  const inForce = carriedInForce(today);
  const mailDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iscg-heap-mail-'));
  const settings = { debugMode: true, maxCachedWorkflows: 5000 };
  try {
    for (const population of ['bare', 'bareHoldingState', 'conventionInForce'] as const) {
      const queue = `heap-${population}`;
      const worker =
        population !== 'conventionInForce'
          ? await Worker.create({
              connection,
              namespace: server.namespace,
              taskQueue: queue,
              workflowBundle: { codePath: bundles.bare },
              ...settings,
            })
          : (
              await createConventionWorker({
                connection,
                namespace: server.namespace,
                taskQueue: queue,
                workflowBundlePath: bundles.convention,
                mail: {
                  smtpUrl: null,
                  outboxDir: `${mailDir}/outbox`,
                  journalDir: `${mailDir}/journal`,
                  from: 'ISCG <no-reply@iscg.bench>',
                  messageIdDomain: 'iscg.bench',
                  publicUrl: null,
                  templatesDir: MAIL_TEMPLATES,
                },
                webhooks: { allowPrivateDestinations: true, timeoutMs: 5_000 },
                overrides: settings,
              })
            ).worker;
      const running = worker.run();
      const start = async (i: number) => {
        const id = `${population}-${i}`;
        if (population !== 'conventionInForce') {
          const held = inForce(`held-${i}`);
          const handle = await client.workflow.start(BARE_WORKFLOW_TYPE, {
            taskQueue: queue,
            workflowId: id,
            args: population === 'bare' ? [] : [held],
          });
          await handle.query(countQuery);
          return;
        }
        const slug = `heap-${i}`;
        // Queried once, as the memory benchmark reads each one: the SDK's worker keeps the last
        // activation a run received, which would otherwise be its start, carried state included.
        const handle = await client.workflow.start(CONVENTION_WORKFLOW_TYPE, {
          taskQueue: queue,
          workflowId: `convention-59-${slug}`,
          args: [{ carried: inForce(slug) }],
        });
        await handle.query(getStateQuery);
      };
      for (let i = 0; i < 20; i++) await start(-1 - i);
      await waitCached(worker, 20);
      await sleep(3000);
      const before = heapByKind();
      for (let i = 0; i < count; i += 10)
        await Promise.all(Array.from({ length: 10 }, (_, j) => start(i + j)));
      await waitCached(worker, 20 + count);
      await sleep(3000);
      const after = heapByKind();
      const rows = [...after].map(([key, { bytes, count: n }]) => {
        const was = before.get(key) ?? { bytes: 0, count: 0 };
        return { key, kib: (bytes - was.bytes) / count / 1024, objects: (n - was.count) / count };
      });
      const total = rows.reduce((sum, row) => sum + row.kib, 0);
      console.log(`\n${population}: ${total.toFixed(1)} KiB of heap per cached workflow (${count} cached)`);
      for (const row of rows.sort((a, b) => b.kib - a.kib).slice(0, 30))
        console.log(
          `${row.kib.toFixed(2).padStart(8)} KiB ${row.objects.toFixed(1).padStart(7)}  ${row.key}`,
        );
      worker.shutdown();
      await running;
    }
  } finally {
    await connection.close();
    await server.teardown();
    fs.rmSync(mailDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
