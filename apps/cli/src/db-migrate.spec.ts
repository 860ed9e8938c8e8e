import { main, parseDownOption } from './db-migrate';

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

describe('db:migrate --help', () => {
  afterEach(() => jest.restoreAllMocks());

  it('says what it does and which database it uses by default, and touches none', async () => {
    const printed: string[] = [];
    jest.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
    const saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = 'postgres://postgres@127.0.0.1:1/unreachable';
    try {
      expect(await main(['--help'])).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
    }
    expect(printed.join('\n')).toMatch(/^usage: npm run db:migrate -- \[--down \[N\|all\]\].*default postgres:\/\/postgres@127\.0\.0\.1:5432\/store_uptime/s);
  });
});
