/**
 * --server (as an address) and --client narrow the attempts the verdict chooses from; a name
 * that matches no attempt leaves the verdict as it was and says so. On a lab capture made with
 * xrdp/xfreerdp through a forged-reset middlebox (captures/manifest.json): one attempt,
 * 10.77.1.2 → 10.77.2.2.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeFiles } from '../../../src/analyze.js';
import { REPO } from '../../helpers/shared.js';

const FILE = join(REPO, 'captures', 'lab', 'sample-middlebox-reset-client.pcapng');

async function verdict(opts: { server?: string; client?: string }) {
  const r = await analyzeFiles([FILE], opts);
  return r['verdict'] as { cause: string; connection: number; reason: string | null; attempts: { client: string; server: string }[] };
}

describe('verdict focus (--server, --client)', () => {
  it('the matching server or client changes nothing; a non-matching one is named in the reason', async () => {
    const plain = await verdict({});
    expect(plain.attempts.map((a) => `${a.client}>${a.server}`)).toEqual(['10.77.1.2>10.77.2.2']);
    for (const opts of [{ server: '10.77.2.2' }, { server: '10.77.2.2:3389' }, { client: '10.77.1.2' }, { server: 'rdp.example.test' }]) {
      const v = await verdict(opts);
      expect([v.cause, v.connection, v.reason], JSON.stringify(opts)).toEqual([plain.cause, plain.connection, plain.reason]);
    }
    const other = await verdict({ server: '192.0.2.7' });
    expect([other.cause, other.connection]).toEqual([plain.cause, plain.connection]);
    expect(other.reason).toContain('No RDP attempt to 192.0.2.7 is in this capture');
    const both = await verdict({ client: '198.51.100.1', server: '10.77.2.2' });
    expect(both.reason).toContain('No RDP attempt from 198.51.100.1 to 10.77.2.2');
  });
});
