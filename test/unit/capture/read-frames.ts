/**
 * Test helper: reads a capture through FileSource and keeps a compact copy of every
 * frame (the reader reuses its Frame and buffers, so data is hashed or copied at once).
 */
import { createHash } from 'node:crypto';
import { FileSource } from '../../../src/capture/file-source.js';
import type { SourceSummary } from '../../../src/capture/source.js';
import type { DecodeIssue } from '../../../src/core/issues.js';
import type { InterfaceInfo } from '../../../src/capture/frame.js';

export interface FrameRec {
  index: number;
  tsSec: number;
  tsNsec: number;
  caplen: number;
  origLen: number;
  linkType: number;
  ifIndex: number;
  /** sha1 of the captured bytes. */
  hash: string;
  data?: Uint8Array;
}

export interface ReadResult {
  frames: FrameRec[];
  issues: DecodeIssue[];
  interfaces: InterfaceInfo[];
  summary: SourceSummary | null;
  error: Error | null;
}

export async function readFrames(path: string, opts: { windowSize?: number; keepData?: boolean; fileIndex?: number } = {}): Promise<ReadResult> {
  const frames: FrameRec[] = [];
  const issues: DecodeIssue[] = [];
  const interfaces: InterfaceInfo[] = [];
  let summary: SourceSummary | null = null;
  let error: Error | null = null;
  try {
    summary = await new FileSource(path, opts.fileIndex ?? 0, opts.windowSize).run({
      frame: (f) => {
        const r: FrameRec = {
          index: f.index,
          tsSec: f.tsSec,
          tsNsec: f.tsNsec,
          caplen: f.caplen,
          origLen: f.origLen,
          linkType: f.linkType,
          ifIndex: f.ifIndex,
          hash: createHash('sha1').update(f.data).digest('hex'),
        };
        if (opts.keepData) r.data = f.data.slice();
        frames.push(r);
      },
      issue: (i) => issues.push(i),
      interface: (i) => interfaces.push({ ...i }),
      secrets: () => {},
    });
  } catch (e) {
    error = e as Error;
  }
  return { frames, issues, interfaces, summary, error };
}

/** Frames without the data copy, for deep equality between runs. */
export function strip(frames: FrameRec[]): Omit<FrameRec, 'data'>[] {
  return frames.map(({ data: _d, ...rest }) => rest);
}
