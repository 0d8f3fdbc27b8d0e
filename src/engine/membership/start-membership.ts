/**
 * The replica's membership as main.ts wires it: Leases when enabled (the default, so
 * replicas of one Deployment share the runs), or a lone replica that owns every run.
 */
import { hostname } from 'node:os';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../../observability/logger.ts';
import { MemberAssignment, ownEverything, type RunAssignment } from './assignment.ts';
import { LeaseMembership } from './lease-membership.ts';

export interface MembershipSettings {
  mode: 'leases' | 'off';
  identity?: string | undefined;
  namespace?: string | undefined;
  leaseDurationSeconds: number;
  renewSeconds: number;
}

export interface Membership {
  assignment: RunAssignment;
  /** Leaves cleanly: the others take this replica's runs over at once. */
  release(): Promise<void>;
}

/** A Lease name part from a host name: DNS-1123, lower case. */
export function identityOf(podName: string | undefined): string {
  if (podName) return podName;
  const host = hostname()
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-');
  return `${host}-${String(process.pid)}`;
}

export async function startMembership(
  kc: KubeConfig,
  settings: MembershipSettings,
  logger: Logger,
): Promise<Membership> {
  if (settings.mode === 'off') {
    return { assignment: ownEverything, release: () => Promise.resolve() };
  }
  const identity = identityOf(settings.identity);
  const assignment = new MemberAssignment(identity);
  const membership = new LeaseMembership({
    kc,
    namespace: settings.namespace ?? 'default',
    identity,
    leaseDurationMs: settings.leaseDurationSeconds * 1000,
    renewIntervalMs: settings.renewSeconds * 1000,
    onMembersChanged: (members) => {
      logger.info({ members, identity }, 'replica membership changed; runs reassigned');
      assignment.setMembers(members);
    },
    onError: (error) => {
      logger.warn({ err: error }, 'membership Lease renewal or watch failed');
    },
  });
  await membership.start();
  return { assignment, release: () => membership.release() };
}
