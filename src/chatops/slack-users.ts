/**
 * Which scopes each Slack user has, from a file (YAML/JSON) so it can live in a ConfigMap:
 *
 *   defaultScopes: [run, read]          # everyone in the workspace that can see the command
 *   users:
 *     U012ABCDEF: [run, read, approve]  # Slack user ids, not display names (those change)
 *
 * Without a file every Slack user gets `run` and `read`: approving needs an explicit grant.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { scopeSchema, type Scope } from '../auth/scopes.ts';
import { formatProblems, problemsFromZod } from '../workflow/problems.ts';

export const DEFAULT_SLACK_SCOPES: readonly Scope[] = ['run', 'read'];

export const slackUsersSchema = z.strictObject({
  defaultScopes: z.array(scopeSchema).default([...DEFAULT_SLACK_SCOPES]),
  users: z
    .record(
      z.string().regex(/^[UW][A-Z0-9]+$/, 'must be a Slack user id such as U012ABCDEF'),
      z.array(scopeSchema),
    )
    .default({}),
});
export type SlackUsers = z.infer<typeof slackUsersSchema>;

export const DEFAULT_SLACK_USERS: SlackUsers = {
  defaultScopes: [...DEFAULT_SLACK_SCOPES],
  users: {},
};

export function scopesOfSlackUser(config: SlackUsers, userId: string): readonly Scope[] {
  return config.users[userId] ?? config.defaultScopes;
}

export async function loadSlackUsers(path: string): Promise<SlackUsers> {
  const parsed = slackUsersSchema.safeParse(parseYaml(await readFile(path, 'utf8')) ?? {});
  if (!parsed.success)
    throw new Error(`${path}:\n${formatProblems(problemsFromZod(parsed.error))}`);
  return parsed.data;
}
