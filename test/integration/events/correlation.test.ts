/**
 * `analyze CAPTURE --events LOG` end to end. No public capture is paired with a public event log,
 * so this test composes one (in a temp dir, nothing committed): the lab capture
 * captures/lab/credssp-auth-failure-wrongpass-server.pcapng (xrdp/FreeRDP NLA logon with a wrong
 * password) is rewritten with tcprewrite to the addresses and client port of the real Security
 * 4625 in ../shared/evtx/public/.../Security_short_selected.evtx (client 23.94.153.202:60167,
 * server 169.46.6.101 from the same log's 5152), and shifted with editcap -t so that the server
 * closes that connection 40 ms after the 4625's TimeCreated. The server's close time is read back
 * with tshark. A second copy is shifted one more hour: the clocks must then be reported as
 * disagreeing, and nothing shifted.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, TSHARK } from '../../helpers/shared.js';
import { EVTX_CORPUS, HAVE_EVTX_CORPUS, readBaseline } from '../../helpers/evtx-corpus.js';

const CAPTURE = join(REPO, 'captures/lab/credssp-auth-failure-wrongpass-server.pcapng');
const LOG = join(EVTX_CORPUS, 'omerbenamram__evtx/samples/Security_short_selected.evtx');
const TOOLS = ['/usr/bin/tcprewrite', '/usr/bin/editcap', TSHARK].every((t) => existsSync(t)) && existsSync(CAPTURE);
const HAVE_DIST = existsSync(join(REPO, 'dist', 'evtx', 'correlate.js'));
const tmp = mkdtempSync(join(tmpdir(), 'rdpdiag-correlate-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function tshark(file: string, filter: string, field: string): string[] {
  return execFileSync(TSHARK, ['-r', file, '-Y', filter, '-T', 'fields', '-e', field], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

interface Finding { id: string; connection: number | null; confidence: string; cause: string | null; detail: string; data: Record<string, unknown> }

function analyze(file: string): { findings: Finding[]; verdict: { cause: string; connection: number }; connections: { id: number; client: { port: number } }[] } {
  const r = spawnSync(process.execPath, [join(REPO, 'bin', 'rdpdiag'), 'analyze', file, '--events', LOG, '--format', 'json'], { encoding: 'utf8' });
  return JSON.parse(r.stdout);
}

describe.skipIf(!HAVE_EVTX_CORPUS || !TOOLS || !HAVE_DIST)('analyze --events: a real 4625 lined up with a rewritten lab capture', () => {
  const b4625 = readBaseline(LOG).find((b) => b.eventId === 4625)!;
  const d = Object.fromEntries(b4625.data);
  const eventTs = Date.parse(b4625.time) / 1000;
  const rewritten = join(tmp, 'rewritten.pcap');
  execFileSync('/usr/bin/tcprewrite', [`--infile=${CAPTURE}`, `--outfile=${rewritten}`, `--pnat=10.77.1.2/32:${d['IpAddress']}/32,10.77.2.2/32:169.46.6.101/32`, `--portmap=60794:${d['IpPort']}`, '--fixcsum']);
  const closeFilter = `tcp.srcport==3389 && tcp.dstport==${d['IpPort']} && (tcp.flags.fin==1 || tcp.flags.reset==1)`;
  const close0 = Number(tshark(rewritten, closeFilter, 'frame.time_epoch')[0]);
  const shifted = join(tmp, 'shifted.pcap');
  const skewed = join(tmp, 'skewed.pcap');
  execFileSync('/usr/bin/editcap', ['-t', (eventTs + 0.04 - close0).toFixed(6), rewritten, shifted]);
  execFileSync('/usr/bin/editcap', ['-t', (eventTs + 0.04 - close0 + 3600).toFixed(6), rewritten, skewed]);

  it('the 4625 becomes evidence on its connection, 40 ms before the server closed it', () => {
    const close = Number(tshark(shifted, closeFilter, 'frame.time_epoch')[0]);
    expect(Math.round((close - eventTs) * 1000)).toBe(40);
    const r = analyze(shifted);
    const conn = r.connections.find((c) => c.client.port === Number(d['IpPort']))!;
    const f = r.findings.find((x) => x.id === 'eventlog.connection-evidence')!;
    expect(f.connection).toBe(conn.id);
    expect(f.confidence).toBe('high');
    expect(f.cause).toBe('credssp-auth-failure');
    // 40 ms as staged; ±1 ms for the capture's microsecond timestamps held as float seconds.
    expect(f.detail).toMatch(/(39|40|41) ms before the connection closed/);
    expect(f.detail).toContain(`sub-status ${d['SubStatus']!.toUpperCase().replace('0X', '0x')} STATUS_WRONG_PASSWORD`);
    expect(r.findings.some((x) => x.id === 'eventlog.clock-disagrees')).toBe(false);
    expect(r.verdict.cause).toBe('credssp-auth-failure');
    // No user name from the log in the report.
    expect(JSON.stringify(r)).not.toContain(d['TargetUserName']);
  });

  it('a capture one hour off: the clock disagreement is reported, the port match still holds, nothing is shifted', () => {
    const r = analyze(skewed);
    const c = r.findings.find((x) => x.id === 'eventlog.clock-disagrees')!;
    expect(c).toBeDefined();
    expect(Number(c.data['offsetSeconds'])).toBeCloseTo(-3600, 0);
    const f = r.findings.find((x) => x.id === 'eventlog.connection-evidence')!;
    expect(f.confidence).toBe('medium');
    expect(f.detail).toMatch(/ms (before|after) the connection closed/);
  });
});
