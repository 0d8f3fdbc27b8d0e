/**
 * A container's environment as the kubelet builds it: envFrom sources first, then env in
 * order, with fieldRef, configMapKeyRef and secretKeyRef resolved through the API.
 */
import type { CoreV1Api, V1Container, V1EnvVar, V1Pod } from '@kubernetes/client-node';

export class EnvResolutionError extends Error {
  override readonly name = 'EnvResolutionError';
}

export async function resolveContainerEnv(
  core: CoreV1Api,
  pod: V1Pod,
  container: V1Container,
): Promise<Record<string, string>> {
  const namespace = pod.metadata?.namespace ?? 'default';
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    const data = source.configMapRef
      ? await readConfigMap(
          core,
          namespace,
          source.configMapRef.name ?? '',
          source.configMapRef.optional,
        )
      : source.secretRef
        ? await readSecret(core, namespace, source.secretRef.name ?? '', source.secretRef.optional)
        : {};
    for (const [key, value] of Object.entries(data)) env[`${source.prefix ?? ''}${key}`] = value;
  }
  for (const variable of container.env ?? []) {
    const value = await resolveVariable(core, pod, variable, env);
    if (value !== undefined) env[variable.name] = value;
  }
  return env;
}

async function resolveVariable(
  core: CoreV1Api,
  pod: V1Pod,
  variable: V1EnvVar,
  env: Record<string, string>,
): Promise<string | undefined> {
  const namespace = pod.metadata?.namespace ?? 'default';
  const from = variable.valueFrom;
  if (!from) return expand(variable.value ?? '', env);
  if (from.fieldRef) return readField(pod, from.fieldRef.fieldPath);
  const reference = from.configMapKeyRef ?? from.secretKeyRef;
  if (!reference) return undefined;
  const kind = from.configMapKeyRef ? 'ConfigMap' : 'Secret';
  const read = from.configMapKeyRef ? readConfigMap : readSecret;
  const { name = '', key, optional } = reference;
  const value = (await read(core, namespace, name, optional))[key];
  if (value === undefined && !optional) {
    throw new EnvResolutionError(`couldn't find key ${key} in ${kind} ${namespace}/${name}`);
  }
  return value;
}

/** $(VAR) references to earlier variables, as Kubernetes expands them; $$ escapes. */
function expand(value: string, env: Record<string, string>): string {
  return value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name?: string) =>
    name === undefined ? '$' : (env[name] ?? whole),
  );
}

function readField(pod: V1Pod, path: string): string {
  const annotation = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (annotation) {
    const map = annotation[1] === 'labels' ? pod.metadata?.labels : pod.metadata?.annotations;
    return map?.[annotation[2] ?? ''] ?? '';
  }
  const fields: Record<string, string | undefined> = {
    'metadata.name': pod.metadata?.name,
    'metadata.namespace': pod.metadata?.namespace,
    'metadata.uid': pod.metadata?.uid,
    'spec.nodeName': pod.spec?.nodeName,
    'spec.serviceAccountName': pod.spec?.serviceAccountName,
    'status.podIP': pod.status?.podIP,
    'status.hostIP': pod.status?.hostIP,
  };
  return fields[path] ?? '';
}

async function readConfigMap(
  core: CoreV1Api,
  namespace: string,
  name: string,
  optional?: boolean,
): Promise<Record<string, string>> {
  try {
    return (await core.readNamespacedConfigMap({ name, namespace })).data ?? {};
  } catch (error) {
    if (optional) return {};
    throw new EnvResolutionError(`configmap "${name}" not found: ${String(error)}`);
  }
}

async function readSecret(
  core: CoreV1Api,
  namespace: string,
  name: string,
  optional?: boolean,
): Promise<Record<string, string>> {
  try {
    const data = (await core.readNamespacedSecret({ name, namespace })).data ?? {};
    return Object.fromEntries(
      Object.entries(data).map(([key, value]) => [
        key,
        Buffer.from(value, 'base64').toString('utf8'),
      ]),
    );
  } catch (error) {
    if (optional) return {};
    throw new EnvResolutionError(`secret "${name}" not found: ${String(error)}`);
  }
}
