// Field numbers of the messages kubectl's generators send, from k8s.io/api and
// k8s.io/apimachinery generated.proto. Only what those commands set; see protobuf-reader.ts.

export type FieldKind =
  | 'string'
  | 'bytes'
  | 'bool'
  | 'int'
  | 'skip'
  | { map: 'string' | 'bytes' }
  | { message: () => MessageDesc };

export interface FieldDesc {
  name: string;
  kind: FieldKind;
  repeated?: boolean;
  /** A Go pointer field: present means set, even when zero. */
  pointer?: boolean;
  /** Serialized even when empty (no omitempty in the Go JSON tag). */
  keep?: boolean;
}

export interface MessageDesc {
  fields: Record<number, FieldDesc>;
}

const msg = (fields: Record<number, FieldDesc>): MessageDesc => ({ fields });
const str = (name: string): FieldDesc => ({ name, kind: 'string' });
const ptrInt = (name: string): FieldDesc => ({ name, kind: 'int', pointer: true });
const ptrBool = (name: string): FieldDesc => ({ name, kind: 'bool', pointer: true });
const sub = (name: string, m: () => MessageDesc, extra: Partial<FieldDesc> = {}): FieldDesc => ({
  name,
  kind: { message: m },
  ...extra,
});
const strings = (name: string): FieldDesc => ({ name, kind: 'string', repeated: true });

const OWNER_REFERENCE = msg({
  1: str('kind'),
  3: str('name'),
  4: str('uid'),
  5: str('apiVersion'),
  6: ptrBool('controller'),
  7: ptrBool('blockOwnerDeletion'),
});

const OBJECT_META = msg({
  1: str('name'),
  2: str('generateName'),
  3: str('namespace'),
  4: { name: 'selfLink', kind: 'skip' },
  5: str('uid'),
  6: str('resourceVersion'),
  7: { name: 'generation', kind: 'int' },
  8: { name: 'creationTimestamp', kind: 'skip' },
  9: { name: 'deletionTimestamp', kind: 'skip' },
  10: ptrInt('deletionGracePeriodSeconds'),
  11: { name: 'labels', kind: { map: 'string' } },
  12: { name: 'annotations', kind: { map: 'string' } },
  13: sub('ownerReferences', () => OWNER_REFERENCE, { repeated: true }),
  14: strings('finalizers'),
});

const TYPE_META = msg({ 1: str('apiVersion'), 2: str('kind') });

export const UNKNOWN = msg({
  1: sub('typeMeta', () => TYPE_META),
  2: { name: 'raw', kind: 'bytes' },
  3: str('contentEncoding'),
  4: str('contentType'),
});

const LOCAL_REF = msg({ 1: str('name') });
const OBJECT_REF = msg({
  1: str('kind'),
  2: str('namespace'),
  3: str('name'),
  4: str('uid'),
  5: str('apiVersion'),
  6: str('resourceVersion'),
  7: str('fieldPath'),
});
const LABEL_SELECTOR_REQUIREMENT = msg({ 1: str('key'), 2: str('operator'), 3: strings('values') });
const LABEL_SELECTOR = msg({
  1: { name: 'matchLabels', kind: { map: 'string' } },
  2: sub('matchExpressions', () => LABEL_SELECTOR_REQUIREMENT, { repeated: true }),
});
const QUANTITY_MAP: FieldKind = { map: 'string' };
const RESOURCES = msg({
  1: { name: 'limits', kind: QUANTITY_MAP },
  2: { name: 'requests', kind: QUANTITY_MAP },
});
const CONTAINER_PORT = msg({
  1: str('name'),
  2: { name: 'hostPort', kind: 'int' },
  3: { name: 'containerPort', kind: 'int', keep: true },
  4: str('protocol'),
  5: str('hostIP'),
});
const ENV_VAR = msg({ 1: { name: 'name', kind: 'string', keep: true }, 2: str('value') });
const CONTAINER = msg({
  1: { name: 'name', kind: 'string', keep: true },
  2: str('image'),
  3: strings('command'),
  4: strings('args'),
  5: str('workingDir'),
  6: sub('ports', () => CONTAINER_PORT, { repeated: true }),
  7: sub('env', () => ENV_VAR, { repeated: true }),
  8: sub('resources', () => RESOURCES, { keep: true }),
  13: str('terminationMessagePath'),
  14: str('imagePullPolicy'),
  16: { name: 'stdin', kind: 'bool' },
  17: { name: 'stdinOnce', kind: 'bool' },
  18: { name: 'tty', kind: 'bool' },
  20: str('terminationMessagePolicy'),
});
const POD_SPEC = msg({
  2: sub('containers', () => CONTAINER, { repeated: true, keep: true }),
  3: str('restartPolicy'),
  4: ptrInt('terminationGracePeriodSeconds'),
  5: ptrInt('activeDeadlineSeconds'),
  6: str('dnsPolicy'),
  7: { name: 'nodeSelector', kind: { map: 'string' } },
  8: str('serviceAccountName'),
  9: str('serviceAccount'),
  10: str('nodeName'),
  11: { name: 'hostNetwork', kind: 'bool' },
  12: { name: 'hostPID', kind: 'bool' },
  13: { name: 'hostIPC', kind: 'bool' },
  15: sub('imagePullSecrets', () => LOCAL_REF, { repeated: true }),
  16: str('hostname'),
  17: str('subdomain'),
  19: str('schedulerName'),
  24: str('priorityClassName'),
});
const POD_TEMPLATE_SPEC = msg({
  1: sub('metadata', () => OBJECT_META),
  2: sub('spec', () => POD_SPEC),
});
const SKIP_STATUS: FieldDesc = { name: 'status', kind: 'skip' };

const NAMESPACE = msg({
  1: sub('metadata', () => OBJECT_META),
  2: sub('spec', () => msg({ 1: strings('finalizers') })),
  3: SKIP_STATUS,
});
const CONFIG_MAP = msg({
  1: sub('metadata', () => OBJECT_META),
  2: { name: 'data', kind: { map: 'string' } },
  3: { name: 'binaryData', kind: { map: 'bytes' } },
  4: ptrBool('immutable'),
});
const SECRET = msg({
  1: sub('metadata', () => OBJECT_META),
  2: { name: 'data', kind: { map: 'bytes' } },
  3: str('type'),
  4: { name: 'stringData', kind: { map: 'string' } },
  5: ptrBool('immutable'),
});
const SERVICE_ACCOUNT = msg({
  1: sub('metadata', () => OBJECT_META),
  2: sub('secrets', () => OBJECT_REF, { repeated: true }),
  3: sub('imagePullSecrets', () => LOCAL_REF, { repeated: true }),
  4: ptrBool('automountServiceAccountToken'),
});
const POD = msg({
  1: sub('metadata', () => OBJECT_META),
  2: sub('spec', () => POD_SPEC),
  3: SKIP_STATUS,
});
const JOB = msg({
  1: sub('metadata', () => OBJECT_META),
  2: sub('spec', () =>
    msg({
      1: ptrInt('parallelism'),
      2: ptrInt('completions'),
      3: ptrInt('activeDeadlineSeconds'),
      4: sub('selector', () => LABEL_SELECTOR),
      5: ptrBool('manualSelector'),
      6: sub('template', () => POD_TEMPLATE_SPEC, { keep: true }),
      7: ptrInt('backoffLimit'),
      8: ptrInt('ttlSecondsAfterFinished'),
      10: ptrBool('suspend'),
    }),
  ),
  3: SKIP_STATUS,
});
const DEPLOYMENT = msg({
  1: sub('metadata', () => OBJECT_META),
  2: sub('spec', () =>
    msg({
      1: ptrInt('replicas'),
      2: sub('selector', () => LABEL_SELECTOR),
      3: sub('template', () => POD_TEMPLATE_SPEC, { keep: true }),
      4: sub('strategy', () => msg({ 1: str('type') })),
      5: { name: 'minReadySeconds', kind: 'int' },
      6: ptrInt('revisionHistoryLimit'),
      7: { name: 'paused', kind: 'bool' },
      9: ptrInt('progressDeadlineSeconds'),
    }),
  ),
  3: SKIP_STATUS,
});

/** Decodable kinds by `apiVersion/kind`. */
export const PROTO_KINDS: Record<string, MessageDesc> = {
  'v1/Namespace': NAMESPACE,
  'v1/ConfigMap': CONFIG_MAP,
  'v1/Secret': SECRET,
  'v1/ServiceAccount': SERVICE_ACCOUNT,
  'v1/Pod': POD,
  'batch/v1/Job': JOB,
  'apps/v1/Deployment': DEPLOYMENT,
};
