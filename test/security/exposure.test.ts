import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { signatoryPartyIds } from '../../domain/convention/completeness';
import { addDays, addMonths, localDate } from '../../domain/calendar/dates';
import { businessDayOnOrAfter } from '../../domain/calendar/business-days';
import { subscribeWebhookUpdate } from '../../domain/temporal-contract';
import {
  AesGcmPayloadCodec,
  CONVENTION_METADATA,
  ENCRYPTED_ENCODING,
  parseEncryptionKeys,
} from '../../security/payload-codec';
import { OidcIssuer } from '../support/oidc-issuer';
import { completeConventionData } from '../support/fixtures';
import { FaultStack, sleep } from '../support/faults-stack';
import { ROOT } from '../support/stack';

/**
 * Nothing exposed, on the stack as production runs it (ISCG_ENV=production: JSON logs, keys
 * required, public webhook destinations only), with every log at debug level. A convention
 * carrying personal data wherever a user can type it (representatives' names, contact addresses,
 * candidates, signers, free texts) lives through every phase, with refusals, an SMTP outage and a
 * recipient the relay refuses. Then none of it may appear in the search attributes, the workflow's
 * summary and details, the timer and activity summaries of its history, the history itself (its
 * payloads are sealed), the logs of the worker, the API and Temporal, or an error message; and no
 * secret (API keys, webhook secret, payload key, codec token, SMTP password) in any log.
 */

const PERSONAL = {
  representativeNames: ['Hélène Marchetti', 'Yannick Le Goff', 'Fatou Diallo'],
  emails: [
    'helene.marchetti@nord.gouv.example',
    'yannick.legoff@lenord.example',
    'f.diallo@accueil-mediation.example',
    'contact.personnel@aniscg.example',
  ],
  contactLabels: ['Mme Brigitte Caron'],
  committeeTitles: ['Commandant Olivier Ferrand'],
  candidateReferences: ['CAND-DUPUIS-ELODIE', 'CAND-MOREL-KARIM', 'CAND-NGUYEN-LINH'],
  /** Sent in a refused decision: an unknown candidate is still someone. */
  unknownCandidate: ['CAND-INCONNU-MARTIN'],
  signerNames: ['Géraldine Vasseur', 'Thibault Renaud'],
  eSignatureReferences: ['DOCUSIGN-VASSEUR-8812'],
  freeText: [
    'retard dû à Mme Solène Aubert',
    'bureau de M. Patrice Leroy',
    'recrutement de Mme Dupuis à saluer',
    'PV-LEROY-2028',
    'BILAN-AUBERT-2027',
    'LRAR-GIRAUD-2029',
    'VIREMENT-PERRIN-0042',
  ],
};
const personal = Object.values(PERSONAL).flat();
/** The relay refuses this one: its failure is recorded, without the address. */
const REFUSED = PERSONAL.emails[1]!;
const SMTP_PASSWORD = 'smtp-mot-de-passe-a-ne-jamais-journaliser';
/** The operators' identity provider; the access token the Web UI would forward to the codec. */
let issuer: OidcIssuer;
let accessToken = '';

let stack: FaultStack;
const problems: { status: number; text: string }[] = [];
let conventionId = '';
let webhookSecret = '';

jest.setTimeout(5 * 60_000);

beforeAll(async () => {
  issuer = await new OidcIssuer().start();
  accessToken = await issuer.token(
    { roles: ['iscg-operateur'], iscg_departements: ['59'] },
    { expiresIn: 3600 },
  );
  stack = new FaultStack({
    logDir: path.join(ROOT, 'test-results', 'security-logs'),
    keys: [
      { id: 'ops-securite', actsAs: { kind: 'operator' } },
      { id: 'prefecture-59', actsAs: { kind: 'party-role', role: 'etat', departements: ['59'] } },
    ],
    iscgEnv: 'production',
    temporalLogLevel: 'info',
    smtpUrl: (url) => url.replace('smtp://', `smtp://iscg:${SMTP_PASSWORD}@`),
    env: {
      LOG_LEVEL: 'debug',
      ISCG_CODEC_OIDC_ISSUER: issuer.url,
      ISCG_CODEC_OIDC_AUDIENCE: 'iscg-codec',
      ISCG_CODEC_CORS_ORIGINS: 'http://localhost:8233',
      PUBLIC_URL: 'https://iscg.example.gouv.fr',
    },
  });
  await stack.start();
  stack.relay.refusedRecipients.add(REFUSED);
});
afterAll(async () => {
  await stack?.stop();
  stack?.remove();
  issuer?.close();
});

/** Calls the API and keeps every error answer for the scan. */
async function call(method: string, url: string, body?: unknown, as = 'ops-securite') {
  const answer = await stack.call(method, url, { as, ...(body !== undefined ? { body } : {}) });
  if (answer.status >= 400) problems.push({ status: answer.status, text: answer.text });
  return answer;
}

async function act(type: string, body: unknown, as = 'ops-securite') {
  const answer = await call('POST', `/conventions/${conventionId}/events/${type}`, body, as);
  if (answer.status !== 200) throw new Error(`${type}: ${answer.status} ${answer.text}`);
}

/** Each refusal here is asked for on purpose, with personal data in the request. */
async function refused(type: string, body: unknown) {
  const answer = await call('POST', `/conventions/${conventionId}/events/${type}`, body);
  expect({ type, status: answer.status >= 400 && answer.status < 500 }).toEqual({ type, status: true });
}

function personalData() {
  const data = completeConventionData({
    startDate: addMonths(localDate(Date.now(), '59'), -2),
    aniscgEmail: PERSONAL.emails[3],
    functionalAuthorities: [{ partyId: 'police', title: PERSONAL.committeeTitles[0]! }],
  });
  data.parties.etat!.representative.name = PERSONAL.representativeNames[0];
  data.parties.etat!.contacts = [{ email: PERSONAL.emails[0]!, label: PERSONAL.contactLabels[0] }];
  data.parties.cd59!.representative.name = PERSONAL.representativeNames[1];
  data.parties.cd59!.contacts = [{ email: PERSONAL.emails[1]! }];
  data.parties.association!.representative.name = PERSONAL.representativeNames[2];
  data.parties.association!.contacts = [{ email: PERSONAL.emails[2]! }];
  return data;
}

test('a convention full of personal data lives through every phase, refusals and failures included', async () => {
  const today = localDate(Date.now(), '59');
  const created = await call('POST', '/conventions', {
    slug: `exposition-${Date.now().toString(36)}`,
    data: personalData(),
  });
  expect(created.status).toBe(201);
  conventionId = created.body.conventionId;

  await refused('sign', {
    partyId: 'etat',
    signerName: PERSONAL.signerNames[0],
    signerTitle: 'Préfète',
    signedOn: today,
  });
  await refused('amend', {
    patch: { parties: { etat: { contacts: [{ email: `${PERSONAL.signerNames[1]} <pas une adresse>` }] } } },
  });
  await act('submit-draft', {});
  await act('compose-selection-committee', {
    members: [
      { partyId: 'association', authority: 'hierarchique', title: 'directrice' },
      { partyId: 'police', authority: 'fonctionnelle', title: PERSONAL.committeeTitles[0] },
    ],
  });
  await act('record-applications', { count: 3, references: PERSONAL.candidateReferences });
  await refused('record-recruitment-decision', {
    outcome: 'selected',
    candidateRef: PERSONAL.unknownCandidate[0],
  });
  await act('record-recruitment-decision', {
    outcome: 'selected',
    candidateRef: PERSONAL.candidateReferences[0],
  });

  // An SMTP outage in the middle of the signatures: the retries log why, without addresses.
  stack.relay.refuse();
  for (const [i, partyId] of signatoryPartyIds(personalData()).entries())
    await act('sign', {
      partyId,
      signerName: PERSONAL.signerNames[i % 2],
      signerTitle: 'Représentant',
      signedOn: today,
      ...(i === 0 ? { eSignatureRef: PERSONAL.eSignatureReferences[0] } : {}),
    });
  await sleep(3_000);
  stack.relay.accept();

  const state = (await call('GET', `/conventions/${conventionId}`)).body;
  expect(state.phase).toBe('active');
  // A line can be recorded unpaid once its due day is over: salaries due before today.
  const [first, second] = state.ledger.filter(
    (l: { kind: string; dueDate: string }) => l.kind === 'salary' && l.dueDate < today,
  );
  await act('record-payment', { itemId: first.id, paidOn: today, reference: PERSONAL.freeText[6] });
  await act('record-non-payment', { itemId: second.id, notedOn: today, reason: 'credits-non-votes' });
  await act('submit-activity-report', {
    termYear: 1,
    submittedOn: today,
    documentRef: PERSONAL.freeText[4],
    statistics: { recues: 12 },
  });
  await act('schedule-committee', {
    termYear: 1,
    meetingDate: businessDayOnOrAfter('59', addDays(today, 15)),
    location: PERSONAL.freeText[1],
  });
  await act('record-committee-review', {
    termYear: 1,
    heldOn: today,
    recommendations: [PERSONAL.freeText[2]],
    minutesRef: PERSONAL.freeText[3],
  });
  await act('denounce', {
    partyId: 'commune-lille',
    letterSentOn: today,
    letterReference: PERSONAL.freeText[5],
  });

  // A public address (production refuses the others); a name would need DNS, which tests lack.
  const webhook = await call('POST', `/conventions/${conventionId}/webhooks`, {
    url: 'https://93.184.215.14/iscg',
  });
  expect(webhook.status).toBe(201);
  webhookSecret = webhook.body.secret;
  // Only its secret matters here: unsubscribed at once, nothing is ever sent to that address.
  expect((await call('DELETE', `/conventions/${conventionId}/webhooks/${webhook.body.id}`)).status).toBe(204);

  // The workflow's loop has sent what it had to; the refused recipient is recorded.
  for (let i = 0; i < 60; i++) {
    const now = (await call('GET', `/conventions/${conventionId}`)).body;
    if (
      now.deliveryFailures.some((f: { kind: string }) => f.kind !== 'webhook') &&
      stack.relay.received.length >= 6
    )
      break;
    await sleep(1_000);
  }
  const final = (await call('GET', `/conventions/${conventionId}`)).body;
  // The entitled reader gets it all, in clear: the data is there, only not shown elsewhere.
  for (const value of [PERSONAL.emails[0]!, PERSONAL.signerNames[0]!, PERSONAL.representativeNames[2]!])
    expect(JSON.stringify(final)).toContain(value);
  expect(final.deliveryFailures.length).toBeGreaterThan(0);
  expect(JSON.stringify(final.deliveryFailures)).not.toContain(REFUSED);
});

/** Decrypts a payload with the stack's key, as the UI's codec server would (before masking). */
const codec = () => new AesGcmPayloadCodec(parseEncryptionKeys(stack.encryptionKeys));
async function decoded(payload: Payload | null | undefined): Promise<string> {
  if (!payload) return '';
  const encoding = Buffer.from(payload.metadata?.encoding ?? new Uint8Array()).toString();
  const [plain] = encoding === ENCRYPTED_ENCODING ? await codec().decode([payload]) : [payload];
  return JSON.stringify(defaultPayloadConverter.fromPayload(plain!));
}

function leaks(text: string, secrets: string[]): string[] {
  return secrets.filter((secret) => text.includes(secret));
}

test('search attributes, summary and details show none of it', async () => {
  const client = await stack.temporalClient();
  const handle = client.workflow.getHandle(conventionId);
  const description = await handle.describe();
  const shown = [
    JSON.stringify(description.searchAttributes),
    JSON.stringify(description.typedSearchAttributes),
    (await description.staticSummary()) ?? '',
    (await description.staticDetails()) ?? '',
    JSON.stringify(await handle.query('__temporal_workflow_metadata')),
  ].join('\n');
  expect(shown).toContain('Lille');
  expect(leaks(shown, personal)).toEqual([]);
});

test('the history: timer and activity summaries name no one, and its payloads are sealed', async () => {
  const client = await stack.temporalClient();
  const history = await client.workflow.getHandle(conventionId).fetchHistory();
  const summaries: string[] = [];
  for (const event of history.events ?? [])
    for (const payload of [event.userMetadata?.summary, event.userMetadata?.details])
      if (payload) summaries.push(await decoded(payload));
  expect(summaries.length).toBeGreaterThan(3);
  expect(leaks(summaries.join('\n'), personal)).toEqual([]);
  // Stored as Temporal keeps it (failures, markers, inputs), without the key.
  expect(leaks(JSON.stringify(history), personal)).toEqual([]);
  // Every sealed payload names its convention (the codec server decodes by it), and only this one.
  const sealedTo = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!value || typeof value !== 'object') return;
    const metadata = (value as { metadata?: Record<string, Uint8Array> }).metadata;
    if (metadata?.encoding && Buffer.from(metadata.encoding).toString() === ENCRYPTED_ENCODING)
      sealedTo.add(Buffer.from(metadata[CONVENTION_METADATA] ?? new Uint8Array()).toString());
    Object.values(value).forEach(visit);
  };
  visit(history.events);
  expect([...sealedTo]).toEqual([conventionId]);
});

test('error messages: no problem answer repeats personal data', () => {
  expect(problems.length).toBeGreaterThanOrEqual(3);
  const offending = problems.filter((p) => leaks(p.text, personal).length > 0);
  expect(offending).toEqual([]);
});

test('webhook destinations on private, loopback or link-local addresses are refused outside development', async () => {
  const destinations = [
    'https://127.0.0.1/iscg',
    'https://localhost/iscg',
    'https://10.1.2.3/iscg',
    'https://192.168.0.10/iscg',
    'https://172.16.5.4/iscg',
    'https://169.254.169.254/latest/meta-data/',
    'https://100.64.0.1/iscg',
    'https://[::1]/iscg',
    'https://[fd00::1]/iscg',
    'https://[::ffff:127.0.0.1]/iscg',
    'https://0.0.0.0/iscg',
    'http://receiver.example.org/iscg',
  ];
  for (const url of destinations) {
    const answer = await call('POST', `/conventions/${conventionId}/webhooks`, { url });
    expect({ url, status: answer.status, field: answer.body?.field }).toEqual({
      url,
      status: 422,
      field: 'url',
    });
  }
});

test('a private destination that reached the convention anyway is refused at delivery, never called', async () => {
  let hits = 0;
  const receiver = http.createServer((_request, response) => {
    hits++;
    response.writeHead(204).end();
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const port = (receiver.address() as AddressInfo).port;
  try {
    // Raw Temporal access skips the API's check: the worker's own check must hold.
    const client = await stack.temporalClient();
    const destinations: [string, string][] = [
      ['wh-00000000000000a1', `https://127.0.0.1:${port}/iscg`],
      ['wh-00000000000000a2', `https://localhost:${port}/iscg`],
      ['wh-00000000000000a3', `http://127.0.0.1:${port}/iscg`],
    ];
    for (const [id, url] of destinations)
      await client.workflow.getHandle(conventionId).executeUpdate(subscribeWebhookUpdate, {
        args: [{ id, url, secret: 'secret-de-test-0123456789', client: null }],
      });
    await act('record-payment', {
      itemId: (await call('GET', `/conventions/${conventionId}`)).body.ledger.find(
        (l: { nonPayment: unknown }) => l.nonPayment,
      ).id,
      paidOn: localDate(Date.now(), '59'),
    });
    let failures: { kind: string; messageId: string; reason: string }[] = [];
    for (let i = 0; i < 60; i++) {
      failures = (await call('GET', `/conventions/${conventionId}`)).body.deliveryFailures.filter(
        (f: { kind: string }) => f.kind === 'webhook',
      );
      if (failures.filter((f) => /wh-00000000000000a/.test(f.messageId)).length >= 3) break;
      await sleep(1_000);
    }
    expect(failures.filter((f) => /wh-00000000000000a/.test(f.messageId))).toHaveLength(3);
    for (const failure of failures) expect(failure.reason).toMatch(/refusée|https/);
    expect(hits).toBe(0);
  } finally {
    receiver.close();
  }
});

test('the logs of the worker, the API and Temporal hold no personal data and no secret', async () => {
  // Exercise the codec server once with an operator's access token: it must not reach the logs.
  const decode = await fetch(`${stack.apiUrl}/codec/decode`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      origin: 'http://localhost:8233',
      authorization: `Bearer ${accessToken}`,
    },
    body: JSON.stringify({ payloads: [] }),
  });
  expect(decode.status).toBe(200);
  await sleep(1_000);
  const secrets = [...stack.secrets, webhookSecret, accessToken, SMTP_PASSWORD];
  expect(webhookSecret).toMatch(/^whsec_/);
  for (const process of stack.processes()) {
    const output = process.output();
    expect({ process: process.name, logged: output.length > 0 }).toEqual({
      process: process.name,
      logged: true,
    });
    expect({ process: process.name, personal: leaks(output, personal) }).toEqual({
      process: process.name,
      personal: [],
    });
    expect({
      process: process.name,
      secrets: leaks(output, secrets).map((s) => `${s.slice(0, 6)}…`),
    }).toEqual({
      process: process.name,
      secrets: [],
    });
  }
  // The logs did see the run: the mail refused for good, and the codec call.
  const worker = stack.workers.map((w) => w.output()).join('\n');
  expect(worker).toMatch(/SMTP 550|refus/);
  expect(stack.api.output()).toContain('/codec/decode');
});
