/**
 * POSTs a JSON body built from a template and values (safe templating: `{{ name }}`
 * placeholders filled as data, no code evaluated) to a webhook; a non-2xx answer fails.
 */
import { ActionError } from '../../../runtime/action-error.ts';
import { defineAction } from '../../../runtime/define-action.ts';
import { readSecretInput } from '../../../lib/http/read-secret-input.ts';
import { renderTemplate } from '../../../lib/http/render-template.ts';
import { expectSuccess, sendRequest } from '../../../lib/http/send-request.ts';

interface Inputs {
  url?: string;
  urlFile?: string;
  template: Record<string, unknown>;
  values: Record<string, unknown>;
  headers: Record<string, unknown>;
  tokenFile?: string;
  timeoutSeconds: number;
}

export default defineAction<Inputs>(async (context) => {
  const { url, urlFile, template, values, headers, tokenFile, timeoutSeconds } = context.inputs;
  const target = await readSecretInput(context, {
    file: urlFile,
    value: url,
    envName: 'WEBHOOK_URL',
    what: 'the webhook URL',
  });
  if (target === undefined)
    throw new ActionError('Failed', 'no webhook URL: set url or urlFile (or WEBHOOK_URL)');
  if (!/^https?:\/\//.test(target))
    throw new ActionError('Failed', 'the webhook URL must be http(s)');
  const token = await readSecretInput(context, {
    file: tokenFile,
    envName: 'WEBHOOK_TOKEN',
    what: 'the token',
  });
  const extra = Object.fromEntries(
    Object.entries(headers).map(([k, v]) => [k.toLowerCase(), String(v)]),
  );
  const body = renderTemplate(template, values);
  const label = `the webhook at ${new URL(target).host}`;
  const answer = expectSuccess(
    await sendRequest({
      method: 'POST',
      url: target,
      headers: { ...extra, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      json: body,
      timeoutMs: timeoutSeconds * 1000,
      signal: context.signal,
      label,
    }),
    label,
  );
  context.log.info({ status: answer.status }, 'delivered');
  return { status: answer.status };
});
