import { HttpStatus } from '@nestjs/common';
import { ProblemException } from '../problem/problem';
import { parseStoreQuery } from './store-params';

function problemOf(run: () => unknown): ProblemException {
  try {
    run();
  } catch (error) {
    if (error instanceof ProblemException) return error;
    throw error;
  }
  throw new Error('expected a problem');
}

describe('parseStoreQuery', () => {
  it('takes the defaults: the latest poll, hourly', () => {
    expect(parseStoreQuery('42', {})).toEqual({ storeId: '42', asOf: null, method: 'hourly' });
  });

  it.each([
    ['2024-03-12T15:20:00Z', '2024-03-12T15:20:00.000Z'],
    ['2024-03-12T20:50:00+05:30', '2024-03-12T15:20:00.000Z'],
    // An unencoded + in a query string arrives as a space.
    ['2024-03-12T20:50:00 05:30', '2024-03-12T15:20:00.000Z'],
    ['2024-03-12T10:20:00-05:00', '2024-03-12T15:20:00.000Z'],
    ['1970-01-01T00:00:00Z', '1970-01-01T00:00:00.000Z'],
    ['2099-12-31T23:59:59.999Z', '2099-12-31T23:59:59.999Z'],
  ])('reads as_of %s as %s', (asOf, expected) => {
    expect(parseStoreQuery('42', { as_of: asOf, method: 'step' }).asOf?.toISOString()).toBe(expected);
  });

  it.each([
    ['', {}, ['store_id']],
    [' 42', {}, ['store_id']],
    ['4\u00002', {}, ['store_id']],
    ['x'.repeat(257), {}, ['store_id']],
    ['42', { as_of: '2024-03-12' }, ['as_of']],
    ['42', { as_of: '2024-03-12T15:20:00' }, ['as_of']],
    ['42', { method: 'Hourly' }, ['method']],
    ['42', { method: ['step', 'hourly'] }, ['method']],
    ['42', { asOf: '2024-03-12T15:20:00Z' }, ['(query)']],
    ['42', { as_of: '0000-01-01T00:00:00Z' }, ['as_of']],
    ['42', { as_of: '1969-12-31T23:59:59.999Z' }, ['as_of']],
    ['42', { as_of: '2100-01-01T00:00:00Z' }, ['as_of']],
    ['42', { as_of: '9999-12-31T23:59:59.999Z', method: 'step' }, ['as_of']],
    ['', { as_of: 'now', method: 'daily' }, ['store_id', 'as_of', 'method']],
  ])('refuses store id %j with %j, listing %j', (storeId, query, paths) => {
    const problem = problemOf(() => parseStoreQuery(storeId, query));
    expect(problem.getStatus()).toBe(HttpStatus.BAD_REQUEST);
    expect((problem.extensions.errors as { path: string }[]).map((error) => error.path)).toEqual(paths);
  });

  it('accepts any store id as ingested, spaces inside and non-ASCII included', () => {
    expect(parseStoreQuery('Store 7 – Zürich', {}).storeId).toBe('Store 7 – Zürich');
  });
});
