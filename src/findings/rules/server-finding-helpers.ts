/**
 * Shared test for the server rules and healthy.session-active: a session that reached the
 * active phase but was dropped by the server within seconds, with no graphics output from the
 * server after activation (inferred: not a working session).
 */
import type { ConnView } from '../context.js';
import { firstCloseFrame } from './rdp-finding-helpers.js';

/** Seconds after activation within which a silent server close counts as a refusal. */
export const DROP_AFTER_ACTIVATION_SECONDS = 15;

export function serverDroppedAfterActivation(v: ConnView): { activeFrame: number; seconds: number } | null {
  const rec = v.rec;
  const active = rec?.machine.phases.find((p) => p.name === 'active');
  if (!rec || !active || active.inferred) return null;
  const close = firstCloseFrame(v);
  const serverClosed = v.close.closedBy === 'server' || (close !== null && !close.fromClient);
  if (!close || !serverClosed) return null;
  const seconds = close.ts - active.ts;
  if (seconds > DROP_AFTER_ACTIVATION_SECONDS) return null;
  const decrypted = rec.tls.decryption?.ok === true;
  // Graphics output: server fast-path PDUs, or (without keys) sizeable server records.
  const output = rec.timeline.events.some(
    (e) =>
      e.frame > active.frame &&
      (e as { dir?: number }).dir === 1 &&
      (e.type === 'rdp.fastpath' || (!decrypted && e.type === 'tls.app_record' && (e as { length: number }).length > 100)),
  );
  if (output) return null;
  return { activeFrame: active.frame, seconds };
}
