/**
 * Remembers the resourceVersion each of our own status writes replaced, per object. Until
 * the cache moves past it, a reconcile would act on the state before our write (a second
 * Job create, a second log read, a 409): the reconciler skips it, and the watch event of
 * our write brings the key back. resourceVersions are compared for equality only, as the
 * API conventions require (they are opaque).
 */
export class WrittenVersions {
  private readonly replaced = new Map<string, string>();

  /** After a successful write of `key` that replaced `resourceVersion`. */
  wrote(key: string, resourceVersion: string | undefined): void {
    if (resourceVersion) this.replaced.set(key, resourceVersion);
  }

  /** True while the cached object is still the one our last write replaced. */
  isStale(key: string, cachedResourceVersion: string | undefined): boolean {
    const replaced = this.replaced.get(key);
    if (replaced === undefined) return false;
    if (replaced === cachedResourceVersion) return true;
    this.replaced.delete(key);
    return false;
  }

  forget(key: string): void {
    this.replaced.delete(key);
  }
}
