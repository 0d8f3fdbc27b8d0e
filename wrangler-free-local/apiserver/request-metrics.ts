// Requests served, by verb, resource and code: kube-apiserver's `apiserver_request_total`,
// served at /metrics in Prometheus' text format. Tests use it to count what clients really
// did (e.g. Job creates that succeeded), which the objects alone cannot tell.

export class RequestMetrics {
  private readonly counts = new Map<string, number>();

  count(verb: string, resource: string, code: number): void {
    const key = `${verb}\u0000${resource}\u0000${String(code)}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** Requests matching every given field. */
  total(filter: { verb?: string; resource?: string; code?: number }): number {
    let sum = 0;
    for (const [key, value] of this.counts) {
      const [verb, resource, code] = key.split('\u0000');
      if (filter.verb !== undefined && verb !== filter.verb) continue;
      if (filter.resource !== undefined && resource !== filter.resource) continue;
      if (filter.code !== undefined && code !== String(filter.code)) continue;
      sum += value;
    }
    return sum;
  }

  render(): string {
    const lines = [
      '# HELP apiserver_request_total Counter of apiserver requests broken out for each verb, resource, and HTTP response code.',
      '# TYPE apiserver_request_total counter',
    ];
    for (const [key, value] of [...this.counts].sort(([a], [b]) => a.localeCompare(b))) {
      const [verb = '', resource = '', code = ''] = key.split('\u0000');
      lines.push(
        `apiserver_request_total{code="${code}",resource="${resource}",verb="${verb.toUpperCase()}"} ${String(value)}`,
      );
    }
    return `${lines.join('\n')}\n`;
  }
}
