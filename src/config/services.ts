// The services config of a cluster create: one top-level key per IncusOS service, each value the
// service's `config` object. IncusOS decodes it without rejecting unknown fields and a PUT replaces
// the whole config, so a typo silently becomes a default here; every field is therefore checked.
import { isIP } from "node:net";
import { z } from "zod";
import {
  bareHostHint,
  bool,
  certificateText,
  choice,
  intInRange,
  isCidr,
  isHost,
  isHostPort,
  isHttpUrl,
  matching,
  nonEmptyText,
  oneOf,
  pemPrivateKey,
  satisfying,
  secretText,
  strictObject,
  text,
  uniqueList,
} from "./fields.js";
import { expectedMessage } from "./errors.js";
import { redactSecrets } from "./secrets.js";

/** The IncusOS services in their start-up order (incus-osd `services.Supported()`). */
export const serviceNames = ["ceph", "iscsi", "linstor", "netbird", "nvme", "multipath", "lvm", "ovn", "tailscale", "usbip"] as const;
export type ServiceName = (typeof serviceNames)[number];

/** A PUT replaces the whole config, so an omitted `enabled` would silently disable the service. */
function enabledFlag(): z.ZodBoolean {
  return bool("IncusOS would take a missing value as false and disable the service");
}

const tcpPort = "a TCP port from 1 to 65535";

// --- storage targets, shared with the bulk actions ------------------------------------------------

/** The port iSCSI portals listen on unless told otherwise: the default of a target's port. */
export const ISCSI_DEFAULT_PORT = 3260;

/**
 * The NVMe/TCP discovery port, the default of a TCP target's port: without an NQN, IncusOS runs
 * `nvme discover` against the target, which the discovery controller answers there (4420 is the
 * I/O port). Fibre Channel has no port.
 */
export const NVME_TCP_DEFAULT_PORT = 8009;

const iqnPattern = /^(?:iqn\.\d{4}-\d{2}\.[A-Za-z0-9.-]+(?::\S+)?|eui\.[0-9A-Fa-f]{16}|naa\.[0-9A-Fa-f]{16}(?:[0-9A-Fa-f]{16})?)$/;

/** An iSCSI target as IncusOS stores it; OC's add/remove compare all three fields. */
export const iscsiTargetSchema = strictObject({
  target: matching(iqnPattern, 'an iSCSI target name such as "iqn.2004-10.org.example:storage1" (iqn., eui. or naa. form)'),
  address: satisfying(isHost, "the portal's IP address or host name", bareHostHint),
  port: intInRange(1, 65535, `${tcpPort} (iSCSI normally uses ${ISCSI_DEFAULT_PORT})`),
});
export type IscsiTarget = z.infer<typeof iscsiTargetSchema>;

const fcAddressPattern = /^nn-0x[0-9A-Fa-f]{16}:pn-0x[0-9A-Fa-f]{16}$/;
const fcAddress = 'a Fibre Channel port as "nn-0x<16 hex digits>:pn-0x<16 hex digits>"';
const nqnPattern = /^nqn\.\d{4}-\d{2}\.\S{1,210}$/;

/** An NVMe-oF target; `port` is used by TCP only, `host_address` by Fibre Channel only. */
export const nvmeTargetSchema = strictObject(
  {
    transport: oneOf(["tcp", "fc"]),
    address: text("the target address"),
    port: intInRange(0, 65535, tcpPort).optional(),
    host_address: text(`the local ${fcAddress}`).optional(),
    nqn: matching(nqnPattern, 'an NVMe qualified name such as "nqn.2014-08.org.nvmexpress:uuid:..."').optional(),
  },
  {},
  (target, ctx) => {
    if (target.transport === "tcp") {
      if (!isHost(target.address)) {
        ctx.addIssue({
          code: "custom",
          path: ["address"],
          input: target.address,
          message: `${expectedMessage("the target's IP address or host name", target.address)}${bareHostHint(target.address)}`,
        });
      }
      if (target.port === undefined || target.port === 0) {
        ctx.addIssue({
          code: "custom",
          path: ["port"],
          input: target.port,
          message: `${expectedMessage(tcpPort, target.port)} (required for transport "tcp"; ${NVME_TCP_DEFAULT_PORT} is the discovery port, 4420 the I/O port)`,
        });
      }
      if (target.host_address !== undefined && target.host_address !== "") {
        ctx.addIssue({ code: "custom", path: ["host_address"], input: target.host_address, message: 'applies to transport "fc" only; remove it' });
      }
    } else {
      if (!fcAddressPattern.test(target.address)) {
        ctx.addIssue({ code: "custom", path: ["address"], input: target.address, message: expectedMessage(fcAddress, target.address) });
      }
      if (target.host_address !== undefined && target.host_address !== "" && !fcAddressPattern.test(target.host_address)) {
        ctx.addIssue({
          code: "custom",
          path: ["host_address"],
          input: target.host_address,
          message: expectedMessage(`${fcAddress}, or nothing to use every local port`, target.host_address),
        });
      }
      if (target.port !== undefined && target.port !== 0) {
        ctx.addIssue({ code: "custom", path: ["port"], input: target.port, message: 'applies to transport "tcp" only (Fibre Channel ignores it); remove it' });
      }
    }
  },
);
export type NvmeTarget = z.infer<typeof nvmeTargetSchema>;

/** A WWN the way IncusOS finds it: /dev/disk/by-id/wwn-<wwn>. */
export const multipathWwnSchema = matching(
  /^0x[0-9a-f]{16}(?:[0-9a-f]{16})?$/,
  'a WWN as in /dev/disk/by-id/wwn-<WWN>: "0x" and 16 or 32 lower-case hex digits, no colons',
  (input) => {
    const normalized = input.toLowerCase().replace(/[:\s-]/g, "");
    const withPrefix = normalized.startsWith("0x") ? normalized : `0x${normalized}`;
    return /^0x[0-9a-f]{16}(?:[0-9a-f]{16})?$/.test(withPrefix) && withPrefix !== input ? `; did you mean ${JSON.stringify(withPrefix)}?` : "";
  },
);

// --- services --------------------------------------------------------------------------------

const cephKeyringNamePattern = /^[A-Za-z0-9_.-]+$/;
const cephKeyringName = satisfying(
  (v) => cephKeyringNamePattern.test(v) && !v.startsWith("client."),
  'a Ceph client name without the "client." prefix (the keyring is written as <cluster>.client.<name>.keyring)',
  (input) => (input.startsWith("client.") ? `; did you mean ${JSON.stringify(input.slice("client.".length))}?` : ""),
);

const cephClusterSchema = strictObject({
  fsid: matching(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, "the Ceph cluster's fsid, a UUID"),
  monitors: z.array(matching(/^[^\s,]+$/, 'a monitor address such as "10.0.0.1", "10.0.0.1:6789" or "[v2:10.0.0.1:3300,v1:10.0.0.1:6789]"')).min(1),
  keyrings: z.record(cephKeyringName, strictObject({ key: secretText("the keyring's base64 key", (v) => /^[A-Za-z0-9+/]+={0,2}$/.test(v)) })).optional(),
  client_config: z.record(z.string(), text("a string (quote numbers and booleans)")).optional(),
});

const cephSchema = strictObject(
  {
    enabled: enabledFlag(),
    clusters: z
      .record(matching(/^[A-Za-z0-9_-]+$/, 'a cluster name such as "ceph" (letters, digits, "-" and "_"; it names /etc/ceph/<name>.conf)'), cephClusterSchema)
      .optional(),
  },
  { expected: "a mapping of ceph settings" },
);

const iscsiSchema = strictObject(
  { enabled: enabledFlag(), targets: uniqueList(iscsiTargetSchema, "target").optional() },
  { expected: "a mapping of iscsi settings" },
);

const linstorSchema = strictObject(
  {
    enabled: enabledFlag(),
    listen_address: satisfying((v) => v === "" || isHostPort(v), 'host:port such as "10.0.0.5:3366" or "[::]:3367", or "" for the default').optional(),
    tls_server_certificate: certificateText().optional(),
    tls_server_key: pemPrivateKey().optional(),
    tls_trusted_certificates: z.array(certificateText()).optional(),
  },
  { expected: "a mapping of linstor settings" },
  (cfg, ctx) => {
    const set = {
      tls_server_certificate: (cfg.tls_server_certificate ?? "") !== "",
      tls_server_key: (cfg.tls_server_key ?? "") !== "",
      tls_trusted_certificates: (cfg.tls_trusted_certificates ?? []).some((pem) => pem !== ""),
    };
    const missing = Object.entries(set)
      .filter(([, present]) => !present)
      .map(([name]) => name);
    if (missing.length > 0 && missing.length < 3) {
      ctx.addIssue({
        code: "custom",
        path: [missing[0]!],
        input: undefined,
        message: `missing; TLS needs tls_server_certificate, tls_server_key and at least one tls_trusted_certificates entry (without ${missing.join(" and ")} IncusOS silently runs LINSTOR without TLS)`,
      });
    }
  },
);

const netbirdSchema = strictObject(
  {
    enabled: enabledFlag(),
    setup_key: secretText("the NetBird setup key").optional(),
    management_url: satisfying(isHttpUrl, 'an http(s) URL such as "https://api.netbird.io"').optional(),
    admin_url: satisfying(isHttpUrl, 'an http(s) URL such as "https://app.netbird.io"').optional(),
    dns_resolver_address: satisfying(isHostPort, 'IP:port such as "127.0.0.1:5053"').optional(),
    anonymize: bool().optional(),
    block_inbound: bool().optional(),
    block_lan_access: bool().optional(),
    disable_client_routes: bool().optional(),
    disable_server_routes: bool().optional(),
    disable_dns: bool().optional(),
    disable_firewall: bool().optional(),
    external_ip_map: z.array(nonEmptyText('an external IP mapping such as "12.34.56.78" or "12.34.56.78/10.0.0.5"')).optional(),
    extra_dns_labels: z.array(matching(/^[A-Za-z0-9*](?:[A-Za-z0-9.*-]*[A-Za-z0-9])?$/, "a DNS label")).optional(),
  },
  { expected: "a mapping of netbird settings" },
);

const nvmeSchema = strictObject(
  { enabled: enabledFlag(), targets: uniqueList(nvmeTargetSchema, "target").optional() },
  { expected: "a mapping of nvme settings" },
);

const multipathSchema = strictObject(
  { enabled: enabledFlag(), wwns: uniqueList(multipathWwnSchema, "WWN").optional() },
  { expected: "a mapping of multipath settings" },
);

const lvmSchema = strictObject(
  { enabled: enabledFlag(), system_id: intInRange(1, 2000, "an integer from 1 to 2000 (the lvmlockd host_id range)").optional() },
  { expected: "a mapping of lvm settings" },
);

const ovnRemotePattern = /^(?:(?:tcp|ssl):(?:\[[0-9A-Fa-f:.]+\]|[^\s:[\],]+):\d{1,5}|unix:\S+)$/;
const isOvnDatabase = (v: string): boolean => v.split(",").every((part) => ovnRemotePattern.test(part.trim()));
const isIpList = (v: string): boolean => v.split(",").every((part) => isIP(part.trim()) !== 0);
const isTunnelProtocols = (v: string): boolean => v.split(",").every((part) => ["geneve", "vxlan", "stt"].includes(part.trim()));

const ovnSchema = strictObject(
  {
    enabled: enabledFlag(),
    ic_chassis: bool().optional(),
    database: satisfying(
      (v) => v === "" || isOvnDatabase(v),
      'the OVN southbound database as comma-separated "ssl:IP:6642", "tcp:IP:6642" or "unix:PATH" entries',
    ).optional(),
    tls_client_certificate: certificateText().optional(),
    tls_client_key: pemPrivateKey().optional(),
    tls_ca_certificate: certificateText().optional(),
    tunnel_address: satisfying(
      (v) => v === "" || isIpList(v),
      'comma-separated IP addresses, or "" for the address of the interface with the cluster role',
    ).optional(),
    tunnel_protocol: satisfying((v) => v === "" || isTunnelProtocols(v), 'comma-separated "geneve", "vxlan" or "stt", or "" for geneve').optional(),
  },
  { expected: "a mapping of ovn settings" },
  (cfg, ctx) => {
    const database = cfg.database ?? "";
    if (cfg.enabled && database === "") {
      ctx.addIssue({
        code: "custom",
        path: ["database"],
        input: cfg.database,
        message: 'missing; expected the OVN southbound database such as "ssl:10.0.0.1:6642,ssl:10.0.0.2:6642" (required when enabled)',
      });
    }
    if (database.split(",").some((part) => part.trim().startsWith("ssl:"))) {
      for (const field of ["tls_client_certificate", "tls_client_key", "tls_ca_certificate"] as const) {
        if ((cfg[field] ?? "") === "") {
          ctx.addIssue({
            code: "custom",
            path: [field],
            input: undefined,
            message: 'missing; an "ssl:" database needs the client certificate, its key and the CA certificate',
          });
        }
      }
    }
  },
);

const tailscaleSchema = strictObject(
  {
    enabled: enabledFlag(),
    login_server: satisfying((v) => v === "" || isHttpUrl(v), 'an http(s) URL such as "https://headscale.example.com", or "" for Tailscale').optional(),
    auth_key: secretText("the Tailscale auth key").optional(),
    accept_routes: bool().optional(),
    accept_dns: bool().optional(),
    advertise_exit_node: bool().optional(),
    exit_node_allow_lan_access: bool().optional(),
    advertised_routes: z.array(satisfying(isCidr, 'a route in CIDR form such as "10.0.0.0/24"')).optional(),
    exit_node: text('an exit node IP, name or "auto:any"').optional(),
    serve_enabled: bool().optional(),
    serve_port: intInRange(1, 65535, tcpPort).optional(),
    serve_service: text().optional(),
  },
  { expected: "a mapping of tailscale settings" },
  (cfg, ctx) => {
    if (cfg.serve_enabled === true && cfg.serve_port === undefined) {
      ctx.addIssue({ code: "custom", path: ["serve_port"], input: undefined, message: `missing; expected ${tcpPort} (required when serve_enabled is true)` });
    }
    if (cfg.serve_port === 8443) {
      ctx.addIssue({ code: "custom", path: ["serve_port"], input: 8443, message: "8443 is the Incus API port on the same server; choose another port" });
    }
  },
);

const usbipSchema = strictObject(
  {
    enabled: enabledFlag(),
    targets: uniqueList(
      strictObject({
        address: satisfying(isHost, "the USB/IP server's IP address or host name", bareHostHint),
        bus_id: matching(/^\d+-\d+(?:\.\d+)*$/, 'a USB bus ID such as "1-1" or "3-2.4"'),
      }),
      "target",
    ).optional(),
  },
  { expected: "a mapping of usbip settings" },
);

/** Operations Center passes a value that already has a `config` key unchanged, and wraps any other in `{config: ...}`. */
function serviceEntry<T extends z.ZodType>(name: ServiceName, bare: T) {
  // TypeScript cannot reduce zod's object output type over a type parameter; the cast only restates it.
  const wrapped = strictObject({ config: bare }, { expected: `a mapping of ${name} settings` }).transform((w) => (w as { config: z.output<T> }).config);
  return choice(
    [wrapped, bare],
    (input) => (typeof input === "object" && input !== null && Object.hasOwn(input, "config") ? 0 : 1),
    `a mapping of ${name} settings`,
  );
}

/** Services config; each value is normalized to the bare config object (a `{config: ...}` wrapper is removed). */
export const servicesConfigSchema = z.preprocess(
  (value) => value ?? {},
  strictObject(
    {
      ceph: serviceEntry("ceph", cephSchema).optional(),
      iscsi: serviceEntry("iscsi", iscsiSchema).optional(),
      linstor: serviceEntry("linstor", linstorSchema).optional(),
      netbird: serviceEntry("netbird", netbirdSchema).optional(),
      nvme: serviceEntry("nvme", nvmeSchema).optional(),
      multipath: serviceEntry("multipath", multipathSchema).optional(),
      lvm: serviceEntry("lvm", lvmSchema).optional(),
      ovn: serviceEntry("ovn", ovnSchema).optional(),
      tailscale: serviceEntry("tailscale", tailscaleSchema).optional(),
      usbip: serviceEntry("usbip", usbipSchema).optional(),
    },
    { unknownKey: "service", expected: "a mapping of service names to their settings" },
  ),
);
export type ServicesConfig = z.infer<typeof servicesConfigSchema>;

/** A copy with every secret replaced by `sha256:<hex>`, for Terraform triggers and logs. */
export function redactServicesConfig(config: ServicesConfig): ServicesConfig {
  return redactSecrets("services", config);
}

/** The services present, sorted by name as IncusOS lists them. */
export function configuredServices(config: ServicesConfig): ServiceName[] {
  return serviceNames.filter((name) => config[name] !== undefined).sort();
}

/** Things that are valid but behave differently from what the file suggests. */
export function servicesConfigNotes(config: ServicesConfig): string[] {
  const notes: string[] = [];
  if (config.lvm?.system_id !== undefined) {
    notes.push(
      config.lvm.enabled
        ? "lvm.system_id: Operations Center replaces it with each server's own ID when it enables lvm; the value here is not used"
        : "lvm.system_id: has no effect while lvm is disabled; Operations Center sets it per server when lvm is enabled",
    );
  }
  if (config.ceph !== undefined) notes.push("ceph: only available on servers with the incus-ceph application installed; cluster creation fails on any other");
  if (config.linstor !== undefined)
    notes.push("linstor: only available on servers with the incus-linstor application installed; cluster creation fails on any other");
  const connectsStorage = (config.iscsi?.enabled ?? false) || (config.nvme?.enabled ?? false);
  if ((config.multipath?.wwns?.length ?? 0) > 0 && connectsStorage) {
    notes.push(
      "multipath.wwns: Operations Center applies services in no fixed order; a WWN that appears only once iscsi/nvme has connected may not exist yet when multipath is configured",
    );
  }
  return notes;
}
