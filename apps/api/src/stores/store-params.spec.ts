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
