/**
 * The name of the run an alert starts, derived from what makes it one remediation: the
 * template, the target and the alert's firing episode (its `startsAt`, which Alertmanager
 * keeps for the life of an alert and shares between HA peers). Every repeat of a
 * notification, from any replica or any Alertmanager, maps to the same name, so creating it
 * again answers AlreadyExists: the API server is the dedup authority (invariant 2).
 */
import { hash } from 'node:crypto';
import { DNS1123_LABEL_MAX } from '../api/primitives.ts';

const HASH_LENGTH = 12;

export function alertRunName(
  templateKey: string,
  templateName: string,
  target: string,
  startsAt: string,
): string {
  const digest = hash('sha256', `${templateKey}\n${target}\n${startsAt}`, 'hex').slice(
    0,
    HASH_LENGTH,
  );
  // A DNS label, not just a subdomain: child names (`<run>-<step>-<attempt>`) build on it.
  const room = DNS1123_LABEL_MAX - HASH_LENGTH - 1;
  const prefix = templateName.replaceAll('.', '-').slice(0, room).replace(/-+$/, '');
  return prefix ? `${prefix}-${digest}` : `run-${digest}`;
}

/** A label-safe stand-in for a target (label values hold no slashes). */
export function targetHash(target: string): string {
  return hash('sha256', target, 'hex').slice(0, 20);
}
