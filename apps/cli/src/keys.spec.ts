import { formatKeyList, parseKeysCommand } from './keys';

describe('npm run keys arguments', () => {
  it('reads create with name, owner and scopes', () => {
    expect(parseKeysCommand(['create', '--name', 'ci', '--owner', 'acme', '--scopes', 'reports:read,reports:write'])).toEqual({
      command: 'create',
      key: { name: 'ci', owner: 'acme', scopes: ['reports:read', 'reports:write'] },
    });
  });

  it.each([
    [['create', '--owner', 'acme', '--scopes', 'admin'], 'create needs --name'],
    [['create', '--name', 'ci', '--scopes', 'admin'], 'create needs --owner'],
    [['create', '--name', 'ci', '--owner', 'acme'], 'create needs --scopes'],
    [['create', '--name', 'ci', '--owner', 'acme', '--scopes', 'root'], 'unknown scope root'],
    [['list', '--owner', 'acme'], 'go with create only'],
    [['revoke'], 'revoke needs one key id'],
    [['revoke', 'nothex!!'], 'revoke needs one key id'],
    [['rotate'], 'unknown command: rotate'],
    [[], 'a command is needed'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseKeysCommand(argv)).toThrow(message);
  });

  it('revokes by id, or by the whole key pasted', () => {
    expect(parseKeysCommand(['revoke', '0123abcd'])).toEqual({ command: 'revoke', keyId: '0123abcd' });
    expect(parseKeysCommand(['revoke', `su_live_0123abcd_${'x'.repeat(43)}`])).toEqual({ command: 'revoke', keyId: '0123abcd' });
  });

  it('lists keys as a table without any key', () => {
    const created = new Date('2026-12-01T10:00:00Z');
    const text = formatKeyList([
      { keyId: '0123abcd', name: 'ci', owner: 'acme', scopes: ['reports:read'], createdAt: created, lastUsedAt: null, revokedAt: created },
    ]);
    expect(text.split('\n')).toEqual([
      'id        name  owner  scopes        created                   last used  revoked',
      '0123abcd  ci    acme   reports:read  2026-12-01T10:00:00.000Z  -          2026-12-01T10:00:00.000Z',
    ]);
    expect(formatKeyList([])).toBe('no keys');
  });
});
