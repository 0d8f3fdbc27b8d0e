import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLocalMode, loadConfig } from '../../src/config.ts';

describe('loadConfig', () => {
  it('fills in defaults and runs locally with no cluster configured', () => {
    const config = loadConfig({});
    assert.equal(config.PORT, 8080);
    assert.equal(config.KUBE_API_PORT, 6443);
    assert.equal(isLocalMode(config), true);
  });

  it('uses a configured cluster instead of the embedded one', () => {
    assert.equal(isLocalMode(loadConfig({ KUBECONFIG: '/tmp/kubeconfig' })), false);
    assert.equal(isLocalMode(loadConfig({ KUBERNETES_SERVICE_HOST: '10.0.0.1' })), false);
  });

  it('names every bad variable with its reason', () => {
    assert.throws(
      () => loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud' }),
      (error: Error) => /PORT: /.test(error.message) && /LOG_LEVEL: /.test(error.message),
    );
  });
});
