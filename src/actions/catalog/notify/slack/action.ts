/**
 * Posts a message to Slack through an incoming webhook. The webhook URL is the credential: it
 * comes from a mounted Secret file, the input or SLACK_WEBHOOK_URL, and is never logged.
 */
import { ActionError } from '../../../runtime/action-error.ts';
import { defineAction } from '../../../runtime/define-action.ts';
import { readSecretInput } from '../../../lib/http/read-secret-input.ts';
import { expectSuccess, sendRequest } from '../../../lib/http/send-request.ts';

interface Inputs {
  webhookUrl?: string;
  webhookUrlFile?: string;
  text: string;
  blocks?: unknown[];
  username?: string;
  iconEmoji?: string;
  timeoutSeconds: number;
}

const LABEL = 'the Slack webhook';

export default defineAction<Inputs>(async (context) => {
  const { webhookUrl, webhookUrlFile, text, blocks, username, iconEmoji, timeoutSeconds } =
    context.inputs;
  const url = await readSecretInput(context, {
    file: webhookUrlFile,
    value: webhookUrl,
    envName: 'SLACK_WEBHOOK_URL',
    what: 'the Slack webhook URL',
  });
  if (url === undefined)
    throw new ActionError(
      'Failed',
      'no Slack webhook URL: set webhookUrlFile (a mounted Secret), webhookUrl or SLACK_WEBHOOK_URL',
    );
  if (!/^https?:\/\//.test(url))
    throw new ActionError('Failed', 'the Slack webhook URL must be http(s)');
  const body = {
    text,
    ...(blocks ? { blocks } : {}),
    ...(username ? { username } : {}),
    ...(iconEmoji ? { icon_emoji: iconEmoji } : {}),
  };
  const answer = expectSuccess(
    await sendRequest({
      method: 'POST',
      url,
      json: body,
      timeoutMs: timeoutSeconds * 1000,
      signal: context.signal,
      label: LABEL,
    }),
    LABEL,
  );
  context.log.info({ status: answer.status }, 'posted to Slack');
  return { status: answer.status };
});
