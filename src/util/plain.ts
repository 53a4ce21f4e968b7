/** An object made by a literal, JSON or Object.create(null): plain data, unlike a Date, a Map or a class instance. */
export function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
