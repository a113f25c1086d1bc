// The application config of a cluster create: an Incus preseed (`incus admin init --preseed`).
// Incus parses it with known-fields checking, so an unknown key at any level is an error here too,
// and config values are stored as strings the way Incus' ConfigMap converts them.
import { z } from "zod";
import { expectedMessage } from "./errors.js";
import { redactSecrets } from "./secrets.js";
import { bool, certificateText, nonEmptyText, oneOf, satisfying, strictObject, text } from "./fields.js";

/** strconv.FormatFloat(v, 'g', -1, 64): shortest digits, exponent form below 1e-4 and from 1e21 (or 1e6 when fractional). */
function goFloat(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "+Inf" : "-Inf";
  const [mantissa, exponentText] = value.toExponential().split("e") as [string, string];
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 21 || (exponent >= 6 && !Number.isInteger(value))) {
    const digits = String(Math.abs(exponent)).padStart(2, "0");
    return `${mantissa}e${exponent < 0 ? "-" : "+"}${digits}`;
  }
  return String(value);
}

/** How Incus' and Operations Center's ConfigMap turn a YAML scalar into a string. */
export function configValueToString(value: string | number | boolean | null): string {
  if (value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "true" : "false";
  // Go stores whole floats through int64, so 1e3 reads "1000".
  if (Number.isInteger(value)) return BigInt(value).toString();
  return goFloat(value);
}

const configValueSchema = z
  .union([z.string(), z.number(), z.boolean(), z.null()], {
    error: (iss) => expectedMessage("a string, number, true/false or null (Incus stores every config value as a string)", iss.input),
  })
  .transform(configValueToString);

/** `key: value` settings; values are coerced to strings like Incus (true -> "true", 15 -> "15", null -> ""). */
export const configMapSchema = z.record(z.string(), configValueSchema, {
  error: (iss) => expectedMessage("a mapping of config keys to values", iss.input),
});
export type ConfigMap = z.infer<typeof configMapSchema>;

// Incus leaves a null map empty; keep the type simple by reading it as absent.
const optionalConfig = () => configMapSchema.nullish().transform((v) => v ?? undefined);
const optionalList = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .nullish()
    .transform((v) => v ?? undefined);

const apiNameForbidden = /[\s$?&+"'`*/\\]/;

/** Incus' validate.IsAPIName: at most 64 characters, no whitespace or $?&+"'`*\/, starting and ending with a letter or digit. */
function isApiName(value: string): boolean {
  return value.length <= 64 && !apiNameForbidden.test(value) && /^[A-Za-z0-9](?:.*[A-Za-z0-9])?$/.test(value);
}

function apiName(what: string) {
  return satisfying(isApiName, `${what}: at most 64 characters, starting and ending with a letter or digit, without spaces or $?&+"'\`*/\\`);
}

const projectName = satisfying((v) => v === "" || isApiName(v), 'a project name, or "" for the default project');

const networkTypes = ["bridge", "macvlan", "sriov", "ovn", "physical"] as const;
const storageDrivers = ["btrfs", "ceph", "cephfs", "cephobject", "dir", "linstor", "lvm", "lvmcluster", "truenas", "zfs"] as const;
const certificateTypes = ["client", "server", "metrics"] as const;
const deviceTypes = ["disk", "gpu", "infiniband", "nic", "none", "pci", "proxy", "tpm", "unix-block", "unix-char", "unix-hotplug", "usb"];

const networkSchema = strictObject({
  name: satisfying((v) => isApiName(v) && v !== "none", 'a network name (at most 64 characters, letter or digit at both ends, not "none")'),
  type: oneOf(networkTypes).optional(),
  config: optionalConfig(),
  description: text().optional(),
  project: projectName.optional(),
});

const storagePoolSchema = strictObject({
  name: apiName("a storage pool name"),
  driver: oneOf(storageDrivers),
  config: optionalConfig(),
  description: text().optional(),
});

const volumeSourceSchema = strictObject({
  name: text().optional(),
  type: text().optional(),
  pool: text().optional(),
  certificate: text().optional(),
  mode: text().optional(),
  operation: text().optional(),
  secrets: z.record(z.string(), text()).optional(),
  volume_only: bool().optional(),
  refresh: bool().optional(),
  refresh_exclude_older: bool().optional(),
  project: text().optional(),
  location: text().optional(),
});

const storageVolumeSchema = strictObject({
  name: apiName("a volume name"),
  // Only custom volumes can be created through the API.
  type: oneOf(["custom"]).optional(),
  content_type: oneOf(["filesystem", "block"]).optional(),
  config: optionalConfig(),
  description: text().optional(),
  source: volumeSourceSchema.optional(),
  restore: text().optional(),
  pool: apiName("the name of the storage pool that holds the volume"),
  project: projectName.optional(),
});

const devicesSchema = z.record(
  nonEmptyText("a device name"),
  configMapSchema.superRefine((device, ctx) => {
    const type = device["type"];
    if (type === undefined || type === "") {
      ctx.addIssue({ code: "custom", path: ["type"], input: undefined, message: `missing; expected the device type, one of ${deviceTypes.join(", ")}` });
    } else if (!deviceTypes.includes(type)) {
      ctx.addIssue({ code: "custom", path: ["type"], input: type, message: expectedMessage(`a device type, one of ${deviceTypes.join(", ")}`, type) });
    }
  }),
);

const profileSchema = strictObject({
  name: apiName("a profile name"),
  description: text().optional(),
  config: optionalConfig(),
  devices: devicesSchema.nullish().transform((v) => v ?? undefined),
  project: projectName.optional(),
});

const projectSchema = strictObject({
  name: apiName("a project name"),
  description: text().optional(),
  config: optionalConfig(),
});

const certificateSchema = strictObject(
  {
    name: text().optional(),
    type: oneOf(certificateTypes),
    restricted: bool().optional(),
    projects: z.array(apiName("a project name")).optional(),
    certificate: certificateText({ der: true }).optional(),
    description: text().optional(),
    trust_token: text().optional(),
    token: bool().optional(),
  },
  {},
  (cert, ctx) => {
    if (cert.token === true && cert.type !== "client") {
      ctx.addIssue({ code: "custom", path: ["token"], input: true, message: 'a token can only be created for type "client"' });
    }
    if ((cert.certificate ?? "") === "" && cert.token !== true) {
      ctx.addIssue({
        code: "custom",
        path: ["certificate"],
        input: undefined,
        message: "missing; expected the PEM certificate to trust (or token: true to create a client add token)",
      });
    }
  },
);

const clusterGroupSchema = strictObject({
  name: apiName("a cluster group name"),
  description: text().optional(),
  members: z
    .array(nonEmptyText("a cluster member name"))
    .nullish()
    .transform((v) => v ?? undefined),
  config: optionalConfig(),
});

const memberConfigSchema = strictObject({
  entity: oneOf(["storage-pool", "network"]),
  name: nonEmptyText("the name of the storage pool or network"),
  key: nonEmptyText("the config key"),
  value: text().optional(),
  description: text().optional(),
});

const clusterSchema = strictObject({
  server_name: text().optional(),
  enabled: bool().optional(),
  member_config: optionalList(memberConfigSchema),
  cluster_address: text().optional(),
  cluster_certificate: certificateText().optional(),
  server_address: text().optional(),
  cluster_token: text().optional(),
  cluster_certificate_path: text().optional(),
});

function duplicateNames(
  list: readonly { name: string; project?: string | undefined; pool?: string }[] | undefined,
  what: string,
  section: string,
  ctx: z.RefinementCtx,
): void {
  const seen = new Map<string, number>();
  list?.forEach((entry, index) => {
    const scope =
      entry.pool !== undefined ? ` in pool "${entry.pool}"` : entry.project !== undefined && entry.project !== "" ? ` in project "${entry.project}"` : "";
    const id = `${entry.pool ?? ""}/${entry.project ?? ""}/${entry.name}`;
    const first = seen.get(id);
    if (first === undefined) seen.set(id, index);
    else
      ctx.addIssue({
        code: "custom",
        path: [section, index, "name"],
        input: entry.name,
        message: `duplicate ${what} "${entry.name}"${scope} (same as ${section}[${first}])`,
      });
  });
}

/** The Incus preseed (InitLocalPreseed, plus the `cluster` section of InitPreseed). */
export const applicationConfigSchema = z.preprocess(
  (value) => value ?? {},
  strictObject(
    {
      config: optionalConfig(),
      networks: optionalList(networkSchema),
      storage_pools: optionalList(storagePoolSchema),
      storage_volumes: optionalList(storageVolumeSchema),
      profiles: optionalList(profileSchema),
      projects: optionalList(projectSchema),
      certificates: optionalList(certificateSchema),
      cluster_groups: optionalList(clusterGroupSchema),
      cluster: clusterSchema.nullish().transform((v) => v ?? undefined),
    },
    { unknownKey: "section", expected: "a mapping of preseed sections (config, networks, storage_pools, ...)" },
    (cfg, ctx) => {
      duplicateNames(cfg.networks, "network", "networks", ctx);
      duplicateNames(cfg.storage_pools, "storage pool", "storage_pools", ctx);
      duplicateNames(cfg.storage_volumes, "volume", "storage_volumes", ctx);
      duplicateNames(cfg.profiles, "profile", "profiles", ctx);
      duplicateNames(cfg.projects, "project", "projects", ctx);
      duplicateNames(cfg.cluster_groups, "cluster group", "cluster_groups", ctx);
    },
  ),
);
export type ApplicationConfig = z.infer<typeof applicationConfigSchema>;

/** A copy with certificates, tokens and credential-like config values replaced by `sha256:<hex>`, for Terraform triggers and logs. */
export function redactApplicationConfig(config: ApplicationConfig): ApplicationConfig {
  return redactSecrets("application", config);
}

/** Sections present, in preseed order, for summaries such as `3 sections: config, networks, certificates`. */
export function configuredSections(config: ApplicationConfig): string[] {
  return Object.entries(config)
    .filter(([, value]) => value !== undefined)
    .map(([key]) => key);
}

/** Things that are valid preseed but behave differently under Operations Center. */
export function applicationConfigNotes(config: ApplicationConfig): string[] {
  const notes: string[] = [];
  if (config.cluster !== undefined) {
    notes.push(
      "cluster: Operations Center forms the cluster itself and reads the application config as InitLocalPreseed, which has no cluster section; it is ignored",
    );
  }
  return notes;
}
