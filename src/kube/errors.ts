/** Classifying Kubernetes API errors by their HTTP code, as client-go's apierrors does. */
import { ApiException } from '@kubernetes/client-node';

export function statusCodeOf(error: unknown): number | undefined {
  if (error instanceof ApiException) return error.code;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

export const isNotFound = (error: unknown): boolean => statusCodeOf(error) === 404;
/** 409 from a create: the object exists already (deterministic names make that an adoption). */
export const isAlreadyExistsOrConflict = (error: unknown): boolean => statusCodeOf(error) === 409;

/** Runs a delete and treats "already gone" as success. */
export async function ignoreNotFound<T>(operation: Promise<T>): Promise<T | undefined> {
  try {
    return await operation;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** A create that answers 409 found the object made by an earlier attempt: adopt it. */
export async function adoptExisting(request: Promise<unknown>): Promise<void> {
  try {
    await request;
  } catch (error) {
    if (!isAlreadyExistsOrConflict(error)) throw error;
  }
}
