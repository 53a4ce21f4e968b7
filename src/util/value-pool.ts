/**
 * One frozen instance per distinct value: the results of a 20,000-URL run say the same few things
 * ("status 200", "content OK") 20,000 times, and every copy was three small objects kept to the
 * end of the run. Frozen, so a shared value can never be changed for the others holding it. One
 * pool per run, so nothing outlives the run that made it.
 */
export class ValuePool {
  private readonly byKey = new Map<string, unknown>();

  /** The pool's instance of `value`, which becomes it if it is new; anything but plain data is returned as it is. */
  of<T>(value: T): T {
    const key = keyOf(value);
    if (key === undefined) return value;
    const known = this.byKey.get(key);
    if (known !== undefined) return known as T;
    this.byKey.set(key, deepFreeze(value));
    return value;
  }
}

const NOT_PLAIN = Symbol('not plain data');

/**
 * JSON that tells apart what JSON.stringify would confuse: a key set to undefined from a missing
 * one, Infinity and NaN from null. Undefined for values that are not plain data (a Map, a Date),
 * which JSON cannot tell apart at all.
 */
function keyOf(value: unknown): string | undefined {
  try {
    // The holder's own value, as toJSON has not yet turned a Date into text there.
    return JSON.stringify(value, function (this: Record<string, unknown>, key: string, item: unknown) {
      const raw = this[key];
      if (raw === undefined) return '\u0000undefined';
      if (typeof raw === 'number' && !Number.isFinite(raw)) return `\u0000${raw}`;
      if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
        const proto = Object.getPrototypeOf(raw) as unknown;
        if (proto !== Object.prototype && proto !== null) throw NOT_PLAIN;
      }
      return item;
    });
  } catch (error) {
    if (error === NOT_PLAIN) return undefined;
    throw error;
  }
}

function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  for (const item of Object.values(value)) deepFreeze(item);
  return Object.freeze(value);
}
