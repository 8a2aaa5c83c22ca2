import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, type Document } from 'yaml';

/** A location inside the document: map keys and sequence indexes, root first. */
export type DocPath = readonly (string | number)[];

/** `workflows.default.transitions[2].to`: a path as a reader of the YAML would write it. */
export function formatPath(path: DocPath): string {
  return path.reduce<string>((acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc === '' ? seg : `${acc}.${seg}`), '');
}

/** A problem found at a path, before it is given a line. */
export interface PathIssue {
  readonly path: DocPath;
  readonly message: string;
}

export type YamlSource =
  | { readonly ok: true; readonly value: unknown; readonly lineOf: (path: DocPath) => number }
  | { readonly ok: false; readonly errors: readonly { line: number; message: string }[] };

/**
 * Parses YAML keeping the syntax tree, so later errors (schema, semantic) can point at the
 * line of the node they concern. Duplicate keys are errors: a second `allowed:` silently
 * replacing the first would let a contract say one thing and enforce another.
 */
export function parseYamlSource(text: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineAt = (offset: number) => lineCounter.linePos(offset).line;
  if (doc.errors.length > 0) {
    return { ok: false, errors: doc.errors.map((e) => ({ line: lineAt(e.pos[0]), message: `YAML: ${e.message}` })) };
  }
  let value: unknown;
  try {
    // maxAliasCount bounds alias expansion (the "billion laughs" document).
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    return { ok: false, errors: [{ line: 1, message: `YAML: ${(err as Error).message}` }] };
  }
  return { ok: true, value, lineOf: (path) => lineAt(offsetOf(doc, path)) };
}

/**
 * Offset of the deepest node on `path` that exists. A map member is located at its key
 * (a block map's value starts on the next line, the key is what a reader looks for).
 */
function offsetOf(doc: Document, path: DocPath): number {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (pair === undefined) break;
      offset = rangeStart(pair.key) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item: unknown = node.items[segment];
      if (item === undefined) break;
      offset = rangeStart(item) ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return offset;
}

function rangeStart(node: unknown): number | undefined {
  if (node === null || typeof node !== 'object' || !('range' in node)) return undefined;
  const range = (node as { range?: readonly number[] | null }).range;
  return range?.[0];
}
