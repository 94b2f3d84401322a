// The plugin's views. They show what the engine answered (provenance.ts);
// Headlamp's own components give them the dashboard's look.
import type { ArtifactCard, Finding } from '@imprint/engine/web';
import { K8s } from '@kinvolk/headlamp-plugin/lib';
import {
  NameValueTable,
  SectionBox,
  StatusLabel,
} from '@kinvolk/headlamp-plugin/lib/CommonComponents';
import { useEffect, useState } from 'react';
import { engineReady, ensureEngine } from './engine';
import {
  checkProvider,
  errorsFirst,
  type KubeJson,
  mainCard,
  podCards,
  type ProviderCheck,
} from './provenance';

type Status = 'success' | 'warning' | 'error' | '';

/** How a channel looks: a release is good, a dirty, `latest` or unknown build is a warning. */
export function channelStatus(channel: string | null | undefined, errors = 0): Status {
  if (errors > 0) return 'error';
  switch (channel) {
    case 'release':
      return 'success';
    case 'dev':
    case 'nightly':
    case 'staging':
      return '';
    default:
      return 'warning';
  }
}

/** The channel badge of a card. */
export function ChannelBadge({ card }: { card: ArtifactCard }) {
  const errors = card.findings.filter(f => f.severity === 'error').length;
  return (
    <StatusLabel
      status={channelStatus(card.channel, errors)}
      data-testid="imprint-channel"
      data-status={channelStatus(card.channel, errors) || 'info'}
      title={errors ? `${errors} error(s)` : undefined}
    >
      {card.channel ?? 'unknown'}
    </StatusLabel>
  );
}

/** The engine, started once per page; views wait for it. */
export function useEngine(): { ready: boolean; error: string | null } {
  const [ready, setReady] = useState(engineReady());
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (ready) return;
    let live = true;
    ensureEngine().then(
      () => live && setReady(true),
      (e: unknown) =>
        live &&
        setError(`the imprint engine did not load: ${e instanceof Error ? e.message : String(e)}`)
    );
    return () => {
      live = false;
    };
  }, [ready]);
  return { ready, error };
}

function https(url: string | null | undefined, text: string) {
  return url && /^https:\/\/\S+$/.test(url) ? (
    <a href={url} target="_blank" rel="noopener noreferrer">
      {text}
    </a>
  ) : (
    text
  );
}

/** Findings, errors first. */
export function Findings({ findings }: { findings: Finding[] }) {
  if (findings.length === 0) return <span data-testid="imprint-no-findings">no findings</span>;
  return (
    <ul style={{ margin: 0, paddingLeft: '1.2em' }}>
      {errorsFirst(findings).map((f, i) => (
        <li key={i} data-testid="imprint-finding" data-rule={f.rule} data-severity={f.severity}>
          <StatusLabel status={f.severity === 'error' ? 'error' : 'warning'}>
            {f.severity}
          </StatusLabel>{' '}
          <code>{f.rule}</code> {f.message}
        </li>
      ))}
    </ul>
  );
}

/** One provenance card. */
export function ProvenanceCard({ card }: { card: ArtifactCard }) {
  const rows = [
    { name: 'Image', value: <code data-testid="imprint-reference">{card.reference}</code> },
    { name: 'Channel', value: <ChannelBadge card={card} /> },
    { name: 'Version', value: card.version ?? '', hide: !card.version },
    {
      name: 'Commit',
      value: <span data-testid="imprint-commit">{https(card.commit_url, card.commit ?? '')}</span>,
      hide: !card.commit,
    },
    { name: 'Pipeline', value: card.pipeline ?? '', hide: !card.pipeline },
    { name: 'Build', value: https(card.build_url, card.build_url ?? ''), hide: !card.build_url },
    { name: 'Variant', value: card.variant ?? '', hide: !card.variant },
    { name: 'Source', value: https(card.source, card.source ?? ''), hide: !card.source },
    { name: 'Digest', value: <code>{card.digest}</code>, hide: !card.digest },
    { name: 'Findings', value: <Findings findings={card.findings} /> },
  ];
  return (
    <div data-testid="imprint-card" data-artifact={card.artifact} style={{ marginBottom: '1em' }}>
      <h3 style={{ fontSize: '1rem', margin: '0.5em 0' }}>{card.artifact}</h3>
      <NameValueTable rows={rows} />
    </div>
  );
}

/** The cards of every container and init container of a Pod. */
export function PodProvenance({ pod }: { pod: KubeJson }) {
  const r = podCards(pod);
  if (!r.ok) return <p data-testid="imprint-error">{r.message}</p>;
  if (r.cards.length === 0) return <p>This Pod has no containers.</p>;
  return (
    <div data-testid="imprint-pod" data-policy={r.policy}>
      <p style={{ marginTop: 0 }}>
        Checked with the <code>{r.policy}</code> policy.
      </p>
      {r.cards.map((c, i) => (
        <ProvenanceCard key={i} card={c} />
      ))}
    </div>
  );
}

interface ResourceProps {
  resource: { kind?: string; jsonData?: KubeJson } | null;
}

/** The "Provenance" section on a Pod's details page. */
export function PodProvenanceSection({ resource }: ResourceProps) {
  const { ready, error } = useEngine();
  if (!resource || resource.kind !== 'Pod' || !resource.jsonData) return null;
  return (
    <SectionBox title="Provenance">
      {error ? (
        <p data-testid="imprint-error">{error}</p>
      ) : ready ? (
        <PodProvenance pod={resource.jsonData} />
      ) : (
        <p>Loading the imprint engine…</p>
      )}
    </SectionBox>
  );
}

/** The channel badge of a Pod's main container, for the Pods list. */
export function PodChannelCell({ pod }: { pod: KubeJson }) {
  const { ready, error } = useEngine();
  if (error) return <span title={error}>engine not loaded</span>;
  if (!ready) return <span>…</span>;
  const card = mainCard(pod);
  return card ? <ChannelBadge card={card} /> : <span />;
}

/** The verdict on one InferenceProviderConfig. */
export function ProviderCheckView({ check }: { check: ProviderCheck }) {
  const { statusVersion, running, result } = check;
  return (
    <div data-testid="imprint-provider">
      <NameValueTable
        rows={[
          {
            name: 'status.version',
            value: <code data-testid="imprint-status-version">{statusVersion ?? '(not set)'}</code>,
          },
          {
            name: 'Running provider image',
            value: running.length ? (
              <ul style={{ margin: 0, paddingLeft: '1.2em' }}>
                {running.map(r => (
                  <li key={r.reference}>
                    <code data-testid="imprint-running">{r.reference}</code> ({r.artifact})
                  </li>
                ))}
              </ul>
            ) : (
              <span data-testid="imprint-no-running">
                none found (no container runs an image named …/&lt;name&gt;-provider)
              </span>
            ),
          },
        ]}
      />
      {result.ok ? (
        result.cards.map((c, i) => (
          <div key={i} data-testid="imprint-provider-result">
            <Findings findings={c.findings} />
          </div>
        ))
      ) : (
        <p data-testid="imprint-error">{result.message}</p>
      )}
    </div>
  );
}

/** status.version of an InferenceProviderConfig against the running provider image (the `airunway` policy). */
export function ProviderConfig({ ipc }: { ipc: KubeJson }) {
  const [pods, error] = K8s.ResourceClasses.Pod.useList();
  if (error) return <p data-testid="imprint-error">Pods could not be listed: {String(error)}</p>;
  if (!pods) return <p>Listing Pods…</p>;
  return (
    <ProviderCheckView
      check={checkProvider(
        ipc,
        pods.map(p => p.jsonData as KubeJson)
      )}
    />
  );
}

/** The "Provider version" section on an InferenceProviderConfig's details page. */
export function ProviderConfigSection({ resource }: ResourceProps) {
  const { ready, error } = useEngine();
  if (!resource || resource.kind !== 'InferenceProviderConfig' || !resource.jsonData) return null;
  return (
    <SectionBox title="Provider version (imprint)">
      {error ? (
        <p data-testid="imprint-error">{error}</p>
      ) : ready ? (
        <ProviderConfig ipc={resource.jsonData} />
      ) : (
        <p>Loading the imprint engine…</p>
      )}
    </SectionBox>
  );
}
