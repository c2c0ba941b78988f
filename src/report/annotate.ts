/**
 * --annotate: a pcapng copy of every input frame (bytes, link type, timestamps and original
 * lengths unchanged) where each frame a finding cites carries that finding as a packet comment
 * (opt_comment: Wireshark shows it and filters it with frame.comment) and the section header
 * carries the verdict. The evidence is known only at the end of the analysis, so the inputs are
 * read a second time instead of keeping frames in memory; standard input cannot be re-read.
 * Key-log secrets go in as a Decryption Secrets Block only when asked.
 */
import { FileSource } from '../capture/file-source.js';
import type { Frame, InterfaceInfo } from '../capture/frame.js';
import { PcapngWriter, SECRETS_TLS_KEYLOG } from '../capture/pcapng-writer.js';
import type { FrameSink } from '../capture/source.js';
import { evidenceKind, verdictLine } from './messages.js';
import type { Report } from './model.js';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Longest comment written (pcapng options hold at most 65 535 bytes; Wireshark shows one line). */
export const MAX_COMMENT_CHARS = 2000;

export interface AnnotateOptions {
  /** NSS key log text to embed as a Decryption Secrets Block (only with --annotate-secrets). */
  secrets?: string | null;
  version?: string;
  /** Connection id → file label, when the report no longer lists its connections (streamed JSON). */
  connectionFiles?: Map<number, string>;
}

export interface AnnotateResult {
  frames: number;
  commented: number;
  comments: number;
}

function clip(s: string, n = MAX_COMMENT_CHARS): string {
  return s.length <= n ? s : s.slice(0, n - 1) + '…';
}

/** The comments for each frame of each input file (by file index), from the findings. */
export function frameComments(r: Report, files: string[], connFile: Map<number, string> = new Map(r.connections.map((c) => [c.id, c.file]))): Map<number, Map<number, string[]>> {
  const out = new Map<number, Map<number, string[]>>();
  const fileIndex = (f: Any): number => {
    const label = f.connection !== null && f.connection !== undefined ? connFile.get(f.connection) : undefined;
    const i = label === undefined ? -1 : files.indexOf(label);
    return i >= 0 ? i : 0;
  };
  const add = (file: number, frame: number, text: string): void => {
    if (!out.has(file)) out.set(file, new Map());
    const m = out.get(file)!;
    const list = m.get(frame) ?? [];
    if (!list.includes(text)) list.push(text);
    m.set(frame, list);
  };
  const v = r['verdict'] as Any | undefined;
  const verdictFindings = new Set(((v?.evidence ?? []) as Any[]).map((e) => `${e.finding}:${e.frame}`));
  for (const f of (r['findings'] as Any[] | undefined) ?? []) {
    const file = fileIndex(f);
    const whatByFrame = new Map<number, string>(((f.evidence ?? []) as Any[]).map((e) => [e.frame, e.what]));
    const frames = new Set<number>([...((f.frames ?? []) as number[]), ...whatByFrame.keys()]);
    for (const frame of frames) {
      const what = whatByFrame.get(frame);
      const inVerdict = verdictFindings.has(`${f.id}:${frame}`) ? ' [verdict evidence]' : '';
      const text = `rdpdiag ${f.id} (${f.severity}/${f.confidence}/${evidenceKind(Boolean(f.documented))})${f.connection ? ` #${f.connection}` : ''}: ${f.title}${what ? ` — this frame: ${what}` : ''}${inVerdict}`;
      add(file, frame, clip(text));
    }
  }
  return out;
}

export function verdictComment(r: Report): string | null {
  const v = r['verdict'] as Any | undefined;
  if (!v) return null;
  return clip(`rdpdiag ${verdictLine(v)}. ${v.summary}${v.reason ? ` ${v.reason}` : ''}`, 8000);
}

/** Writes the annotated copy; reads every input file again (never standard input). */
export async function annotateCapture(r: Report, files: string[], out: string, opts: AnnotateOptions = {}): Promise<AnnotateResult> {
  const comments = frameComments(r, files, opts.connectionFiles);
  const w = new PcapngWriter(out, { comment: verdictComment(r), application: `rdpdiag ${opts.version ?? ''}`.trim() });
  const result: AnnotateResult = { frames: 0, commented: 0, comments: 0 };
  try {
    if (opts.secrets) w.addSecrets(SECRETS_TLS_KEYLOG, new TextEncoder().encode(opts.secrets));
    for (let i = 0; i < files.length; i++) {
      const perFrame = comments.get(i);
      /** (interface id, link type) of the input → interface id in the output. */
      const ids = new Map<string, number>();
      const infos = new Map<number, InterfaceInfo>();
      const sink: FrameSink = {
        frame: (f: Frame) => {
          const key = `${f.ifIndex}:${f.linkType}`;
          let id = ids.get(key);
          if (id === undefined) {
            const info = infos.get(f.ifIndex);
            const spec: { linkType: number; snaplen: number; name?: string } = { linkType: f.linkType, snaplen: info?.snaplen ?? 0 };
            if (info?.name !== undefined) spec.name = info.name;
            id = w.addInterface(spec);
            ids.set(key, id);
          }
          const c = perFrame?.get(f.index);
          if (c) {
            result.commented++;
            result.comments += c.length;
          }
          result.frames++;
          w.packet(id, f.tsSec, f.tsNsec, f.data, f.origLen, c ?? [], f.direction);
        },
        // The first pass reported these already.
        issue: () => undefined,
        interface: (info: InterfaceInfo) => {
          infos.set(info.id, { ...info });
        },
        secrets: () => undefined,
      };
      await new FileSource(files[i]!, i).run(sink);
    }
  } finally {
    w.close();
  }
  return result;
}
