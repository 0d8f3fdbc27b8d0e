/**
 * The simulated Tekton entrypoint, run as the process of every step container (see
 * step-command.ts): places the image's executables as shims and the step's script in the
 * container's root, runs the step in its own process group (so stopping the container stops
 * everything the step started), then writes the declared results found in /tekton/results
 * to the termination message as Tekton's entrypoint does: a JSON array of {key, value, type}.
 *
 * Usage: node step-entrypoint.js '<EntrypointSpec as JSON>'  (KUBERNAUT_ROOT set)
 *
 * Plain JavaScript on purpose: a process starts per step, and Node's TypeScript stripping
 * would add ~200 ms to each (types as JSDoc, checked by editors with @ts-check).
 */
// @ts-check
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const ROOT_MARKER = '@@KUBERNAUT_ROOT@@';
/** Tekton's result types in the termination message: TaskRun results and its own entries. */
const TASK_RUN_RESULT_TYPE = 1;
const INTERNAL_RESULT_TYPE = 3;
const KILL_AFTER_MS = 2000;

const root = process.env.KUBERNAUT_ROOT ?? process.cwd();
/** @type {import('./step-command.ts').EntrypointSpec} */
const spec = JSON.parse(process.argv[2] ?? '{}');
/** @param {string} text */
const rooted = (text) => text.replaceAll(ROOT_MARKER, root);
/** @param {string} arg */
const quote = (arg) => `'${arg.replaceAll("'", `'\\''`)}'`;

for (const [path, argv] of Object.entries(spec.shims)) {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `#!/bin/sh\nexec ${argv.map(quote).join(' ')} "$@"\n`, { mode: 0o755 });
}
mkdirSync(join(root, 'tekton', 'results'), { recursive: true });

let argv = (spec.argv ?? []).map(rooted);
if (spec.script) {
  const file = rooted(spec.script.path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, rooted(spec.script.text));
  chmodSync(file, 0o755);
  argv = [...spec.script.interpreter, file];
}
/** @type {Record<string, string>} */
const env = {};
for (const [name, value] of Object.entries(process.env)) {
  if (value !== undefined) env[name] = rooted(value);
}
const cwd = spec.workingDir ? rooted(spec.workingDir) : root;
mkdirSync(cwd, { recursive: true });

const [command = '', ...args] = argv;
const child = spawn(command, args, {
  cwd,
  env,
  stdio: ['inherit', 'inherit', 'inherit'],
  detached: true,
});
const stopGroup = () => {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  setTimeout(() => {
    try {
      process.kill(-(child.pid ?? 0), 'SIGKILL');
    } catch {
      // already gone
    }
  }, KILL_AFTER_MS).unref();
};
process.on('SIGTERM', stopGroup);
process.on('SIGINT', stopGroup);

child.once('error', (error) => {
  process.stderr.write(`${error.message}\n`);
  finish(127);
});
child.once('exit', (code, signal) => {
  finish(code ?? 128 + (signal === 'SIGKILL' ? 9 : 15));
});

/** @param {number} exitCode */
function finish(exitCode) {
  const results = spec.results.flatMap((name) => {
    try {
      const value = readFileSync(join(root, 'tekton', 'results', name), 'utf8');
      return [{ key: name, value, type: TASK_RUN_RESULT_TYPE }];
    } catch {
      return [];
    }
  });
  // onError: continue — the step "succeeds" so the next one runs; its code goes in the message.
  const continued = exitCode !== 0 && spec.onError === 'continue';
  if (continued)
    results.push({ key: 'ExitCode', value: String(exitCode), type: INTERNAL_RESULT_TYPE });
  if (results.length > 0)
    writeFileSync(join(root, 'dev', 'termination-log'), JSON.stringify(results));
  process.exit(continued ? 0 : exitCode);
}
