/** The compiled `phasegate coordinator` (dist/, as installed) serves the dashboard: the page and every module it loads. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { spawnCoordinator, type Child } from '../coordinator/http/child-coordinator.js';
import { CONTRACT } from './stack.js';

let child: Child | undefined;
let root: string | undefined;
afterEach(async () => {
  child?.proc.kill('SIGTERM');
  await child?.exited;
  if (root !== undefined) await rm(root, { recursive: true, force: true });
});

it('serves /ui, its scripts and stylesheet from the build, ', async () => {
  root = await mkdtemp(join(tmpdir(), 'phasegate-dashboard-cli-'));
  child = await spawnCoordinator(['--data', join(root, 'data'), '--contract', CONTRACT], { PHASEGATE_JWT_SECRET: 'dashboard-cli-secret-0123456789abcdef0123' });
  const page = await fetch(`${child.url}/ui`);
  expect(page.status).toBe(200);
  const html = await page.text();
  const refs = [...html.matchAll(/(?:src|href)="(\/ui\/[^"]+)"/g)].map((m) => m[1] as string);
  expect(refs).toEqual(['/ui/style.css', '/ui/app.js']);
  for (const src of refs) {
    const r = await fetch(child.url + src);
    expect(r.status, src).toBe(200);
    expect(r.headers.get('content-type'), src).toMatch(/^text\/(javascript|css)/);
  }
  // Every module app.js imports is served too (the browser resolves them relative to /ui/).
  const app = await (await fetch(`${child.url}/ui/app.js`)).text();
  const modules = [...app.matchAll(/from '\.\/([a-z-]+\.js)'/g)].map((m) => m[1] as string);
  expect(modules.length).toBeGreaterThan(5);
  for (const m of modules) expect((await fetch(`${child.url}/ui/${m}`)).status, m).toBe(200);
});
