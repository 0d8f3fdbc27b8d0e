/**
 * Image references as Docker and the distribution spec write them:
 * `[registry/]repository[:tag][@digest]`. The first component is a registry when it has a
 * `.` or `:` or is `localhost`; otherwise the image is on Docker Hub (`docker.io`), where a
 * one-component name lives under `library/`.
 */
import { RegistryError } from './registry-error.ts';

export interface ImageReference {
  /** Host and optional port, e.g. `ghcr.io`, `127.0.0.1:5000`, `docker.io`. */
  registry: string;
  /** The repository path, e.g. `library/nginx`. */
  repository: string;
  tag?: string;
  /** `algorithm:hex`, e.g. `sha256:…`. */
  digest?: string;
}

export const DOCKER_HUB = 'docker.io';
/** Where Docker Hub's distribution API actually lives. */
export const DOCKER_HUB_API_HOST = 'registry-1.docker.io';

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REPOSITORY_RE = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const TAG_RE = /^[\w][\w.-]{0,127}$/;
export const DIGEST_RE = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

/** Parses an image reference; throws RegistryError INVALID_REFERENCE naming the bad part. */
export function parseImageReference(text: string): ImageReference {
  const fail = (reason: string): never => {
    throw new RegistryError('INVALID_REFERENCE', text, reason);
  };
  if (text.length === 0 || text.length > 1024 || /\s/.test(text)) {
    fail('not an image reference (empty, too long or containing spaces)');
  }
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_RE.test(digest)) {
      fail(`digest "${digest}" is not sha256:<64 hex digits> (or sha512:<128>)`);
    }
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_RE.test(tag)) fail(`tag "${tag}" is not a valid tag`);
  }
  const { registry, repository } = splitRegistry(rest);
  if (!REPOSITORY_RE.test(repository)) {
    fail(
      `repository "${repository}" must be lowercase path components ([a-z0-9] separated by . _ __ -)`,
    );
  }
  return {
    registry,
    repository,
    ...(tag === undefined ? {} : { tag }),
    ...(digest === undefined ? {} : { digest }),
  };
}

/** `host/path` → registry and repository, with Docker Hub's defaults. */
function splitRegistry(name: string): { registry: string; repository: string } {
  const slash = name.indexOf('/');
  const first = slash >= 0 ? name.slice(0, slash) : '';
  const isHost =
    slash >= 0 &&
    (first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('['));
  const registry =
    !isHost || first === 'index.docker.io' || first === DOCKER_HUB_API_HOST ? DOCKER_HUB : first;
  const repository = isHost ? name.slice(slash + 1) : name;
  return {
    registry,
    repository:
      registry === DOCKER_HUB && !repository.includes('/') ? `library/${repository}` : repository,
  };
}

/** `registry/repository[:tag][@digest]`, or with the given tag or digest instead of its own. */
export function formatImageReference(ref: ImageReference, reference?: string): string {
  const name = `${ref.registry}/${ref.repository}`;
  if (reference !== undefined)
    return DIGEST_RE.test(reference) ? `${name}@${reference}` : `${name}:${reference}`;
  return `${name}${ref.tag === undefined ? '' : `:${ref.tag}`}${ref.digest === undefined ? '' : `@${ref.digest}`}`;
}

/** The host:port to send distribution API requests to. */
export function apiHostOf(registry: string): string {
  return registry === DOCKER_HUB ? DOCKER_HUB_API_HOST : registry;
}

/** The host part of `host[:port]`, without IPv6 brackets. */
export function hostnameOf(registry: string): string {
  if (registry.startsWith('[')) return registry.slice(1, registry.indexOf(']'));
  const colon = registry.lastIndexOf(':');
  return colon >= 0 ? registry.slice(0, colon) : registry;
}

/** Docker treats these as insecure without being told: localhost, 127.0.0.0/8 and ::1. */
export function isLoopbackRegistry(registry: string): boolean {
  const host = hostnameOf(registry).toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}
