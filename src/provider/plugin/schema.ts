// The contract's schemas in the protocol's shape (GetProviderSchema). Every description is sent
// as Markdown (the contract's descriptions are written in it; plain text is valid Markdown), so
// Terraform and documentation tools render its code spans rather than show the backticks.
import type { Attribute, Block, Schema } from "./types.js";
import * as wire from "./wire/tfplugin6.js";

const utf8 = new TextEncoder();

function toWireAttributes(attributes: { readonly [name: string]: Attribute }): wire.SchemaAttribute[] {
  return Object.entries(attributes).map(([name, a]) => ({
    name,
    ...(a.nested === undefined
      ? { type: utf8.encode(JSON.stringify(a.type)) }
      : { nested_type: { attributes: toWireAttributes(a.nested.attributes), nesting: wire.ObjectNestingMode[a.nested.nesting] } }),
    description: a.description,
    description_kind: wire.StringKind.markdown,
    required: a.required === true,
    optional: a.optional === true,
    computed: a.computed === true,
    sensitive: a.sensitive === true,
    deprecated: a.deprecated === true,
    write_only: a.writeOnly === true,
  }));
}

function toWireBlock(block: Block): wire.SchemaBlock {
  return {
    ...(block.description !== undefined ? { description: block.description } : {}),
    description_kind: wire.StringKind.markdown,
    attributes: toWireAttributes(block.attributes),
    block_types: Object.entries(block.blocks ?? {}).map(([name, nested]) => ({
      type_name: name,
      block: toWireBlock(nested.block),
      nesting: wire.NestingMode[nested.nesting],
      min_items: nested.minItems ?? 0,
      max_items: nested.maxItems ?? 0,
    })),
  };
}

export function toWireSchema(schema: Schema): wire.Schema {
  return { version: schema.version, block: toWireBlock(schema.block) };
}
