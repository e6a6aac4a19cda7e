/**
 * A throwaway CA and serving certificate for the simulator, built with node:crypto and a tiny DER
 * encoder (no openssl). kubectl (client-go clientcmd) only sends credentials to https servers,
 * so serving TLS is what lets kubectl authenticate against the simulator.
 */
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

const der = (tag: number, body: Buffer): Buffer => {
  const len = body.length;
  let head: Buffer;
  if (len < 0x80) head = Buffer.from([tag, len]);
  else {
    const bytes: number[] = [];
    for (let n = len; n > 0; n >>= 8) bytes.unshift(n & 0xff);
    head = Buffer.from([tag, 0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([head, body]);
};
const seq = (...items: Buffer[]) => der(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => der(0x31, Buffer.concat(items));
/** A non-negative DER INTEGER in its minimal form: OpenSSL refuses a certificate whose serial has a needless leading zero ("illegal padding"). */
export const int = (b: Buffer): Buffer => {
  let start = 0;
  while (start < b.length - 1 && b[start] === 0) start++;
  const v = b.subarray(start);
  return der(0x02, v[0] & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v);
};
const bool = (v: boolean) => der(0x01, Buffer.from([v ? 0xff : 0]));
const octets = (b: Buffer) => der(0x04, b);
const bits = (b: Buffer, unused = 0) => der(0x03, Buffer.concat([Buffer.from([unused]), b]));
const utf8 = (s: string) => der(0x0c, Buffer.from(s, 'utf8'));
const explicit = (n: number, b: Buffer) => der(0xa0 + n, b);

function oid(text: string): Buffer {
  const parts = text.split('.').map(Number);
  const out = [40 * parts[0] + parts[1]];
  for (const p of parts.slice(2)) {
    const enc: number[] = [p & 0x7f];
    for (let n = p >> 7; n > 0; n >>= 7) enc.unshift(0x80 | (n & 0x7f));
    out.push(...enc);
  }
  return der(0x06, Buffer.from(out));
}

function time(d: Date): Buffer {
  const s = d.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
  return der(0x17, Buffer.from(s, 'ascii'));
}

const name = (cn: string) => seq(set(seq(oid('2.5.4.3'), utf8(cn))));
const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));
}

function certificate(opts: { subject: string; issuer: string; publicKey: KeyObject; signer: KeyObject; ca: boolean; hosts?: { dns: string[]; ips: string[] } }): string {
  const now = Date.now();
  const exts = [
    extension('2.5.29.19', true, seq(...(opts.ca ? [bool(true)] : []))),
    // keyUsage: CA digitalSignature|keyCertSign|cRLSign, leaf digitalSignature|keyEncipherment
    extension('2.5.29.15', true, opts.ca ? bits(Buffer.from([0x86]), 1) : bits(Buffer.from([0xa0]), 5)),
  ];
  if (!opts.ca) exts.push(extension('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'))));
  if (opts.hosts) {
    const names = [
      ...opts.hosts.dns.map((d) => der(0x82, Buffer.from(d, 'ascii'))),
      ...opts.hosts.ips.map((ip) => der(0x87, Buffer.from(ip.split('.').map(Number)))),
    ];
    exts.push(extension('2.5.29.17', false, seq(...names)));
  }
  const tbs = seq(
    explicit(0, int(Buffer.from([2]))),
    int(randomBytes(16)),
    ECDSA_SHA256,
    name(opts.issuer),
    seq(time(new Date(now - 3600_000)), time(new Date(now + 10 * 365 * 24 * 3600_000))),
    name(opts.subject),
    opts.publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, seq(...exts)),
  );
  const signature = sign('sha256', tbs, opts.signer);
  const cert = seq(tbs, ECDSA_SHA256, bits(signature));
  const b64 = cert.toString('base64').replace(/(.{64})/g, '$1\n').trim();
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

export interface ServingCert {
  /** PEM of the CA that signed `cert` (for certificate-authority-data). */
  ca: string;
  cert: string;
  key: string;
}

/** A fresh CA and a serving certificate for the given hosts (default localhost and 127.0.0.1). */
export function selfSignedServingCert(hosts: { dns: string[]; ips: string[] } = { dns: ['localhost'], ips: ['127.0.0.1'] }): ServingCert {
  const caKeys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const leafKeys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const ca = certificate({ subject: 'cutover-sim-ca', issuer: 'cutover-sim-ca', publicKey: caKeys.publicKey, signer: caKeys.privateKey, ca: true });
  const cert = certificate({ subject: 'cutover-sim', issuer: 'cutover-sim-ca', publicKey: leafKeys.publicKey, signer: caKeys.privateKey, ca: false, hosts });
  const key = leafKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { ca, cert, key };
}
