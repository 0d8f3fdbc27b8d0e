/**
 * A multiset of timestamps kept sorted, so "how many in (after, upTo]" is two binary searches.
 * The storm limit asks it for every alert over every run a template ever started: a scan
 * made a storm of new alerts quadratic.
 */
export class SortedTimes {
  private readonly times: number[] = [];

  get size(): number {
    return this.times.length;
  }

  add(time: number): void {
    this.times.splice(this.firstAbove(time), 0, time);
  }

  /** Removes one occurrence of `time`, if any. */
  delete(time: number): void {
    const at = this.firstAtLeast(time);
    if (this.times[at] === time) this.times.splice(at, 1);
  }

  /** How many lie in (after, upTo]. */
  countBetween(after: number, upTo: number): number {
    return Math.max(0, this.firstAbove(upTo) - this.firstAbove(after));
  }

  values(): readonly number[] {
    return this.times;
  }

  private firstAtLeast(time: number): number {
    return this.search((value) => value >= time);
  }

  private firstAbove(time: number): number {
    return this.search((value) => value > time);
  }

  /** The first index whose value passes `past` (which is false, then true, along the array). */
  private search(past: (value: number) => boolean): number {
    let low = 0;
    let high = this.times.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (past(this.times[middle] ?? Number.POSITIVE_INFINITY)) high = middle;
      else low = middle + 1;
    }
    return low;
  }
}
