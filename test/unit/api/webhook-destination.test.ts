import {
  DestinationError,
  checkDestination,
  isPublicAddress,
  parseDestination,
} from '../../../activities/webhooks/destination';
import { signWebhook } from '../../../activities/webhooks/sender';

test('only public unicast addresses are public', () => {
  for (const address of ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946', '::ffff:93.184.216.34'])
    expect(isPublicAddress(address)).toBe(true);
  for (const address of [
    '127.0.0.1',
    '10.0.0.8',
    '172.16.3.4',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '255.255.255.255',
    '224.0.0.1',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    '::ffff:127.0.0.1',
    '::ffff:10.1.1.1',
    'not-an-ip',
  ])
    expect(isPublicAddress(address)).toBe(false);
});

test('URLs: http(s) only, https outside development, no credentials', () => {
  const strict = { allowPrivateDestinations: false };
  const lax = { allowPrivateDestinations: true };
  expect(parseDestination('https://example.org/hook', strict).hostname).toBe('example.org');
  expect(parseDestination('http://localhost:8080/hook', lax).port).toBe('8080');
  for (const url of ['http://example.org/hook', 'ftp://example.org', 'https://u:p@example.org', 'nonsense'])
    expect(() => parseDestination(url, strict)).toThrow(DestinationError);
});

test('literal and named private destinations are refused outside development', async () => {
  const strict = { allowPrivateDestinations: false };
  await expect(checkDestination('https://127.0.0.1/x', strict)).rejects.toThrow(/privée/);
  await expect(checkDestination('https://[::1]/x', strict)).rejects.toThrow(/privée/);
  await expect(checkDestination('https://localhost/x', strict)).rejects.toThrow(DestinationError);
  await expect(
    checkDestination('https://localhost/x', { allowPrivateDestinations: true }),
  ).resolves.toBeInstanceOf(URL);
});

test('the signature is the documented HMAC of "<t>.<body>"', () => {
  // printf '%s' '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
  expect(signWebhook('whsec_test', 1_700_000_000, '{"a":1}')).toBe(
    't=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789',
  );
});
