// Conditional writes. A resource reads an object with its ETag, decides, and writes with If-Match;
// a 412 says someone changed it in between, so the whole read-decide-write runs once more on the
// object as it is now. Once only: a second 412 means the object keeps changing, and the apply
// fails with the server's answer rather than overwrite a change it has not seen.
import { OperationsCenterError } from "../../../client/errors.js";

/** Runs a read-modify-write once more after a 412: `attempt` must re-read what it writes over. */
export async function retryOnPreconditionFailed<T>(attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt();
  } catch (error) {
    if (error instanceof OperationsCenterError && error.isPreconditionFailed) return attempt();
    throw error;
  }
}

/** The write options for an object read with `etag`: If-Match when the server gave one. */
export function ifMatch(etag: string | undefined): { ifMatch?: string } {
  return etag === undefined ? {} : { ifMatch: etag };
}
