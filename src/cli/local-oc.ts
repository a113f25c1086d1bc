// `oc-cdktf local-oc`: serves the local Operations Center until SIGINT/SIGTERM.
// Prints exactly one `listening on https://HOST:PORT` line when ready, then one line per request.
import { startLocalOperationsCenter, type Faults } from "../local-oc/index.js";
import { type Command, failure, parseCommand } from "./command.js";

const USAGE = `usage: oc-cdktf local-oc [options]

  --host ADDR                 listen address (default 127.0.0.1)
  --port N                    port, 0 for a free one (default 0)
  --servers N                 register N ready servers server01..serverNN (default 3)
  --seed FILE                 YAML seed: servers, templates, clusters and tokens to start with
  --state FILE                persist everything in FILE (atomic writes) and reload it on start
  --write-client-config DIR   write a trusted client certificate and an operations-center
                              CLI config (config.yml, client.crt, client.key) into DIR
  --oidc-issuer               act as an OIDC issuer at URL/local-oc/oidc (discovery, JWKS, token
                              endpoint with refresh tokens) and configure OC's security.oidc with
                              it: its bearer tokens authenticate, any other bearer is refused (401)
  --client-auth tls|oidc      what --write-client-config writes: a trusted client certificate
                              (tls, the default) or an oidc remote with its token file
                              (oidc-tokens/local-oc.json; needs --oidc-issuer)
  --write-incus-config DIR    keep an incus CLI config in DIR: a remote per cluster (its own
                              listener and pinned certificate), client.crt / client.key
  --incus-trust-oc-clients    clusters also trust the client certificates OC trusts (real
                              clusters trust only their application config's certificates)
  --incus-shared-route        also serve each cluster's Incus API under /incus/NAME on OC's
                              listener, with OC's certificate
  --ui DIR                    serve DIR under /ui/ (index.html fallback)
  --create-delay MS           how long a cluster create takes (default 50)
  --evacuation-delay MS       how long a server stays evacuating before it is evacuated (default 0)
  --update-step MS            how long each step of a cluster :update/:reboot takes (default 250)
  --reregister-delay MS       how long a factory-reset server takes to register again (default 200)
  --self-update-poll-delay MS how long after a network change on a server Operations Center
                              polls it, ending a pending re-configuration and refreshing the
                              server data it stores (default 1000; 0: at once)
  --unsupported-service-config empty|error
                              the join check of :add-servers on ceph/linstor without the
                              incus-ceph/incus-linstor application: "empty" counts them as
                              their empty config, as the expected upstream fix does (default);
                              "error" answers 500 as Operations Center 41a98e0 does
  --latency MS                delay every request
  --fail-member NAME          IncusOS writes to this server fail with 500 (repeatable)
  --fail-post-clustering NAME creating this cluster fails after it is ready, as a failed
                              post-clustering (Terraform) step does: 500 (repeatable)
  --error-rate P              answer a fraction P of requests with 503
  --drop-rate P               close a fraction P of connections without a reply
`;

function number(name: string, value: string | undefined, min: number, max = Number.POSITIVE_INFINITY): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < min || n > max) {
    throw new Error(`--${name} must be a number between ${min} and ${max}, got "${value}"`);
  }
  return n;
}

const command: Command = { name: "local-oc", usage: USAGE, usageExit: 2 };

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(command, argv, {
    strict: true,
    allowPositionals: false,
    options: {
      host: { type: "string" },
      port: { type: "string" },
      servers: { type: "string" },
      seed: { type: "string" },
      state: { type: "string" },
      "write-client-config": { type: "string" },
      "write-incus-config": { type: "string" },
      "oidc-issuer": { type: "boolean" },
      "client-auth": { type: "string" },
      "incus-trust-oc-clients": { type: "boolean" },
      "incus-shared-route": { type: "boolean" },
      ui: { type: "string" },
      "create-delay": { type: "string" },
      "evacuation-delay": { type: "string" },
      "update-step": { type: "string" },
      "reregister-delay": { type: "string" },
      "self-update-poll-delay": { type: "string" },
      "unsupported-service-config": { type: "string" },
      latency: { type: "string" },
      "fail-member": { type: "string", multiple: true },
      "fail-post-clustering": { type: "string", multiple: true },
      "error-rate": { type: "string" },
      "drop-rate": { type: "string" },
    },
  });
  if (typeof parsed === "number") return parsed;
  const { values } = parsed;
  const faults: Faults = {};
  let port: number | undefined;
  let servers: number | undefined;
  let createDelayMs: number | undefined;
  let evacuationDelayMs: number | undefined;
  let updateStepMs: number | undefined;
  let reregisterDelayMs: number | undefined;
  let selfUpdatePollDelayMs: number | undefined;
  const unsupportedServiceConfig = values["unsupported-service-config"];
  if (unsupportedServiceConfig !== undefined && unsupportedServiceConfig !== "empty" && unsupportedServiceConfig !== "error") {
    return failure(command, `--unsupported-service-config must be "empty" or "error", got "${unsupportedServiceConfig}"`, 2);
  }
  try {
    port = number("port", values.port, 0, 65535);
    servers = number("servers", values.servers, 0);
    createDelayMs = number("create-delay", values["create-delay"], 0);
    evacuationDelayMs = number("evacuation-delay", values["evacuation-delay"], 0);
    updateStepMs = number("update-step", values["update-step"], 0);
    reregisterDelayMs = number("reregister-delay", values["reregister-delay"], 0);
    selfUpdatePollDelayMs = number("self-update-poll-delay", values["self-update-poll-delay"], 0);
    const latency = number("latency", values.latency, 0);
    if (latency !== undefined) faults.latencyMs = latency;
    const errorRate = number("error-rate", values["error-rate"], 0, 1);
    if (errorRate !== undefined) faults.errorRate = errorRate;
    const dropRate = number("drop-rate", values["drop-rate"], 0, 1);
    if (dropRate !== undefined) faults.dropRate = dropRate;
  } catch (err) {
    return failure(command, (err as Error).message, 2);
  }
  const clientAuth = values["client-auth"] ?? "tls";
  if (clientAuth !== "tls" && clientAuth !== "oidc") {
    return failure(command, `--client-auth must be tls or oidc, got "${clientAuth}"`, 2);
  }
  if (clientAuth === "oidc" && values["oidc-issuer"] !== true) {
    return failure(command, "--client-auth oidc needs --oidc-issuer (the tokens come from the local issuer)", 2);
  }
  const failMembers = values["fail-member"];
  if (failMembers !== undefined) faults.failMembers = failMembers;
  const failPostClustering = values["fail-post-clustering"];
  if (failPostClustering !== undefined) faults.failPostClustering = failPostClustering;

  const oc = await startLocalOperationsCenter({
    host: values.host ?? "127.0.0.1",
    port: port ?? 0,
    ...(servers !== undefined ? { servers } : {}),
    ...(values.seed !== undefined ? { seed: values.seed } : {}),
    ...(values.state !== undefined ? { statePath: values.state } : {}),
    ...(values.ui !== undefined ? { uiDir: values.ui } : {}),
    ...(createDelayMs !== undefined ? { createDelayMs } : {}),
    ...(evacuationDelayMs !== undefined ? { evacuationDelayMs } : {}),
    ...(updateStepMs !== undefined ? { updateStepMs } : {}),
    ...(reregisterDelayMs !== undefined ? { reregisterDelayMs } : {}),
    ...(selfUpdatePollDelayMs !== undefined ? { selfUpdatePollDelayMs } : {}),
    ...(unsupportedServiceConfig !== undefined ? { unsupportedServiceConfig } : {}),
    ...(values["incus-trust-oc-clients"] === true ? { incusTrustOperationsCenterClients: true } : {}),
    ...(values["incus-shared-route"] === true ? { incusSharedRoute: true } : {}),
    ...(values["oidc-issuer"] === true ? { oidcIssuer: true } : {}),
    faults,
    log: (line) => process.stdout.write(`${line}\n`),
  });
  const configDir = values["write-client-config"];
  if (configDir !== undefined) {
    const { dir, fingerprint } = await oc.writeClientConfig(configDir, { auth: clientAuth });
    process.stderr.write(
      clientAuth === "oidc"
        ? `client configuration written to ${dir} (oidc remote, token file oidc-tokens/local-oc.json)\n`
        : `client configuration written to ${dir} (trusted fingerprint ${fingerprint})\n`,
    );
  }
  const incusConfigDir = values["write-incus-config"];
  if (incusConfigDir !== undefined) {
    // After the client config, so that the incus config carries the same client certificate.
    const dir = await oc.writeIncusConfig(incusConfigDir);
    process.stderr.write(`incus CLI configuration kept in ${dir} (a remote per cluster)\n`);
  }
  process.stdout.write(`listening on ${oc.url}\n`);

  return await new Promise<number>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      oc.close().then(
        () => resolve(0),
        (err: unknown) => {
          resolve(failure(command, (err as Error).message, 1));
        },
      );
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
