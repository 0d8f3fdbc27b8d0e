/**
 * The default RemediationTemplates (manifests/templates/) installed in local mode, so that
 * `npm start` remediates a sample alert out of the box. The templates name the published
 * images (ghcr.io/kubernaut/actions/…) by the same digests the local registry serves, so each
 * step image is pointed at its signed local copy: same bytes, a registry this machine has, and
 * the local image policy covers it.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { statusCodeOf } from '../src/kube/errors.ts';
import type { LocalActionImage } from './action-images.ts';

export const DEFAULT_TEMPLATES_DIR = join(import.meta.dirname, '../manifests/templates');

interface TemplateDocument {
  metadata: { name: string; namespace?: string };
  spec: { steps?: { image?: string }[] };
}

/** A template with every step image the local registry holds (by digest) pointed at it. */
export function localizeTemplate(
  template: TemplateDocument,
  images: readonly LocalActionImage[],
  namespace: string,
): TemplateDocument {
  const byDigest = new Map(images.map((image) => [image.digest, image.image]));
  return {
    ...template,
    metadata: { ...template.metadata, namespace },
    spec: {
      ...template.spec,
      steps: (template.spec.steps ?? []).map((step) => {
        const digest = step.image?.split('@')[1];
        const local = digest === undefined ? undefined : byDigest.get(digest);
        return local === undefined ? step : { ...step, image: local };
      }),
    },
  };
}

/** Creates each default template unless one of its name exists (a user's edit is kept). */
export async function installDefaultTemplates(
  kc: KubeConfig,
  images: readonly LocalActionImage[],
  options: { namespace?: string; dir?: string } = {},
): Promise<string[]> {
  const dir = options.dir ?? DEFAULT_TEMPLATES_DIR;
  const namespace = options.namespace ?? 'default';
  const api = kc.makeApiClient(CustomObjectsApi);
  const files = (await readdir(dir)).filter((file) => file.endsWith('.yaml')).sort();
  const installed: string[] = [];
  for (const file of files) {
    const template = parse(await readFile(join(dir, file), 'utf8')) as TemplateDocument;
    try {
      await api.createNamespacedCustomObject({
        group: 'kubernaut.ai',
        version: 'v1alpha1',
        namespace,
        plural: 'remediationtemplates',
        body: localizeTemplate(template, images, namespace),
      });
      installed.push(template.metadata.name);
    } catch (error) {
      if (statusCodeOf(error) !== 409) throw error;
    }
  }
  return installed;
}
