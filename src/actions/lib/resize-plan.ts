/**
 * The new request and limit of one container resource (pure): by a factor of the current
 * limit (or request), or to a given value, never above the ceiling and never below what is
 * set now; the request scales by the same ratio and never exceeds the limit.
 */
import type { V1ResourceRequirements } from '@kubernetes/client-node';
import { formatQuantity, parseQuantity } from '../../kube/quantity.ts';
import { ActionError, invalidInput } from '../runtime/action-error.ts';

export interface ResizeInputs {
  resource: 'memory' | 'cpu';
  factor: number;
  value?: string;
  ceiling: string;
}

export interface ResizePlan {
  resources: V1ResourceRequirements;
  summary: ResizeSummary;
}

export interface ResizeSummary {
  previousLimit: string;
  limit: string;
  previousRequest: string;
  request: string;
  /** The ceiling cut the wanted value. */
  capped: boolean;
}

export function planResize(
  current: V1ResourceRequirements | undefined,
  inputs: ResizeInputs,
): ResizePlan {
  const { resource } = inputs;
  const ceiling = quantityInput('ceiling', inputs.ceiling);
  const oldRequest = parseQuantity(current?.requests?.[resource]);
  const base = parseQuantity(current?.limits?.[resource]) ?? oldRequest;
  const wanted = wantedValue(inputs, base);
  const limit = Math.min(wanted, ceiling);
  if (base !== undefined && limit <= base) {
    throw new ActionError(
      'Refused',
      `${resource} is ${formatQuantity(resource, base)} already; the ceiling ${inputs.ceiling} leaves no room to increase it`,
    );
  }
  const ratio = base === undefined ? 1 : limit / base;
  const request = Math.min(limit, oldRequest === undefined ? limit : oldRequest * ratio);
  return {
    resources: {
      ...current,
      limits: { ...current?.limits, [resource]: formatQuantity(resource, limit) },
      requests: { ...current?.requests, [resource]: formatQuantity(resource, request) },
    },
    summary: {
      previousLimit: current?.limits?.[resource] ?? '',
      limit: formatQuantity(resource, limit),
      previousRequest: current?.requests?.[resource] ?? '',
      request: formatQuantity(resource, request),
      capped: wanted > ceiling,
    },
  };
}

function wantedValue(inputs: ResizeInputs, base: number | undefined): number {
  if (inputs.value !== undefined) return quantityInput('value', inputs.value);
  if (inputs.factor <= 1) throw invalidInput('factor', `must be above 1, got ${inputs.factor}`);
  if (base === undefined) {
    throw invalidInput(
      'value',
      `the container sets no ${inputs.resource} limit or request to multiply: give a value`,
    );
  }
  return base * inputs.factor;
}

function quantityInput(field: string, text: string): number {
  const value = parseQuantity(text);
  if (value === undefined || value <= 0) {
    throw invalidInput(field, `"${text}" is not a positive quantity such as 512Mi or 500m`);
  }
  return value;
}
