/**
 * The TLS-version advice follows the direction of the mismatch (values: RFC 8446 §4.2.1
 * supported_versions, 0x0304 = TLS 1.3, 0x0303 = TLS 1.2, 0x0302 = TLS 1.1).
 */
import { describe, expect, it } from 'vitest';
import { tlsVersionAdvice } from '../../../src/findings/next-steps.js';

describe('TLS version mismatch advice by direction', () => {
  it('client offers only TLS 1.3 (server older): never "old versions", suggests 1.2 on the client or 1.3 on the server', () => {
    const a = tlsVersionAdvice([0x0304]);
    expect(a).toMatch(/only TLS 1\.3/);
    expect(a).not.toMatch(/old/);
    expect(a).toMatch(/TLS 1\.3 on the server/);
  });
  it('client offers only TLS 1.0/1.1 (client older): enable TLS 1.2 on the client', () => {
    const a = tlsVersionAdvice([0x0302, 0x0301]);
    expect(a).toMatch(/nothing newer than TLS 1\.1/);
    expect(a).toMatch(/Enable TLS 1\.2 on the client/);
  });
  it('client offers TLS 1.2 and 1.3 (server refuses both): the server settings are the problem', () => {
    const a = tlsVersionAdvice([0x0304, 0x0303]);
    expect(a).toMatch(/server's enabled protocols/);
    expect(a).not.toMatch(/Enable TLS 1\.2 on the client/);
  });
});
