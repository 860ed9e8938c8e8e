import { databaseName, describeDatabaseUrl, LOCAL_DEFAULTS, localServices, maintenanceDatabaseUrl } from './local-services';

describe('localServices', () => {
  it('defaults to the store_uptime database on this machine, never the postgres maintenance database', () => {
    const services = localServices({});
    expect(services.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/store_uptime');
    expect(databaseName(services.databaseUrl)).toBe('store_uptime');
    expect(services).toEqual({ ...LOCAL_DEFAULTS, s3: { ...LOCAL_DEFAULTS.s3 } });
  });

  it('takes every address from the environment, under the caller’s prefix only', () => {
    const env = {
      TEST_DATABASE_URL: 'postgres://u@db:6543/other',
      TEST_REDIS_URL: 'redis://cache:6380',
      TEST_S3_ENDPOINT: 'http://s3:9000',
      TEST_S3_BUCKET: 'b-1',
      DATABASE_URL: 'postgres://ignored@x/y',
      TEST_S3_ACCESS_KEY_ID: ' ',
    };
    const services = localServices(env, 'TEST_');
    expect(services).toMatchObject({ databaseUrl: 'postgres://u@db:6543/other', redisUrl: 'redis://cache:6380' });
    expect(services.s3).toMatchObject({ endpoint: 'http://s3:9000', bucket: 'b-1', accessKeyId: 'testak' });
  });
});

describe('database URLs in messages and administration', () => {
  it('names the database, host, port and user, never the password', () => {
    const text = describeDatabaseUrl('postgres://app:s3cret-pw@db.internal:6543/store_uptime?sslmode=require');
    expect(text).toBe('database "store_uptime" on db.internal:6543 as app');
    expect(describeDatabaseUrl('not a url')).not.toContain('not a url');
  });

  it('reaches the same server’s maintenance database for CREATE and DROP DATABASE', () => {
    expect(maintenanceDatabaseUrl('postgres://app:pw@db:6543/store_uptime?sslmode=require')).toBe('postgres://app:pw@db:6543/postgres?sslmode=require');
  });
});
