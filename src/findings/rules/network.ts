/** Network- and transport-level rules (TCP, ICMP, MTU, fragments, loss, path, capture loss). */
import type { Rule } from '../rule.js';
import { rule as synRefused } from './tcp-syn-refused.js';
import { rule as synUnanswered } from './tcp-syn-unanswered.js';

export const networkRules: Rule[] = [synUnanswered, synRefused];
