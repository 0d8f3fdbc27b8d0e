// The built-in resources the server serves, with the discovery data of a v1.32 server.

import { EVENTS_V1_CONVERSION } from './event-conversion.ts';
import { defineBuiltin, type ResourceType, type ScaleSubresource } from './resource-type.ts';

const WORKLOAD_SCALE: ScaleSubresource = {
  specReplicasPath: '.spec.replicas',
  statusReplicasPath: '.status.replicas',
  labelSelectorPath: '.spec.selector',
};

const EVENT_FIELDS = [
  'involvedObject.kind',
  'involvedObject.namespace',
  'involvedObject.name',
  'involvedObject.uid',
  'involvedObject.apiVersion',
  'involvedObject.resourceVersion',
  'involvedObject.fieldPath',
  'reason',
  'reportingComponent',
  'source',
  'type',
];

export function listBuiltinTypes(): ResourceType[] {
  return [
    defineBuiltin({
      group: '',
      version: 'v1',
      resource: 'namespaces',
      kind: 'Namespace',
      namespaced: false,
      shortNames: ['ns'],
      hasStatus: true,
      nameRule: 'label',
      fieldSelectors: ['status.phase'],
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    }),
    defineBuiltin({
      group: '',
      version: 'v1',
      resource: 'pods',
      kind: 'Pod',
      namespaced: true,
      shortNames: ['po'],
      categories: ['all'],
      hasStatus: true,
      extraSubresources: ['log', 'eviction'],
      fieldSelectors: [
        'status.phase',
        'spec.nodeName',
        'spec.restartPolicy',
        'spec.schedulerName',
        'spec.serviceAccountName',
        'status.podIP',
        'status.nominatedNodeName',
      ],
    }),
    defineBuiltin({
      group: '',
      version: 'v1',
      resource: 'configmaps',
      kind: 'ConfigMap',
      namespaced: true,
      shortNames: ['cm'],
    }),
    defineBuiltin({
      group: '',
      version: 'v1',
      resource: 'secrets',
      kind: 'Secret',
      namespaced: true,
      fieldSelectors: ['type'],
    }),
    defineBuiltin({
      group: '',
      version: 'v1',
      resource: 'persistentvolumeclaims',
      kind: 'PersistentVolumeClaim',
      namespaced: true,
      shortNames: ['pvc'],
      hasStatus: true,
    }),
    defineBuiltin({
      group: '',
      version: 'v1',
      resource: 'events',
      kind: 'Event',
      namespaced: true,
      shortNames: ['ev'],
      fieldSelectors: EVENT_FIELDS,
    }),
    defineBuiltin({
      group: '',
      version: 'v1',
      resource: 'serviceaccounts',
      kind: 'ServiceAccount',
      namespaced: true,
      shortNames: ['sa'],
    }),
    defineBuiltin({
      group: '',
      version: 'v1',
      resource: 'nodes',
      kind: 'Node',
      namespaced: false,
      shortNames: ['no'],
      hasStatus: true,
      fieldSelectors: ['spec.unschedulable'],
    }),
    ...['deployments', 'replicasets', 'statefulsets', 'daemonsets'].map((resource) =>
      defineBuiltin({
        group: 'apps',
        version: 'v1',
        resource,
        kind:
          {
            deployments: 'Deployment',
            replicasets: 'ReplicaSet',
            statefulsets: 'StatefulSet',
            daemonsets: 'DaemonSet',
          }[resource] ?? '',
        namespaced: true,
        shortNames: [
          { deployments: 'deploy', replicasets: 'rs', statefulsets: 'sts', daemonsets: 'ds' }[
            resource
          ] ?? '',
        ],
        categories: ['all'],
        hasStatus: true,
        tracksGeneration: true,
        scale: resource === 'daemonsets' ? undefined : WORKLOAD_SCALE,
      }),
    ),
    defineBuiltin({
      group: 'batch',
      version: 'v1',
      resource: 'jobs',
      kind: 'Job',
      namespaced: true,
      categories: ['all'],
      hasStatus: true,
      tracksGeneration: true,
      // batch/v1 Jobs orphan their pods when deleted without a policy, for compatibility.
      defaultPropagation: 'Orphan',
      nameRule: 'label',
      fieldSelectors: ['status.successful'],
    }),
    defineBuiltin({
      group: 'policy',
      version: 'v1',
      resource: 'poddisruptionbudgets',
      kind: 'PodDisruptionBudget',
      namespaced: true,
      shortNames: ['pdb'],
      hasStatus: true,
      tracksGeneration: true,
    }),
    defineBuiltin({
      group: 'coordination.k8s.io',
      version: 'v1',
      resource: 'leases',
      kind: 'Lease',
      namespaced: true,
    }),
    defineBuiltin({
      group: 'events.k8s.io',
      version: 'v1',
      resource: 'events',
      kind: 'Event',
      namespaced: true,
      shortNames: ['ev'],
      // A view of the core/v1 Events storage.
      storageKey: '/events',
      conversion: EVENTS_V1_CONVERSION,
      fieldSelectors: [
        'regarding.kind',
        'regarding.namespace',
        'regarding.name',
        'regarding.uid',
        'reason',
        'type',
        'reportingController',
      ],
    }),
    defineBuiltin({
      group: 'apiextensions.k8s.io',
      version: 'v1',
      resource: 'customresourcedefinitions',
      kind: 'CustomResourceDefinition',
      namespaced: false,
      shortNames: ['crd', 'crds'],
      categories: ['api-extensions'],
      hasStatus: true,
      tracksGeneration: true,
    }),
  ];
}
