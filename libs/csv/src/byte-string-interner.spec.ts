import { ByteStringInterner, InternBatch } from './poll-fields';

describe('ByteStringInterner', () => {
  it('gives one code and one shared instance per distinct text, in order of first appearance', () => {
    const interner = new ByteStringInterner();
    const buffer = Buffer.from('abcabcxyzabc');
    expect(interner.codeOf(buffer, 0, 3)).toBe(0);
    expect(interner.codeOf(buffer, 3, 6)).toBe(0);
    expect(interner.codeOf(buffer, 6, 9)).toBe(1);
    expect(interner.strings[interner.codeOf(buffer, 9, 12)]).toBe(interner.strings[0]);
    expect(interner.strings).toEqual(['abc', 'xyz']);
  });

  it('decodes multi-byte UTF-8 and tells apart texts of equal length', () => {
    const interner = new ByteStringInterner();
    const buffer = Buffer.from('störeståre');
    expect(interner.codeOf(buffer, 0, 6)).toBe(0);
    expect(interner.codeOf(buffer, 6, 12)).toBe(1);
    expect(interner.strings).toEqual(['störe', 'ståre']);
  });

  it('trims as String#trim does, so bytes and text agree on one code per id', () => {
    const interner = new ByteStringInterner();
    const code = interner.codeOfText('store-1');
    expect(interner.codeOf(Buffer.from(' \tstore-1\r '), 0, 11)).toBe(code);
    expect(interner.codeOf(Buffer.from('\u00a0store-1'), 0, 9)).toBe(code);
    expect(interner.isEmpty(interner.codeOf(Buffer.from('   '), 0, 3))).toBe(true);
  });

  it('keeps every code stable while its table grows', () => {
    const interner = new ByteStringInterner();
    const ids = Array.from({ length: 50_000 }, (_, i) => `store-${i}`);
    const codes = ids.map((id) => interner.codeOf(Buffer.from(id), 0, Buffer.byteLength(id)));
    expect(ids.map((id) => interner.codeOf(Buffer.from(id), 0, Buffer.byteLength(id)))).toEqual(codes);
    expect(codes.map((code) => interner.strings[code])).toEqual(ids);
  });

  it('gives a batch one code per distinct string, whatever the path, and skips what trims to nothing', () => {
    const batched = new ByteStringInterner();
    const long = 'x'.repeat(5_000); // two of them outgrow the batch's first byte buffer
    const texts = [' a ', 'b', '\u00a0a', long, 'b', `${long}y`, 'a', '   ', 'c'];
    const batch = new InternBatch(16);
    const added = texts.map((text) => batched.addToBatch(batch, Buffer.from(text), 0, Buffer.byteLength(text)));
    expect(added).toEqual([true, true, true, true, true, true, true, false, true]);
    expect(batched.addTextToBatch(batch, ' c ')).toBe(true);
    expect(batched.addToBatch(batch, Buffer.from('dropped'), 0, 7)).toBe(true);
    batch.dropLast();
    batched.resolveBatch(batch);
    const kept = [...texts.filter((text) => text.trim() !== ''), ' c '];
    expect(Array.from(batch.codes.subarray(0, batch.count), (code) => batched.strings[code])).toEqual(kept.map((text) => text.trim()));
    // Codes of plain bytes are given at resolve time, so their order may differ; one code per string holds.
    expect(new Set(batch.codes.subarray(0, batch.count)).size).toBe(new Set(kept.map((text) => text.trim())).size);
    expect(batched.codeOf(Buffer.from(long), 0, long.length)).toBe(batch.codes[3]);
    expect(batched.strings).not.toContain('dropped');
  });
});

