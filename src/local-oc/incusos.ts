// The simulated IncusOS of each registered server (incus-os@de27173 incus-osd/internal/rest/:
// api_services.go, api_system_network.go, api_applications.go and their neighbours). It holds the
// state that Operations Center reads and writes through `/os/1.0/...`: services, network,
// kernel, logging and applications, with IncusOS' rules: ceph/linstor exist only with the
// incus-ceph/incus-linstor application, a PUT replaces the whole config (Go zero values for
// omitted fields, unknown keys dropped), application install answers 409 when already installed.
//
// Fault injection: for a server named in `failMembers`, every IncusOS *write* (PUT, install,
// remove, factory reset) answers 500. Reads keep working, so Operations Center's pre-checks
// (which poll and read every member) pass and the failure lands in the middle of an operation,
// which is what exercises its revert logic.

import type { IncusOSState, NetworkConfig, NetworkDevice, ServerRecord } from "./persisted.js";
import { deepCopy } from "./state.js";
import type { SeedServer } from "./seed.js";

/** An error answer of the IncusOS API (Incus-style envelope, this status and text). */
export class IncusOSApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface IncusOSContext {
  /** True when writes to this server must fail (--fail-member). */
  failing(serverName: string): boolean;
}

const supportedApplications = [
  "debug",
  "gpu-support",
  "incus",
  "incus-lts-7.0",
  "incus-ceph",
  "incus-linstor",
  "migration-manager",
  "openfga",
  "operations-center",
] as const;
const primaryApplicationNames = new Set(["incus", "incus-lts-7.0", "migration-manager", "operations-center"]);

/** Service order of IncusOS' Supported() list. */
export const serviceNames = ["ceph", "iscsi", "linstor", "netbird", "nvme", "multipath", "lvm", "ovn", "tailscale", "usbip"] as const;

/** The Go zero value of each service config (fields without omitempty). */
const serviceDefaults: Record<string, Record<string, unknown>> = {
  ceph: { enabled: false, clusters: {} },
  iscsi: { enabled: false, targets: [] },
  linstor: { enabled: false, listen_address: "" },
  netbird: {
    enabled: false,
    setup_key: "",
    management_url: "",
    admin_url: "",
    anonymize: false,
    block_inbound: false,
    block_lan_access: false,
    disable_client_routes: false,
    disable_server_routes: false,
    disable_dns: false,
    disable_firewall: false,
    dns_resolver_address: "",
    external_ip_map: [],
    extra_dns_labels: [],
  },
  nvme: { enabled: false, targets: [] },
  multipath: { enabled: false, wwns: [] },
  lvm: { enabled: false, system_id: 0 },
  ovn: { enabled: false, database: "", tunnel_address: "", tunnel_protocol: "" },
  tailscale: {
    enabled: false,
    login_server: "",
    auth_key: "",
    accept_routes: false,
    accept_dns: false,
    advertise_exit_node: false,
    advertised_routes: [],
    exit_node: "",
    exit_node_allow_lan_access: false,
    serve_enabled: false,
    serve_port: 0,
    serve_service: "",
  },
  usbip: { enabled: false, targets: [] },
};

/** Fields with omitempty that a config keeps when given. */
const serviceOptionalFields: Record<string, string[]> = {
  linstor: ["tls_server_certificate", "tls_server_key", "tls_trusted_certificates"],
  ovn: ["ic_chassis", "tls_client_certificate", "tls_client_key", "tls_ca_certificate"],
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function installed(state: IncusOSState, app: string): boolean {
  return state.applications.some((a) => a.name === app);
}

function serviceSupported(state: IncusOSState, name: string): boolean {
  if (!(serviceNames as readonly string[]).includes(name)) return false;
  if (name === "ceph") return installed(state, "incus-ceph");
  if (name === "linstor") return installed(state, "incus-linstor");
  return true;
}

function failIfInjected(ctx: IncusOSContext, server: ServerRecord, what: string): void {
  if (ctx.failing(server.name)) {
    throw new IncusOSApiError(500, `${what} failed: injected fault (local-oc --fail-member ${server.name})`);
  }
}

/** Decodes a service config like IncusOS' json.Decode into the Go struct: defaults + known keys. */
function normalizeServiceConfig(name: string, config: Record<string, unknown>): Record<string, unknown> {
  const defaults = serviceDefaults[name]!;
  const out: Record<string, unknown> = deepCopy(defaults);
  for (const key of [...Object.keys(defaults), ...(serviceOptionalFields[name] ?? [])]) {
    if (config[key] !== undefined && config[key] !== null) out[key] = deepCopy(config[key]);
  }
  return out;
}

function serviceState(server: ServerRecord, name: string, config: Record<string, unknown>): Record<string, unknown> {
  const enabled = config["enabled"] === true;
  switch (name) {
    case "iscsi":
      return enabled ? { initiator_name: `iqn.2004-10.org.linuxcontainers:01:${server.system_uuid.slice(0, 12)}` } : {};
    case "nvme":
      return enabled ? { host_id: server.system_uuid, host_nqn: `nqn.2014-08.org.nvmexpress:uuid:${server.system_uuid}`, subsystems: [] } : {};
    case "lvm":
      return { pvs: [], vgs: [] };
    default:
      return {};
  }
}

/** The Go zero value of a service's config. */
export function defaultServiceConfig(name: string): Record<string, unknown> {
  return deepCopy(serviceDefaults[name] ?? {});
}

/** The transport error Incus' client reports for a server that does not answer (status offline). */
export function unreachableMessage(server: ServerRecord, path: string, method: "Get" | "Post" = "Get"): string {
  const host = server.connection_url.replace(/^https:\/\//, "");
  return `${method} "${server.connection_url}${path}": dial tcp ${host}: connect: no route to host`;
}

// ----- services -----

export function getService(server: ServerRecord, name: string): { config: Record<string, unknown>; state: Record<string, unknown> } {
  const state = server.incusos;
  if (!serviceSupported(state, name)) throw new IncusOSApiError(404, "not found");
  const config = deepCopy(state.services[name] ?? serviceDefaults[name]!);
  return { config, state: serviceState(server, name, config) };
}

export function listServices(server: ServerRecord): string[] {
  return serviceNames
    .filter((n) => serviceSupported(server.incusos, n))
    .map((n) => `/1.0/services/${n}`)
    .sort();
}

export function putService(ctx: IncusOSContext, server: ServerRecord, name: string, body: unknown): void {
  const state = server.incusos;
  if (!serviceSupported(state, name)) throw new IncusOSApiError(404, "not found");
  if (!isObject(body)) throw new IncusOSApiError(500, "json: cannot unmarshal into service config");
  const config = normalizeServiceConfig(name, isObject(body["config"]) ? body["config"] : {});
  failIfInjected(ctx, server, `Update of service "${name}"`);
  if (name === "ovn" && config["enabled"] === true && config["database"] === "") {
    // IncusOS saves the config even when the start fails (defer state.Save()).
    state.services[name] = config;
    throw new IncusOSApiError(500, "missing OVN database address");
  }
  state.services[name] = config;
}

// ----- network -----

function stripPrefix(address: string): string | undefined {
  if (address === "dhcp4" || address === "dhcp6" || address === "slaac") return undefined;
  return address.split("/")[0];
}

function networkState(config: NetworkConfig): Record<string, unknown> {
  const interfaces: Record<string, unknown> = {};
  for (const device of [...(config.interfaces ?? []), ...(config.bonds ?? [])]) {
    interfaces[device.name] = {
      addresses: (device.addresses ?? []).map(stripPrefix).filter((a): a is string => a !== undefined),
      roles: device.roles ?? [],
      state: "routable",
      speed: "10000",
      mtu: 1500,
    };
  }
  return { interfaces, configuration_in_process: false };
}

/** The SystemNetwork object of a network config (the config as given, the state derived from it). */
export function networkDocument(network: NetworkConfig): { config: NetworkConfig; state: Record<string, unknown> } {
  const config = deepCopy(network);
  return { config: cleanNetworkConfig(config), state: networkState(config) };
}

/** IncusOS' live SystemNetwork. */
export function getNetwork(server: ServerRecord): { config: NetworkConfig; state: Record<string, unknown> } {
  return networkDocument(server.incusos.network);
}

/** vlan_tags, interfaces and bonds are omitempty in IncusOS: empty lists are not reported. */
function cleanNetworkConfig(config: NetworkConfig): NetworkConfig {
  for (const key of ["interfaces", "bonds", "vlans"] as const) {
    if (Array.isArray(config[key]) && config[key].length === 0) delete config[key];
  }
  for (const device of [...(config.interfaces ?? []), ...(config.bonds ?? [])]) {
    if (Array.isArray(device.vlan_tags) && device.vlan_tags.length === 0) delete device.vlan_tags;
  }
  return config;
}

export function putNetwork(ctx: IncusOSContext, server: ServerRecord, body: unknown): void {
  if (!isObject(body) || !isObject(body["config"])) {
    throw new IncusOSApiError(400, "network configuration has no devices defined");
  }
  const config = deepCopy(body["config"]) as NetworkConfig;
  const devices = [config.interfaces, config.bonds, config.vlans].filter((d) => Array.isArray(d) && d.length > 0);
  if (devices.length === 0) throw new IncusOSApiError(400, "network configuration has no devices defined");
  for (const device of [...(config.interfaces ?? []), ...(config.bonds ?? [])]) {
    if (device.vlan_tags !== undefined && device.vlan_tags !== null && !Array.isArray(device.vlan_tags)) {
      throw new IncusOSApiError(400, `json: cannot unmarshal vlan_tags of "${device.name}"`);
    }
  }
  delete config["confirmation_timeout"];
  failIfInjected(ctx, server, "Apply of the network configuration");
  server.incusos.network = config;
}

// ----- kernel and logging -----

function normalizeKernel(config: Record<string, unknown>): Record<string, unknown> {
  const out = deepCopy(config);
  const memory = isObject(out["memory"]) ? out["memory"] : {};
  out["memory"] = {
    persistent_hugepages: typeof memory["persistent_hugepages"] === "number" ? memory["persistent_hugepages"] : 0,
    zram_swap_size: typeof memory["zram_swap_size"] === "string" ? memory["zram_swap_size"] : "",
  };
  return out;
}

function normalizeLogging(config: Record<string, unknown>): Record<string, unknown> {
  const syslog = isObject(config["syslog"]) ? config["syslog"] : {};
  const str = (v: unknown): string => (typeof v === "string" ? v : "");
  return { syslog: { address: str(syslog["address"]), protocol: str(syslog["protocol"]), log_format: str(syslog["log_format"]) } };
}

export function getKernel(server: ServerRecord): { config: Record<string, unknown>; state: Record<string, unknown> } {
  return { config: normalizeKernel(server.incusos.kernel), state: {} };
}

export function putKernel(ctx: IncusOSContext, server: ServerRecord, body: unknown): void {
  const config = isObject(body) && isObject(body["config"]) ? body["config"] : {};
  const passthrough = isObject(config["pci"]) && Array.isArray(config["pci"]["passthrough"]) ? config["pci"]["passthrough"] : [];
  for (const entry of passthrough) {
    const e = isObject(entry) ? entry : {};
    for (const [key, label] of [
      ["vendor_id", "Vendor ID"],
      ["product_id", "Product ID"],
    ] as const) {
      const v = e[key];
      if (typeof v !== "string" || !/^[0-9A-Fa-f]+$/.test(v)) {
        throw new IncusOSApiError(500, `${label} '${typeof v === "string" ? v : ""}' is invalid`);
      }
    }
  }
  failIfInjected(ctx, server, "Apply of the kernel configuration");
  // The config is saved only after it applied.
  server.incusos.kernel = normalizeKernel(config);
}

export function getLogging(server: ServerRecord): { config: Record<string, unknown>; state: Record<string, unknown> } {
  return { config: normalizeLogging(server.incusos.logging), state: {} };
}

export function putLogging(ctx: IncusOSContext, server: ServerRecord, body: unknown): void {
  const config = isObject(body) && isObject(body["config"]) ? body["config"] : {};
  failIfInjected(ctx, server, "Apply of the logging configuration");
  server.incusos.logging = normalizeLogging(config);
}

// ----- applications -----

export function listApplications(server: ServerRecord): string[] {
  return server.incusos.applications.map((a) => `/1.0/applications/${a.name}`).sort();
}

export function getApplication(server: ServerRecord, name: string): Record<string, unknown> {
  const app = server.incusos.applications.find((a) => a.name === name);
  if (app === undefined) throw new IncusOSApiError(404, "Not Found");
  return {
    config: {},
    state: {
      is_primary: primaryApplicationNames.has(name),
      initialized: true,
      friendly_version: app.version,
      version: app.version,
      available_versions: [app.version],
    },
  };
}

export function installApplication(ctx: IncusOSContext, server: ServerRecord, body: unknown): void {
  const name = isObject(body) && typeof body["name"] === "string" ? body["name"] : "";
  if (name === "") throw new IncusOSApiError(400, "application name must be provided");
  if (!(supportedApplications as readonly string[]).includes(name)) {
    throw new IncusOSApiError(400, `unknown application '${name}'`);
  }
  const apps = server.incusos.applications;
  if (apps.some((a) => a.name === name)) throw new IncusOSApiError(409, `application '${name}' is already installed`);
  if (primaryApplicationNames.has(name)) {
    const primary = apps.find((a) => primaryApplicationNames.has(a.name));
    const swap = primary !== undefined && ["incus", "incus-lts-7.0"].includes(primary.name) && ["incus", "incus-lts-7.0"].includes(name);
    if (primary !== undefined && !swap) throw new IncusOSApiError(400, "a primary application is already installed");
  }
  failIfInjected(ctx, server, `Install of application '${name}'`);
  apps.push({ name, version: server.incusos.os_version });
}

export function removeApplication(ctx: IncusOSContext, server: ServerRecord, name: string): void {
  const apps = server.incusos.applications;
  const index = apps.findIndex((a) => a.name === name);
  if (index < 0) throw new IncusOSApiError(404, "Not Found");
  if (primaryApplicationNames.has(name)) throw new IncusOSApiError(500, "cannot remove a primary application");
  failIfInjected(ctx, server, `Removal of application '${name}'`);
  apps.splice(index, 1);
  // Removing incus-ceph/incus-linstor makes the service unsupported; its saved config goes with the app.
  if (name === "incus-ceph") delete server.incusos.services["ceph"];
  if (name === "incus-linstor") delete server.incusos.services["linstor"];
}

// ----- construction -----

function macFor(id: number, index: number): string {
  const hex = (n: number) => n.toString(16).padStart(2, "0");
  return `10:66:6a:${hex((id >> 8) & 0xff)}:${hex(id & 0xff)}:${hex(index)}`;
}

/** The IncusOS state a freshly installed server has, from its seed definition. */
export function initialIncusOSState(seed: SeedServer, id: number, index: number): IncusOSState {
  const address = `192.0.2.${10 + index}/24`;
  const interfaces: NetworkDevice[] = (seed.interfaces ?? [{ name: "eth0", roles: ["management", "cluster"], addresses: [address], vlan_tags: [] }]).map(
    (i, n) => ({
      name: i.name,
      hwaddr: i.hwaddr ?? macFor(id, n),
      addresses: [...i.addresses],
      roles: [...i.roles],
      vlan_tags: [...i.vlan_tags],
      required_for_online: "",
    }),
  );
  const bonds: NetworkDevice[] = seed.bonds.map((b) => ({
    name: b.name,
    mode: b.mode,
    members: [...b.members],
    addresses: [...b.addresses],
    roles: [...b.roles],
    vlan_tags: [...b.vlan_tags],
    required_for_online: "",
    ...(b.hwaddr !== undefined ? { hwaddr: b.hwaddr } : {}),
  }));
  const appNames = seed.applications ?? [seed.application];
  const services: Record<string, Record<string, unknown>> = {};
  for (const [name, config] of Object.entries(seed.services)) {
    if ((serviceNames as readonly string[]).includes(name)) services[name] = normalizeServiceConfig(name, config);
  }
  return {
    os_version: seed.os_version,
    services,
    network: { interfaces, bonds, dns: { hostname: seed.name, domain: "" } },
    kernel: normalizeKernel(seed.kernel),
    logging: normalizeLogging(seed.logging),
    applications: appNames.map((name) => ({ name, version: name === seed.application ? seed.incus_version : seed.os_version })),
    update: { auto_reboot: false, channel: seed.channel, check_frequency: "6h", maintenance_windows: [] },
    storage: { pools: [], scrub_schedule: "0 4 * * 0" },
  };
}

/** The first IP (without prefix) of an interface or bond with `role` in a network config, as OC's GetInterfaceAddressByRole. */
export function addressByRole(network: NetworkConfig, role: string): string | undefined {
  const state = networkState(network) as { interfaces: Record<string, { addresses: string[]; roles: string[] }> };
  for (const name of Object.keys(state.interfaces).sort()) {
    const iface = state.interfaces[name]!;
    if (iface.roles.includes(role) && iface.addresses.length > 0) return iface.addresses[0];
  }
  return undefined;
}

export function hostPort(ip: string, port: number): string {
  return ip.includes(":") ? `[${ip}]:${port}` : `${ip}:${port}`;
}
