/**
 * Wires the stages together: capture sources → traffic engine → session layer → report.
 * The only async work is reading sources; everything per frame is a synchronous push.
 */
import { issue, type DecodeIssue } from './core/issues.js';
import type { EmbeddedSecrets, Frame, InterfaceInfo } from './capture/frame.js';
import { DelayLine } from './capture/delay-line.js';
import { FileSource } from './capture/file-source.js';
import type { CaptureSource, FrameSink, SourceSummary } from './capture/source.js';
import type { Connection } from './reassembly/connection.js';
import { TrafficEngine, type EngineHooks } from './reassembly/engine.js';
import { buildCapture, buildConnection, buildFragments, buildIcmp } from './report/build-capture.js';
import { collectSensitive, sessionFields } from './report/build-session.js';
import { REPORT_SCHEMA, type ConnectionReport, type Report } from './report/model.js';
import { Redactor } from './report/redact.js';
import { isSensitiveData } from './evtx/meanings.js';
import { ConnectionListing } from './report/connection-listing.js';
import { Session } from './session/session.js';
import { KeyLogFollower } from './session/secrets.js';
import { diagnose } from './findings/diagnose.js';
import { readEventLogs } from './evtx/for-analysis.js';
import { hintAddress } from './findings/context.js';
import { isoTime } from './core/time.js';

export const VERSION = '0.1.0';

export interface AnalyzeOptions {
  /** NSS key log files for TLS decryption. */
  keylogs?: string[];
  /**
   * Live capture: key logs a running client is still writing. They are read again while frames
   * flow, and frames are held `holdSeconds` of capture time (DelayLine) so that a session's
   * secrets are in before its handshake is analysed.
   */
  followKeylogs?: { paths: string[]; holdSeconds: number };
  /** Decrypt TLS when secrets are available (default true). */
  decrypt?: boolean;
  /** Redact user names, cookies, principals (default true). */
  redact?: boolean;
  /** Run the session layer (protocol decoders, state machines); default true. */
  sessions?: boolean;
  /** Extra engine hooks (tests); called after the session layer's. */
  hooks?: EngineHooks;
  /** Called for each frame before the engine sees it (tests, progress). */
  onFrame?: (f: Frame) => void;
  /** The time the user saw the error (epoch seconds), from --failed-at. */
  failedAt?: number | null;
  /** Windows event logs (.evtx or XML) whose RDP records become evidence (src/evtx, docs/event-logs.md). */
  events?: string[];
  /** The server (or gateway) the user connected to, from --server. */
  server?: string | null;
  /** The user's machine, from --client. */
  client?: string | null;
  /** Run the findings and verdict (default true). */
  diagnose?: boolean;
  /**
   * Receives the summary of each finished connection that is dropped from memory during the
   * run (see TrafficEngine eviction). When absent, those summaries are kept in the report.
   */
  onConnection?: (c: ConnectionReport) => void;
  /**
   * With `onConnection`: the connections still held at the end are also handed to it (after
   * the diagnosis, one at a time, each released once summarised) instead of being collected
   * in `report.connections`, so the report never holds every connection at once.
   */
  streamAll?: boolean;
  /**
   * 'all' (the default here) lists every connection in `report.connections`; 'diagnostic' (the
   * CLI's default) lists RDP-related, ICMP-related and cited connections in full and counts the
   * others into `report.aggregates` as they finish (`report/connection-listing.ts`).
   */
  list?: 'all' | 'diagnostic';
  /** With `list: 'diagnostic'`: receives every connection's summary, listed or aggregated (text `--all`). */
  onEveryConnection?: (c: ConnectionReport) => void;
  /** Check for finished connections every N frames (default 8192; 0 keeps everything). */
  evictEvery?: number;
  /** Finished connections kept for the diagnosis at most (default MAX_RETAINED, 500). */
  maxRetained?: number;
  /** Open connections tracked at most before the longest-idle are finished early (default MAX_OPEN, 6 000). */
  maxOpen?: number;
  /** Later stages extend the report here, before redaction (with `streamAll`, the flow table is empty by then: every connection was handed out). */
  extend?: ((report: Report, ctx: AnalysisContext) => void)[];
}

export interface AnalysisContext {
  engine: TrafficEngine;
  session: Session | null;
}

/** `h[k]` bound to `h` (a hook written as a method may use `this`). */
function bound<K extends keyof EngineHooks>(h: EngineHooks, k: K): EngineHooks[K] {
  const f = h[k] as ((...args: never[]) => unknown) | undefined;
  return (f === undefined ? undefined : f.bind(h)) as EngineHooks[K];
}

function combineHooks(a: EngineHooks | undefined, b: EngineHooks | undefined): EngineHooks {
  if (!a) return b ?? {};
  if (!b) return a;
  // A hook only one side has is passed on as it is: no wrapper call per packet.
  const out: EngineHooks = {};
  const join = <K extends keyof EngineHooks>(k: K, both: (x: NonNullable<EngineHooks[K]>, y: NonNullable<EngineHooks[K]>) => EngineHooks[K]): void => {
    const x = bound(a, k);
    const y = bound(b, k);
    const v = x === undefined ? y : y === undefined ? x : both(x as NonNullable<EngineHooks[K]>, y as NonNullable<EngineHooks[K]>);
    if (v !== undefined) out[k] = v;
  };
  join('followTcp', (x, y) => (c, p, d) => x(c, p, d) ?? y(c, p, d));
  join('followUdp', (x, y) => (c, p, d) => x(c, p, d) ?? y(c, p, d));
  join('tcpSegment', (x, y) => (c, p, d, z, f, t) => {
    x(c, p, d, z, f, t);
    y(c, p, d, z, f, t);
  });
  join('icmpError', (x, y) => (e) => {
    x(e);
    y(e);
  });
  join('releasable', (x, y) => (c) => x(c) && y(c));
  join('expendable', (x, y) => (c) => x(c) && y(c));
  join('evicted', (x, y) => (c) => {
    x(c);
    y(c);
  });
  join('retained', (x, y) => (c) => {
    x(c);
    y(c);
  });
  return out;
}

/** Whether a connection is one the user pointed at (client and/or server address; Kerberos of that client), or null without a hint. */
function focusFilter(client: string | null, server: string | null): ((c: Connection) => boolean) | null {
  const ca = hintAddress(client);
  const sa = hintAddress(server);
  if (ca === null && sa === null) return null;
  // Kerberos to a KDC belongs to the attempts of its client whatever the server hint names.
  return (c) => (ca === null || c.client.ip === ca) && (sa === null || c.server.ip === sa || c.server.port === 88);
}

export async function analyzeSources(sources: CaptureSource[], options: AnalyzeOptions = {}): Promise<Report> {
  const session = options.sessions === false ? null : new Session({ decrypt: options.decrypt !== false });
  for (const k of options.keylogs ?? []) session?.secrets.addKeyLogFile(k);
  const followers = session ? (options.followKeylogs?.paths ?? []).map((p) => new KeyLogFollower(session.secrets, p)) : [];
  const pollKeylogs = (): void => {
    for (const k of followers) k.poll();
  };
  const evictedReports: ConnectionReport[] = [];
  const fileLabels: string[] = [];
  let lastTsSeen = 0;
  // One Redactor for the report: names met in any connection's fields are also hidden in free text.
  const redactor = options.redact !== false ? new Redactor() : null;
  const redact: Redactor | false = redactor ?? false;
  const focus = focusFilter(options.client ?? null, options.server ?? null);
  const keep = (r: ConnectionReport): void => {
    if (options.onConnection) options.onConnection(r);
    else evictedReports.push(r);
  };
  const listing = options.list === 'diagnostic'
    ? new ConnectionListing({ server: options.server ?? null, serverAddress: hintAddress(options.server ?? null) }, keep, options.onEveryConnection)
    : null;
  const lifecycle: EngineHooks = {
    // Connections of the user's focus (--client, --server as an address) are kept for the diagnosis.
    releasable: (c) => (session ? session.releasable(c) : true) && (focus === null || !focus(c)),
    retained: (c) => session?.retain(c),
    // Over the retention limit, connections outside the user's focus (--client, --server as an
    // address) go before the ones the verdict is asked about.
    expendable: (c) => (session ? session.expendable(c) : true) || (focus !== null && !focus(c)),
    evicted: (c) => {
      const rec = session?.record(c);
      const summary = (): ConnectionReport => {
        const r = buildConnection(c, fileLabels[c.fileIndex] ?? '');
        if (rec) Object.assign(r, sessionFields(rec, c, lastTsSeen, redact));
        else r['protocol'] = 'other';
        return r;
      };
      // Names of a connection that is only counted (not listed) may still be quoted by a finding.
      if (rec && redactor) collectSensitive(rec, redactor);
      if (listing) listing.add(c, rec, summary);
      else keep(summary());
      session?.release(c);
    },
  };
  const engine = new TrafficEngine(combineHooks(combineHooks(session?.hooks, options.hooks), lifecycle));
  engine.evictEvery = options.evictEvery ?? 8192;
  if (options.maxRetained !== undefined) engine.maxRetained = options.maxRetained;
  if (options.maxOpen !== undefined) engine.maxOpen = options.maxOpen;
  const interfaces: { file: string; info: InterfaceInfo }[] = [];
  /** The same entries by file and interface id: an IDB or ISB updates its entry without a search. */
  const interfaceById = new Map<string, { file: string; info: InterfaceInfo }>();
  const summaries: SourceSummary[] = [];
  for (const src of sources) {
    fileLabels[src.fileIndex] = src.label;
    const label = src.label;
    const onFrame = options.onFrame;
    const sink: FrameSink = {
      frame: onFrame
        ? (f) => {
            onFrame(f);
            if (f.ts > lastTsSeen) lastTsSeen = f.ts;
            engine.frame(f);
          }
        : (f) => {
            if (f.ts > lastTsSeen) lastTsSeen = f.ts;
            engine.frame(f);
          },
      issue: (i: DecodeIssue) => engine.report(i),
      interface: (info: InterfaceInfo) => {
        const key = `${src.fileIndex}:${info.id}`;
        const existing = interfaceById.get(key);
        if (existing) existing.info = { ...info };
        else {
          const entry = { file: label, info: { ...info } };
          interfaces.push(entry);
          interfaceById.set(key, entry);
        }
      },
      secrets: (s: EmbeddedSecrets) => session?.addEmbeddedSecrets(s),
    };
    if (followers.length > 0) {
      const hold = options.followKeylogs!.holdSeconds;
      pollKeylogs();
      const delay = new DelayLine(sink, hold, pollKeylogs);
      summaries.push(await src.run(delay));
      delay.flush();
      if (delay.early > 0) {
        engine.report(issue('capture', 0, lastTsSeen, 0, `${delay.early} frames were analysed before their ${hold}-second hold for the key log was over (the delay line was full): TLS sessions among them may lack their secrets`, 'warning'));
      }
    } else summaries.push(await src.run(sink));
  }
  engine.finish();
  engine.settle();
  const captureEnd = Number.isFinite(engine.stats.lastTs) ? engine.stats.lastTs : 0;
  const summarise = (c: Connection): ConnectionReport => {
    const r = buildConnection(c, fileLabels[c.fileIndex] ?? '');
    const rec = session?.record(c);
    if (rec) Object.assign(r, sessionFields(rec, c, captureEnd, redact));
    else r['protocol'] = 'other';
    return r;
  };
  const report: Report = {
    schema: REPORT_SCHEMA,
    tool: { name: 'rdpdiag', version: VERSION },
    capture: buildCapture(engine, summaries, interfaces),
    connections: [],
    fragments: buildFragments(engine),
    icmp: buildIcmp(engine),
  };
  if (session) {
    report['secrets'] = {
      keyLogs: session.secrets.sources.map((s) => ({
        origin: s.origin, secretLines: s.added, badLines: s.badLines,
        ...(s.firstBadLine != null ? { firstBadLine: s.firstBadLine } : {}),
        ...(s.ignoredLines ? { ignoredLines: s.ignoredLines } : {}),
        ...(s.overlongLines ? { overlongLines: s.overlongLines, firstOverlongLine: s.firstOverlongLine } : {}),
        ...(s.stoppedAtLimit ? { stoppedAtLimit: true } : {}),
      })),
    };
  }
  if (options.diagnose !== false) {
    const logs = options.events?.length ? readEventLogs(options.events) : null;
    if (logs) report['eventLogs'] = logs.summary;
    if (logs && redactor) {
      for (const e of logs.events) {
        for (const [k, v] of e.data) if (v !== '-' && isSensitiveData(e, k)) redactor.note(v);
        if (e.userSid.startsWith('S-1-5-21-')) redactor.note(e.userSid);
      }
    }
    if (session && redactor) for (const c of engine.flows.all) { const rec = session.record(c); if (rec) collectSensitive(rec, redactor); }
    const d = diagnose(engine, session, {
      events: logs?.events ?? [],
      failedAt: options.failedAt ?? logs?.clientFailure?.ts ?? null,
      server: options.server ?? null,
      client: options.client ?? null,
      captureDrops: report.capture.dropped,
      files: fileLabels,
    });
    report['findings'] = d.findings.map((f) => ({
      id: f.id, severity: f.severity, confidence: f.confidence, documented: f.documented, connection: f.connection,
      frames: f.frames, at: isoTime(f.at), title: f.title, detail: f.detail, filter: f.filter, cause: f.cause,
      evidence: f.evidence.map((e) => ({ frame: e.frame, at: isoTime(e.at), what: e.what })), data: f.data,
      doc: `docs/findings/${f.id}.md`,
    }));
    report['verdict'] = d.verdict;
  }
  listing?.cite(report);
  if (options.streamAll && options.onConnection) {
    // The diagnosis is done: what is left is summarised and let go one connection at a time.
    const onConnection = options.onConnection;
    engine.flows.drain((c) => {
      if (listing) listing.add(c, session?.record(c), () => summarise(c));
      else onConnection(summarise(c));
      session?.release(c);
    });
  } else if (listing) {
    for (const c of engine.flows.all) listing.add(c, session?.record(c), () => summarise(c));
    report.connections = evictedReports.sort((a, b) => a.id - b.id);
  } else {
    report.connections = [...evictedReports, ...engine.flows.all.map(summarise)].sort((a, b) => a.id - b.id);
  }
  listing?.finish(report);
  for (const f of options.extend ?? []) f(report, { engine, session });
  if (!redactor) return report;
  // Connections were redacted as they were summarised (sessionFields); findings and the verdict here,
  // then every string of the report is scrubbed of the names met (finding details, summaries, warnings).
  for (const k of ['findings', 'verdict'] as const) if (report[k] !== undefined) report[k] = redactor.fields(report[k]);
  return redactor.scrub(report);
}

export async function analyzeFiles(paths: string[], options: AnalyzeOptions = {}): Promise<Report> {
  return analyzeSources(
    paths.map((p, i) => new FileSource(p, i)),
    options,
  );
}
