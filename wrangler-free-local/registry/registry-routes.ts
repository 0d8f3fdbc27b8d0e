/**
 * The distribution API subset the local registry speaks, as a function from a request to a
 * reply over the content store: GET/HEAD /v2/, manifests by tag and digest (and PUT), blobs,
 * blob uploads (POST, PATCH, PUT; or one POST with ?digest=), tags/list and the OCI 1.1
 * referrers API. No I/O here: local-registry.ts reads requests and writes replies.
 */
import { randomUUID } from 'node:crypto';
import { sha256Of, type ContentStore } from './content-store.ts';

export interface RegistryRequestIn {
  method: string;
  url: URL;
  contentType: string;
  body: Buffer;
}

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body?: Uint8Array;
}

const MANIFEST_RE = /^\/v2\/(.+)\/manifests\/([^/]+)$/;
const BLOB_RE = /^\/v2\/(.+)\/blobs\/(sha256:[a-f0-9]{64})$/;
const UPLOAD_RE = /^\/v2\/(.+)\/blobs\/uploads\/([^/]*)$/;
const TAGS_RE = /^\/v2\/(.+)\/tags\/list$/;
const REFERRERS_RE = /^\/v2\/(.+)\/referrers\/(sha256:[a-f0-9]{64})$/;
const INDEX = 'application/vnd.oci.image.index.v1+json';

export class RegistryRoutes {
  private readonly store: ContentStore;
  private readonly uploads = new Map<string, Buffer[]>();

  constructor(store: ContentStore) {
    this.store = store;
  }

  route(req: RegistryRequestIn): Reply {
    const path = req.url.pathname;
    if (path === '/v2/' || path === '/v2') return json(200, {});
    let match: RegExpExecArray | null;
    if ((match = MANIFEST_RE.exec(path))) return this.manifest(req, match[1] ?? '', match[2] ?? '');
    if ((match = BLOB_RE.exec(path))) return this.blob(match[2] ?? '');
    if ((match = UPLOAD_RE.exec(path))) return this.upload(req, match[1] ?? '', match[2] ?? '');
    if ((match = TAGS_RE.exec(path))) {
      const tags = this.store.tags(match[1] ?? '');
      return tags
        ? json(200, { name: match[1], tags })
        : error(404, 'NAME_UNKNOWN', `repository unknown: ${match[1] ?? ''}`);
    }
    if ((match = REFERRERS_RE.exec(path)))
      return this.referrers(req, match[1] ?? '', match[2] ?? '');
    return error(404, 'NAME_UNKNOWN', `no route for ${req.method} ${path}`);
  }

  private manifest(req: RegistryRequestIn, repository: string, reference: string): Reply {
    if (req.method === 'PUT') {
      const stored = this.store.putManifest(repository, reference, req.contentType, req.body);
      const subject = subjectOf(req.body);
      return {
        status: 201,
        headers: {
          location: `/v2/${repository}/manifests/${stored.digest}`,
          'docker-content-digest': stored.digest,
          ...(subject ? { 'oci-subject': subject } : {}),
        },
      };
    }
    const manifest = this.store.getManifest(repository, reference);
    if (!manifest)
      return error(404, 'MANIFEST_UNKNOWN', `manifest unknown: ${repository}:${reference}`);
    return {
      status: 200,
      headers: { 'content-type': manifest.mediaType, 'docker-content-digest': manifest.digest },
      body: manifest.bytes,
    };
  }

  private blob(digest: string): Reply {
    const blob = this.store.getBlob(digest);
    if (!blob) return error(404, 'BLOB_UNKNOWN', `blob unknown: ${digest}`);
    return {
      status: 200,
      headers: { 'content-type': 'application/octet-stream', 'docker-content-digest': digest },
      body: blob,
    };
  }

  private upload(req: RegistryRequestIn, repository: string, id: string): Reply {
    const digest = req.url.searchParams.get('digest');
    if (req.method === 'POST' && id === '') {
      if (digest) return this.finishUpload(repository, [req.body], digest);
      const uuid = randomUUID();
      this.uploads.set(uuid, []);
      return {
        status: 202,
        headers: {
          location: `/v2/${repository}/blobs/uploads/${uuid}`,
          'docker-upload-uuid': uuid,
          range: '0-0',
        },
      };
    }
    const chunks = this.uploads.get(id);
    if (!chunks) return error(404, 'BLOB_UPLOAD_UNKNOWN', `upload unknown: ${id}`);
    chunks.push(req.body);
    if (req.method === 'PATCH') {
      const size = chunks.reduce((total, chunk) => total + chunk.byteLength, 0);
      return {
        status: 202,
        headers: {
          location: `/v2/${repository}/blobs/uploads/${id}`,
          range: `0-${Math.max(0, size - 1)}`,
        },
      };
    }
    this.uploads.delete(id);
    if (req.method !== 'PUT' || !digest)
      return error(400, 'DIGEST_INVALID', 'PUT with ?digest= ends an upload');
    return this.finishUpload(repository, chunks, digest);
  }

  private finishUpload(repository: string, chunks: Buffer[], digest: string): Reply {
    const bytes = Buffer.concat(chunks);
    const actual = sha256Of(bytes);
    if (actual !== digest)
      return error(400, 'DIGEST_INVALID', `upload has digest ${actual}, not ${digest}`);
    this.store.putBlob(bytes);
    return {
      status: 201,
      headers: { location: `/v2/${repository}/blobs/${digest}`, 'docker-content-digest': digest },
    };
  }

  private referrers(req: RegistryRequestIn, repository: string, digest: string): Reply {
    const artifactType = req.url.searchParams.get('artifactType');
    const manifests = this.store
      .referrers(repository, digest)
      .filter((entry) => !artifactType || entry.artifactType === artifactType);
    const reply = json(200, { schemaVersion: 2, mediaType: INDEX, manifests }, INDEX);
    if (artifactType) reply.headers['oci-filters-applied'] = 'artifactType';
    return reply;
  }
}

function json(status: number, value: unknown, contentType = 'application/json'): Reply {
  return {
    status,
    headers: { 'content-type': contentType },
    body: Buffer.from(JSON.stringify(value)),
  };
}

function error(status: number, code: string, message: string): Reply {
  return json(status, { errors: [{ code, message }] });
}

function subjectOf(bytes: Uint8Array): string | undefined {
  try {
    const subject = (
      JSON.parse(Buffer.from(bytes).toString('utf8')) as { subject?: { digest?: unknown } }
    ).subject?.digest;
    return typeof subject === 'string' ? subject : undefined;
  } catch {
    return undefined;
  }
}
