/** Network- and transport-level rules (TCP, ICMP, MTU, fragments, loss, path, capture loss). */
import { rule as mtuBlackholeRecovered } from './mtu-blackhole-recovered.js';
import type { Rule } from '../rule.js';
import { rule as captureLoss } from './capture-loss.js';
import { rule as icmpUnreachable } from './icmp-unreachable.js';
import { rule as fragmentsIncomplete } from './ip-fragments-incomplete.js';
import { rule as mtuBlackhole } from './mtu-blackhole.js';
import { rule as pathLost } from './path-lost.js';
import { rule as pmtud } from './pmtud-icmp.js';
import { rule as packetLoss } from './tcp-packet-loss.js';
import { rule as reset } from './tcp-reset.js';
import { rule as rttTimeout } from './tcp-rtt-timeout.js';
import { rule as synRefused } from './tcp-syn-refused.js';
import { rule as synUnanswered } from './tcp-syn-unanswered.js';
import { rule as rdpUdp } from './udp-rdpudp.js';

export const networkRules: Rule[] = [
  mtuBlackholeRecovered,
  synUnanswered, synRefused, icmpUnreachable, reset, mtuBlackhole, pmtud, fragmentsIncomplete, packetLoss, rttTimeout, pathLost, captureLoss, rdpUdp,
];
