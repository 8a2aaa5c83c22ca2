import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { defaultSchemasDir } from './package-root.js';
import { formatPath, type DocPath, type PathIssue } from './yaml-source.js';

let cached: ValidateFunction | undefined;

/** The validator for schemas/workflow.schema.json (phasegate's own, compiled once per process). */
function workflowValidator(): ValidateFunction {
  if (cached === undefined) {
    const schema = JSON.parse(readFileSync(join(defaultSchemasDir(), 'workflow.schema.json'), 'utf8')) as object;
    cached = new Ajv({ allErrors: true, strict: true }).compile(schema);
  }
  return cached;
}

/** Validates the parsed document against the workflow schema; every error, each with its path. */
export function validateShape(value: unknown): PathIssue[] {
  const validate = workflowValidator();
  if (validate(value)) return [];
  return (validate.errors ?? []).flatMap((e) => {
    const issue = describe(e);
    return issue === undefined ? [] : [issue];
  });
}

/** Turns one ajv error into a located, readable issue; undefined for ajv's wrapper noise. */
function describe(e: ErrorObject): PathIssue | undefined {
  const at = parsePointer(e.instancePath);
  const params = e.params as Record<string, unknown>;
  // `if` and `propertyNames` only repeat what the inner error already said.
  if (e.keyword === 'if' || e.keyword === 'propertyNames') return undefined;
  if (e.propertyName !== undefined) {
    return issue([...at, e.propertyName], `invalid name "${e.propertyName}": ${e.message ?? 'not allowed'}`);
  }
  switch (e.keyword) {
    case 'additionalProperties':
      return issue([...at, String(params.additionalProperty)], `unknown field "${String(params.additionalProperty)}"`);
    case 'required':
      return issue(at, `missing required field "${String(params.missingProperty)}"`);
    case 'enum':
      return issue(at, `must be one of: ${(params.allowedValues as unknown[]).map(String).join(', ')}`);
    case 'const':
      return issue(at, `must be ${JSON.stringify(params.allowedValue)}`);
    default:
      return issue(at, e.message ?? `fails ${e.keyword}`);
  }
}

function issue(path: DocPath, message: string): PathIssue {
  const where = formatPath(path);
  return { path, message: where === '' ? message : `${where}: ${message}` };
}

/** JSON pointer → path segments (numbers for all-digit segments, which index sequences). */
function parsePointer(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}
