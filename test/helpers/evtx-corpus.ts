/**
 * The public EVTX corpus (../shared/evtx/public) and its python-evtx oracle dumps
 * (`*.records.tsv.baseline`, format in its MANIFEST.md), read into comparable records.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { SHARED } from './shared.js';

export const EVTX_CORPUS = join(SHARED, 'evtx', 'public');
export const HAVE_EVTX_CORPUS = existsSync(join(EVTX_CORPUS, 'MANIFEST.md'));
if (!HAVE_EVTX_CORPUS) console.warn(`[skip] ../shared/evtx/public not found at ${EVTX_CORPUS}: EVTX corpus tests are skipped`);

function walk(d: string): string[] {
  return readdirSync(d).flatMap((n) => {
    const p = join(d, n);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.evtx') ? [p] : [];
  });
}

export function evtxFiles(): string[] {
  return HAVE_EVTX_CORPUS ? walk(EVTX_CORPUS).sort() : [];
}

export function corpusName(path: string): string {
  return relative(EVTX_CORPUS, path);
}

export interface BaselineRecord {
  recordId: number;
  time: string;
  provider: string;
  eventId: number;
  channel: string;
  computer: string;
  data: [string, string][];
  /** The record header's number (python-evtx's own count, column 8). */
  headerNumber: number;
}

/** Undoes the TSV escapes (\\ \t \n \r \;). */
function unescape(s: string): string {
  return s.replace(/\\([\\tnr;])/g, (_, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : c));
}

/** Splits the pair column on unescaped ';' and each pair on its first '='. */
function pairs(col: string): [string, string][] {
  if (col === '') return [];
  const out: [string, string][] = [];
  let cur = '';
  for (let i = 0; i < col.length; i++) {
    const c = col[i]!;
    if (c === '\\' && i + 1 < col.length) {
      cur += c + col[i + 1]!;
      i++;
    } else if (c === ';') {
      out.push(splitPair(cur));
      cur = '';
    } else cur += c;
  }
  out.push(splitPair(cur));
  return out;
}

function splitPair(p: string): [string, string] {
  const i = p.indexOf('=');
  return i < 0 ? [unescape(p), ''] : [unescape(p.slice(0, i)), unescape(p.slice(i + 1))];
}

export function readBaseline(evtxPath: string): BaselineRecord[] {
  const lines = readFileSync(evtxPath + '.records.tsv.baseline', 'utf8').split('\n').filter((l) => l !== '');
  return lines.map((l) => {
    const c = l.split('\t');
    return {
      recordId: Number(c[0]),
      time: c[1]!,
      provider: unescape(c[2]!),
      eventId: Number(c[3]),
      channel: unescape(c[4]!),
      computer: unescape(c[5]!),
      data: pairs(c[6] ?? ''),
      headerNumber: Number(c[7]),
    };
  });
}
