import assert from 'node:assert/strict';
import { test } from 'node:test';
import { X509Certificate } from 'node:crypto';
import { int, selfSignedServingCert } from '../../../src/sim/api/tls.js';

test('DER integers are minimal: no needless leading zero, one where the high bit is set', () => {
  const hex = (b: number[]) => int(Buffer.from(b)).toString('hex');
  assert.equal(hex([0x00, 0x00, 0x12, 0x34]), '02021234');
  assert.equal(hex([0x00, 0x80, 0x01]), '0203008001');
  assert.equal(hex([0x80, 0x01]), '0203008001');
  assert.equal(hex([0x00]), '020100');
  assert.equal(hex([0x7f]), '02017f');
});

test('the serving certificate and its CA parse and chain', () => {
  const { ca, cert } = selfSignedServingCert();
  const leaf = new X509Certificate(cert);
  assert.ok(leaf.checkIssued(new X509Certificate(ca)));
  assert.ok(leaf.checkIP('127.0.0.1'));
});
