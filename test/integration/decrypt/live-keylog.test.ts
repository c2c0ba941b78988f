/**
 * `rdpdiag live --keylog`: a client writes each session's secrets only after it received the
 * ServerHello. Replayed from a lab capture of real xfreerdp → xrdp NLA sessions (TLS 1.3, secrets
 * from the lab's SSLKEYLOGFILE shim), the key log is written the way the client writes it: the
 * lines of a session appear when the replay passes the frame after that session's ServerHello
 * (ServerHello frames and client randoms read with tshark). With the hold, every session decrypts
 * (CredSSP visible); without it (hold 0) the ServerHello is analysed before its secrets exist.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeSources } from '../../../src/analyze.js';
import { FileSource } from '../../../src/capture/file-source.js';
import type { CaptureSource, FrameSink } from '../../../src/capture/source.js';
import { HAVE_TSHARK, REPO, TSHARK } from '../../helpers/shared.js';

const CAP = join(REPO, 'captures/lab/credssp-auth-failure-wrongpass-client.pcapng');
const KEYLOG = join(REPO, 'captures/lab/credssp-auth-failure-wrongpass.keylog');
const tmp = mkdtempSync(join(tmpdir(), 'rdpdiag-live-keylog-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** ServerHello frame and client random of each TLS session (RDP on 3389 decoded as TLS). */
function sessions(): { serverHello: number; clientRandom: string }[] {
  const fields = (filter: string, field: string) =>
    execFileSync(TSHARK, ['-r', CAP, '-d', 'tcp.port==3389,tls', '-Y', filter, '-T', 'fields', '-e', 'tcp.stream', '-e', field], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((l) => l.split('\t'));
  const randoms = new Map(fields('tls.handshake.type == 1', 'tls.handshake.random').map(([s, r]) => [s, r!.replace(/:/g, '')]));
  return fields('tls.handshake.type == 2', 'frame.number').map(([s, f]) => ({ serverHello: Number(f), clientRandom: randoms.get(s!)! }));
}

/** Replays the capture; writes each session's key-log lines when it passes the frame after its ServerHello. */
class ReplayWritingKeylog implements CaptureSource {
  readonly label = CAP;
  readonly fileIndex = 0;
  constructor(
    private readonly keylog: string,
    private readonly writeAt: Map<number, string>,
  ) {}
  run(sink: FrameSink) {
    return new FileSource(CAP, 0).run({
      ...sink,
      frame: (f) => {
        const lines = this.writeAt.get(f.index - 1);
        if (lines) appendFileSync(this.keylog, lines);
        sink.frame(f);
      },
      issue: (i) => sink.issue(i),
      interface: (i, n) => sink.interface(i, n),
      secrets: (s) => sink.secrets(s),
    });
  }
}

async function live(hold: number, name: string) {
  const keylog = join(tmp, name);
  const lines = readFileSync(KEYLOG, 'utf8').trim().split('\n');
  const writeAt = new Map<number, string>();
  for (const s of sessions()) writeAt.set(s.serverHello, lines.filter((l) => l.split(' ')[1]!.toLowerCase() === s.clientRandom).join('\n') + '\n');
  const report = await analyzeSources([new ReplayWritingKeylog(keylog, writeAt)], { followKeylogs: { paths: [keylog], holdSeconds: hold }, diagnose: false });
  return { report, writeAt };
}

type Conn = { id: number; tls?: { decryption: { ok: boolean; reason: string } | null }; credssp?: { requests: number } };

describe.skipIf(!HAVE_TSHARK || !existsSync(CAP))('live key log (replayed): secrets written after the ServerHello', () => {
  it('the scenario: two TLS sessions, each with its own lines in the key log', () => {
    const s = sessions();
    expect(s).toHaveLength(2);
    const lines = readFileSync(KEYLOG, 'utf8');
    for (const x of s) expect(lines.toLowerCase()).toContain(x.clientRandom);
  });

  it('with a 50 ms hold every session decrypts and its CredSSP exchange is read', async () => {
    const { report } = await live(0.05, 'hold.keylog');
    const tls = (report.connections as Conn[]).filter((c) => c.tls?.decryption);
    expect(tls).toHaveLength(2);
    for (const c of tls) {
      expect(c.tls!.decryption!.ok, JSON.stringify(c.tls!.decryption)).toBe(true);
      expect(c.credssp?.requests ?? 0).toBeGreaterThan(0);
    }
    const src = (report as unknown as { secrets: { keyLogs: { secretLines: number }[] } }).secrets.keyLogs;
    expect(src[0]!.secretLines).toBe(readFileSync(KEYLOG, 'utf8').trim().split('\n').length);
  });

  it('without a hold the ServerHello is analysed before the secrets exist: no session decrypts', async () => {
    const { report } = await live(0, 'nohold.keylog');
    const tls = (report.connections as Conn[]).filter((c) => c.tls?.decryption);
    expect(tls).toHaveLength(2);
    for (const c of tls) {
      expect(c.tls!.decryption!.ok).toBe(false);
      expect(c.tls!.decryption!.reason).toMatch(/no secret/);
    }
  });
});
