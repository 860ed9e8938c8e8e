import { createHash } from 'node:crypto';
import { apiKeyId, apiKeyMatches, generateApiKey, grants, hashApiKey, parseScopes } from './api-key';

describe('API keys', () => {
  it('makes a su_live_ key with an 8-hex visible id and 256 random bits, and keeps only its SHA-256', () => {
    const { key, keyId, hash } = generateApiKey();
    expect(key).toMatch(/^su_live_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key.slice(-43), 'base64url')).toHaveLength(32);
    expect(apiKeyId(key)).toBe(keyId);
    expect(hash.equals(createHash('sha256').update(key).digest())).toBe(true);
    expect(generateApiKey().key).not.toBe(key);
  });

  it.each(['', 'su_live_', 'Bearer x', 'su_live_0123abcd', 'su_live_0123ABCD_' + 'a'.repeat(43), 'su_live_0123abcd_' + 'a'.repeat(42), 'su_live_0123abcd_' + 'a'.repeat(44)])(
    'finds no id in the malformed key %j',
    (text) => {
      expect(apiKeyId(text)).toBeNull();
    },
  );

  describe('comparison', () => {
    const { key, hash } = generateApiKey();
    let compare: jest.SpyInstance;
    beforeEach(() => {
      // The module object the library calls through (a namespace import would be a frozen copy).
      compare = jest.spyOn(jest.requireActual<typeof import('node:crypto')>('node:crypto'), 'timingSafeEqual');
    });
    afterEach(() => compare.mockRestore());

    it('accepts the key itself', () => {
      expect(apiKeyMatches(key, hash)).toBe(true);
    });

    // A guess right in its first n characters is refused exactly like one right in none: the
    // comparison is between two 32-byte digests, so how much of the guess matched changes neither
    // what is compared nor how.
    it('refuses wrong keys of every correct-prefix length the same way: timingSafeEqual on two 32-byte digests', () => {
      for (let correct = 0; correct < key.length; correct++) {
        const wrongChar = key[correct] === 'A' ? 'B' : 'A';
        const guess = key.slice(0, correct) + wrongChar + key.slice(correct + 1);
        expect(apiKeyMatches(guess, hash)).toBe(false);
      }
      expect(apiKeyMatches(key.slice(0, -1), hash)).toBe(false);
      expect(compare).toHaveBeenCalledTimes(key.length + 1);
      for (const [presented, stored] of compare.mock.calls as [Buffer, Buffer][]) {
        expect([presented.length, stored.length]).toEqual([32, 32]);
        expect(stored.equals(hash)).toBe(true);
      }
    });

    it('refuses a stored hash of another length without comparing', () => {
      expect(apiKeyMatches(key, hashApiKey(key).subarray(0, 16))).toBe(false);
      expect(compare).not.toHaveBeenCalled();
    });
  });

  it('reads scopes, refusing unknown or none', () => {
    expect(parseScopes('reports:read, reports:write,reports:read')).toEqual(['reports:read', 'reports:write']);
    expect(() => parseScopes('reports:read,root')).toThrow('unknown scope root');
    expect(() => parseScopes(' , ')).toThrow('at least one scope');
  });

  it.each([
    [['reports:read'], 'reports:read', true],
    [['reports:read'], 'reports:write', false],
    [['reports:write'], 'reports:read', false],
    [['admin'], 'reports:write', true],
    [['admin'], 'reports:read', true],
  ] as const)('scopes %j grant %s: %s', (scopes, needed, expected) => {
    expect(grants(scopes, needed)).toBe(expected);
  });
});
