/**
 * The text after `/kubernaut`: `run <template> key=value...`, `status <run>`, `approve <run>
 * [reason]`, `reject <run> [reason]`, `cancel <run>`, `help`. A template or run is `name` (in
 * the default namespace) or `namespace/name`. Values may be quoted: key="two words". Pure.
 */

export interface ObjectRef {
  namespace: string;
  name: string;
}

export type SlashCommand =
  | { kind: 'run'; template: ObjectRef; parameters: Record<string, string> }
  | { kind: 'status' | 'cancel'; run: ObjectRef }
  | { kind: 'approve' | 'reject'; run: ObjectRef; reason?: string }
  | { kind: 'help' };

export type ParsedCommand = { ok: true; command: SlashCommand } | { ok: false; error: string };

export const SLASH_USAGE = [
  '`/kubernaut run <template> key=value ...` start a template run',
  '`/kubernaut status <run>` show a run',
  '`/kubernaut approve <run> [reason]` / `reject <run> [reason]` decide a run awaiting approval',
  '`/kubernaut cancel <run>` stop a run',
  '(<template> and <run> are `name` or `namespace/name`)',
].join('\n');

const NAME = /^(?:([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/)?([a-z0-9]([-.a-z0-9]*[a-z0-9])?)$/;

/** Splits on blanks, keeping "quoted strings" (with \" inside) together; undefined when a quote is open. */
export function tokenize(text: string): string[] | undefined {
  const tokens: string[] = [];
  let current: string | undefined;
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charAt(index);
    if (quoted && char === '\\' && index + 1 < text.length) {
      current = (current ?? '') + text.charAt(++index);
    } else if (char === '"') {
      quoted = !quoted;
      current ??= '';
    } else if (!quoted && /\s/.test(char)) {
      if (current !== undefined) tokens.push(current);
      current = undefined;
    } else {
      current = (current ?? '') + char;
    }
  }
  if (quoted) return undefined;
  if (current !== undefined) tokens.push(current);
  return tokens;
}

function parseRef(
  token: string | undefined,
  what: string,
  defaultNamespace: string,
): ObjectRef | string {
  if (token === undefined) return `name the ${what}`;
  const match = NAME.exec(token);
  if (!match) return `"${token}" is not a ${what} name (name or namespace/name)`;
  return { namespace: match[1] ?? defaultNamespace, name: match[3] ?? '' };
}

export function parseSlashCommand(text: string, defaultNamespace: string): ParsedCommand {
  const tokens = tokenize(text.trim());
  if (!tokens) return { ok: false, error: 'unbalanced quotes' };
  const [verb = 'help', target, ...rest] = tokens;
  switch (verb) {
    case 'help':
      return { ok: true, command: { kind: 'help' } };
    case 'run': {
      const template = parseRef(target, 'template', defaultNamespace);
      if (typeof template === 'string') return { ok: false, error: template };
      const parameters: Record<string, string> = {};
      for (const pair of rest) {
        const equals = pair.indexOf('=');
        if (equals <= 0) return { ok: false, error: `"${pair}" is not key=value` };
        parameters[pair.slice(0, equals)] = pair.slice(equals + 1);
      }
      return { ok: true, command: { kind: 'run', template, parameters } };
    }
    case 'status':
    case 'cancel':
    case 'approve':
    case 'reject': {
      const run = parseRef(target, 'run', defaultNamespace);
      if (typeof run === 'string') return { ok: false, error: run };
      if (verb === 'status' || verb === 'cancel') {
        return rest.length > 0
          ? { ok: false, error: `${verb} takes one run, not "${rest.join(' ')}"` }
          : { ok: true, command: { kind: verb, run } };
      }
      const reason = rest.join(' ');
      return { ok: true, command: { kind: verb, run, ...(reason ? { reason } : {}) } };
    }
    default:
      return { ok: false, error: `unknown command "${verb}"` };
  }
}
