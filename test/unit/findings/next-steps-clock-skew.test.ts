/**
 * KRB_AP_ERR_SKEW next steps follow what was measured: no raw float minutes, the clock named from
 * the finding's suspect, and a KDC clock that agrees with the capture (lab kerberos-clock-skew-udp-client:
 * stime 04:40:10 at capture time 04:40:10.916, tshark kerberos.stime / frame.time) points at the client.
 */
import { describe, expect, it } from 'vitest';
import { nextSteps } from '../../../src/findings/next-steps.js';
import type { FindingContext } from '../../../src/findings/context.js';
import type { Finding } from '../../../src/findings/types.js';

const ctx = {} as FindingContext;
const finding = (data: Record<string, unknown>) => ({ id: 'kerberos.clock-skew', data }) as unknown as Finding;

describe('clock-skew next steps', () => {
  it('a KDC clock within the tolerance of the capture: fix the client, no float noise', () => {
    const [s] = nextSteps('kerberos-clock-skew', finding({ skewSeconds: -0.915886, skewMinutes: -0.915886 / 60, suspect: 'none', serverVsCaptureSeconds: -0.915886, maxSkewSeconds: 300 }), ctx);
    expect(s).toMatch(/fix the time on the client/);
    expect(s).toMatch(/915\.9ms/);
    expect(s).not.toMatch(/\d\.\d{5,}/);
  });
  it('a measured skew beyond the tolerance names the suspect clock', () => {
    const [s] = nextSteps('kerberos-clock-skew', finding({ skewSeconds: 3600, suspect: 'server', serverVsCaptureSeconds: 3600, maxSkewSeconds: 300 }), ctx);
    expect(s).toMatch(/about 60m00s/);
    expect(s).toMatch(/the server \(KDC\)/);
  });
});
