/** Board columns: every phase of every workflow in the contract, in contract order. */
import { get } from './api.js';

interface ContractDoc {
  readonly workflows?: Readonly<Record<string, { readonly phases?: Readonly<Record<string, unknown>> }>>;
}

export async function phaseColumns(): Promise<string[]> {
  try {
    const { contract } = await get<{ contract: ContractDoc }>('/api/v1/contract');
    const phases: string[] = [];
    for (const wf of Object.values(contract.workflows ?? {})) for (const p of Object.keys(wf.phases ?? {})) if (!phases.includes(p)) phases.push(p);
    return phases;
  } catch {
    // A role that may not read the contract still gets a board: columns appear as phases do.
    return [];
  }
}
