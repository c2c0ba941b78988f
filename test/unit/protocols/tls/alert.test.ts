import { describe, expect, it } from 'vitest';
import { parseAlert, parseAlertRecord } from '../../../../src/protocols/tls/alert.js';

describe('TLS alert', () => {
  it('reads level and description (fatal protocol_version, the §5.6 wire signature 02 46)', () => {
    expect(parseAlert(Uint8Array.from([2, 70]))).toEqual({ level: 2, description: 70 });
    expect(parseAlert(Uint8Array.from([1, 0]))).toEqual({ level: 1, description: 0 });
  });

  it('refuses anything that is not exactly level+description with level 1 or 2', () => {
    expect(parseAlert(Uint8Array.from([]))).toBeNull();
    expect(parseAlert(Uint8Array.from([2]))).toBeNull();
    expect(parseAlert(Uint8Array.from([2, 40, 0]))).toBeNull();
    expect(parseAlert(Uint8Array.from([3, 40]))).toBeNull();
    expect(parseAlert(Uint8Array.from([0, 40]))).toBeNull();
  });

  it('reads several alerts in one record and rejects encrypted-looking bodies', () => {
    expect(parseAlertRecord(Uint8Array.from([1, 0, 2, 40]))).toEqual([
      { level: 1, description: 0 },
      { level: 2, description: 40 },
    ]);
    expect(parseAlertRecord(Uint8Array.from([1, 0, 2]))).toBeNull();
    expect(parseAlertRecord(new Uint8Array(0))).toBeNull();
    // 26 bytes: the size of an encrypted alert with a 16-byte MAC + explicit IV
    expect(parseAlertRecord(new Uint8Array(26).fill(1))).toBeNull();
    expect(parseAlertRecord(Uint8Array.from([0x9c, 0x31]))).toBeNull();
  });
});
