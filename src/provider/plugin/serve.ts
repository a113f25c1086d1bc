// The plugin process: go-plugin's handshake, then Terraform's calls until it says stop.
// Start-up is on the path of every Terraform command (one plan starts a provider three times),
// so the handshake line goes out as soon as a plain socket listens: HTTP/2, the provider and
// the value codec load after it, while Terraform's first connection waits in the listener.
import { mkdtempSync, rmdirSync, unlinkSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ProviderDefinition } from "./types.js";
import { hclogLogger, logLevelFrom } from "./log.js";
import type { GrpcServer } from "./grpc/server.js";
import { selfSignedCertificate } from "./tls/certificate.js";
import { terraformCommandOf, type TerraformCommand } from "./terraform-command.js";

export interface ServeOptions {
  /** The provider's short name ("operationscenter"): its log lines carry @module "provider.<name>". */
  readonly name?: string;
  /** How long a stop waits for calls in flight before exiting anyway (default 10 s). */
  readonly stopTimeoutMs?: number;
}

const MAGIC_COOKIE_KEY = "TF_PLUGIN_MAGIC_COOKIE";
const MAGIC_COOKIE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
const APP_PROTOCOL_VERSION = "6";
// Only for exiting soon once idle: every side effect checks the parent itself (stopping()).
const PARENT_POLL_MS = 200;
const PARENT_GONE = "parent process exited";

function refuse(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

export async function serve<Client>(definition: ProviderDefinition<Client>, options: ServeOptions = {}): Promise<void> {
  // Taken first: terraform may be killed as soon as it has read the handshake line.
  const parent = process.ppid;
  if (process.env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE) {
    refuse(
      "This program is a Terraform provider plugin and is not meant to be run by hand.\n" +
        "Terraform starts it when a configuration uses the provider: run `terraform init` and `terraform plan` in the configuration's directory instead.",
    );
  }
  const offered = process.env["PLUGIN_PROTOCOL_VERSIONS"];
  if (offered !== undefined && offered !== "" && !offered.split(",").includes(APP_PROTOCOL_VERSION)) {
    refuse(`Terraform offers plugin protocol versions ${offered}, but this provider speaks only version ${APP_PROTOCOL_VERSION}; use Terraform 1.0 or newer.`);
  }

  const log = hclogLogger(options.name === undefined ? undefined : `provider.${options.name}`, undefined, logLevelFrom(process.env));
  const socketDirectory = mkdtempSync(join(tmpdir(), "tfplugin-"));
  const socketPath = join(socketDirectory, "plugin.sock");
  // The socket, then its directory: rmSync would load one more of Node.js's modules after the V8
  // flags are set, compiled without its cached code (src/provider/v8-flags.ts).
  process.on("exit", () => {
    for (const remove of [() => unlinkSync(socketPath), () => rmdirSync(socketDirectory)]) {
      try {
        remove();
      } catch {
        // Never made (a failed listen), or gone: what is left is the system's temporary directory's.
      }
    }
  });

  const clientCertificatePem = process.env["PLUGIN_CLIENT_CERT"];
  const certificate = clientCertificatePem ? selfSignedCertificate("terraform-plugin") : undefined;

  const stopController = new AbortController();
  let server: GrpcServer | undefined;
  let close: () => Promise<void> = async () => undefined;
  let stopReason: string | undefined;
  const stop = (reason: string): void => {
    if (stopReason !== undefined) return;
    stopReason = reason;
    log.debug("stopping", { reason });
    stopController.abort(new Error(`provider stopping: ${reason}`));
    // Nobody is left to answer once Terraform is gone: the calls in flight are not waited for.
    const graceMs = reason === PARENT_GONE ? 0 : (options.stopTimeoutMs ?? 10_000);
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
    void Promise.race([Promise.all([close(), server?.idle()]), deadline]).finally(() => process.exit(0));
  };
  /** A changed parent means this process was orphaned: a SIGKILLed terraform cannot say stop. */
  const stopping = (): string | undefined => {
    if (stopReason === undefined && process.ppid !== parent) stop(PARENT_GONE);
    return stopReason;
  };

  // Paused, so that no byte is read before the HTTP/2 (and TLS) server takes the socket over.
  const listener = createServer({ pauseOnConnect: true });
  const waiting: Socket[] = [];
  let accept = (socket: Socket): void => void waiting.push(socket);
  listener.on("connection", (socket: Socket) => accept(socket));
  await new Promise<void>((resolve, reject) => {
    listener.once("error", reject);
    listener.listen(socketPath, () => {
      listener.off("error", reject);
      resolve();
    });
  });
  listener.on("error", (error: Error) => log.debug("listener error", { error: error.message }));

  // Handled before the handshake line goes out: whoever reads it may signal at once, and a signal
  // without a handler would end the process without its clean-up.
  process.on("SIGTERM", () => stop("SIGTERM"));
  // Ctrl-C at a terminal reaches the whole process group, providers included, but Terraform
  // stops providers through StopProvider: an interrupt must not end a running apply here.
  process.on("SIGINT", () => log.debug("ignoring SIGINT; Terraform stops providers with StopProvider"));

  const serverCertificate = certificate ? Buffer.from(certificate.der).toString("base64").replace(/=+$/, "") : "";
  process.stdout.write(`1|${APP_PROTOCOL_VERSION}|unix|${socketPath}|grpc|${serverCertificate}\n`);
  setInterval(stopping, PARENT_POLL_MS).unref();

  const [{ grpcServer }, { createService }] = await Promise.all([import("./grpc/server.js"), import("./service.js")]);
  let command: TerraformCommand | undefined;
  const terraformCommand = (): TerraformCommand => {
    if (command === undefined) {
      // Read once, from the parent taken at start: an orphaned provider's new parent is no Terraform.
      command = stopping() === PARENT_GONE ? { known: false, reason: PARENT_GONE } : terraformCommandOf(parent);
      log.debug("terraform command", command.known ? { name: command.name, plan_mode: command.planMode ?? "none" } : { unknown: command.reason });
    }
    return command;
  };
  const service = createService(definition, { log, signal: stopController.signal, stop, stopping, terraformCommand });
  close = () => service.close();
  const grpc = grpcServer(
    service.routes,
    certificate && clientCertificatePem
      ? { certificatePem: certificate.certificatePem, privateKeyPem: certificate.privateKeyPem, clientCertificatePem }
      : undefined,
    log.debug,
  );
  server = grpc;
  accept = (socket) => grpc.accept(socket);
  for (const socket of waiting.splice(0)) accept(socket);
}
