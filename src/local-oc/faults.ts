// The faults the local OC injects into API requests (the control plane sets them, the request
// pipeline asks before each request): latency, holds, scripted faults for the next matching
// requests, and random errors and drops, which a seed makes repeatable. Tests use the scripted
// ones and holds, so that what fails does not depend on chance or timing.
import { z } from "zod";

/** Which requests an entry applies to: every given field must equal the request's (the path without its query). */
const requestMatchSchema = z.strictObject({
  method: z.string().optional(),
  path: z.string().optional(),
});

/**
 * What a scripted fault does: `error` answers 503 before the handler runs, `drop` closes the
 * connection before the handler runs (nothing changed), `lose-reply` runs the handler (the change
 * is made) and then closes the connection without the answer.
 */
const scriptedFaults = ["error", "drop", "lose-reply"] as const;

export const faultsSchema = z.strictObject({
  /** Delay before each request is handled (ms). */
  latencyMs: z.number().min(0).optional(),
  /** Servers whose IncusOS writes fail with 500. */
  failMembers: z.array(z.string()).optional(),
  /** Probability (0..1) of a 503 before the handler runs. */
  errorRate: z.number().min(0).max(1).optional(),
  /** Probability (0..1) of closing the connection without a reply. */
  dropRate: z.number().min(0).max(1).optional(),
  /** Clusters whose create fails in the post-clustering step, after they are ready (500). */
  failPostClustering: z.array(z.string()).optional(),
  /**
   * Each distinct request (method, path with query, body) is answered 503 the first this many
   * times it arrives: every request needs exactly this many retries, in whatever order they come.
   */
  errorsPerRequest: z.number().int().min(0).optional(),
  /** Seed of the random errors and drops: with the same seed and requests, the same ones fail. */
  seed: z.number().int().optional(),
  /** Faults for the next requests that match, each entry used once, in order, before any random fault. */
  next: z.array(requestMatchSchema.extend({ fault: z.enum(scriptedFaults) })).optional(),
  /** Requests that match wait, unhandled, until faults without that hold are set. */
  hold: z.array(requestMatchSchema).optional(),
  /**
   * A kill point: once a request with this method and path (as logged: a cluster's Incus listener
   * as /incus/{cluster}/1.0/...) has been handled with a 2xx (answered, or its answer lost by a
   * `lose-reply` fault: the change is made either way), every later request is held without a
   * reply until the faults change or the server closes, then its connection is closed ("hang"),
   * or answered 503 ("fail"). New faults arm it again.
   */
  after: z.strictObject({ method: z.string(), path: z.string(), then: z.enum(["hang", "fail"]) }).optional(),
});
export type Faults = z.infer<typeof faultsSchema>;
type RequestMatch = z.infer<typeof requestMatchSchema>;

/** What happens to one request. */
export type FaultDecision = "none" | (typeof scriptedFaults)[number];

const matches = (match: RequestMatch, method: string, path: string): boolean =>
  (match.method === undefined || match.method.toUpperCase() === method) && (match.path === undefined || match.path === path);

/** mulberry32: a small seeded generator, enough to make the random faults repeatable. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  #faults: Faults = {};
  #random: () => number = Math.random;
  readonly #held = new Set<{ method: string; path: string; release: () => void }>();
  /** How often each request was seen, for errorsPerRequest (reset with the faults). */
  readonly #seen = new Map<string, number>();
  /** Set once the request that `faults.after` names has been handled. */
  #afterPassed = false;
  /** Requests held by the kill point, let go (and dropped) when the faults change or the server closes. */
  readonly #killHeld = new Set<() => void>();

  get faults(): Faults {
    return this.#faults;
  }

  /** Replaces the faults; held requests that no hold matches any more go on. */
  set faults(faults: Faults) {
    this.#faults = faults;
    this.#random = faults.seed === undefined ? Math.random : seededRandom(faults.seed);
    this.#seen.clear();
    this.#afterPassed = false;
    this.#releaseKillHeld();
    for (const held of [...this.#held]) {
      if (!this.#holds(held.method, held.path)) {
        this.#held.delete(held);
        held.release();
      }
    }
  }

  /** Waits out latency and holds, then decides the request's fault; `identity` tells repeated requests apart (URL and body). */
  async decide(method: string, path: string, identity: string): Promise<FaultDecision> {
    if (this.#afterPassed) {
      if (this.#faults.after?.then === "fail") return "error";
      await new Promise<void>((release) => this.#killHeld.add(release));
      return "drop";
    }
    const latency = this.#faults.latencyMs ?? 0;
    if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
    if (this.#holds(method, path)) await new Promise<void>((release) => this.#held.add({ method, path, release }));
    const next = this.#faults.next ?? [];
    const index = next.findIndex((entry) => matches(entry, method, path));
    if (index >= 0) return next.splice(index, 1)[0]!.fault;
    const perRequest = this.#faults.errorsPerRequest ?? 0;
    if (perRequest > 0) {
      const key = `${method} ${identity}`;
      const seen = this.#seen.get(key) ?? 0;
      this.#seen.set(key, seen + 1);
      if (seen < perRequest) return "error";
    }
    if ((this.#faults.dropRate ?? 0) > 0 && this.#random() < this.#faults.dropRate!) return "drop";
    if ((this.#faults.errorRate ?? 0) > 0 && this.#random() < this.#faults.errorRate!) return "error";
    return "none";
  }

  /** Records a handled request (answered, or its answer lost): the one `faults.after` names passes the kill point. */
  handled(method: string, path: string, status: number): void {
    const after = this.#faults.after;
    if (after !== undefined && after.method === method && after.path === path && status >= 200 && status < 300) this.#afterPassed = true;
  }

  /** Lets every held request go on: the server is closing. */
  releaseAll(): void {
    this.#releaseKillHeld();
    for (const held of this.#held) held.release();
    this.#held.clear();
  }

  #releaseKillHeld(): void {
    for (const release of this.#killHeld) release();
    this.#killHeld.clear();
  }

  #holds(method: string, path: string): boolean {
    return (this.#faults.hold ?? []).some((match) => matches(match, method, path));
  }
}
