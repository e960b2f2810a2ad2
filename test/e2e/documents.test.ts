import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../client/cli/program';
import { localDate } from '../../domain/calendar/dates';
import { signatoryPartyIds } from '../../domain/convention/completeness';
import { conventionCreateSchema } from '../../domain/convention/schema';
import YAML from 'yaml';
import { startApi, startDevStack, type DevStack, type RunningApi } from '../support/api-harness';

/**
 * The documents over real HTTP, on a Temporal dev server with a worker: the draft and each
 * version in PDF and DOCX, ETags and conditional requests, the rights of each kind of key, the
 * signed convention, the CLI; and Documenso's webhooks, with its exact bodies, its secret header,
 * its retries and its duplicate events, applied once, refused and logged when wrong.
 */

const ROOT = path.resolve(__dirname, '..', '..');
const SECRET = 'documenso-webhook-secret-for-tests';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

let stack: DevStack;
let api: RunningApi;
const logs: Record<string, unknown>[] = [];
const slug = `documents-${Date.now().toString(36)}`;
const conventionId = `convention-59-${slug}`;
const create = conventionCreateSchema.parse({
  ...(YAML.parse(
    fs.readFileSync(path.join(ROOT, 'examples/conventions/59-lille-centre.yaml'), 'utf8'),
  ) as object),
  slug,
});

beforeAll(async () => {
  stack = await startDevStack();
  api = await startApi(stack.conventions, {
    keys: [
      { id: 'operator', actsAs: { kind: 'operator' } },
      { id: 'prefecture-59', actsAs: { kind: 'party-role', role: 'etat', departements: ['59'] } },
      { id: 'prefecture-62', actsAs: { kind: 'party-role', role: 'etat', departements: ['62'] } },
      { id: 'ville-lille', actsAs: { kind: 'party', partyId: 'ville-lille', conventions: [conventionId] } },
      {
        id: 'autre-convention',
        actsAs: { kind: 'party', partyId: 'ville-lille', conventions: ['convention-59-ailleurs'] },
      },
    ],
    documenso: { secret: SECRET, departements: ['59'] },
    logger: {
      level: 'info',
      stream: { write: (line: string) => logs.push(JSON.parse(line) as Record<string, unknown>) },
    },
  });
  expect((await api.call('POST', '/conventions', { body: create })).status).toBe(201);
});
afterAll(async () => {
  await api?.close();
  await stack?.teardown();
});

async function download(urlPath: string, options: { as?: string; headers?: Record<string, string> } = {}) {
  const response = await fetch(`${api.baseUrl}${urlPath}`, {
    headers: { authorization: `Bearer ${api.tokens[options.as ?? 'operator']}`, ...options.headers },
  });
  return {
    status: response.status,
    headers: response.headers,
    bytes: Buffer.from(await response.arrayBuffer()),
  };
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function toSignature() {
  await api.call('POST', `/conventions/${conventionId}/events/submit-draft`, { body: {} });
  await api.call('POST', `/conventions/${conventionId}/events/compose-selection-committee`, {
    body: {
      members: [
        { partyId: 'association', authority: 'hierarchique', title: 'directrice' },
        { partyId: 'police', authority: 'fonctionnelle', title: 'chef du service' },
      ],
    },
  });
  await api.call('POST', `/conventions/${conventionId}/events/record-applications`, {
    body: { count: 1, references: ['CAND-1'] },
  });
  const decided = await api.call('POST', `/conventions/${conventionId}/events/record-recruitment-decision`, {
    body: { outcome: 'selected', candidateRef: 'CAND-1' },
  });
  expect(decided.body.phase).toBe('signature');
  for (let i = 0; i < 100; i++) {
    const listing = await api.call('GET', `/conventions/${conventionId}/documents`);
    if (listing.body.current?.rendered) return listing.body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('version 1 jamais rendue');
}

/** A fixture with this convention's externalId; its signing instants moved to the last hours, as a live signature's. */
const signedAtBase = Date.now() - 3600_000;
function documensoBody(fixture: string, externalId: string): unknown {
  const body = JSON.parse(fs.readFileSync(path.join(ROOT, 'test/fixtures/documenso', fixture), 'utf8'));
  body.payload.externalId = externalId;
  for (const list of [body.payload.recipients, body.payload.Recipient])
    for (const recipient of list)
      if (recipient.signedAt)
        recipient.signedAt = new Date(signedAtBase + (recipient.id - 9100) * 60_000).toISOString();
  return body;
}

/** As Documenso posts: compact JSON, `Content-Type: application/json`, the secret in clear. */
function postDocumenso(body: unknown, secret: string | null = SECRET) {
  return fetch(`${api.baseUrl}/webhooks/documenso`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(secret === null ? {} : { 'x-documenso-secret': secret }),
    },
    body: JSON.stringify(body),
  }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
}

let version1: { sha256: string; externalId: string };

describe('documents', () => {
  test('the draft, before any version: PDF and DOCX, marked « projet »', async () => {
    const pdf = await download(`/conventions/${conventionId}/document`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('x-document-version')).toBe('projet');
    expect(pdf.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.headers.get('etag')).toBe(`"${sha256(pdf.bytes)}"`);
    expect(pdf.headers.get('content-disposition')).toBe(`attachment; filename="${conventionId}-projet.pdf"`);
    const docx = await download(`/conventions/${conventionId}/document`, { headers: { accept: DOCX } });
    expect(docx.headers.get('content-type')).toBe(DOCX);
    expect(docx.bytes.subarray(0, 2).toString()).toBe('PK');
    const unknown = await api.call('GET', `/conventions/${conventionId}/document?version=1`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.detail).toContain('aucune version établie');
    const signed = await api.call('GET', `/conventions/${conventionId}/document/signed`);
    expect(signed.status).toBe(409);
  });

  test('version 1: its hash is its ETag, a conditional GET answers 304, bad parameters 422', async () => {
    const listing = await toSignature();
    expect(listing.current).toMatchObject({ kind: 'convention', version: 1, term: 1, reason: 'signature' });
    const pdf = await download(`/conventions/${conventionId}/document`);
    expect(pdf.headers.get('x-document-version')).toBe('1');
    expect(sha256(pdf.bytes)).toBe(listing.current.rendered.sha256);
    expect(pdf.headers.get('etag')).toBe(`"${listing.current.rendered.sha256}"`);
    expect(listing.signatureExternalId).toBe(`iscg:${conventionId}:v1:${listing.current.rendered.sha256}`);
    version1 = { sha256: listing.current.rendered.sha256, externalId: listing.signatureExternalId };

    const again = await download(`/conventions/${conventionId}/document?version=1`, {
      headers: { 'if-none-match': `"${version1.sha256}"` },
    });
    expect(again.status).toBe(304);
    expect(again.bytes.length).toBe(0);
    const docx = await download(`/conventions/${conventionId}/document?version=1&format=docx`);
    expect(docx.headers.get('etag')).toBe(`"${sha256(docx.bytes)}"`);
    expect(docx.headers.get('x-document-sha256')).toBe(sha256(docx.bytes));

    const badFormat = await api.call('GET', `/conventions/${conventionId}/document?format=odt`);
    expect(badFormat.status).toBe(422);
    expect(badFormat.body).toMatchObject({ code: 'invalid', field: 'format' });
    const badVersion = await api.call('GET', `/conventions/${conventionId}/document?version=0`);
    expect(badVersion.body).toMatchObject({ code: 'invalid', field: 'version' });
    expect((await api.call('GET', `/conventions/${conventionId}/reports/4`)).body.field).toBe('year');
    expect((await api.call('GET', `/conventions/${conventionId}/reports/1`)).status).toBe(404);
  });

  test('rights follow the keys: a party reads its own conventions’ documents, nobody else’s', async () => {
    for (const key of ['operator', 'prefecture-59', 'ville-lille'])
      expect((await download(`/conventions/${conventionId}/document`, { as: key })).status).toBe(200);
    for (const key of ['prefecture-62', 'autre-convention']) {
      const denied = await download(`/conventions/${conventionId}/document`, { as: key });
      expect(denied.status).toBe(403);
      expect((await download(`/conventions/${conventionId}/documents`, { as: key })).status).toBe(403);
    }
    const anonymous = await fetch(`${api.baseUrl}/conventions/${conventionId}/document`);
    expect(anonymous.status).toBe(401);
  });

  test('iscg document: --info, the PDF into a file, its hash printed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iscg-document-'));
    let stdout = '';
    const io = {
      stdout: { write: (s: string | Uint8Array) => (stdout += s.toString()) },
      stderr: { write: () => true },
      env: { ISCG_API_URL: api.baseUrl, ISCG_API_KEY: api.tokens.operator },
    };
    expect(await runCli(['document', conventionId, '--info'], io)).toBe(0);
    expect(stdout).toContain(`* version 1 (période 1, signature): SHA-256 ${version1.sha256}`);
    expect(stdout).toContain(`externalId Documenso de la version à signer: ${version1.externalId}`);
    stdout = '';
    const file = path.join(dir, 'v1.pdf');
    expect(await runCli(['document', conventionId, '--version', '1', '-o', file], io)).toBe(0);
    expect(sha256(fs.readFileSync(file))).toBe(version1.sha256);
    expect(stdout).toContain(`SHA-256 ${version1.sha256}`);
    expect(await runCli(['document', conventionId, '--signed', '--format', 'docx'], io)).toBe(2);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('Documenso webhooks', () => {
  const signedBy = async () =>
    Object.keys((await api.call('GET', `/conventions/${conventionId}`)).body.signatures.collected);
  const signHistory = async () =>
    (await api.call('GET', `/conventions/${conventionId}`)).body.history.filter(
      (h: { event: string }) => h.event === 'SIGN',
    ).length;
  const warnings = (message: string) => logs.filter((l) => l.level === 40 && l.msg === message);

  test('refused and logged, changing nothing: bad secret, unknown document, stale hash, another département', async () => {
    const good = documensoBody('document-signed.json', version1.externalId);
    expect((await postDocumenso(good, null)).status).toBe(401);
    expect((await postDocumenso(good, 'pas-le-bon-secret')).status).toBe(401);
    // Documenso sends an empty header when its webhook has no secret.
    expect((await postDocumenso(good, '')).status).toBe(401);
    expect(warnings('documenso: secret invalide, webhook refusé').length).toBe(3);

    const unknown = await postDocumenso(documensoBody('document-signed.json', 'order-2027-00042'));
    expect(unknown.status).toBe(404);
    expect(unknown.body.field).toBe('payload.externalId');
    const missing = await postDocumenso(
      documensoBody('document-signed.json', `iscg:convention-59-inconnue:v1:${version1.sha256}`),
    );
    expect(missing.status).toBe(404);
    const elsewhere = await postDocumenso(
      documensoBody('document-signed.json', `iscg:convention-62-arras:v1:${version1.sha256}`),
    );
    expect(elsewhere.status).toBe(403);

    const stale = await postDocumenso(
      documensoBody('document-signed.json', `iscg:${conventionId}:v1:${'0'.repeat(64)}`),
    );
    expect(stale.status).toBe(409);
    expect(stale.body.detail).toContain(`attendu version 1, SHA-256 ${version1.sha256}`);
    expect(warnings('documenso: signature refusée par la convention').length).toBe(1);

    const notDocumenso = await postDocumenso({ hello: 'world' });
    expect(notDocumenso.status).toBe(422);
    expect(await signedBy()).toEqual([]);
    // No log line carries a signer's name, an email or a signing token.
    const text = JSON.stringify(logs);
    for (const secret of [
      'Claire Dupont',
      'pref-prevention@nord.gouv.example',
      'Xk3_9pQvT2mLr8sWb1Zc00',
      SECRET,
    ])
      expect(text).not.toContain(secret);
  });

  test('recipients who signed become SIGNs once, whatever the retries and duplicate events', async () => {
    const signed = documensoBody('document-signed.json', version1.externalId);
    const first = await postDocumenso(signed);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ event: 'DOCUMENT_SIGNED', status: 'applied', conventionId });
    expect(first.body.signatures.map((s: any) => [s.partyId, s.outcome])).toEqual([
      ['etat', 'applied'],
      ['police', 'applied'],
    ]);
    // Documenso's retries, and the same payload under the other per-recipient event.
    const retried = await postDocumenso(signed);
    expect(retried.body.signatures.map((s: any) => s.outcome)).toEqual([
      'already-applied',
      'already-applied',
    ]);
    const recipientCompleted = await postDocumenso({
      ...(signed as object),
      event: 'DOCUMENT_RECIPIENT_COMPLETED',
    });
    expect(recipientCompleted.status).toBe(200);
    expect(await signHistory()).toBe(2);

    const state = (await api.call('GET', `/conventions/${conventionId}`)).body;
    expect(state.signatures.collected.etat).toMatchObject({
      signerName: 'Claire Dupont',
      signerTitle: 'Préfet du Nord',
      signedOn: localDate(signedAtBase + 60_000, '59'),
      eSignatureRef: 'documenso:envelope_q7rkswlmtzaobhcd/9101',
      document: { version: 1, sha256: version1.sha256 },
    });

    // Events ignored: acknowledged, nothing recorded.
    const opened = await postDocumenso({ ...(signed as object), event: 'DOCUMENT_OPENED' });
    expect(opened).toEqual({ status: 200, body: { event: 'DOCUMENT_OPENED', status: 'ignored' } });

    // DOCUMENT_COMPLETED, twice (a reseal sends it again): the four others, once; the CC recipient never.
    const completed = documensoBody('document-completed.json', version1.externalId);
    const done = await postDocumenso(completed);
    expect(done.status).toBe(200);
    expect(
      done.body.signatures
        .filter((s: any) => s.outcome === 'applied')
        .map((s: any) => s.partyId)
        .sort(),
    ).toEqual(['association', 'departement-nord', 'procureur', 'ville-lille']);
    expect(
      (await postDocumenso(completed)).body.signatures.every((s: any) => s.outcome === 'already-applied'),
    ).toBe(true);
    expect(await signHistory()).toBe(signatoryPartyIds(create.data).length);
    const after = (await api.call('GET', `/conventions/${conventionId}`)).body;
    expect(after.phase).not.toBe('signature');
    expect(after.signatures.missing).toEqual([]);
  });

  test('the signed convention, once all have signed: the text and its certificate page', async () => {
    const signed = await download(`/conventions/${conventionId}/document/signed`);
    expect(signed.status).toBe(200);
    expect(signed.headers.get('content-disposition')).toBe(
      `attachment; filename="${conventionId}-v1-signee.pdf"`,
    );
    expect(signed.headers.get('x-document-version')).toBe('1');
    const again = await download(`/conventions/${conventionId}/document/signed`, {
      headers: { 'if-none-match': signed.headers.get('etag')! },
    });
    expect(again.status).toBe(304);
    // The notice to every party carries the same file.
    for (let i = 0; i < 100 && !stack.sink.received.some((m) => m.subject.includes('signée par toutes')); i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const notice = stack.sink.received.find((m) => m.subject.includes('signée par toutes'))!;
    const attached = notice.attachments.find((a) => a.contentType === 'application/pdf')!;
    expect(sha256(attached.bytes)).toBe(sha256(signed.bytes));
  });
});
