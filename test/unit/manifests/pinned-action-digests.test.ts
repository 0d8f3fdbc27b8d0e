/**
 * The shipped examples and default templates name each step's action image by the digest local
 * mode builds for that action (deterministic bytes): a contract change that is not carried into
 * them fails here. Each step's image is its own action type's repository, and the examples'
 * inputs pass that action's contract.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { loadCatalogContracts } from '../../../src/actions/catalog/load-catalog.ts';
import { validateInputs } from '../../../src/supplychain/inputs/validate-inputs.ts';
import {
  localActionDigests,
  pinActionDigests,
  pinnedFiles,
} from '../../../wrangler-free-local/pin-action-digests.ts';

const ROOT = join(import.meta.dirname, '../../..');
const HEX = 'a'.repeat(64);

interface Step {
  name: string;
  actionType: string;
  image: string;
  inputs?: Record<string, unknown>;
}

async function stepsOf(file: string, kind?: string): Promise<Step[]> {
  const documents = parseAllDocuments(await readFile(join(ROOT, file), 'utf8'));
  return documents.flatMap((document) => {
    const object = document.toJS() as { kind?: string; spec?: { steps?: Step[] } } | null;
    return kind === undefined || object?.kind === kind ? (object?.spec?.steps ?? []) : [];
  });
}

describe('action image digests in examples and templates', () => {
  it('pins catalog references to the local digest and leaves others alone (pure)', () => {
    const digests = new Map([['kubernetes/scale_deployment', `sha256:${'b'.repeat(64)}`]]);
    const text = [
      `image: 127.0.0.1:5001/kubernaut/actions/kubernetes/scale_deployment@sha256:${HEX}`,
      `image: ghcr.io/kubernaut/actions/kubernetes/scale_deployment@sha256:${HEX}`,
      `image: ghcr.io/kubernaut/actions/kubernetes/unknown@sha256:${HEX}`,
      `image: ghcr.io/other/scale@sha256:${HEX}`,
    ].join('\n');
    assert.equal(
      pinActionDigests(text, digests),
      [
        `image: 127.0.0.1:5001/kubernaut/actions/kubernetes/scale_deployment@sha256:${'b'.repeat(64)}`,
        `image: ghcr.io/kubernaut/actions/kubernetes/scale_deployment@sha256:${'b'.repeat(64)}`,
        `image: ghcr.io/kubernaut/actions/kubernetes/unknown@sha256:${HEX}`,
        `image: ghcr.io/other/scale@sha256:${HEX}`,
      ].join('\n'),
    );
  });

  it('every committed example and template carries the current local digests', async () => {
    const digests = await localActionDigests();
    const files = await pinnedFiles();
    assert.ok(files.length >= 10, `found ${String(files.length)} files`);
    const drifted = [];
    for (const file of files) {
      const text = await readFile(join(ROOT, file), 'utf8');
      if (pinActionDigests(text, digests) !== text) drifted.push(file);
    }
    assert.deepEqual(
      drifted,
      [],
      'digests drifted from the catalog: run node wrangler-free-local/pin-action-digests.ts',
    );
  });

  it('each step names its own action type’s image, pinned to that digest', async () => {
    const digests = await localActionDigests();
    let steps = 0;
    for (const file of await pinnedFiles()) {
      for (const step of await stepsOf(file)) {
        steps++;
        assert.ok(
          step.image.endsWith(
            `/kubernaut/actions/${step.actionType}@${digests.get(step.actionType) ?? '?'}`,
          ),
          `${file} step ${step.name}: ${step.image} is not the ${step.actionType} image`,
        );
      }
    }
    assert.ok(steps >= 15, `found ${String(steps)} steps`);
  });

  it('the example runs’ inputs pass their actions’ contracts', async () => {
    const contracts = new Map(
      (await loadCatalogContracts()).map((contract) => [contract.metadata.name, contract]),
    );
    for (const file of (await pinnedFiles()).filter((name) => name.includes('examples'))) {
      for (const step of await stepsOf(file, 'WorkflowExecution')) {
        const contract = contracts.get(step.actionType);
        assert.ok(contract, `${file}: no contract for ${step.actionType}`);
        const validated = validateInputs(step.inputs, contract);
        assert.ok(validated.ok, `${file} step ${step.name}: ${JSON.stringify(validated)}`);
      }
    }
  });
});
