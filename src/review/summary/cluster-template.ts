// operationscenter_cluster_template in domain words: the template texts by changed lines, its
// variables, rename and deletion (clusters created from it keep running).
import type { ResourceChange } from "../plan-schema.js";
import { operation, Phase, type Family, type Operation } from "./model.js";
import { actionOf, after, attributeDetails, before, lineCounts, lineDiff, names, objectOf, setDiff, show, stringOf } from "./values.js";

const TEXTS: Record<string, string> = { services_config: "services config template", application_config: "application config template" };
const DETAILS = { skip: ["id", "variables_in_use"] };

const nameOf = (rc: ResourceChange): string => stringOf(after(rc)?.name) ?? stringOf(before(rc)?.name) ?? rc.address;

/** Lines for everything that differs between two template values (a change, or drift). */
function differences(prev: Record<string, unknown>, next: Record<string, unknown>): string[] {
  const out: string[] = [];
  const from = stringOf(prev.name);
  const to = stringOf(next.name);
  if (from !== undefined && to !== undefined && from !== to) out.push(`renamed from ${from} to ${to}`);
  if ((prev.description ?? "") !== (next.description ?? "")) out.push(`description: ${show(prev.description ?? "")} → ${show(next.description ?? "")}`);
  for (const [key, words] of Object.entries(TEXTS)) {
    const a = stringOf(prev[key]) ?? "";
    const b = stringOf(next[key]) ?? "";
    if (a !== b) out.push(`${words} changed (${lineCounts(lineDiff(a, b))})`);
  }
  const va = objectOf(prev.variables) ?? {};
  const vb = objectOf(next.variables) ?? {};
  const { added, removed } = setDiff(Object.keys(va), Object.keys(vb));
  const changed = Object.keys(vb).filter((k) => k in va && JSON.stringify(va[k]) !== JSON.stringify(vb[k]));
  const parts = [...added.map((v) => `+${v}`), ...removed.map((v) => `-${v}`), ...changed.map((v) => `~${v}`)];
  if (parts.length > 0) out.push(`variables: ${parts.join(", ")}`);
  return out;
}

function changes(rc: ResourceChange): Operation[] {
  const name = nameOf(rc);
  const details = attributeDetails(rc, DETAILS);
  switch (actionOf(rc.change)) {
    case "create": {
      const variables = Object.keys(objectOf(after(rc)?.variables) ?? {}).sort();
      return [
        operation(rc.address, `template ${name}: create${variables.length === 0 ? "" : ` (variables ${names(variables)})`}`, Phase.templateChange, { details }),
      ];
    }
    case "destroy":
      return [operation(rc.address, `template ${name}: deleted (clusters created from it keep running)`, Phase.destroy)];
    case "replace":
      return [operation(rc.address, `template ${name}: deleted and created again`, Phase.templateChange, { details })];
    case "update": {
      const lines = differences(before(rc) ?? {}, after(rc) ?? {});
      const ops = (lines.length === 0 ? ["settings reconciled with the configuration"] : lines).map((line) =>
        operation(rc.address, line, Phase.templateChange),
      );
      ops[0]!.details = details;
      return ops;
    }
    default:
      return [];
  }
}

function drift(rc: ResourceChange): string[] {
  const name = stringOf(before(rc)?.name) ?? rc.address;
  const next = after(rc);
  if (next === undefined) return [`template ${name} was deleted outside Terraform (the plan creates it again)`];
  return differences(before(rc) ?? {}, next).map((line) => `edited outside Terraform: template ${name}: ${line}`);
}

export const clusterTemplateFamily: Family = {
  types: ["operationscenter_cluster_template"],
  groupOf: (rc) => ({ kind: "template", name: nameOf(rc) }),
  changes,
  drift,
};
