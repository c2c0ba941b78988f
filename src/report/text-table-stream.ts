/**
 * The text `--all` connection table, streamed: rows are formatted with fixed column widths as
 * connections finish and written to a temporary file, which is copied after the report. Nothing
 * holds every row (cli-table3 needs them all, and overflowed the stack on 200 000 connections).
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDuration } from '../core/time.js';
import type { ConnectionReport } from './model.js';

const COLUMNS: [string, number][] = [
  ['#', 7], ['proto', 11], ['client', 22], ['server', 22], ['start', 12], ['dur', 9], ['state', 6], ['history', 14],
  ['bytes c→s', 11], ['bytes s→c', 11], ['retx', 5], ['lost', 5], ['rst', 4], ['zwin', 4],
];

function line(cells: (string | number)[]): string {
  let s = '';
  for (let i = 0; i < cells.length; i++) {
    const v = String(cells[i]);
    const w = COLUMNS[i]![1];
    s += (i === 0 ? '' : ' ') + (i === cells.length - 1 ? v : v.padEnd(w));
  }
  return s.trimEnd() + '\n';
}

export function tableRow(x: ConnectionReport): string {
  return line([
    x.id,
    (x['protocol'] as string | undefined) ?? x.transport,
    `${x.client.ip}:${x.client.port}`,
    `${x.server.ip}:${x.server.port}`,
    x.start.slice(11, 23),
    formatDuration(x.durationSec),
    x.state,
    x.history.length > 14 ? x.history.slice(0, 13) + '…' : x.history,
    x.bytes.client,
    x.bytes.server,
    x.tcp ? x.tcp.retransmissions + x.tcp.fastRetransmissions : '',
    x.tcp ? x.tcp.lostSegments : '',
    x.tcp ? x.tcp.resets : '',
    x.tcp ? x.tcp.zeroWindows : '',
  ]);
}

export class StreamedConnectionTable {
  private dir: string | null = null;
  private fd = -1;
  private readonly buf = Buffer.allocUnsafe(1 << 18);
  private pos = 0;
  rows = 0;

  row(c: ConnectionReport): void {
    const s = tableRow(c);
    if (this.pos + s.length * 3 > this.buf.length) this.flush();
    this.pos += this.buf.write(s, this.pos, 'utf8');
    this.rows++;
  }

  private flush(): void {
    if (this.pos === 0) return;
    if (this.fd < 0) {
      this.dir = mkdtempSync(join(tmpdir(), 'rdpdiag-table-'));
      this.fd = openSync(join(this.dir, 'rows'), 'w+');
    }
    for (let off = 0; off < this.pos; ) off += writeSync(this.fd, this.buf, off, this.pos - off);
    this.pos = 0;
  }

  /** Writes the heading, then every row in the order connections finished. */
  copyTo(write: (b: Uint8Array) => void): void {
    write(Buffer.from(`\nAll connections (${this.rows}, in the order they finished):\n` + line(COLUMNS.map((c) => c[0])), 'utf8'));
    if (this.fd < 0) {
      write(this.buf.subarray(0, this.pos));
      return;
    }
    this.flush();
    const chunk = Buffer.allocUnsafe(1 << 18);
    for (let at = 0; ; ) {
      const n = readSync(this.fd, chunk, 0, chunk.length, at);
      if (n <= 0) break;
      write(chunk.subarray(0, n));
      at += n;
    }
  }

  dispose(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
  }
}
