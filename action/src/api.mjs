// The two GitHub API requests metadata-action makes (the repository, and a
// commit's date), made only with a token and always with a bounded
// timeout: a failure is a value the caller reports, never a hang or a
// crash.

/** How long one API request may take (IMPRINT_API_TIMEOUT_MS overrides it). */
export const API_TIMEOUT_MS = Number(process.env.IMPRINT_API_TIMEOUT_MS) > 0 ? Number(process.env.IMPRINT_API_TIMEOUT_MS) : 10_000;

/**
 * GETs `path` from the API at `GITHUB_API_URL` (default api.github.com).
 * @param {string} path  e.g. `/repos/o/r`
 * @param {string} token
 * @returns {Promise<{ ok: true, data: any } | { ok: false, why: string }>}
 */
export async function apiGet(path, token) {
  const base = (process.env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '');
  const url = `${base}${path}`;
  try {
    const res = await fetch(url, {
      headers: {
        accept: 'application/vnd.github+json',
        authorization: `Bearer ${token}`,
        'user-agent': 'imprint-action',
        'x-github-api-version': '2022-11-28',
      },
      signal: AbortSignal.timeout(API_TIMEOUT_MS),
    });
    if (!res.ok) return { ok: false, why: `GET ${url}: HTTP ${res.status} ${res.statusText}` };
    return { ok: true, data: await res.json() };
  } catch (e) {
    const why = e?.name === 'TimeoutError' ? `no answer within ${API_TIMEOUT_MS / 1000} s` : e?.cause?.message || e?.message || String(e);
    return { ok: false, why: `GET ${url}: ${why}` };
  }
}
