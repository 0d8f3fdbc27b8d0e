/**
 * Image globs with policy-controller's semantics: `*` and `?` stay within one path segment,
 * `**` crosses slashes. A glob is matched against the image's canonical name
 * `registry/repository` (Docker Hub images as `docker.io/library/x`), without tag or digest.
 */

export function compileGlob(glob: string): RegExp {
  let pattern = '';
  for (let index = 0; index < glob.length; index++) {
    const char = glob.charAt(index);
    if (char === '*' && glob.charAt(index + 1) === '*') {
      pattern += '.*';
      index++;
    } else if (char === '*') {
      pattern += '[^/]*';
    } else if (char === '?') {
      pattern += '[^/]';
    } else {
      pattern += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${pattern}$`);
}

export function matchesAny(globs: readonly RegExp[], name: string): boolean {
  return globs.some((glob) => glob.test(name));
}
