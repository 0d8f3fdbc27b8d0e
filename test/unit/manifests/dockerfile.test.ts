/**
 * The Dockerfile, read statically (no Docker engine here): stages on Node 24, dev
 * dependencies pruned, both final images non-root under tini with OCI labels and no
 * HEALTHCHECK, nothing fetched by ADD, every COPY source present and kept by .dockerignore,
 * and the action image's entrypoint byte for byte what the local mode's images hold.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = join(import.meta.dirname, '../../..');
const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

interface Instruction {
  keyword: string;
  args: string;
}
interface Stage {
  from: string;
  name: string;
  instructions: Instruction[];
}

/** Instructions with continuation lines joined and comments dropped. */
function parseInstructions(source: string): Instruction[] {
  const logical: string[] = [];
  let current = '';
  for (const line of source.split('\n')) {
    if (line.trimStart().startsWith('#') && current === '') continue;
    if (line.trim() === '') continue;
    current += line.endsWith('\\') ? `${line.slice(0, -1)} ` : line;
    if (!line.endsWith('\\')) {
      logical.push(current.trim());
      current = '';
    }
  }
  return logical.map((line) => {
    const space = line.indexOf(' ');
    return { keyword: line.slice(0, space).toUpperCase(), args: line.slice(space + 1).trim() };
  });
}

function parseStages(instructions: Instruction[]): { args: Map<string, string>; stages: Stage[] } {
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [from = '', as, name = ''] = instruction.args.split(/\s+/);
      assert.equal(as?.toUpperCase(), 'AS', `every stage is named: FROM ${instruction.args}`);
      stages.push({ from, name, instructions: [] });
    } else if (stages.length === 0 && instruction.keyword === 'ARG') {
      const [key = '', value = ''] = instruction.args.split('=');
      args.set(key, value);
    } else stages.at(-1)?.instructions.push(instruction);
  }
  return { args, stages };
}

const instructions = parseInstructions(text);
const { args, stages } = parseStages(instructions);
const stage = (name: string): Stage => {
  const found = stages.find((entry) => entry.name === name);
  assert.ok(found, `stage ${name}`);
  return found;
};
const all = (name: string, keyword: string): string[] =>
  stage(name)
    .instructions.filter((instruction) => instruction.keyword === keyword)
    .map((instruction) => instruction.args);
/** A stage's instructions with those of the stages it builds on, oldest first. */
const lineage = (name: string): Instruction[] => {
  const own = stage(name);
  const parent = stages.find((entry) => entry.name === own.from);
  return [...(parent ? lineage(parent.name) : []), ...own.instructions];
};

describe('Dockerfile', () => {
  it('builds every stage on Node 24 slim, the dispatcher last (the default target)', () => {
    assert.deepEqual(
      stages.map((entry) => entry.name),
      ['deps', 'runtime', 'action', 'dispatcher'],
    );
    assert.equal(args.get('NODE_IMAGE'), 'node:24-slim');
    for (const name of ['deps', 'runtime']) assert.equal(stage(name).from, '${NODE_IMAGE}');
    assert.equal(stage('action').from, 'runtime');
    assert.equal(stage('dispatcher').from, 'runtime');
  });

  it('installs with npm ci from the lockfile and prunes the dev dependencies', () => {
    const run = all('deps', 'RUN').join(' ');
    assert.match(run, /npm ci\b/);
    assert.match(run, /npm prune --omit=dev/);
    assert.match(run, /--ignore-scripts/);
    assert.deepEqual(all('deps', 'COPY'), ['package.json package-lock.json ./']);
  });

  it('runs both images as a non-root user under tini, with no HEALTHCHECK and no ADD', () => {
    for (const name of ['action', 'dispatcher']) {
      const users = lineage(name).filter((instruction) => instruction.keyword === 'USER');
      const user = users.at(-1)?.args ?? '';
      assert.match(user, /^[1-9][0-9]*:[1-9][0-9]*$/, `${name} runs as a numeric non-root user`);
      const entrypoint = JSON.parse(all(name, 'ENTRYPOINT')[0] ?? '[]') as string[];
      assert.deepEqual(entrypoint.slice(0, 2), ['/usr/bin/tini', '--'], name);
      const labels = lineage(name)
        .filter((instruction) => instruction.keyword === 'LABEL')
        .map((instruction) => instruction.args)
        .join(' ');
      for (const key of ['title', 'description', 'licenses', 'source']) {
        assert.match(labels, new RegExp(`org\\.opencontainers\\.image\\.${key}=`), name);
      }
    }
    assert.match(all('runtime', 'RUN').join(' '), /apt-get install .*\btini\b/);
    const keywords = new Set(instructions.map((instruction) => instruction.keyword));
    assert.equal(keywords.has('HEALTHCHECK'), false);
    assert.equal(keywords.has('ADD'), false);
    assert.doesNotMatch(text, /\b(curl|wget)\b/);
  });

  it('copies only sources that exist and that .dockerignore keeps', () => {
    const ignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    assert.equal(
      ignore.find((line) => line && !line.startsWith('#')),
      '**',
      'deny by default',
    );
    const kept = ignore.filter((line) => line.startsWith('!')).map((line) => line.slice(1));
    const copies = stages.flatMap((entry) =>
      entry.instructions.filter(
        (instruction) => instruction.keyword === 'COPY' && !instruction.args.startsWith('--from'),
      ),
    );
    assert.ok(copies.length >= 4);
    for (const copy of copies) {
      const sources = copy.args.split(/\s+/).slice(0, -1);
      for (const source of sources) {
        assert.ok(existsSync(join(ROOT, source)), `COPY source ${source} exists`);
        assert.ok(
          kept.some((pattern) => pattern === source || pattern === `${source}/**`),
          `.dockerignore keeps ${source}`,
        );
      }
    }
  });

  it('the dispatcher image starts src/main.ts from /app with what it reads at run time', () => {
    assert.deepEqual(JSON.parse(all('dispatcher', 'CMD')[0] ?? '[]'), ['node', 'src/main.ts']);
    const workdirs = lineage('dispatcher').filter(
      (instruction) => instruction.keyword === 'WORKDIR',
    );
    assert.equal(workdirs.at(-1)?.args, '/app');
    const copied = lineage('dispatcher')
      .filter((instruction) => instruction.keyword === 'COPY')
      .map((instruction) => instruction.args.split(/\s+/)[0]);
    // The UI's assets and the generic Tekton Task are read from disk at run time.
    for (const needed of ['src', 'handlers', 'manifests/tekton'])
      assert.ok(copied.includes(needed));
  });

  it('the action target writes /action-contract.yaml and the entrypoint local mode uses', () => {
    assert.ok(all('action', 'ARG').includes('ACTION'));
    const run = all('action', 'RUN').join(' ');
    assert.match(
      run,
      /cp "src\/actions\/catalog\/\$ACTION\/action-contract\.yaml" \/action-contract\.yaml/,
    );
    const printf = /printf '([^']*)' "\$ACTION" > \/action-entrypoint/.exec(run);
    assert.ok(printf?.[1], 'the entrypoint is written with printf');
    const type = 'kubernetes/scale_deployment';
    const entrypoint = printf[1].replace('%s', type).replaceAll('\\n', '\n');
    // wrangler-free-local/action-images.ts lays the same file into the local action images.
    const local = readFileSync(join(ROOT, 'wrangler-free-local/action-images.ts'), 'utf8');
    const template = /content: `(#!\/bin\/sh\\nexec node [^`]*)`/.exec(local)?.[1] ?? '';
    assert.equal(entrypoint, template.replace('${actionType}', type).replaceAll('\\n', '\n'));
    assert.ok(existsSync(join(ROOT, 'src/actions/catalog', type, 'action-contract.yaml')));
    assert.ok(existsSync(join(ROOT, 'src/actions/run-action.ts')));
    assert.match(entrypoint, /node \/app\/src\/actions\/run-action\.ts/);
    const actionEntrypoint = JSON.parse(all('action', 'ENTRYPOINT')[0] ?? '[]') as string[];
    assert.equal(actionEntrypoint.at(-1), '/action-entrypoint');
  });
});
