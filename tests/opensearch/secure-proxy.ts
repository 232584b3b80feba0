/**
 * A TLS front for the run's cluster, as a secured production cluster looks from outside: HTTPS
 * with a certificate signed by a CA of its own (made with openssl for the test), and every request
 * refused with 401 unless it carries the expected basic credentials or API key. Requests that
 * pass are forwarded, unchanged, to the real cluster (the test cluster has no security plugin).
 * `refuseAll` turns the credentials down from then on (revoked credentials while serving).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SecureProxy {
  url: string;
  /** PEM file of the CA that signed the proxy's certificate. */
  caFile: string;
  /** Authorization headers seen, in order. */
  seen: string[];
  refuseAll(refuse: boolean): void;
  close(): Promise<void>;
}

function openssl(dir: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

/** A CA and a certificate for 127.0.0.1 signed by it. */
function certificates(dir: string): { ca: string; key: Buffer; cert: Buffer } {
  openssl(dir, 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=fahras test CA');
  openssl(dir, 'req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  openssl(dir, 'x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'san.ext');
  return { ca: join(dir, 'ca.pem'), key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.pem')) };
}

export async function startSecureProxy(target: string, accepted: { username: string; password: string; apiKey: string }): Promise<SecureProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'fahras-tls-'));
  const { ca, key, cert } = certificates(dir);
  const ok = new Set([`Basic ${Buffer.from(`${accepted.username}:${accepted.password}`).toString('base64')}`, `ApiKey ${accepted.apiKey}`]);
  const seen: string[] = [];
  let refusing = false;
  const upstream = new URL(target);
  const server: Server = createServer({ key, cert }, (req, res) => {
    const auth = req.headers.authorization ?? '';
    seen.push(auth);
    if (refusing || !ok.has(auth)) {
      res.writeHead(401, { 'content-type': 'application/json; charset=UTF-8', 'www-authenticate': 'Basic realm="OpenSearch Security"' });
      res.end(JSON.stringify({ error: { type: 'security_exception', reason: 'missing or wrong authentication credentials' }, status: 401 }));
      return;
    }
    const headers = { ...req.headers, host: upstream.host };
    delete headers.authorization;
    const fwd = httpRequest({ hostname: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    fwd.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(fwd);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    caFile: ca,
    seen,
    refuseAll: (refuse) => (refusing = refuse),
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
