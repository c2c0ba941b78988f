/**
 * Live capture through libpcap, using node_pcap (`pcap` 3.1.0, an optional native dependency).
 *
 * The module is loaded with a dynamic import so that file analysis works when it is absent.
 * node_pcap copies every packet into one Buffer (snaplen bytes) and its 16-byte pcap header
 * (ts sec, ts usec, caplen, len, host byte order) into another, then calls us synchronously
 * from inside pcap_dispatch: every packet readable at a wake-up is delivered in one batch,
 * which is the only asynchronous edge. The Frame and its `data` view are reused.
 *
 * Known limitation of node_pcap 3.1.0 (see docs/decisions/0001-live-capture-binding.md):
 * `close()` only calls pcap_breakloop; the poll handle is released (pcap_close) the next time
 * a packet passes the filter. On an idle interface the process therefore stays alive after
 * `run()` resolves: the CLI should exit explicitly after a live run.
 */
import { endianness } from 'node:os';
import { ErrorCode, RdpdiagError } from '../core/errors.js';
import { toSeconds } from '../core/time.js';
import { newFrame, type InterfaceInfo } from './frame.js';
import type { CaptureSource, FrameSink, SourceSummary } from './source.js';

export interface LiveOptions {
  /** Interface name as libpcap knows it (`eth0`, `any`, …). */
  device: string;
  /** BPF filter expression (pcap-filter(7)). */
  filter?: string;
  /** Bytes kept per packet; default 262144 (libpcap's maximum, as tcpdump). */
  snaplen?: number;
  /** Promiscuous mode; default true (as tcpdump). */
  promisc?: boolean;
  /** Stop after this many seconds of wall time. */
  durationSec?: number;
  /** Stop after this many delivered frames. */
  count?: number;
  /** Stop when aborted (Ctrl-C). */
  signal?: AbortSignal;
  /** Index of this source among the inputs (Frame.fileIndex). */
  fileIndex?: number;
  /** Kernel ring buffer size in bytes; default 16 MiB. */
  bufferSize?: number;
}

export const DEFAULT_LIVE_SNAPLEN = 262144;
export const DEFAULT_LIVE_BUFFER_SIZE = 16 * 1024 * 1024;
/** libpcap packet buffer timeout (TPACKET_V3 block retire time): latency of delivery. */
export const LIVE_BUFFER_TIMEOUT_MS = 100;
/** Wall-time period of the capture statistics reported while running. */
export const LIVE_STATS_INTERVAL_MS = 1000;

export const LIVE_INSTALL_HINT =
  'Live capture needs the native module "pcap" (node_pcap) built against libpcap: ' +
  'run `apt-get install libpcap-dev build-essential python3` (or your distribution\'s equivalent), ' +
  'then `npm install pcap` in the rdpdiag directory. npm 11 only runs its native build when ' +
  'package.json lists it under "allowScripts" (rdpdiag\'s package.json already does: "pcap": true).';

export const LIVE_PERMISSION_HINT =
  'Capturing needs root or the CAP_NET_RAW and CAP_NET_ADMIN capabilities: run with `sudo`, or ' +
  'grant them to node once with `sudo setcap cap_net_raw,cap_net_admin=eip $(which node)`.';

/** The parts of node_pcap we use (its own typings are incomplete). */
export interface PcapStats {
  ps_recv: number;
  ps_drop: number;
  ps_ifdrop: number;
}
interface PcapPacket {
  buf: Buffer;
  header: Buffer;
}
interface PcapBindingSession {
  dispatch(buf: Buffer, header: Buffer): number;
}
interface PcapSessionLike {
  link_type: string;
  buf?: Buffer;
  header?: Buffer;
  session?: PcapBindingSession;
  on(event: 'packet', listener: (p: PcapPacket) => void): unknown;
  stats(): PcapStats;
  close(): void;
}
export interface PcapDevice {
  name: string;
  description?: string;
  addresses?: Array<{ addr?: string; netmask?: string; broadaddr?: string; dstaddr?: string } | null | undefined>;
  flags?: string;
}
export interface PcapModule {
  createSession(
    device: string,
    options: {
      filter?: string;
      buffer_size?: number;
      snap_length?: number;
      promiscuous?: boolean;
      buffer_timeout?: number;
    },
  ): PcapSessionLike;
  findalldevs(): PcapDevice[];
  warningHandler: (text: string) => unknown;
  lib_version?: string;
}

let pcapPromise: Promise<PcapModule> | undefined;
/** libpcap warnings (e.g. "eth1: no IPv4 address assigned"): kept, never printed. */
export const liveWarnings: string[] = [];

/** Loads node_pcap once; LIVE_UNAVAILABLE with install instructions when it cannot be loaded. */
export function loadPcap(): Promise<PcapModule> {
  pcapPromise ??= (async () => {
    // A non-literal specifier keeps TypeScript from requiring the optional package at build time.
    const specifier = 'pcap';
    let mod: unknown;
    try {
      mod = await import(specifier);
    } catch (e) {
      pcapPromise = undefined;
      const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
      throw new RdpdiagError(ErrorCode.LIVE_UNAVAILABLE, `${LIVE_INSTALL_HINT} (loading it failed: ${why})`);
    }
    const m = ((mod as { default?: unknown }).default ?? mod) as PcapModule;
    if (typeof m.createSession !== 'function' || typeof m.findalldevs !== 'function') {
      pcapPromise = undefined;
      throw new RdpdiagError(ErrorCode.LIVE_UNAVAILABLE, `${LIVE_INSTALL_HINT} (the "pcap" module found has no createSession/findalldevs)`);
    }
    // node_pcap prints libpcap warnings with console.warn by default.
    m.warningHandler = (text: string) => {
      if (liveWarnings.length < 100) liveWarnings.push(String(text));
    };
    return m;
  })();
  return pcapPromise;
}

/** node_pcap link type name → LINKTYPE_* number (tcpdump.org/linktypes.html). */
export function linkTypeFromName(name: string): number {
  switch (name) {
    case 'LINKTYPE_NULL':
      return 0;
    case 'LINKTYPE_ETHERNET':
      return 1;
    case 'LINKTYPE_RAW':
      return 101;
    case 'LINKTYPE_LINUX_SLL':
      return 113;
    case 'LINKTYPE_IEEE802_11_RADIO':
      return 127;
  }
  // node_pcap reports other data link types as "Unknown linktype <DLT>".
  const m = /(\d+)\s*$/.exec(name);
  if (!m) return -1;
  const dlt = Number(m[1]);
  // DLT_RAW is 12 or 14 depending on the platform; LINKTYPE_RAW is 101. Most others are equal.
  if (dlt === 12 || dlt === 14) return 101;
  return dlt;
}

const PERMISSION_RE = /operation not permitted|permission denied|don't have permission|EPERM|EACCES/i;
const DEVICE_RE = /no such device|not up|doesn't exist|does not exist|unknown device|not supported|SIOCG/i;

/** Maps a libpcap open/activate/filter error message to an operational error. */
export function classifyOpenError(message: string, device: string, filter: string | undefined): RdpdiagError {
  if (PERMISSION_RE.test(message)) {
    return new RdpdiagError(
      ErrorCode.LIVE_PERMISSION,
      `No permission to capture on "${device}" (${message}). ${LIVE_PERMISSION_HINT}`,
    );
  }
  if (DEVICE_RE.test(message) || !filter) {
    return new RdpdiagError(
      ErrorCode.LIVE_FAILED,
      `Cannot capture on "${device}": ${message}. List the interfaces with \`rdpdiag interfaces\`.`,
    );
  }
  // After pcap_activate succeeds, the only remaining failures are compiling and setting the filter.
  return new RdpdiagError(ErrorCode.LIVE_FAILED, `Invalid capture filter "${filter}": ${message}`);
}

function checkPositive(name: string, v: number | undefined, integer: boolean, max = Number.MAX_SAFE_INTEGER): void {
  if (v === undefined) return;
  if (!Number.isFinite(v) || v <= 0 || v > max || (integer && !Number.isInteger(v))) {
    throw new RdpdiagError(ErrorCode.BAD_ARGUMENT, `live capture: ${name} must be a positive ${integer ? 'integer' : 'number'}${max < Number.MAX_SAFE_INTEGER ? ` up to ${max}` : ''}, got ${v}`);
  }
}

const LITTLE_ENDIAN = endianness() === 'LE';

/**
 * Opens the device now (so permission, device and filter errors surface here) and returns a
 * source whose `run()` delivers the frames. Packets arriving between `openLive()` and `run()`
 * are counted by the kernel statistics but not delivered: call `run()` right away.
 */
export async function openLive(opts: LiveOptions): Promise<CaptureSource> {
  checkPositive('snaplen', opts.snaplen, true, DEFAULT_LIVE_SNAPLEN);
  checkPositive('durationSec', opts.durationSec, false, 2_000_000);
  checkPositive('count', opts.count, true);
  checkPositive('bufferSize', opts.bufferSize, true, 0x7fffffff);
  if (!opts.device) throw new RdpdiagError(ErrorCode.BAD_ARGUMENT, 'live capture: no device given');
  const pcap = await loadPcap();
  const snaplen = opts.snaplen ?? DEFAULT_LIVE_SNAPLEN;
  let session: PcapSessionLike;
  try {
    session = pcap.createSession(opts.device, {
      filter: opts.filter ?? '',
      buffer_size: opts.bufferSize ?? DEFAULT_LIVE_BUFFER_SIZE,
      snap_length: snaplen,
      promiscuous: opts.promisc ?? true,
      buffer_timeout: LIVE_BUFFER_TIMEOUT_MS,
    });
  } catch (e) {
    throw classifyOpenError(e instanceof Error ? e.message : String(e), opts.device, opts.filter);
  }
  return new LiveSource(session, opts, snaplen);
}

type StopReason = 'count' | 'duration' | 'abort' | 'error';

class LiveSource implements CaptureSource {
  readonly label: string;
  readonly fileIndex: number;
  private readonly linkType: number;
  private started = false;

  constructor(
    private readonly session: PcapSessionLike,
    private readonly opts: LiveOptions,
    private readonly snaplen: number,
  ) {
    this.label = `live:${opts.device}`;
    this.fileIndex = opts.fileIndex ?? 0;
    this.linkType = linkTypeFromName(String(session.link_type));
  }

  run(sink: FrameSink): Promise<SourceSummary> {
    if (this.started) return Promise.reject(new Error('LiveSource.run() called twice'));
    this.started = true;
    const { session, opts, fileIndex, linkType, snaplen } = this;
    const frame = newFrame();
    frame.fileIndex = fileIndex;
    frame.linkType = linkType;
    const summary: SourceSummary = { label: this.label, format: 'live', frames: 0, bytes: 0, gzip: false, truncated: false };
    const count = opts.count ?? 0;
    let accepting = true;
    let stopping = false;
    let headerBuf: Buffer | undefined;
    let header: DataView | undefined;
    let lastStats: PcapStats | undefined;

    const readStats = (): PcapStats | undefined => {
      try {
        const s = session.stats();
        lastStats = { ps_recv: Number(s.ps_recv) || 0, ps_drop: Number(s.ps_drop) || 0, ps_ifdrop: Number(s.ps_ifdrop) || 0 };
      } catch {
        // the handle is already closed: keep the last reading
      }
      return lastStats;
    };
    const report = (stats: PcapStats | undefined): void => {
      const info: InterfaceInfo = { id: 0, linkType, snaplen, name: opts.device };
      if (stats) {
        // ps_drop: no room in the kernel ring; ps_ifdrop: dropped by the interface/driver.
        info.dropped = stats.ps_drop + stats.ps_ifdrop;
        info.received = stats.ps_recv;
      }
      sink.interface(info, fileIndex);
    };

    return new Promise<SourceSummary>((resolve, reject) => {
      let failure: unknown;
      let statsTimer: ReturnType<typeof setInterval> | undefined;
      let durationTimer: ReturnType<typeof setTimeout> | undefined;

      const onAbort = (): void => stop('abort');

      const finish = (): void => {
        accepting = false;
        if (statsTimer) clearInterval(statsTimer);
        if (durationTimer) clearTimeout(durationTimer);
        opts.signal?.removeEventListener('abort', onAbort);
        const stats = readStats();
        try {
          session.close();
          // pcap_breakloop only takes effect inside a dispatch; this releases the handle now if
          // packets are waiting, otherwise at the next packet (node_pcap limitation).
          if (session.session && session.buf && session.header) session.session.dispatch(session.buf, session.header);
        } catch {
          // already closed
        }
        if (failure !== undefined) {
          reject(failure);
          return;
        }
        try {
          report(stats);
        } catch (e) {
          reject(e);
          return;
        }
        resolve(summary);
      };

      const stop = (reason: StopReason): void => {
        if (stopping) return;
        stopping = true;
        if (reason === 'count' || reason === 'error') {
          accepting = false;
          setImmediate(finish);
          return;
        }
        // Packets still sit in the kernel's current ring block until it is retired (buffer
        // timeout): wait for that, pull what is readable, then close.
        setTimeout(() => {
          try {
            if (session.session && session.buf && session.header) session.session.dispatch(session.buf, session.header);
          } catch {
            // closed underneath us
          }
          finish();
        }, LIVE_BUFFER_TIMEOUT_MS + 50);
      };

      session.on('packet', (p: PcapPacket) => {
        if (!accepting) return;
        if (p.header !== headerBuf) {
          headerBuf = p.header;
          header = new DataView(p.header.buffer, p.header.byteOffset, p.header.byteLength);
        }
        const h = header as DataView;
        const sec = h.getUint32(0, LITTLE_ENDIAN);
        const nsec = h.getUint32(4, LITTLE_ENDIAN) * 1000;
        const caplen = Math.min(h.getUint32(8, LITTLE_ENDIAN), p.buf.length);
        frame.index = summary.frames + 1;
        frame.tsSec = sec;
        frame.tsNsec = nsec;
        frame.ts = toSeconds(sec, nsec);
        frame.caplen = caplen;
        frame.origLen = h.getUint32(12, LITTLE_ENDIAN);
        frame.data = p.buf.subarray(0, caplen);
        summary.frames++;
        summary.bytes += caplen;
        try {
          sink.frame(frame);
        } catch (e) {
          // A throwing sink is a bug: stop cleanly and reject instead of letting node_pcap turn
          // it into a fatal exception from native code.
          failure = e;
          stop('error');
          return;
        }
        if (count > 0 && summary.frames >= count) stop('count');
      });

      try {
        report(undefined);
      } catch (e) {
        failure = e;
        stop('error');
        return;
      }
      if (opts.signal) {
        if (opts.signal.aborted) {
          stop('abort');
          return;
        }
        opts.signal.addEventListener('abort', onAbort, { once: true });
      }
      if (opts.durationSec !== undefined) durationTimer = setTimeout(() => stop('duration'), opts.durationSec * 1000);
      statsTimer = setInterval(() => {
        if (stopping) return;
        try {
          report(readStats());
        } catch (e) {
          failure = e;
          stop('error');
        }
      }, LIVE_STATS_INTERVAL_MS);
    });
  }
}
