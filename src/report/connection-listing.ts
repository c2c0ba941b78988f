/**
 * Which connections the default report lists in full, and the aggregates of the others
 * (`docs/report-schema.md`, schema 2). Listed in full: RDP, RD Gateway, RDP-UDP and Kerberos
 * connections (and any other connection that carried Kerberos messages), TLS to the server the
 * user named (`--server`, by address or SNI), connections an ICMP error refers to, and those a
 * finding or the verdict cites. Every other connection is counted into `ConnectionAggregator`
 * as it finishes and let go.
 */
import type { Connection } from '../reassembly/connection.js';
import { zeekConnState, zeekUdpState } from '../reassembly/tcp-tracker.js';
import type { ConnectionRecord } from '../session/connection-record.js';
import { ConnectionAggregator } from './aggregates.js';
import type { ConnectionReport, Report } from './model.js';

const ALWAYS = new Set(['rdp', 'rdp-gateway', 'rdp-udp', 'kerberos']);

export interface ListingOptions {
  /** `--server` as given (an address, or a host name compared with the TLS server name). */
  server: string | null;
  /** The server as an address (`hintAddress`), null when it is a name or absent. */
  serverAddress: string | null;
}

export class ConnectionListing {
  readonly aggregator = new ConnectionAggregator();
  private readonly cited = new Set<number>();
  private readonly serverName: string | null;
  constructor(
    private readonly opts: ListingOptions,
    /** Receives the connections listed in full. */
    private readonly full: (c: ConnectionReport) => void,
    /** Receives every connection, listed or not (a streamed table of all of them). */
    private readonly every?: (c: ConnectionReport) => void,
  ) {
    this.serverName = opts.server && opts.serverAddress === null ? opts.server.trim().toLowerCase() : null;
  }

  /** After the diagnosis: the connections its findings, verdict and attempts refer to are listed. */
  cite(report: Report): void {
    const findings = report['findings'] as { connection: number | null }[] | undefined;
    for (const f of findings ?? []) if (f.connection !== null) this.cited.add(f.connection);
    const v = report['verdict'] as { connection?: number | null; attempts?: { connections: number[] }[] } | undefined;
    if (v) {
      if (typeof v.connection === 'number') this.cited.add(v.connection);
      for (const a of v.attempts ?? []) for (const id of a.connections) this.cited.add(id);
    }
  }

  /**
   * Whether a connection is listed in full, decided from the connection and its session record
   * before any summary is built (the fields `sessionFields` would report: protocol, kerberos, rdg,
   * inner, tls.sni). ICMP-related: an ICMP error the report keeps refers to it.
   */
  listed(c: Connection, rec: ConnectionRecord | undefined): boolean {
    if (c.icmpErrors > 0 || this.cited.has(c.id)) return true;
    if (rec === undefined) return false;
    if (ALWAYS.has(rec.protocol)) return true;
    if (rec.kerberos.messages.length > 0 || rec.kerberos.errors.length > 0 || rec.rdg.http.length > 0 || rec.inner) return true;
    if (rec.protocol === 'tls') {
      if (this.opts.serverAddress !== null && c.server.ip === this.opts.serverAddress) return true;
      const sni = rec.tls.clientHelloFrame !== null ? rec.tls.sni : null;
      if (this.serverName !== null && typeof sni === 'string' && sni.toLowerCase() === this.serverName) return true;
    }
    return false;
  }

  /**
   * A connection leaving memory: listed ones are summarised (`summarise`) and handed on, the
   * others counted without building their summary (unless every connection is wanted too).
   */
  add(c: Connection, rec: ConnectionRecord | undefined, summarise: () => ConnectionReport): void {
    if (this.listed(c, rec)) {
      const r = summarise();
      this.every?.(r);
      this.full(r);
      return;
    }
    if (this.every) {
      const r = summarise();
      this.every(r);
      this.aggregator.add(r);
      return;
    }
    const a = c.client;
    const b = c.server;
    this.aggregator.count(c.transport, a.ip, b.ip, b.port, c.transport === 'tcp' ? zeekConnState(c) : zeekUdpState(c),
      a.packets, b.packets, a.bytes, b.bytes, c.firstFrame, c.lastFrame);
  }

  finish(report: Report): void {
    report.aggregates = this.aggregator.report();
  }
}
