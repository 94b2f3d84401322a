// What the plugin asks the engine: the cards of a Pod's containers, and the
// check of an InferenceProviderConfig's status.version against the provider
// image that is running. Kubernetes objects go to the engine as they are
// (its Kubernetes reader names every container); nothing here decides what
// is valid: that is the policy's job.
import type { Answer, Artifact, ArtifactCard, Finding } from '@imprint/engine/web';
import * as engine from '@imprint/engine/web';

/** A Kubernetes object as the API server returns it. */
export type KubeJson = {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [k: string]: unknown;
};

/** The annotation that names the policy for a Pod (else the plugin's default). */
export const POLICY_ANNOTATION = 'imprint.dev/policy';

/** The policy the plugin uses when a Pod does not name one. */
export const DEFAULT_POLICY = 'default';

/** Which builtin policy applies to `pod`. */
export function policyFor(pod: KubeJson): string {
  const named = pod.metadata?.annotations?.[POLICY_ANNOTATION]?.trim();
  return named && engine.policyText(named) !== undefined ? named : DEFAULT_POLICY;
}

/** The result of asking the engine: cards, or what went wrong. */
export type Cards =
  | { ok: true; policy: string; cards: ArtifactCard[] }
  | { ok: false; message: string };

function unexpected(a: Answer): string {
  switch (a.type) {
    case 'read_error':
    case 'bad_request':
    case 'invalid_reference':
      return a.message;
    case 'policy_error':
      return a.problems.map(p => `${p.path}: ${p.message}`).join('; ');
    case 'derive_error':
      return a.message;
    default:
      return `unexpected answer ${a.type}`;
  }
}

/** The artifacts the engine reads from Kubernetes objects. */
export function artifactsOf(
  objects: KubeJson[]
): { ok: true; artifacts: Artifact[] } | { ok: false; message: string } {
  const a = engine.read(JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }), null);
  return a.type === 'artifacts'
    ? { ok: true, artifacts: a.artifacts }
    : { ok: false, message: unexpected(a) };
}

/** The cards of `artifacts` under `policy`. */
export function cardsOf(policy: string, artifacts: Partial<Artifact>[]): Cards {
  const a = engine.cards(policy, artifacts, undefined);
  return a.type === 'cards'
    ? { ok: true, policy, cards: a.cards }
    : { ok: false, message: unexpected(a) };
}

/** One card per container, init container and ephemeral container of `pod`. */
export function podCards(pod: KubeJson): Cards {
  const read = artifactsOf([pod]);
  return read.ok ? cardsOf(policyFor(pod), read.artifacts) : read;
}

/** The main container's card: the one `kubectl.kubernetes.io/default-container` names, else the first app container. */
export function mainCard(pod: KubeJson): ArtifactCard | null {
  const r = podCards(pod);
  if (!r.ok) return null;
  const fields = (c: ArtifactCard) => c.fields ?? {};
  const apps = r.cards.filter(
    c => fields(c)['container.init'] !== 'true' && fields(c)['container.ephemeral'] !== 'true'
  );
  const wanted = pod.metadata?.annotations?.['kubectl.kubernetes.io/default-container'];
  return (wanted && apps.find(c => fields(c)['container.name'] === wanted)) || apps[0] || null;
}

/** Errors first, then warnings (the engine already orders them so; kept when cards are merged). */
export function errorsFirst(findings: Finding[]): Finding[] {
  return [
    ...findings.filter(f => f.severity === 'error'),
    ...findings.filter(f => f.severity !== 'error'),
  ];
}

/** A provider image running in the cluster: where, and which image. */
export interface RunningImage {
  /** `Pod/<namespace>/<name> container <c>`, as the engine names it. */
  artifact: string;
  reference: string;
}

/**
 * The running images of the provider an InferenceProviderConfig describes:
 * containers whose image repository is `…/<name>-provider` (the image the
 * provider's Makefile builds, `<registry>/<provider>-provider:<version>`).
 */
export function providerImages(providerName: string, pods: KubeJson[]): RunningImage[] {
  const read = artifactsOf(pods);
  if (!read.ok) return [];
  // Only images whose text names the provider can be its image: the engine
  // normalizes those (a whole cluster's containers need not be carded).
  const wanted = `${providerName}-provider`;
  const candidates = read.artifacts.filter(a => a.reference?.includes(wanted));
  if (candidates.length === 0) return [];
  const cards = cardsOf(DEFAULT_POLICY, candidates);
  if (!cards.ok) return [];
  const seen = new Set<string>();
  const out: RunningImage[] = [];
  for (const c of cards.cards) {
    if (!c.valid || !c.name?.endsWith(`/${wanted}`)) continue;
    if (seen.has(c.reference)) continue;
    seen.add(c.reference);
    out.push({ artifact: c.artifact, reference: c.reference });
  }
  return out;
}

/** The check of an InferenceProviderConfig, once per running provider image (or once alone when none runs). */
export interface ProviderCheck {
  /** The object's status.version as the engine read it. */
  statusVersion: string | null;
  running: RunningImage[];
  result: Cards;
}

/** Checks `ipc` with the `airunway` policy against the provider images running in `pods`. */
export function checkProvider(ipc: KubeJson, pods: KubeJson[]): ProviderCheck {
  const read = artifactsOf([ipc]);
  if (!read.ok) return { statusVersion: null, running: [], result: read };
  const object = read.artifacts[0];
  if (!object)
    return {
      statusVersion: null,
      running: [],
      result: { ok: false, message: 'not an InferenceProviderConfig' },
    };
  const name = object.fields['k8s.name'] ?? ipc.metadata?.name ?? '';
  const running = providerImages(name, pods);
  const artifacts = running.length
    ? running.map(r => ({ ...object, reference: r.reference }))
    : [object];
  return {
    statusVersion: object.fields['status.version'] ?? null,
    running,
    result: cardsOf('airunway', artifacts),
  };
}
