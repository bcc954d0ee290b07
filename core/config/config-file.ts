import { readFileSync } from 'node:fs';
import { findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';
import type { z } from 'zod';

/** A config problem in one line: the file, the line, the key, and what is wrong. Nothing is half-applied. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Reads a config file (JSON with comments) and validates it against a strict schema: an unknown key or a bad value
 * is refused naming the key and its line, with the keys that would have been accepted.
 */
export function loadConfigFile<S extends z.ZodType>(file: string, schema: S): z.output<S> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${file}: cannot read the config (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return parseConfigText(file, text, schema);
}

export function parseConfigText<S extends z.ZodType>(file: string, text: string, schema: S): z.output<S> {
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0 || !tree) {
    const first = errors[0];
    const where = first ? `line ${lineOf(text, first.offset)}` : 'line 1';
    throw new ConfigError(`${file}: ${where}: not valid JSON (${first ? printParseErrorCode(first.error) : 'empty file'})`);
  }
  const parsed = schema.safeParse(getNodeValue(tree));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    const node = findNodeAtLocation(tree, [...path, key]);
    const line = node?.parent ? lineOf(text, node.parent.offset) : lineOf(text, 0);
    const known = knownKeys(schema, path);
    return fail(`${file}: line ${line}: unknown key '${[...path, key].join('.')}'${known ? ` (known here: ${known})` : ''}`);
  }
  const node = findNodeAtLocation(tree, path);
  const line = lineOf(text, node?.offset ?? 0);
  const key = path.length > 0 ? `'${path.join('.')}'` : 'the config';
  return fail(`${file}: line ${line}: ${key}: ${issue.message}`);
}

function fail(message: string): never {
  throw new ConfigError(message);
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** The keys an object schema accepts at `path`, for the "unknown key" message. */
function knownKeys(schema: z.ZodType, path: ReadonlyArray<string | number>): string | null {
  let current: unknown = schema;
  for (const step of path) {
    const shape = shapeOf(current);
    if (!shape || typeof step !== 'string') return null;
    current = shape[step];
  }
  const shape = shapeOf(current);
  return shape ? Object.keys(shape).join(', ') : null;
}

/** The fields of the object schema inside `schema` (through defaults, optionals and preprocess pipes), or null. */
export function shapeOf(schema: unknown): Record<string, unknown> | null {
  let s = schema as { shape?: unknown; unwrap?: () => unknown; def?: { innerType?: unknown; out?: unknown } } | undefined;
  // Look through optional/default/prefault wrappers and preprocess pipes to the object inside.
  for (let i = 0; i < 6 && s && !s.shape; i++) s = (s.def?.innerType ?? s.def?.out ?? (s.unwrap ? s.unwrap() : undefined)) as typeof s;
  return s && typeof s.shape === 'object' && s.shape !== null ? (s.shape as Record<string, unknown>) : null;
}
