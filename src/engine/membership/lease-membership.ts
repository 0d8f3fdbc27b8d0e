/**
 * Membership of the dispatcher's replicas through `coordination.k8s.io/v1` Leases: each
 * replica holds `kubernaut-dispatcher-<identity>` and renews it every `renewIntervalMs`;
 * the live members are the Leases seen changing within their duration (live-members.ts).
 * Every replica watches all of them, so a join, a clean leave (the Lease deleted) or a
 * death (the Lease stops changing) reaches every replica, and each recomputes which runs
 * are its own (assignment.ts). No leader: nothing waits for an election.
 */
import {
  CoordinationV1Api,
  V1MicroTime,
  type KubeConfig,
  type V1Lease,
} from '@kubernetes/client-node';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../../api/labels.ts';
import { isNotFound, statusCodeOf } from '../../kube/errors.ts';
import { startInformer, type InformerHandle } from '../../kube/informer.ts';
import { retryOnError } from '../../kube/retry.ts';
import { liveMembers, sameMembers, type ObservedLease } from './live-members.ts';

export const MEMBERSHIP_LABEL = 'kubernaut.ai/membership';
export const MEMBERSHIP_VALUE = 'dispatcher';
const LEASE_PREFIX = 'kubernaut-dispatcher-';

export interface LeaseMembershipOptions {
  kc: KubeConfig;
  namespace: string;
  /** This replica's name: the pod name in a cluster. */
  identity: string;
  leaseDurationMs: number;
  renewIntervalMs: number;
  onMembersChanged: (members: readonly string[]) => void;
  onError?: (error: unknown) => void;
  nowMs?: () => number;
}

export function leaseNameOf(identity: string): string {
  return `${LEASE_PREFIX}${identity}`.slice(0, 253);
}

export class LeaseMembership {
  private readonly api: CoordinationV1Api;
  private readonly options: LeaseMembershipOptions;
  private readonly nowMs: () => number;
  private readonly observed = new Map<string, ObservedLease & { resourceVersion: string }>();
  private informer?: InformerHandle<V1Lease>;
  private renewTimer?: NodeJS.Timeout;
  private expiryTimer?: NodeJS.Timeout;
  private members: readonly string[] = [];
  private own?: V1Lease;
  private stopped = false;

  constructor(options: LeaseMembershipOptions) {
    this.options = options;
    this.api = options.kc.makeApiClient(CoordinationV1Api);
    this.nowMs = options.nowMs ?? Date.now;
  }

  get leaseName(): string {
    return leaseNameOf(this.options.identity);
  }

  currentMembers(): readonly string[] {
    return this.members;
  }

  /** Takes this replica's Lease, then watches everyone's; resolves once both are done. */
  async start(): Promise<void> {
    // A replica starting while the API server is flaky must still join, not crash-loop.
    await retryOnError(() => this.renew(), { attempts: 20, maxMs: 5_000 });
    const { namespace } = this.options;
    const selector = `${MEMBERSHIP_LABEL}=${MEMBERSHIP_VALUE}`;
    this.informer = startInformer<V1Lease>({
      kc: this.options.kc,
      path: `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases`,
      labelSelector: selector,
      list: () => this.api.listNamespacedLease({ namespace, labelSelector: selector }),
      onEvent: (event, lease) => {
        this.observe(event, lease);
      },
      ...(this.options.onError ? { onError: this.options.onError } : {}),
    });
    await this.informer.synced;
    this.scheduleRenew();
  }

  /**
   * Graceful leave: stop renewing and delete the Lease, so the others take this replica's
   * runs over at once instead of after a lease duration.
   */
  async release(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.renewTimer);
    clearTimeout(this.expiryTimer);
    await this.informer?.stop();
    await this.api
      .deleteNamespacedLease({ name: this.leaseName, namespace: this.options.namespace })
      .catch((error: unknown) => {
        if (!isNotFound(error)) this.options.onError?.(error);
      });
  }

  /** Stops without deleting the Lease: what a crash looks like to the others (tests). */
  async abandon(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.renewTimer);
    clearTimeout(this.expiryTimer);
    await this.informer?.stop();
  }

  private observe(event: 'add' | 'update' | 'delete', lease: V1Lease): void {
    const identity = lease.spec?.holderIdentity;
    const name = lease.metadata?.name ?? '';
    if (event === 'delete' || !identity) {
      this.observed.delete(name);
    } else {
      const resourceVersion = lease.metadata?.resourceVersion ?? '';
      const previous = this.observed.get(name);
      if (previous?.resourceVersion !== resourceVersion) {
        this.observed.set(name, {
          identity,
          durationMs: (lease.spec?.leaseDurationSeconds ?? 15) * 1000,
          observedAtMs: this.nowMs(),
          resourceVersion,
        });
      }
    }
    this.evaluate();
  }

  private evaluate(): void {
    if (this.stopped) return;
    const { members, nextExpiryMs } = liveMembers(this.observed.values(), this.nowMs());
    clearTimeout(this.expiryTimer);
    if (nextExpiryMs !== undefined) {
      this.expiryTimer = setTimeout(
        () => {
          this.evaluate();
        },
        Math.max(0, nextExpiryMs - this.nowMs()) + 1,
      );
      this.expiryTimer.unref();
    }
    if (sameMembers(members, this.members)) return;
    this.members = members;
    this.options.onMembersChanged(members);
  }

  private scheduleRenew(): void {
    if (this.stopped) return;
    this.renewTimer = setTimeout(() => {
      this.renew()
        .catch((error: unknown) => this.options.onError?.(error))
        .finally(() => {
          this.scheduleRenew();
        });
    }, this.options.renewIntervalMs);
    this.renewTimer.unref();
  }

  /** Creates the Lease, or replaces it with a new renewTime carrying our resourceVersion. */
  private async renew(): Promise<void> {
    const { namespace, identity, leaseDurationMs } = this.options;
    const now = new V1MicroTime(this.nowMs());
    const spec = {
      holderIdentity: identity,
      leaseDurationSeconds: Math.ceil(leaseDurationMs / 1000),
      renewTime: now,
      acquireTime: this.own?.spec?.acquireTime ?? now,
    };
    if (this.own?.metadata?.resourceVersion) {
      try {
        this.own = await this.api.replaceNamespacedLease({
          name: this.leaseName,
          namespace,
          body: { ...this.own, spec: { ...this.own.spec, ...spec } },
        });
        return;
      } catch (error) {
        // 409: someone changed it (a restarted replica with our name); 404: deleted.
        // Either way fall through and take it afresh.
        if (statusCodeOf(error) !== 409 && !isNotFound(error)) throw error;
      }
    }
    const body: V1Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: this.leaseName,
        namespace,
        labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [MEMBERSHIP_LABEL]: MEMBERSHIP_VALUE },
      },
      spec,
    };
    try {
      this.own = await this.api.createNamespacedLease({ namespace, body });
    } catch (error) {
      if (statusCodeOf(error) !== 409) throw error;
      // Someone else's object under our name (a restarted replica, or a hand-made Lease):
      // take it over with our labels, or the watch would never count us as a member.
      const current = await this.api.readNamespacedLease({ name: this.leaseName, namespace });
      this.own = await this.api.replaceNamespacedLease({
        name: this.leaseName,
        namespace,
        body: {
          ...current,
          metadata: {
            ...current.metadata,
            labels: { ...current.metadata?.labels, ...body.metadata?.labels },
          },
          spec: { ...current.spec, ...spec },
        },
      });
    }
  }
}
