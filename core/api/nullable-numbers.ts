import { z } from 'zod';

/** An object of figures that may be missing (null: nothing to compute them from), one key each. */
export function nullableNumbers<K extends string>(...keys: K[]): z.ZodObject<Record<K, z.ZodNullable<z.ZodNumber>>> {
  return z.object(Object.fromEntries(keys.map((k) => [k, z.number().nullable()])) as Record<K, z.ZodNullable<z.ZodNumber>>);
}
