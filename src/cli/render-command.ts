/**
 * `kubernaut render <template.yaml...> --alert <payload.json>`: per alert of an Alertmanager
 * webhook payload, whether a template matches and the WorkflowExecution that would be
 * created (name, target, rendered inputs), offline — for trying templates before they reach
 * a cluster. Exits 1 when a template or the payload is invalid, 0 otherwise.
 */
import { readFile } from 'node:fs/promises';
import { parseAllDocuments, stringify } from 'yaml';
import { sortTemplates, type CompiledTemplate } from '../alerts/match-templates.ts';
import { parseWebhookPayload } from '../alerts/webhook-payload.ts';
import { compileObject } from '../intake/template-catalog.ts';
import { readAll, type CommandIo } from './command-io.ts';
import { decideAlerts, type AlertDecision } from './render-alerts.ts';

const USAGE =
  'Usage: kubernaut render <template.yaml...> --alert <payload.json|->  (- reads standard input)\n';

export async function runRender(args: readonly string[], io: CommandIo): Promise<number> {
  const alertAt = args.indexOf('--alert');
  const alertFile = alertAt >= 0 ? args[alertAt + 1] : undefined;
  const templateFiles = args.filter((_, index) => index !== alertAt && index !== alertAt + 1);
  if (alertFile === undefined || templateFiles.length === 0) {
    io.stderr.write(USAGE);
    return 2;
  }
  const templates: CompiledTemplate[] = [];
  let problems = 0;
  for (const file of templateFiles) {
    const text = await readText(file, io);
    if (text === undefined) return 1;
    parseAllDocuments(text).forEach((document, index) => {
      const value: unknown = document.toJS();
      if (value === null || value === undefined) return;
      const compiled = compileObject(value);
      if (typeof compiled === 'string') {
        io.stderr.write(`${file}:${String(index + 1)} ${compiled}\n`);
        problems++;
      } else templates.push(compiled);
    });
  }
  const text = await readText(alertFile, io);
  if (text === undefined) return 1;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    io.stderr.write(`${alertFile}: not JSON: ${(error as Error).message}\n`);
    return 1;
  }
  const payload = parseWebhookPayload(body, new Date());
  if (!payload.ok) {
    io.stderr.write(`${alertFile}: not an Alertmanager webhook payload: ${payload.error}\n`);
    return 1;
  }
  for (const decision of decideAlerts(sortTemplates(templates), payload.payload)) {
    io.stdout.write(formatDecision(decision));
  }
  return problems > 0 ? 1 : 0;
}

function formatDecision(decision: AlertDecision): string {
  const who = `alert ${String(decision.index)}${decision.alertname ? ` ${decision.alertname}` : ''}`;
  const template = decision.template ? ` template ${decision.template}` : '';
  const reason = decision.reason ? `: ${decision.reason}` : '';
  const head = `# ${who}:${template} ${decision.decision}${reason}\n`;
  if (!decision.run) return head;
  const note = decision.note ? `# note: ${decision.note}\n` : '';
  return `${head}${note}---\n${stringify(decision.run)}`;
}

async function readText(file: string, io: CommandIo): Promise<string | undefined> {
  try {
    return file === '-' ? await readAll(io.stdin) : await readFile(file, 'utf8');
  } catch (error) {
    io.stderr.write(
      `${file}: cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`,
    );
    return undefined;
  }
}
