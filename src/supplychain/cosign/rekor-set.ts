/**
 * Offline check of the Rekor bundle cosign stores beside a legacy keyless signature
 * (`dev.sigstore.cosign/bundle`): the SignedEntryTimestamp is Rekor's signature over the
 * canonical JSON of the entry, verified with a Rekor key from the trusted root; the entry
 * body must record this very signature, payload hash and certificate. Its integrated time is
 * when the short-lived certificate must have been valid.
 */
import { crypto as sigstoreCrypto, json as sigstoreJson } from '@sigstore/core';
import type { TransparencyLogEntry } from '@sigstore/bundle';
import type { TrustMaterial } from '@sigstore/verify';
import { SignatureError } from './errors.ts';

interface RekorBundle {
  SignedEntryTimestamp: string;
  Payload: { body: string; integratedTime: number; logIndex: number; logID: string };
}

export interface RekorEvidence {
  signature: Buffer;
  /** Hex SHA-256 of the signed payload bytes. */
  payloadSha256: string;
  certificateDer: Buffer;
}

export interface VerifiedRekorEntry {
  signedAt: Date;
  /** The entry in the bundle's shape, so the Verifier can take its time as a timestamp. */
  entry: TransparencyLogEntry;
}

/** Returns the integrated time once the SET and the entry body check out. */
export function verifyRekorBundle(
  text: string,
  trust: TrustMaterial,
  evidence: RekorEvidence,
): VerifiedRekorEntry {
  const bundle = parseRekorBundle(text);
  const { body, integratedTime, logIndex, logID } = bundle.Payload;
  const at = new Date(integratedTime * 1000);
  const data = Buffer.from(
    sigstoreJson.canonicalize({ body, integratedTime, logIndex, logID }),
    'utf8',
  );
  const set = Buffer.from(bundle.SignedEntryTimestamp, 'base64');
  const logs = trust.tlogs.filter(
    (log) =>
      log.logID.toString('hex') === logID && log.validFor.start <= at && at <= log.validFor.end,
  );
  if (!logs.some((log) => sigstoreCrypto.verify(data, log.publicKey, set))) {
    throw new SignatureError(
      'TLOG_INVALID',
      `Rekor SignedEntryTimestamp does not verify with a log of the trusted root (log ${logID})`,
    );
  }
  const canonicalizedBody = Buffer.from(body, 'base64');
  const kind = checkEntryBody(canonicalizedBody.toString('utf8'), evidence);
  return {
    signedAt: at,
    entry: {
      logIndex: String(logIndex),
      logId: { keyId: Buffer.from(logID, 'hex') },
      kindVersion: { kind, version: '0.0.1' },
      integratedTime: String(integratedTime),
      inclusionPromise: { signedEntryTimestamp: set },
      inclusionProof: undefined,
      canonicalizedBody,
    },
  };
}

function parseRekorBundle(text: string): RekorBundle {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new SignatureError('TLOG_INVALID', 'Rekor bundle annotation is not JSON');
  }
  const bundle = value as Partial<RekorBundle> | null;
  const payload = bundle?.Payload;
  if (
    typeof bundle?.SignedEntryTimestamp !== 'string' ||
    typeof payload?.body !== 'string' ||
    typeof payload.integratedTime !== 'number' ||
    typeof payload.logIndex !== 'number' ||
    typeof payload.logID !== 'string'
  ) {
    throw new SignatureError('TLOG_INVALID', 'Rekor bundle annotation lacks SET or payload fields');
  }
  return bundle as RekorBundle;
}

/** rekord and hashedrekord 0.0.1 both keep the hash, signature and key at these paths. */
function checkEntryBody(text: string, evidence: RekorEvidence): string {
  let entry: EntryBody;
  try {
    entry = JSON.parse(text) as EntryBody;
  } catch {
    throw new SignatureError('TLOG_INVALID', 'Rekor entry body is not JSON');
  }
  if (entry.kind !== 'rekord' && entry.kind !== 'hashedrekord') {
    throw new SignatureError('TLOG_INVALID', `unsupported Rekor entry kind ${String(entry.kind)}`);
  }
  const spec = entry.spec;
  const hash = spec?.data?.hash;
  if (hash?.algorithm !== 'sha256' || hash.value !== evidence.payloadSha256) {
    throw new SignatureError('TLOG_INVALID', 'Rekor entry records another payload hash');
  }
  const signature = Buffer.from(spec?.signature?.content ?? '', 'base64');
  if (!sigstoreCrypto.bufferEqual(signature, evidence.signature)) {
    throw new SignatureError('TLOG_INVALID', 'Rekor entry records another signature');
  }
  const keyPem = Buffer.from(spec?.signature?.publicKey?.content ?? '', 'base64').toString('utf8');
  const keyDer = pemBody(keyPem);
  if (!sigstoreCrypto.bufferEqual(keyDer, evidence.certificateDer)) {
    throw new SignatureError('TLOG_INVALID', 'Rekor entry records another certificate');
  }
  return entry.kind;
}

interface EntryBody {
  kind?: unknown;
  spec?: {
    data?: { hash?: { algorithm?: string; value?: string } };
    signature?: { content?: string; publicKey?: { content?: string } };
  };
}

function pemBody(pem: string): Buffer {
  const base64 = pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, '').replace(/\s+/g, '');
  return Buffer.from(base64, 'base64');
}
