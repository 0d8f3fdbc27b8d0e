/**
 * Slack's request signing: `X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:{timestamp}:{raw
 * body}" under the signing secret>`, with `X-Slack-Request-Timestamp` within five minutes of
 * now so a captured request cannot be replayed later. Pure (the clock is a parameter); the
 * comparison is constant-time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SLACK_REPLAY_WINDOW_SECONDS = 5 * 60;

export interface SlackSignatureInput {
  signingSecret: string;
  timestamp: string | undefined;
  signature: string | undefined;
  rawBody: string;
  nowSeconds: number;
  windowSeconds?: number;
}

export type SignatureResult = { ok: true } | { ok: false; reason: string };

export function signSlackRequest(
  signingSecret: string,
  timestamp: string,
  rawBody: string,
): string {
  const mac = createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`);
  return `v0=${mac.digest('hex')}`;
}

export function verifySlackSignature(input: SlackSignatureInput): SignatureResult {
  const { timestamp, signature } = input;
  if (timestamp === undefined || signature === undefined) {
    return { ok: false, reason: 'X-Slack-Request-Timestamp and X-Slack-Signature are required' };
  }
  if (!/^[0-9]{1,12}$/.test(timestamp)) {
    return { ok: false, reason: 'X-Slack-Request-Timestamp is not a Unix time' };
  }
  const window = input.windowSeconds ?? SLACK_REPLAY_WINDOW_SECONDS;
  if (Math.abs(input.nowSeconds - Number(timestamp)) > window) {
    return {
      ok: false,
      reason: `X-Slack-Request-Timestamp is more than ${String(window)} s from now (replayed or clock skew)`,
    };
  }
  const expected = Buffer.from(signSlackRequest(input.signingSecret, timestamp, input.rawBody));
  const given = Buffer.from(signature);
  // timingSafeEqual needs equal lengths; a length mismatch reveals nothing about the secret.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'X-Slack-Signature does not match the request' };
  }
  return { ok: true };
}
