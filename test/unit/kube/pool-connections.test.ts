import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { poolConnections, sameTlsOptions } from '../../../src/kube/pool-connections.ts';
import {
  DEV_CERTIFICATE,
  DEV_PRIVATE_KEY,
} from '../../../wrangler-free-local/apiserver/dev-certificate.ts';

/** An HTTPS server with the embedded API server's certificate, counting TLS connections. */
let connections = 0;
const server = createServer(
  { cert: DEV_CERTIFICATE, key: DEV_PRIVATE_KEY },
  (_request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(
      JSON.stringify({ kind: 'NamespaceList', apiVersion: 'v1', metadata: {}, items: [] }),
    );
  },
);
server.on('secureConnection', () => {
  connections++;
});
let url = '';

before(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `https://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
});
after(() => {
  server.close();
  server.closeAllConnections();
});

function kubeConfigTrusting(caPem: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: url, caData: Buffer.from(caPem).toString('base64') }],
    users: [{ name: 'u', token: 'pool-token' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return poolConnections(kc);
}

describe('poolConnections', () => {
  it('reuses kept-alive TLS connections rather than opening one per call', async () => {
    const core = kubeConfigTrusting(DEV_CERTIFICATE).makeApiClient(CoreV1Api);
    const before = connections;
    for (let call = 0; call < 10; call++) {
      const list = await core.listNamespace();
      assert.deepEqual(list.items, []);
    }
    // undici may open a second connection when a call follows the last one's answer within
    // the same tick (the first is not back in the pool yet); client-node alone opens ten.
    assert.ok(connections - before <= 2, `${String(connections - before)} connections`);
  });

  it('still verifies the server against the cluster CA (fails closed)', async () => {
    // A real certificate that did not sign the server's: the handshake must refuse it.
    const otherCa = readFileSync(
      new URL(
        '../../testdata/cosign/legacy-keyless-kubewarden-policy/certificate.pem',
        import.meta.url,
      ),
      'utf8',
    );
    const core = kubeConfigTrusting(otherCa).makeApiClient(CoreV1Api);
    await assert.rejects(core.listNamespace(), (error: Error & { cause?: { code?: string } }) => {
      assert.match(
        `${error.message} ${String(error.cause?.code)}`,
        /certificate|SELF_SIGNED|UNABLE/i,
      );
      return true;
    });
  });

  it('compares TLS material by value, since client-node decodes it anew for every call', () => {
    const ca = (): Buffer => Buffer.from(DEV_CERTIFICATE);
    assert.ok(sameTlsOptions({ ca: ca(), servername: 'a' }, { ca: ca(), servername: 'a' }));
    assert.ok(!sameTlsOptions({ ca: ca() }, { ca: Buffer.from('other') }));
    assert.ok(!sameTlsOptions({ ca: ca(), servername: 'a' }, { ca: ca(), servername: 'b' }));
    assert.ok(!sameTlsOptions({ ca: ca() }, { ca: ca(), rejectUnauthorized: false }));
  });
});
