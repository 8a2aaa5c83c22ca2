/**
 * A task's history in its own records, beside its task in the main database ([task id,
 * 2^32 - index]): the same history as when it lived in the task record, after many rounds with
 * spawned reviews, a hand-over, evidence and an approval; atomic with the task save; kept
 * across a restart; stores of the older layouts (history inside the task record; history in
 * a database of its own, keyed [task id, index]; tasks and events in named databases)
 * migrated at open.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { open } from 'lmdb';
import { afterEach, describe, expect, it } from 'vitest';
import { parseContract } from '../../../core/contract/index.js';
import { PhasegateError } from '../../../core/errors.js';
import { buildEvidenceChain } from '../../../core/coordinator/evidence-chain.js';
import { createGroupCommit } from '../../../core/coordinator/group-commit.js';
import { EVENTS_END, recordsOf, TASKS_END, TASKS_START } from '../../../core/coordinator/main-db.js';
import { openStore } from '../../../core/coordinator/store.js';
import type { HistoryEntry, StoredTask, TaskRecord } from '../../../core/coordinator/types.js';
import { beginTx } from '../../../core/coordinator/write-tx.js';
import { ART, evidence, openHarness, REPO_CONTRACT, reasonOf, run, T0, type Harness } from './harness.js';
import { expectedHistory, PUBLIC_TASK_KEYS } from './history-oracle.js';

const ROUNDS = 60;
/** The repo's contract with room for ROUNDS review rounds (max_review_rounds is 3 there). */
const LONG = parseContract(readFileSync(REPO_CONTRACT, 'utf8').replace('max_review_rounds: 3', `max_review_rounds: ${ROUNDS}`), REPO_CONTRACT);

let h: Harness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

type Raw = ReturnType<typeof open>;
/** The data dir opened with plain lmdb, as an older build (or an inspector) sees it; the service must be closed. */
async function withRaw<T>(dir: string, fn: (raw: Raw) => T): Promise<T> {
  const raw = open({ path: join(dir, 'data'), maxDbs: 16 });
  try {
    return await raw.transaction(() => fn(raw));
  } finally {
    await raw.close();
  }
}
/** Tasks (with their history keys) and events in the main database, read as the store reads them (main-db.ts). */
const tasksIn = <V = unknown>(raw: Raw) => recordsOf<V, string | [string, number]>(raw, 'tasks');
const entriesIn = (raw: Raw) => recordsOf<unknown, [string, number]>(raw, 'history');
const eventsIn = (raw: Raw) => recordsOf<unknown, number>(raw, 'events');
/** The history keys of task `id`, in key order (newest entry first). */
const historyKeys = (raw: Raw, id: string): unknown[] => [...tasksIn(raw).getKeys({ start: [id, 0], end: [id, Number.MAX_SAFE_INTEGER] })];
/** Where entry `i` of task `id` is stored. */
const keyOf = (id: string, i: number): [string, number] => [id, 2 ** 32 - i];
/** The previous build's layout: a `history` database keyed [task id, index]. */
const legacyKeys = (raw: Raw, id: string): unknown[] => [...raw.openDB('history', {}).getKeys({ start: [id, 0], end: [id, Number.MAX_SAFE_INTEGER] })];

/** Drives one task through the repo contract, remembering the artifacts of every applied transition. */
function driver(hh: Harness, taskId: string) {
  const { svc } = hh;
  const d = {
    token: '',
    epoch: 0,
    visit: 0,
    sent: [] as Record<string, unknown>[],
    async claim(agentId: string) {
      const c = await svc.claim({ agent_id: agentId, task_id: taskId });
      // The claim response carries the history as it stands.
      expect(c.task.history).toStrictEqual(svc.getTask(taskId)?.history);
      d.token = c.phase_token;
      d.epoch = c.task.epoch;
      d.visit = c.task.visit;
    },
    async move(from: string, to: string, artifacts: Record<string, unknown>, runs = [run(from, d.epoch, 0, d.visit)]) {
      const r = await svc.transition({ current_phase: from, target_phase: to, phase_token: d.token, artifacts, evidence: evidence(runs) });
      expect(r, `${from} → ${to}`).toMatchObject({ allowed: true, phase: to });
      d.token = r.new_token ?? '';
      d.visit += 1;
      d.sent.push(artifacts);
    },
    /** The latest review task, completed by `reviewer` with `review`. */
    async review(reviewer: string, review: unknown) {
      const childId = svc.getTask(taskId)?.spawned.at(-1) ?? '';
      const r = await svc.claim({ agent_id: reviewer, capabilities: ['review'], task_id: childId });
      const done = await svc.transition({ current_phase: 'REVIEW', target_phase: 'COMPLETE', phase_token: r.phase_token, artifacts: { review }, evidence: evidence() });
      expect(done.allowed).toBe(true);
      return childId;
    },
  };
  return d;
}

describe('history records', () => {
  it(`after ${ROUNDS} review rounds, a hand-over and an approval, the history is what every transition wrote, and the evidence chain verifies`, async () => {
    h = await openHarness({ contract: LONG });
    const { svc } = h;
    const task = await svc.createTask({ title: 'long-lived', acceptance_criteria: ['works'] });
    expect(task.history).toStrictEqual([]);
    const d = driver(h, task.id);
    await d.claim('agent-1');
    await d.move('PLAN', 'TDD', { plan: ART.plan }, []);
    await d.move('TDD', 'IMPL', { tests: ART.tests }, [run('TDD', d.epoch, 2, d.visit)]);
    let lastChild = '';
    for (let round = 1; round <= ROUNDS; round++) {
      if (round === ROUNDS / 2) {
        // A hand-over: agent-2 takes the task; both are its authors from now on.
        const released = await svc.release(task.id, 'agent-1');
        expect(released.history).toStrictEqual(svc.getTask(task.id)?.history);
        await d.claim('agent-2');
      }
      await d.move('IMPL', 'REVIEW', { implementation: ART.implementation });
      lastChild = svc.getTask(task.id)?.spawned.at(-1) ?? '';
      // No author may review it, however many rounds ago it moved the task.
      for (const author of ['agent-1', 'agent-2'].slice(0, round < ROUNDS / 2 ? 1 : 2)) {
        expect(await reasonOf(svc.claim({ agent_id: author, capabilities: ['review'], task_id: lastChild }))).toBe('task_not_claimable');
      }
      const last = round === ROUNDS;
      await d.review(`reviewer-${round % 3}`, last ? ART.review : ART.blockingReview);
      if (!last) await d.move('REVIEW', 'IMPL', { review: ART.blockingReview }, []);
    }
    // The rounds are counted from the summary: the way back is refused now, and leaves no history behind.
    const back = await svc.transition({ current_phase: 'REVIEW', target_phase: 'IMPL', phase_token: d.token, artifacts: { review: ART.review }, evidence: evidence() });
    expect(back.blockers?.map((b) => b.code)).toEqual(['review_rounds_exhausted']);
    const parked = await svc.transition({ current_phase: 'REVIEW', target_phase: 'COMPLETE', phase_token: d.token, artifacts: { completion: ART.completion }, evidence: evidence([run('REVIEW', d.epoch, 0, d.visit)]) });
    expect(parked.status).toBe('awaiting_approval');
    await svc.approve(parked.approval_id ?? '', 'ship it', 'admin:test');
    d.sent.push({ completion: ART.completion });

    const done = svc.getTask(task.id) as TaskRecord;
    expect(Object.keys(done).sort()).toEqual(PUBLIC_TASK_KEYS);
    expect(done.status).toBe('completed');
    const events = svc.events(0, 10_000).events;
    expect(done.history).toHaveLength(2 + ROUNDS + (ROUNDS - 1) + 1);
    expect(done.history).toStrictEqual(expectedHistory(events, task.id, d.sent));
    expect(done.history.filter((e) => e.spawned !== undefined).map((e) => e.spawned)).toEqual(done.spawned.map((id) => [id]));

    // The verdict the last gate judged names the reviewer and the event that completed its review (read from the child's last entry).
    const childDone = events.find((e) => e.task_id === lastChild && e.type === 'phase_transition_applied');
    expect(done.history.at(-1)?.evidence?.reviews).toEqual([expect.objectContaining({ task_id: lastChild, agent_id: `reviewer-${ROUNDS % 3}`, verdict: 'approve', event_seq: childDone?.seq })]);
    const chain = buildEvidenceChain(done, (id) => svc.getTask(id));
    expect(chain.problems).toEqual([]);
    expect(chain.entries.every((e) => e.digest_ok)).toBe(true);
    expect(svc.listTasks().find((t) => t.id === task.id)).toStrictEqual(done);

    // A restart reads the same history back; the store holds one record per entry and nothing more.
    const after = await h.reopen();
    expect(after.getTask(task.id)).toStrictEqual(done);
    await after.close();
    const keys = await withRaw(h.dir, (raw) => historyKeys(raw, task.id));
    expect(keys).toEqual(done.history.map((_, i) => keyOf(task.id, i)).reverse());
    const stored = await withRaw(h.dir, (raw) => tasksIn<StoredTask>(raw).get(task.id));
    expect(stored).not.toHaveProperty('history');
    expect(stored).toMatchObject({ history_len: done.history.length, authors: ['agent-1', 'agent-2'], review_rounds: ROUNDS, last_round: [lastChild] });
  }, 120_000);

  it('an operation that appends an entry and then fails leaves no history record, alone or beside one that commits', async () => {
    h = await openHarness();
    const a = await h.svc.createTask({ title: 'kept' });
    const b = await h.svc.createTask({ title: 'refused' });
    const c = await h.svc.createTask({ title: 'refused alone' });
    await h.svc.close();
    const store = openStore(join(h.dir, 'data'));
    const commits = createGroupCommit(store.root);
    const entry: HistoryEntry = { from: 'PLAN', to: 'TDD', at: new Date(T0).toISOString(), agent_id: 'agent-x', artifacts: {} };
    const append = (id: string, fail: boolean) =>
      commits.write(() => {
        const tx = beginTx(store, T0);
        const task = store.tasks.get(id) as StoredTask;
        tx.saveTask(task, { ...task, ...tx.appendHistory(task, entry) });
        if (fail) throw new PhasegateError('conflict', 'refused after the append');
      });
    // Same event-loop turn: one group commit, the refused operation rolled back alone.
    const [kept, refused] = await Promise.allSettled([append(a.id, false), append(b.id, true)]);
    expect(kept.status).toBe('fulfilled');
    expect(refused.status).toBe('rejected');
    await commits.drain();
    expect(store.tasks.get(a.id)).toMatchObject({ history_len: 1, authors: ['agent-x'] });
    expect(store.history.get(keyOf(a.id, 0))).toStrictEqual(entry);
    expect(store.tasks.get(b.id)).toMatchObject({ history_len: 0, authors: [] });
    expect(store.history.get(keyOf(b.id, 0))).toBeUndefined();
    // A batch of one (no child transaction): the whole transaction is dropped.
    expect(await reasonOf(append(c.id, true))).toBe('conflict');
    await commits.drain();
    expect(store.tasks.get(c.id)).toMatchObject({ history_len: 0 });
    expect(store.history.get(keyOf(c.id, 0))).toBeUndefined();
    await store.root.close();
    const svc = await h.reopen();
    expect(svc.getTask(a.id)?.history).toStrictEqual([entry]);
    expect(svc.getTask(b.id)?.history).toStrictEqual([]);
    expect(svc.getTask(c.id)?.history).toStrictEqual([]);
  });

  it('old stores of the earlier layouts (history inside the task record; history in its own database; tasks and events in named databases) are migrated at open, half-migrated or not, and their tasks go on with the same gates', async () => {
    h = await openHarness();
    const { svc } = h;
    const t1 = await svc.createTask({ title: 'walked', acceptance_criteria: ['works'] });
    await svc.createTask({ title: 'untouched' });
    const d = driver(h, t1.id);
    await d.claim('agent-1');
    await d.move('PLAN', 'TDD', { plan: ART.plan }, []);
    await d.move('TDD', 'IMPL', { tests: ART.tests }, [run('TDD', d.epoch, 2, d.visit)]);
    await d.move('IMPL', 'REVIEW', { implementation: ART.implementation });
    // The review task stays open across the migration: who may claim it is decided from the migrated summary.
    const child = svc.getTask(t1.id)?.spawned.at(-1) ?? '';
    const before = svc.listTasks();
    expect(before.map((t) => t.history.length)).toEqual([3, 0, 0]);
    const eventsBefore = svc.events(0, 10_000);
    await svc.close();

    // Rewrite the store as older builds left it, no migration marker:
    // - tasks (with their history keys) in a named database `tasks`, the event log in `events`,
    //   except the review task and the first three events (a move cut short by a crash);
    // - T-1 as the previous build stored it: its record holds the summary, its entries are in a
    //   `history` database of their own, keyed [task id, index];
    // - T-2 as the first builds stored it: the record holds the history array;
    // - T-3 (the review task) stays in the current shape, as after a migration cut short by a crash.
    // 1,200 more tasks, alternately in each old layout, make both migrations take several batches.
    const template = before[0] as TaskRecord;
    const extra = Array.from({ length: 1200 }, (_, i): TaskRecord => ({
      ...template,
      id: `T-${1000 + i}`,
      title: `old ${i}`,
      claim: null,
      status: 'pending',
      history: i % 2 === 0 ? template.history.slice(0, 1 + (i % 3)) : template.history,
    }));
    await withRaw(h.dir, (raw) => {
      const [main, entries, log] = [tasksIn(raw), entriesIn(raw), eventsIn(raw)];
      const tasks = raw.openDB<unknown, string | [string, number]>('tasks', {});
      const events = raw.openDB<unknown, number>('events', {});
      // The review task and the first events stay where they are, as after a move cut short by a crash.
      const movedBack = <K>(key: K) => (Array.isArray(key) ? key[0] : key) !== child && !(typeof key === 'number' && key <= 3);
      // Each record decoded by its own kind's handle, written back as earlier builds encoded it.
      for (const key of [...main.getKeys({ start: TASKS_START, end: TASKS_END })]) {
        if (!movedBack(key)) continue;
        void tasks.put(key, typeof key === 'string' ? main.get(key) : entries.get(key));
        void main.remove(key);
      }
      for (const { key, value } of [...log.getRange({ start: 1, end: EVENTS_END })]) if (movedBack(key)) void events.put(key, value), void log.remove(key);
      const legacy = raw.openDB<unknown, [string, number]>('history', {});
      const stored = tasks.get(t1.id) as StoredTask;
      const toLegacy = (t: TaskRecord): void => {
        const { history, ...rest } = t;
        void tasks.put(t.id, { ...rest, history_len: history.length, authors: stored.authors, review_rounds: stored.review_rounds, last_round: stored.last_round });
        history.forEach((entry, i) => void legacy.put([t.id, i], entry));
      };
      const namedHistoryKeys = (id: string) => [...tasks.getKeys({ start: [id, 0], end: [id, Number.MAX_SAFE_INTEGER] })];
      for (const t of before.slice(0, 2)) for (const key of namedHistoryKeys(t.id)) void tasks.remove(key as [string, number]);
      toLegacy(before[0] as TaskRecord);
      void tasks.put(before[1]!.id, before[1]); // the public shape is exactly what the first builds stored
      extra.forEach((t, i) => (i % 2 === 0 ? void tasks.put(t.id, t) : toLegacy(t)));
      const meta = raw.openDB<number, string>('meta', {});
      void meta.remove('history_beside_tasks_v2');
      void meta.remove('records_in_main_db_v3');
    });
    // More records than one batch of the move (1,000).
    const moved = await withRaw(h.dir, (raw) => raw.openDB('tasks', {}).getCount() + raw.openDB('events', {}).getCount());
    expect(moved).toBeGreaterThan(1_000);

    const svc2 = await h.reopen();
    const listed = svc2.listTasks();
    expect(listed.slice(0, 3)).toStrictEqual(before);
    expect(listed.slice(3)).toStrictEqual(extra);
    // The event log moved whole: same events, same head, and the next event follows it.
    expect(svc2.events(0, 10_000)).toStrictEqual(eventsBefore);
    await svc2.close();
    await withRaw(h.dir, (raw) => {
      const tasks = tasksIn<Record<string, unknown>>(raw);
      let records = 0;
      for (const key of tasks.getKeys({ start: TASKS_START, end: TASKS_END })) {
        if (typeof key !== 'string') continue; // a history entry
        const value = tasks.get(key) as Record<string, unknown>;
        records++;
        expect(value, key).not.toHaveProperty('history');
        const len = value.history_len as number;
        expect(historyKeys(raw, key), key).toEqual(Array.from({ length: len }, (_, i) => keyOf(key, i)).reverse());
      }
      expect(records).toBe(3 + extra.length);
      expect(tasks.get(t1.id)).toMatchObject({ history_len: 3, authors: ['agent-1'], review_rounds: 1, last_round: [child] });
      // The earlier builds' databases are gone, and so is the first marker.
      const catalog = [...raw.getKeys({ start: 'a' })];
      for (const gone of ['history', 'tasks', 'events']) expect(catalog).not.toContain(gone);
      expect(catalog).toContain('meta');
      const meta = raw.openDB<number, string>('meta', {});
      expect(meta.get('history_beside_tasks_v2')).toBe(1);
      expect(meta.get('history_records_v1')).toBeUndefined();
      expect(meta.get('records_in_main_db_v3')).toBe(1);
    });

    // The migrated task goes on: its author still cannot review, its round completes, the approval applies.
    const svc3 = await h.reopen();
    expect(svc3.getTask(t1.id)).toStrictEqual(before[0]);
    expect(await reasonOf(svc3.claim({ agent_id: 'agent-1', capabilities: ['review'], task_id: child }))).toBe('task_not_claimable');
    const early = await svc3.transition({ current_phase: 'REVIEW', target_phase: 'COMPLETE', phase_token: d.token, artifacts: { completion: ART.completion }, evidence: evidence([run('REVIEW', d.epoch, 0, d.visit)]) });
    expect(early.blockers?.map((b) => b.code)).toEqual(['reviews_complete']);
    const r = await svc3.claim({ agent_id: 'rev', capabilities: ['review'], task_id: child });
    const reviewed = await svc3.transition({ current_phase: 'REVIEW', target_phase: 'COMPLETE', phase_token: r.phase_token, artifacts: { review: ART.review }, evidence: evidence() });
    expect(reviewed.allowed).toBe(true);
    const parked = await svc3.transition({ current_phase: 'REVIEW', target_phase: 'COMPLETE', phase_token: d.token, artifacts: { completion: ART.completion }, evidence: evidence([run('REVIEW', d.epoch, 0, d.visit)]) });
    expect(parked.status).toBe('awaiting_approval');
    await svc3.approve(parked.approval_id ?? '');
    d.sent.push({ completion: ART.completion });
    const done = svc3.getTask(t1.id) as TaskRecord;
    const log = svc3.events(0, 10_000).events;
    expect(done.history).toStrictEqual(expectedHistory(log, t1.id, d.sent));
    // New events continue the moved log, seq after seq.
    expect(log.length).toBeGreaterThan(eventsBefore.events.length);
    expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
    expect(buildEvidenceChain(done, (id) => svc3.getTask(id)).problems).toEqual([]);
  }, 120_000);
});
