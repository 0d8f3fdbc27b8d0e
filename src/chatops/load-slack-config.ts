/** Slack's signing secret (a mounted Secret) and the Slack users file, read at start. */
import { readFile } from 'node:fs/promises';
import { DEFAULT_SLACK_USERS, loadSlackUsers, type SlackUsers } from './slack-users.ts';

export interface SlackConfig {
  signingSecret: string;
  users: SlackUsers;
}

export async function loadSlackConfig(files: {
  signingSecretFile: string;
  usersFile?: string | undefined;
}): Promise<SlackConfig> {
  const signingSecret = (await readFile(files.signingSecretFile, 'utf8')).trim();
  if (signingSecret.length < 16) {
    throw new Error(`${files.signingSecretFile}: the Slack signing secret is too short`);
  }
  const users = files.usersFile ? await loadSlackUsers(files.usersFile) : DEFAULT_SLACK_USERS;
  return { signingSecret, users };
}
