/**
 * What the simulated kubelet can "pull": images known by digest (or exact reference), each
 * mapping the executables of the image to host commands. A step image is run by its digest,
 * as a real node would, so an unknown digest stays in ImagePullBackOff.
 */

export interface LocalImage {
  /** The image's ENTRYPOINT, as a host command line. */
  entrypoint: string[];
  /** The image's CMD: default arguments when the container gives no args. */
  cmd?: string[];
  /** Other executables inside the image, by their path in the image (e.g. /action-entrypoint). */
  executables?: Record<string, string[]>;
}

const DIGEST_RE = /@(sha256:[a-f0-9]{64})$/;

export class ImageCatalog {
  private readonly byDigest = new Map<string, LocalImage>();
  private readonly byReference = new Map<string, LocalImage>();

  /** Registers an image under a digest (`sha256:…`) or an exact reference (`repo:tag`). */
  add(digestOrReference: string, image: LocalImage): this {
    if (digestOrReference.startsWith('sha256:')) this.byDigest.set(digestOrReference, image);
    else this.byReference.set(digestOrReference, image);
    return this;
  }

  resolve(reference: string): LocalImage | undefined {
    const digest = DIGEST_RE.exec(reference)?.[1];
    if (digest) return this.byDigest.get(digest);
    return this.byReference.get(reference);
  }
}

export interface ContainerCommandSpec {
  command?: string[];
  args?: string[];
}

/**
 * Kubernetes' rule: `command` replaces ENTRYPOINT and `args` replaces CMD. A command naming
 * an executable of the image runs its host command; /bin/sh runs the host shell. Anything
 * else does not exist in the image.
 */
export function resolveCommand(
  image: LocalImage,
  container: ContainerCommandSpec,
): string[] | string {
  const args = container.args ?? (container.command ? [] : (image.cmd ?? []));
  if (!container.command || container.command.length === 0) return [...image.entrypoint, ...args];
  const [executable = '', ...rest] = container.command;
  const host = image.executables?.[executable];
  if (host) return [...host, ...rest, ...args];
  if (executable === '/bin/sh' || executable === 'sh') return ['/bin/sh', ...rest, ...args];
  return `exec: "${executable}": stat ${executable}: no such file or directory: unknown`;
}
