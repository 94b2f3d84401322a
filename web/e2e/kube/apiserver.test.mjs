// The test API server against the real kubectl, and its watch over HTTP
// and WebSocket, as Headlamp's frontend and kubectl use them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { startApiServer } from './apiserver.mjs';
import { kubectlFor, listFile } from './kubectl.mjs';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const pods = JSON.parse(
  readFileSync(join(ROOT, 'tests', 'data', 'kubectl-pods.json'), 'utf8')
).items;
const BUYER = 'x402-buyer-6c9d8f7b5-q2w7x';

let api;
let kubectl;

before(async () => {
  api = await startApiServer();
  kubectl = kubectlFor(api.url);
  // `-f` files go as JSON; kubectl's typed generators (`create namespace`)
  // send protobuf, which this server does not speak.
  const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x402' } };
  await kubectl('create', '--validate=false', '-f', listFile([namespace, ...pods]));
});

after(() => api?.close());

const getJson = async path => (await fetch(api.url + path)).json();

test('kubectl lists, selects by label and field, and reads what it created', async () => {
  assert.equal(
    await kubectl('get', 'pods', '-A', '-o', 'name'),
    `pod/${BUYER}\npod/x402-escrow-0\n`
  );
  assert.equal(
    await kubectl(
      'get',
      'pods',
      '-n',
      'x402',
      '-l',
      'app.kubernetes.io/name in (x402-escrow)',
      '-o',
      'name'
    ),
    'pod/x402-escrow-0\n'
  );
  assert.equal(
    await kubectl(
      'get',
      'pods',
      '-n',
      'x402',
      '-l',
      '!statefulset.kubernetes.io/pod-name',
      '-o',
      'name'
    ),
    `pod/${BUYER}\n`
  );
  assert.equal(
    await kubectl('get', 'pods', '-A', '--field-selector', 'status.phase!=Running', '-o', 'name'),
    'pod/x402-escrow-0\n'
  );
  const got = JSON.parse(await kubectl('get', 'pod', '-n', 'x402', BUYER, '-o', 'json'));
  assert.equal(got.status.conditions.length, 5);
  assert.match(got.metadata.uid, /^[0-9a-f-]{36}$/);
  assert.notEqual(got.metadata.uid, pods[0].metadata.uid, 'the server sets uid on create');
  await assert.rejects(kubectl('get', 'pod', '-n', 'x402', 'nope'), /pods "nope" not found/);
});

test('patches as kubectl sends them: strategic merge by container name, JSON merge, JSON patch', async () => {
  const before = (await getJson(`/api/v1/namespaces/x402/pods/${BUYER}`)).metadata;
  await kubectl(
    'patch',
    'pod',
    '-n',
    'x402',
    BUYER,
    '-p',
    '{"spec":{"containers":[{"name":"buyer","image":"ghcr.io/obolnetwork/x402-buyer:v1.2.0"}]}}'
  );
  let pod = await getJson(`/api/v1/namespaces/x402/pods/${BUYER}`);
  assert.equal(pod.spec.containers.length, 1);
  assert.equal(pod.spec.containers[0].image, 'ghcr.io/obolnetwork/x402-buyer:v1.2.0');
  assert.equal(pod.spec.containers[0].env.length, 3, 'the rest of the container stays');
  assert.ok(Number(pod.metadata.resourceVersion) > Number(before.resourceVersion));
  assert.equal(pod.metadata.generation, 2);
  await kubectl('annotate', 'pod', '-n', 'x402', BUYER, 'imprint.dev/policy=obol-stack');
  await kubectl(
    'patch',
    'pod',
    '-n',
    'x402',
    BUYER,
    '--type',
    'json',
    '-p',
    '[{"op":"replace","path":"/spec/containers/0/image","value":"ghcr.io/obolnetwork/x402-buyer:v1.2.1"}]'
  );
  await kubectl(
    'patch',
    'pod',
    '-n',
    'x402',
    BUYER,
    '--type',
    'merge',
    '-p',
    '{"metadata":{"labels":{"pod-template-hash":null}}}'
  );
  pod = await getJson(`/api/v1/namespaces/x402/pods/${BUYER}`);
  assert.equal(pod.metadata.annotations['imprint.dev/policy'], 'obol-stack');
  assert.equal(pod.spec.containers[0].image, 'ghcr.io/obolnetwork/x402-buyer:v1.2.1');
  assert.equal(pod.metadata.labels['pod-template-hash'], undefined);
  // Status goes through the status subresource only.
  await kubectl(
    'patch',
    'pod',
    '-n',
    'x402',
    BUYER,
    '--type',
    'merge',
    '-p',
    '{"status":{"phase":"Failed"}}'
  );
  assert.equal((await getJson(`/api/v1/namespaces/x402/pods/${BUYER}`)).status.phase, 'Running');
  await kubectl(
    'patch',
    'pod',
    '-n',
    'x402',
    BUYER,
    '--subresource',
    'status',
    '--type',
    'merge',
    '-p',
    '{"status":{"phase":"Failed"}}'
  );
  assert.equal((await getJson(`/api/v1/namespaces/x402/pods/${BUYER}`)).status.phase, 'Failed');
});

test('replace with a stale resourceVersion conflicts; delete removes', async () => {
  const pod = await getJson('/api/v1/namespaces/x402/pods/x402-escrow-0');
  const put = body =>
    fetch(`${api.url}/api/v1/namespaces/x402/pods/x402-escrow-0`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  pod.metadata.labels.tier = 'payments';
  assert.equal((await put(pod)).status, 200);
  pod.metadata.labels.tier = 'escrow';
  const stale = await put(pod);
  assert.equal(stale.status, 409);
  assert.equal((await stale.json()).reason, 'Conflict');
  await kubectl('delete', 'pod', '-n', 'x402', 'x402-escrow-0', '--wait=false');
  assert.equal((await fetch(`${api.url}/api/v1/namespaces/x402/pods/x402-escrow-0`)).status, 404);
  await kubectl('create', '--validate=false', '-f', listFile([pods[1]]));
});

test('watch over HTTP and over WebSocket sends what kubectl changes, from a resourceVersion', async () => {
  const list = await getJson('/api/v1/namespaces/x402/pods');
  const rv = list.metadata.resourceVersion;
  const q = `watch=1&resourceVersion=${rv}&fieldSelector=metadata.name%3Dx402-escrow-0`;
  const http = await fetch(`${api.url}/api/v1/namespaces/x402/pods?${q}`);
  const reader = http.body.getReader();
  const ws = new WebSocket(`${api.url.replace('http', 'ws')}/api/v1/namespaces/x402/pods?${q}`, [
    'base64.binary.k8s.io',
  ]);
  await new Promise((ok, fail) => ws.once('open', ok).once('error', fail));
  assert.equal(ws.protocol, 'base64.binary.k8s.io');
  const frame = new Promise(ok => ws.once('message', data => ok(JSON.parse(String(data)))));
  await kubectl('label', 'pod', '-n', 'x402', 'x402-escrow-0', 'stage=test');
  await kubectl('label', 'pod', '-n', 'x402', BUYER, 'stage=test');
  const event = await frame;
  assert.equal(event.type, 'MODIFIED');
  assert.equal(event.object.metadata.labels.stage, 'test');
  assert.equal(event.object.metadata.name, 'x402-escrow-0');
  const { value } = await reader.read();
  const line = JSON.parse(new TextDecoder().decode(value).split('\n')[0]);
  assert.deepEqual([line.type, line.object.metadata.name], ['MODIFIED', 'x402-escrow-0']);
  ws.close();
  await reader.cancel();
});

test('access reviews and a user who may not list pods', async () => {
  const limited = await startApiServer({
    users: { viewer: [{ verbs: ['get', 'list', 'watch'], resources: ['namespaces'] }] },
  });
  try {
    const review = await fetch(
      `${limited.url}/apis/authorization.k8s.io/v1/selfsubjectaccessreviews`,
      {
        method: 'POST',
        headers: { 'x-test-user': 'viewer', 'content-type': 'application/json' },
        body: JSON.stringify({ spec: { resourceAttributes: { verb: 'list', resource: 'pods' } } }),
      }
    );
    assert.equal((await review.json()).status.allowed, false);
    const res = await fetch(`${limited.url}/api/v1/pods`, { headers: { 'x-test-user': 'viewer' } });
    assert.equal(res.status, 403);
    assert.match((await res.json()).message, /User "viewer" cannot list resource "pods"/);
  } finally {
    await limited.close();
  }
});
