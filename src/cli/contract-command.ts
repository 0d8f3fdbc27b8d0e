/**
 * `kubernaut contract <image@sha256:...>`: prints the `/action-contract.yaml` of an action
 * image as the dispatcher reads it (YAML, or JSON with the digests), so that operators can
 * see an action's inputs before they write a template. Exits 1 with the reason when the
 * image, the registry or the contract fails.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { ContractLoader } from '../supplychain/contract/contract-loader.ts';
import { isContractError } from '../supplychain/contract/contract-error.ts';
import { readDockerConfig } from '../supplychain/oci/docker-config.ts';
import { RegistryClient } from '../supplychain/oci/registry-client.ts';
import { isRegistryError } from '../supplychain/oci/registry-error.ts';
import type { CommandIo } from './command-io.ts';

export const CONTRACT_USAGE = `Usage: kubernaut contract <image@sha256:...> [options]
  --insecure-registry <host:port>   plain HTTP to this registry (repeatable; loopback always)
  --docker-config <file>            registry credentials: a Docker config.json
  --ca-file <pem file>              CA certificates trusted for registries (besides the system's)
  --platform <os/arch[/variant]>    the entry of a multi-platform image (default linux/amd64)
  --output yaml|json                json adds the image, manifest and contract digests
`;

const OPTIONS = {
  'insecure-registry': { type: 'string', multiple: true },
  'docker-config': { type: 'string' },
  'ca-file': { type: 'string' },
  platform: { type: 'string' },
  output: { type: 'string', short: 'o', default: 'yaml' },
} as const;

export async function runContract(args: readonly string[], io: CommandIo): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...args], options: OPTIONS, allowPositionals: true });
    if (parsed.positionals.length !== 1) throw new Error('give exactly one image');
    if (parsed.values.output !== 'yaml' && parsed.values.output !== 'json')
      throw new Error(`--output must be yaml or json, not "${parsed.values.output}"`);
  } catch (error) {
    io.stderr.write(`kubernaut contract: ${(error as Error).message}\n\n${CONTRACT_USAGE}`);
    return 2;
  }
  const flags = parsed.values;
  const image = parsed.positionals[0] ?? '';
  let client: RegistryClient | undefined;
  try {
    client = new RegistryClient({
      insecureRegistries: flags['insecure-registry'] ?? [],
      ...(flags['docker-config']
        ? { credentials: await readDockerConfig(flags['docker-config']) }
        : {}),
      ...(flags['ca-file'] ? { ca: await readFile(flags['ca-file'], 'utf8') } : {}),
      ...(flags.platform ? { platform: flags.platform } : {}),
    });
    const loaded = await new ContractLoader({ client }).load(image);
    if (flags.output === 'json') {
      const { contract, ...digests } = loaded;
      io.stdout.write(`${JSON.stringify({ image, ...digests, contract }, null, 2)}\n`);
    } else {
      io.stdout.write(
        `# ${image}\n# contract ${loaded.contractDigest}\n${stringify(loaded.contract)}`,
      );
    }
    return 0;
  } catch (error) {
    const code = isRegistryError(error) || isContractError(error) ? ` [${error.code}]` : '';
    io.stderr.write(`kubernaut contract: ${(error as Error).message}${code}\n`);
    return 1;
  } finally {
    await client?.close();
  }
}
