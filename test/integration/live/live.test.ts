/**
 * Real live capture through libpcap (node_pcap) on a veth/bridge lab in network namespaces.
 * Traffic is made by real node processes inside the namespaces; the capture runs in this
 * process on the root-namespace end of the client's veth. Skips when not root, without
 * `ip netns`, or without the native module.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, InterfaceInfo } from '../../../src/capture/frame.js';
import type { FrameSink, SourceSummary } from '../../../src/capture/source.js';
import type { DecodeIssue } from '../../../src/core/issues.js';
import { loadPcap, openLive } from '../../../src/capture/live.js';
import { listInterfaces } from '../../../src/capture/interfaces.js';
import { ErrorCode, RdpdiagError } from '../../../src/core/errors.js';
import {
  CLIENT_SCRIPT,
  SERVER_SCRIPT,
  UDP_SCRIPT,
  createLab,
  destroyLab,
  devStat,
  labUnavailableReason,
  runInNs,
  startInNs,
  type Lab,
} from './netns.js';

const labReason = labUnavailableReason();
const nativeReason = await loadPcap().then(
  () => null,
  (e: unknown) => `node_pcap is not loadable: ${e instanceof Error ? e.message.slice(0, 120) : String(e)}`,
);
const skipReason = labReason ?? nativeReason;
if (skipReason) console.warn(`[live tests skipped] ${skipReason}`);

/** What the tests keep of each frame: copies, since Frame and data are reused. */
interface Seen {
  index: number;
  tsSec: number;
  tsNsec: number;
  ts: number;
  caplen: number;
  origLen: number;
  dataLen: number;
  linkType: number;
  pkt: Pkt | null;
}
/** Minimal Ethernet/IPv4/TCP|UDP view, enough to count SYNs and check the filter. */
interface Pkt {
  proto: number;
  src: string;
  dst: string;
  sport: number;
  dport: number;
  tcpFlags: number;
  ipTotalLen: number;
}

function parse(d: Uint8Array): Pkt | null {
  if (d.length < 34 || d[12] !== 0x08 || d[13] !== 0x00) return null;
  const ihl = ((d[14] as number) & 0x0f) * 4;
  const proto = d[23] as number;
  const ip = (o: number) => `${d[o]}.${d[o + 1]}.${d[o + 2]}.${d[o + 3]}`;
  const t = 14 + ihl;
  const ipTotalLen = ((d[16] as number) << 8) | (d[17] as number);
  const pkt: Pkt = { proto, src: ip(26), dst: ip(30), sport: -1, dport: -1, tcpFlags: -1, ipTotalLen };
  if ((proto === 6 || proto === 17) && d.length >= t + 4) {
    pkt.sport = ((d[t] as number) << 8) | (d[t + 1] as number);
    pkt.dport = ((d[t + 2] as number) << 8) | (d[t + 3] as number);
  }
  if (proto === 6 && d.length >= t + 14) pkt.tcpFlags = d[t + 13] as number;
  return pkt;
}

const isSyn = (p: Pkt | null): boolean => !!p && p.proto === 6 && (p.tcpFlags & 0x12) === 0x02;

class Collector implements FrameSink {
  frames: Seen[] = [];
  issues: DecodeIssue[] = [];
  infos: InterfaceInfo[] = [];
  perFrame?: () => void;
  frame(f: Frame): void {
    this.frames.push({
      index: f.index,
      tsSec: f.tsSec,
      tsNsec: f.tsNsec,
      ts: f.ts,
      caplen: f.caplen,
      origLen: f.origLen,
      dataLen: f.data.length,
      linkType: f.linkType,
      pkt: parse(f.data),
    });
    this.perFrame?.();
  }
  issue(i: DecodeIssue): void {
    this.issues.push(i);
  }
  interface(info: InterfaceInfo): void {
    this.infos.push({ ...info });
  }
  secrets(): void {}
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(skipReason !== null)('live capture on a netns veth lab (node_pcap)', () => {
  let lab: Lab;
  let server: ChildProcess | undefined;
  const PORT = 33890;
  const OTHER_PORT = 33891;
  const UDP_PORT = 33892;
  const FLOOD_PORT = 33893;
  const PAYLOAD = 1000;

  beforeAll(async () => {
    lab = createLab();
    server = await startInNs(lab.nsB, SERVER_SCRIPT, [lab.ipB, String(PAYLOAD), String(PORT), String(OTHER_PORT)]);
  }, 30_000);

  afterAll(async () => {
    if (server?.pid) server.kill('SIGKILL');
    // Wake any pcap handle node_pcap has not released yet (it closes at the next packet).
    if (lab) {
      await runInNs(lab.nsA, UDP_SCRIPT, [lab.ipB, String(UDP_PORT), '3', '10']).catch(() => '');
      await sleep(200);
      destroyLab(lab);
    }
  }, 30_000);

  async function capture(
    opts: Parameters<typeof openLive>[0],
    traffic: () => Promise<unknown>,
    sink = new Collector(),
  ): Promise<{ sink: Collector; summary: SourceSummary; t0: number; t1: number }> {
    const ac = new AbortController();
    const t0 = Date.now() / 1000;
    const src = await openLive({ signal: ac.signal, ...opts });
    const running = src.run(sink);
    await traffic();
    await sleep(50);
    ac.abort();
    const summary = await running;
    const t1 = Date.now() / 1000;
    return { sink, summary, t0, t1 };
  }

  it('captures 50 real TCP connections: SYN count, kernel timestamps, lengths, stats', async () => {
    const N = 50;
    let clientOut = '';
    const { sink, summary, t0, t1 } = await capture({ device: lab.capDev }, async () => {
      clientOut = await runInNs(lab.nsA, CLIENT_SCRIPT, [lab.ipB, String(PORT), String(N), String(PAYLOAD)]);
    });
    expect(JSON.parse(clientOut)).toEqual({ done: N });
    const syns = sink.frames.filter((f) => isSyn(f.pkt) && f.pkt?.dport === PORT && f.pkt.dst === lab.ipB);
    expect(syns.length).toBe(N);
    // SYN-ACKs from the server come back through the same veth.
    expect(sink.frames.filter((f) => f.pkt?.proto === 6 && (f.pkt.tcpFlags & 0x12) === 0x12).length).toBe(N);

    expect(summary.format).toBe('live');
    expect(summary.frames).toBe(sink.frames.length);
    expect(summary.bytes).toBe(sink.frames.reduce((a, f) => a + f.caplen, 0));
    sink.frames.forEach((f, i) => expect(f.index).toBe(i + 1));

    let backwards = 0;
    for (let i = 0; i < sink.frames.length; i++) {
      const f = sink.frames[i] as Seen;
      expect(f.linkType).toBe(1);
      expect(f.tsSec).toBeGreaterThan(1_600_000_000);
      expect(f.tsNsec % 1000).toBe(0); // microsecond kernel timestamps
      expect(f.tsNsec).toBeLessThan(1e9);
      expect(f.ts).toBeGreaterThanOrEqual(t0 - 0.005);
      expect(f.ts).toBeLessThanOrEqual(t1 + 0.005);
      if (i > 0 && f.ts < (sink.frames[i - 1] as Seen).ts) backwards++;
      // Full snaplen: nothing cut; on the wire = Ethernet header + IPv4 total length.
      expect(f.caplen).toBe(f.dataLen);
      expect(f.caplen).toBe(f.origLen);
      if (f.pkt) expect(f.origLen).toBe(14 + f.pkt.ipTotalLen);
    }
    expect(backwards).toBe(0);
    // Timestamps are distinct in time, not all equal to the first (real kernel clock).
    const span = (sink.frames.at(-1) as Seen).ts - (sink.frames[0] as Seen).ts;
    expect(span).toBeGreaterThan(0);

    const first = sink.infos[0] as InterfaceInfo;
    expect(first).toMatchObject({ id: 0, linkType: 1, name: lab.capDev, snaplen: 262144 });
    const last = sink.infos.at(-1) as InterfaceInfo;
    expect(typeof last.dropped).toBe('number');
    expect(typeof last.received).toBe('number');
    expect(last.dropped).toBe(0);
    expect(last.received as number).toBeGreaterThanOrEqual(summary.frames);
    expect(sink.issues).toEqual([]);
  });

  it('applies the BPF filter and the snaplen: only tcp port PORT, cut at 96 bytes', async () => {
    const N = 20;
    const { sink } = await capture({ device: lab.capDev, filter: `tcp port ${PORT}`, snaplen: 96 }, async () => {
      await Promise.all([
        runInNs(lab.nsA, CLIENT_SCRIPT, [lab.ipB, String(PORT), String(N), String(PAYLOAD)]),
        runInNs(lab.nsA, CLIENT_SCRIPT, [lab.ipB, String(OTHER_PORT), String(N), String(PAYLOAD)]),
        runInNs(lab.nsA, UDP_SCRIPT, [lab.ipB, String(UDP_PORT), '200', '100']),
      ]);
    });
    expect(sink.frames.length).toBeGreaterThan(0);
    for (const f of sink.frames) {
      expect(f.pkt?.proto).toBe(6);
      expect(f.pkt?.sport === PORT || f.pkt?.dport === PORT).toBe(true);
      expect(f.caplen).toBeLessThanOrEqual(96);
      expect(f.dataLen).toBe(f.caplen);
      expect(f.origLen).toBe(14 + (f.pkt as Pkt).ipTotalLen);
    }
    expect(sink.frames.filter((f) => isSyn(f.pkt)).length).toBe(N);
    // The 1000-byte payload segments were cut: caplen 96 < origLen.
    expect(sink.frames.some((f) => f.caplen === 96 && f.origLen >= 14 + 20 + 20 + PAYLOAD)).toBe(true);
  });

  it('stops at count frames', async () => {
    const sink = new Collector();
    const src = await openLive({ device: lab.capDev, count: 5, filter: `udp port ${UDP_PORT}` });
    const running = src.run(sink);
    const traffic = runInNs(lab.nsA, UDP_SCRIPT, [lab.ipB, String(UDP_PORT), '50', '64']);
    const summary = await running;
    await traffic;
    expect(summary.frames).toBe(5);
    expect(sink.frames.map((f) => f.index)).toEqual([1, 2, 3, 4, 5]);
    expect(typeof sink.infos.at(-1)?.received).toBe('number');
  });

  it('stops after durationSec and reports the stats every second while running', async () => {
    const sink = new Collector();
    const t0 = Date.now();
    const src = await openLive({ device: lab.capDev, durationSec: 1.3, filter: `udp port ${UDP_PORT}` });
    const running = src.run(sink);
    await runInNs(lab.nsA, UDP_SCRIPT, [lab.ipB, String(UDP_PORT), '30', '64']);
    const summary = await running;
    const elapsed = Date.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(1300);
    expect(elapsed).toBeLessThan(3000);
    expect(summary.frames).toBe(30);
    // start (no stats yet), periodic at ~1 s, final
    expect(sink.infos.length).toBeGreaterThanOrEqual(3);
    expect(sink.infos[0]?.received).toBeUndefined();
    const periodic = sink.infos[1] as InterfaceInfo;
    expect(periodic.received).toBe(30);
    expect(periodic.dropped).toBe(0);
  });

  it('counts what a 64 KiB kernel buffer cannot hold under a 20 000-packet flood', async () => {
    const SENT = 20_000;
    const sink = new Collector();
    // A deliberately slow consumer (~20 µs per frame) so the tiny ring overflows.
    sink.perFrame = () => {
      const until = process.hrtime.bigint() + 20_000n;
      while (process.hrtime.bigint() < until);
    };
    const rx0 = devStat(lab.capDev, 'rx_packets');
    const started = Date.now();
    let out = '';
    const { summary } = await capture(
      { device: lab.capDev, filter: `udp dst port ${FLOOD_PORT}`, bufferSize: 65536, snaplen: 256 },
      async () => {
        out = await runInNs(lab.nsA, UDP_SCRIPT, [lab.ipB, String(FLOOD_PORT), String(SENT), '200']);
      },
      sink,
    );
    const elapsed = Date.now() - started;
    const rxOnDevice = devStat(lab.capDev, 'rx_packets') - rx0;
    expect(JSON.parse(out)).toEqual({ sent: SENT });
    const last = sink.infos.at(-1) as InterfaceInfo;
    const captured = summary.frames;
    const dropped = last.dropped as number;
    const received = last.received as number;
    console.info(
      `[live flood] sent ${SENT}, device rx ${rxOnDevice}, captured ${captured}, ps_recv ${received}, dropped ${dropped}, ${elapsed} ms`,
    );
    expect(typeof dropped).toBe('number');
    expect(received).toBeGreaterThanOrEqual(captured);
    // Every datagram that reached the device was either delivered or counted as dropped
    // (a few non-UDP packets such as ARP also reach the device: slack of 50).
    expect(captured + dropped).toBeGreaterThanOrEqual(Math.min(SENT, rxOnDevice) - 50);
    expect(captured + dropped).toBeLessThanOrEqual(SENT);
    expect(elapsed).toBeLessThan(25_000);
  });

  it('rdpdiag live: refused RDP attempts reported; --client focuses the verdict like analyze', async () => {
    // Nothing listens on 3389 in the server namespace: each attempt is refused with a RST.
    const REFUSED = `
const net = require('node:net');
const [host, n] = process.argv.slice(1);
let left = Number(n);
for (let i = 0; i < Number(n); i++) net.connect(3389, host).on('error', () => { if (--left === 0) process.stdout.write('done'); });
`;
    const dir = mkdtempSync(join(tmpdir(), 'rdpdiag-live-cli-'));
    try {
      const run = async (extra: string[]): Promise<Record<string, unknown>> => {
        const out = join(dir, `r${extra.length}.json`);
        const cli = spawn(process.execPath, [join(__dirname, '../../../bin/rdpdiag'), 'live', lab.capDev, '--duration', '3', '--filter', 'tcp port 3389', '--format', 'json', '-o', out, ...extra], { stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        cli.stderr.on('data', (d: Buffer) => (err += d.toString()));
        const exited = new Promise<number | null>((r) => cli.on('exit', (code) => r(code)));
        await sleep(1000); // the capture is open
        expect(await runInNs(lab.nsA, REFUSED, [lab.ipB, '3'])).toBe('done');
        const code = await exited;
        expect(err).toBe('');
        expect(code === 0 || code === 1).toBe(true);
        return JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
      };
      const saved = join(dir, 'saved.pcapng');
      const plain = await run(['-w', saved]);
      // -w: what was captured, as pcapng: tshark reads the same frames and the three SYNs; the
      // Interface Statistics Block carries the received and dropped counts (read back by analyze).
      const frames = (plain['capture'] as { frames: number }).frames;
      const tsFrames = execFileSync('tshark', ['-r', saved, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n').filter(Boolean);
      expect(tsFrames.length).toBe(frames);
      const syns = execFileSync('tshark', ['-r', saved, '-Y', `tcp.flags.syn==1 && tcp.flags.ack==0 && ip.src==${lab.ipA}`, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n').filter(Boolean);
      expect(syns.length).toBe(3);
      const back = JSON.parse(spawnSync(process.execPath, [join(__dirname, '../../../bin/rdpdiag'), 'analyze', saved, '--format', 'json'], { encoding: 'utf8' }).stdout || '{}') as { capture?: { dropped: number | null; interfaces: { received?: number }[] } };
      expect(back.capture?.dropped).toBe(0);
      const conns = plain['connections'] as { server: { port: number }; client: { ip: string }; state: string }[];
      expect(conns.filter((c) => c.server.port === 3389 && c.client.ip === lab.ipA && c.state === 'REJ').length).toBe(3);
      expect((plain['verdict'] as { cause: string }).cause).toBe('tcp-connect-refused');
      const focused = await run(['--client', '192.0.2.99']);
      expect((focused['verdict'] as { reason: string }).reason).toMatch(/No RDP attempt from 192\.0\.2\.99 is in this capture/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 40_000);

  it('rdpdiag live --keylog: a TLS client writing its key log while captured is decrypted (gateway 401 read)', async () => {
    // A TLS 1.3 server on 443 answers an RD Gateway RDG_OUT_DATA request with 401 (NTLM/Negotiate); the
    // client (node's OpenSSL) appends each secret to the key log from its 'keylog' event, as
    // SSLKEYLOGFILE writers do, i.e. during the handshake, after the ServerHello was received. The key
    // log does not exist when the capture starts: only reading it again while capturing decrypts.
    // (That the hold matters when the secrets come late is shown on a replay: decrypt/live-keylog.test.ts.)
    const dir = mkdtempSync(join(tmpdir(), 'rdpdiag-live-keylog-'));
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    const keylog = join(dir, 'client.keylog');
    const out = join(dir, 'r.json');
    const SERVER = `
const tls = require('node:tls');
const fs = require('node:fs');
const [host, key, cert] = process.argv.slice(1);
tls.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert), minVersion: 'TLSv1.3' }, (s) => {
  s.once('data', () => s.end('HTTP/1.1 401 Unauthorized\\r\\nWWW-Authenticate: Negotiate\\r\\nWWW-Authenticate: NTLM\\r\\nContent-Length: 0\\r\\n\\r\\n'));
  s.on('error', () => {});
}).listen(443, host, () => process.stdout.write('ready\\n'));
`;
    const CLIENT = `
const tls = require('node:tls');
const fs = require('node:fs');
const [host, keylog, n] = process.argv.slice(1);
(async () => {
  for (let i = 0; i < Number(n); i++) {
    await new Promise((resolve, reject) => {
      const s = tls.connect({ host, port: 443, servername: 'gw.lab.test', rejectUnauthorized: false }, () => {
        s.write('RDG_OUT_DATA /remoteDesktopGateway/ HTTP/1.1\\r\\nHost: gw.lab.test\\r\\nRDG-Connection-Id: {1e1d0c6a-0000-4000-8000-000000000001}\\r\\nContent-Length: 0\\r\\n\\r\\n');
      });
      s.on('keylog', (line) => fs.appendFileSync(keylog, line));
      s.on('data', () => {});
      s.on('end', () => s.end());
      s.on('close', resolve);
      s.on('error', reject);
    });
  }
  process.stdout.write('done');
})().catch((e) => { console.error(e); process.exit(1); });
`;
    let server: ChildProcess | undefined;
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=gw.lab.test', '-days', '1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
      server = await startInNs(lab.nsB, SERVER, [lab.ipB, key, cert]);
      const cli = spawn(process.execPath, [join(__dirname, '../../../bin/rdpdiag'), 'live', lab.capDev, '--duration', '4', '--filter', 'tcp port 443', '--keylog', keylog, '--keylog-hold', '0.5', '--format', 'json', '-o', out], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      cli.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const exited = new Promise<number | null>((r) => cli.on('exit', (code) => r(code)));
      await sleep(1000); // the capture is open
      expect(await runInNs(lab.nsA, CLIENT, [lab.ipB, keylog, '3'])).toBe('done');
      const code = await exited;
      expect(err).toBe('');
      expect(code === 0 || code === 1).toBe(true);
      const report = JSON.parse(readFileSync(out, 'utf8')) as {
        connections: { server: { port: number }; tls?: { decryption: { ok: boolean } | null; serverVersion: string | null }; rdg?: { http: { method?: string; status?: number }[] } }[];
        secrets: { keyLogs: { secretLines: number }[] };
      };
      const gw = report.connections.filter((c) => c.server.port === 443);
      expect(gw).toHaveLength(3);
      for (const c of gw) {
        expect(c.tls?.serverVersion).toBe('TLS 1.3');
        expect(c.tls?.decryption?.ok).toBe(true);
        expect(c.rdg?.http.map((h) => h.method ?? h.status)).toEqual(['RDG_OUT_DATA', 401]);
      }
      // TLS 1.3 client key-log lines: 5 per session (handshake and traffic secrets both ways, exporter).
      expect(report.secrets.keyLogs[0]!.secretLines).toBe(readFileSync(keylog, 'utf8').trim().split('\n').length);
    } finally {
      server?.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 40_000);

  it('lists the lab interface and loopback with addresses and no holes', async () => {
    const ifs = await listInterfaces();
    const names = ifs.map((i) => i.name);
    expect(names).toContain(lab.capDev);
    expect(names).toContain('lo');
    const lo = ifs.find((i) => i.name === 'lo');
    expect(lo?.loopback).toBe(true);
    expect(lo?.addresses.some((a) => a.addr === '127.0.0.1')).toBe(true);
    expect(ifs.find((i) => i.name === lab.capDev)?.addresses).toEqual([]);
    for (const i of ifs) for (const a of i.addresses) expect(typeof a.addr).toBe('string');
  });

  it('maps a bad filter and a missing device to LIVE_FAILED naming them', async () => {
    const bad = 'tcp port 3389 and';
    const e1 = await openLive({ device: lab.capDev, filter: bad }).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(RdpdiagError);
    expect((e1 as RdpdiagError).code).toBe(ErrorCode.LIVE_FAILED);
    expect((e1 as RdpdiagError).message).toContain(`"${bad}"`);
    const e2 = await openLive({ device: 'rdpdiag-nodev0' }).catch((e: unknown) => e);
    expect((e2 as RdpdiagError).code).toBe(ErrorCode.LIVE_FAILED);
    expect((e2 as RdpdiagError).message).toContain('rdpdiag-nodev0');
    const e3 = await openLive({ device: lab.capDev, count: 0 }).catch((e: unknown) => e);
    expect((e3 as RdpdiagError).code).toBe(ErrorCode.BAD_ARGUMENT);
  });
});
