/**
 * Builds the step-start check from the configuration: the supply-chain check when an image
 * policy is configured, else digest pinning only, said loudly in the log.
 */
import { digestPinningCheck, type StepStartCheck } from '../backends/jobs/step-start-check.ts';
import type { Logger } from '../observability/logger.ts';
import { readDockerConfig } from './oci/docker-config.ts';
import { RegistryClient } from './oci/registry-client.ts';
import { loadPolicyFile } from './policy/load-policy.ts';
import { createSupplyChainCheck, type ContractSource } from './supply-chain-check.ts';
import { RegistrySignatureSource } from './verify/registry-signature-source.ts';
import { VerificationCache } from './verify/verification-cache.ts';
import { ImageVerifier } from './verify/verify-image.ts';

export interface SupplyChainConfig {
  policyFile?: string;
  trustedRoot?: string;
  dockerConfig?: string;
  insecureRegistries: readonly string[];
  cacheTtlMs: number;
}

export interface SupplyChainParts {
  check: StepStartCheck;
  close(): Promise<void>;
}

export async function buildStepStartCheck(
  config: SupplyChainConfig,
  logger: Logger,
  contracts?: (client: RegistryClient) => ContractSource,
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
  });
  const verifier = new ImageVerifier({
    policy,
    source: new RegistrySignatureSource(client),
    cache: new VerificationCache({ ttlMs: config.cacheTtlMs }),
  });
  logger.info(
    { policy: config.policyFile, rules: policy.rules.map((rule) => rule.name) },
    'image policy loaded: signatures are verified before any step runs',
  );
  return {
    check: createSupplyChainCheck({
      verifier,
      ...(contracts ? { contracts: contracts(client) } : {}),
      logger,
    }),
    close: () => client.close(),
  };
}
