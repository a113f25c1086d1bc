// The reads of one provider process, shared: the resources of a plan ask for the same cluster,
// the same cluster's servers and the same members' OS configs over and over (each bulk resource
// of a cluster reads them all), and against a real Operations Center every member read is
// proxied to an IncusOS server at the edge. One GET answers every caller that asks for the same
// path and query while it is in flight and after, until a write may have changed it.
//
// Why values stay no older than the start of the command: Terraform starts a new provider
// process for every command, and within `terraform apply` one for the plan and another for the
// apply (README, Performance: three processes per plan, four per apply; the correctness test in
// test/provider-read-cache.test.ts plans after an out-of-band change and sees it). A cache that
// lives as long as the process therefore holds only answers given after the command started, and
// this process's own writes invalidate what they touch:
//   - a write to one server drops what was read of that server, and every list;
//   - a write to one cluster drops what was read of that cluster, of its members (as far as this
//     process has seen them; all servers when it has seen none) and of the servers the write
//     names, and every list;
//   - a write to a cluster template drops that template and every list;
//   - any other write drops everything.
// A 404 is kept as an answer too: the create of a cluster asks again whether the name is free
// right after its plan asked, and the POST that creates it drops that answer.
// A read that overlapped a write touching it answers its own callers but is not kept. Waits that
// poll for a change Operations Center makes on its own (an evacuation, a server registering
// again, another run's create) read through freshReads, which skips the cache.
import { AsyncLocalStorage } from "node:async_hooks";
import { OperationsCenterError } from "./errors.js";
import type { ApiResponse, RequestOptions } from "./transport.js";

/** Transport.request, as the cache calls it. */
type RequestFunction = (method: string, path: string, options: RequestOptions) => Promise<ApiResponse>;

const freshScope = new AsyncLocalStorage<true>();

/** Runs `read` with every GET it makes sent to Operations Center, whatever the cache holds (its answers refresh the cache). */
export function freshReads<T>(read: () => Promise<T>): Promise<T> {
  return freshScope.run(true, read);
}

const OBJECT_KINDS = ["servers", "clusters", "cluster-templates"] as const;
type ObjectKind = (typeof OBJECT_KINDS)[number];
const OBJECT_PATH = /^\/1\.0\/provisioning\/(servers|clusters|cluster-templates)(?:\/([^/?]+))?\/?(?:[/?]|$)/;

/** The one server, cluster or template a path is about; a list or anything else is about no single object. */
interface Target {
  kind: ObjectKind;
  /** Undefined for the collection itself (a list, or a create). */
  name?: string;
}

function targetOf(path: string): Target | undefined {
  const match = OBJECT_PATH.exec(path);
  if (match === null) return undefined;
  const kind = match[1] as ObjectKind;
  if (match[2] === undefined) return { kind };
  try {
    return { kind, name: decodeURIComponent(match[2]) };
  } catch {
    return { kind, name: match[2] };
  }
}

function keyOf(path: string, query: RequestOptions["query"]): string {
  const parts = Object.entries(query ?? {})
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`);
  return parts.length === 0 ? path : `${path}?${parts.join("&")}`;
}

/** Names a write's body gives: a cluster's servers (create, :add-servers, :remove-servers) and a new name (rename). */
function namesInBody(body: unknown): { servers: string[]; name?: string } {
  if (body === null || typeof body !== "object") return { servers: [] };
  const record = body as Record<string, unknown>;
  const servers = Array.isArray(record.server_names) ? record.server_names.filter((s): s is string => typeof s === "string") : [];
  return typeof record.name === "string" ? { servers, name: record.name } : { servers };
}

interface Entry {
  target: Target | undefined;
  reply: Promise<ApiResponse>;
}

interface Write {
  seq: number;
  touches: (entry: Target | undefined) => boolean;
}

/** Counts of one process's reads, for the log and the bench. */
interface ReadCacheStats {
  /** GETs answered from the cache or joined to one in flight. */
  shared: number;
  /** GETs sent to Operations Center. */
  sent: number;
}

export class ReadCache {
  readonly #entries = new Map<string, Entry>();
  /** Cluster name -> every server seen as its member in any answer of this process (a superset is safe: it only drops more). */
  readonly #members = new Map<string, Set<string>>();
  /** Writes started or ended since the oldest read still in flight began. */
  #writes: Write[] = [];
  /** Start sequence numbers of the reads in flight (a multiset: seq -> count). */
  readonly #readsInFlight = new Map<number, number>();
  #seq = 0;
  readonly stats: ReadCacheStats = { shared: 0, sent: 0 };

  /** `send` with GETs shared and writes invalidating what they touch. */
  async request(send: RequestFunction, method: string, path: string, options: RequestOptions): Promise<ApiResponse> {
    const verb = method.toUpperCase();
    if (verb === "GET") return copy(await this.#read(send, path, options));
    if (verb === "HEAD") return send(method, path, options);
    const touches = this.#scopeOf(path, options.body);
    this.#invalidate(touches);
    try {
      return await send(method, path, options);
    } finally {
      // Again at the end: a read that began while the write was in flight may hold the old value.
      this.#invalidate(touches);
    }
  }

  #read(send: RequestFunction, path: string, options: RequestOptions): Promise<ApiResponse> {
    const key = keyOf(path, options.query);
    const fresh = freshScope.getStore() === true;
    const cached = fresh ? undefined : this.#entries.get(key);
    if (cached !== undefined) {
      this.stats.shared++;
      return cached.reply;
    }
    this.stats.sent++;
    const target = targetOf(path);
    const started = this.#seq;
    this.#readsInFlight.set(started, (this.#readsInFlight.get(started) ?? 0) + 1);
    const reply = send("GET", path, options);
    const entry: Entry = { target, reply };
    this.#entries.set(key, entry);
    const settle = (kept: boolean): void => {
      if (!kept && this.#entries.get(key) === entry) this.#entries.delete(key);
      const left = (this.#readsInFlight.get(started) ?? 1) - 1;
      if (left === 0) this.#readsInFlight.delete(started);
      else this.#readsInFlight.set(started, left);
      this.#forgetOldWrites();
    };
    // Kept only when no write that touches it started or ended while it was in flight.
    const untouched = () => !this.#writes.some((w) => w.seq > started && w.touches(target));
    reply.then(
      (answer) => {
        this.#learnMembers(target, options.query, answer.metadata);
        settle(untouched());
      },
      (error: unknown) => settle(error instanceof OperationsCenterError && error.status === 404 && untouched()),
    );
    return reply;
  }

  /** Which entries a write to `path` with `body` may change (see the top of this file). */
  #scopeOf(path: string, body: unknown): Write["touches"] {
    const target = targetOf(path.split("?")[0] ?? path);
    if (target === undefined) return () => true;
    const named = namesInBody(body);
    const names = new Set([target.name, named.name].filter((n): n is string => n !== undefined));
    let servers: Set<string> | undefined;
    if (target.kind === "clusters") {
      const members = target.name === undefined ? new Set<string>() : this.#members.get(target.name);
      // A cluster whose members this process never saw: any server may be one.
      servers = members === undefined || (target.name === undefined && named.servers.length === 0) ? undefined : new Set([...members, ...named.servers]);
    }
    return (entry) => {
      if (entry === undefined || entry.name === undefined) return true;
      if (entry.kind === target.kind) return target.name === undefined || names.has(entry.name);
      if (target.kind !== "clusters" || entry.kind !== "servers") return false;
      return servers === undefined || servers.has(entry.name);
    };
  }

  #invalidate(touches: Write["touches"]): void {
    for (const [key, entry] of this.#entries) if (touches(entry.target)) this.#entries.delete(key);
    this.#writes.push({ seq: ++this.#seq, touches });
    this.#forgetOldWrites();
  }

  /** Drops the writes no read in flight began before. */
  #forgetOldWrites(): void {
    const oldest = this.#readsInFlight.size === 0 ? this.#seq : Math.min(...this.#readsInFlight.keys());
    if (this.#writes.length > 0 && this.#writes[0]!.seq <= oldest) this.#writes = this.#writes.filter((w) => w.seq > oldest);
  }

  /** Records which servers an answer shows in which cluster (a server or a list of servers). */
  #learnMembers(target: Target | undefined, query: RequestOptions["query"], metadata: unknown): void {
    if (target?.kind !== "servers") return;
    const servers = target.name === undefined ? metadata : [metadata];
    if (!Array.isArray(servers)) return;
    for (const server of servers) {
      if (server === null || typeof server !== "object") continue;
      const { name, cluster } = server as Record<string, unknown>;
      const of = typeof cluster === "string" && cluster !== "" ? cluster : query?.cluster;
      if (typeof name !== "string" || of === undefined) continue;
      const members = this.#members.get(of) ?? new Set<string>();
      members.add(name);
      this.#members.set(of, members);
    }
  }
}

/**
 * Every caller gets its own copy: callers may change what they were given (e.g. a network config
 * before a PUT). The metadata came from JSON, so a JSON round trip copies it exactly, in about half
 * the time structuredClone takes (measured on server records).
 */
function copy(reply: ApiResponse): ApiResponse {
  return { ...reply, metadata: reply.metadata === undefined ? undefined : (JSON.parse(JSON.stringify(reply.metadata)) as unknown) };
}
