/** The workspace revision: every change applied through the confined write/delete functions counts, nothing else does. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PhasegateError } from '../../core/errors.js';
import { allowAll, errorOf, scratch, type Scratch } from './helpers.js';

let s: Scratch;
beforeEach(async () => {
  s = await scratch();
});
afterEach(() => s.cleanup());

describe('workspace revision', () => {
  it('counts writes, edits and deletes; reads, listings, searches and hashing change nothing', async () => {
    expect(s.ws.revision()).toBe(0);
    await s.ws.writeFile('src/a.txt', 'one', allowAll);
    expect(s.ws.revision()).toBe(1);
    await s.ws.editFile('src/a.txt', 'one', 'two', allowAll);
    expect(s.ws.revision()).toBe(2);
    await s.ws.readFile('src/a.txt', allowAll);
    await s.ws.listFiles('.', undefined, allowAll);
    await s.ws.search('two', '.', undefined, allowAll);
    await s.ws.hashFiles(['**']);
    expect(s.ws.revision()).toBe(2);
    await s.ws.deleteFile('src/a.txt', allowAll);
    expect(s.ws.revision()).toBe(3);
  });

  it('a refused path or a failed edit applies nothing and counts nothing; a change outside the tools can be noted', async () => {
    const refuse = (): void => {
      throw new PhasegateError('path_not_permitted', 'refused');
    };
    await errorOf(s.ws.writeFile('src/b.txt', 'x', refuse));
    await errorOf(s.ws.editFile('missing.txt', 'a', 'b', allowAll));
    expect(s.ws.revision()).toBe(0);
    s.ws.noteExternalChange();
    expect(s.ws.revision()).toBe(1);
  });
});
