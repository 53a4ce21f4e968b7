import { isPlainObject } from './plain.js';

/**
 * One frozen instance per distinct value: the results of a 20,000-URL run say the same few things
 * ("status 200", "content OK") 20,000 times, and every copy was three small objects kept to the
 * end of the run. Frozen, so a shared value can never be changed for the others holding it. One
 * pool per run, so nothing outlives the run that made it.
 *
 * A value seen once costs its key on top of itself, so the pool stops taking new values at
 * MAX_VALUES: a run whose checks all differ then pays for the first few thousand only.
 */
export class ValuePool {
  private readonly byKey = new Map<string, unknown>();

  /** The pool's instance of `value`, which becomes it if it is new; anything but plain data is returned as it is. */
  of<T>(value: T): T {
    const key = keyOf(value);
    if (key === undefined) return value;
    const known = this.byKey.get(key);
    if (known !== undefined) return known as T;
    if (this.byKey.size >= MAX_VALUES) return value;
    this.byKey.set(key, deepFreeze(value));
    return value;
  }
}

const MAX_VALUES = 10_000;
const NOT_PLAIN = Symbol('not plain data');

/**
 * A key that two values share only when they are equal as plain data: every leaf is tagged with
 * its type (so the text "u" is not undefined, nor -0 0). Undefined, so the value is not pooled,
 * for anything JSON would drop or change (a function, a symbol, a Date, a Map, an object without
 * a prototype) and anything JSON.stringify cannot take (a cycle, a BigInt).
 */
function keyOf(value: unknown): string | undefined {
  try {
    // The holder's own value, as toJSON has not yet turned a Date into text there.
    return JSON.stringify(value, function (this: Record<string, unknown>, key: string) {
      const raw = this[key];
      if (raw === null || Array.isArray(raw)) return raw;
      switch (typeof raw) {
        case 'string': return `s${raw}`;
        case 'number': return Object.is(raw, -0) ? 'n-0' : `n${raw}`;
        case 'boolean': return raw;
        case 'undefined': return 'u';
        // Without a prototype it could be handed out where a literal was asked for, or the other way round.
        case 'object': if (isPlainObject(raw) && Object.getPrototypeOf(raw) !== null) return raw; throw NOT_PLAIN;
        default: throw NOT_PLAIN;
      }
    });
  } catch {
    return undefined;
  }
}

function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  for (const item of Object.values(value)) deepFreeze(item);
  return Object.freeze(value);
}
