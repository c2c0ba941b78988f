/**
 * Findings: facts about a failure, each tied to evidence frames, marked documented (stated
 * by a specification or vendor documentation) or inferred (our reasoning), with a confidence.
 */
import type { Connection } from '../reassembly/connection.js';
import { composeFilter, type FilterSpec } from './filters.js';

/** The root causes a verdict can name (issue vocabulary). */
export const ROOT_CAUSES = [
  'healthy', 'tcp-connect-timeout', 'tcp-connect-refused', 'icmp-unreachable', 'middlebox-reset', 'server-reset',
  'rdp-negotiation-failure', 'tls-version-mismatch', 'tls-handshake-failure', 'mtu-blackhole', 'ip-fragment-loss',
  'packet-loss', 'path-lost', 'credssp-auth-failure', 'kerberos-clock-skew', 'kerberos-error', 'gateway-unreachable',
  'gateway-auth-failure', 'gateway-denied', 'gateway-target-unreachable', 'server-denied', 'no-rdp-traffic', 'unknown',
] as const;
export type RootCause = (typeof ROOT_CAUSES)[number];

export type Severity = 'info' | 'warning' | 'error';
export type Confidence = 'high' | 'medium' | 'low';
export type Category = 'transport' | 'network-path' | 'capture' | 'rdp' | 'tls' | 'authentication' | 'kerberos' | 'gateway' | 'server' | 'udp';

/** A catalog entry: what a finding id means, once, for every occurrence. */
export interface FindingKind {
  id: string;
  title: string;
  severity: Severity;
  category: Category;
  /** documented: the wire facts and their meaning are in a spec/vendor doc; inferred: our reasoning. */
  documented: boolean;
  /** The root cause this finding supports when it explains the failure (null: context only). */
  cause: RootCause | null;
  /** Causal rank: lower explains an earlier stop and wins ties (see verdict.ts). */
  rank: number;
  /** docs/findings/<id>.md */
  doc: string;
}

export interface EvidenceItem {
  frame: number;
  at: number;
  what: string;
}

/** One occurrence of a finding in a capture. */
export interface Finding {
  id: string;
  severity: Severity;
  confidence: Confidence;
  documented: boolean;
  /** Report connection id (null for capture-wide findings). */
  connection: number | null;
  frames: number[];
  at: number;
  title: string;
  detail: string;
  /** Wireshark display filter showing the evidence (valid with default settings; selects `frames`). */
  filter: string;
  /** A Decode As the evidence needs to be shown as TLS (tshark `-d` syntax), or null (filters.ts). */
  decodeAs: string | null;
  evidence: EvidenceItem[];
  /** Values next steps can use (MTU, MSS, NTSTATUS…). */
  data: Record<string, unknown>;
  cause: RootCause | null;
  rank: number;
}

export interface FindingInput {
  kind: FindingKind;
  conn: Connection | null;
  confidence: Confidence;
  frames: number[];
  at: number;
  detail: string;
  /** Composed by filters.ts from the connection and the cited frames (a string is taken as is). */
  filter: FilterSpec | string;
  evidence?: EvidenceItem[];
  data?: Record<string, unknown>;
  /** Overrides the kind's title with a more specific one. */
  title?: string;
  /** Overrides the kind's cause (e.g. a reset attributed to a middlebox). */
  cause?: RootCause | null;
}

export function makeFinding(f: FindingInput): Finding {
  const composed = typeof f.filter === 'string' ? { filter: f.filter, decodeAs: null } : composeFilter(f.conn, f.frames, f.filter);
  return {
    id: f.kind.id,
    severity: f.kind.severity,
    confidence: f.confidence,
    documented: f.kind.documented,
    connection: f.conn ? f.conn.id : null,
    frames: [...new Set(f.frames)].sort((a, b) => a - b),
    at: f.at,
    title: f.title ?? f.kind.title,
    detail: f.detail,
    filter: composed.filter,
    decodeAs: composed.decodeAs,
    evidence: f.evidence ?? [],
    data: f.data ?? {},
    cause: f.cause === undefined ? f.kind.cause : f.cause,
    rank: f.kind.rank,
  };
}
