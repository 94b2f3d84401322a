// HTML for the engine's answers. Everything the engine says is text:
// it is escaped here, and links are only made of https URLs.
import type {
  ArtifactCard,
  CardProvenance,
  Derivation,
  Finding,
  Problem,
  ValueTrace,
} from '@imprint/engine/web';

/** `text` safe to put in HTML text or an attribute. */
export function esc(text: unknown): string {
  return String(text ?? '').replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`);
}

/** A link when `url` is https, plain text otherwise. */
function link(url: string | null | undefined, text: string): string {
  if (!url) return esc(text);
  return /^https:\/\/[^\s"'<>]+$/.test(url)
    ? `<a href="${esc(url)}" target="_blank" rel="noopener noreferrer">${esc(text)}</a>`
    : esc(text);
}

/** The channel badge: release, dev, dirty, latest, nightly … or unknown. */
export function badge(channel: string | null | undefined): string {
  const c = channel ?? 'unknown';
  const known = ['release', 'dev', 'dirty', 'latest', 'nightly', 'unknown'].includes(c)
    ? c
    : 'other';
  return `<span class="badge badge-${known}" data-testid="channel">${esc(c)}</span>`;
}

/** Findings, consecutive ones of the same rule together (a bare reference misses many labels). */
function findings(list: Finding[]): string {
  const groups: Finding[][] = [];
  for (const f of list) {
    const last = groups[groups.length - 1];
    if (last && last[0].rule === f.rule && last[0].severity === f.severity) last.push(f);
    else groups.push([f]);
  }
  return groups
    .map(g => {
      const f = g[0];
      const msgs =
        g.length === 1
          ? ` ${esc(f.message)}`
          : `<ul>${g.map(x => `<li>${esc(x.message)}</li>`).join('')}</ul>`;
      return (
        `<li class="finding ${f.severity}" data-testid="finding" data-rule="${esc(
          f.rule
        )}" data-count="${g.length}">` +
        `<span class="sev">${f.severity}</span> <code>${esc(f.rule)}</code>${msgs}</li>`
      );
    })
    .join('');
}

function row(name: string, value: string): string {
  return `<dt>${esc(name)}</dt><dd>${value}</dd>`;
}

/** What each trust level of a SLSA provenance fact means. */
const TRUST: Record<string, string> = {
  verified: 'verified by the builder',
  hint: 'client hint, not verified by BuildKit',
};

/**
 * The rows of a SLSA provenance record: each fact, how far it can be
 * trusted, and whether the card's own commit or source agrees with it.
 */
function provenanceRows(p: CardProvenance): string[] {
  const facts: [string, string | null, string | null, boolean | null | undefined, string][] = [
    ['revision', p.revision, p.revision_trust, p.revision_agrees, 'commit'],
    ['source', p.source, p.source_trust, p.source_agrees, 'source'],
  ];
  return facts
    .filter(([, value]) => value)
    .map(([what, value, trust, agrees, label]) => {
      const verdict =
        agrees === true
          ? `<span class="agrees" data-testid="provenance-agrees">agrees with ${label}</span>`
          : agrees === false
          ? `<span class="disagrees" data-testid="provenance-disagrees">disagrees with ${label}</span>`
          : '';
      const t = trust ? ` <span class="muted">(${esc(TRUST[trust] ?? trust)})</span>` : '';
      return row(
        `provenance ${what}`,
        `<span class="mono" data-testid="provenance-${what}">${esc(value)}</span>${t}${
          verdict ? ` ${verdict}` : ''
        }`
      );
    });
}

/** One provenance card; `index` is its place in the whole list. */
export function card(c: ArtifactCard, index: number, focused: boolean): string {
  const rows: string[] = [];
  if (c.version) rows.push(row('version', esc(c.version)));
  if (c.commit)
    rows.push(row('commit', `<span data-testid="commit">${link(c.commit_url, c.commit)}</span>`));
  if (c.pipeline) rows.push(row('pipeline', esc(c.pipeline)));
  if (c.build_url) rows.push(row('build', link(c.build_url, c.build_url)));
  if (c.variant) rows.push(row('variant', esc(c.variant)));
  if (c.source) rows.push(row('source', link(c.source, c.source)));
  if (c.digest) rows.push(row('digest', `<span class="digest">${esc(c.digest)}</span>`));
  if (c.provenance) rows.push(...provenanceRows(c.provenance));
  const errors = c.findings.filter(f => f.severity === 'error').length;
  const title = c.reference || c.artifact;
  const sub =
    c.artifact !== title
      ? `<div class="artifact">${esc(c.artifact)}${c.line ? ` · line ${c.line}` : ''}</div>`
      : '';
  return (
    `<li class="card${errors ? ' has-errors' : ''}${
      focused ? ' focused' : ''
    }" data-testid="card" data-index="${index}" id="card-${index}">` +
    `<div class="card-head">${badge(
      c.channel
    )} <span class="ref mono" data-testid="reference">${esc(title)}</span>` +
    `<button class="share" data-share="${index}" title="Copy a link to this card">link</button></div>` +
    sub +
    (c.valid || c.reference === ''
      ? ''
      : `<div class="invalid">not a valid image reference</div>`) +
    (rows.length ? `<dl>${rows.join('')}</dl>` : '') +
    (c.findings.length
      ? `<ul class="findings">${findings(c.findings)}</ul>`
      : `<div class="ok">no findings</div>`) +
    `</li>`
  );
}

/** A policy's problems, each at its JSON path and line. */
export function problems(origin: string, list: Problem[]): string {
  return (
    `<strong>The policy does not load (${esc(origin)}):</strong><ul>` +
    list
      .map(
        p =>
          `<li data-testid="problem"><code class="path">${esc(
            p.path
          )}</code> <span class="muted">line ${p.line}, column ${p.column}</span> <code>${esc(
            p.code
          )}</code> ${esc(p.message)}</li>`
      )
      .join('') +
    `</ul>`
  );
}

/** Table rows of name/value pairs. */
export function pairs(list: [string, string][]): string {
  return (
    list.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('') ||
    `<tr><td class="muted">none</td></tr>`
  );
}

function origin(t: ValueTrace): string {
  switch (t.origin.kind) {
    case 'source':
      return `from source ${t.origin.index + 1}: ${t.origin.source}`;
    case 'default':
      return 'the default';
    case 'empty':
      return 'nothing matched (empty)';
    case 'loaded':
      return `loaded from ${t.origin.file}`;
    case 'load_fallback':
      return `derived (nothing to load in ${t.origin.file})`;
  }
}

/** The fallback trace: for each value, what it is and where it came from, and what was skipped. */
export function trace(d: Derivation): string {
  return (
    `<tr><th>value</th><th>is</th><th>because</th></tr>` +
    d.trace
      .map(t => {
        const skipped = (t.skipped ?? [])
          .map(s => `<li>skipped ${esc(s.source)}: ${esc(s.reason.replace(/_/g, ' '))}</li>`)
          .join('');
        return (
          `<tr data-testid="trace-row" data-value="${esc(t.value)}"><th>${esc(
            t.value
          )}</th><td>${esc(d.values[t.value] ?? '')}</td>` +
          `<td>${esc(origin(t))}${skipped ? `<ul class="skipped">${skipped}</ul>` : ''}</td></tr>`
        );
      })
      .join('')
  );
}
