/** The custom resources the dispatcher owns, with what `kubectl get` shows of each. */
import { actionExecutionSpecSchema, actionExecutionStatusSchema } from '../action-execution.ts';
import {
  remediationTemplateSpecSchema,
  remediationTemplateStatusSchema,
} from '../remediation-template.ts';
import {
  workflowExecutionSpecSchema,
  workflowExecutionStatusSchema,
} from '../workflow-execution.ts';
import type { ResourceDefinition } from './build-crd.ts';

export const RESOURCE_DEFINITIONS: readonly ResourceDefinition[] = [
  {
    kind: 'WorkflowExecution',
    plural: 'workflowexecutions',
    singular: 'workflowexecution',
    shortNames: ['wfe'],
    description: 'One remediation run: a DAG of signed action steps and its progress.',
    spec: workflowExecutionSpecSchema,
    status: workflowExecutionStatusSchema,
    printerColumns: [
      { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
      { name: 'Progress', type: 'string', jsonPath: '.status.progress' },
      { name: 'Backend', type: 'string', jsonPath: '.status.backend.name' },
      { name: 'Workflow', type: 'string', jsonPath: '.spec.workflowType', priority: 1 },
      { name: 'Target', type: 'string', jsonPath: '.spec.target', priority: 1 },
    ],
    // The on-demand API's list filters run on the API server, page by page (ADR 0017).
    selectableFields: [
      { jsonPath: '.spec.templateRef.name' },
      { jsonPath: '.spec.target' },
      { jsonPath: '.status.phase' },
    ],
  },
  {
    kind: 'ActionExecution',
    plural: 'actionexecutions',
    singular: 'actionexecution',
    shortNames: ['ae'],
    description: 'One attempt of one workflow step on the Jobs backend.',
    spec: actionExecutionSpecSchema,
    status: actionExecutionStatusSchema,
    printerColumns: [
      { name: 'Workflow', type: 'string', jsonPath: '.spec.workflowRef.name' },
      { name: 'Step', type: 'string', jsonPath: '.spec.step' },
      { name: 'Attempt', type: 'integer', jsonPath: '.spec.attempt' },
      { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
      { name: 'Job', type: 'string', jsonPath: '.status.jobName', priority: 1 },
    ],
  },
  {
    kind: 'RemediationTemplate',
    plural: 'remediationtemplates',
    singular: 'remediationtemplate',
    shortNames: ['rt'],
    description: 'Maps matching alerts to a remediation workflow, with guardrails.',
    spec: remediationTemplateSpecSchema,
    status: remediationTemplateStatusSchema,
    printerColumns: [
      { name: 'Workflow', type: 'string', jsonPath: '.spec.workflowType' },
      { name: 'Priority', type: 'integer', jsonPath: '.spec.priority' },
      { name: 'Last-Run', type: 'date', jsonPath: '.status.lastRun.startedAt' },
    ],
  },
];
