/**
 * POST /api/v1/chatops/slack: Slack's slash command (`/kubernaut ...`). Slack signs each
 * request instead of sending a token, so this route checks the signature (401 when wrong or
 * older than five minutes) rather than `requireScope`; the Slack user becomes the caller
 * `slack:<user_id>` with the scopes the Slack users file grants. Answers use Slack's response
 * format: errors are ephemeral (only the caller sees them), a started run is posted in channel.
 */
import { Hono } from 'hono';
import type { WorkflowExecution } from '../src/api/workflow-execution.ts';
import { hasScope, type Scope } from '../src/auth/scopes.ts';
import {
  parseSlashCommand,
  SLASH_USAGE,
  type SlashCommand,
} from '../src/chatops/parse-slash-command.ts';
import { scopesOfSlackUser, type SlackUsers } from '../src/chatops/slack-users.ts';
import { verifySlackSignature } from '../src/chatops/verify-slack-signature.ts';
import { OnDemandError } from '../src/ondemand/on-demand-error.ts';
import type { RequestingCaller, WorkflowService } from '../src/ondemand/workflow-service.ts';
import type { AppEnv } from './app-env.ts';
import { limitBodySize, requireContentType } from './body-limits.ts';
import { HttpError } from './http-error.ts';

export const SLACK_PATH = '/api/v1/chatops/slack';
/** Slack's own limit for a slash command payload is far below this. */
const MAX_SLACK_BODY_BYTES = 64 * 1024;

export interface SlackRoutesOptions {
  service: Pick<WorkflowService, 'createRun' | 'getRunDetail' | 'cancelRun' | 'decide'>;
  signingSecret: string;
  users: SlackUsers;
  /** Where `run <template>` and `status <run>` look without a namespace. */
  defaultNamespace?: string;
  nowSeconds?: () => number;
}

interface SlackMessage {
  response_type: 'ephemeral' | 'in_channel';
  text: string;
}

const ephemeral = (text: string): SlackMessage => ({ response_type: 'ephemeral', text });
const mention = (caller: RequestingCaller): string => `<@${caller.name.replace(/^slack:/, '')}>`;

const SCOPE_OF: Record<SlashCommand['kind'], Scope | undefined> = {
  help: undefined,
  run: 'run',
  status: 'read',
  cancel: 'run',
  approve: 'approve',
  reject: 'approve',
};

function describeRun(run: WorkflowExecution): string {
  const { namespace = '', name = '' } = run.metadata;
  const phase = run.status?.phase ?? 'Pending';
  const steps = (run.status?.steps ?? []).map((step) => `${step.name} ${step.phase}`).join(', ');
  return `\`${namespace}/${name}\` is *${phase}*${steps ? ` (${steps})` : ''}`;
}

async function execute(
  service: SlackRoutesOptions['service'],
  caller: RequestingCaller,
  command: Exclude<SlashCommand, { kind: 'help' }>,
): Promise<SlackMessage> {
  switch (command.kind) {
    case 'run': {
      const { run } = await service.createRun(caller, {
        namespace: command.template.namespace,
        template: command.template.name,
        parameters: command.parameters,
      });
      const held = run.spec.approval?.required ? ': it waits for approval by someone else' : '';
      return {
        response_type: 'in_channel',
        text: `${mention(caller)} started \`${run.metadata.namespace ?? ''}/${run.metadata.name ?? ''}\`${held}`,
      };
    }
    case 'status': {
      const { run } = await service.getRunDetail(command.run.namespace, command.run.name);
      return ephemeral(describeRun(run));
    }
    case 'cancel': {
      const run = await service.cancelRun(caller, command.run.namespace, command.run.name);
      return { response_type: 'in_channel', text: `cancel requested: ${describeRun(run)}` };
    }
    case 'approve':
    case 'reject': {
      const decision = command.kind === 'approve' ? 'Approved' : 'Rejected';
      const run = await service.decide(
        caller,
        command.run.namespace,
        command.run.name,
        decision,
        command.reason,
      );
      return {
        response_type: 'in_channel',
        text: `${decision.toLowerCase()} by ${mention(caller)}: ${describeRun(run)}`,
      };
    }
  }
}

export function slackRoutes(options: SlackRoutesOptions): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  const nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  const defaultNamespace = options.defaultNamespace ?? 'default';
  routes.post(
    SLACK_PATH,
    limitBodySize({ maxBytes: MAX_SLACK_BODY_BYTES }),
    requireContentType({ types: ['application/x-www-form-urlencoded'] }),
    async function slackCommand(c) {
      // The signature covers the raw bytes: verify before parsing anything.
      const rawBody = await c.req.text();
      const verified = verifySlackSignature({
        signingSecret: options.signingSecret,
        timestamp: c.req.header('X-Slack-Request-Timestamp'),
        signature: c.req.header('X-Slack-Signature'),
        rawBody,
        nowSeconds: nowSeconds(),
      });
      if (!verified.ok) {
        throw new HttpError({ status: 401, code: 'InvalidSignature', message: verified.reason });
      }
      const form = new URLSearchParams(rawBody);
      const userId = form.get('user_id') ?? '';
      if (!/^[UW][A-Z0-9]+$/.test(userId)) {
        throw new HttpError({
          status: 400,
          code: 'InvalidRequest',
          message: 'user_id is missing or not a Slack user id',
          details: [{ field: 'user_id', message: 'must be a Slack user id' }],
        });
      }
      const caller: RequestingCaller = {
        name: `slack:${userId}`,
        scopes: scopesOfSlackUser(options.users, userId),
        via: 'slack',
      };
      c.set('caller', caller);
      const parsed = parseSlashCommand(form.get('text') ?? '', defaultNamespace);
      if (!parsed.ok) return c.json(ephemeral(`${parsed.error}\n${SLASH_USAGE}`));
      const { command } = parsed;
      if (command.kind === 'help') return c.json(ephemeral(SLASH_USAGE));
      const scope = SCOPE_OF[command.kind];
      if (scope && !hasScope(caller, scope)) {
        return c.json(
          ephemeral(
            `you lack the "${scope}" scope for \`${command.kind}\`: ask an admin to grant it in the Slack users file`,
          ),
        );
      }
      try {
        return c.json(await execute(options.service, caller, command));
      } catch (error) {
        // Slack shows anything but a 200 as a generic failure: say what went wrong instead.
        if (error instanceof OnDemandError) {
          const details = error.problems.map((p) => `• ${p.path}: ${p.message}`).join('\n');
          return c.json(ephemeral(`${error.message}${details ? `\n${details}` : ''}`));
        }
        throw error;
      }
    },
  );
  return routes;
}
