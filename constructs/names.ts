// Readable, collision-free Terraform names and literal-safe strings for the L2 constructs.
import { TerraformStack, Token } from "cdktf";
import type { IConstruct } from "constructs";
import { clusterNameProblem, objectNameProblem } from "../src/config/object-name.js";
import { synthError } from "./synth-errors.js";

/**
 * Checks a cluster or template name at synth with the provider's own plan-time rules. A token
 * (a reference or variable) is left to the provider, which checks it at plan time.
 */
export function checkObjectName(kind: "Cluster" | "ClusterTemplate", constructPath: string, name: unknown, prop = "name"): string {
  if (typeof name !== "string") throw synthError(`${kind} '${constructPath}'`, [`${prop} must be a string`]);
  if (Token.isUnresolved(name)) return name;
  const problem =
    kind === "Cluster" && prop === "name" ? clusterNameProblem(name) : objectNameProblem(kind === "Cluster" ? "cluster" : "cluster template", name);
  if (problem !== undefined) throw synthError(`${kind} '${constructPath}'`, [`${prop}: ${problem}`]);
  return name;
}

/**
 * The Terraform resource name of a construct: the ids of its path below the stack, joined with
 * `_` (`edge`, `site1_edge`), so two instances of one composite construct never collide and a
 * plan names resources as the code does.
 */
export function terraformName(construct: IConstruct): string {
  const stack = TerraformStack.of(construct);
  const ids = construct.node.scopes.slice(construct.node.scopes.indexOf(stack) + 1).map((s) => s.node.id);
  const joined = ids.join("_").replace(/[^A-Za-z0-9_-]/g, "_");
  return /^[A-Za-z_]/.test(joined) ? joined : `_${joined}`;
}

/**
 * A user's literal string as Terraform must read it: every string in cdk.tf.json is a template,
 * so `${` and `%{` are doubled, or Terraform would evaluate them. Tokens pass through as they are.
 */
export function literal(value: string): string {
  if (Token.isUnresolved(value)) return value;
  return value.replace(/([$%])\{/g, (_, sign: string) => `${sign}${sign}{`);
}

/** `literal` for every entry of a string list; a list that is a token passes through. */
export function literalList(values: readonly string[]): string[] {
  if (Token.isUnresolved(values)) return values as string[];
  return values.map(literal);
}

/** `literal` for every value of a string map. */
export function literalMap(values: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [literal(k), literal(v)]));
}
