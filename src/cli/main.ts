/**
 * The command line: analyze, live, interfaces, explain.
 */
import { Command, CommanderError } from 'commander';
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkWritable, writeFailure, writeReportFile } from './output.js';
import { analyzeFiles, VERSION } from '../analyze.js';
import { RdpdiagError, ErrorCode } from '../core/errors.js';
import { renderText } from '../report/terminal.js';
import { StreamedConnectionTable } from '../report/text-table-stream.js';
import { renderMarkdown } from '../report/markdown.js';
import { renderHtml } from '../report/html.js';
import { terminalWidth } from '../report/wrap.js';
import { Progress, wantProgress } from './progress.js';
import { REPORT_SCHEMA, type ConnectionReport, type Report } from '../report/model.js';
import { ExitCode } from './exit-codes.js';
import { checkClient, checkServer, failedAtOption } from './arguments.js';
import { registerEventsCommand } from './events-command.js';

/** Report formats `--format` accepts. */
const FORMATS = ['text', 'json', 'markdown', 'html'] as const;
type Format = (typeof FORMATS)[number];

function checkFormat(format: string): Format {
  const f = format === 'md' ? 'markdown' : format;
  if (!(FORMATS as readonly string[]).includes(f)) {
    throw new RdpdiagError(ErrorCode.BAD_ARGUMENT, `--format must be ${FORMATS.join(', ')}, not '${format}'`);
  }
  return f as Format;
}

function renderReport(report: Report, format: Format, all: boolean, toFile: boolean): string {
  switch (format) {
    case 'json':
      return JSON.stringify(report, null, 2) + '\n';
    case 'markdown':
      return renderMarkdown(report, { all });
    case 'html':
      return renderHtml(report, { all });
    default:
      return renderText(report, { all, width: toFile ? 100 : terminalWidth() });
  }
}

function emit(report: Report, format: Format, output: string | undefined, all: boolean): void {
  const text = renderReport(report, format, all, output !== undefined);
  if (output) writeReportFile(output, text);
  else process.stdout.write(text);
}

/**
 * Streams the JSON report: the connections array is written as connections finish, so the
 * report never has to exist as one string or one object (memory stays bounded on big files).
 */
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

/**
 * Set when the reader of a standard stream went away (`rdpdiag … | head`): the rest of the report
 * is dropped quietly and the run still ends with the verdict's exit code.
 */
const closedStd = new Set<number>();

function quietOnClosedPipe(stream: NodeJS.WriteStream, fd: number): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    closedStd.add(fd);
  });
}

function writeAllSync(fd: number, b: Uint8Array): void {
  if (closedStd.has(fd)) return;
  for (let off = 0; off < b.length; ) {
    try {
      off += writeSync(fd, b, off, b.length - off);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EPIPE' && fd <= 2) {
        closedStd.add(fd);
        return;
      }
      // Standard output may be a non-blocking pipe: wait for the reader instead of failing.
      if (code !== 'EAGAIN') throw e;
      Atomics.wait(PAUSE, 0, 0, 2);
    }
  }
}

class JsonReportWriter {
  /** Opened at the first flush: a capture that cannot be read leaves no empty report behind. */
  private fd = -1;
  private first = true;
  /** Pieces are encoded straight into one reused buffer (joining them made a second copy of the report, often two-byte). */
  private readonly buf = Buffer.allocUnsafe(1 << 20);
  private pos = 0;
  constructor(private readonly output: string | undefined) {

    this.write(`{"schema":${JSON.stringify(REPORT_SCHEMA)},"connections":[`);
  }
  private write(s: string): void {
    // UTF-8 needs at most 3 bytes per UTF-16 code unit.
    if (this.pos + s.length * 3 > this.buf.length) {
      this.flush();
      if (s.length * 3 > this.buf.length) {
        this.writeOut(Buffer.from(s, 'utf8'));
        return;
      }
    }
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }
  private writeOut(b: Uint8Array): void {
    try {
      if (this.fd < 0) this.fd = this.output ? openSync(this.output, 'w') : 1;
    } catch (e) {
      throw writeFailure(this.output!, e);
    }
    try {
      writeAllSync(this.fd, b);
    } catch (e) {
      throw this.output ? writeFailure(this.output, e) : e;
    }
  }
  private flush(): void {
    if (this.pos === 0) return;
    this.writeOut(this.buf.subarray(0, this.pos));
    this.pos = 0;
  }
  connection(c: ConnectionReport): void {
    this.write((this.first ? '\n' : ',\n') + JSON.stringify(c));
    this.first = false;
  }
  finish(report: Report): void {
    for (const c of report.connections) this.connection(c);
    this.write('\n]');
    for (const [k, v] of Object.entries(report)) {
      if (k === 'connections' || k === 'schema') continue;
      this.write(`,\n${JSON.stringify(k)}:${JSON.stringify(v)}`);
    }
    this.write('}\n');
    this.flush();
    if (this.fd > 2) closeSync(this.fd);
  }
}

/** --quiet: nothing but errors on standard error. */
let quiet = false;

// ── --annotate ──────────────────────────────────────────────────────────────────────────

/** Refuses, before the analysis, an annotation that could not be written or not be made. */
function checkAnnotate(files: string[], opts: { annotate?: string; annotateSecrets: boolean; keylog: string[] }): string | null {
  if (opts.annotateSecrets && !opts.annotate) throw new RdpdiagError(ErrorCode.BAD_ARGUMENT, '--annotate-secrets needs --annotate OUT.pcapng');
  if (!opts.annotate) return null;
  if (files.includes('-')) {
    throw new RdpdiagError(ErrorCode.BAD_ARGUMENT, '--annotate: standard input cannot be read a second time to copy its frames; save the capture to a file and analyse that');
  }
  const out = resolve(opts.annotate);
  if (files.some((f) => resolve(f) === out)) throw new RdpdiagError(ErrorCode.BAD_ARGUMENT, `--annotate ${opts.annotate}: that is one of the input files`);
  checkWritable(opts.annotate, '--annotate');
  if (opts.annotateSecrets && opts.keylog.length === 0) throw new RdpdiagError(ErrorCode.BAD_ARGUMENT, '--annotate-secrets: no --keylog given, there are no secrets to embed');
  return opts.annotate;
}

/** Key logs embedded with --annotate-secrets are read up to this size each. */
const MAX_EMBEDDED_KEYLOG = 16 << 20;

async function writeAnnotation(report: Report, files: string[], out: string, keylogs: string[], withSecrets: boolean, connFiles?: Map<number, string>): Promise<void> {
  const { annotateCapture } = await import('../report/annotate.js');
  let secrets: string | null = null;
  if (withSecrets) {
    const parts: string[] = [];
    for (const k of keylogs) {
      if (k === '-') continue;
      const fd = openSync(k, 'r');
      try {
        const buf = Buffer.alloc(MAX_EMBEDDED_KEYLOG);
        const n = readSync(fd, buf, 0, buf.length, 0);
        // Only whole key-log lines (label, client random, secret), nothing else of the file.
        const lines = buf.toString('latin1', 0, n).split(/\r?\n/).filter((l) => /^[A-Z_0-9]+ [0-9a-fA-F]+ [0-9a-fA-F]+$/.test(l));
        parts.push(...lines);
      } finally {
        closeSync(fd);
      }
    }
    secrets = parts.length ? parts.join('\n') + '\n' : null;
  }
  try {
    const opts: Parameters<typeof annotateCapture>[3] = { secrets, version: VERSION };
    if (connFiles) opts.connectionFiles = connFiles;
    const r = await annotateCapture(report, files, out, opts);
    if (!quiet) process.stderr.write(`rdpdiag: annotated copy ${out}: ${r.frames} frames, ${r.commented} with comments${secrets ? ', key-log secrets embedded' : ''}\n`);
  } catch (e) {
    if (e instanceof RdpdiagError) throw e;
    throw writeFailure(out, e, '--annotate');
  }
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function exitCodeFor(report: Report): number {
  const v = report['verdict'] as { cause?: string } | undefined;
  if (!v || !v.cause || v.cause === 'healthy' || v.cause === 'no-rdp-traffic') return ExitCode.HEALTHY;
  return ExitCode.FAILURE_DIAGNOSED;
}

export async function main(argv: string[]): Promise<void> {
  quietOnClosedPipe(process.stdout, 1);
  quietOnClosedPipe(process.stderr, 2);
  const program = new Command();
  program
    .name('rdpdiag')
    .description('Explains why a Remote Desktop connection failed, from packet captures')
    .version(VERSION)
    .exitOverride();

  program
    .command('analyze')
    .description('analyse capture files (pcap, pcapng, .gz, or - for standard input)')
    .argument('<files...>', 'capture files')
    .option('-f, --format <format>', 'text, json, markdown or html', 'text')
    .option('-o, --output <file>', 'write the report to a file')
    .option('--all', 'list every connection, not only the ones the diagnosis is about (streamed: JSON one connection per line, text a table after the report)', false)
    .option('--keylog <file>', 'TLS key log (SSLKEYLOGFILE format); repeatable', collect, [] as string[])
    .option('--no-decrypt', 'do not decrypt TLS even when secrets are available')
    .option('--no-redact', 'show user names, cookies and principals instead of redacting them')
    .option('--failed-at <time>', 'when the client showed the error, e.g. "2026-11-20 14:03:12 +01:00" (no zone = UTC, see --tz)')
    .option('--tz <offset>', 'time zone of --failed-at when it has none, e.g. +01:00 or -300 (minutes)')
    .option('--server <host>', 'the RDP server or gateway address the user connected to')
    .option('--client <ip>', "the user's machine: the verdict is about its attempts (for captures with many clients)")
    .option('--annotate <out.pcapng>', 'also write a pcapng copy of the input with the findings as packet comments and the verdict in the section header')
    .option('--annotate-secrets', 'with --annotate: embed the --keylog secrets in the copy (Decryption Secrets Block)', false)
    .option('--progress', 'show progress on standard error even when it is not a terminal')
    .option('-q, --quiet', 'no progress and no notes on standard error')
    .option('--events <file>', 'Windows event log (.evtx or XML) whose RDP records become evidence; repeatable', collect, [] as string[])
    .action(async (files: string[], opts: { format: string; output?: string; all: boolean; keylog: string[]; decrypt: boolean; redact: boolean; failedAt?: string; tz?: string; server?: string; client?: string; annotate?: string; annotateSecrets: boolean; progress?: boolean; quiet?: boolean; events: string[] }) => {
      const format = checkFormat(opts.format);
      if (opts.output) checkWritable(opts.output);
      const annotate = checkAnnotate(files, opts);
      const connFiles = annotate ? new Map<number, string>() : undefined;
      const failedAt = failedAtOption(opts.failedAt, opts.tz);
      checkClient(opts.client);
      checkServer(opts.server);
      const progress = wantProgress(opts) ? new Progress(files) : null;
      const base: Parameters<typeof analyzeFiles>[1] = { keylogs: opts.keylog, decrypt: opts.decrypt, redact: opts.redact, failedAt, server: opts.server ?? null, client: opts.client ?? null, events: opts.events };
      if (progress) base.onFrame = progress.frame;
      quiet = opts.quiet === true;
      // By default the report lists the connections the diagnosis is about and aggregates the rest;
      // --all lists every connection (streamed: JSON one object per line, text a table written as they finish).
      const list = opts.all && format === 'json' ? 'all' : 'diagnostic';
      if (format === 'json') {
        const writer = new JsonReportWriter(opts.output);
        const report = await analyzeFiles(files, {
          ...base,
          list,
          streamAll: true,
          onConnection: (c) => {
            connFiles?.set(c.id, c.file);
            writer.connection(c);
          },
        });
        progress?.done();
        writer.finish(report);
        if (annotate) await writeAnnotation(report, files, annotate, opts.keylog, opts.annotateSecrets, connFiles);
        process.exitCode = exitCodeFor(report);
        return;
      }
      // Text shows a bounded table: keep the first finished connections, count the rest.
      const kept: ConnectionReport[] = [];
      let notKept = 0;
      const table = opts.all && format === 'text' ? new StreamedConnectionTable() : null;
      try {
        const report = await analyzeFiles(files, {
          ...base,
          list,
          streamAll: true,
          onConnection: (c) => {
            connFiles?.set(c.id, c.file);
            if (kept.length < (opts.all && !table ? Infinity : 200)) kept.push(c);
            else notKept++;
          },
          ...(table ? { onEveryConnection: (c: ConnectionReport) => table.row(c) } : {}),
        });
        progress?.done();
        report.connections = [...kept, ...report.connections].sort((a, b) => a.id - b.id);
        report.capture.connectionsNotListed += notKept;
        if (table) {
          const fd = opts.output ? openSync(opts.output, 'w') : 1;
          writeAllSync(fd, Buffer.from(renderText(report, { all: false, width: opts.output ? 100 : terminalWidth() }), 'utf8'));
          table.copyTo((b) => writeAllSync(fd, b));
          if (fd > 2) closeSync(fd);
        } else emit(report, format, opts.output, opts.all);
        if (annotate) await writeAnnotation(report, files, annotate, opts.keylog, opts.annotateSecrets, connFiles);
        process.exitCode = exitCodeFor(report);
      } finally {
        table?.dispose();
      }
    });

  program
    .command('live')
    .description('capture live from an interface and analyse')
    .argument('<interface>', 'interface name (see `rdpdiag interfaces`)')
    .option('--filter <bpf>', 'BPF capture filter', 'tcp port 3389 or udp port 3389 or port 443 or port 88 or icmp or icmp6')
    .option('--duration <seconds>', 'stop after this many seconds')
    .option('--count <packets>', 'stop after this many packets')
    .option('-f, --format <format>', 'text, json, markdown or html', 'text')
    .option('-o, --output <file>', 'write the report to a file')
    .option('--no-redact', 'show user names, cookies and principals instead of redacting them')
    .option('--server <host>', 'the RDP server or gateway address the user connects to')
    .option('--client <ip>', "the user's machine: the verdict is about its attempts (on a busy server)")
    .option('--keylog <file>', 'TLS key log a client on this machine is writing (SSLKEYLOGFILE); read again while capturing; repeatable', collect, [] as string[])
    .option('--keylog-hold <seconds>', 'with --keylog: hold frames this long (capture time) so that secrets are written before their handshake is analysed', '2')
    .option('--no-decrypt', 'do not decrypt TLS even when secrets are available')
    .option('-w, --write <file.pcapng>', 'also save what was captured as pcapng (interface, drop counts in an Interface Statistics Block)')
    .option('--progress', 'show the status line on standard error even when it is not a terminal')
    .option('-q, --quiet', 'no status line')
    .action(async (device: string, opts: { filter: string; duration?: string; count?: string; format: string; output?: string; redact: boolean; server?: string; client?: string; keylog: string[]; keylogHold: string; decrypt: boolean; write?: string; progress?: boolean; quiet?: boolean }) => {
      const format = checkFormat(opts.format);
      if (opts.output) checkWritable(opts.output);
      if (opts.write) checkWritable(opts.write, '-w');
      const hold = Number(opts.keylogHold);
      if (!Number.isFinite(hold) || hold < 0 || hold > 60) {
        throw new RdpdiagError(ErrorCode.BAD_ARGUMENT, `--keylog-hold must be a number of seconds from 0 to 60, not '${opts.keylogHold}'`);
      }
      const { openLive } = await import('../capture/live.js');
      const { analyzeSources } = await import('../analyze.js');
      const ac = new AbortController();
      process.once('SIGINT', () => ac.abort());
      const liveOpts: Parameters<typeof openLive>[0] = { device, filter: opts.filter, signal: ac.signal };
      if (opts.duration) liveOpts.durationSec = Number(opts.duration);
      if (opts.count) liveOpts.count = Number(opts.count);
      const live = await openLive(liveOpts);
      const { SavingSource, StatusSource } = await import('./save-capture.js');
      const saved = opts.write ? new SavingSource(live, opts.write, VERSION) : live;
      const src = wantProgress(opts) ? new StatusSource(saved, liveOpts.durationSec ?? null) : saved;
      const liveAnalysis: Parameters<typeof analyzeSources>[1] = { redact: opts.redact, decrypt: opts.decrypt, server: opts.server ?? null, client: opts.client ?? null };
      if (opts.keylog.length > 0) liveAnalysis.followKeylogs = { paths: opts.keylog, holdSeconds: hold };
      const report = await analyzeSources([src], liveAnalysis);
      emit(report, format, opts.output, false);
      // node_pcap keeps its native handle until one more packet arrives: exit explicitly.
      process.exit(exitCodeFor(report));
    });

  program
    .command('explain')
    .description('name and explain a code: mstsc disconnect reasons (0x904…), extended reasons, ERRINFO, RDP_NEG failures, NTSTATUS, Kerberos errors, TLS alerts, E_PROXY HRESULTs, FreeRDP ERRCONNECT')
    .argument('<code...>', 'e.g. 0x904, 0x7, 0xC000006D, KRB_AP_ERR_SKEW, "alert 70", ERRCONNECT_TLS_CONNECT_FAILED')
    .option('-f, --format <format>', 'text or json', 'text')
    .action(async (codeParts: string[], opts: { format: string }) => {
      const { explain } = await import('../codes/explain.js');
      const { ALL_TABLES } = await import('../codes/registry.js');
      const tableTitles = (): string[] => [...new Set(ALL_TABLES.map((t) => t.title))];
      const input = codeParts.join(' ');
      const results = explain(input);
      if (opts.format === 'json') process.stdout.write(JSON.stringify(results, null, 2) + '\n');
      else if (results.length === 0) process.stderr.write(`rdpdiag explain: no table knows '${input}' (searched: ${tableTitles().join(', ')}). A 0x prefix reads hexadecimal; bare digits are tried as both decimal and hexadecimal.\n`);
      else {
        for (const r of results) {
          process.stdout.write(`${r.tableTitle}: ${r.hex} ${r.name}${r.verified ? '' : ' (UNVERIFIED)'}\n  ${r.meaning}\n`);
          for (const rel of r.related ?? []) process.stdout.write(`  - ${rel}\n`);
        }
      }
      process.exitCode = results.length === 0 ? ExitCode.USAGE : ExitCode.HEALTHY;
    });

  registerEventsCommand(program);

  program
    .command('interfaces')
    .description('list capture interfaces')
    .action(async () => {
      const { listInterfaces } = await import('../capture/interfaces.js');
      const list = await listInterfaces();
      for (const i of list) process.stdout.write(`${i.name}${i.description ? `  (${i.description})` : ''}\n`);
    });

  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0) {
        process.exitCode = 0;
        return;
      }
      process.exitCode = ExitCode.USAGE;
      return;
    }
    if (e instanceof RdpdiagError) {
      process.stderr.write(`rdpdiag: ${e.message}\n`);
      process.exitCode = e.code === ErrorCode.BAD_ARGUMENT ? ExitCode.USAGE : ExitCode.UNREADABLE;
      return;
    }
    throw e;
  }
}
