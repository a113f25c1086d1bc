// A typed client of an Incus cluster's own REST API (incus-cluster.md 2, 5): members, groups,
// server config, member state operations. It reuses the Operations Center client's transport
// (verified TLS with a pinned certificate, client certificates, the same envelope, retries that
// never repeat a mutation). Where the cluster is and which certificate to present come from the
// incus CLI conventions (config.yml remotes, client.crt / client.key, servercerts/) or are given.
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { YAMLException } from "js-yaml";
import { MAX_FILE_BYTES, loadYaml, readUserFile } from "../config/input-limits.js";
import { z } from "zod";
import type { OperationsCenterClient, RequestEvent } from "./client.js";
import { segment } from "./path.js";
import { OperationsCenterError } from "./errors.js";

const stringMap = z.record(z.string(), z.string());
const list = <S extends z.ZodType>(schema: S) => z.array(schema).nullish().transform((v) => v ?? []);

export const incusMemberSchema = z.looseObject({
  server_name: z.string(),
  url: z.string().default(""),
  status: z.string(),
  message: z.string().default(""),
  roles: list(z.string()),
  failure_domain: z.string().default(""),
  description: z.string().default(""),
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

export const incusOperationSchema = z.looseObject({
  id: z.string(),
  status: z.string(),
  status_code: z.number(),
  err: z.string().default(""),
  description: z.string().default(""),
});
export type IncusOperation = z.infer<typeof incusOperationSchema>;

const serverSchema = z.looseObject({ config: stringMap.nullish().transform((v) => v ?? {}) });

/** Where a cluster's Incus API is and how to authenticate to it. */
export interface IncusConnection {
  /** e.g. https://192.0.2.101:8443 */
  readonly url: string;
  /** Pinned server certificate (PEM); undefined: the system CA store. */
  readonly serverCertificate?: string;
  readonly clientCertificate: string;
  readonly clientKey: string;
}

/** The incus CLI configuration directory: INCUS_CONF, else ~/.config/incus. */
export function incusConfigDir(env: NodeJS.ProcessEnv): string {
  const dir = env.INCUS_CONF;
  return dir !== undefined && dir !== "" ? dir : join(homedir(), ".config", "incus");
}

const cliConfigSchema = z.looseObject({
  remotes: z.record(z.string(), z.looseObject({ addr: z.string(), protocol: z.string().optional() })).nullish(),
});

/** client.crt / client.key of the incus CLI configuration, when both exist. */
export function incusClientCertificate(dir: string): { certificate: string; key: string } | undefined {
  const crt = join(dir, "client.crt");
  const key = join(dir, "client.key");
  if (!existsSync(crt) || !existsSync(key)) return undefined;
  return { certificate: readUserFile(crt, "incus CLI client certificate", MAX_FILE_BYTES.pem), key: readUserFile(key, "incus CLI client key", MAX_FILE_BYTES.pem) };
}

/**
 * The connection of remote `name` in the incus CLI configuration of `dir`, or undefined when no
 * such remote is configured. Throws when the remote exists but cannot be used (no client
 * certificate), naming the file to fix.
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
  if (!parsed.success) throw new Error(`${file}: not an incus CLI configuration (${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")})`);
  const remote = parsed.data.remotes?.[name];
  if (remote === undefined) return undefined;
  const client = incusClientCertificate(dir);
  if (client === undefined) throw new Error(`${file}: remote "${name}" is configured but ${join(dir, "client.crt")} and client.key are missing; add the client certificate the cluster trusts`);
  const pinned = join(dir, "servercerts", `${name}.crt`);
  return {
    url: remote.addr,
    ...(existsSync(pinned) ? { serverCertificate: readUserFile(pinned, `pinned certificate of remote "${name}"`, MAX_FILE_BYTES.pem) } : {}),
    clientCertificate: client.certificate,
    clientKey: client.key,
  };
}

export interface IncusClientOptions {
  onRequest?: (event: RequestEvent) => void;
}

export class IncusClient {
  readonly url: string;
  readonly #http: OperationsCenterClient;

  /** Connects lazily: the HTTP transport (undici) loads with the first cluster the provider talks to. */
  static async connect(connection: IncusConnection, options: IncusClientOptions = {}): Promise<IncusClient> {
    const { OperationsCenterClient } = await import("./client.js");
    const http = new OperationsCenterClient({
      url: connection.url,
      clientCertificate: connection.clientCertificate,
      clientKey: connection.clientKey,
      ...(connection.serverCertificate === undefined ? {} : { serverCertificate: connection.serverCertificate }),
      ...(options.onRequest === undefined ? {} : { onRequest: options.onRequest }),
    });
    return new IncusClient(connection.url, http);
  }

  private constructor(url: string, http: OperationsCenterClient) {
    this.url = url;
    this.#http = http;
  }

  async getServerConfig(target?: string): Promise<{ config: Record<string, string>; etag?: string }> {
    const reply = await this.#http.request("GET", "/1.0", { query: { target } });
    return { config: serverSchema.parse(reply.metadata).config, ...(reply.etag === undefined ? {} : { etag: reply.etag }) };
  }

  /** PATCH /1.0: the keys given are set, "" unsets one; other keys stay. */
  async patchServerConfig(config: Record<string, string>, options: { target?: string; ifMatch?: string } = {}): Promise<void> {
    await this.#http.request("PATCH", "/1.0", { query: { target: options.target }, body: { config }, ...(options.ifMatch === undefined ? {} : { ifMatch: options.ifMatch }) });
  }

  async getMember(name: string): Promise<{ member: IncusMember; etag?: string }> {
    const reply = await this.#http.request("GET", `/1.0/cluster/members/${segment(name)}`, { subject: name });
    return { member: incusMemberSchema.parse(reply.metadata), ...(reply.etag === undefined ? {} : { etag: reply.etag }) };
  }

  /** PUT: roles, groups, failure domain and description are replaced; send them whole. */
  async updateMember(name: string, put: IncusMemberPut, options: { ifMatch?: string } = {}): Promise<void> {
    await this.#http.request("PUT", `/1.0/cluster/members/${segment(name)}`, { body: put, subject: name, ...(options.ifMatch === undefined ? {} : { ifMatch: options.ifMatch }) });
  }

  /** Starts an evacuation or restore; resolves with the operation id. */
  async changeMemberState(name: string, action: "evacuate" | "restore", mode?: string): Promise<string> {
    const reply = await this.#http.request("POST", `/1.0/cluster/members/${segment(name)}/state`, { body: { action, ...(mode === undefined ? {} : { mode }) }, subject: name });
    return incusOperationSchema.parse(reply.metadata).id;
  }

  /** GET /1.0/operations/{id}/wait with a timeout in seconds; the operation as it then is. */
  async waitOperation(id: string, timeoutS: number): Promise<IncusOperation> {
    const reply = await this.#http.request("GET", `/1.0/operations/${segment(id)}/wait`, { query: { timeout: String(timeoutS) } });
    return incusOperationSchema.parse(reply.metadata);
  }

  /** The group, or undefined when the cluster has none of that name. */
  async findGroup(name: string): Promise<{ group: IncusGroup; etag?: string } | undefined> {
    try {
      const reply = await this.#http.request("GET", `/1.0/cluster/groups/${segment(name)}`, { subject: name });
      return { group: incusGroupSchema.parse(reply.metadata), ...(reply.etag === undefined ? {} : { etag: reply.etag }) };
    } catch (error) {
      if (error instanceof OperationsCenterError && error.isNotFound) return undefined;
      throw error;
    }
  }

  async createGroup(name: string, put: IncusGroupPut): Promise<void> {
    await this.#http.request("POST", "/1.0/cluster/groups", { body: { name, ...put }, subject: name });
  }

  async updateGroup(name: string, put: IncusGroupPut, options: { ifMatch?: string } = {}): Promise<void> {
    await this.#http.request("PUT", `/1.0/cluster/groups/${segment(name)}`, { body: put, subject: name, ...(options.ifMatch === undefined ? {} : { ifMatch: options.ifMatch }) });
  }

  async deleteGroup(name: string): Promise<void> {
    await this.#http.request("DELETE", `/1.0/cluster/groups/${segment(name)}`, { subject: name });
  }

  async close(): Promise<void> {
    await this.#http.close();
  }
}
