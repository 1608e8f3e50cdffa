import { existsSync } from 'node:fs';

/**
 * The hub's own folder (the one holding its package.json), found from this module's place: `src/` when run
 * from source, `dist/hub/src/` when compiled. Files the hub ships beside its code (schema/, policies/,
 * schema.graphql, dist/web/) are resolved from here, so source and compiled hub read the same files.
 */
function findProjectRoot(): URL {
  let dir = new URL('.', import.meta.url);
  for (let depth = 0; depth < 6; depth++) {
    if (existsSync(new URL('package.json', dir))) return dir;
    dir = new URL('..', dir);
  }
  throw new Error('the hub must run from its installed folder: no package.json above src/project-root');
}

export const PROJECT_ROOT = findProjectRoot();

/** A file or folder (`relative` ends with `/`) in the hub's own folder. */
export function projectFile(relative: string): URL {
  return new URL(relative, PROJECT_ROOT);
}
