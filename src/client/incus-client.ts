// A typed client of an Incus cluster's own REST API (incus@be7afc5 shared/api/cluster.go,
// shared/api/response.go): members, groups, server config, member state operations. It stands on
// the transport the Operations Center client uses (transport.ts: verified TLS with a pinned
// certificate, client certificates, the same envelope, retries that never repeat a mutation).
// Where the cluster is and which certificate to present come from the incus CLI conventions
// (config.yml remotes, client.crt / client.key, servercerts/) or are given.
import { existsSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { YAMLException } from "js-yaml";
import { MAX_FILE_BYTES, loadYaml, readUserFile } from "../config/input-limits.js";
import { z } from "zod";
import type { RequestEvent, Transport, TransportOptions } from "./transport.js";
import { segment } from "./path.js";
import { OperationsCenterError } from "./errors.js";
import { userConfigDir } from "./remote.js";

const stringMap = z.record(z.string(), z.string());
const list = <S extends z.ZodType>(schema: S) =>
  z
    .array(schema)
    .nullish()
    .transform((v) => v ?? []);

export const incusMemberSchema = z.looseObject({
  server_name: z.string(),
  url: z.string().default(""),
  status: z.string(),
  message: z.string().default(""),
  roles: list(z.string()),
  failure_domain: z.string().default(""),
  description: z.string().default(""),
  architecture: z.string().default(""),
  config: stringMap.nullish().transform((v) => v ?? {}),
  groups: list(z.string()),
});
export type IncusMember = z.infer<typeof incusMemberSchema>;
export interface IncusMemberPut {
  roles: string[];
  failure_domain: string;
  description: string;
  config: Record<string, string>;
  groups: string[];
}

export const incusGroupSchema = z.looseObject({
  name: z.string(),
  description: z.string().default(""),
  members: list(z.string()),
  config: stringMap.nullish().transform((v) => v ?? {}),
});
export type IncusGroup = z.infer<typeof incusGroupSchema>;
export interface IncusGroupPut {
  description: string;
  members: string[];
  config: Record<string, string>;
}

const incusOperationSchema = z.looseObject({
  id: z.string(),
  status: z.string(),
  status_code: z.number(),
  err: z.string().default(""),
  description: z.string().default(""),
});
type IncusOperation = z.infer<typeof incusOperationSchema>;

const serverSchema = z.looseObject({ config: stringMap.nullish().transform((v) => v ?? {}) });

/** Where a cluster's Incus API is and how to authenticate to it. */
export interface IncusConnection {
  /**
   * Addresses of the API in the order to try them, e.g. ["https://192.0.2.101:8443"]; with more
   * than one, the first that answers GET /1.0 is used (incus@be7afc5 shared/cliconfig/remote.go,
   * GetInstanceServer and RollingAddrs).
   */
  readonly urls: readonly string[];
  /** Pinned server certificate (PEM); undefined: the system CA store. */
  readonly serverCertificate?: string;
  readonly clientCertificate: string;
  readonly clientKey: string;
}

/**
 * The incus CLI configuration directory as incus finds it (incus@be7afc5
 * shared/cliconfig/file.go, getConfigDir and migrateConfigDir): INCUS_CONF, else
 * os.UserConfigDir()/incus. Incus moves a legacy ~/.config/incus there on its first run; until
 * it has, that legacy directory is the one read (the provider never moves the user's files).
 */
export function incusConfigDir(env: NodeJS.ProcessEnv): string {
  const dir = env.INCUS_CONF;
  if (dir !== undefined && dir !== "") return dir;
  const platform = join(userConfigDir(env), "incus");
  const legacy = join(env.HOME !== undefined && env.HOME !== "" ? env.HOME : homedir(), ".config", "incus");
  return !existsSync(platform) && existsSync(legacy) ? legacy : platform;
}

const cliConfigSchema = z.looseObject({
  remotes: z
    .record(
      z.string(),
      z.looseObject({
        addr: z.string(),
        protocol: z.string().optional(),
        auth_type: z.string().optional(),
        last_working_address: z.string().optional(),
      }),
    )
    .nullish(),
});

/**
 * The client certificate incus presents to a remote (incus@be7afc5 shared/cliconfig/cert.go,
 * GetClientCertificate): clientcerts/<remote>.crt and .key when both exist, else client.crt and
 * client.key; undefined when neither pair exists.
 */
export function incusClientCertificate(dir: string, remote?: string): { certificate: string; key: string; file: string } | undefined {
  const pairs = [...(remote === undefined ? [] : [join(dir, "clientcerts", remote)]), join(dir, "client")];
  for (const base of pairs) {
    if (existsSync(`${base}.crt`) && existsSync(`${base}.key`))
      return {
        certificate: readUserFile(`${base}.crt`, "incus CLI client certificate", MAX_FILE_BYTES.pem),
        key: readUserFile(`${base}.key`, "incus CLI client key", MAX_FILE_BYTES.pem),
        file: `${base}.crt`,
      };
  }
  return undefined;
}

/**
 * A remote's addresses as incus splits them: `addr` is a comma-separated list (blanks trimmed,
 * empty entries dropped), tried from last_working_address on, wrapping around.
 */
export function incusRemoteAddresses(addr: string, lastWorking?: string): string[] {
  const addresses = addr
    .split(",")
    .map((a) => a.trim())
    .filter((a) => a !== "");
  const start = lastWorking === undefined ? -1 : addresses.indexOf(lastWorking);
  return start <= 0 ? addresses : [...addresses.slice(start), ...addresses.slice(0, start)];
}

/**
 * The connection of remote `name` in the incus CLI configuration of `dir`, or undefined when no
 * such remote is configured. Throws when the remote exists but cannot be used (no address, not an
 * https:// address, OIDC, no client certificate), naming the file to fix.
 */
export function incusRemote(dir: string, name: string): IncusConnection | undefined {
  const file = join(dir, "config.yml");
  if (!existsSync(file)) return undefined;
  let document: unknown;
  try {
    document = loadYaml(readUserFile(file, "incus CLI configuration"), { filename: file });
  } catch (error) {
    throw new Error(error instanceof YAMLException ? `${file}: cannot parse it: ${error.reason}` : (error as Error).message);
  }
  const parsed = cliConfigSchema.safeParse(document);
  if (!parsed.success)
    throw new Error(`${file}: not an incus CLI configuration (${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")})`);
  const remote = parsed.data.remotes?.[name];
  if (remote === undefined) return undefined;
  const urls = incusRemoteAddresses(remote.addr, remote.last_working_address);
  if (urls.length === 0) throw new Error(`${file}: remote "${name}" has no address (addr)`);
  const other = urls.find((url) => !url.startsWith("https://"));
  if (other !== undefined) throw new Error(`${file}: remote "${name}" has the address "${other}"; the provider reaches Incus over https:// only`);
  if (remote.auth_type === "oidc")
    throw new Error(
      `${file}: remote "${name}" uses OIDC, which the provider does not support for Incus; add a remote with a client certificate the cluster trusts (auth_type tls)`,
    );
  const client = incusClientCertificate(dir, name);
  if (client === undefined) {
    throw new Error(
      `${file}: remote "${name}" is configured but neither ${join(dir, "clientcerts", `${name}.crt`)} / .key nor ${join(dir, "client.crt")} / client.key exist; add the client certificate the cluster trusts`,
    );
  }
  const pinned = join(dir, "servercerts", `${name}.crt`);
  return {
    urls,
    ...(existsSync(pinned) ? { serverCertificate: readUserFile(pinned, `pinned certificate of remote "${name}"`, MAX_FILE_BYTES.pem) } : {}),
    clientCertificate: client.certificate,
    clientKey: client.key,
  };
}

interface IncusClientOptions {
  onRequest?: (event: RequestEvent) => void;
  /** Retry settings and the mutation gate, as for the Operations Center client. */
  transport?: TransportOptions;
  /**
   * The certificate the cluster presents now, for a pin that may be replaced while the client
   * lives (Operations Center's record of the cluster certificate, which a certificate update
   * replaces on every member). When the server refuses the pinned certificate, this is asked
   * once, and the request is made again pinned to the answer if it is another certificate.
   */
  currentServerCertificate?: () => Promise<string | undefined>;
}

/** How often a refused pin is renewed from the certificate in force, and the wait while the record lags. */
const REPIN_ATTEMPTS = 10;
const REPIN_WAIT_MS = 500;

type Open = (url: string, pinned: string | undefined, overrides?: { retries?: number; connectRetryBudgetMs?: number }) => Transport;

export class IncusClient {
  readonly url: string;
  #http: Transport;
  #pinned: string | undefined;
  readonly #open: Open;
  readonly #current: (() => Promise<string | undefined>) | undefined;

  /**
   * Connects lazily: the HTTP transport (undici) loads with the first cluster the provider talks
   * to. With several addresses, each is asked for GET /1.0 in turn (no retries) and the first that
   * answers over HTTP is used, as incus does; when none does, the error names each address and
   * its failure.
   */
  static async connect(connection: IncusConnection, options: IncusClientOptions = {}): Promise<IncusClient> {
    const { Transport } = await import("./transport.js");
    const open: Open = (url, pinned, overrides = {}) =>
      new Transport({
        url,
        clientCertificate: connection.clientCertificate,
        clientKey: connection.clientKey,
        ...(pinned === undefined ? {} : { serverCertificate: pinned }),
        ...(options.onRequest === undefined ? {} : { onRequest: options.onRequest }),
        ...options.transport,
        ...overrides,
      });
    const client = (url: string) => new IncusClient(url, open, connection.serverCertificate, options.currentServerCertificate);
    const [only, ...more] = connection.urls;
    if (only === undefined) throw new Error("The Incus connection has no address");
    if (more.length === 0) return client(only);
    const failures: string[] = [];
    for (const url of connection.urls) {
      const probe = open(url, connection.serverCertificate, { retries: 0, connectRetryBudgetMs: 0 });
      try {
        await probe.request("GET", "/1.0");
        return client(url);
      } catch (error) {
        // An HTTP answer, even a refusal, is the cluster: its calls then report what it refused.
        if (error instanceof OperationsCenterError && error.status > 0) return client(url);
        failures.push(`${url}: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        await probe.close();
      }
    }
    throw new Error(`None of the Incus addresses answered (tried in this order):\n${failures.join("\n")}`);
  }

  private constructor(url: string, open: Open, pinned: string | undefined, current: (() => Promise<string | undefined>) | undefined) {
    this.url = url;
    this.#open = open;
    this.#pinned = pinned;
    this.#current = current;
    this.#http = open(url, pinned);
  }

  /**
   * One request. When the server refuses the pinned certificate and currentServerCertificate is
   * given, the request (which was not sent) is made again pinned to the certificate in force.
   * Operations Center writes a new certificate to the members before it records it
   * (operations-center@41a98e0 internal/provisioning/cluster/cluster_service.go, UpdateCertificate),
   * so for a moment the record may still hold the refused one: it is asked again, bounded.
   */
  async #request(...args: Parameters<Transport["request"]>): ReturnType<Transport["request"]> {
    for (let attempt = 1; ; attempt++) {
      const http = this.#http;
      try {
        return await http.request(...args);
      } catch (error) {
        if (!(error instanceof OperationsCenterError && error.pinnedCertificateRefused) || this.#current === undefined || attempt > REPIN_ATTEMPTS) throw error;
        // Another request may have renewed the pin meanwhile.
        if (this.#http !== http) continue;
        const current = await this.#current();
        if (current === undefined) throw error;
        if (current === this.#pinned) {
          await sleep(REPIN_WAIT_MS);
          continue;
        }
        if (this.#http === http) {
          this.#pinned = current;
          this.#http = this.#open(this.url, current);
          // Closing lets requests still running on the old pin finish; nothing waits for it.
          http.close().catch(() => undefined);
        }
      }
    }
  }

  async getServerConfig(target?: string): Promise<{ config: Record<string, string>; etag?: string }> {
    const reply = await this.#request("GET", "/1.0", { query: { target } });
    return { config: serverSchema.parse(reply.metadata).config, ...(reply.etag === undefined ? {} : { etag: reply.etag }) };
  }

  /** PATCH /1.0: the keys given are set, "" unsets one; other keys stay. */
  async patchServerConfig(config: Record<string, string>, options: { target?: string; ifMatch?: string } = {}): Promise<void> {
    await this.#request("PATCH", "/1.0", {
      query: { target: options.target },
      body: { config },
      ...(options.ifMatch === undefined ? {} : { ifMatch: options.ifMatch }),
    });
  }

  /** GET /1.0/cluster/members?recursion=1: every member, as `incus cluster list` shows them. */
  async listMembers(): Promise<IncusMember[]> {
    const reply = await this.#request("GET", "/1.0/cluster/members", { query: { recursion: "1" } });
    return z.array(incusMemberSchema).parse(reply.metadata);
  }

  async getMember(name: string): Promise<{ member: IncusMember; etag?: string }> {
    const reply = await this.#request("GET", `/1.0/cluster/members/${segment(name)}`, { subject: name });
    return { member: incusMemberSchema.parse(reply.metadata), ...(reply.etag === undefined ? {} : { etag: reply.etag }) };
  }

  /** PUT: roles, groups, failure domain and description are replaced; send them whole. */
  async updateMember(name: string, put: IncusMemberPut, options: { ifMatch?: string } = {}): Promise<void> {
    await this.#request("PUT", `/1.0/cluster/members/${segment(name)}`, {
      body: put,
      subject: name,
      ...(options.ifMatch === undefined ? {} : { ifMatch: options.ifMatch }),
    });
  }

  /** Starts an evacuation or restore; resolves with the operation id. */
  async changeMemberState(name: string, action: "evacuate" | "restore", mode?: string): Promise<string> {
    const reply = await this.#request("POST", `/1.0/cluster/members/${segment(name)}/state`, {
      body: { action, ...(mode === undefined ? {} : { mode }) },
      subject: name,
    });
    return incusOperationSchema.parse(reply.metadata).id;
  }

  /** GET /1.0/operations/{id}/wait with a timeout in seconds; the operation as it then is. */
  async waitOperation(id: string, timeoutS: number): Promise<IncusOperation> {
    const reply = await this.#request("GET", `/1.0/operations/${segment(id)}/wait`, { query: { timeout: String(timeoutS) } });
    return incusOperationSchema.parse(reply.metadata);
  }

  /** The group, or undefined when the cluster has none of that name. */
  async findGroup(name: string): Promise<{ group: IncusGroup; etag?: string } | undefined> {
    try {
      const reply = await this.#request("GET", `/1.0/cluster/groups/${segment(name)}`, { subject: name });
      return { group: incusGroupSchema.parse(reply.metadata), ...(reply.etag === undefined ? {} : { etag: reply.etag }) };
    } catch (error) {
      if (error instanceof OperationsCenterError && error.isNotFound) return undefined;
      throw error;
    }
  }

  async createGroup(name: string, put: IncusGroupPut): Promise<void> {
    await this.#request("POST", "/1.0/cluster/groups", { body: { name, ...put }, subject: name });
  }

  async updateGroup(name: string, put: IncusGroupPut, options: { ifMatch?: string } = {}): Promise<void> {
    await this.#request("PUT", `/1.0/cluster/groups/${segment(name)}`, {
      body: put,
      subject: name,
      ...(options.ifMatch === undefined ? {} : { ifMatch: options.ifMatch }),
    });
  }

  async deleteGroup(name: string): Promise<void> {
    await this.#request("DELETE", `/1.0/cluster/groups/${segment(name)}`, { subject: name });
  }

  async close(): Promise<void> {
    await this.#http.close();
  }
}
