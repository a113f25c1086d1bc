// operationscenter_cluster in domain words: creation (from a template or one-off), settings,
// members joining and leaving (evacuated, then factory-reset by Operations Center), replacement
// and destroy by deletion policy; drift: edits, members and properties changed by hand.
import { DEFAULT_DELETION_POLICY, RESERVED_PREFIX } from "../../config/cluster.js";
import type { ResourceChange } from "../plan-schema.js";
import { operation, Phase, type Family, type Operation } from "./model.js";
import { actionOf, after, attributeDetails, before, marked, names, objectOf, reasonOf, setDiff, show, stringOf, stringsOf, type Values } from "./values.js";

const TYPE = "operationscenter_cluster";

// The adoption key is bookkeeping (it names the resource, nothing in Operations Center changes by it).
const DETAILS = {
  skip: ["id", "members", "properties_all", "status", "certificate", "fingerprint", "secrets_digest", "adoption_key"],
  json: ["services_config", "application_config"],
};

/** Settings that change in place, with the words a reviewer knows them by. */
const SETTINGS: Record<string, string> = {
  description: "description",
  connection_url: "connection URL",
  channel: "update channel",
  exclusive_members: "exclusive members",
  copy_services_config_on_add: "copy services config to joining servers",
  allow_recreate: "allow recreate",
  adoption_key: "adoption key",
};

const nameOf = (rc: ResourceChange): string => stringOf(after(rc)?.name) ?? stringOf(before(rc)?.name) ?? rc.address;

const membersOf = (values: Values | undefined): string[] => {
  const live = stringsOf(values?.members);
  return live.length > 0 ? live : stringsOf(values?.servers);
};

function policyOf(values: Values | undefined): string {
  return stringOf(values?.deletion_policy) ?? DEFAULT_DELETION_POLICY;
}

/** What destroy does under the cluster's deletion policy. */
function destroyOperation(rc: ResourceChange, name: string, prefix: string): Operation {
  const prev = before(rc);
  const members = membersOf(prev);
  const policy = policyOf(prev);
  if (policy === "factory-reset") {
    const all = members.length === 0 ? "ALL MEMBERS WILL BE FACTORY-RESET" : `ALL ${members.length} MEMBERS WILL BE FACTORY-RESET (${names(members)})`;
    return operation(rc.address, `${prefix}cluster ${name}: destroyed with policy factory-reset: ${all}`, Phase.destroy, {
      destructive: true,
      factoryReset: members,
    });
  }
  if (policy === "forget") {
    return operation(
      rc.address,
      `${prefix}cluster ${name}: destroyed with policy forget: its record is deleted from Operations Center; its members${members.length === 0 ? "" : ` (${names(members)})`} keep running as a cluster`,
      Phase.destroy,
      {
        destructive: true,
      },
    );
  }
  return operation(rc.address, `${prefix}cluster ${name}: removed from Terraform only (policy retain): nothing changes in Operations Center`, Phase.destroy);
}

function createText(rc: ResourceChange, name: string): string {
  const next = after(rc);
  const template = stringOf(next?.template);
  const serverType = stringOf(next?.server_type);
  const type = serverType === undefined || serverType === "incus" ? "" : ` (${serverType})`;
  const servers = marked(rc.change.after_unknown, "servers") ? "servers known after apply" : names(stringsOf(next?.servers));
  return `cluster ${name}: create${template === undefined ? "" : ` from template ${template}`} on ${servers}${type}`;
}

function propertiesLine(prev: unknown, next: unknown): string | undefined {
  const a = objectOf(prev) ?? {};
  const b = objectOf(next) ?? {};
  const parts: string[] = [];
  for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    if (!(key in a)) parts.push(`+${key}=${show(b[key])}`);
    else if (!(key in b)) parts.push(`-${key}`);
    else if (a[key] !== b[key]) parts.push(`~${key}: ${show(a[key])} → ${show(b[key])}`);
  }
  return parts.length === 0 ? undefined : `properties: ${parts.join(", ")}`;
}

function updateOperations(rc: ResourceChange, name: string): Operation[] {
  const prev = before(rc) ?? {};
  const next = after(rc) ?? {};
  const out: Operation[] = [];
  const from = stringOf(prev.name);
  if (from !== undefined && from !== name) out.push(operation(rc.address, `renamed from ${from} to ${name}`, Phase.settings));
  const declared = setDiff(stringsOf(prev.servers), stringsOf(next.servers));
  // exclusive_members also removes members nobody declared.
  const undeclared =
    next.exclusive_members === true ? stringsOf(prev.members).filter((m) => !stringsOf(next.servers).includes(m) && !declared.removed.includes(m)) : [];
  for (const [removed, why] of [
    [declared.removed, ""],
    [undeclared, "not declared, exclusive_members: "],
  ] as const) {
    if (removed.length === 0) continue;
    out.push(
      operation(rc.address, `members: ${removed.map((m) => `-${m}`).join(", ")} (${why}evacuated, then FACTORY-RESET)`, Phase.memberRemoval, {
        destructive: true,
        factoryReset: [...removed],
      }),
    );
  }
  if (declared.added.length > 0) {
    const copy = next.copy_services_config_on_add === false ? "" : ", services config copied from a member";
    out.push(operation(rc.address, `members: ${declared.added.map((m) => `+${m}`).join(", ")} (joins${copy})`, Phase.memberAddition));
  }
  for (const [key, words] of Object.entries(SETTINGS)) {
    if (JSON.stringify(prev[key] ?? null) !== JSON.stringify(next[key] ?? null))
      out.push(operation(rc.address, `${words}: ${show(prev[key] ?? null)} → ${show(next[key] ?? null)}`, Phase.settings));
  }
  const properties = propertiesLine(prev.properties, next.properties);
  if (properties !== undefined) out.push(operation(rc.address, properties, Phase.settings));
  if (JSON.stringify(prev.rolling_restart ?? null) !== JSON.stringify(next.rolling_restart ?? null)) {
    out.push(operation(rc.address, `rolling restart: ${show(prev.rolling_restart ?? null)} → ${show(next.rolling_restart ?? null)}`, Phase.settings));
  }
  if (policyOf(prev) !== policyOf(next)) {
    const later = policyOf(next) === "factory-reset" ? " (a later destroy factory-resets every member)" : "";
    out.push(operation(rc.address, `deletion policy: ${policyOf(prev)} → ${policyOf(next)}${later}`, Phase.settings));
  }
  if ((prev.secrets_digest ?? null) !== (next.secrets_digest ?? null) || marked(rc.change.after_unknown, "secrets_digest")) {
    out.push(operation(rc.address, "secrets (secrets_wo): changed (sensitive)", Phase.settings));
  }
  if (stringOf(prev.fingerprint) !== undefined && (marked(rc.change.after_unknown, "fingerprint") || prev.fingerprint !== next.fingerprint)) {
    out.push(
      operation(rc.address, "cluster certificate REPLACED: clients that pinned the old one must trust the new one", Phase.settings, { destructive: true }),
    );
  }
  if (out.length === 0) out.push(operation(rc.address, "settings reconciled with the configuration", Phase.settings));
  return out;
}

function changes(rc: ResourceChange): Operation[] {
  const name = nameOf(rc);
  const details = attributeDetails(rc, DETAILS);
  const withDetails = (ops: Operation[]): Operation[] => {
    if (ops[0] !== undefined) ops[0].details = details;
    return ops;
  };
  switch (actionOf(rc.change)) {
    case "create":
      return withDetails([operation(rc.address, createText(rc, name), Phase.create)]);
    case "destroy": {
      const because = reasonOf(rc);
      return [destroyOperation(rc, name, because === undefined ? "" : `${because}: `)];
    }
    case "replace": {
      const because = reasonOf(rc);
      const destroyed = destroyOperation(rc, name, `REPLACED${because === undefined ? "" : ` (${because})`}: `);
      const created = operation(rc.address, `then ${createText(rc, name)}, with a new cluster certificate`, Phase.create);
      return withDetails([{ ...destroyed, destructive: true }, created]);
    }
    case "update":
      return withDetails(updateOperations(rc, name));
    default:
      return [];
  }
}

function drift(rc: ResourceChange): string[] {
  const name = stringOf(before(rc)?.name) ?? rc.address;
  const prev = before(rc) ?? {};
  const next = after(rc);
  if (next === undefined) return [`cluster ${name} was deleted outside Terraform (the plan creates it again)`];
  const out: string[] = [];
  for (const [key, words] of Object.entries({ name: "name", ...SETTINGS })) {
    if (JSON.stringify(prev[key] ?? null) !== JSON.stringify(next[key] ?? null))
      out.push(`edited outside Terraform: ${words} of ${name} (${show(prev[key] ?? null)} → ${show(next[key] ?? null)})`);
  }
  if (JSON.stringify(prev.rolling_restart ?? null) !== JSON.stringify(next.rolling_restart ?? null))
    out.push(`edited outside Terraform: rolling restart of ${name}`);
  const members = setDiff(stringsOf(prev.members), stringsOf(next.members));
  if (members.added.length > 0) out.push(`members added to ${name} by hand: ${names(members.added)}`);
  if (members.removed.length > 0) out.push(`members removed from ${name} by hand: ${names(members.removed)}`);
  const managed = Object.keys(objectOf(prev.properties) ?? {});
  const a = objectOf(prev.properties_all) ?? {};
  const b = objectOf(next.properties_all) ?? {};
  for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    if (key.startsWith(RESERVED_PREFIX) || a[key] === b[key]) continue;
    const what = key in b ? (key in a ? `changed (${show(a[key])} → ${show(b[key])})` : `set to ${show(b[key])}`) : "removed";
    out.push(
      managed.includes(key)
        ? `edited outside Terraform: property ${key} of ${name} ${what}`
        : `property ${key} of ${name} ${what} outside Terraform (not managed, left alone)`,
    );
  }
  if (prev.status !== next.status) out.push(`status of ${name}: ${show(prev.status ?? null)} → ${show(next.status ?? null)}`);
  if (prev.fingerprint !== next.fingerprint) out.push(`cluster certificate of ${name} replaced outside Terraform`);
  return out;
}

export const clusterFamily: Family = {
  types: [TYPE],
  groupOf: (rc) => ({ kind: "cluster", name: nameOf(rc) }),
  changes,
  drift,
};

/** The cluster's servers after the plan, for the bulk operations' "all N members". */
export function clusterMembers(rc: ResourceChange): { name: string; after: string[] } {
  const next = after(rc);
  return { name: nameOf(rc), after: next === undefined ? [] : stringsOf(next.servers) };
}
