/** Read-only all the way down, for values that are shared and frozen (see ValuePool). */
export type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object ? { readonly [P in keyof T]: DeepReadonly<T[P]> } : T;
