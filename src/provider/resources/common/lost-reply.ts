// A change whose reply was lost (the connection dropped after the request was sent, Operations
// Center restarted, a timeout) may or may not have taken effect, so it is never simply sent again.
// Instead the provider reads the object and decides: the change took effect (done), it did not
// (send it again), or the object is in a state no resend can fix (fail and say what was found).
// Every change the provider makes goes through one of the two helpers here, or is harmless to
// repeat and retried by the client itself (reads, PUT with If-Match, :evacuate, :restore, :resync).
import { OperationsCenterError } from "../../../client/errors.js";
import type { Logger } from "../../plugin/types.js";

/** Rounds (a send, or a whole read-decide-send) after which a change whose replies keep getting lost gives up. */
export const MAX_ROUNDS = 8;

/** A change whose reply was lost and that the read back found partly done: no resend can fix it. */
class PartlyDone extends Error {}

/** Whether `error` (or what it reports, through `cause`) is a change whose reply was lost. */
export function replyLost(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    if (current instanceof PartlyDone) return false;
    if (current instanceof OperationsCenterError) return current.isReplyLost;
  }
  return false;
}

/** Whether a failed change may have taken effect, in whole or in part. */
export function mayHaveTakenEffect(error: unknown): boolean {
  return error instanceof PartlyDone || replyLost(error);
}

/**
 * Runs `round`, which reads what it needs, decides, and sends only the changes still missing.
 * When a change's reply is lost the round runs again: its read decides whether to send it again.
 */
export async function readThenDecide<T>(what: string, round: () => Promise<T>, log?: Logger): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await round();
    } catch (error) {
      if (!replyLost(error) || n >= MAX_ROUNDS) throw error;
      log?.info(`oc-cdktf: ${what}: a reply was lost; reading again to decide what is still to do`, { round: n });
    }
  }
}

/** What a read after a lost reply found: the change took effect, it did not, or neither (the text says what was found). */
export type Outcome = { readonly done: true } | { readonly done: false; readonly partly?: string };
export const DONE: Outcome = { done: true };
export const NOT_DONE: Outcome = { done: false };

/**
 * Sends a change; when its reply is lost, `outcome` reads whether it took effect: done ends,
 * not done sends it again, partly done fails with what was found (no resend can fix it).
 */
export async function sendThenConfirm(send: () => Promise<void>, outcome: () => Promise<Outcome>): Promise<void> {
  for (let n = 1; ; n++) {
    try {
      await send();
      return;
    } catch (error) {
      if (!replyLost(error) || n >= MAX_ROUNDS) throw error;
      const found = await outcome();
      if (found.done) return;
      if (found.partly !== undefined) {
        throw new PartlyDone(`${(error as Error).message}; read back after the lost reply: ${found.partly}`, { cause: error });
      }
    }
  }
}
