/** The command sandbox against the real kernel: what a command sees, what survives it, what it changed. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCommandSandbox } from '../../proxy/sandbox/index.js';
import { createWorkspace } from '../../proxy/tools/index.js';
import { errorOf, type Scratch } from '../tools/helpers.js';
import { eventually, exists, hostProcessesWith, sandboxedScratch, silent } from './helpers.js';

const node = process.execPath;
let s: Scratch;
beforeEach(async () => {
  s = await sandboxedScratch();
  mkdirSync(join(s.root, 'src'));
  writeFileSync(join(s.root, 'src/a.js'), 'old\n');
  writeFileSync(join(s.root, 'src/b.js'), 'b\n');
});
afterEach(() => s.cleanup());

const js = (code: string) => [node, '-e', code];

describe('command sandbox: the copy-on-write workspace', () => {
  it('the command sees its own writes; nothing reaches the workspace; the changes are listed', async () => {
    const r = await s.ws.runCommand(js(`const fs = require('fs');
      fs.writeFileSync('src/a.js', 'new\\n'); fs.writeFileSync('src/c.js', 'c'); fs.unlinkSync('src/b.js');
      fs.mkdirSync('out/deep', { recursive: true }); fs.writeFileSync('out/deep/x.bin', Buffer.from([0, 255, 1]));
      console.log(fs.readFileSync('src/a.js', 'utf8').trim(), fs.existsSync('src/b.js'))`), { cwd: '.' });
    expect(r.stdout.trim()).toBe('new false');
    expect(readFileSync(join(s.root, 'src/a.js'), 'utf8')).toBe('old\n');
    expect(exists(join(s.root, 'src/c.js'))).toBe(false);
    expect(exists(join(s.root, 'src/b.js'))).toBe(true);
    expect(r.pending?.list.map((c) => `${c.change} ${c.path}`)).toEqual(['created out/deep/x.bin', 'modified src/a.js', 'deleted src/b.js', 'created src/c.js']);
    const bin = r.pending?.list.find((c) => c.path === 'out/deep/x.bin');
    expect(bin !== undefined && r.pending?.read(bin)).toEqual(Buffer.from([0, 255, 1]));
    await r.pending?.dispose();
  });

  it('a copy-up without a change is not a change; a mode change is', async () => {
    const r = await s.ws.runCommand(['sh', '-c', 'touch src/a.js; cat src/b.js > /dev/null; chmod 755 src/b.js'], { cwd: '.' });
    expect(r.pending?.list.map((c) => `${c.change} ${c.path} ${(c.mode ?? 0).toString(8)}`)).toEqual(['modified src/b.js 755']);
    await r.pending?.dispose();
  });

  it('new symlinks, hard links and special files are flagged, never content', async () => {
    const r = await s.ws.runCommand(['sh', '-c', 'ln -s /etc/passwd src/l && ln src/a.js src/h && mkfifo src/f'], { cwd: '.' });
    expect(r.exit_code).toBe(0);
    const flagged = Object.fromEntries((r.pending?.list ?? []).map((c) => [c.path, c.unsupported]));
    expect(flagged).toMatchObject({ 'src/l': 'symlink', 'src/h': 'hardlink', 'src/f': 'special file' });
    await r.pending?.dispose();
  });

  it('removing a workspace folder cannot hide a deletion: files are whiteouts, the folder itself stays (EIO)', async () => {
    const r = await s.ws.runCommand(['sh', '-c', 'rm -rf src; ls -A src'], { cwd: '.' });
    expect(r.exit_code).toBe(0);
    expect(r.stderr).toMatch(/src/);
    expect(r.pending?.list.map((c) => `${c.change} ${c.path}`)).toEqual(['deleted src/a.js', 'deleted src/b.js']);
    await r.pending?.dispose();
  });

  it('a file replaced by a folder is reported as deleted, with the folder\'s files created', async () => {
    const r = await s.ws.runCommand(['sh', '-c', 'rm src/a.js && mkdir src/a.js && echo x > src/a.js/in'], { cwd: '.' });
    // overlayfs cannot mark the new folder opaque here, so it refuses the mkdir: either way nothing is missed.
    const seen = r.pending?.list.map((c) => `${c.change} ${c.path}`);
    expect(seen?.[0]).toBe('deleted src/a.js');
    await r.pending?.dispose();
  });

  it('locked files are read-only inside and cannot be unmounted', async () => {
    const r = await s.ws.runCommand(js(`const fs = require('fs'); const cp = require('child_process');
      try { fs.writeFileSync('src/a.js', 'x'); console.log('wrote'); } catch (e) { console.log(e.code); }
      try { cp.execFileSync('umount', ['src/a.js'], { stdio: 'pipe' }); console.log('unmounted'); } catch { console.log('umount refused'); }
      try { fs.writeFileSync('src/a.js', 'x'); console.log('wrote'); } catch (e) { console.log(e.code); }`), { cwd: '.', confine: { network: false, readOnlyFiles: ['src/a.js'] } });
    expect(r.stdout.split('\n').filter(Boolean)).toEqual(['EROFS', 'umount refused', 'EROFS']);
    expect(r.pending?.list).toEqual([]);
    await r.pending?.dispose();
  });
});

describe('command sandbox: nothing else of the host', () => {
  it('paths outside the workspace do not exist; system folders are read-only', async () => {
    const r = await s.ws.runCommand(js(`const fs = require('fs');
      console.log(fs.existsSync(${JSON.stringify(join(s.outside, 'secret.txt'))}), fs.existsSync(${JSON.stringify(s.sibling)}));
      try { fs.writeFileSync('/usr/pg-sandbox-test', 'x'); console.log('wrote /usr'); } catch (e) { console.log(e.code); }
      try { fs.writeFileSync(${JSON.stringify(join(s.outside, 'new.txt'))}, 'x'); console.log('wrote outside'); } catch (e) { console.log(e.code); }`), { cwd: '.' });
    expect(r.stdout.split('\n').filter(Boolean)).toEqual(['false false', 'EROFS', 'ENOENT']);
    expect(exists('/usr/pg-sandbox-test')).toBe(false);
    expect(exists(join(s.outside, 'new.txt'))).toBe(false);
    await r.pending?.dispose();
  });

  it('$HOME is private and empty: a canary in the real home is absent', async () => {
    const home = join(s.base, 'home');
    mkdirSync(join(home, '.ssh'), { recursive: true });
    writeFileSync(join(home, '.ssh', 'id_ed25519'), 'CANARY-KEY');
    const h = await sandboxedScratch(home);
    try {
      const r = await h.ws.runCommand(['sh', '-c', 'echo "$HOME"; ls -A "$HOME"; cat "$HOME/.ssh/id_ed25519"; echo > "$HOME/.bashrc"'], { cwd: '.' });
      expect(r.stdout.trim()).toBe(home);
      expect(r.stdout + r.stderr).not.toContain('CANARY-KEY');
      expect(exists(join(home, '.bashrc'))).toBe(false);
      await r.pending?.dispose();
    } finally {
      h.cleanup();
    }
  });

  it('/proc shows only the command\'s own processes: the sidecar\'s environ is unreachable', async () => {
    const r = await s.ws.runCommand(js(`const fs = require('fs');
      const pids = fs.readdirSync('/proc').filter((n) => /^\\d+$/.test(n));
      let leaked = false; for (const p of pids) { try { if (fs.readFileSync('/proc/' + p + '/environ', 'utf8').includes('PG_SIDECAR_MARK')) leaked = true; } catch {} }
      console.log(pids.length < 10, fs.existsSync('/proc/${process.pid}/environ') && fs.readFileSync('/proc/${process.pid}/cmdline', 'utf8').includes('vitest'), leaked)`), { cwd: '.' });
    expect(r.stdout.trim()).toBe('true false false');
    await r.pending?.dispose();
  });

  it('a server on the host loopback is unreachable; loopback inside works', async () => {
    const server: Server = createServer((c) => c.end('HOST'));
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const port = (server.address() as { port: number }).port;
    try {
      const probe = `const net = require('net');
        const inner = net.createServer((c) => c.end('INNER')).listen(0, '127.0.0.1', () => {
          const a = net.connect(${port}, '127.0.0.1'); a.on('data', (d) => console.log('host:' + d)); a.on('error', (e) => console.log('host:' + e.code));
          const b = net.connect(inner.address().port, '127.0.0.1'); b.on('data', (d) => { console.log('inner:' + d); inner.close(); });
        });`;
      const off = await s.ws.runCommand(js(probe), { cwd: '.' });
      expect(off.stdout.split('\n').filter(Boolean).sort()).toEqual(['host:ECONNREFUSED', 'inner:INNER']);
      await off.pending?.dispose();
      const on = await s.ws.runCommand(js(probe), { cwd: '.', confine: { network: true, readOnlyFiles: [] } });
      expect(on.stdout.split('\n').filter(Boolean).sort()).toEqual(['host:HOST', 'inner:INNER']);
      await on.pending?.dispose();
    } finally {
      server.close();
    }
  });
});

describe('command sandbox: nothing outlives the call', () => {
  it('a detached daemon (setsid, nohup, &) is gone when the call returns and its later write never lands', async () => {
    const marker = `pgdaemon${process.pid}x${Date.now()}`;
    const r = await s.ws.runCommand(['sh', '-c', `setsid nohup sh -c 'sleep 1.5; echo late > late.txt; exec sleep 30 # ${marker}' >/dev/null 2>&1 & echo started`], { cwd: '.' });
    expect(r.stdout.trim()).toBe('started');
    expect(r.duration_ms).toBeLessThan(1500);
    // The call may return while the launcher and PID 1 (whose argv carry the marker too) are
    // still exiting; the daemon itself would live 30 s, so a second of grace still catches it.
    expect(await eventually(() => hostProcessesWith(marker).length === 0, 1000)).toBe(true);
    await new Promise((ok) => setTimeout(ok, 2000));
    expect(exists(join(s.root, 'late.txt'))).toBe(false);
    expect(r.pending?.list).toEqual([]);
    await r.pending?.dispose();
  });

  it('on timeout every process of the command is killed', async () => {
    const marker = `pgtimeout${process.pid}x${Date.now()}`;
    const r = await s.ws.runCommand(['sh', '-c', `setsid sh -c 'exec sleep 30 # ${marker}' & sleep 30`], { cwd: '.', timeoutMs: 500 });
    expect(r.exit_code).toBe(137);
    expect(r.stderr).toMatch(/timed out/);
    expect(await eventually(() => hostProcessesWith(marker).length === 0)).toBe(true);
    await r.pending?.dispose();
  });
});

describe('command sandbox: as run-command reports it', () => {
  it('exit codes, signals, cwd and arguments behave as without a sandbox', async () => {
    mkdirSync(join(s.root, 'sub'));
    const r = await s.ws.runCommand(js('console.log(process.cwd(), process.argv[1]); process.exit(3)').concat(['$(touch pwned); x']), { cwd: 'sub' });
    expect(r.exit_code).toBe(3);
    expect(r.stdout.trim()).toBe(`${join(s.root, 'sub')} $(touch pwned); x`);
    const k = await s.ws.runCommand(js('process.kill(process.pid, "SIGTERM"); setTimeout(() => {}, 5000)'), { cwd: '.' });
    expect(k.exit_code).toBe(143);
    await r.pending?.dispose();
    await k.pending?.dispose();
  });

  it('a missing program is tool_failed ENOENT', async () => {
    const err = await errorOf(s.ws.runCommand(['definitely-not-a-program-pg'], { cwd: '.' }));
    expect(err.code).toBe('tool_failed');
    expect(err.detail?.['detail']).toMatch(/^ENOENT/);
  });

  it('an executable created by the command keeps its mode', async () => {
    const r = await s.ws.runCommand(['sh', '-c', 'printf "#!/bin/sh\\n" > run.sh && chmod 750 run.sh'], { cwd: '.' });
    expect(r.pending?.list).toMatchObject([{ path: 'run.sh', change: 'created', mode: 0o750 }]);
    await r.pending?.dispose();
  });
});

describe('command sandbox: fail closed', () => {
  it('with a launcher that cannot run, nothing is executed and the call is sandbox_unavailable', async () => {
    const sandbox = createCommandSandbox({ logger: silent, launcher: join(s.base, 'no-such-launcher') });
    expect(await sandbox.available()).toMatch(/refused|launcher/);
    const ws = await createWorkspace(s.root, { logger: silent, sandbox });
    const err = await errorOf(ws.runCommand(['sh', '-c', 'echo ran > ran.txt'], { cwd: '.' }));
    expect(err.code).toBe('sandbox_unavailable');
    expect(exists(join(s.root, 'ran.txt'))).toBe(false);
  });
});
