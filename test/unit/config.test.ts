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

  it('reads the engine settings', () => {
    const config = loadConfig({
      KUBERNAUT_WORKSPACE_SIZE: '5Gi',
      KUBERNAUT_WORKSPACE_STORAGE_CLASS: 'fast',
      KUBERNAUT_JOB_TTL_SECONDS: '60',
    });
    assert.equal(config.KUBERNAUT_WORKSPACE_SIZE, '5Gi');
    assert.equal(config.KUBERNAUT_WORKSPACE_STORAGE_CLASS, 'fast');
    assert.equal(config.KUBERNAUT_JOB_TTL_SECONDS, 60);
    assert.equal(config.KUBERNAUT_ACTION_SERVICE_ACCOUNT, 'per-action');
    assert.throws(
      () => loadConfig({ KUBERNAUT_WORKSPACE_SIZE: 'big' }),
      /KUBERNAUT_WORKSPACE_SIZE: must be a Kubernetes quantity/,
    );
  });

  it('names every bad variable with its reason', () => {
    assert.throws(
      () => loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud' }),
      (error: Error) => /PORT: /.test(error.message) && /LOG_LEVEL: /.test(error.message),
    );
  });

  it('reads the API settings: credentials, rate limit, body size, Slack', () => {
    const config = loadConfig({
      KUBERNAUT_CREDENTIALS_FILE: '/etc/kubernaut/credentials.yaml',
      KUBERNAUT_API_RATE_LIMIT: '2.5',
      KUBERNAUT_SLACK_SIGNING_SECRET_FILE: '/etc/kubernaut/slack/secret',
    });
    assert.equal(config.KUBERNAUT_CREDENTIALS_FILE, '/etc/kubernaut/credentials.yaml');
    assert.equal(config.KUBERNAUT_API_RATE_LIMIT, 2.5);
    assert.equal(config.KUBERNAUT_API_RATE_BURST, 40);
    assert.equal(config.KUBERNAUT_API_MAX_BODY_BYTES, 1024 * 1024);
    assert.equal(config.KUBERNAUT_SLACK_USERS_FILE, undefined);
    assert.throws(
      () => loadConfig({ KUBERNAUT_API_RATE_LIMIT: '0', KUBERNAUT_API_MAX_BODY_BYTES: '10' }),
      (error: Error) =>
        /KUBERNAUT_API_RATE_LIMIT: /.test(error.message) &&
        /KUBERNAUT_API_MAX_BODY_BYTES: /.test(error.message),
    );
  });
});
