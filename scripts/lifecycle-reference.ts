import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import type { AnyStateNode } from 'xstate';
import { ACTING_ROLE_LABELS, ACTS_BY_EVENT } from '../domain/lifecycle/authorization';
import {
  EVENT_LABELS,
  EXTERNAL_EVENT_TYPES,
  eventPayloadSchemas,
  eventSlug,
} from '../domain/lifecycle/events';
import { conventionMachine } from '../domain/lifecycle/machine';
import { findRepoRoot } from './temporal-binaries';

/**
 * The table of events in docs/lifecycle.md, generated from the code so the docs cannot drift:
 * `node dist/scripts/lifecycle-reference.js --write` rewrites it; a unit test compares them.
 */

const STATE_LABELS: Record<string, string> = {
  'convention.drafting': 'rédaction',
  'convention.recruitment': 'recrutement',
  'convention.signature': 'signature',
  'convention.awaitingStart': 'signée, avant effet',
  'convention.inForce': 'en vigueur',
  'convention.inForce.funding.current': 'en vigueur',
  'convention.inForce.funding.suspended': 'suspendue',
  'convention.inForce.post.filled': 'en vigueur (poste pourvu)',
  'convention.inForce.post.vacant': 'poste vacant',
  'convention.inForce.term.running': 'en vigueur',
  'convention.inForce.term.concertation': 'concertation',
  'convention.settling': 'terminée, à solder',
};

function statesAccepting(type: string): string[] {
  const labels = new Set<string>();
  const visit = (node: AnyStateNode) => {
    if (node.transitions.has(type)) labels.add(STATE_LABELS[node.id] ?? node.id);
    for (const child of Object.values(node.states)) visit(child);
  };
  visit(conventionMachine.root);
  return [...labels];
}

function payloadFields(type: keyof typeof eventPayloadSchemas): string {
  const schema = z.toJSONSchema(eventPayloadSchemas[type], { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, unknown>;
    required?: string[];
    oneOf?: { properties?: Record<string, unknown>; required?: string[] }[];
    anyOf?: { properties?: Record<string, unknown>; required?: string[] }[];
  };
  const variants = schema.oneOf ?? schema.anyOf ?? [schema];
  const describe = (v: { properties?: Record<string, unknown>; required?: string[] }) =>
    Object.keys(v.properties ?? {})
      .map((name) => `\`${name}\`${v.required?.includes(name) ? '' : '?'}`)
      .join(', ') || '—';
  return variants.map(describe).join(' **ou** ');
}

export function eventsTable(): string {
  const lines = [
    '| event | route `POST /conventions/{id}/events/…` | who may send it | accepted in | data (`?` optional) |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const type of EXTERNAL_EVENT_TYPES) {
    const who = ACTS_BY_EVENT[type].map((role) => ACTING_ROLE_LABELS[role]).join(', ');
    lines.push(
      `| \`${type}\` — ${EVENT_LABELS[type]} | \`${eventSlug(type)}\` | ${who} | ${statesAccepting(type).join(', ')} | ${payloadFields(type)} |`,
    );
  }
  return lines.join('\n');
}

// Prettier would re-pad the table; the generated text is kept as is between these markers.
export const TABLE_START = '<!-- prettier-ignore-start -->';
export const TABLE_END = '<!-- prettier-ignore-end -->';

export function docWithTable(doc: string): string {
  const start = doc.indexOf(TABLE_START);
  const end = doc.indexOf(TABLE_END);
  if (start < 0 || end < 0) throw new Error('docs/lifecycle.md: table markers missing');
  return `${doc.slice(0, start + TABLE_START.length)}\n${eventsTable()}\n${doc.slice(end)}`;
}

if (require.main === module) {
  const file = path.join(findRepoRoot(), 'docs', 'lifecycle.md');
  const updated = docWithTable(fs.readFileSync(file, 'utf8'));
  if (process.argv.includes('--write')) fs.writeFileSync(file, updated);
  else console.log(eventsTable());
}
