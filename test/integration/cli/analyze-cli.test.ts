/**
 * The CLI end to end (bin/rdpdiag → dist/): `analyze FILE --format json` on corpus captures,
 * checked against tshark for the same file — frame count and time span, TCP connections
 * (tshark tcp.stream), client/server by the SYN, MSS from the SYN / SYN-ACK options, TTL of
 * the first packet each way, initial RTT, resets and retransmissions; exit codes (3 for a
 * non-capture naming the file, 2 for a bad option), the text table, '-' (stdin), .gz, and
 * several files on one command line.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConnectionReport, Report } from '../../../src/report/model.js';
import { corpusPath, HAVE_CORPUS, HAVE_TSHARK, REPO } from '../../helpers/shared.js';
import { pool, tshark } from '../../helpers/tshark.js';
import { HAVE_DIST, runCli } from '../../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'rdpdiag-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const run = runCli;

async function json(args: string[], stdinFile?: string): Promise<Report> {
  const r = await run(['analyze', ...args, '--format', 'json'], stdinFile);
  expect(r.stderr).toBe('');
  expect([0, 1]).toContain(r.code);
  return JSON.parse(r.stdout) as Report;
}

const FILES = [
  'awakecoding__wireshark-rdp/captures/rdp-nla-ntlm-rejected1.pcapng',
  'zeek__zeek/testing/btest/Traces/rdp/rdp-no-cookie-mstshash.pcap',
  'ntop__nDPI/tests/cfgs/default/pcap/rdp.pcap',
  'ajbanjara__Wireshark/uploads/__moin_import__/attachments/SampleCaptures/RDP-003.pcap',
  'ajbanjara__Wireshark/uploads/5a3487bb74d3724d1ed7e99b31d1c3a7/ws-credssp/freerdp-client-krb5.pcapng',
  'zeek__zeek/testing/btest/Traces/rdp/rdp-to-ssl.pcap',
].map(corpusPath);

interface TsStream {
  client: string;
  server: string;
  mssC: number | null;
  mssS: number | null;
  ttlC: number | null;
  ttlS: number | null;
  irtt: number | null;
  resets: number;
  retrans: number;
  synRetrans: number;
}

async function tsharkStreams(file: string): Promise<{ frames: number; first: number; last: number; streams: Map<number, TsStream>; convs: number }> {
  const r = await tshark([
    '-r', file, '-T', 'fields', '-E', 'occurrence=f',
    '-e', 'frame.number', '-e', 'frame.time_epoch', '-e', 'tcp.stream', '-e', 'ip.src', '-e', 'ipv6.src', '-e', 'tcp.srcport', '-e', 'ip.dst', '-e', 'ipv6.dst', '-e', 'tcp.dstport',
    '-e', 'tcp.flags.syn', '-e', 'tcp.flags.ack', '-e', 'tcp.flags.reset', '-e', 'ip.ttl', '-e', 'ipv6.hlim', '-e', 'tcp.options.mss_val', '-e', 'tcp.analysis.initial_rtt', '-e', 'icmp.type',
  ]);
  const rx = await tshark(['-r', file, '-Y', 'tcp.analysis.retransmission', '-T', 'fields', '-e', 'tcp.stream', '-e', 'tcp.flags.syn', '-e', 'tcp.flags.ack']);
  const conv = await tshark(['-r', file, '-q', '-z', 'conv,tcp']);
  const streams = new Map<number, TsStream>();
  let frames = 0;
  let first = Infinity;
  let last = -Infinity;
  for (const line of r.stdout.split('\n').filter(Boolean)) {
    const [, epoch, stream, s4, s6, sport, d4, d6, dport, syn, ack, rst, ttl, hlim, mss, irtt, icmp] = line.split('\t');
    frames++;
    first = Math.min(first, Number(epoch));
    last = Math.max(last, Number(epoch));
    if (!stream || icmp) continue;
    const src = `${s4 || s6}:${sport}`;
    const dst = `${d4 || d6}:${dport}`;
    let s = streams.get(Number(stream));
    if (!s) {
      // The SYN sender is the client; a stream starting otherwise is oriented by its first packet here.
      const synAck = syn === '1' && ack === '1';
      s = { client: synAck ? dst : src, server: synAck ? src : dst, mssC: null, mssS: null, ttlC: null, ttlS: null, irtt: null, resets: 0, retrans: 0, synRetrans: 0 };
      streams.set(Number(stream), s);
    }
    const fromClient = src === s.client;
    const t = Number(ttl || hlim);
    if (fromClient && s.ttlC === null) s.ttlC = t;
    if (!fromClient && s.ttlS === null) s.ttlS = t;
    if (syn === '1' && mss) {
      if (fromClient && ack === '0' && s.mssC === null) s.mssC = Number(mss);
      if (!fromClient && ack === '1' && s.mssS === null) s.mssS = Number(mss);
    }
    if (irtt) s.irtt = Number(irtt);
    if (rst === '1') s.resets++;
  }
  for (const line of rx.stdout.split('\n').filter(Boolean)) {
    const [stream, syn, ack] = line.split('\t');
    const s = streams.get(Number(stream));
    if (!s) continue;
    s.retrans++;
    if (syn === '1' && ack === '0') s.synRetrans++;
  }
  const convs = conv.stdout.split('\n').filter((l) => /<->/.test(l)).length;
  return { frames, first, last, streams, convs };
}

const ep = (e: { ip: string; port: number }) => `${e.ip}:${e.port}`;

describe.skipIf(!HAVE_CORPUS || !HAVE_DIST)('rdpdiag analyze (CLI)', () => {
  it.skipIf(!HAVE_TSHARK)('--format json: report shape and values agree with tshark', async () => {
    const summary: string[] = [];
    await pool(FILES, 2, async (file) => {
      const [rep, ts] = await Promise.all([json([file, '--all']), tsharkStreams(file)]);
      expect(rep.schema).toMatch(/^rdpdiag\.report\//);
      const cap = rep.capture;
      for (const k of ['frames', 'files', 'formats', 'linkTypes', 'first', 'last', 'dropped', 'warnings'] as const) expect(cap, k).toHaveProperty(k);
      expect(cap.frames, file).toBe(ts.frames);
      expect(cap.files).toEqual([expect.objectContaining({ path: file, frames: ts.frames, truncated: false })]);
      expect(cap.formats).toEqual([file.endsWith('.pcapng') ? 'pcapng' : 'pcap']);
      expect(cap.linkTypes.reduce((n, l) => n + l.frames, 0)).toBe(ts.frames);
      expect(Math.abs(Date.parse(cap.first!) / 1000 - ts.first)).toBeLessThan(0.001);
      expect(Math.abs(Date.parse(cap.last!) / 1000 - ts.last)).toBeLessThan(0.001);

      const tcp = rep.connections.filter((c) => c.transport === 'tcp');
      expect(tcp.length, `${file}: connections vs tshark tcp.stream`).toBe(ts.streams.size);
      expect(ts.convs).toBeLessThanOrEqual(ts.streams.size); // conv,tcp merges reused 4-tuples
      let rttChecked = 0;
      let rttRejected = 0;
      for (const s of ts.streams.values()) {
        const c = tcp.find((x) => ep(x.client) === s.client && ep(x.server) === s.server) as ConnectionReport | undefined;
        expect(c, `${file}: connection ${s.client} → ${s.server}`).toBeDefined();
        for (const k of ['id', 'transport', 'client', 'server', 'start', 'end', 'firstFrame', 'lastFrame', 'state', 'history'] as const) expect(c, k).toHaveProperty(k);
        const t = c!.tcp!;
        for (const k of ['retransmissions', 'fastRetransmissions', 'lostSegments', 'ackedUnseen', 'dupAcks', 'zeroWindows', 'keepAlives', 'resets', 'synRetransmissions', 'mss', 'ttl', 'rttMs'] as const) expect(t, k).toHaveProperty(k);
        const at = `${file} ${s.client} → ${s.server}`;
        expect(t.mss, `${at} mss`).toEqual({ client: s.mssC, server: s.mssS });
        expect(t.ttl, `${at} ttl`).toEqual({ client: s.ttlC, server: s.ttlS });
        expect(t.resets, `${at} resets`).toBe(s.resets);
        // Wireshark flags fast and spurious retransmissions as retransmissions too.
        expect(t.retransmissions + t.fastRetransmissions + t.spuriousRetransmissions, `${at} retransmissions`).toBe(s.retrans);
        // Wireshark's initial_rtt is SYN → first non-SYN ACK, whichever side sends it: for a
        // rejected SYN that is the RST/ACK. Ours is SYN → ACK of the SYN-ACK only (report model),
        // so connections without a SYN-ACK have none: compared where a handshake completed.
        if (s.irtt !== null && !c!.history.includes('h')) {
          expect(t.rttMs, `${at} rtt without handshake`).toBeNull();
          rttRejected++;
        } else if (s.irtt !== null) {
          expect(t.rttMs, `${at} rtt`).not.toBeNull();
          expect(Math.abs(t.rttMs! - s.irtt * 1000), `${at} rtt`).toBeLessThan(0.002);
          rttChecked++;
        } else expect(t.rttMs, `${at} rtt`).toBeNull();
      }
      summary.push(`${file.split('/').pop()}: ${cap.frames} frames, ${tcp.length} TCP connections (tshark ${ts.streams.size} streams, ${ts.convs} conversations), ${rttChecked} RTTs equal, ${rttRejected} tshark RTTs on SYN→RST/ACK not reported by us`);
    });
    console.log(`[cli vs tshark]\n  ${summary.join('\n  ')}`);
  });

  it.skipIf(!HAVE_TSHARK)('default report: RDP-related connections listed as with --all, the others aggregated; the sums agree with tshark', async () => {
    await pool([...FILES, corpusPath('zeek__zeek/testing/btest/Traces/echo-connections.pcap')], 2, async (file) => {
      const [all, def] = await Promise.all([json([file, '--all']), json([file])]);
      const ts = await tsharkStreams(file);
      expect(def.schema).toBe('rdpdiag.report/2');
      expect(all.aggregates, '--all lists everything').toBeUndefined();
      const agg = def.aggregates!;
      expect(agg, file).toBeDefined();
      const byId = new Map(all.connections.map((c) => [c.id, c]));
      for (const c of def.connections) expect(c, `${file} #${c.id}`).toEqual(byId.get(c.id));
      const listed = new Set(def.connections.map((c) => c.id));
      const rest = all.connections.filter((c) => !listed.has(c.id));
      expect(def.connections.length + agg.connections, file).toBe(all.connections.length);
      expect(all.connections.filter((c) => c.transport === 'tcp').length).toBe(ts.streams.size);
      const sum = (xs: ConnectionReport[], k: 'client' | 'server') => xs.reduce((n, c) => n + c.bytes[k], 0);
      expect(agg.bytes).toEqual({ client: sum(rest, 'client'), server: sum(rest, 'server') });
      expect(agg.groups.reduce((n, g) => n + g.connections, 0)).toBe(rest.length);
      for (const c of rest) expect(['rdp', 'rdp-gateway', 'rdp-udp', 'kerberos'], `${file} #${c.id}`).not.toContain(c['protocol']);
      for (const f of (def['findings'] as { connection: number | null }[]) ?? []) if (f.connection !== null) expect(listed.has(f.connection), `${file} finding on #${f.connection}`).toBe(true);
      for (const i of def.icmp) if (i.connection !== null) expect(listed.has(i.connection)).toBe(true);
    });
  }, 400_000);

  it('text --all: a streamed table with every connection after the report', async () => {
    const file = corpusPath('zeek__zeek/testing/btest/Traces/echo-connections.pcap');
    const all = await json([file, '--all']);
    const r = await run(['analyze', file, '--all']);
    expect([0, 1]).toContain(r.code);
    const tail = r.stdout.slice(r.stdout.indexOf('All connections ('));
    expect(tail).toContain(`All connections (${all.connections.length},`);
    for (const c of all.connections) expect(tail).toMatch(new RegExp(`^${c.id} +\\S+ +${c.client.ip.replace(/\./g, '\\.')}:${c.client.port} `, 'm'));
  });

  it('exit code 3 and a message naming the file for a non-capture file; 3 for a missing file', async () => {
    const notCap = join(tmp, 'notes.txt');
    writeFileSync(notCap, 'this is not a capture\n');
    const r = await run(['analyze', notCap, '--format', 'json']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(notCap);
    expect(r.stdout).toBe('');
    const missing = join(tmp, 'nope.pcap');
    const m = await run(['analyze', missing]);
    expect(m.code).toBe(3);
    expect(m.stderr).toContain(missing);
  });

  it('-o: no report file is left behind for an unreadable capture; an unwritable path fails at once with 2', async () => {
    const notCap = join(tmp, 'notes2.txt');
    writeFileSync(notCap, 'still not a capture\n');
    const out = join(tmp, 'report-of-nothing.json');
    const r = await run(['analyze', notCap, '--format', 'json', '-o', out]);
    expect(r.code).toBe(3);
    expect(existsSync(out)).toBe(false);
    const bad = await run(['analyze', FILES[0]!, '--format', 'json', '-o', join(tmp, 'no-such-dir', 'r.json')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--output .*no-such-dir.*cannot write/);
    const dir = await run(['analyze', FILES[0]!, '--format', 'json', '-o', tmp]);
    expect(dir.code).toBe(2);
    const good = join(tmp, 'r.json');
    const ok = await run(['analyze', FILES[0]!, '--format', 'json', '-o', good]);
    expect([0, 1]).toContain(ok.code);
    expect((JSON.parse(readFileSync(good, 'utf8')) as Report).schema).toMatch(/^rdpdiag\.report\//);
  });

  it('exit code 2 for an unknown option and for a bad --format value', async () => {
    const a = await run(['analyze', '--bogus', FILES[0]!]);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/bogus/);
    const b = await run(['analyze', FILES[0]!, '--format', 'xml']);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/xml/);
  });

  it('text output holds the connection table', async () => {
    const file = FILES[0]!;
    const j = await run(['analyze', file, '--format', 'json']);
    const rep = JSON.parse(j.stdout) as Report;
    const r = await run(['analyze', file]);
    // 0 healthy / 1 failure diagnosed (the verdict), the same whatever the format.
    expect([0, 1]).toContain(r.code);
    expect(r.code).toBe(j.code);
    expect(r.stdout).toMatch(new RegExp(`Connections: ${rep.connections.length}`));
    for (const c of rep.connections) {
      expect(r.stdout).toContain(`${c.client.ip}:${c.client.port}`);
      expect(r.stdout).toContain(`${c.server.ip}:${c.server.port}`);
      expect(r.stdout).toContain(c.state);
      expect(r.stdout).toContain(c.history);
    }
  });

  it("'-' reads standard input, plain and gzip; a .gz file works; the same report as the file", async () => {
    const file = FILES[1]!;
    const direct = await json([file]);
    const strip = (r: Report) => ({ frames: r.capture.frames, conns: r.connections.map(({ file: _f, ...c }) => c) });
    const viaStdin = await json(['-'], file);
    expect(viaStdin.capture.files[0]!.path).toBe('-');
    expect(strip(viaStdin)).toEqual(strip(direct));
    const gz = join(tmp, 'copy.pcap.gz');
    writeFileSync(gz, gzipSync(readFileSync(file)));
    const viaGz = await json([gz]);
    expect(viaGz.capture.files[0]!.gzip).toBe(true);
    expect(viaGz.capture.formats).toEqual(['pcap+gzip']);
    expect(strip(viaGz)).toEqual(strip(direct));
    const viaStdinGz = await json(['-'], gz);
    expect(viaStdinGz.capture.files[0]!.gzip).toBe(true);
    expect(strip(viaStdinGz)).toEqual(strip(direct));
  });

  it('several files on one command line: one report, per-file entries, frames and connections summed', async () => {
    const [a, b] = [FILES[0]!, FILES[2]!];
    const [ra, rb, both] = await Promise.all([json([a]), json([b]), json([a, b])]);
    expect(both.capture.files.map((f) => f.path)).toEqual([a, b]);
    expect(both.capture.frames).toBe(ra.capture.frames + rb.capture.frames);
    expect(both.capture.formats.sort()).toEqual(['pcap', 'pcapng']);
    expect(both.connections.length).toBe(ra.connections.length + rb.connections.length);
    expect(both.connections.map((c) => c.file)).toEqual([...ra.connections.map(() => a), ...rb.connections.map(() => b)]);
    expect(both.capture.linkTypes.map((l) => l.linkType).sort()).toEqual([0, 1]);
  });
});
