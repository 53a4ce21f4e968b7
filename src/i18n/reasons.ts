import { type ReasonCode, type ReasonParams } from '../model/reasons.js';

/** A catalogue must say every reason: the compiler checks both languages are complete. */
export type ReasonCatalogue = { [K in ReasonCode]: (p: ReasonParams[K]) => string };
