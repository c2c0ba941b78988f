import { describe, expect, it } from 'vitest';
import { HandshakeAssembler, type HandshakeMessage } from '../../../../src/protocols/tls/handshake.js';
import { concat, handshake } from './build.js';

interface Got {
  msgType: number;
  body: number[];
  firstFrame: number;
  offset: number;
}

function collect(a: HandshakeAssembler, frags: Uint8Array[], frames?: number[]): { got: Got[]; overflow: unknown[] } {
  const got: Got[] = [];
  const overflow: unknown[] = [];
  let offset = 0;
  frags.forEach((f, i) => {
    const o = a.push(f, frames?.[i] ?? i + 1, offset, (m: HandshakeMessage) =>
      got.push({ msgType: m.msgType, body: [...m.body], firstFrame: m.firstFrame, offset: m.offset }),
    );
    if (o) overflow.push(o);
    offset += f.length;
  });
  return { got, overflow };
}

// Hand-built: ServerHello-like, Certificate-like, ServerHelloDone (empty body).
const M1 = handshake(2, Uint8Array.from({ length: 70 }, (_, i) => i));
const M2 = handshake(11, Uint8Array.from({ length: 300 }, (_, i) => (i * 3) & 0xff));
const M3 = handshake(14, []);
const STREAM = concat(M1, M2, M3);

describe('handshake message reassembly', () => {
  it('delivers several messages carried by one record', () => {
    const { got } = collect(new HandshakeAssembler(), [STREAM]);
    expect(got.map((g) => [g.msgType, g.body.length, g.offset])).toEqual([
      [2, 70, 0],
      [11, 300, 74],
      [14, 0, 378],
    ]);
  });

  it('gives the same messages whatever the fragment boundaries (every 2- and 3-way split)', () => {
    const want = collect(new HandshakeAssembler(), [STREAM]).got.map(({ msgType, body, offset }) => ({ msgType, body, offset }));
    for (let i = 0; i <= STREAM.length; i++) {
      const { got } = collect(new HandshakeAssembler(), [STREAM.subarray(0, i), STREAM.subarray(i)]);
      expect(got.map(({ msgType, body, offset }) => ({ msgType, body, offset }))).toEqual(want);
    }
    for (let i = 0; i <= STREAM.length; i += 7) {
      for (let j = i; j <= STREAM.length; j += 11) {
        const { got } = collect(new HandshakeAssembler(), [STREAM.subarray(0, i), STREAM.subarray(i, j), STREAM.subarray(j)]);
        expect(got.map(({ msgType, body, offset }) => ({ msgType, body, offset }))).toEqual(want);
      }
    }
    const bytes = [...STREAM].map((b) => Uint8Array.of(b));
    expect(collect(new HandshakeAssembler(), bytes).got.map(({ msgType, body, offset }) => ({ msgType, body, offset }))).toEqual(want);
  });

  it('reports the frame where a spanning message started', () => {
    const { got } = collect(new HandshakeAssembler(), [M2.subarray(0, 2), M2.subarray(2, 100), M2.subarray(100)], [7, 8, 9]);
    expect(got).toHaveLength(1);
    expect(got[0]!.firstFrame).toBe(7);
  });

  it('delivers nothing for any strict prefix of a message', () => {
    for (let i = 0; i < M2.length; i++) {
      const { got } = collect(new HandshakeAssembler(), [M2.subarray(0, i)]);
      expect(got).toEqual([]);
    }
  });

  it('gives up on a message longer than its bound, once, without buffering it', () => {
    const a = new HandshakeAssembler(64);
    const { got, overflow } = collect(a, [M1.subarray(0, 10), M1.subarray(10), M3]);
    expect(got).toEqual([]);
    expect(overflow).toEqual([{ offset: 0, length: 74 }]);
    expect(a.failed).toBe(true);
    expect(a.pending).toBe(0);
    // A header announcing 16 MiB is refused by the default bound too.
    const b = new HandshakeAssembler();
    expect(collect(b, [Uint8Array.from([11, 0xff, 0xff, 0xff, 1, 2])]).overflow).toEqual([{ offset: 0, length: 4 + 0xffffff }]);
  });
});
