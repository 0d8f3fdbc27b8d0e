/**
 * The real `git` binary, run with an argument array (never a shell: inputs never reach one,
 * invariant 7), prompts off, no system or user config, and credentials only as an
 * `http.extraHeader` passed through GIT_CONFIG_* environment variables — never in argv (which
 * `ps` shows), never in a URL, never in a log or error message.
 */
import { execFile } from 'node:child_process';
import { ActionError } from '../../runtime/action-error.ts';

export interface GitCredentials {
  username: string;
  token: string;
}

export interface GitOptions {
  cwd: string;
  credentials?: GitCredentials | undefined;
  /** Extra environment (author identity). */
  env?: Record<string, string>;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** The environment of every git call: nothing inherited but PATH, the header as config. */
export function buildGitEnv(
  base: Readonly<Record<string, string | undefined>>,
  credentials: GitCredentials | undefined,
  extra: Record<string, string> = {},
): Record<string, string> {
  const env: Record<string, string> = {
    PATH: base.PATH ?? '/usr/bin:/bin',
    HOME: base.HOME ?? '/tmp',
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_ASKPASS: 'true',
    LC_ALL: 'C',
    ...extra,
  };
  if (credentials !== undefined) {
    const basic = Buffer.from(`${credentials.username}:${credentials.token}`).toString('base64');
    env.GIT_CONFIG_COUNT = '1';
    env.GIT_CONFIG_KEY_0 = 'http.extraHeader';
    env.GIT_CONFIG_VALUE_0 = `Authorization: Basic ${basic}`;
  }
  return env;
}

/** Removes any trace of the credentials from text that may be shown. */
export function scrub(text: string, credentials: GitCredentials | undefined): string {
  if (credentials === undefined || credentials.token === '') return text;
  const basic = Buffer.from(`${credentials.username}:${credentials.token}`).toString('base64');
  return text.split(credentials.token).join('[redacted]').split(basic).join('[redacted]');
}

export async function runGit(args: string[], options: GitOptions): Promise<string> {
  const env = buildGitEnv(process.env, options.credentials, options.env);
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      {
        cwd: options.cwd,
        env,
        encoding: 'utf8',
        maxBuffer: 16 * 1024 * 1024,
        timeout: options.timeoutMs ?? 120_000,
        ...(options.signal ? { signal: options.signal } : {}),
      },
      (error, stdout, stderr) => {
        if (error === null) {
          resolve(stdout);
          return;
        }
        const missing = (error as { code?: unknown }).code === 'ENOENT';
        const detail = scrub(stderr.trim() || error.message, options.credentials);
        reject(
          new ActionError(
            'Failed',
            missing
              ? 'git is not installed in this image'
              : `git ${args[0] ?? ''} failed: ${detail.split('\n').slice(-5).join(' | ')}`,
          ),
        );
      },
    );
  });
}
