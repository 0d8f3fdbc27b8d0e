/**
 * Retries an API call on answers that a retry can fix (429, 5xx, a network error), with
 * capped exponential backoff, as client-go's retry.OnError does for status writers.
 */
import { statusCodeOf } from './errors.ts';

export function isRetriable(error: unknown): boolean {
  const code = statusCodeOf(error);
  return code === undefined || code === 429 || code >= 500;
}

export async function retryOnError<T>(
  call: () => Promise<T>,
  options: {
    attempts?: number;
    baseMs?: number;
    maxMs?: number;
    retriable?: (error: unknown) => boolean;
  } = {},
): Promise<T> {
  const attempts = options.attempts ?? 8;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= attempts || !(options.retriable ?? isRetriable)(error)) throw error;
      const delay = Math.min(options.maxMs ?? 2_000, (options.baseMs ?? 20) * 2 ** (attempt - 1));
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
