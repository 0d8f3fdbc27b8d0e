/**
 * The OCI layer rules for one path, as a pure function of entry names: a layer shows the file
 * when it holds it; it hides every lower layer's copy when it holds a whiteout for the file or
 * for a directory above it (`.wh.<name>`), or an opaque marker (`.wh..wh..opq`) in a
 * directory above it. Whiteouts apply only to lower layers, never to the layer's own files.
 */

/** `./a/b/` → `a/b`: tar names as paths relative to the root, without trailing slashes. */
export function normalizeEntryPath(name: string): string {
  return name.replace(/^(\.?\/)+/, '').replace(/\/+$/, '');
}

export interface WhiteoutRules {
  /** The path itself, normalised. */
  target: string;
  /** Entry paths that delete the target (or a directory above it) in lower layers. */
  hiding: ReadonlySet<string>;
}

export function whiteoutRulesFor(path: string): WhiteoutRules {
  const target = normalizeEntryPath(path);
  const parts = target.split('/');
  const hiding = new Set<string>();
  for (let depth = 0; depth < parts.length; depth++) {
    const parent = parts.slice(0, depth).join('/');
    const prefix = parent ? `${parent}/` : '';
    hiding.add(`${prefix}.wh.${parts[depth] ?? ''}`);
    hiding.add(`${prefix}.wh..wh..opq`);
  }
  return { target, hiding };
}
