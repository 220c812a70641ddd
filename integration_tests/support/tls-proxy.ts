import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';

/** A self-signed certificate made by the openssl tool: `certPath` is also its own CA bundle. */
export interface TestCertificate {
  certPath: string;
  keyPath: string;
}

/** Makes a self-signed certificate for `subjectAltName` (for example `IP:127.0.0.1` or `DNS:s3.example.test`). */
export function selfSignedCertificate(subjectAltName: string): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'destination-s3-cert-'));
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=destination-s3 test',
      '-addext', `subjectAltName=${subjectAltName}`, '-keyout', keyPath, '-out', certPath],
    { stdio: 'ignore' },
  );
  return { certPath, keyPath };
}

/**
 * A TLS endpoint on 127.0.0.1 in front of a plain-HTTP S3 server: it ends TLS with the given
 * certificate and passes the bytes through unchanged, so SigV4 signatures (made for the proxy's
 * host) still verify. Lets tests reach a real store over https with a certificate of their choice.
 */
export class TlsProxy {
  private server: Server | undefined;

  constructor(
    private readonly target: string,
    private readonly certificate: TestCertificate,
  ) {}

  async start(): Promise<string> {
    const { hostname, port } = new URL(this.target);
    this.server = createServer({ cert: readFileSync(this.certificate.certPath), key: readFileSync(this.certificate.keyPath) }, (client) => {
      const upstream = connect(Number(port), hostname);
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    // A failed handshake is what some tests provoke; it must not bring the test process down.
    this.server.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }
}
