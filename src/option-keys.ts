/**
 * Unknown option keys are errors, never silently ignored: a misspelt `topP` or an option nextoken
 * does not have (`jsonSchema`) would otherwise run as if it had not been passed. Each options type
 * lists its keys once as a KeyRecord, which the compiler holds to the type in both directions.
 */
import { UnknownOptionError } from "./errors.js";
import { nearestName } from "./nearest-name.js";

/** Every key of T, each `true`: a key missing from the record, or one T lacks, fails to compile. */
export type KeyRecord<T> = { readonly [K in keyof Required<T>]: true };

/**
 * Throws UnknownOptionError for the first own key of `options` that `known` lacks, naming the
 * nearest known key. `where` says whose options they are ("generate() options"). Allocates only
 * when it throws, so it may guard a per-token call.
 */
export function checkOptionKeys(options: object, known: Readonly<Record<string, true>>, where: string): void {
  for (const key in options) {
    if (Object.hasOwn(options, key) && !Object.hasOwn(known, key)) {
      throw new UnknownOptionError(key, nearestName(key, Object.keys(known)), where);
    }
  }
}
