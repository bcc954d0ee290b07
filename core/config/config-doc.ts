import { shapeOf } from './config-file';

/**
 * A config file that documents itself: every key with its value and, above it, the help text its schema carries.
 * Written from the schema and a parsed value, so the documentation cannot drift from the code.
 */
export function documentedConfig(schema: unknown, value: unknown, header: string[] = []): string {
  const lines = header.map((h) => `// ${h}`);
  lines.push(...render(schema, value, '').split('\n'));
  return lines.join('\n') + '\n';
}

function render(schema: unknown, value: unknown, indent: string): string {
  const shape = shapeOf(schema);
  if (!shape || typeof value !== 'object' || value === null || Array.isArray(value)) return JSON.stringify(value);
  const inner = `${indent}  `;
  const entries = Object.entries(value as Record<string, unknown>).map(([key, v], i, all) => {
    const field = shape[key];
    const help = (field as { description?: string } | undefined)?.description;
    const comment = help ? `${inner}// ${help}\n` : '';
    const comma = i < all.length - 1 ? ',' : '';
    return `${comment}${inner}${JSON.stringify(key)}: ${render(field, v, inner)}${comma}`;
  });
  return `{\n${entries.join('\n')}\n${indent}}`;
}
