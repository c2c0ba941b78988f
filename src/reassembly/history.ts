/**
 * Zeek's connection history letters (base/protocols/conn/main.zeek, TCP.cc update_history):
 * S syn, H syn-ack, A pure ack, D data, F fin, R rst, I fin+rst, Q multi-flag, T retransmission,
 * W zero window, G content gap, ^ direction flipped; upper case = originator. T, W and G are
 * recorded again each time their count reaches 10, 100, 1000…
 */
import type { Connection } from './connection.js';
import type { Endpoint } from './endpoint.js';

const BIT: Record<string, number> = { S: 1, H: 2, A: 4, D: 8, F: 16, R: 32, I: 64, Q: 128 };

function letter(c: Connection, fromClient: boolean, l: string): void {
  c.history += fromClient ? l : l.toLowerCase();
}

/** Records a letter once per direction. */
export function historyOnce(c: Connection, e: Endpoint, fromClient: boolean, l: string): boolean {
  const bit = BIT[l]!;
  if ((e.historySeen & bit) !== 0) return false;
  e.historySeen |= bit;
  letter(c, fromClient, l);
  return true;
}

/** Records a letter unconditionally (Zeek AddHistory). */
export function historyAdd(c: Connection, fromClient: boolean, l: string): void {
  letter(c, fromClient, l);
}

/** Scaled letters: at the 1st, 10th, 100th… occurrence. Returns the new count. */
export function historyScaled(c: Connection, fromClient: boolean, l: string, count: number): number {
  const n = count + 1;
  if (n === 1 || n === 10 || n === 100 || n === 1000 || n === 10000 || n === 100000) letter(c, fromClient, l);
  return n;
}
