import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatImageReference,
  isLoopbackRegistry,
  parseImageReference,
} from '../../../src/supplychain/oci/image-reference.ts';
import { isRegistryError } from '../../../src/supplychain/oci/registry-error.ts';

const D = `sha256:${'ab'.repeat(32)}`;

describe('parseImageReference', () => {
  const cases: Array<[string, ReturnType<typeof parseImageReference>]> = [
    ['nginx', { registry: 'docker.io', repository: 'library/nginx' }],
    ['nginx:1.27', { registry: 'docker.io', repository: 'library/nginx', tag: '1.27' }],
    ['bitnami/kubectl', { registry: 'docker.io', repository: 'bitnami/kubectl' }],
    ['index.docker.io/nginx', { registry: 'docker.io', repository: 'library/nginx' }],
    [`ghcr.io/a/b@${D}`, { registry: 'ghcr.io', repository: 'a/b', digest: D }],
    [`ghcr.io/a/b:v1@${D}`, { registry: 'ghcr.io', repository: 'a/b', tag: 'v1', digest: D }],
    ['localhost/app', { registry: 'localhost', repository: 'app' }],
    ['127.0.0.1:5000/k/x:t', { registry: '127.0.0.1:5000', repository: 'k/x', tag: 't' }],
    ['[::1]:5000/x', { registry: '[::1]:5000', repository: 'x' }],
    ['registry:5000/team/app', { registry: 'registry:5000', repository: 'team/app' }],
  ];
  for (const [text, expected] of cases) {
    it(text, () => assert.deepEqual(parseImageReference(text), expected));
  }

  const bad: Array<[string, RegExp]> = [
    ['', /not an image reference/],
    ['ghcr.io/A/b', /repository "A\/b" must be lowercase/],
    ['ghcr.io/a/b@sha256:123', /digest "sha256:123" is not sha256/],
    ['ghcr.io/a/b:-bad', /tag "-bad" is not a valid tag/],
    ['ghcr.io/a b', /containing spaces/],
  ];
  for (const [text, message] of bad) {
    it(`refuses ${JSON.stringify(text)}`, () =>
      assert.throws(
        () => parseImageReference(text),
        (error) => isRegistryError(error, 'INVALID_REFERENCE') && message.test(error.message),
      ));
  }

  it('formats back, with another tag or digest', () => {
    const ref = parseImageReference(`ghcr.io/a/b:v1@${D}`);
    assert.equal(formatImageReference(ref), `ghcr.io/a/b:v1@${D}`);
    assert.equal(formatImageReference(ref, 'latest'), 'ghcr.io/a/b:latest');
    assert.equal(formatImageReference(ref, D), `ghcr.io/a/b@${D}`);
  });
});

describe('isLoopbackRegistry (as Docker: plain HTTP allowed without being told)', () => {
  const cases: Array<[string, boolean]> = [
    ['localhost', true],
    ['localhost:5000', true],
    ['127.0.0.1:5000', true],
    ['127.1.2.3', true],
    ['[::1]:5000', true],
    ['128.0.0.1:5000', false],
    ['127.0.0.1.example.com', false],
    ['ghcr.io', false],
    ['localhost.example.com:5000', false],
  ];
  for (const [registry, expected] of cases) {
    it(`${registry} → ${expected}`, () => assert.equal(isLoopbackRegistry(registry), expected));
  }
});
