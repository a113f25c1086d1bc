// What a schema block means for values: its implied cty object type, the shape Terraform
// expects (list and set blocks are never null), and write-only attributes kept out of state.
import type { Attribute, Block, CtyType, ObjectValue, Value } from "../types.js";
import { Unknown } from "../types.js";

/** An attribute's value type: a nested attribute's is an object (or a list, set or map of them) of its attributes' types. */
export function attributeType(attribute: Attribute): CtyType {
  if (attribute.nested === undefined) return attribute.type;
  const object: CtyType = ["object", Object.fromEntries(Object.entries(attribute.nested.attributes).map(([name, inner]) => [name, attributeType(inner)]))];
  return attribute.nested.nesting === "single" ? object : [attribute.nested.nesting, object];
}

export function impliedType(block: Block): CtyType {
  const attributes: Record<string, CtyType> = {};
  for (const [name, attribute] of Object.entries(block.attributes)) attributes[name] = attributeType(attribute);
  for (const [name, nested] of Object.entries(block.blocks ?? {})) {
    const inner = impliedType(nested.block);
    attributes[name] = nested.nesting === "single" ? inner : [nested.nesting, inner];
  }
  return ["object", attributes];
}

function isObject(value: Value): value is ObjectValue {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Unknown);
}

type Rewrite = (name: string, value: Value, writeOnly: boolean) => Value;

function rewriteObject(value: ObjectValue, block: Block, rewrite: Rewrite): ObjectValue {
  const out: ObjectValue = { ...value };
  for (const [name, attribute] of Object.entries(block.attributes)) out[name] = rewrite(name, value[name] ?? null, attribute.writeOnly === true);
  for (const [name, nested] of Object.entries(block.blocks ?? {})) {
    const current = value[name] ?? null;
    if (nested.nesting === "single") {
      out[name] = isObject(current) ? rewriteObject(current, nested.block, rewrite) : current;
    } else if (current === null) {
      out[name] = [];
    } else if (Array.isArray(current)) {
      out[name] = current.map((element) => (isObject(element) ? rewriteObject(element, nested.block, rewrite) : element));
    }
  }
  return out;
}

/** Fills what Terraform requires of a block's value: every attribute present, list/set blocks [] rather than null. */
export function normalize(value: ObjectValue, block: Block): ObjectValue {
  return rewriteObject(value, block, (_name, attribute) => attribute);
}

/** normalize, and write-only attributes null: what every state returned to Terraform must look like. */
export function stateOf(value: ObjectValue, block: Block): ObjectValue {
  return rewriteObject(value, block, (_name, attribute, writeOnly) => (writeOnly ? null : attribute));
}
