import { parseDownOption } from './db-migrate';

describe('parseDownOption', () => {
  it.each([
    [[], null],
    [['--down'], 1],
    [['--down', '3'], 3],
    [['--down', 'all'], 'all'],
  ])('reads %j as %j', (argv, expected) => {
    expect(parseDownOption(argv)).toBe(expected);
  });

  it.each([[['--down', '0']], [['--down', 'x']], [['--down', '1', '2']], [['up']], [['--sideways']]])('rejects %j', (argv) => {
    expect(() => parseDownOption(argv)).toThrow();
  });
});
