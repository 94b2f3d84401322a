// Paths as Rust's std::path shows and compares them, so messages name
// files exactly as the native CLI does: `join` does not normalize (`./a`
// joined with `b` is `./a/b`), `startsWith` compares whole components.

/**
 * `base.join(name)`: `name` when it is absolute, else `base/name` (one `/`).
 * @param {string} base
 * @param {string} name
 */
export function join(base, name) {
  if (name.startsWith('/')) return name;
  if (base === '') return name;
  return base.endsWith('/') ? `${base}${name}` : `${base}/${name}`;
}

/**
 * The normal components of a path as `Path::components` gives them: `.`
 * dropped (except a leading one of a relative path), repeated `/` merged;
 * an absolute path starts with `/`.
 * @param {string} p
 */
export function components(p) {
  const out = [];
  if (p.startsWith('/')) out.push('/');
  const parts = p.split('/');
  parts.forEach((c, i) => {
    if (c === '') return;
    if (c === '.' && !(i === 0 && !p.startsWith('/'))) return;
    out.push(c);
  });
  return out;
}

/** Rebuilds a path from components. */
export function fromComponents(cs) {
  if (cs.length === 0) return '';
  if (cs[0] === '/') return `/${cs.slice(1).join('/')}`;
  return cs.join('/');
}

/** `Path::starts_with`: whether `p`'s components begin with `base`'s. */
export function startsWith(p, base) {
  const a = components(p);
  const b = components(base);
  return b.length <= a.length && b.every((c, i) => a[i] === c);
}

/** `Path::extension`-style last component. */
export function fileName(p) {
  const cs = components(p);
  const last = cs[cs.length - 1];
  return last === undefined || last === '/' || last === '..' ? undefined : last;
}

/** `Path::parent` (`''` for a single relative component). */
export function parent(p) {
  const cs = components(p);
  if (cs.length <= 1) return cs[0] === '/' ? undefined : '';
  return fromComponents(cs.slice(0, -1));
}
