/**
 * A Docker token service on loopback (the protocol of auth.docker.io and ghcr.io/token): it
 * checks Basic credentials and issues ES256 JWTs that docker-registry's `auth.token` verifies
 * against the certificate in its rootcertbundle (the JWT carries it in `x5c`).
 */
import { X509Certificate, createPrivateKey, randomUUID, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';

export interface TokenServer {
  realm: string;
  service: string;
  issuer: string;
  /** Token requests so far, with the scope asked for. */
  requests: Array<{ scope: string | null; user: string | undefined }>;
  close(): Promise<void>;
}

const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export async function startTokenServer(options: {
  certificate: string;
  privateKey: string;
  users: Record<string, string>;
  expiresInSeconds?: number;
}): Promise<TokenServer> {
  const service = 'kubernaut-test-registry';
  const issuer = 'kubernaut-test-token-issuer';
  const key = createPrivateKey(options.privateKey);
  const x5c = [new X509Certificate(options.certificate).raw.toString('base64')];
  const requests: TokenServer['requests'] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://token');
    const [scheme, encoded] = (req.headers.authorization ?? '').split(' ');
    const [user, password] =
      scheme === 'Basic'
        ? Buffer.from(encoded ?? '', 'base64')
            .toString()
            .split(':')
        : [];
    requests.push({ scope: url.searchParams.get('scope'), user });
    if (user === undefined || options.users[user] !== password) {
      res
        .writeHead(401, { 'content-type': 'application/json' })
        .end('{"details":"bad credentials"}');
      return;
    }
    const access = url.searchParams.getAll('scope').map((scope) => {
      const [type = '', name = '', actions = ''] = scope.split(':');
      return { type, name, actions: actions.split(',') };
    });
    const now = Math.floor(Date.now() / 1000);
    const header = base64url(JSON.stringify({ alg: 'ES256', typ: 'JWT', x5c }));
    const claims = base64url(
      JSON.stringify({
        iss: issuer,
        sub: user,
        aud: url.searchParams.get('service'),
        exp: now + 300,
        nbf: now - 10,
        iat: now,
        jti: randomUUID(),
        access,
      }),
    );
    const signature = sign('sha256', Buffer.from(`${header}.${claims}`), {
      key,
      dsaEncoding: 'ieee-p1363',
    });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        token: `${header}.${claims}.${base64url(signature)}`,
        expires_in: options.expiresInSeconds ?? 300,
        issued_at: new Date().toISOString(),
      }),
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
