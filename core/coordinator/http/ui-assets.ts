/**
 * The dashboard's files, read once at start from the installed package: the page and its
 * stylesheet from `ui/static/`, the compiled scripts from `dist/ui/`. Only names found there
 * are served (no path from a request ever reaches the file system).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../contract/package-root.js';

export interface UiAsset {
  readonly body: string;
  readonly contentType: string;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
};
const NAME = /^[a-z][a-z0-9-]*\.(html|css|js)$/;

/** name → asset; `index.html` is the page. Empty when the package ships no dashboard build. */
export function loadUiAssets(root = packageRoot()): Map<string, UiAsset> {
  const assets = new Map<string, UiAsset>();
  for (const dir of [join(root, 'ui', 'static'), join(root, 'dist', 'ui')]) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      if (!NAME.test(name)) continue;
      const ext = name.slice(name.lastIndexOf('.'));
      assets.set(name, { body: readFileSync(join(dir, name), 'utf8'), contentType: TYPES[ext] as string });
    }
  }
  return assets;
}
