/**
 * Oracle test: every TCP stream of the public RDP and TLS captures (manifest categories 1-RDP and
 * 2-TLS) is fed, per direction, to TlsStreamDecoder; what it reports is compared with tshark's TLS
 * dissector on the same capture: ClientHello versions / supported_versions / cipher-suite count /
 * SNI / ALPN, ServerHello version and suite, plaintext alerts, certificate count and leaf serial
 * and subject CN, and the number of application-data records per direction.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DecodeIssue } from '../../../../src/core/issues.js';
import type { TlsEvent } from '../../../../src/protocols/tls/events.js';
import { TlsStreamDecoder } from '../../../../src/protocols/tls/tls-decoder.js';
import { HAVE_SHARED, HAVE_TSHARK, SHARED_PUBLIC, skipLeadingTpkt, skipToTls, type FollowStream } from './follow.js';
import { captureView, emptyOracle, type CaptureView, type OracleStream } from './oracle.js';

interface ManifestEntry {
  local: string;
  category: string;
  dup_of: string | null;
  format: string;
}

function captures(): string[] {
  const m = JSON.parse(readFileSync(path.join(SHARED_PUBLIC, 'manifest.json'), 'utf8')) as { captures: ManifestEntry[] };
  return m.captures
    .filter((c) => (c.category === '1-RDP' || c.category === '2-TLS') && c.dup_of === null)
    .map((c) => c.local)
    .filter((f) => existsSync(path.join(SHARED_PUBLIC, f)));
}

type Ev = TlsEvent | DecodeIssue;

function decodeStream(s: FollowStream): Ev[] {
  const events: Ev[] = [];
  const d = new TlsStreamDecoder((e) => events.push(e));
  const chunks = skipToTls(skipLeadingTpkt(s.chunks));
  chunks.forEach((c, i) => {
    const info = { frame: i + 1, ts: i };
    if (c.gap !== undefined) d.gap(c.dir, c.gap, info);
    else d.push(c.dir, c.data, info);
  });
  d.end(0, { frame: chunks.length + 1, ts: chunks.length });
  d.end(1, { frame: chunks.length + 1, ts: chunks.length });
  return events;
}

interface Tally {
  tshark: number;
  agree: number;
  extra: number;
  mismatches: string[];
}
const tally = (): Tally => ({ tshark: 0, agree: 0, extra: 0, mismatches: [] });

function serialHex(s: string): string {
  return s.replace(/:/g, '').toUpperCase().replace(/^0+(?=.)/, '');
}

/** Runs `task` over `items` with at most `n` at a time; returns one promise per item. */
function pool<T, R>(items: T[], n: number, task: (t: T) => Promise<R>): Map<T, Promise<R>> {
  const out = new Map<T, Promise<R>>();
  let running = 0;
  const queue: (() => void)[] = [];
  for (const it of items) {
    out.set(
      it,
      new Promise<R>((resolve, reject) => {
        const start = (): void => {
          running++;
          task(it)
            .then(resolve, reject)
            .finally(() => {
              running--;
              queue.shift()?.();
            });
        };
        if (running < n) start();
        else queue.push(start);
      }),
    );
  }
  return out;
}

const ready = HAVE_SHARED && HAVE_TSHARK;

describe.skipIf(!ready)('TLS decoder against tshark on the public RDP/TLS captures', () => {
  if (!ready) {
    it.skip(`needs ${SHARED_PUBLIC} and /usr/bin/tshark`, () => {});
    return;
  }
  const files = captures();
  const views = pool(files, 4, (rel) => captureView(path.join(SHARED_PUBLIC, rel)));
  const t = { ch: tally(), sslv2: tally(), sh: tally(), alert: tally(), cert: tally(), cn: tally(), app: tally(), encAlert: tally() };
  let streamsSeen = 0;
  let issuesSeen = 0;

  it.each(files)('%s', async (rel) => {
    const { streams, oracle, leafCNs: cns }: CaptureView = await views.get(rel)!;
    for (const s of streams) {
      streamsSeen++;
      const events = decodeStream(s); // must not throw
      const o: OracleStream = oracle.get(s.index) ?? emptyOracle();
      const where = `${rel} stream ${s.index}`;
      issuesSeen += events.filter((e) => e.type === 'analyzer.violation').length;

      const chs = events.filter((e) => e.type === 'tls.client_hello');
      t.ch.tshark += o.clientHellos.length;
      t.ch.extra += Math.max(0, chs.length - o.clientHellos.length);
      o.clientHellos.forEach((x, i) => {
        const m = chs[i];
        const mine = m && {
          dir: m.dir,
          legacyVersion: m.legacyVersion,
          supportedVersions: m.supportedVersions,
          cipherSuiteCount: m.cipherSuites.length,
          sni: m.sni,
          alpn: m.alpn,
        };
        const want = { dir: x.dir, legacyVersion: x.legacyVersion, supportedVersions: x.supportedVersions, cipherSuiteCount: x.cipherSuiteCount, sni: x.sni, alpn: x.alpn };
        if (JSON.stringify(mine) === JSON.stringify(want)) t.ch.agree++;
        else t.ch.mismatches.push(`${where} CH#${i}: tshark ${JSON.stringify(want)} ours ${JSON.stringify(mine)}`);
      });

      const v2 = events.filter((e) => e.type === 'tls.sslv2_client_hello' || e.type === 'tls.sslv2_server_hello');
      t.sslv2.tshark += o.sslv2Hellos.length;
      t.sslv2.extra += Math.max(0, v2.length - o.sslv2Hellos.length);
      o.sslv2Hellos.forEach((x, i) => {
        const m = v2[i];
        const mine = m && {
          dir: m.dir,
          msgType: m.type === 'tls.sslv2_client_hello' ? 1 : 4,
          version: m.type === 'tls.sslv2_client_hello' || m.type === 'tls.sslv2_server_hello' ? m.version : -1,
          cipherSpecCount: m.type === 'tls.sslv2_client_hello' || m.type === 'tls.sslv2_server_hello' ? m.cipherSpecs.length : -1,
        };
        const want = { dir: x.dir, msgType: x.msgType, version: x.version, cipherSpecCount: x.cipherSpecCount };
        if (JSON.stringify(mine) === JSON.stringify(want)) t.sslv2.agree++;
        else t.sslv2.mismatches.push(`${where} SSLv2 hello#${i}: tshark ${JSON.stringify(want)} ours ${JSON.stringify(mine)}`);
      });

      const shs = events.filter((e) => e.type === 'tls.server_hello');
      t.sh.tshark += o.serverHellos.length;
      t.sh.extra += Math.max(0, shs.length - o.serverHellos.length);
      o.serverHellos.forEach((x, i) => {
        const m = shs[i];
        const mine = m && { dir: m.dir, legacyVersion: m.legacyVersion, selectedVersion: m.selectedVersion, cipherSuite: m.cipherSuite };
        const want = { dir: x.dir, legacyVersion: x.legacyVersion, selectedVersion: x.supportedVersion ?? x.legacyVersion, cipherSuite: x.cipherSuite };
        if (JSON.stringify(mine) === JSON.stringify(want)) t.sh.agree++;
        else t.sh.mismatches.push(`${where} SH#${i}: tshark ${JSON.stringify(want)} ours ${JSON.stringify(mine)}`);
      });

      const alerts = events.filter((e) => e.type === 'tls.alert' && !e.encrypted);
      t.alert.tshark += o.alerts.length;
      t.alert.extra += Math.max(0, alerts.length - o.alerts.length);
      o.alerts.forEach((x, i) => {
        const m = alerts[i];
        const mine = m && m.type === 'tls.alert' && { dir: m.dir, level: m.level, description: m.description };
        const want = { dir: x.dir, level: x.level, description: x.description };
        if (JSON.stringify(mine) === JSON.stringify(want)) t.alert.agree++;
        else t.alert.mismatches.push(`${where} alert#${i}: tshark ${JSON.stringify(want)} ours ${JSON.stringify(mine)}`);
      });

      const encAlerts = events.filter((e) => e.type === 'tls.encrypted_alert').length;
      t.encAlert.tshark += o.encryptedAlerts;
      if (!oracle.has(s.index)) t.encAlert.extra += encAlerts;
      else if (encAlerts === o.encryptedAlerts) t.encAlert.agree += o.encryptedAlerts;
      else t.encAlert.mismatches.push(`${where}: encrypted alerts tshark ${o.encryptedAlerts} ours ${encAlerts}`);

      const certs = events.filter((e) => e.type === 'tls.certificate');
      const leafCNs = cns.get(s.index) ?? [];
      t.cert.tshark += o.certificates.length;
      t.cert.extra += Math.max(0, certs.length - o.certificates.length);
      o.certificates.forEach((x, i) => {
        const m = certs[i];
        if (x.count === 0 && m === undefined) {
          // tshark found the Certificate message malformed (no certificate dissected): we must say so too.
          const said = events.some((e) => e.type === 'analyzer.violation' && /certificate/i.test(e.message));
          if (said) t.cert.agree++;
          else t.cert.mismatches.push(`${where} cert#${i}: tshark malformed, no issue from us`);
          return;
        }
        const serial = m?.certificates[0]?.serial;
        const mine = m && { dir: m.dir, count: m.certificates.length, firstSerial: serial ? serialHex(serial) : undefined };
        const want = { dir: x.dir, count: x.count, firstSerial: x.firstSerial && serialHex(x.firstSerial) };
        if (JSON.stringify(mine) === JSON.stringify(want)) t.cert.agree++;
        else t.cert.mismatches.push(`${where} cert#${i}: tshark ${JSON.stringify(want)} ours ${JSON.stringify(mine)}`);
        const cn = leafCNs[i];
        if (cn !== undefined && x.count > 0) {
          t.cn.tshark++;
          const ours = m?.certificates[0]?.subjectCN ?? '';
          if (ours === cn) t.cn.agree++;
          else t.cn.mismatches.push(`${where} cert#${i}: subject CN tshark ${JSON.stringify(cn)} ours ${JSON.stringify(ours)}`);
        }
      });

      for (const dir of [0, 1] as const) {
        const mine = events.filter((e) => e.type === 'tls.app_record' && e.dir === dir && e.contentType === 23).length;
        const want = o.appDataRecords[dir];
        t.app.tshark += want;
        if (want === 0) t.app.extra += mine;
        else if (mine === want) t.app.agree += want;
        else t.app.mismatches.push(`${where} dir ${dir}: application_data records tshark ${want} ours ${mine}`);
      }
    }
  });

  it('agrees with tshark', () => {
    const lines = Object.entries(t).map(
      ([k, v]) => `${k}: ${v.agree}/${v.tshark} agree (${v.extra} more seen only by us)${v.mismatches.length ? '\n    ' + v.mismatches.join('\n    ') : ''}`,
    );
    console.log(`TLS oracle over ${files.length} captures, ${streamsSeen} TCP streams, ${issuesSeen} issues reported\n  ${lines.join('\n  ')}`);
    expect(t.ch.tshark).toBeGreaterThan(100);
    expect(t.ch.mismatches).toEqual([]);
    expect(t.sslv2.mismatches).toEqual([]);
    expect(t.sh.mismatches).toEqual([]);
    expect(t.alert.mismatches).toEqual([]);
    expect(t.cert.mismatches).toEqual([]);
    expect(t.cn.mismatches).toEqual([]);
    // Record counts differ only where tshark does not dissect a segment that tshark's own
    // "Follow TCP stream" does deliver (a retransmission of a segment that was never captured,
    // an out-of-order segment), or where a gap makes us stop the direction as designed.
    expect(t.app.agree / t.app.tshark).toBeGreaterThan(0.999);
    expect(t.app.mismatches.length).toBeLessThanOrEqual(6);
    expect(t.encAlert.agree / t.encAlert.tshark).toBeGreaterThan(0.98);
  });
});
