/** Substitution values, times and the CRC: each checked against a value computed independently. */
import { describe, expect, it } from 'vitest';
import { crc32 } from '../../../src/evtx/crc32.js';
import { filetimeToIso, isoToSeconds } from '../../../src/evtx/time.js';
import { renderItems, renderValue, ValueType } from '../../../src/evtx/values.js';
import { crc32 as zlibCrc32 } from 'node:zlib';

function render(t: number, bytes: number[] | Uint8Array): string | null {
  const b = Uint8Array.from(bytes);
  return renderValue(b, new DataView(b.buffer), t, 0, b.length);
}

describe('crc32', () => {
  it('equals zlib on the check string and on chained ranges', () => {
    const b = new TextEncoder().encode('123456789');
    expect(crc32(b)).toBe(0xcbf43926);
    const r = Uint8Array.from({ length: 1000 }, (_, i) => (i * 131) & 0xff);
    expect(crc32(r, 600, 1000, crc32(r, 0, 600))).toBe(zlibCrc32(r) >>> 0);
  });
});

describe('times', () => {
  it('FILETIME → ISO with 100 ns digits (Unix epoch = 116444736000000000)', () => {
    expect(filetimeToIso(116444736000000000n)).toBe('1970-01-01T00:00:00.0000000Z');
    // 2016-06-29T15:24:34Z = 1467213874 s; + 0.3459999 s
    expect(filetimeToIso(116444736000000000n + 1467213874n * 10000000n + 3459999n)).toBe('2016-06-29T15:24:34.3459999Z');
  });
  it('ISO with any zone → seconds', () => {
    expect(isoToSeconds('2016-06-29T15:24:34.5Z')).toBe(1467213874.5);
    expect(isoToSeconds('2016-06-29T17:24:34.5+02:00')).toBe(1467213874.5);
    expect(isoToSeconds('2016-06-29 15:24:34')).toBe(1467213874);
    expect(isoToSeconds('yesterday')).toBeNaN();
  });
});

describe('renderValue', () => {
  it('integers, hex, size_t, bool', () => {
    expect(render(ValueType.Int8, [0xff])).toBe('-1');
    expect(render(ValueType.UInt16, [0x3d, 0x0d])).toBe('3389');
    expect(render(ValueType.Int64, [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])).toBe('-2');
    expect(render(ValueType.HexInt32, [0x6a, 0x00, 0x00, 0xc0])).toBe('0xc000006a');
    expect(render(ValueType.HexInt64, [0xe7, 0x03, 0, 0, 0, 0, 0, 0])).toBe('0x3e7');
    expect(render(ValueType.SizeT, [0x38, 0x0c, 0, 0])).toBe('0xc38');
    expect(render(ValueType.Bool, [1, 0, 0, 0])).toBe('true');
    expect(render(ValueType.Real64, [0, 0, 0, 0, 0, 0, 0xf8, 0x3f])).toBe('1.5');
  });
  it('GUID (mixed-endian fields), SID, binary, FILETIME, SYSTEMTIME', () => {
    // {54849625-5478-4994-A5BA-3E3B0328C30D}: first three fields little-endian.
    expect(render(ValueType.Guid, [0x25, 0x96, 0x84, 0x54, 0x78, 0x54, 0x94, 0x49, 0xa5, 0xba, 0x3e, 0x3b, 0x03, 0x28, 0xc3, 0x0d])).toBe('{54849625-5478-4994-A5BA-3E3B0328C30D}');
    // S-1-5-21-1-2-3 : revision 1, 3 sub-authorities... here 4: 21,1,2,3
    expect(render(ValueType.Sid, [1, 4, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0])).toBe('S-1-5-21-1-2-3');
    expect(render(ValueType.Sid, [1, 4, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0])).toBeNull(); // cut off
    expect(render(ValueType.Binary, [0xde, 0xad, 0x01])).toBe('DEAD01');
    const ft = new Uint8Array(8);
    new DataView(ft.buffer).setBigUint64(0, 116444736000000000n + 10000000n, true);
    expect(render(ValueType.FileTime, ft)).toBe('1970-01-01T00:00:01.0000000Z');
    // SYSTEMTIME 2026-12-07 (Monday=1) 15:14:52.250
    const st = new Uint8Array(16);
    const v = new DataView(st.buffer);
    [2026, 12, 1, 7, 15, 14, 52, 250].forEach((x, i) => v.setUint16(2 * i, x, true));
    expect(render(ValueType.SystemTime, st)).toBe('2026-12-07T15:14:52.250Z');
  });
  it('strings: UTF-16 without the trailing NUL, ANSI', () => {
    expect(render(ValueType.String, [...Buffer.from('RDP-Tcp\0', 'utf16le')])).toBe('RDP-Tcp');
    expect(render(ValueType.AnsiString, [...Buffer.from('abc\0', 'latin1')])).toBe('abc');
  });
  it('arrays: one item per element; NUL-separated strings; a length that does not fit is refused', () => {
    const b = Uint8Array.from(Buffer.from('\0a\0bc\0', 'utf16le'));
    expect(renderItems(b, new DataView(b.buffer), ValueType.String | ValueType.ArrayFlag, 0, b.length)).toEqual(['', 'a', 'bc']);
    expect(render(ValueType.UInt16 | ValueType.ArrayFlag, [1, 0, 2, 0])).toBe('1, 2');
    expect(render(ValueType.UInt32 | ValueType.ArrayFlag, [1, 0, 2])).toBeNull();
  });
  it('a value too short for its type is refused (the parser then shows hex and warns)', () => {
    expect(render(ValueType.UInt32, [1, 2])).toBeNull();
    expect(render(ValueType.Guid, [1, 2, 3])).toBeNull();
  });
});
