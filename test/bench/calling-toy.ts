// The bench's calling floor: the toy of floor.ts, but each resource makes the requests this
// provider's create makes, per cluster (the request counts of apply_vs_direct_N show them): in the
// plan, GET the cluster (404); in the apply, whose re-plan asks again, GET the cluster, GET the
// named server, POST the cluster, GET it back and PUT it once. It makes them with as little as a
// Node provider can: node:https with keep-alive, the pin checked on full handshakes only, one TLS
// session resumed by every later connection (the first request goes alone, as this provider's
// client does), JSON.parse of each answer and nothing more: no schemas, no retries, no cache.
// Its apply is what the least Node provider making these calls costs behind this terraform.
import { createHash, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { Agent, request } from "node:https";
import type { TLSSocket } from "node:tls";
import type { ObjectValue, Provider, Resource } from "../../src/provider/plugin/types.js";
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

const clusterPath = (name: string): string => `/1.0/provisioning/clusters/${encodeURIComponent(name)}`;
const text = (state: ObjectValue, key: string): string => String(state[key]);
const properties = (state: ObjectValue): Record<string, string> => (state["properties"] ?? {}) as Record<string, string>;
/** What this provider's create adds to the properties (bookkeeping of about the same size). */
const bookkeeping = (name: string): Record<string, string> => ({
  "oc-cdktf.io/created-by": `key-${createHash("sha1").update(name).digest("hex")}`,
  "oc-cdktf.io/members": "[]",
});

const cluster: Resource<CallingClient> = {
  typeName: "callstoy_cluster",
  schema: {
    version: 0,
    block: {
      attributes: {
        name: { type: "string", description: "The cluster's name.", required: true },
        server: { type: "string", description: "Its one server.", required: true },
        connection_url: { type: "string", description: "Where it will listen.", required: true },
        description: { type: "string", description: "Text.", optional: true },
        properties: { type: ["map", "string"], description: "A map.", optional: true },
        fingerprint: { type: "string", description: "Read back after the create.", computed: true },
      },
    },
  },
  async plan({ prior, proposed }, { client }) {
    if (proposed === null) return { planned: null };
    if (prior === null) expect(await client.call("GET", clusterPath(text(proposed, "name"))), 404, "the cluster's name is taken");
    return { planned: { ...proposed, fingerprint: prior === null ? UNKNOWN : (prior["fingerprint"] ?? null) } };
  },
  async apply({ prior, planned }, { client }) {
    if (planned === null || prior !== null) throw new Error("the calling floor only creates");
    const name = text(planned, "name");
    expect(await client.call("GET", `/1.0/provisioning/servers/${encodeURIComponent(text(planned, "server"))}`), 200, "the server");
    const props = { ...properties(planned), ...bookkeeping(name) };
    const post = {
      name,
      connection_url: text(planned, "connection_url"),
      server_names: [text(planned, "server")],
      server_type: "incus",
      description: text(planned, "description"),
      properties: { ...props, "oc-cdktf.io/unsaved": "true" },
      services_config: {},
      application_seed_config: {},
    };
    expect(await client.call("POST", "/1.0/provisioning/clusters", post), 201, "the create");
    const read = expect(await client.call("GET", clusterPath(name)), 200, "the read-back").body as { metadata: Record<string, unknown> };
    // A PUT replaces the cluster's whole writable part: the read-back's, with the mark gone.
    const { connection_url, channel, description, config } = read.metadata;
    const put = { connection_url, channel, description, properties: props, config };
    expect(await client.call("PUT", clusterPath(name), put), 201, "the mark's removal");
    return { state: { ...planned, fingerprint: String(read.metadata["fingerprint"] ?? "") } };
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
