import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { recordAt } from './doc-access.js';
import type { CompiledArtifact } from './types.js';
import { formatPath, type PathIssue } from './yaml-source.js';

/** Same rule as the workflow schema: a bare file name. Stops `../../etc/passwd` being read as a schema. */
const FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*\.json$/;

export interface ArtifactSchemas {
  readonly issues: PathIssue[];
  /** workflow → artifact name → compiled schema (only artifacts that compiled). */
  readonly byWorkflow: Map<string, Map<string, CompiledArtifact>>;
}

/**
 * Reads and compiles every artifact schema the workflows declare, from `artifactsDir`.
 * A file used by several workflows is read and compiled once per load.
 */
export function compileArtifactSchemas(doc: unknown, artifactsDir: string): ArtifactSchemas {
  const issues: PathIssue[] = [];
  const byWorkflow = new Map<string, Map<string, CompiledArtifact>>();
  const compiler = new SchemaCompiler(artifactsDir);
  for (const [workflow, wf] of Object.entries(recordAt(doc, 'workflows'))) {
    const compiled = new Map<string, CompiledArtifact>();
    for (const [name, file] of Object.entries(recordAt(wf, 'artifacts'))) {
      if (typeof file !== 'string' || !FILE_NAME.test(file)) continue; // the schema reports it
      const result = compiler.get(file);
      if ('error' in result) {
        const path = ['workflows', workflow, 'artifacts', name];
        issues.push({ path, message: `${formatPath(path)}: ${result.error}` });
      } else {
        compiled.set(name, { name, schemaFile: file, schema: result.schema, validate: result.validate });
      }
    }
    byWorkflow.set(workflow, compiled);
  }
  return { issues, byWorkflow };
}

type Compiled = { schema: object; validate: ValidateFunction } | { error: string };

class SchemaCompiler {
  private readonly cache = new Map<string, Compiled>();
  private draft07: Ajv | undefined;
  private draft2020: Ajv2020 | undefined;

  constructor(private readonly dir: string) {}

  get(file: string): Compiled {
    let result = this.cache.get(file);
    if (result === undefined) {
      result = this.compile(file);
      this.cache.set(file, result);
    }
    return result;
  }

  private compile(file: string): Compiled {
    const path = join(this.dir, file);
    let schema: unknown;
    try {
      schema = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return { error: code === 'ENOENT' ? `schema file not found: ${path}` : `cannot read schema ${path}: ${(err as Error).message}` };
    }
    if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return { error: `schema ${path} is not a JSON object` };
    try {
      return { schema, validate: this.ajvFor(schema).compile(schema) };
    } catch (err) {
      return { error: `schema ${path} does not compile: ${(err as Error).message}` };
    }
  }

  /** Draft-07 unless the schema declares 2020-12. Lenient on unknown keywords/formats: user schemas. */
  private ajvFor(schema: object): Ajv | Ajv2020 {
    const options = { allErrors: true, strict: false, validateFormats: false, logger: false } as const;
    if (String((schema as { $schema?: unknown }).$schema).includes('2020-12')) return (this.draft2020 ??= new Ajv2020(options));
    return (this.draft07 ??= new Ajv(options));
  }
}
