/** The policy: the example manifest loads, globs as policy-controller, errors name the field. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compileGlob } from '../../../src/supplychain/policy/match-image.ts';
import { parsePolicy } from '../../../src/supplychain/policy/load-policy.ts';
import { PolicyConfigError } from '../../../src/supplychain/policy/compile-policy.ts';

const EXAMPLE = join(import.meta.dirname, '../../../manifests/policy/image-policy.yaml');

describe('image policy', () => {
  it('the example ConfigMap parses, with defaults filled in', () => {
    const policy = parsePolicy(readFileSync(EXAMPLE, 'utf8'), EXAMPLE);
    assert.equal(policy.defaultAction, 'reject');
    assert.deepEqual(
      policy.rules.map((rule) => [rule.name, rule.mode, rule.threshold]),
      [
        ['kubernaut-actions', 'enforce', 1],
        ['team-tools', 'warn', 1],
      ],
    );
  });

  const globs: Array<[string, string, boolean]> = [
    ['ghcr.io/kubernaut/**', 'ghcr.io/kubernaut/actions/scale', true],
    ['ghcr.io/kubernaut/*', 'ghcr.io/kubernaut/actions/scale', false],
    ['ghcr.io/kubernaut/*', 'ghcr.io/kubernaut/scale', true],
    ['ghcr.io/*/scale', 'ghcr.io/kubernaut/scale', true],
    ['ghcr.io/kubernaut/scal?', 'ghcr.io/kubernaut/scale', true],
    ['ghcr.io/kubernaut/**', 'ghcr.io/kubernautx/scale', false],
    ['127.0.0.1:5000/a.b/**', '127.0.0.1:5000/aXb/c', false],
    ['**', 'docker.io/library/busybox', true],
  ];
  for (const [glob, name, expected] of globs) {
    it(`${glob} ${expected ? 'covers' : 'does not cover'} ${name}`, () => {
      assert.equal(compileGlob(glob).test(name), expected);
    });
  }

  it('errors name the field and the reason', () => {
    const bad = `apiVersion: kubernaut.ai/v1alpha1
kind: ImagePolicy
rules:
  - name: a
    images: ['**']
    threshold: 2
    authorities:
      - keyless: { identity: x, identityRegExp: y, issuer: z }
`;
    assert.throws(
      () => parsePolicy(bad, 'policy.yaml'),
      (error: unknown) =>
        error instanceof PolicyConfigError &&
        /rules\.0\.threshold: threshold is larger/.test(error.message) &&
        /rules\.0\.authorities\.0/.test(error.message),
    );
  });
});
