/**
 * Adds the session layer's per-connection results to the report: protocol, handshake
 * phases, who closed and how, and the RDP/TLS/CredSSP/NTLM/Kerberos/RD Gateway facts, with
 * code names from src/codes and a bounded event timeline.
 */
import { isoTime } from '../core/time.js';
import { eproxyError } from '../codes/eproxy.js';
import { formatHex } from '../codes/table.js';
import { errinfo } from '../codes/errinfo.js';
import { kerberosError } from '../codes/kerberos-errors.js';
import { ntstatus } from '../codes/ntstatus.js';
import { rdpNegFailure } from '../codes/rdp-neg-failure.js';
import { rdpProtocolNames, rdpProtocol } from '../codes/rdp-protocols.js';
import { tlsAlert } from '../codes/tls-alerts.js';
import { tlsCipherSuiteName } from '../codes/tls-cipher-suites.js';
import { tlsVersionName } from '../codes/tls-versions.js';
import { dpuReason } from '../codes/dpu-reason.js';
import type { Connection } from '../reassembly/connection.js';
import { closeInfo } from '../session/close.js';
import { sessionEnd } from '../session/session-end.js';
import { vantageOf } from '../session/vantage.js';
import type { ConnectionRecord } from '../session/connection-record.js';
import type { SessionEvent } from '../session/events.js';
import type { ConnectionReport } from './model.js';
import { Redactor, redactField, redactValue, SENSITIVE_KEYS } from './redact.js';
import { BULK_EVENT_TYPES } from '../session/events.js';

const hex = (n: number, w = 8) => formatHex(n >>> 0, w);

/** Bulk events (encrypted records, fast-path PDUs…) listed per connection; the rest are counted. */
export const REPORT_BULK_EVENTS = 24;

/**
 * `redact`: the report's Redactor (it remembers the names met, to scrub them from free text
 * everywhere in the report), `true` for one of this connection alone, `false` for none.
 */
export function sessionFields(rec: ConnectionRecord, conn: Connection, captureEnd: number, redact: boolean | Redactor = false): Record<string, unknown> {
  const r = redact === true ? new Redactor() : redact === false ? null : redact;
  if (r) collectSensitive(rec, r);
  const vantage = vantageOf(conn);
  const close = closeInfo(conn, rec, captureEnd, vantage);
  const end = sessionEnd(conn, rec, close);
  const out: Record<string, unknown> = {
    vantage: { point: vantage.point, text: vantage.text, basis: vantage.basis, copiesOnSecondLeg: vantage.copies },
    protocol: rec.protocol,
    phase: rec.machine.current,
    phases: rec.machine.phases.map((p) => ({ name: p.name, frame: p.frame, at: isoTime(p.ts), offsetSec: Math.round((p.ts - conn.start) * 1e6) / 1e6, inferred: p.inferred })),
    closedBy: close.closedBy,
    closeKind: close.closeKind,
    closeFrame: close.frame,
  };
  if (close.rst) out['reset'] = close.rst;
  if (end) out['sessionEnd'] = { kind: end.kind, frame: end.frame, evidence: end.evidence, startedBeforeCapture: end.startedBeforeCapture };
  if (rec.protocol === 'rdp' || rec.rdp.negotiation !== null || rec.rdp.requestedProtocols !== null) out['rdp'] = rdpReport(rec);
  if (rec.tls.clientHelloFrame !== null) out['tls'] = tlsReport(rec);
  if (rec.credssp.requests > 0) out['credssp'] = credsspReport(rec);
  if (rec.ntlm.messages.length > 0) out['ntlm'] = { ...rec.ntlm };
  if (rec.kerberos.messages.length > 0 || rec.kerberos.errors.length > 0) out['kerberos'] = kerberosReport(rec);
  if (rec.protocol === 'rdp-gateway' || rec.rdg.http.length > 0) out['rdg'] = rdgReport(rec);
  if (rec.inner) {
    out['inner'] = {
      protocol: rec.inner.protocol,
      phase: rec.inner.machine.current,
      phases: rec.inner.machine.phases.map((p) => ({ name: p.name, frame: p.frame, at: isoTime(p.ts), offsetSec: Math.round((p.ts - conn.start) * 1e6) / 1e6, inferred: p.inferred })),
      rdp: rdpReport(rec.inner),
      ...(rec.inner.tls.clientHelloFrame !== null ? { tls: tlsReport(rec.inner) } : {}),
      ...(rec.inner.credssp.requests > 0 ? { credssp: credsspReport(rec.inner) } : {}),
      ...(rec.inner.ntlm.messages.length > 0 ? { ntlm: { ...rec.inner.ntlm } } : {}),
    };
  }
  out['decrypted'] = rec.decryptedEvents > 0 || (rec.inner?.decryptedEvents ?? 0) > 0;
  let bulk = 0;
  out['events'] = rec.timeline.events
    .filter((e) => !BULK_EVENT_TYPES.has(e.type) || bulk++ < REPORT_BULK_EVENTS)
    .map((e) => eventReport(e, r));
  if (r) {
    // Only these parts can hold names in fields; the rest of the connection (TLS included:
    // versions, suites, SNI and certificate names are not user data) is addresses and numbers.
    for (const k of ['rdp', 'ntlm', 'kerberos', 'rdg', 'inner']) if (out[k] !== undefined) out[k] = r.fields(out[k]);
  }
  if (rec.violations > 0) out['violations'] = rec.violations;
  const unlisted = rec.timeline.dropped + Math.max(0, bulk - REPORT_BULK_EVENTS);
  if (unlisted > 0) out['eventsNotListed'] = unlisted;
  out['eventCounts'] = Object.fromEntries(rec.timeline.bulkCounts);
  // Free text of the connection (vantage, session end, event text) may quote a name read in a field.
  return r ? r.scrub(out) : out;
}

/**
 * Remembers in `r` every name this connection's record holds (facts and listed events), whether
 * or not the connection is listed in the report: a finding may quote it.
 */
export function collectSensitive(rec: ConnectionRecord, r: Redactor): void {
  for (const x of [rec, rec.inner]) {
    if (!x) continue;
    r.collect(x.rdp);
    if (x.ntlm.messages.length > 0) r.collect(x.ntlm);
    if (x.kerberos.messages.length > 0 || x.kerberos.errors.length > 0) r.collect(x.kerberos);
    if (x.protocol === 'rdp-gateway' || x.rdg.http.length > 0) r.collect(x.rdg);
    for (const e of x.timeline.events) {
      if (BULK_EVENT_TYPES.has(e.type)) continue;
      // Client certificate names are redacted as fields only (eventReport), not looked for in text.
      r.collect(e);
    }
  }
}

function rdpReport(rec: ConnectionRecord) {
  const r = rec.rdp;
  return {
    cookie: r.cookie,
    routingToken: r.routingToken,
    requestedProtocols: r.requestedProtocols === null ? [] : rdpProtocolNames(r.requestedProtocols),
    requestedProtocolsValue: r.requestedProtocols,
    negotiation: r.negotiation,
    selectedProtocol: r.selectedProtocol === null ? null : rdpProtocol(r.selectedProtocol).name,
    selectedProtocolValue: r.selectedProtocol,
    negFailure: r.negFailure === null ? null : { code: r.negFailure, name: rdpNegFailure(r.negFailure).name, frame: r.negFrame },
    clientBuild: r.clientBuild,
    clientName: r.clientName,
    clientVersion: r.clientVersion === null ? null : hex(r.clientVersion),
    desktop: r.desktop,
    keyboardLayout: r.keyboardLayout === null ? null : hex(r.keyboardLayout),
    supportsErrorInfoPdu: r.earlyCapabilityFlags === null ? null : (r.earlyCapabilityFlags & 1) !== 0,
    channels: r.channels,
    serverVersion: r.serverVersion === null ? null : hex(r.serverVersion),
    encryptionMethod: r.encryptionMethod,
    encryptionLevel: r.encryptionLevel,
    serverCertType: r.serverCertType,
    errorInfo: r.errorInfo.map((e) => ({ code: e.value, hex: hex(e.value), name: errinfo(e.value).name, frame: e.frame, decrypted: e.decrypted })),
    dpu: r.dpu ? { reason: r.dpu.reason, name: dpuReason(r.dpu.reason).name, frame: r.dpu.frame, from: r.dpu.dir === 1 ? 'server' : 'client' } : null,
    earlyUserAuth: r.earlyUserAuth ? { result: r.earlyUserAuth.result, name: r.earlyUserAuth.result === 0 ? 'AUTHZ_SUCCESS' : r.earlyUserAuth.result === 5 ? 'AUTHZ_ACCESS_DENIED' : `AUTHZ_${r.earlyUserAuth.result}`, frame: r.earlyUserAuth.frame } : null,
    licenseErrors: r.licenseErrors,
    logonErrors: r.logonErrors,
    userName: r.userName,
    domain: r.domain,
  };
}

function tlsReport(rec: ConnectionRecord) {
  const t = rec.tls;
  return {
    clientHelloFrame: t.clientHelloFrame,
    clientVersions: t.clientVersions.map(tlsVersionName),
    offeredSuites: t.offeredSuites.length,
    offeredSuiteNames: t.offeredSuites.slice(0, 64).map(tlsCipherSuiteName),
    sni: t.sni,
    alpn: t.alpn,
    serverHelloFrame: t.serverHelloFrame,
    serverVersion: t.serverVersion === null ? null : tlsVersionName(t.serverVersion),
    suite: t.suite === null ? null : tlsCipherSuiteName(t.suite),
    helloRetryRequest: t.helloRetryRequest,
    certificate: t.certificate,
    certificateRequested: t.certificateRequested,
    alerts: t.alerts.map((a) => ({ from: a.from, level: a.level === 2 ? 'fatal' : a.level === 1 ? 'warning' : String(a.level), description: a.description, name: tlsAlert(a.description).name, frame: a.frame, decrypted: a.decrypted })),
    encryptedAlerts: t.encryptedAlerts,
    handshakeComplete: t.handshakeComplete ? { frame: t.handshakeComplete.frame, inferred: t.handshakeComplete.inferred } : null,
    records: t.records,
    decryption: t.decryption,
  };
}

function credsspReport(rec: ConnectionRecord) {
  const c = rec.credssp;
  return {
    version: c.version,
    requests: c.requests,
    errorCode: c.errorCode === null ? null : hex(c.errorCode),
    ntstatus: c.errorCode === null ? null : ntstatus(c.errorCode).name,
    errorFrame: c.errorFrame,
    errorFrom: c.errorFrom,
    tokenKinds: c.tokenKinds,
    clientNonce: c.clientNonce,
  };
}

function kerberosReport(rec: ConnectionRecord) {
  const k = rec.kerberos;
  return {
    messages: k.messages,
    errors: k.errors.map((e) => ({ ...e, name: kerberosError(e.code).name, stime: isoTime(e.stime) })),
  };
}

function rdgReport(rec: ConnectionRecord) {
  const g = rec.rdg;
  const named = (x: { statusCode: number; frame: number } | null) => (x ? { ...x, hex: hex(x.statusCode), name: x.statusCode === 0 ? 'S_OK' : eproxyError(x.statusCode).name } : null);
  return {
    transport: g.transport,
    http: g.http,
    handshake: g.handshake ? { ...g.handshake, name: g.handshake.errorCode === 0 ? 'S_OK' : eproxyError(g.handshake.errorCode).name } : null,
    tunnel: named(g.tunnel),
    tunnelAuth: g.tunnelAuth ? { ...g.tunnelAuth, name: g.tunnelAuth.errorCode === 0 ? 'S_OK' : eproxyError(g.tunnelAuth.errorCode).name } : null,
    channel: named(g.channel),
    targetServers: g.targetServers,
    closeChannel: named(g.closeChannel),
    websocketClose: g.websocketClose,
    dataBytes: g.dataBytes,
  };
}

const SKIP_KEYS = new Set(['type', 'frame', 'ts', 'dir', 'firstFrame', 'decrypted']);

function eventReport(e: SessionEvent, r: Redactor | null): { type: string; frame: number; at: string; dir?: string; decrypted?: boolean; detail: Record<string, unknown> } {
  const detail: Record<string, unknown> = {};
  const o = e as unknown as Record<string, unknown>;
  for (const k in o) {
    if (SKIP_KEYS.has(k)) continue;
    const v = o[k];
    if (v === undefined || v instanceof Uint8Array) continue;
    if (!r || (typeof v !== 'object' && !SENSITIVE_KEYS.has(k))) detail[k] = v;
    else detail[k] = redactField(k, v, r);
  }
  if (r && e.type === 'tls.certificate' && (e as { dir?: number }).dir === 0) {
    // A client certificate names its holder: subject, CN and SAN are redacted like user names.
    detail['certificates'] = e.certificates.map((c) => ({
      ...c,
      subject: redactValue(c.subject),
      ...(c.subjectCN !== undefined ? { subjectCN: redactValue(c.subjectCN) } : {}),
      ...(c.san !== undefined ? { san: c.san.map(redactValue) } : {}),
    }));
  }
  // Key order as documented: type, frame, at, dir, decrypted, detail (one object, built in that order).
  const out = { type: e.type, frame: e.frame, at: isoTime(e.ts) } as { type: string; frame: number; at: string; dir?: string; decrypted?: boolean; detail: Record<string, unknown> };
  const d = (e as { dir?: number }).dir;
  if (d === 0) out.dir = 'c→s';
  else if (d === 1) out.dir = 's→c';
  if ((e as { decrypted?: boolean }).decrypted) out.decrypted = true;
  out.detail = detail;
  return out;
}

export type { ConnectionReport };
