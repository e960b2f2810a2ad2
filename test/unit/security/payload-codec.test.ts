import { defaultPayloadConverter } from '@temporalio/common';
import { AesGcmPayloadCodec, generateKey, parseEncryptionKeys } from '../../../security/payload-codec';

const personal = {
  representative: { name: 'Jeanne Martin' },
  contacts: [{ email: 'jeanne.martin@example.fr' }],
};

test('payloads are unreadable once encoded and identical once decoded', async () => {
  const codec = new AesGcmPayloadCodec(parseEncryptionKeys(`k1:${generateKey()}`));
  const payload = defaultPayloadConverter.toPayload(personal);
  const [sealed] = await codec.encode([payload]);
  const raw = Buffer.from(sealed!.data!).toString('latin1');
  expect(raw).not.toContain('Jeanne');
  expect(raw).not.toContain('example.fr');
  const [opened] = await codec.decode([sealed!]);
  expect(defaultPayloadConverter.fromPayload(opened!)).toEqual(personal);
});

test('keys rotate: a payload sealed with an old key is still read, new ones use the current key', async () => {
  const oldKey = generateKey();
  const before = new AesGcmPayloadCodec(parseEncryptionKeys(`2025:${oldKey}`));
  const [sealedBefore] = await before.encode([defaultPayloadConverter.toPayload(personal)]);
  const after = new AesGcmPayloadCodec(parseEncryptionKeys(`2025:${oldKey},2026:${generateKey()}`, '2026'));
  const [opened] = await after.decode([sealedBefore!]);
  expect(defaultPayloadConverter.fromPayload(opened!)).toEqual(personal);
  const [sealedAfter] = await after.encode([defaultPayloadConverter.toPayload(personal)]);
  expect(Buffer.from(sealedAfter!.metadata!['encryption-key-id']!).toString()).toBe('2026');
});

test('a tampered payload or an unknown key is refused', async () => {
  const codec = new AesGcmPayloadCodec(parseEncryptionKeys(`k1:${generateKey()}`));
  const [sealed] = await codec.encode([defaultPayloadConverter.toPayload(personal)]);
  const data = Buffer.from(sealed!.data!);
  data[20] = data[20]! ^ 1;
  await expect(codec.decode([{ ...sealed!, data }])).rejects.toThrow();
  const other = new AesGcmPayloadCodec(parseEncryptionKeys(`k2:${generateKey()}`));
  await expect(other.decode([sealed!])).rejects.toThrow('clé inconnue "k1"');
});

test('bad key configuration names the variable and the rule', () => {
  expect(() => parseEncryptionKeys('k1:short')).toThrow('32 octets');
  expect(() => parseEncryptionKeys('nocolon')).toThrow('ISCG_ENCRYPTION_KEYS');
  expect(() => parseEncryptionKeys(`k1:${generateKey()}`, 'k9')).toThrow('ISCG_ENCRYPTION_KEY_ID');
});
