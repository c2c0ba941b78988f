/**
 * live -w FILE: saves what a capture source delivers as pcapng, like tcpdump -w: one interface
 * per (interface, link type) seen, every frame with its kernel timestamp and original length,
 * and at the end an Interface Statistics Block with the received and dropped counts.
 */
import type { EmbeddedSecrets, Frame, InterfaceInfo } from '../capture/frame.js';
import { PcapngWriter } from '../capture/pcapng-writer.js';
import type { CaptureSource, FrameSink, SourceSummary } from '../capture/source.js';
import type { DecodeIssue } from '../core/issues.js';

export class SavingSource implements CaptureSource {
  readonly label: string;
  readonly fileIndex: number;
  constructor(
    private readonly inner: CaptureSource,
    private readonly path: string,
    private readonly version: string,
  ) {
    this.label = inner.label;
    this.fileIndex = inner.fileIndex;
  }

  async run(sink: FrameSink): Promise<SourceSummary> {
    const w = new PcapngWriter(this.path, { application: `rdpdiag ${this.version}`, comment: `rdpdiag live capture on ${this.label}` });
    const infos = new Map<number, InterfaceInfo>();
    const ids = new Map<string, number>();
    let firstSec = -1;
    let firstNsec = 0;
    let lastSec = 0;
    let lastNsec = 0;
    const saving: FrameSink = {
      frame: (f: Frame) => {
        const key = `${f.ifIndex}:${f.linkType}`;
        let id = ids.get(key);
        if (id === undefined) {
          const info = infos.get(f.ifIndex);
          id = w.addInterface({ linkType: f.linkType, snaplen: info?.snaplen ?? 0, name: info?.name ?? this.label });
          ids.set(key, id);
        }
        if (firstSec < 0) {
          firstSec = f.tsSec;
          firstNsec = f.tsNsec;
        }
        lastSec = f.tsSec;
        lastNsec = f.tsNsec;
        w.packet(id, f.tsSec, f.tsNsec, f.data, f.origLen, [], f.direction);
        sink.frame(f);
      },
      issue: (i: DecodeIssue) => sink.issue(i),
      interface: (info: InterfaceInfo, fileIndex: number) => {
        infos.set(info.id, { ...info });
        sink.interface(info, fileIndex);
      },
      secrets: (s: EmbeddedSecrets) => sink.secrets(s),
    };
    try {
      return await this.inner.run(saving);
    } finally {
      if (ids.size === 0) {
        // Nothing captured: still describe the interface, so the statistics have one to belong to.
        const info = [...infos.values()][0];
        ids.set('0', w.addInterface({ linkType: info?.linkType ?? 1, snaplen: info?.snaplen ?? 0, name: info?.name ?? this.label }));
      }
      for (const [key, id] of ids) {
        const info = infos.get(Number(key.split(':')[0]));
        const now = Date.now();
        const stats: Parameters<PcapngWriter['statistics']>[1] = firstSec >= 0 ? { tsSec: lastSec, tsNsec: lastNsec, startSec: firstSec, startNsec: firstNsec } : { tsSec: Math.floor(now / 1000), tsNsec: (now % 1000) * 1e6 };
        if (info?.received !== undefined) stats.received = info.received;
        if (info?.dropped !== undefined) stats.ifDropped = info.dropped;
        w.statistics(id, stats);
      }
      w.close();
    }
  }
}

/**
 * The live status line on standard error: packets, MB, capture drops and time, redrawn twice a
 * second by a timer (the packet path only counts).
 */
export class StatusSource implements CaptureSource {
  readonly label: string;
  readonly fileIndex: number;
  constructor(
    private readonly inner: CaptureSource,
    private readonly durationSec: number | null,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {
    this.label = inner.label;
    this.fileIndex = inner.fileIndex;
  }

  async run(sink: FrameSink): Promise<SourceSummary> {
    let frames = 0;
    let bytes = 0;
    let dropped = 0;
    const started = Date.now();
    const counting: FrameSink = {
      frame: (f: Frame) => {
        frames++;
        bytes += f.caplen;
        sink.frame(f);
      },
      issue: (i: DecodeIssue) => sink.issue(i),
      interface: (info: InterfaceInfo, fileIndex: number) => {
        if (info.dropped !== undefined) dropped = info.dropped;
        sink.interface(info, fileIndex);
      },
      secrets: (s: EmbeddedSecrets) => sink.secrets(s),
    };
    const draw = (): void => {
      const secs = Math.floor((Date.now() - started) / 1000);
      const width = this.out.columns && this.out.columns > 10 ? this.out.columns - 1 : 79;
      const line = `rdpdiag live ${this.label}: ${frames} packets, ${(bytes / 1e6).toFixed(1)} MB, ${dropped} dropped, ${secs}s${this.durationSec !== null ? ` of ${this.durationSec}s` : ''}`;
      this.out.write(`\r${line.slice(0, width)}\x1b[K`);
    };
    const timer = setInterval(draw, 500);
    try {
      return await this.inner.run(counting);
    } finally {
      clearInterval(timer);
      this.out.write('\r\x1b[K');
    }
  }
}
