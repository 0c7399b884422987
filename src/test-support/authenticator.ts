import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';

type Cbor = number | string | Uint8Array | Map<number | string, Cbor>;

/** The few CBOR types WebAuthn needs (RFC 8949): ints, byte and text strings, maps. */
function cbor(value: Cbor): Buffer {
  const head = (major: number, n: number) => {
    if (n < 24) return Buffer.from([(major << 5) | n]);
    if (n < 0x100) return Buffer.from([(major << 5) | 24, n]);
    if (n < 0x10000) return Buffer.from([(major << 5) | 25, n >> 8, n & 0xff]);
    const b = Buffer.alloc(5);
    b[0] = (major << 5) | 26;
    b.writeUInt32BE(n, 1);
    return b;
  };
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string') {
    const s = Buffer.from(value, 'utf8');
    return Buffer.concat([head(3, s.length), s]);
  }
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), value]);
  const parts: Uint8Array[] = [head(5, value.size)];
  for (const [k, v] of value) parts.push(cbor(k), cbor(v));
  return Buffer.concat(parts);
}

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest();
const b64url = (data: Uint8Array) => Buffer.from(data).toString('base64url');

const UP = 0x01;
const UV = 0x04;
// Backup eligible + backed up: the server sees a synced, multi-device passkey.
const BE_BS = 0x08 | 0x10;
const AT = 0x40;

type Credential = { id: Buffer; privateKey: KeyObject; userHandle: string; counter: number };

/** A software passkey (ES256, attestation 'none') that answers @simplewebauthn/server options. */
export class SoftAuthenticator {
  readonly #userVerified: boolean;
  #cred?: Credential;

  constructor(opts: { userVerified?: boolean } = {}) {
    this.#userVerified = opts.userVerified ?? true;
  }

  /** base64url id of the credential made by register(). */
  get credentialId(): string {
    if (!this.#cred) throw new Error('SoftAuthenticator: register() first');
    return b64url(this.#cred.id);
  }

  /** A RegistrationResponseJSON (attestation 'none', resident credential) for the creation options. */
  register(
    options: { challenge: string; rp: { id?: string; name: string }; user: { id: string; name: string } },
    origin: string,
  ): RegistrationResponseJSON {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const id = randomBytes(32);
    this.#cred = { id, privateKey, userHandle: options.user.id, counter: 0 };

    const jwk = publicKey.export({ format: 'jwk' });
    // COSE_Key for EC2/P-256/ES256, keys in CTAP2 canonical order.
    const coseKey = cbor(new Map<number, Cbor>([
      [1, 2], [3, -7], [-1, 1],
      [-2, Buffer.from(jwk.x!, 'base64url')],
      [-3, Buffer.from(jwk.y!, 'base64url')],
    ]));
    const idLen = Buffer.alloc(2);
    idLen.writeUInt16BE(id.length);
    const attested = Buffer.concat([Buffer.alloc(16) /* aaguid */, idLen, id, coseKey]);
    const authData = this.#authData(options.rp.id ?? new URL(origin).hostname, AT, 0, attested);
    const clientDataJSON = clientData('webauthn.create', options.challenge, origin);

    return {
      id: b64url(id),
      rawId: b64url(id),
      type: 'public-key',
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
      response: {
        clientDataJSON: b64url(clientDataJSON),
        attestationObject: b64url(cbor(new Map<string, Cbor>([
          ['fmt', 'none'], ['attStmt', new Map()], ['authData', authData],
        ]))),
        authenticatorData: b64url(authData),
        transports: ['internal'],
        publicKeyAlgorithm: -7,
        publicKey: b64url(publicKey.export({ format: 'der', type: 'spki' })),
      },
    };
  }

  /** An assertion for the request options; the signature counter goes up by one per call. */
  authenticate(
    options: { challenge: string; rpId?: string; allowCredentials?: { id: string }[] },
    origin: string,
  ): AuthenticationResponseJSON {
    const cred = this.#cred;
    if (!cred) throw new Error('SoftAuthenticator: register() first');
    const id = b64url(cred.id);
    const allowed = options.allowCredentials ?? [];
    if (allowed.length > 0 && !allowed.some((c) => c.id === id)) {
      throw new Error('SoftAuthenticator: this credential is not in allowCredentials');
    }
    cred.counter += 1;
    const authData = this.#authData(options.rpId ?? new URL(origin).hostname, 0, cred.counter);
    const clientDataJSON = clientData('webauthn.get', options.challenge, origin);
    // ES256 signatures in WebAuthn are DER-encoded, which is node's default for EC keys.
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), cred.privateKey);

    return {
      id,
      rawId: id,
      type: 'public-key',
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
      response: {
        clientDataJSON: b64url(clientDataJSON),
        authenticatorData: b64url(authData),
        signature: b64url(signature),
        userHandle: cred.userHandle,
      },
    };
  }

  #authData(rpId: string, extraFlags: number, signCount: number, attested?: Buffer): Buffer {
    const flags = UP | BE_BS | extraFlags | (this.#userVerified ? UV : 0);
    const count = Buffer.alloc(4);
    count.writeUInt32BE(signCount);
    return Buffer.concat([sha256(rpId), Buffer.from([flags]), count, ...(attested ? [attested] : [])]);
  }
}

function clientData(type: 'webauthn.create' | 'webauthn.get', challenge: string, origin: string): Buffer {
  return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
}
