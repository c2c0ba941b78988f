/**
 * Server refusal recognised from record sizes, without TLS keys (protocol-facts §4.13, §10 row
 * 26; sizes UNVERIFIED, §11 item 19): after the Client Info / licensing-size exchange (several
 * KB flowed, the session not active), the server's last records before it closes are one of
 * ~55–75 bytes (Set Error Info: 36 bytes plaintext + TLS overhead) and/or one of ~28–42 bytes
 * (DPU: 9 bytes + overhead), then FIN/RST within two seconds. Low confidence, inferred.
 */
import type { TlsAppRecordEvent } from '../../protocols/tls/events.js';
import type { FindingContext } from '../context.js';
import { CLOSES } from '../filters.js';
import { isRdpish } from '../context.js';
import { kind, type Rule } from '../rule.js';
import { makeFinding, type Finding } from '../types.js';
import { firstCloseFrame } from './rdp-finding-helpers.js';

export const SERVER_REFUSAL_SIGNATURE = kind({
  id: 'server.refusal-signature',
  title: 'The server probably sent Set Error Info + Disconnect (recognised from record sizes)',
  severity: 'warning',
  category: 'server',
  documented: false,
  cause: 'server-denied',
  rank: 80,
});

/** Record sizes on the wire (5-byte header included), §4.13. UNVERIFIED. */
const SEI_RANGE: [number, number] = [55, 75];
const DPU_RANGE: [number, number] = [28, 42];
/** Application bytes that must have flowed before (Client Info, licensing…). */
const MIN_EXCHANGED = 2000;

const inRange = (n: number, r: [number, number]): boolean => n >= r[0] && n <= r[1];

export const rule: Rule = {
  kinds: [SERVER_REFUSAL_SIGNATURE],
  run(ctx: FindingContext): Finding[] {
    const out: Finding[] = [];
    for (const v of ctx.conns) {
      const rec = v.rec;
      if (!isRdpish(v) || v.protocol !== 'rdp' || !rec) continue;
      const t = rec.tls;
      if (!t.handshakeComplete || t.decryption?.ok) continue;
      if (rec.machine.has('active')) continue;
      if (t.records.clientBytes + t.records.serverBytes < MIN_EXCHANGED || t.records.client < 3) continue;
      const close = firstCloseFrame(v);
      if (!close || close.fromClient) continue;
      const recs = rec.timeline.events.filter((e): e is TlsAppRecordEvent => e.type === 'tls.app_record' && e.frame <= close.frame);
      // The server's last records before the close, after the client's last record.
      const lastClientIdx = recs.map((r) => r.dir).lastIndexOf(0);
      const tail = recs.slice(lastClientIdx + 1).filter((r) => r.dir === 1);
      if (tail.length === 0 || tail.length > 3) continue;
      const sizes = tail.map((r) => r.length + 5);
      const sei = tail.find((r) => inRange(r.length + 5, SEI_RANGE));
      const dpu = tail.find((r) => r !== sei && inRange(r.length + 5, DPU_RANGE));
      if (!sei) continue;
      if (close.ts - tail[tail.length - 1]!.ts > 2) continue;
      out.push(
        makeFinding({
          kind: SERVER_REFUSAL_SIGNATURE,
          conn: v.conn,
          confidence: 'low',
          frames: [...tail.map((r) => r.frame), close.frame],
          at: close.ts,
          detail:
            `Without TLS keys: after ${t.records.client} client / ${t.records.server} server records (${t.records.clientBytes + t.records.serverBytes} bytes) and before the session became active, the server's last records were ${sizes.join(' and ')} bytes (frames ${tail.map((r) => r.frame).join(', ')}), then ${close.kind.toUpperCase()} (frame ${close.frame}). ` +
            `A ${sizes[tail.indexOf(sei)]}-byte record matches an encrypted Set Error Info${dpu ? ` and the ${dpu.length + 5}-byte one a Disconnect Provider Ultimatum` : ''} (size heuristic, UNVERIFIED): the server most likely refused the connection with a reason code we cannot read (possibly 0x7 SERVER_DENIED_CONNECTION). Capture with TLS keys (SSLKEYLOGFILE on the client) to read it.`,
          filter: { also: CLOSES, tls: true },
          evidence: [...tail.map((r) => ({ frame: r.frame, at: r.ts, what: `server record ${r.length + 5} bytes` })), { frame: close.frame, at: close.ts, what: `${close.kind.toUpperCase()} from the server` }],
          data: { recordSizes: sizes, seiSize: sei.length + 5, dpuSize: dpu ? dpu.length + 5 : null, heuristic: '§4.13', unverified: true },
        }),
      );
    }
    return out;
  },
};
