/** Protocol-level rules (RDP negotiation, TLS, CredSSP, Kerberos, RD Gateway, server refusals, RDP-UDP). */
import type { Rule } from '../rule.js';

export const protocolRules: Rule[] = [];
