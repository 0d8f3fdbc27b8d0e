/**
 * Builds the step-start check from the configuration: the supply-chain check (resolve →
 * verify → load contract → validate inputs; outputs against the contract when a step ends)
 * when an image policy is configured, else digest pinning only, said loudly in the log.
 */
import { readFile } from 'node:fs/promises';
import { digestPinningCheck, type StepStartCheck } from '../backends/jobs/step-start-check.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../observability/logger.ts';
import { ContractLoader } from './contract/contract-loader.ts';
import { readDockerConfig } from './oci/docker-config.ts';
import { RegistryClient } from './oci/registry-client.ts';
import { loadPolicyFile } from './policy/load-policy.ts';
import {
  checkInputsAgainstContract,
  checkOutputsAgainstContract,
  createSupplyChainCheck,
} from './supply-chain-check.ts';
import { RegistrySignatureSource } from './verify/registry-signature-source.ts';
import { VerificationCache } from './verify/verification-cache.ts';
import { ImageVerifier } from './verify/verify-image.ts';

export interface SupplyChainConfig {
  policyFile?: string | undefined;
  trustedRoot?: string | undefined;
  dockerConfig?: string | undefined;
  insecureRegistries: readonly string[];
  cacheTtlMs: number;
  /** PEM CA certificates trusted for registries besides the system's. */
  registryCaFile?: string | undefined;
  /** The index entry whose contract is read, `os/architecture[/variant]`. */
  platform?: string | undefined;
  /** Compressed size limit of a layer read for the contract. */
  maxLayerBytes?: number | undefined;
}

export interface SupplyChainParts {
  check: StepStartCheck;
  close(): Promise<void>;
}

/** The supply-chain settings of the dispatcher's configuration (one mapping for all callers). */
export function supplyChainConfigOf(config: Config): SupplyChainConfig {
  return {
    policyFile: config.KUBERNAUT_IMAGE_POLICY,
    trustedRoot: config.KUBERNAUT_TRUSTED_ROOT,
    dockerConfig: config.KUBERNAUT_DOCKER_CONFIG,
    insecureRegistries: config.KUBERNAUT_INSECURE_REGISTRIES,
    cacheTtlMs: config.KUBERNAUT_VERIFICATION_CACHE_TTL_MS,
    registryCaFile: config.KUBERNAUT_REGISTRY_CA_FILE,
    platform: config.KUBERNAUT_IMAGE_PLATFORM,
    maxLayerBytes: config.KUBERNAUT_MAX_LAYER_BYTES,
  };
}

export async function buildStepStartCheck(
  config: SupplyChainConfig,
  logger: Logger,
): Promise<SupplyChainParts> {
  if (!config.policyFile) {
    logger.warn(
      'no image policy configured (KUBERNAUT_IMAGE_POLICY): action images are checked for a digest pin only, NOT for signatures',
    );
    return { check: digestPinningCheck, close: () => Promise.resolve() };
  }
  const policy = loadPolicyFile(config.policyFile, config.trustedRoot);
  const client = new RegistryClient({
    insecureRegistries: config.insecureRegistries,
    ...(config.dockerConfig ? { credentials: await readDockerConfig(config.dockerConfig) } : {}),
    ...(config.registryCaFile ? { ca: await readCaFile(config.registryCaFile) } : {}),
    ...(config.platform ? { platform: config.platform } : {}),
  });
  const verifier = new ImageVerifier({
    policy,
    source: new RegistrySignatureSource(client),
    cache: new VerificationCache({ ttlMs: config.cacheTtlMs }),
  });
  const contracts = new ContractLoader({
    client,
    ...(config.platform ? { platform: config.platform } : {}),
    ...(config.maxLayerBytes ? { maxLayerBytes: config.maxLayerBytes } : {}),
  });
  logger.info(
    { policy: config.policyFile, rules: policy.rules.map((rule) => rule.name) },
    'image policy loaded: signatures are verified and contracts enforced before any step runs',
  );
  return {
    check: createSupplyChainCheck({
      verifier,
      contracts,
      validateInputs: checkInputsAgainstContract,
      validateOutputs: checkOutputsAgainstContract,
      logger,
    }),
    close: () => client.close(),
  };
}

async function readCaFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(
      `KUBERNAUT_REGISTRY_CA_FILE: cannot read ${file}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}
