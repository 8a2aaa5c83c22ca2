/**
 * Pending approvals of an embedded `phasegate run`, put in front of its operator (SPEC §13):
 * always how to decide from another shell (the coordinator URL and the 0600 admin key file),
 * and on a terminal the approval itself (task, artifacts' text, review verdicts, files
 * changed) with an approve / reject prompt.
 */
import { createInterface } from 'node:readline/promises';
import { approvalDetails } from '../../core/coordinator/http/approval-details.js';
import type { CoordEvent, CoordinatorService } from '../../core/coordinator/types.js';
import { approvalView } from '../cli/approval-view.js';
import { terminalText as e } from '../cli/terminal-text.js';

export interface ApprovalDeskOptions {
  readonly service: CoordinatorService;
  readonly url: string;
  readonly adminKeyFile: string;
  /** `prompt` asks on the terminal; `print` only says how to decide elsewhere (no terminal). */
  readonly mode: 'prompt' | 'print';
  /** Recorded as `decided_by` for decisions made at the prompt. */
  readonly operator: string;
  readonly report: (line: string) => void;
  readonly input?: NodeJS.ReadableStream;
  readonly output?: NodeJS.WritableStream;
}

export interface ApprovalDesk {
  stop(): void;
}

export function startApprovalDesk(opts: ApprovalDeskOptions): ApprovalDesk {
  const { service } = opts;
  const abort = new AbortController();
  const queue: string[] = [];
  const seen = new Set<string>();
  let busy = false;
  let current: { id: string; cancel: AbortController } | undefined;

  const offer = (id: string): void => {
    if (seen.has(id) || abort.signal.aborted) return;
    seen.add(id);
    queue.push(id);
    void drain();
  };
  const drain = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    try {
      for (let id = queue.shift(); id !== undefined && !abort.signal.aborted; id = queue.shift()) await present(id);
    } finally {
      busy = false;
    }
  };
  const present = async (id: string): Promise<void> => {
    const approval = service.listApprovals('pending').find((a) => a.id === id);
    if (approval === undefined) return;
    const task = service.getTask(approval.task_id);
    const shell = `PHASEGATE_ADMIN_KEY_FILE=${e(opts.adminKeyFile)} phasegate`;
    const where = `--coordinator ${e(opts.url)}`;
    opts.report(`approval ${e(id)} pending: task ${e(approval.task_id)}${task === undefined ? '' : ` "${e(task.title)}"`}, ${e(approval.from)} → ${e(approval.to)}`);
    opts.report(`  coordinator ${e(opts.url)}, admin key file ${e(opts.adminKeyFile)} (0600)`);
    opts.report(`  see it:  ${shell} approvals show ${e(id)} ${where}`);
    opts.report(`  decide:  ${shell} approve ${e(id)} ${where}   (or: reject ${e(id)} --reason "…")`);
    if (opts.mode === 'prompt') await ask(id);
  };
  const ask = async (id: string): Promise<void> => {
    const approval = service.listApprovals('pending').find((a) => a.id === id);
    if (approval === undefined) return;
    const out = opts.output ?? process.stderr;
    out.write('\n' + approvalView(approvalDetails(service, approval)) + '\n');
    const cancel = new AbortController();
    current = { id, cancel };
    const signal = AbortSignal.any([cancel.signal, abort.signal]);
    const rl = createInterface({ input: opts.input ?? process.stdin, terminal: false });
    // Lines are buffered by the iterator: answers typed (or piped) ahead of a question are kept.
    const lines = rl[Symbol.asyncIterator]();
    const aborted = new Promise<never>((_, reject) => {
      const fail = () => reject(Object.assign(new Error('question withdrawn'), { name: 'AbortError' }));
      if (signal.aborted) fail();
      else signal.addEventListener('abort', fail, { once: true });
    });
    aborted.catch(() => undefined);
    const question = async (text: string): Promise<string> => {
      out.write(text);
      const next = await Promise.race([lines.next(), aborted]);
      if (next.done === true) throw Object.assign(new Error('input closed'), { name: 'AbortError' });
      return String(next.value).trim();
    };
    try {
      for (;;) {
        const answer = (await question(`approve ${id}? [a]pprove / [r]eject / [s]kip (decide elsewhere): `)).toLowerCase();
        if (answer === 's' || answer === 'skip') return;
        if (answer === 'a' || answer === 'approve') {
          const note = await question('note (optional): ');
          current = undefined;
          await decide(() => service.approve(id, note === '' ? undefined : note, opts.operator), `approved ${id}`);
          return;
        }
        if (answer === 'r' || answer === 'reject') {
          let reason = '';
          while (reason === '') reason = await question('reason (the agent reads it): ');
          current = undefined;
          await decide(() => service.reject(id, reason, opts.operator), `rejected ${id}`);
          return;
        }
      }
    } catch (err) {
      // Decided elsewhere (another shell), input closed, or the run is ending: the question goes away.
      if ((err as Error).name !== 'AbortError') throw err;
    } finally {
      current = undefined;
      rl.close();
    }
  };
  const decide = async (action: () => Promise<unknown>, done: string): Promise<void> => {
    try {
      await action();
      opts.report(done);
    } catch (err) {
      opts.report(`could not decide: ${e((err as Error).message)}`);
    }
  };

  const unsubscribe = service.subscribe((ev: CoordEvent) => {
    if (ev.type === 'approval_requested' && typeof ev.data.approval_id === 'string') offer(ev.data.approval_id);
    if (ev.type === 'approval_decided' && current !== undefined && ev.data.approval_id === current.id) {
      opts.report(`approval ${e(current.id)} was ${e(ev.data.decision)} by ${e(ev.data.decided_by ?? 'someone')}`);
      current.cancel.abort();
    }
  });
  for (const a of service.listApprovals('pending')) offer(a.id);
  return {
    stop() {
      unsubscribe();
      abort.abort();
    },
  };
}
