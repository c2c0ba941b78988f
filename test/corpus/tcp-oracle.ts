/**
 * Compares our per-frame TCP analysis flags with tshark's expert messages on one file.
 */
import { analyzeFiles } from '../../src/analyze.js';
import { TcpA } from '../../src/reassembly/tcp-analysis.js';
import type { Report } from '../../src/report/model.js';
import { tsharkTcpFrames } from '../helpers/tshark.js';

export const FLAG_MESSAGES: [keyof typeof TcpA, string][] = [
  ['RETRANSMISSION', 'This frame is a (suspected) retransmission'],
  ['FAST_RETRANSMISSION', 'This frame is a (suspected) fast retransmission'],
  ['SPURIOUS_RETRANSMISSION', 'This frame is a (suspected) spurious retransmission'],
  ['OUT_OF_ORDER', 'This frame is a (suspected) out-of-order segment'],
  ['LOST_PACKET', 'Previous segment(s) not captured'],
  ['ACK_LOST_PACKET', "ACKed segment that wasn't captured"],
  ['DUPLICATE_ACK', 'Duplicate ACK'],
  ['ZERO_WINDOW', 'TCP Zero Window segment'],
  ['KEEP_ALIVE', 'TCP keep-alive segment'],
];

export interface FileComparison {
  file: string;
  ourFrames: number;
  tsharkFrames: number;
  /** Frames where either side flags something, and where both agree exactly. */
  flagged: number;
  agreeing: number;
  perFlag: Record<string, { ours: number; tshark: number; both: number }>;
  differences: { frame: number; ours: string[]; tshark: string[] }[];
  ourError?: string;
  report?: Report;
}

export function tsharkFlags(experts: string): Set<string> {
  const s = new Set<string>();
  for (const [name, msg] of FLAG_MESSAGES) if (experts.includes(msg)) s.add(name);
  // Wireshark also marks fast retransmissions as retransmissions.
  return s;
}

export function ourFlagNames(a: number): Set<string> {
  const s = new Set<string>();
  for (const [name] of FLAG_MESSAGES) if (a & TcpA[name]) s.add(name);
  if (a & (TcpA.FAST_RETRANSMISSION | TcpA.SPURIOUS_RETRANSMISSION)) s.add('RETRANSMISSION');
  return s;
}

export async function compareFile(file: string): Promise<FileComparison> {
  const flags = new Map<number, number>();
  let ourFrames = 0;
  let report: Report | undefined;
  let ourError: string | undefined;
  try {
    report = await analyzeFiles([file], {
      onFrame: () => {
        ourFrames++;
      },
      sessions: false,
      hooks: {
        tcpSegment: (_c, _p, _fc, a, frame) => {
          if (a) flags.set(frame, a);
        },
      },
    });
  } catch (e) {
    ourError = (e as Error).message;
  }
  const ts = await tsharkTcpFrames(file);
  const perFlag: FileComparison['perFlag'] = {};
  for (const [name] of FLAG_MESSAGES) perFlag[name] = { ours: 0, tshark: 0, both: 0 };
  let flagged = 0;
  let agreeing = 0;
  const differences: FileComparison['differences'] = [];
  const seen = new Set<number>();
  const check = (frame: number, theirs: Set<string>) => {
    const ours = ourFlagNames(flags.get(frame) ?? 0);
    if (ours.size === 0 && theirs.size === 0) return;
    flagged++;
    for (const n of ours) perFlag[n]!.ours++;
    for (const n of theirs) perFlag[n]!.tshark++;
    for (const n of ours) if (theirs.has(n)) perFlag[n]!.both++;
    const same = ours.size === theirs.size && [...ours].every((n) => theirs.has(n));
    if (same) agreeing++;
    else if (differences.length < 50) differences.push({ frame, ours: [...ours], tshark: [...theirs] });
  };
  for (const f of ts.frames) {
    seen.add(f.frame);
    check(f.frame, tsharkFlags(f.experts));
  }
  for (const frame of flags.keys()) if (!seen.has(frame)) check(frame, new Set());
  const out: FileComparison = { file, ourFrames, tsharkFrames: ts.frames.length, flagged, agreeing, perFlag, differences };
  if (ourError !== undefined) out.ourError = ourError;
  if (report !== undefined) out.report = report;
  return out;
}
