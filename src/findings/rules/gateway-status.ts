/**
 * RD Gateway (MS-TSGU HTTP transport) status codes in the RDG packets (protocol-facts §8.2,
 * §8.3, §10 row 23), named with eproxyError(): HANDSHAKE_RESPONSE / TUNNEL_RESPONSE /
 * TUNNEL_AUTH_RESPONSE → gateway.tunnel-status; CHANNEL_RESPONSE / CLOSE_CHANNEL →
 * gateway.channel-status. RAP/CAP/cookie denials → gateway-denied; E_PROXY_TS_CONNECTFAILED
 * (0x800759DD / 0x59DD) → gateway-target-unreachable: the gateway could not reach the RDP host,
 * a leg a client-side capture cannot see. Documented codes (FreeRDP tsg.h, rdpgw, MS-TSGU).
 */
import { eproxyError, hresultFailed, normaliseEproxy } from '../../codes/eproxy.js';
import type { RootCause } from '../types.js';
import type { ConnView, FindingContext } from '../context.js';
import { kind, type Rule } from '../rule.js';
import { makeFinding, type Finding, type FindingKind } from '../types.js';
import { hex, tsOf } from './rdp-finding-helpers.js';

export const GATEWAY_TUNNEL_STATUS = kind({
  id: 'gateway.tunnel-status',
  title: 'RD Gateway refused the tunnel',
  severity: 'error',
  category: 'gateway',
  documented: true,
  cause: 'gateway-denied',
  rank: 40,
});

export const GATEWAY_CHANNEL_STATUS = kind({
  id: 'gateway.channel-status',
  title: 'RD Gateway could not open the channel to the RDP host',
  severity: 'error',
  category: 'gateway',
  documented: true,
  cause: 'gateway-target-unreachable',
  rank: 40,
});

const E_PROXY_TS_CONNECTFAILED = 0x59dd;
const E_PROXY_SESSIONTIMEOUT = 0x59f6;
const E_PROXY_QUARANTINE_ACCESSDENIED = 0x800759ed;
const ERROR_GRACEFUL_DISCONNECT = 0x4ca;

function failed(code: number): boolean {
  const n = normaliseEproxy(code);
  if (code === 0 || n === ERROR_GRACEFUL_DISCONNECT) return false;
  return hresultFailed(code) || (n >= 0x59d8 && n <= 0x5a00) || code === 5;
}

function causeOf(code: number): { cause: RootCause | null; why: string } {
  const n = normaliseEproxy(code);
  if (n === E_PROXY_TS_CONNECTFAILED)
    return { cause: 'gateway-target-unreachable', why: 'the gateway could not connect to the RDP host (host down, wrong name/DNS on the gateway, firewall between gateway and host, or RDP not listening). A capture taken at the client cannot see that gateway→host leg: capture on the gateway, or test from it' };
  if (n === E_PROXY_SESSIONTIMEOUT) return { cause: null, why: 'the gateway session time limit was reached (policy timeout, not a connection failure)' };
  const i = eproxyError(code);
  return { cause: 'gateway-denied', why: i.meaning };
}

interface StatusItem {
  kindOf: FindingKind;
  packet: string;
  code: number;
  frame: number;
}

function items(v: ConnView): StatusItem[] {
  const r = v.rec?.rdg;
  if (!r) return [];
  const out: StatusItem[] = [];
  if (r.handshake) out.push({ kindOf: GATEWAY_TUNNEL_STATUS, packet: 'HANDSHAKE_RESPONSE', code: r.handshake.errorCode, frame: r.handshake.frame });
  if (r.tunnel) out.push({ kindOf: GATEWAY_TUNNEL_STATUS, packet: 'TUNNEL_RESPONSE', code: r.tunnel.statusCode, frame: r.tunnel.frame });
  if (r.tunnelAuth && (r.tunnelAuth.errorCode >>> 0) !== E_PROXY_QUARANTINE_ACCESSDENIED)
    out.push({ kindOf: GATEWAY_TUNNEL_STATUS, packet: 'TUNNEL_AUTH_RESPONSE', code: r.tunnelAuth.errorCode, frame: r.tunnelAuth.frame });
  if (r.channel) out.push({ kindOf: GATEWAY_CHANNEL_STATUS, packet: 'CHANNEL_RESPONSE', code: r.channel.statusCode, frame: r.channel.frame });
  if (r.closeChannel) out.push({ kindOf: GATEWAY_CHANNEL_STATUS, packet: 'CLOSE_CHANNEL', code: r.closeChannel.statusCode, frame: r.closeChannel.frame });
  return out;
}

export const rule: Rule = {
  kinds: [GATEWAY_TUNNEL_STATUS, GATEWAY_CHANNEL_STATUS],
  run(ctx: FindingContext): Finding[] {
    const out: Finding[] = [];
    for (const v of ctx.conns) {
      for (const it of items(v)) {
        if (!failed(it.code)) continue;
        const info = eproxyError(it.code);
        const { cause, why } = causeOf(it.code);
        const at = tsOf(v, it.frame);
        const targets = v.rec?.rdg.targetServers ?? [];
        out.push(
          makeFinding({
            kind: it.kindOf,
            conn: v.conn,
            confidence: 'high',
            cause,
            frames: [it.frame],
            at,
            title: `RD Gateway ${it.packet}: ${info.name} (${hex(it.code)})`,
            detail:
              `The gateway's ${it.packet} (frame ${it.frame}) carries ${hex(it.code)} ${info.name}: ${why}.` +
              (it.kindOf === GATEWAY_CHANNEL_STATUS && targets.length ? ` Requested target: ${targets.join(', ')}.` : '') +
              (info.verified ? '' : ' (code marked UNVERIFIED in our tables)') +
              ' FreeRDP reports the HRESULT as its last error; mstsc shows a gateway dialog (its code names are UNVERIFIED).',
            filter: { tls: true },
            evidence: [{ frame: it.frame, at, what: `${it.packet} ${hex(it.code)} ${info.name}` }],
            data: { packet: it.packet, code: it.code >>> 0, normalised: normaliseEproxy(it.code), name: info.name, targets },
          }),
        );
      }
    }
    return out;
  },
};
