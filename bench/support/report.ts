import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Spread } from './stats';

/**
 * The results as JSON (everything), as a Markdown page (the figures and whether each target
 * holds) and as SVG charts, drawn by hand: a bar chart with each arm's spread, and the fleet's
 * memory over time.
 */

// Results are read back as plain JSON.
type Json = any;

const fmt = (value: number | null | undefined, digits = 1): string =>
  value === null || value === undefined || Number.isNaN(value) ? '–' : value.toFixed(digits);
const sp = (s: Spread | undefined, digits = 1, unit = ''): string =>
  s ? `${fmt(s.median, digits)}${unit} (${fmt(s.min, digits)}–${fmt(s.max, digits)})` : '–';
const yes = (holds: boolean | undefined) => (holds === undefined ? '–' : holds ? '**yes**' : '**no**');

function table(head: string[], rows: (string | number)[][]): string {
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

export function markdown(r: Json): string {
  const out: string[] = [];
  out.push('# Benchmark results', '');
  const production = r.server === 'production';
  out.push(
    `Run of ${r.startedAt} (${r.mode} mode, ${fmt(r.wallSeconds / 60, 1)} min), on the ` +
      (production
        ? 'production server: Temporal on PostgreSQL with mutual TLS, as docker-compose.yml runs it. '
        : 'embedded stack: the Temporal dev server on SQLite, as `npm start` runs it. ') +
      'Medians over rounds, with the spread (min–max) in parentheses; every ratio is taken within a round. ' +
      `How to run and read them: [docs/performance.md](${production ? '../' : ''}../../docs/performance.md).`,
    '',
  );
  const m = r.machine;
  out.push(
    table(
      ['machine', ''],
      [
        ['CPU', `${m.cpuModel}, ${m.cores} cores`],
        ['memory', `${m.memoryGiB} GiB`],
        ['load average at start', m.loadAverageAtStart.join(', ')],
        ['Node.js', m.node],
        production
          ? ['Temporal', `${r.versions.server}, PostgreSQL ${r.versions.postgresql}, SDK ${r.versions.sdk}`]
          : [
              'Temporal',
              `CLI ${r.versions.cli} (dev server), test server ${r.versions.testServer}, SDK ${r.versions.sdk}`,
            ],
        ['kernel', m.kernel],
      ],
    ),
    '',
  );

  const t = r.throughput;
  const l = r.latency;
  const mem = r.memory;
  const h = r.history;
  const f = r.fleet;
  const rep = r.reports;
  out.push('## Targets', '');
  out.push(
    table(
      ['figure', 'measured', 'target', 'holds'],
      [
        ...(t
          ? [
              [
                '1. throughput, conventions over HTTP / bare workflow',
                sp(t.ratioHttpToBare, 2),
                '≥ 0.8',
                yes(t.target.holds),
              ],
            ]
          : []),
        ...(l
          ? [['2. latency p50, API / Temporal client', sp(l.ratioP50, 2), '≤ 1.25', yes(l.target.holds)]]
          : []),
        ...(mem
          ? [
              [
                `3. resident memory per cached convention (${mem.count} cached)`,
                `${fmt(Math.max(mem.perWorkflowKiB.conventionDrafting.median, mem.perWorkflowKiB.conventionInForce.median) / 1024, 2)} MiB`,
                '≤ 1 MiB',
                yes(mem.target.holds),
              ],
            ]
          : []),
        ...(h?.eventsPerTerm
          ? [
              [
                '4. history events per three-year term',
                `${h.eventsPerTerm.max}`,
                '< 1,000',
                yes(h.target.holds),
              ],
            ]
          : []),
        ...(rep
          ? [
              [
                `6. national financing report over ${rep.conventions} conventions, p50`,
                `${fmt(rep.latencyMs.financing.p50, 0)} ms`,
                '< 1,000 ms',
                yes(rep.target.holds),
              ],
            ]
          : []),
      ],
    ),
    '',
  );

  if (t) {
    out.push('## 1. Transition throughput', '');
    out.push(
      `${t.concurrency} workflows at once, ${t.transitionsPerWorkflow} transitions each (${t.transitionsPerArm} per arm and round), ${t.rounds} rounds. ` +
        `Mix: ${Object.entries(t.eventMix as Record<string, number>)
          .map(([k, v]) => `${v} × ${k}`)
          .join(', ')}.`,
      '',
      '![throughput](throughput.svg)',
      '',
    );
    const arms: [string, string][] = [
      ['bare', 'bare workflow, no-op updates (Temporal client)'],
      ['conventionDirect', 'conventions, Temporal client'],
      ['conventionHttp', 'conventions, HTTP API'],
    ];
    const processes = Object.keys(t.cpuMsPerTransition.bare);
    out.push(
      table(
        ['arm', 'transitions/s', ...processes.map((p) => `CPU ms/transition: ${p}`)],
        arms.map(([key, label]) => [
          label,
          sp(t.perSecond[key]),
          ...processes.map((p) => fmt(t.cpuMsPerTransition[key][p], 2)),
        ]),
      ),
      '',
      table(
        ['ratio', 'median (min–max)'],
        [
          ['HTTP conventions / bare (target ≥ 0.8)', sp(t.ratioHttpToBare, 2)],
          ['client conventions / bare (the workflow’s cost)', sp(t.ratioDirectToBare, 2)],
          ['HTTP / client conventions (the API’s cost)', sp(t.ratioHttpToDirect, 2)],
          ['capacity: bare CPU / HTTP conventions’ CPU, per transition', sp(t.capacityRatioHttpToBare, 2)],
          [
            'capacity: bare CPU / client conventions’ CPU, per transition',
            sp(t.capacityRatioDirectToBare, 2),
          ],
        ],
      ),
      '',
    );
  }
  if (l) {
    out.push('## 2. API overhead', '');
    out.push(
      `One transition at a time (payments, report, committee), ${l.samplesPerArm} samples per arm over ${l.rounds} rounds.`,
      '',
      table(
        ['path', 'p50 ms', 'p90 ms', 'p99 ms'],
        [
          ['HTTP API → convention', fmt(l.apiMs.p50, 2), fmt(l.apiMs.p90, 2), fmt(l.apiMs.p99, 2)],
          [
            'Temporal client → convention',
            fmt(l.directMs.p50, 2),
            fmt(l.directMs.p90, 2),
            fmt(l.directMs.p99, 2),
          ],
          [
            'Temporal client → bare workflow',
            fmt(l.bareDirectMs.p50, 2),
            fmt(l.bareDirectMs.p90, 2),
            fmt(l.bareDirectMs.p99, 2),
          ],
        ],
      ),
      '',
      table(
        ['ratio (per round)', 'median (min–max)'],
        [
          ['API p50 / client p50 (target ≤ 1.25)', sp(l.ratioP50, 2)],
          ['API p99 / client p99', sp(l.ratioP99, 2)],
          ['convention p50 / bare p50', sp(l.ratioConventionToBareP50, 2)],
        ],
      ),
      '',
    );
  }
  if (mem) {
    out.push('## 3. Worker memory', '');
    out.push(
      `A fresh worker process per population and repetition (${mem.repetitions}): resident memory just started (cold), warmed up (idle), then with ${mem.count} more workflows in its sticky cache.`,
      '',
      table(
        ['population', 'cold MiB', 'idle MiB', 'loaded MiB', 'KiB per cached workflow'],
        (
          [
            ['bare', 'bare workflows'],
            ['bareHoldingState', 'bare workflows holding the state of a convention in force'],
            ['conventionDrafting', 'conventions just created (drafting)'],
            ['conventionInForce', 'conventions in force (started as a renewal starts them)'],
          ] as const
        ).map(([key, label]) => [
          label,
          sp(mem.coldRssMiB[key], 0),
          sp(mem.idleRssMiB[key], 0),
          sp(mem.loadedRssMiB[key], 0),
          sp(mem.perWorkflowKiB[key], 0),
        ]),
      ),
      '',
      `Heavier convention population / bare workflow: ${sp(mem.ratioToBare, 1)}.`,
      '',
      `Without Temporal, in plain Node: a convention in force's carried state, parsed, holds ${fmt(mem.domainHeapKiB.carriedState, 1)} KiB of heap; the runtime resumed from it, its reminders planned once, ${fmt(mem.domainHeapKiB.runtime, 1)} KiB.`,
      '',
    );
  }
  if (h?.eventsPerTerm) {
    const rp = h.replay;
    out.push('## 4. History and replay', '');
    out.push(
      table(
        ['figure', 'value'],
        [
          ['events per term (fleet: median, min–max)', sp(h.eventsPerTerm, 0)],
          ['bytes per term, protobuf (3 conventions)', sp(h.bytesPerTerm, 0)],
          ['bytes per term, JSON (as in test/replay/histories)', `${h.sample.jsonBytes}`],
          ...(rp
            ? [
                [`replay of one term (${rp.conventionEvents} events), ms`, sp(rp.conventionMs, 1)],
                [`replay of a bare history (${rp.bareEvents} events), ms`, sp(rp.bareMs, 1)],
                ['ratio per event, convention / bare', sp(rp.ratioPerEvent, 2)],
                [
                  'first replay (worker start + one history), convention / bare, ms',
                  `${sp(rp.firstReplayMs.convention, 0)} / ${sp(rp.firstReplayMs.bare, 0)}`,
                ],
              ]
            : []),
        ],
      ),
      '',
    );
    if (rp?.eventKinds)
      out.push(
        'Events of the replayed term by kind (the bare history: no-op updates):',
        '',
        table(
          ['event', 'convention', 'bare'],
          Object.entries(rp.eventKinds as Record<string, { convention: number; bare: number }>).map(
            ([kind, n]) => [kind, `${n.convention}`, `${n.bare}`],
          ),
        ),
        '',
      );
  }
  const rec = h?.recorded;
  if (rec) {
    out.push('## 4b. History as the server records it', '');
    out.push(
      `The benchmark script's ${rec.transitions} transitions sent to ${rec.workflows} conventions, and as no-op updates to as many bare workflows, per round (${rec.rounds} rounds), on the ${rec.server === 'production' ? 'production server (PostgreSQL)' : 'dev server (SQLite)'}.`,
      '',
      table(
        ['figure', 'convention', 'bare workflow', 'ratio per event (per round)'],
        [
          ['history events', `${rec.conventionEvents}`, `${rec.bareEvents}`, ''],
          [
            'bytes sent by the server (protobuf)',
            `${rec.protobufBytes.convention}`,
            `${rec.protobufBytes.bare}`,
            '',
          ],
          ...(rec.storedBytes
            ? [
                [
                  'bytes stored (history_node)',
                  `${rec.storedBytes.convention}`,
                  `${rec.storedBytes.bare}`,
                  '',
                ],
              ]
            : []),
          [
            'fetching the history, µs per event',
            sp(rec.fetchUsPerEvent.convention, 1),
            sp(rec.fetchUsPerEvent.bare, 1),
            sp(rec.fetchRatioPerEvent, 2),
          ],
          [
            'replaying it, µs per event',
            sp(rec.replayUsPerEvent.convention, 1),
            sp(rec.replayUsPerEvent.bare, 1),
            sp(rec.replayRatioPerEvent, 2),
          ],
        ],
      ),
      '',
    );
  }
  if (f) {
    out.push('## 5. Fleet simulation', '');
    out.push(
      `${f.conventions} conventions through a three-year term on the time-skipping server, in ${f.shards} shard(s), each on its own test server and worker, all at once; each shard in lockstep over ${f.actionDays} days of events.`,
      '',
      table(
        ['figure', 'value'],
        [
          ['wall time', `${fmt(f.wallSeconds / 60, 1)} min`],
          ['transitions (updates)', `${f.transitions}, ${fmt(f.transitionsPerSecond)} per second`],
          ['history events', `${f.historyEvents}, ${fmt(f.historyEventsPerSecond)} per second`],
          [
            'emails sent (SMTP on loopback)',
            `${f.emailsSent}, ${fmt(f.emailsPerConvention)} per convention; ${f.emailsDistinct} distinct Message-IDs`,
          ],
          ['conventions ended at expiry', `${f.terminated} / ${f.conventions}`],
          [
            'peak resident memory, workers (all together; largest one)',
            `${fmt(f.peakRssMiB.worker)} MiB; ${fmt(f.peakRssMiBPerProcess.worker)} MiB`,
          ],
          [
            'peak resident memory, Temporal test servers (all together; largest one)',
            `${fmt(f.peakRssMiB.server)} MiB; ${fmt(f.peakRssMiBPerProcess.server)} MiB`,
          ],
          [
            'CPU seconds per convention-term',
            Object.entries(f.cpuSecondsPerConvention)
              .map(([k, v]) => `${k} ${fmt(v as number, 2)}`)
              .join(', '),
          ],
        ],
      ),
      '',
      '![fleet memory](fleet-memory.svg)',
      '',
    );
  }
  if (rep) {
    out.push('## 6. National reports', '');
    out.push(
      `${rep.conventions} conventions in twenty départements, in force for up to two years (${rep.transitionsToSeed} transitions to get there, ${fmt(rep.seedSeconds, 0)} s), on the embedded stack; each report asked of the API process over HTTP once warm.`,
      '',
      table(
        ['request', 'p50 ms', 'p90 ms', 'p99 ms'],
        (
          [
            ['financing', 'GET /reports/financing (two years, JSON, every convention)'],
            ['financingCsv', 'the same, CSV'],
            ['deadlines', 'GET /reports/deadlines (30 days)'],
            ['activity', 'GET /reports/activity (two years)'],
            ['listing', `GET /conventions?limit=… (visibility listing, baseline)`],
          ] as const
        ).map(([key, label]) => [
          label,
          fmt(rep.latencyMs[key].p50, 1),
          fmt(rep.latencyMs[key].p90, 1),
          fmt(rep.latencyMs[key].p99, 1),
        ]),
      ),
      '',
      table(
        ['figure', 'value'],
        [
          ['national financing / visibility listing, p50 per round', fmt(rep.ratioFinancingToListing, 2)],
          ['first answer of a new API process (reads every convention)', `${fmt(rep.firstAnswerMs, 0)} ms`],
          [
            'sweep of the cache: cold (query each) / warm (describe each)',
            `${fmt(rep.sweepMs.cold, 0)} ms / ${fmt(rep.sweepMs.warm, 0)} ms`,
          ],
          [
            'answer sizes: financing JSON / CSV, deadlines JSON',
            `${fmt(rep.bytes.financingJson / 1024, 0)} KiB / ${fmt(rep.bytes.financingCsv / 1024, 0)} KiB, ${fmt(rep.bytes.deadlinesJson / 1024, 0)} KiB`,
          ],
          [
            'API resident memory before / after the reports',
            `${fmt(rep.apiRssMiB.beforeReports, 0)} MiB / ${fmt(rep.apiRssMiB.afterReports, 0)} MiB`,
          ],
        ],
      ),
      '',
    );
  }
  return `${out.join('\n')}\n`;
}

const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** Horizontal bars (medians) with a whisker for each arm's spread. */
export function barChart(title: string, unit: string, bars: { label: string; spread: Spread }[]): string {
  const width = 640;
  const left = 250;
  const barHeight = 26;
  const top = 40;
  const height = top + bars.length * (barHeight + 14) + 30;
  const max = Math.max(...bars.map((b) => b.spread.max)) * 1.1;
  const x = (v: number) => left + ((width - left - 60) * v) / max;
  const rows = bars
    .map((b, i) => {
      const y = top + i * (barHeight + 14);
      const mid = y + barHeight / 2;
      return [
        `<text x="${left - 10}" y="${mid + 4}" text-anchor="end">${esc(b.label)}</text>`,
        `<rect x="${left}" y="${y}" width="${x(b.spread.median) - left}" height="${barHeight}" fill="${['#8da0cb', '#66c2a5', '#fc8d62'][i % 3]}"/>`,
        `<line x1="${x(b.spread.min)}" y1="${mid}" x2="${x(b.spread.max)}" y2="${mid}" stroke="#333" stroke-width="1.5"/>`,
        `<line x1="${x(b.spread.min)}" y1="${mid - 6}" x2="${x(b.spread.min)}" y2="${mid + 6}" stroke="#333"/>`,
        `<line x1="${x(b.spread.max)}" y1="${mid - 6}" x2="${x(b.spread.max)}" y2="${mid + 6}" stroke="#333"/>`,
        `<text x="${x(b.spread.max) + 6}" y="${mid + 4}">${b.spread.median.toFixed(1)}</text>`,
      ].join('\n  ');
    })
    .join('\n  ');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="13">
  <rect width="100%" height="100%" fill="white"/>
  <text x="10" y="22" font-size="15" font-weight="bold">${esc(title)}</text>
  <text x="${width - 10}" y="22" text-anchor="end" fill="#555">${esc(unit)}; bar = median, whisker = min–max</text>
  ${rows}
</svg>
`;
}

/** Resident memory of named processes over time. */
export function memoryChart(title: string, samples: { atMs: number; [name: string]: number }[]): string {
  const width = 640;
  const height = 300;
  const left = 60;
  const right = 20;
  const top = 40;
  const bottom = 40;
  const names = Object.keys(samples[0] ?? {}).filter((k) => k !== 'atMs');
  const maxT = Math.max(...samples.map((s) => s.atMs), 1);
  const maxM = Math.max(...samples.flatMap((s) => names.map((n) => (s[n] ?? 0) / 1024)), 1) * 1.1;
  const x = (t: number) => left + ((width - left - right) * t) / maxT;
  const y = (mib: number) => height - bottom - ((height - top - bottom) * mib) / maxM;
  const colours = ['#1b9e77', '#d95f02', '#7570b3'];
  const lines = names
    .map((name, i) => {
      const points = samples
        .filter((s) => Number.isFinite(s[name]))
        .map((s) => `${x(s.atMs).toFixed(1)},${y(s[name]! / 1024).toFixed(1)}`)
        .join(' ');
      return [
        `<polyline fill="none" stroke="${colours[i % 3]}" stroke-width="2" points="${points}"/>`,
        `<text x="${left + 10 + i * 120}" y="${top - 6}" fill="${colours[i % 3]}">${esc(name)}</text>`,
      ].join('\n  ');
    })
    .join('\n  ');
  const ticks = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => {
      const mib = maxM * f;
      return `<line x1="${left}" y1="${y(mib)}" x2="${width - right}" y2="${y(mib)}" stroke="#ddd"/><text x="${left - 6}" y="${y(mib) + 4}" text-anchor="end">${mib.toFixed(0)}</text>`;
    })
    .join('\n  ');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">
  <rect width="100%" height="100%" fill="white"/>
  <text x="10" y="18" font-size="15" font-weight="bold">${esc(title)}</text>
  ${ticks}
  <text x="14" y="${top + 100}" transform="rotate(-90 14 ${top + 100})">RSS, MiB</text>
  <text x="${width / 2}" y="${height - 8}" text-anchor="middle">seconds since the fleet started (${(maxT / 1000).toFixed(0)} s)</text>
  ${lines}
</svg>
`;
}

export function writeResults(dir: string, results: Json): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const write = (name: string, text: string) => {
    fs.writeFileSync(path.join(dir, name), text);
    written.push(path.join(dir, name));
  };
  write('results.json', `${JSON.stringify(results, null, 2)}\n`);
  write('results.md', markdown(results));
  if (results.throughput)
    write(
      'throughput.svg',
      barChart('Transition throughput, same server and worker settings', 'transitions per second', [
        { label: 'bare workflow (client)', spread: results.throughput.perSecond.bare },
        { label: 'conventions (client)', spread: results.throughput.perSecond.conventionDirect },
        { label: 'conventions (HTTP API)', spread: results.throughput.perSecond.conventionHttp },
      ]),
    );
  if (results.fleet?.memoryTimeline?.length)
    write(
      'fleet-memory.svg',
      memoryChart(
        `Fleet of ${results.fleet.conventions}: resident memory of the workers and the Temporal test servers`,
        results.fleet.memoryTimeline,
      ),
    );
  return written;
}
