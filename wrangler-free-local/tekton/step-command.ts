/**
 * How a Tekton step becomes a container of the simulated kubelet. Tekton rewrites every
 * step's command to run under its entrypoint binary (`/tekton/bin/entrypoint`), which runs
 * the step and then writes the step's results into the termination message. Here the
 * simulated entrypoint (step-entrypoint.js) is a host program run through the image's
 * `/bin/sh`, given the step as JSON:
 *
 * - a script is written to /tekton/scripts and run by its shebang's interpreter (Tekton's
 *   default `#!/bin/sh` + `set -e`), the interpreter resolved through the image first;
 * - the image's executables (image catalog `executables`) become shims in the container's
 *   root, and absolute container paths in the step (the image's executables, /tekton/…,
 *   /workspace/… and workspace mount paths) are prefixed with a marker that the entrypoint
 *   replaces with the container's root at run time — a host process cannot see /.
 *
 * See docs/adr/0005-simulated-tekton.md.
 */
import { join } from 'node:path';
import type { V1Container, V1EnvVar, V1VolumeMount } from '@kubernetes/client-node';
import { resolveCommand, type LocalImage } from '../cluster/image-catalog.ts';

/** Replaced by the container's root directory (KUBERNAUT_ROOT) inside the container. */
export const ROOT_MARKER = '@@KUBERNAUT_ROOT@@';
export const ENTRYPOINT_PROGRAM = join(import.meta.dirname, 'step-entrypoint.js');

export interface EntrypointSpec {
  /** The step's command line (host argv), unless it is a script. */
  argv?: string[];
  script?: { path: string; text: string; interpreter: string[] };
  /** Image executables by their container path, as host argv. */
  shims: Record<string, string[]>;
  workingDir?: string;
  /** Results to copy from /tekton/results into the termination message. */
  results: string[];
  /** `continue`: a failing step exits 0 and reports its exit code in the message instead. */
  onError?: 'continue' | 'stopAndFail';
}

export interface StepInput {
  /** Container name, `step-<name>`. */
  name: string;
  index: number;
  image: string;
  command?: string[];
  args?: string[];
  env?: V1EnvVar[];
  workingDir?: string;
  script?: string;
  onError?: 'continue' | 'stopAndFail';
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Prefixes absolute container paths under the given roots with the root marker. A path
 * must start at a word boundary of shell text (start, blank, quote, `=`, `:`, operators).
 */
export function rootPaths(text: string, roots: readonly string[]): string {
  if (roots.length === 0) return text;
  const alternatives = [...roots]
    .sort((a, b) => b.length - a.length)
    .map((root) => escapeRegExp(root.replace(/\/+$/, '')))
    .join('|');
  const pattern = new RegExp(
    `(^|[\\s"'=:;|&(<>\`])((?:${alternatives})(?:/[^\\s"';|&()<>\`]*)?)(?=$|[\\s"';|&()<>\`])`,
    'g',
  );
  return text.replace(
    pattern,
    (_whole, before: string, path: string) => `${before}${ROOT_MARKER}${path}`,
  );
}

/** The interpreter of a script from its shebang, resolved through the image's executables. */
export function interpreterOf(script: string, image: LocalImage): string[] {
  const shebang = /^#!\s*(\S+)(.*)$/m.exec(script.split('\n', 1)[0] ?? '');
  const [interpreter, ...rest]: [string, ...string[]] = shebang
    ? [shebang[1] ?? '/bin/sh', ...(shebang[2] ?? '').trim().split(/\s+/).filter(Boolean)]
    : ['/bin/sh'];
  const executables = image.executables ?? {};
  const own = executables[interpreter];
  if (own) return [...own, ...rest];
  const [program, ...programArgs] = rest;
  if (interpreter === '/usr/bin/env' && program) {
    const found = ['/bin', '/usr/bin', '/usr/local/bin']
      .map((dir) => executables[`${dir}/${program}`])
      .find((argv) => argv !== undefined);
    if (found) return [...found, ...programArgs];
  }
  return [interpreter, ...rest];
}

/** Tekton prefixes a script without a shebang with `#!/bin/sh` and `set -e`. */
export function withDefaultShebang(script: string): string {
  return script.startsWith('#!') ? script : `#!/bin/sh\nset -e\n${script}`;
}

export function stepContainer(
  step: StepInput,
  image: LocalImage | undefined,
  mounts: readonly V1VolumeMount[],
  results: readonly string[],
): V1Container {
  const roots = [
    '/tekton',
    '/workspace',
    ...mounts.map((mount) => mount.mountPath),
    ...Object.keys(image?.executables ?? {}),
  ];
  const env = (step.env ?? []).map((variable) =>
    variable.value === undefined
      ? variable
      : { ...variable, value: rootPaths(variable.value, roots) },
  );
  const base: V1Container = {
    name: step.name,
    image: step.image,
    env,
    volumeMounts: [...mounts],
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
  };
  const raw: V1Container = {
    ...base,
    ...(step.command ? { command: step.command } : {}),
    ...(step.args ? { args: step.args } : {}),
  };
  // An image the catalog lacks stays in ImagePullBackOff; a command the image lacks fails to
  // start: the kubelet reports both from the step as written.
  if (!image) return raw;
  const spec: EntrypointSpec = {
    shims: image.executables ?? {},
    results: [...results],
    ...(step.onError ? { onError: step.onError } : {}),
    ...(step.workingDir ? { workingDir: `${ROOT_MARKER}${step.workingDir}` } : {}),
  };
  if (step.script !== undefined) {
    const text = withDefaultShebang(step.script);
    spec.script = {
      path: `${ROOT_MARKER}/tekton/scripts/script-${String(step.index)}`,
      text: rootPaths(text, roots),
      interpreter: interpreterOf(text, image),
    };
  } else {
    const [executable, ...rest] = step.command ?? [];
    const argv = resolveCommand(image, {
      ...(executable === undefined
        ? {}
        : { command: [executable, ...rest.map((arg) => rootPaths(arg, roots))] }),
      ...(step.args ? { args: step.args.map((arg) => rootPaths(arg, roots)) } : {}),
    });
    if (typeof argv === 'string') return raw;
    spec.argv = argv;
  }
  return {
    ...base,
    command: ['/bin/sh'],
    args: [
      '-c',
      'exec "$@"',
      'tekton-entrypoint',
      process.execPath,
      ENTRYPOINT_PROGRAM,
      JSON.stringify(spec),
    ],
  };
}
