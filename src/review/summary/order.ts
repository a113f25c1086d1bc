// The order apply runs resources in, from the plan's own dependency information: destroys first,
// dependents before what they depend on (prior_state's depends_on); then creates and updates,
// dependencies first (the configuration's references and depends_on). Only the root module is
// read: CDKTF stacks have no child modules.
import type { Plan } from "../plan-schema.js";
import { stateResources } from "../plan-schema.js";
import { objectOf } from "./values.js";

type Stage = "destroy" | "apply";

interface ApplyOrder {
  /** Lower runs earlier within the stage. */
  rank(address: string, stage: Stage): number;
}

/** The resource address a reference names: "a_type.name.attr" → "a_type.name"; undefined for var., local. and the like. */
function resourceOf(reference: string): string | undefined {
  const parts = reference.split(".");
  if (["var", "local", "module", "path", "count", "each", "self", "terraform"].includes(parts[0]!)) return undefined;
  if (parts[0] === "data") return parts.length >= 3 ? parts.slice(0, 3).join(".") : undefined;
  return parts.length >= 2 ? `${parts[0]}.${parts[1]!.replace(/\[.*$/, "")}` : undefined;
}

function referencesIn(value: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(value)) for (const v of value) referencesIn(v, out);
  const o = objectOf(value);
  if (o !== undefined) {
    for (const [key, inner] of Object.entries(o)) {
      if (key === "references" && Array.isArray(inner)) {
        for (const r of inner) if (typeof r === "string" && resourceOf(r) !== undefined) out.add(resourceOf(r)!);
      } else referencesIn(inner, out);
    }
  }
  return out;
}

/** Longest chain of dependencies below each address. */
function depths(graph: Map<string, Set<string>>): Map<string, number> {
  const memo = new Map<string, number>();
  const visit = (address: string, visiting: Set<string>): number => {
    const known = memo.get(address);
    if (known !== undefined) return known;
    if (visiting.has(address)) return 0;
    visiting.add(address);
    let depth = 0;
    for (const dep of graph.get(address) ?? []) depth = Math.max(depth, visit(dep, visiting) + 1);
    visiting.delete(address);
    memo.set(address, depth);
    return depth;
  };
  for (const address of graph.keys()) visit(address, new Set());
  return memo;
}

/** Instance keys do not change the order: a["x"] ranks as a. */
const baseOf = (address: string): string => address.replace(/\[[^\]]*\]$/, "");

export function applyOrder(plan: Plan | undefined): ApplyOrder {
  const configured = new Map<string, Set<string>>();
  for (const r of plan?.configuration?.root_module?.resources ?? []) {
    const deps = referencesIn(r.expressions, new Set());
    for (const d of r.depends_on ?? []) if (resourceOf(d) !== undefined) deps.add(resourceOf(d)!);
    configured.set(r.address, deps);
  }
  const prior = new Map<string, Set<string>>();
  for (const r of stateResources(plan?.prior_state)) prior.set(baseOf(r.address), new Set((r.depends_on ?? []).map(baseOf)));
  const applyDepth = depths(configured);
  const destroyDepth = depths(prior);
  return {
    rank: (address, stage) => (stage === "apply" ? (applyDepth.get(baseOf(address)) ?? 0) : -(destroyDepth.get(baseOf(address)) ?? 0)),
  };
}
