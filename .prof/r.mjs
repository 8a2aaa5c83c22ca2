import { benchSync } from '/work/wt/perf/dist/bench/harness.js';
import { redactArgsJson } from '/work/wt/perf/dist/proxy/audit/redact.js';
import { hash } from 'node:crypto';
const show = (r) => console.log(r.name.padEnd(20), r.median_us, r.p99_us);
const SECRET_KEY = /(secret|token|password|passwd|api[_-]?key|authorization|private[_-]?key|credential)/i;
show(benchSync('redact', () => redactArgsJson('write_file', { path: 'src/app.ts', content: 'x' })));
show(benchSync('regex', () => SECRET_KEY.test('content')));
show(benchSync('sha x', () => hash('sha256', 'x', 'hex')));
show(benchSync('entries', () => Object.entries({ path: 'src/app.ts', content: 'x' })));
