/**
 * Structured JSON logs of an action, on standard error: standard output carries only the
 * outputs, so its last line stays the outputs object. Secrets never reach the log: inputs
 * whose names say they hold one are masked, and pino redacts the usual paths.
 */
import { pino, type Logger } from 'pino';
import { REDACTED_PATHS } from '../../observability/logger.ts';

const SECRET_NAME = /token|password|secret|webhook|credential|key$/i;

export function createActionLogger(
  actionType: string,
  level: string,
  write: (text: string) => void,
): Logger {
  const known = level === 'silent' || level in pino.levels.values;
  return pino(
    {
      level: known ? level : 'info',
      base: { action: actionType },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    { write },
  );
}

/** A copy with the values of secret-looking keys replaced, for logging. */
export function maskSecretInputs(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => [
      name,
      SECRET_NAME.test(name) ? '[redacted]' : value,
    ]),
  );
}
