/**
 * Helpers shared by the TLS rules: offered versions in words, the highest offered version,
 * and what happened between the ClientHello and the close (protocol-facts §5.4–§5.7).
 */
import { tlsVersionName } from '../../codes/tls-versions.js';
import type { Confidence } from '../types.js';
import type { ConnView, FindingContext } from '../context.js';
import { isRdpish } from '../context.js';
import { gatewayLikelihood } from './gateway-finding-helpers.js';

export const TLS12 = 0x0303;
export const TLS11 = 0x0302;

/** Offered versions (GREASE removed by the session layer), highest first. */
export function offeredVersions(v: ConnView): number[] {
  const t = v.rec?.tls;
  if (!t) return [];
  if (t.sslv2) return [0x0002];
  return [...t.clientVersions].sort((a, b) => b - a);
}

export function versionsText(vs: number[]): string {
  return vs.length ? vs.map((x) => tlsVersionName(x)).join(', ') : 'unknown';
}

/** Server data after a frame: any server→client payload-bearing event (TLS records, handshake). */
export function serverSpokeAfter(v: ConnView, frame: number): boolean {
  const evs = v.rec?.timeline.events ?? [];
  return evs.some((e) => e.frame > frame && (e as { dir?: number }).dir === 1 && (e.type.startsWith('tls.') || e.type.startsWith('rdp.') || e.type.startsWith('rdg.')));
}

/** What a modern Windows server accepts (protocol-facts §5.7). */
export const WINDOWS_TLS_NOTE =
  'Windows Schannel implements TLS 1.0–1.3 (1.3 only on Server 2022 / Windows 11 and later); TLS 1.0/1.1 are disabled by default from the Windows 11 builds of September 2023 on (documented); whether the RDP service itself negotiates TLS 1.3 on Server 2022+ is UNVERIFIED.';

/**
 * TLS failures on connections that are neither RDP nor an identified RD Gateway (e.g. HTTPS in a
 * capture without RDP) are real TLS facts but not an RDP diagnosis: at most medium confidence.
 */
export function capForNonRdp(ctx: FindingContext, v: ConnView, c: Confidence): Confidence {
  if (isRdpish(v)) return c;
  const g = gatewayLikelihood(ctx, v);
  if (g === 'certain' || g === 'hinted') return c;
  return c === 'high' ? 'medium' : c;
}
