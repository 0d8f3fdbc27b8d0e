// Validation of a PodDisruptionBudget spec, as pkg/apis/policy/validation reports it.

import type { StoredObject } from './object-store.ts';
import type { StatusCause } from './status-error.ts';

const PERCENT = /^(\d+)%$/;
const EVICTION_POLICIES = ['IfHealthyBudget', 'AlwaysAllow'];

function checkIntOrPercent(value: unknown, field: string): StatusCause[] {
  if (value === undefined || value === null) return [];
  const percent = typeof value === 'string' ? PERCENT.exec(value) : null;
  const ok =
    (typeof value === 'number' && Number.isInteger(value) && value >= 0) ||
    (percent !== null && Number(percent[1]) <= 100);
  return ok
    ? []
    : [
        {
          reason: 'FieldValueInvalid',
          field,
          message: `Invalid value: ${JSON.stringify(value)}: must be a non-negative integer or a percentage between 0% and 100%`,
        },
      ];
}

export function validateDisruptionBudget(obj: StoredObject): StatusCause[] {
  const spec = (obj['spec'] ?? {}) as Record<string, unknown>;
  const causes = [
    ...checkIntOrPercent(spec['minAvailable'], 'spec.minAvailable'),
    ...checkIntOrPercent(spec['maxUnavailable'], 'spec.maxUnavailable'),
  ];
  if (
    spec['minAvailable'] !== undefined &&
    spec['minAvailable'] !== null &&
    spec['maxUnavailable'] !== undefined &&
    spec['maxUnavailable'] !== null
  ) {
    causes.push({
      reason: 'FieldValueInvalid',
      field: 'spec',
      message: 'Invalid value: minAvailable and maxUnavailable cannot be both set',
    });
  }
  const policy = spec['unhealthyPodEvictionPolicy'];
  if (policy !== undefined && (typeof policy !== 'string' || !EVICTION_POLICIES.includes(policy))) {
    causes.push({
      reason: 'FieldValueNotSupported',
      field: 'spec.unhealthyPodEvictionPolicy',
      message: `Unsupported value: ${JSON.stringify(policy)}: supported values: "AlwaysAllow", "IfHealthyBudget"`,
    });
  }
  return causes;
}
