/**
 * An explicit handshake state machine: named phases in their protocol order, reached only
 * forwards, each with the frame and time of the transition and whether it was inferred
 * (from record sizes and directions) or seen (decoded, possibly after decryption).
 */
export const DIRECT_RDP_PHASES = ['tcp-connect', 'x224', 'tls', 'credssp', 'mcs', 'secure-settings', 'licensing', 'capabilities', 'active'] as const;
export const GATEWAY_PHASES = ['tcp-connect', 'tls', 'http-auth', 'tunnel', 'channel', 'inner-rdp'] as const;
export const KERBEROS_PHASES = ['request', 'reply'] as const;
export const RDPUDP_PHASES = ['syn', 'syn-ack', 'data'] as const;

export interface PhaseRecord {
  name: string;
  frame: number;
  ts: number;
  inferred: boolean;
}

export class PhaseMachine {
  readonly phases: PhaseRecord[] = [];
  private index = -1;
  /** Terminal state once the connection ended: 'failed' or 'closed'. */
  terminal: 'failed' | 'closed' | null = null;

  constructor(readonly order: readonly string[]) {}

  get current(): string | null {
    return this.index >= 0 ? this.order[this.index]! : null;
  }

  /** Moves forward to `name` (earlier phases are not revisited). A seen phase replaces an inferred one. */
  reach(name: string, frame: number, ts: number, inferred: boolean): boolean {
    const i = this.order.indexOf(name);
    if (i < 0) return false;
    if (i <= this.index) {
      if (!inferred) {
        const rec = this.phases.find((p) => p.name === name);
        if (rec && rec.inferred) {
          rec.inferred = false;
          rec.frame = frame;
          rec.ts = ts;
          return true;
        }
      }
      return false;
    }
    this.index = i;
    this.phases.push({ name, frame, ts, inferred });
    return true;
  }

  has(name: string): boolean {
    return this.phases.some((p) => p.name === name);
  }

  /** Whether the phase was reached and not merely inferred. */
  seen(name: string): boolean {
    return this.phases.some((p) => p.name === name && !p.inferred);
  }

  end(kind: 'failed' | 'closed'): void {
    if (!this.terminal) this.terminal = kind;
  }
}
