import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { SoftAuthenticator } from './authenticator.ts';

const origin = 'http://localhost';

/** Registers a fresh authenticator with the real library and returns what a server would store. */
async function registered(authenticator = new SoftAuthenticator()) {
  const options = await generateRegistrationOptions({
    rpName: 't', rpID: 'localhost', userName: 'ada', userID: new TextEncoder().encode('user-1'),
  });
  const response = authenticator.register(options, origin);
  const result = await verifyRegistrationResponse({
    response, expectedChallenge: options.challenge, expectedOrigin: origin, expectedRPID: 'localhost',
  });
  return { authenticator, options, result };
}

describe('SoftAuthenticator', () => {
  test('registration verifies with @simplewebauthn/server', async () => {
    const { authenticator, result } = await registered();
    assert.equal(result.verified, true);
    const info = result.registrationInfo!;
    assert.equal(info.credential.id, authenticator.credentialId);
    assert.equal(info.credentialDeviceType, 'multiDevice');
    assert.equal(info.userVerified, true);
    assert.equal(info.fmt, 'none');
  });

  test('authentication verifies and the counter goes up', async () => {
    const { authenticator, options: reg, result } = await registered();
    let credential = result.registrationInfo!.credential;
    for (const expected of [1, 2]) {
      const options = await generateAuthenticationOptions({
        rpID: 'localhost', allowCredentials: [{ id: credential.id }],
      });
      const response = authenticator.authenticate(options, origin);
      assert.equal(response.response.userHandle, reg.user.id);
      const check = await verifyAuthenticationResponse({
        response, expectedChallenge: options.challenge, expectedOrigin: origin, expectedRPID: 'localhost', credential,
      });
      assert.equal(check.verified, true);
      assert.equal(check.authenticationInfo.newCounter, expected);
      credential = { ...credential, counter: check.authenticationInfo.newCounter };
    }
  });

  test('a wrong origin fails verification', async () => {
    const { authenticator, result } = await registered();
    const options = await generateAuthenticationOptions({ rpID: 'localhost' });
    const response = authenticator.authenticate(options, 'http://evil.localhost');
    await assert.rejects(
      verifyAuthenticationResponse({
        response, expectedChallenge: options.challenge, expectedOrigin: origin, expectedRPID: 'localhost',
        credential: result.registrationInfo!.credential,
      }),
      /origin/i,
    );
  });

  test('refuses when allowCredentials names another credential', async () => {
    const { authenticator } = await registered();
    assert.throws(
      () => authenticator.authenticate({ challenge: 'x', rpId: 'localhost', allowCredentials: [{ id: 'other' }] }, origin),
      /allowCredentials/,
    );
  });
});
