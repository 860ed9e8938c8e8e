import { parseRetentionDays } from './db-maintain';

describe('parseRetentionDays', () => {
  it.each([
    [[], {}, 35],
    [[], { POLL_RETENTION_DAYS: '90' }, 90],
    [[], { POLL_RETENTION_DAYS: '' }, 35],
    [['--retention-days', '8'], { POLL_RETENTION_DAYS: '90' }, 8],
  ])('takes the flag, else POLL_RETENTION_DAYS, else 35 (%j, %j)', (argv, env, days) => {
    expect(parseRetentionDays(argv, env)).toBe(days);
  });

  it.each([
    [['--retention-days', '7'], {}, /--retention-days: expected whole days from 8/],
    [['--retention-days', '1.5'], {}, /--retention-days/],
    [[], { POLL_RETENTION_DAYS: 'forever' }, /POLL_RETENTION_DAYS: expected whole days/],
    [['--days', '9'], {}, /days/],
  ])('rejects %j %j with a message naming the setting', (argv, env, message) => {
    expect(() => parseRetentionDays(argv, env)).toThrow(message);
  });
});
