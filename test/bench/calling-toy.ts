// The bench's calling floor: the toy of floor.ts, but with operationscenter_cluster's schema and
// configuration, and each resource makes the requests this provider's create makes, per cluster
// (the request counts of apply_vs_direct_N show them): in the plan, GET the cluster (404); in the
// apply, whose re-plan asks again, GET the cluster, GET each named server, POST the cluster, GET
// it back and PUT it once. It makes them with as little as a Node provider can: node:https with
// keep-alive, the pin checked on each full handshake (a bench fixture, it talks to one local OC
// only), one TLS session resumed by every later connection (the first request goes alone, as
// this provider's client does), JSON.parse of each answer and nothing more: no schemas, retries,
// cache, redaction or journal. Its apply is what the least Node provider making these requests
// for these resources costs behind this terraform.
import { createHash, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { Agent, request } from "node:https";
import type { TLSSocket } from "node:tls";
import type { Attribute, CtyType, ObjectValue, Provider, Resource, Schema } from "../../src/provider/plugin/types.js";
import { DiagnosticError, UNKNOWN } from "../../src/provider/plugin/types.js";

/** Where the local OC of a run listens, written by the bench (apply.ts) for each run. */
export interface ConnectionFile {
  addr: string;
  server_cert: string;
  client_cert_file: string;
  client_key_file: string;
}

const CONNECTION_FIELDS = ["addr", "server_cert", "client_cert_file", "client_key_file"] as const;

/** Checked by hand: loading zod is a cost this floor must not pay. */
function connectionOf(json: unknown, file: string): ConnectionFile {
  const record = (typeof json === "object" && json !== null ? json : {}) as Record<string, unknown>;
  const missing = CONNECTION_FIELDS.filter((field) => typeof record[field] !== "string");
  if (missing.length > 0) throw new Error(`${file}: ${missing.join(", ")} must be strings`);
  return record as unknown as ConnectionFile;
}

interface Answer {
  status: number;
  body: unknown;
}

export class CallingClient {
  readonly #agent: Agent;
  readonly #addr: URL;
  readonly #pin: string;
  /** Settles once the first request has its answer (and its connection a session to resume). */
  #first: Promise<void> | undefined;

  constructor(connection: ConnectionFile, parallelism: number) {
    this.#addr = new URL(connection.addr);
    this.#pin = new X509Certificate(connection.server_cert).fingerprint256;
    this.#agent = new Agent({
      keepAlive: true,
      maxSockets: parallelism,
      cert: readFileSync(connection.client_cert_file),
      key: readFileSync(connection.client_key_file),
      // Checked against the pin below instead of a CA store, as this provider's client does.
      rejectUnauthorized: false,
    });
  }

  async call(method: string, path: string, body?: unknown): Promise<Answer> {
    if (this.#first === undefined) {
      const answer = this.#send(method, path, body);
      this.#first = answer.then(
        () => undefined,
        () => undefined,
      );
      return answer;
    }
    await this.#first;
    return this.#send(method, path, body);
  }

  #send(method: string, path: string, body?: unknown): Promise<Answer> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          agent: this.#agent,
          host: this.#addr.hostname,
          port: this.#addr.port,
          method,
          path,
          headers: { accept: "application/json", ...(payload === undefined ? {} : { "content-type": "application/json" }) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            resolve({ status: res.statusCode ?? 0, body: text === "" || !text.startsWith("{") ? text : JSON.parse(text) });
          });
          res.on("error", reject);
        },
      );
      req.on("socket", (socket: TLSSocket) => {
        // A new connection (a kept-alive one was checked when it opened).
        if (!socket.connecting) return;
        socket.once("secureConnect", () => {
          if (socket.isSessionReused()) return;
          if (socket.getPeerX509Certificate()?.fingerprint256 !== this.#pin) socket.destroy(new Error("server certificate does not match the pin"));
        });
      });
      req.on("error", reject);
      req.end(payload);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}

const expect = (answer: Answer, status: number, what: string): Answer => {
  if (answer.status !== status) throw new Error(`${what}: ${answer.status}, expected ${status}: ${JSON.stringify(answer.body).slice(0, 200)}`);
  return answer;
};

const SAME = "As operationscenter_cluster's.";
type Flags = { required?: true; optional?: true; computed?: true };
const ofType =
  (type: CtyType) =>
  (flags: Flags): Attribute => ({ type, description: SAME, ...flags });
const string = ofType("string");
const stringSet = ofType(["set", "string"]);
const stringMap = ofType(["map", "string"]);
const bool = ofType("bool");

/**
 * operationscenter_cluster's schema but for the descriptions, so that terraform does for these
 * resources the work it does for the provider's (test/e2e-bench-calling-floor.test.ts compares them).
 */
export const clusterSchema: Schema = {
  version: 0,
  block: {
    attributes: {
      id: string({ computed: true }),
      name: string({ required: true }),
      servers: stringSet({ required: true }),
      exclusive_members: bool({ optional: true }),
      copy_services_config_on_add: bool({ optional: true }),
      connection_url: string({ optional: true, computed: true }),
      channel: string({ optional: true, computed: true }),
      description: string({ optional: true, computed: true }),
      properties: stringMap({ optional: true }),
      deletion_policy: string({ optional: true }),
      server_type: string({ optional: true }),
      services_config: string({ optional: true }),
      application_config: string({ optional: true }),
      template: string({ optional: true }),
      template_variables: stringMap({ optional: true }),
      secrets_wo: { type: "string", description: SAME, optional: true, sensitive: true, writeOnly: true },
      secrets_digest: string({ computed: true }),
      adoption_key: string({ optional: true }),
      allow_recreate: bool({ optional: true }),
      certificate: string({ computed: true }),
      fingerprint: string({ computed: true }),
      status: string({ computed: true }),
      members: stringSet({ computed: true }),
      properties_all: stringMap({ computed: true }),
    },
    blocks: {
      rolling_restart: {
        nesting: "single",
        block: { attributes: { post_restore_delay: string({ optional: true }), restore_mode: string({ optional: true }) } },
      },
    },
  },
};

/** What a create leaves to the server: known after apply when not configured (the channel stays unmanaged, as the provider leaves it). */
const COMPUTED = ["id", "secrets_digest", "certificate", "fingerprint", "status", "members", "properties_all", "connection_url", "description"];

const clusterPath = (name: string): string => `/1.0/provisioning/clusters/${encodeURIComponent(name)}`;
const text = (state: ObjectValue, key: string): string => String(state[key] ?? "");
const strings = (state: ObjectValue, key: string): string[] => (state[key] ?? []) as string[];
const stringRecord = (value: unknown): Record<string, string> => (value ?? {}) as Record<string, string>;
const jsonObject = (state: ObjectValue, key: string): unknown => JSON.parse(text(state, key) || "{}");
/** What this provider's create adds to the properties (bookkeeping of about the same size). */
const bookkeeping = (state: ObjectValue): Record<string, string> => ({
  "oc-cdktf.io/created-by": `key-${createHash("sha256").update(text(state, "adoption_key")).digest("hex").slice(0, 40)}`,
  "oc-cdktf.io/members": JSON.stringify(strings(state, "servers")),
});

const cluster: Resource<CallingClient> = {
  typeName: "callstoy_cluster",
  schema: clusterSchema,
  async plan({ prior, proposed }, { client }) {
    if (proposed === null) return { planned: null };
    if (prior !== null) return { planned: proposed };
    expect(await client.call("GET", clusterPath(text(proposed, "name"))), 404, "the cluster's name is taken");
    const planned: ObjectValue = { ...proposed };
    for (const key of COMPUTED) if (planned[key] === null) planned[key] = UNKNOWN;
    return { planned };
  },
  async apply({ prior, planned }, { client }) {
    if (planned === null || prior !== null) throw new Error("the calling floor only creates");
    const name = text(planned, "name");
    for (const server of strings(planned, "servers")) {
      expect(await client.call("GET", `/1.0/provisioning/servers/${encodeURIComponent(server)}`), 200, "the server");
    }
    const properties = { ...stringRecord(planned["properties"]), ...bookkeeping(planned) };
    const post = {
      name,
      connection_url: text(planned, "connection_url"),
      server_names: strings(planned, "servers"),
      server_type: text(planned, "server_type") || "incus",
      description: text(planned, "description"),
      properties: { ...properties, "oc-cdktf.io/unsaved": "true" },
      services_config: jsonObject(planned, "services_config"),
      application_seed_config: jsonObject(planned, "application_config"),
    };
    expect(await client.call("POST", "/1.0/provisioning/clusters", post), 201, "the create");
    const read = (expect(await client.call("GET", clusterPath(name)), 200, "the read-back").body as { metadata: Record<string, unknown> }).metadata;
    // A PUT replaces the cluster's whole writable part: the read-back's, with the mark gone.
    const { connection_url, channel, description, config } = read;
    expect(await client.call("PUT", clusterPath(name), { connection_url, channel, description, properties, config }), 201, "the mark's removal");
    const known: ObjectValue = {
      id: name,
      secrets_digest: null,
      certificate: String(read["certificate"] ?? ""),
      fingerprint: String(read["fingerprint"] ?? ""),
      status: String(read["status"] ?? ""),
      members: strings(planned, "servers"),
      properties_all: properties,
      connection_url: String(connection_url ?? ""),
      description: String(description ?? ""),
    };
    const state: ObjectValue = { ...planned };
    for (const key of COMPUTED) if (state[key] === UNKNOWN) state[key] = known[key] ?? null;
    return { state };
  },
  async read({ state }) {
    return { state };
  },
};

export const callingToyProvider: Provider<CallingClient> = {
  schema: {
    version: 0,
    block: {
      attributes: {
        connection_file: { type: "string", description: "A JSON file of ConnectionFile's shape.", required: true },
        parallelism: { type: "number", description: "Connections at most: terraform's -parallelism.", required: true },
      },
    },
  },
  resources: [cluster],
  dataSources: [],
  async configure({ config }) {
    const file = config["connection_file"];
    const parallelism = config["parallelism"];
    if (typeof file !== "string" || typeof parallelism !== "number") {
      throw new DiagnosticError({ severity: "error", summary: "connection_file and parallelism must be known" });
    }
    return new CallingClient(connectionOf(JSON.parse(readFileSync(file, "utf8")), file), parallelism);
  },
  async close(client) {
    client.close();
  },
};
