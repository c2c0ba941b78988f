import { describe, expect, it } from 'vitest';
import { contentTypeName, versionName } from '../../../../src/protocols/tls/names.js';

describe('TLS names', () => {
  it('names versions, drafts and unknown values without failing', () => {
    expect([0x0002, 0x0300, 0x0301, 0x0302, 0x0303, 0x0304].map(versionName)).toEqual(['SSLv2', 'SSLv3', 'TLSv1.0', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']);
    expect(versionName(0x7f12)).toBe('TLSv1.3-draft18');
    expect(versionName(0x0a0a)).toBe('version-0x0a0a');
  });
  it('names content types with a fallback', () => {
    expect(contentTypeName(23)).toBe('application_data');
    expect(contentTypeName(99)).toBe('content_type-99');
  });
});
