/**
 * Test helper: tshark's view of a capture's frames (number, epoch time, lengths, first
 * 64 data bytes, protocol stack), to compare with what our FileSource delivers.
 */
import { tshark } from '../../../helpers/tshark.js';
import type { FrameRec } from '../read-frames.js';

export interface TsharkFrame {
  number: number;
  /** frame.time_epoch as printed: "sec.nnnnnnnnn". */
  epoch: string;
  len: number;
  capLen: number;
  protocols: string;
  /** First 64 bytes of the frame's own data source, from `tshark -x`. */
  head: string;
}

export async function tsharkFrames(file: string): Promise<TsharkFrame[]> {
  const r = await tshark(['-r', file, '-T', 'fields', '-E', 'separator=\t', '-e', 'frame.number', '-e', 'frame.time_epoch', '-e', 'frame.len', '-e', 'frame.cap_len', '-e', 'frame.protocols']);
  const frames: TsharkFrame[] = [];
  for (const line of r.stdout.split('\n')) {
    if (!line) continue;
    const [n, t, len, cap, protos] = line.split('\t');
    frames.push({ number: Number(n), epoch: t ?? '', len: Number(len), capLen: Number(cap), protocols: protos ?? '', head: '' });
  }
  const heads = await tsharkHeads(file);
  for (let i = 0; i < frames.length; i++) frames[i]!.head = heads[i] ?? '';
  return frames;
}

/**
 * `tshark -x` prints each frame's bytes as offset-prefixed hex lines; a frame's first data
 * source starts with "0000" after a blank line (or after "Frame (N bytes):" when the frame has
 * several sources), extra sources (reassembled, decrypted) after their "Name (N bytes):" line. Returns the first 64 bytes of each frame, as hex.
 */
async function tsharkHeads(file: string): Promise<string[]> {
  const r = await tshark(['-r', file, '-x']);
  const heads: string[] = [];
  let prevBlank = true;
  let cur: string[] | null = null;
  for (const line of r.stdout.split('\n')) {
    if (line.trim() === '') {
      prevBlank = true;
      cur = null;
      continue;
    }
    const m = /^([0-9a-f]{4,})  ((?:[0-9a-f]{2} ?)+)/.exec(line);
    if (!m && /^Frame \(\d+ bytes\):/.test(line)) {
      // A frame with several data sources names its own first.
      cur = [];
      heads.push('');
      prevBlank = false;
      continue;
    }
    if (m && /^0+$/.test(m[1]!) && prevBlank) {
      cur = [];
      heads.push('');
    }
    if (m && cur) {
      const bytes = m[2]!.trim().split(/ +/).slice(0, 16);
      cur.push(...bytes);
      heads[heads.length - 1] = cur.slice(0, 64).join('');
    }
    if (!m) cur = null;
    prevBlank = false;
  }
  return heads;
}

export function epochOf(f: FrameRec): string {
  return `${f.tsSec}.${String(f.tsNsec).padStart(9, '0')}`;
}

export function hexHead(data: Uint8Array | undefined, n = 64): string {
  if (!data) return '';
  let s = '';
  for (let i = 0; i < Math.min(n, data.length); i++) s += data[i]!.toString(16).padStart(2, '0');
  return s;
}

/** Differences between our frames and tshark's (µs-exact time, lengths, first 64 bytes). */
export function compareFrames(ours: FrameRec[], theirs: TsharkFrame[], timeDigits = 6): string[] {
  const diffs: string[] = [];
  if (ours.length !== theirs.length) diffs.push(`frame count ${ours.length} vs tshark ${theirs.length}`);
  const cut = (e: string) => {
    const [s, frac = ''] = e.split('.');
    return `${s}.${frac.padEnd(9, '0').slice(0, timeDigits)}`;
  };
  for (let i = 0; i < Math.min(ours.length, theirs.length); i++) {
    const a = ours[i]!;
    const b = theirs[i]!;
    const mine = [a.index, cut(epochOf(a)), a.origLen, a.caplen, hexHead(a.data)];
    const other = [b.number, cut(b.epoch), b.len, b.capLen, b.head];
    if (JSON.stringify(mine) !== JSON.stringify(other)) {
      diffs.push(`frame ${i + 1}: ours ${JSON.stringify(mine)} tshark ${JSON.stringify(other)}`);
      if (diffs.length > 10) break;
    }
  }
  return diffs;
}
