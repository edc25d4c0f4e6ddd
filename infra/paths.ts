/** Where things live on disk, relative to the repository root (works from sources and from dist/). */
import { existsSync } from 'node:fs';
import * as path from 'node:path';

function findRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'plans'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find the project root above ${start}: run from a clone of the repository`);
    dir = up;
  }
}

export const REPO_ROOT = findRoot(__dirname);


/** Git-ignored server binaries obtained by provisioning. */
export const TOOLS_DIR = path.resolve(process.env.TEMPORAL_TOOLS_DIR ?? path.join(REPO_ROOT, '.temporal'));
export const SEED_PLAN_PATH = path.join(REPO_ROOT, 'plans', 'yiyang-st-2013.yaml');
