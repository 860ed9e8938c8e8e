import { scaledStoreFileLines } from './scaled-store-file';

describe('scaledStoreFileLines', () => {
  it('repeats every row of a known store for each copy under that copy’s id, other fields untouched', () => {
    const lines = ['store_id,day,start_time_local,end_time_local\r', '11,0,09:00:00,17:00:00\r', '"22",1,00:00:00,23:59:59\r', '11,2,10:00:00,11:00:00\r'];
    // Two copies of the store set [11, 22, 99]: 99 polls but has no hours.
    const storeIds = ['11', '22', '99', 'a1', 'a2', 'a9', 'b1', 'b2', 'b9'];
    expect([...scaledStoreFileLines(lines, storeIds, 3)]).toEqual([
      ...lines,
      'a1,0,09:00:00,17:00:00\r',
      'a2,1,00:00:00,23:59:59\r',
      'a1,2,10:00:00,11:00:00\r',
      'b1,0,09:00:00,17:00:00\r',
      'b2,1,00:00:00,23:59:59\r',
      'b1,2,10:00:00,11:00:00\r',
    ]);
  });

  it('keeps rows of stores outside the store list and blank lines once, and copies nothing at scale 1', () => {
    const lines = ['store_id,timezone_str', '11,Asia/Beirut', '', '77,UTC'];
    expect([...scaledStoreFileLines(lines, ['11', '12'], 2)]).toEqual([...lines, '12,Asia/Beirut']);
    expect([...scaledStoreFileLines(lines, ['11'], 1)]).toEqual(lines);
  });

  it('refuses a store list that is not whole copies', () => {
    expect(() => [...scaledStoreFileLines(['store_id'], ['1', '2', '3'], 2)]).toThrow(RangeError);
  });
});
