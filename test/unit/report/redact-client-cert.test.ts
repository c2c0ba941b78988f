/**
 * Redaction of client certificates in the event list: a certificate the client sends names its
 * holder (subject, CN, SAN), so with redaction on those become tags; the server's chain is not
 * user data and stays readable. The certificate fields come from node's X.509 parser on a real
 * certificate (the one xrdp sent in a lab capture), fed once as the client's and once as the server's.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeFiles } from '../../../src/analyze.js';
import type { CertificateInfo } from '../../../src/protocols/tls/certificate.js';
import { Connection } from '../../../src/reassembly/connection.js';
import { sessionFields } from '../../../src/report/build-session.js';
import { ConnectionRecord } from '../../../src/session/connection-record.js';
import { REPO } from '../../helpers/shared.js';

/** The server certificate xrdp sent in a lab capture, as the TLS decoder described it. */
async function labCertificate(): Promise<CertificateInfo> {
  const r = await analyzeFiles([join(REPO, 'captures', 'lab', 'healthy-xrdp-tls12-client.pcapng')], { diagnose: false });
  for (const c of r.connections) {
    for (const e of (c['events'] ?? []) as { type: string; detail: { certificates?: CertificateInfo[] } }[]) {
      if (e.type === 'tls.certificate' && e.detail.certificates?.length) return e.detail.certificates[0]!;
    }
  }
  throw new Error('no certificate in the lab capture');
}

describe('client certificates in reports', () => {
  it('are redacted in events (subject, CN, SAN); the server chain is not', async () => {
    const info = await labCertificate();
    expect(info.subject).not.toBe('');
    const conn = new Connection(1, 'tcp');
    const rec = new ConnectionRecord(conn, 'tls');
    rec.onEvent({ type: 'tls.certificate', frame: 5, ts: 1, dir: 0, certificates: [info], tls13: false } as never);
    rec.onEvent({ type: 'tls.certificate', frame: 6, ts: 2, dir: 1, certificates: [info], tls13: false } as never);
    const out = sessionFields(rec, conn, 3, true) as { events: { dir?: string; detail: { certificates?: { subject: string; fingerprint256: string }[] } }[] };
    const [client, server] = out.events.filter((e) => e.detail.certificates);
    expect(client!.dir).toBe('c→s');
    expect(client!.detail.certificates![0]!.subject).toMatch(/^‹redacted:[0-9a-f]{6}›$/);
    expect(client!.detail.certificates![0]!.fingerprint256).toBe(info.fingerprint256);
    expect(server!.detail.certificates![0]!.subject).toBe(info.subject);
    const plain = sessionFields(rec, conn, 3, false) as typeof out;
    expect(plain.events.find((e) => e.dir === 'c→s' && e.detail.certificates)!.detail.certificates![0]!.subject).toBe(info.subject);
  });
});
