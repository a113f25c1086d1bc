// Which Operations Center to talk to and with which credentials, resolved the way the
// `operations-center` CLI users already have it configured, with environment overrides:
//
//   config dir   options.configDir ?? $OPERATIONS_CENTER_CONF ?? <user config dir>/operations-center
//   config.yml   { default_remote, remotes: { <name>: { addr, auth_type, server_cert } } }
//   client.crt / client.key in the config dir (the CLI generates them on first run)
//
//   OPERATIONS_CENTER_REMOTE       remote name (beats options.remote, which beats default_remote)
//   OPERATIONS_CENTER_URL          address (overrides the remote's addr)
//   OPERATIONS_CENTER_CLIENT_CERT  client certificate: file path or inline PEM
//   OPERATIONS_CENTER_CLIENT_KEY   client key: file path or inline PEM
//   OPERATIONS_CENTER_SERVER_CERT  pinned server certificate: file path or inline PEM
//   OPERATIONS_CENTER_TOKEN        OIDC bearer token (beats the token file of an oidc remote)
//
//   oidc-tokens/<remote>.json      the access and refresh tokens of an `auth_type: oidc` remote, as
//                                  the CLI keeps them (src/client/oidc.ts)
//   OPERATIONS_CENTER_ALLOW_HTTP=1 permit a plain http:// address (local test servers only)
import { type KeyObject, X509Certificate, createPrivateKey } from "node:crypto";
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";
import { z } from "zod";
import { MAX_FILE_BYTES, loadYaml, readRegularFile } from "../config/input-limits.js";
import { oidcTokenPath, readOidcTokenFile } from "./oidc.js";

export interface ResolvedRemote {
  /** Remote name from config.yml, when one was used. */
  name?: string;
  /** Base URL without trailing slash, e.g. https://192.0.2.100:7443. */
  url: string;
  /** Pinned server certificate (PEM). */
  serverCertificate?: string;
  /** Client certificate and key (PEM) presented for TLS client authentication. */
  clientCertificate?: string;
  clientKey?: string;
  /** OIDC bearer token (OPERATIONS_CENTER_TOKEN). */
  token?: string;
  /** The CLI's token file of an `auth_type: oidc` remote, used when no token is set. */
  oidcTokenFile?: string;
  allowInsecureHttp: boolean;
  /** The configuration directory that was consulted. */
  configDir?: string;
  /** The remote's auth_type from config.yml (tls, oidc or untrusted), when known. */
  authType?: string;
}

export interface ResolveRemoteOptions {
  remote?: string;
  configDir?: string;
  env?: NodeJS.ProcessEnv;
}

/** One remote of the CLI's config.yml; unknown keys are tolerated. */
const cliRemoteSchema = z.looseObject({
  addr: z.string({ error: "expected the remote's address as a string, e.g. https://192.0.2.100:7443" }),
  auth_type: z.string().nullish(),
  server_cert: z.string().nullish(),
});

/** The operations-center CLI's config.yml; unknown keys are tolerated. */
export const cliConfigSchema = z.looseObject({
  default_remote: z.string().nullish(),
  remotes: z.record(z.string(), cliRemoteSchema).nullish(),
});
type CliConfig = z.infer<typeof cliConfigSchema>;

export const ENV = {
  conf: "OPERATIONS_CENTER_CONF",
  remote: "OPERATIONS_CENTER_REMOTE",
  url: "OPERATIONS_CENTER_URL",
  clientCert: "OPERATIONS_CENTER_CLIENT_CERT",
  clientKey: "OPERATIONS_CENTER_CLIENT_KEY",
  serverCert: "OPERATIONS_CENTER_SERVER_CERT",
  token: "OPERATIONS_CENTER_TOKEN",
  allowHttp: "OPERATIONS_CENTER_ALLOW_HTTP",
} as const;

const ADD_REMOTE_HINT = "operations-center remote add <name> https://<address>:7443 --auth-type tls --accept-certificate";

/**
 * Go's os.UserConfigDir(): $XDG_CONFIG_HOME (when absolute) or ~/.config on Linux,
 * ~/Library/Application Support on macOS, %AppData% on Windows. Both CLIs keep their
 * configuration in a directory under it.
 */
export function userConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  const home = nonEmpty(env.HOME) ?? homedir();
  if (process.platform === "win32") return nonEmpty(env.AppData) ?? nonEmpty(env.APPDATA) ?? join(home, "AppData", "Roaming");
  if (process.platform === "darwin") return join(home, "Library", "Application Support");
  const xdg = nonEmpty(env.XDG_CONFIG_HOME);
  return xdg !== undefined && isAbsolute(xdg) ? xdg : join(home, ".config");
}

/** The directory the operations-center CLI uses: os.UserConfigDir() + "/operations-center". */
export function defaultConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(userConfigDir(env), "operations-center");
}

/** Truthy spellings accepted for boolean environment variables. */
export function envFlag(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes|on)$/i.test(value.trim());
}

/**
 * Resolves the remote to use. Throws a plain Error whose message names the file or environment
 * variable at fault and how to fix it.
 */
export function resolveRemote(options: ResolveRemoteOptions = {}): ResolvedRemote {
  const env = options.env ?? process.env;
  const configDir = nonEmpty(options.configDir) ?? nonEmpty(env[ENV.conf]) ?? defaultConfigDir(env);
  const configPath = join(configDir, "config.yml");
  const config = loadCliConfig(configPath);
  const allowInsecureHttp = envFlag(env[ENV.allowHttp]);
  const urlOverride = nonEmpty(env[ENV.url]);

  // Which remote: env beats the caller's choice, which beats default_remote. When the address
  // itself comes from OPERATIONS_CENTER_URL, default_remote is not consulted: its pinned
  // certificate belongs to another address.
  let remoteName: string | undefined;
  let remoteSource = "";
  if (nonEmpty(env[ENV.remote])) {
    remoteName = nonEmpty(env[ENV.remote]);
    remoteSource = `${ENV.remote}=${remoteName}`;
  } else if (nonEmpty(options.remote)) {
    remoteName = nonEmpty(options.remote);
    remoteSource = `the requested remote "${remoteName}"`;
  } else if (urlOverride === undefined && config !== undefined && nonEmpty(config.default_remote ?? undefined)) {
    remoteName = nonEmpty(config.default_remote ?? undefined);
    remoteSource = `default_remote in ${configPath}`;
  }

  let remote: z.infer<typeof cliRemoteSchema> | undefined;
  if (remoteName !== undefined) {
    const defined = config?.remotes ?? {};
    remote = Object.hasOwn(defined, remoteName) ? defined[remoteName] : undefined;
    if (remote === undefined) {
      if (remoteName === "local") {
        throw new Error(
          `Remote "local" (${remoteSource}) is the operations-center unix socket, which oc-cdktf does not use; ` +
            `select a TLS remote from ${configPath} with ${ENV.remote}, or set ${ENV.url}.`,
        );
      }
      if (config === undefined) {
        throw new Error(
          `Remote "${remoteName}" (${remoteSource}) cannot be looked up: ${configPath} does not exist. ` +
            `Add it with \`${ADD_REMOTE_HINT.replace("<name>", remoteName)}\` (with ${ENV.conf}=${configDir}), or set ${ENV.url}.`,
        );
      }
      const names = Object.keys(defined);
      throw new Error(
        `Remote "${remoteName}" (${remoteSource}) is not defined in ${configPath}; ` +
          (names.length > 0 ? `its remotes are: ${names.join(", ")}. ` : "it defines no remotes. ") +
          `Add it with \`${ADD_REMOTE_HINT.replace("<name>", remoteName)}\` or choose another with ${ENV.remote}.`,
      );
    }
  }

  const address = urlOverride ?? nonEmpty(remote?.addr);
  if (address === undefined) {
    if (remoteName !== undefined) {
      throw new Error(`Remote "${remoteName}" in ${configPath} has no addr; set remotes.${remoteName}.addr or ${ENV.url}.`);
    }
    const why =
      config === undefined
        ? `${configPath} does not exist`
        : `${configPath} has no default_remote (the operations-center CLI then uses the local unix socket, which oc-cdktf does not use)`;
    throw new Error(
      `No Operations Center remote configured: ${why}. Set ${ENV.url} (and ${ENV.serverCert}, ${ENV.clientCert}, ${ENV.clientKey}), ` +
        `set ${ENV.remote} to a remote of config.yml, or run \`${ADD_REMOTE_HINT}\` and \`operations-center remote switch <name>\`.`,
    );
  }
  const addressSource = urlOverride !== undefined ? ENV.url : `remotes.${remoteName}.addr in ${configPath}`;
  const url = normalizeBaseUrl(address, addressSource, allowInsecureHttp);

  // Pinned server certificate.
  let serverCertificate: string | undefined;
  const serverCertEnv = nonEmpty(env[ENV.serverCert]);
  if (serverCertEnv !== undefined) {
    serverCertificate = readPemSetting(serverCertEnv, ENV.serverCert);
    checkCertificate(serverCertificate, ENV.serverCert);
  } else if (remote !== undefined && nonEmpty(remote.server_cert ?? undefined) !== undefined) {
    serverCertificate = remote.server_cert as string;
    checkCertificate(serverCertificate, `remotes.${remoteName}.server_cert in ${configPath}`);
  }

  // Client certificate and key: environment first, then client.crt / client.key of the config dir.
  const certPath = join(configDir, "client.crt");
  const keyPath = join(configDir, "client.key");
  const certEnv = nonEmpty(env[ENV.clientCert]);
  const keyEnv = nonEmpty(env[ENV.clientKey]);
  const clientCertificate = certEnv !== undefined ? readPemSetting(certEnv, ENV.clientCert) : readOptionalFile(certPath);
  const clientKey = keyEnv !== undefined ? readPemSetting(keyEnv, ENV.clientKey) : readOptionalFile(keyPath);
  const certSource = certEnv !== undefined ? ENV.clientCert : certPath;
  const keySource = keyEnv !== undefined ? ENV.clientKey : keyPath;
  if (clientCertificate !== undefined && clientKey === undefined) {
    throw new Error(`A client certificate was found (${certSource}) but no key: set ${ENV.clientKey} or provide ${keyPath}.`);
  }
  if (clientKey !== undefined && clientCertificate === undefined) {
    throw new Error(`A client key was found (${keySource}) but no certificate: set ${ENV.clientCert} or provide ${certPath}.`);
  }
  if (clientCertificate !== undefined && clientKey !== undefined) {
    checkKeyPair(clientCertificate, clientKey, certSource, keySource);
  }

  const token = nonEmpty(env[ENV.token]);
  const resolved: ResolvedRemote = { url, allowInsecureHttp, configDir };
  if (remoteName !== undefined) resolved.name = remoteName;
  if (serverCertificate !== undefined) resolved.serverCertificate = serverCertificate;
  if (clientCertificate !== undefined) resolved.clientCertificate = clientCertificate;
  if (clientKey !== undefined) resolved.clientKey = clientKey;
  if (token !== undefined) resolved.token = token;
  const authType = nonEmpty(remote?.auth_type ?? undefined);
  if (authType !== undefined) resolved.authType = authType;
  // An explicit token wins; otherwise an oidc remote needs the token file the CLI's login wrote.
  if (authType === "oidc" && remoteName !== undefined && token === undefined) {
    const file = oidcTokenPath(configDir, remoteName);
    try {
      readOidcTokenFile(file, remoteName);
    } catch (error) {
      throw new Error(`${errorText(error)} Or set ${ENV.token}.`);
    }
    resolved.oidcTokenFile = file;
  }
  return resolved;
}

/** Reads and validates config.yml; undefined when it does not exist. */
function loadCliConfig(configPath: string): CliConfig | undefined {
  const read = readRegularFile(configPath, MAX_FILE_BYTES.config);
  if (!read.ok && read.missing) return undefined;
  if (!read.ok) throw new Error(`Cannot read ${configPath}: it ${read.reason}. Fix it or point ${ENV.conf} at another directory.`);
  let document: unknown;
  try {
    document = loadYaml(read.text, { filename: configPath });
  } catch (error) {
    throw new Error(`Cannot parse ${configPath}: ${errorText(error)}`);
  }
  const parsed = cliConfigSchema.safeParse(document ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(top level)"}: ${issue.message}`).join("; ");
    throw new Error(
      `Invalid ${configPath}: ${problems}. Expected {default_remote: <name>, remotes: {<name>: {addr: https://..., auth_type: tls|oidc|untrusted, server_cert: <PEM>}}}.`,
    );
  }
  return parsed.data;
}

/** A setting that holds either inline PEM or the path of a PEM file. */
function readPemSetting(value: string, source: string): string {
  if (value.includes("-----BEGIN ")) return value.endsWith("\n") ? value : `${value}\n`;
  const path = value.startsWith("~/") ? join(homedir(), value.slice(2)) : value;
  const read = readRegularFile(path, MAX_FILE_BYTES.pem);
  if (read.ok) return read.text;
  // Text that is neither PEM nor path-like may be key material pasted without its header: never echo it.
  const shown = looksLikePath(value) ? `"${path}" (it ${read.reason})` : "the value (not shown: it is neither PEM text nor a file path)";
  throw new Error(`${source}: cannot read ${shown}; set it to a readable PEM file or to the PEM text itself.`);
}

function looksLikePath(value: string): boolean {
  const base64Blob = value.length > 40 && /^[A-Za-z0-9+/=]+$/.test(value);
  return !base64Blob && value.length <= 256 && !/\s/.test(value) && (/[/\\]/.test(value) || /\.[A-Za-z0-9]{1,5}$/.test(value));
}

function readOptionalFile(path: string): string | undefined {
  const read = readRegularFile(path, MAX_FILE_BYTES.pem);
  if (read.ok) return read.text;
  if (read.missing) return undefined;
  throw new Error(`Cannot read ${path}: it ${read.reason}. Fix it, or set ${ENV.clientCert} and ${ENV.clientKey}.`);
}

/** Validates and normalizes a base URL (no trailing slash); http:// only when allowed. */
export function normalizeBaseUrl(address: string, source: string, allowInsecureHttp: boolean, allowSetting = `${ENV.allowHttp}=1`): string {
  let parsed: URL;
  try {
    parsed = new URL(address);
  } catch {
    throw new Error(`${source}: "${address}" is not a URL; expected e.g. https://192.0.2.100:7443.`);
  }
  if (parsed.protocol === "http:") {
    if (!allowInsecureHttp) {
      throw new Error(
        `${source}: refusing plain http:// address "${address}": Operations Center is reached over TLS (https://). ` +
          `Only for a local test server, set ${allowSetting} to allow unencrypted HTTP.`,
      );
    }
  } else if (parsed.protocol !== "https:") {
    throw new Error(`${source}: unsupported scheme in "${address}"; use https://<address>:<port>.`);
  }
  if (parsed.username !== "" || parsed.password !== "") {
    throw new Error(`${source}: the address must not contain credentials; use ${ENV.token} or a client certificate.`);
  }
  if (parsed.search !== "" || parsed.hash !== "") {
    throw new Error(`${source}: the address must not contain a query or fragment: "${address}".`);
  }
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, "")}`;
}

function checkCertificate(pem: string, source: string): void {
  try {
    new X509Certificate(pem);
  } catch (error) {
    throw new Error(`${source}: not a valid PEM certificate (${errorText(error)}).`);
  }
}

function checkKeyPair(certificatePem: string, keyPem: string, certSource: string, keySource: string): void {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(certificatePem);
  } catch (error) {
    throw new Error(`${certSource}: not a valid PEM certificate (${errorText(error)}).`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(keyPem);
  } catch (error) {
    throw new Error(`${keySource}: not a valid PEM private key (${errorText(error)}).`);
  }
  if (!certificate.checkPrivateKey(key)) {
    throw new Error(`${keySource} does not belong to the certificate ${certSource}.`);
  }
}

function nonEmpty(value: string | undefined | null): string | undefined {
  if (value === undefined || value === null) return undefined;
  return value.trim() === "" ? undefined : value;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
