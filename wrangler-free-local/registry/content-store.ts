/**
 * The local registry's storage: blobs by digest, manifests by digest with tags pointing at
 * them, per repository, and the referrers of each subject digest (OCI 1.1). In memory: the
 * action images are rebuilt byte for byte at every start.
 */
import { createHash } from 'node:crypto';

export interface StoredManifest {
  mediaType: string;
  digest: string;
  bytes: Uint8Array;
}

export interface ReferrerDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

export const sha256Of = (bytes: Uint8Array): string =>
  `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

interface Repository {
  manifests: Map<string, StoredManifest>;
  tags: Map<string, string>;
  referrers: Map<string, Map<string, ReferrerDescriptor>>;
}

export class ContentStore {
  private readonly blobs = new Map<string, Uint8Array>();
  private readonly repositories = new Map<string, Repository>();

  putBlob(bytes: Uint8Array): string {
    const digest = sha256Of(bytes);
    this.blobs.set(digest, bytes);
    return digest;
  }

  getBlob(digest: string): Uint8Array | undefined {
    return this.blobs.get(digest);
  }

  /** Stores a manifest under its digest, and under `reference` when that is a tag. */
  putManifest(
    repository: string,
    reference: string,
    mediaType: string,
    bytes: Uint8Array,
  ): StoredManifest {
    const digest = sha256Of(bytes);
    if (reference.startsWith('sha256:') && reference !== digest) {
      throw new Error(`manifest digest ${digest} is not the ${reference} it was put under`);
    }
    const repo = this.repository(repository);
    const stored = { mediaType, digest, bytes };
    repo.manifests.set(digest, stored);
    if (!reference.includes(':')) repo.tags.set(reference, digest);
    this.recordReferrer(repo, stored);
    return stored;
  }

  getManifest(repository: string, reference: string): StoredManifest | undefined {
    const repo = this.repositories.get(repository);
    const digest = reference.includes(':') ? reference : repo?.tags.get(reference);
    return digest === undefined ? undefined : repo?.manifests.get(digest);
  }

  tags(repository: string): string[] | undefined {
    const repo = this.repositories.get(repository);
    return repo ? [...repo.tags.keys()].sort() : undefined;
  }

  referrers(repository: string, digest: string): ReferrerDescriptor[] {
    return [...(this.repositories.get(repository)?.referrers.get(digest)?.values() ?? [])];
  }

  private repository(name: string): Repository {
    let repo = this.repositories.get(name);
    if (!repo) {
      repo = { manifests: new Map(), tags: new Map(), referrers: new Map() };
      this.repositories.set(name, repo);
    }
    return repo;
  }

  /** A manifest with a `subject` is a referrer of that digest (the OCI 1.1 referrers API). */
  private recordReferrer(repo: Repository, stored: StoredManifest): void {
    let json: {
      subject?: { digest?: unknown };
      artifactType?: unknown;
      config?: { mediaType?: unknown };
      annotations?: Record<string, string>;
    };
    try {
      json = JSON.parse(Buffer.from(stored.bytes).toString('utf8')) as typeof json;
    } catch {
      return;
    }
    const subject = json.subject?.digest;
    if (typeof subject !== 'string') return;
    const artifactType =
      typeof json.artifactType === 'string'
        ? json.artifactType
        : typeof json.config?.mediaType === 'string'
          ? json.config.mediaType
          : undefined;
    let bySubject = repo.referrers.get(subject);
    if (!bySubject) {
      bySubject = new Map();
      repo.referrers.set(subject, bySubject);
    }
    bySubject.set(stored.digest, {
      mediaType: stored.mediaType,
      digest: stored.digest,
      size: stored.bytes.byteLength,
      ...(artifactType ? { artifactType } : {}),
      ...(json.annotations ? { annotations: json.annotations } : {}),
    });
  }
}
