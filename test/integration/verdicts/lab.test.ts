/**
 * Every committed lab capture (captures/manifest.json: made with real xrdp, xfreerdp,
 * freerdp-shadow-cli, krb5kdc, nginx inside network namespaces, see test/lab/) gets its
 * expected cause — client side and server side, with and without the key log where one exists.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeFiles } from '../../../src/analyze.js';
import { REPO } from '../../helpers/shared.js';

interface LabEntry {
  file: string;
  scenario: string;
  expectedCause: string;
  side: string;
  keylog: string | null;
  whatItShows?: string;
  /** What this vantage point can honestly show, when it differs from the scenario's cause (vantage scenarios). */
  expectedCauseHere?: string;
}

const manifestPath = join(REPO, 'captures', 'manifest.json');
const entries: LabEntry[] = existsSync(manifestPath) ? (JSON.parse(readFileSync(manifestPath, 'utf8')) as { captures: LabEntry[] }).captures : [];

/**
 * Vantage-point exceptions: what a capture at this point can honestly show differs from the
 * scenario's cause. Each entry says why.
 */
const NOTHING_ARRIVED = 'the SYN never reached the server (dropped, refused or answered with ICMP by the router), so the server-side capture holds no RDP traffic at all: no-rdp-traffic is what this vantage point can honestly say';
const SEEN_FROM_HERE: Record<string, { cause: string; why: string; confidence?: string }> = {
  'lab/tcp-connect-timeout-syndrop-server.pcapng': { cause: 'no-rdp-traffic', why: NOTHING_ARRIVED },
  'lab/tcp-connect-refused-routerrst-server.pcapng': { cause: 'no-rdp-traffic', why: NOTHING_ARRIVED },
  'lab/icmp-unreachable-adminprohib-server.pcapng': { cause: 'no-rdp-traffic', why: NOTHING_ARRIVED },
  'lab/icmp-unreachable-host-server.pcapng': { cause: 'no-rdp-traffic', why: NOTHING_ARRIVED },
  'lab/gateway-unreachable-drop-server.pcapng': { cause: 'no-rdp-traffic', why: NOTHING_ARRIVED },
  'lab/ip-fragment-loss-kerberos-udponly-server.pcapng': {
    cause: 'tcp-connect-refused',
    why: 'the KDC sends complete fragment sets (they are lost after this capture point), then refuses the client\'s TCP fallback (UDP-only KDC): the refusal is all this side can see',
  },
  'lab/middlebox-reset-cookie-server.pcapng': {
    cause: 'unknown',
    why: 'the router forges the RST to the client only: the server sees the handshake and then nothing — the request never arrives and no reset is visible here',
  },
  'lab/middlebox-reset-clienthello-server.pcapng': {
    cause: 'unknown',
    why: 'the router forges the RST to the client only: the server sees the X.224 exchange and then nothing',
  },
  'lab/path-lost-after-active-server.pcapng': {
    cause: 'path-lost',
    confidence: 'low',
    why: 'the server-side capture simply stops after the cut (manifest: nothing after the cut reaches it): the session goes completely silent, which from here an idle session could do too — path-lost, but not confidently',
  },
  'lab/ip-fragment-loss-kerberos-tcpfallback-server.pcapng': {
    cause: 'healthy',
    why: 'the KDC sends complete fragment sets and then serves the TCP retry: the loss happens after this capture point',
  },
};

describe('lab captures get their expected verdict', () => {
  it('the manifest lists captures that exist', () => {
    expect(entries.length).toBeGreaterThan(10);
    for (const e of entries) expect(existsSync(join(REPO, 'captures', e.file)), e.file).toBe(true);
  });
  for (const e of entries) {
    const expected = SEEN_FROM_HERE[e.file]?.cause ?? e.expectedCauseHere ?? e.expectedCause;
    it(`${e.file} → ${expected}${e.keylog ? ' (with key log)' : ''}`, async () => {
      const r = await analyzeFiles([join(REPO, 'captures', e.file)], { keylogs: e.keylog ? [join(REPO, 'captures', e.keylog)] : [] });
      const v = r['verdict'] as { cause: string; confidence: string; summary: string };
      expect(v.cause, v.summary).toBe(expected);
      const conf = SEEN_FROM_HERE[e.file]?.confidence;
      if (conf) expect(v.confidence).toBe(conf);
    });
    if (e.keylog) {
      it(`${e.file} → ${expected} (without the key log)`, async () => {
        const r = await analyzeFiles([join(REPO, 'captures', e.file)], { decrypt: false });
        const v = r['verdict'] as { cause: string; confidence: string; summary: string };
        // Without keys the cause may be less certain but must never be a different confident cause:
        // only 'unknown', or 'no-rdp-traffic' without high confidence (a gateway's HTTP answer is
        // invisible without keys, so only TLS on 443 remains).
        if (v.cause !== expected) {
          expect(['unknown', 'no-rdp-traffic'], `${v.cause} (${v.confidence}): ${v.summary}`).toContain(v.cause);
          expect(v.confidence, v.summary).not.toBe('high');
        }
      });
    }
  }
});
