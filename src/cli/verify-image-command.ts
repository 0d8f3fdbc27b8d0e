/**
 * `kubernaut verify-image <image@sha256:...>`: checks an image the way the dispatcher will,
 * like `cosign verify`, so operators can check an image before writing it into a template.
 * Prints JSON (digest, scheme, signer, rule) and exits 0 when verified, 1 otherwise.
 */
import { parseArgs } from 'node:util';
import { parseImageReference } from '../supplychain/oci/image-reference.ts';
import { RegistryClient } from '../supplychain/oci/registry-client.ts';
import { compilePolicy, type CompiledPolicy } from '../supplychain/policy/compile-policy.ts';
import { loadPolicyFile } from '../supplychain/policy/load-policy.ts';
import { imagePolicySchema } from '../supplychain/policy/policy-schema.ts';
import { RegistrySignatureSource } from '../supplychain/verify/registry-signature-source.ts';
import { ImageVerifier } from '../supplychain/verify/verify-image.ts';
import type { CommandIo } from './command-io.ts';

export const VERIFY_IMAGE_USAGE = `Usage: kubernaut verify-image <image@sha256:...> [options]
  --policy <file>                        an ImagePolicy (or its ConfigMap); or give authorities:
  --key <pem file>                       a public key (repeatable)
  --certificate-identity <san>           keyless: exact certificate identity
  --certificate-identity-regexp <re>     keyless: identity by regular expression
  --certificate-oidc-issuer <url>        keyless: exact OIDC issuer
  --certificate-oidc-issuer-regexp <re>  keyless: issuer by regular expression
  --trusted-root <file>                  Sigstore trusted_root.json (keyless)
  --insecure-registry <host:port>        plain HTTP to this registry (repeatable)
`;

const OPTIONS = {
  policy: { type: 'string' },
  key: { type: 'string', multiple: true },
  'certificate-identity': { type: 'string' },
  'certificate-identity-regexp': { type: 'string' },
  'certificate-oidc-issuer': { type: 'string' },
  'certificate-oidc-issuer-regexp': { type: 'string' },
  'trusted-root': { type: 'string' },
  'insecure-registry': { type: 'string', multiple: true },
} as const;

type Flags = ReturnType<
  typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>
>['values'];

export async function runVerifyImage(args: readonly string[], io: CommandIo): Promise<number> {
  let flags: Flags;
  let image: string | undefined;
  let policy: CompiledPolicy;
  try {
    const parsed = parseArgs({ args: [...args], options: OPTIONS, allowPositionals: true });
    flags = parsed.values;
    image = parsed.positionals[0];
    if (!image || parsed.positionals.length > 1) throw new Error('give exactly one image');
    policy = buildPolicy(flags);
  } catch (error) {
    io.stderr.write(`kubernaut verify-image: ${(error as Error).message}\n\n${VERIFY_IMAGE_USAGE}`);
    return 2;
  }
  const client = new RegistryClient({ insecureRegistries: flags['insecure-registry'] ?? [] });
  try {
    const ref = parseImageReference(image);
    if (!ref.digest) {
      return fail(io, image, 'ImageNotPinned', 'the image is not pinned by digest (@sha256:...)');
    }
    const verifier = new ImageVerifier({ policy, source: new RegistrySignatureSource(client) });
    const result = await verifier.verify(ref, ref.digest);
    const signer = result.signers[0];
    io.stdout.write(
      `${JSON.stringify(
        {
          image: result.image,
          digest: result.digest,
          verified: result.verified,
          rule: result.rule ?? null,
          mode: result.mode,
          scheme: signer?.scheme ?? null,
          signer: signer ? { identity: signer.identity, issuer: signer.issuer ?? null } : null,
          signers: result.signers,
          ...(result.reason ? { reason: result.reason } : {}),
        },
        null,
        2,
      )}\n`,
    );
    if (!result.verified) io.stderr.write(`verification failed: ${result.reason ?? ''}\n`);
    return result.verified ? 0 : 1;
  } catch (error) {
    return fail(io, image, 'VerificationError', (error as Error).message);
  } finally {
    await client.close();
  }
}

function fail(io: CommandIo, image: string, reason: string, message: string): number {
  io.stdout.write(
    `${JSON.stringify({ image, verified: false, reason: `${reason}: ${message}` }, null, 2)}\n`,
  );
  io.stderr.write(`verification failed: ${message}\n`);
  return 1;
}

/** --policy, or a one-rule policy covering every image from the authority flags. */
function buildPolicy(flags: Flags): CompiledPolicy {
  if (flags.policy) return loadPolicyFile(flags.policy, flags['trusted-root']);
  const authorities: unknown[] = (flags.key ?? []).map((file) => ({ name: file, key: { file } }));
  const identity = flags['certificate-identity'];
  const identityRegExp = flags['certificate-identity-regexp'];
  if (identity !== undefined || identityRegExp !== undefined) {
    authorities.push({
      keyless: {
        ...(identity !== undefined ? { identity } : { identityRegExp }),
        ...(flags['certificate-oidc-issuer'] !== undefined
          ? { issuer: flags['certificate-oidc-issuer'] }
          : { issuerRegExp: flags['certificate-oidc-issuer-regexp'] }),
      },
    });
  }
  if (authorities.length === 0) {
    throw new Error('give --policy, --key or --certificate-identity[-regexp]');
  }
  const spec = imagePolicySchema.safeParse({
    apiVersion: 'kubernaut.ai/v1alpha1',
    kind: 'ImagePolicy',
    ...(flags['trusted-root'] ? { trustedRoot: flags['trusted-root'] } : {}),
    rules: [{ name: 'command-line', images: '**', authorities }],
  });
  if (!spec.success) {
    throw new Error(
      spec.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '),
    );
  }
  return compilePolicy(spec.data, { baseDir: process.cwd() });
}
