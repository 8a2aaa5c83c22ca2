import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileArtifactSchemas } from './artifact-schemas.js';
import { canonicalSha256 } from './canonical-json.js';
import { compileContract } from './compile.js';
import { ContractError } from './contract-error.js';
import { defaultSchemasDir } from './package-root.js';
import { checkPatterns } from './pattern-checks.js';
import { validateShape } from './schema-validation.js';
import { checkSemantics } from './semantic-checks.js';
import type { CompiledContract, ContractDoc, ContractIssue } from './types.js';
import { parseYamlSource } from './yaml-source.js';

export interface ContractOptions {
  /** Folder whose `artifacts/` holds the artifact schemas; default phasegate's own `schemas/`. */
  readonly schemasDir?: string;
}

/**
 * Parses, validates and compiles a contract. Every problem is collected (YAML syntax first:
 * a document that does not parse is not checked further) and thrown together as a
 * ContractError whose issues carry `file` and line.
 */
export function parseContract(text: string, file: string, opts: ContractOptions = {}): CompiledContract {
  const source = parseYamlSource(text);
  if (!source.ok) throw new ContractError(source.errors.map((e) => ({ file, ...e })));

  const artifacts = compileArtifactSchemas(source.value, join(opts.schemasDir ?? defaultSchemasDir(), 'artifacts'));
  const found = [...validateShape(source.value), ...checkSemantics(source.value), ...checkPatterns(source.value), ...artifacts.issues];
  if (found.length > 0) {
    const issues = found.map((i): ContractIssue => ({ file, line: source.lineOf(i.path), message: i.message }));
    throw new ContractError(dedupe(issues).sort((a, b) => a.line - b.line));
  }
  return compileContract(source.value as ContractDoc, file, canonicalSha256(source.value), artifacts.byWorkflow);
}

/** Reads `file` and parses it; an unreadable file is a ContractError at line 0. */
export function loadContract(file: string, opts: ContractOptions = {}): CompiledContract {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ContractError([{ file, line: 0, message: `cannot read contract: ${(err as Error).message}` }]);
  }
  return parseContract(text, file, opts);
}

/** One rule can fire twice on one node (e.g. ajv on a shared definition); report it once. */
function dedupe(issues: ContractIssue[]): ContractIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.line}\0${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
