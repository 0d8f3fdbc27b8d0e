import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseWwwAuthenticate } from '../../../src/supplychain/oci/www-authenticate.ts';
import {
  DockerConfigError,
  findCredentials,
  parseDockerConfig,
} from '../../../src/supplychain/oci/docker-config.ts';
import { parsePlatform, selectPlatform } from '../../../src/supplychain/oci/select-platform.ts';
import type { Descriptor } from '../../../src/supplychain/oci/media-types.ts';

describe('parseWwwAuthenticate', () => {
  it('reads a Bearer challenge with quoted params', () => {
    assert.deepEqual(
      parseWwwAuthenticate(
        'Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push"',
      ),
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.example/token',
          service: 'registry.example',
          scope: 'repository:a/b:pull,push',
        },
      },
    );
  });
  it('reads Basic, unquoted values and escapes', () => {
    assert.deepEqual(parseWwwAuthenticate('Basic realm="Registry \\"x\\""'), {
      scheme: 'basic',
      params: { realm: 'Registry "x"' },
    });
    assert.deepEqual(parseWwwAuthenticate('bearer realm=https://a/t, service=s'), {
      scheme: 'bearer',
      params: { realm: 'https://a/t', service: 's' },
    });
  });
  it('ignores other schemes and nothing', () => {
    assert.equal(parseWwwAuthenticate('Negotiate abc'), undefined);
    assert.equal(parseWwwAuthenticate(undefined), undefined);
  });
});

describe('parseDockerConfig (the format of image pull secrets)', () => {
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  it('reads auth, username/password, legacy .dockercfg and normalises keys', () => {
    const store = parseDockerConfig({
      auths: {
        'https://index.docker.io/v1/': { auth: b64('hub:p:w') },
        'ghcr.io': { username: 'u', password: 'p' },
        'http://127.0.0.1:5000/': { auth: b64('local:secret') },
        'empty.example': {},
      },
    });
    assert.deepEqual(findCredentials(store, 'docker.io'), { username: 'hub', password: 'p:w' });
    assert.deepEqual(findCredentials(store, 'ghcr.io'), { username: 'u', password: 'p' });
    assert.deepEqual(findCredentials(store, '127.0.0.1:5000'), {
      username: 'local',
      password: 'secret',
    });
    assert.equal(findCredentials(store, 'empty.example'), undefined);
    const legacy = parseDockerConfig({ 'quay.io': { auth: b64('q:r') } });
    assert.deepEqual(findCredentials(legacy, 'quay.io'), { username: 'q', password: 'r' });
  });
  it('names the entry whose auth is not user:password', () => {
    assert.throws(
      () => parseDockerConfig({ auths: { 'ghcr.io': { auth: b64('nocolon') } } }),
      (error) =>
        error instanceof DockerConfigError && /auths\["ghcr.io"\].auth/.test(error.message),
    );
  });
});

describe('selectPlatform', () => {
  const entry = (platform: Descriptor['platform'], digest: string): Descriptor => ({
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest,
    size: 1,
    ...(platform ? { platform } : {}),
  });
  const index = [
    entry({ os: 'linux', architecture: 'arm', variant: 'v7' }, 'arm7'),
    entry({ os: 'linux', architecture: 'arm64', variant: 'v8' }, 'arm64'),
    entry({ os: 'linux', architecture: 'amd64' }, 'amd64'),
    entry({ os: 'unknown', architecture: 'unknown' }, 'attestation'),
  ];
  const pick = (text: string) => {
    const platform = parsePlatform(text);
    assert.ok(platform);
    return selectPlatform(index, platform)?.digest;
  };
  it('matches os, architecture and variant', () => {
    assert.equal(pick('linux/amd64'), 'amd64');
    assert.equal(pick('linux/arm64'), 'arm64');
    assert.equal(pick('linux/arm64/v8'), 'arm64');
    assert.equal(pick('linux/arm/v6'), undefined);
    assert.equal(pick('windows/amd64'), undefined);
  });
  it('refuses malformed platforms', () => {
    assert.equal(parsePlatform('linux'), undefined);
    assert.equal(parsePlatform('linux/amd64/v1/x'), undefined);
  });
});
