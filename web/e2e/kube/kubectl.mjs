// kubectl (the real one, from the machine image) against a test API server:
// a kubeconfig pointing at its loopback URL, and a cache directory of its own.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Returns `kubectl(...args)` → stdout, failing with kubectl's stderr. */
export function kubectlFor(apiUrl) {
  const dir = mkdtempSync(join(tmpdir(), 'kubectl-'));
  const config = join(dir, 'kubeconfig');
  writeFileSync(
    config,
    [
      'apiVersion: v1',
      'kind: Config',
      `clusters: [{name: test, cluster: {server: "${apiUrl}"}}]`,
      'users: [{name: admin, user: {}}]',
      'contexts: [{name: test, context: {cluster: test, user: admin}}]',
      'current-context: test',
      '',
    ].join('\n')
  );
  const bin = process.env.KUBECTL ?? 'kubectl';
  return (...args) =>
    new Promise((ok, fail) =>
      execFile(
        bin,
        ['--kubeconfig', config, '--cache-dir', join(dir, 'cache'), ...args],
        { timeout: 30000 },
        (error, stdout, stderr) =>
          error
            ? fail(new Error(`kubectl ${args.join(' ')}: ${stderr || error.message}`))
            : ok(stdout)
      )
    );
}

/** Writes `objects` as a kubectl List file (for `kubectl create -f`), without server-set fields. */
export function listFile(objects) {
  const items = objects.map(o => {
    const c = structuredClone(o);
    if (c.metadata) {
      delete c.metadata.resourceVersion;
      delete c.metadata.uid;
      delete c.metadata.creationTimestamp;
    }
    return c;
  });
  const path = join(mkdtempSync(join(tmpdir(), 'objects-')), 'list.json');
  writeFileSync(path, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  return path;
}
