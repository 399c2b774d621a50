/** Sealed links and cookies: opaque, tamper-evident, bound to their purpose, expiring, and rotatable. */
import { Sealer } from '../ec2-frontend/src/seal';

const secret = (n: number) => Buffer.alloc(32, n);
const sealer = new Sealer([{ generation: 1, secret: secret(1) }]);
const HOUR = 3600_000;

test('a seal opens to what was sealed, and holds none of it in readable form', () => {
  const payload = { q: 'ada.lovelace@example.com', from: 'ada lovelace\u0001ada.lovelace@example.com' };
  const token = sealer.seal('list', payload);
  expect(token).toMatch(/^[\w-]+$/);
  const bytes = Buffer.from(token, 'base64url');
  for (const text of ['ada', 'lovelace', 'example', '"q"']) expect(bytes.includes(Buffer.from(text))).toBe(false);
  expect(token).not.toContain('ada');
  expect(sealer.open('list', token, HOUR)).toEqual(payload);
  // Two seals of the same thing differ (a fresh IV each): a link says nothing about another.
  expect(sealer.seal('list', payload)).not.toBe(token);
});

test('any changed character, another purpose, another key, or an age past the limit does not open', () => {
  // Issue times are whole seconds.
  const now = Math.floor(Date.now() / 1000) * 1000;
  const token = sealer.seal('confirmation', ['Ada', 'ada@example.com'], now);
  for (let i = 0; i < token.length; i += 7) {
    const edited = `${token.slice(0, i)}${token[i] === 'A' ? 'B' : 'A'}${token.slice(i + 1)}`;
    expect(sealer.open('confirmation', edited, HOUR, now)).toBeUndefined();
  }
  expect(sealer.open('list', token, HOUR, now)).toBeUndefined();
  expect(new Sealer([{ generation: 1, secret: secret(2) }]).open('confirmation', token, HOUR, now)).toBeUndefined();
  expect(sealer.open('confirmation', token, 10 * 60_000, now + 10 * 60_000)).toEqual(['Ada', 'ada@example.com']);
  expect(sealer.open('confirmation', token, 10 * 60_000, now + 10 * 60_000 + 1_000)).toBeUndefined();
  // From the future (beyond a minute's skew between instances): refused.
  expect(sealer.open('confirmation', token, HOUR, now - 2 * 60_000)).toBeUndefined();
  for (const junk of ['', 'short', '!'.repeat(60), 'A'.repeat(5000)])
    expect(sealer.open('confirmation', junk, HOUR, now)).toBeUndefined();
});

test('rotation: an instance that seals with generation 2 opens 1 and 3, so old and new instances understand each other', () => {
  const keys = [1, 2, 3].map((generation) => ({ generation, secret: secret(generation) }));
  const old = new Sealer(keys.slice(0, 2), 1);
  const rotated = new Sealer(keys, 2);
  const next = new Sealer([keys[1]!, keys[2]!], 3);
  expect(rotated.open('list', old.seal('list', 'a'), HOUR)).toBe('a');
  expect(old.open('list', rotated.seal('list', 'b'), HOUR)).toBe('b');
  expect(rotated.open('list', next.seal('list', 'c'), HOUR)).toBe('c');
  // Two generations on, the oldest no longer opens.
  expect(next.open('list', old.seal('list', 'd'), HOUR)).toBeUndefined();
  expect(() => new Sealer([{ generation: 1, secret: Buffer.alloc(16) }])).toThrow(/at least 32 bytes/);
  expect(() => new Sealer(keys, 9)).toThrow(/generation 9/);
});
