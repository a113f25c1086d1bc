// Registry-format documentation of the provider (docs/index.md, docs/resources/<name>.md,
// docs/data-sources/<name>.md, the layout the Terraform registry publishes), generated from the
// provider's schema and the examples in examples/provider, examples/resources/<type>/ and
// examples/data-sources/<type>/, so docs and schema cannot drift apart unnoticed
// (test/docs.test.ts compares them).
import type { Attribute, Block, CtyType, Schema } from "../provider/plugin/types.js";

interface Documented {
  readonly typeName: string;
  readonly schema: Schema;
  /** The example configuration (resource.tf or data-source.tf). */
  readonly example: string;
  /** For resources: `terraform import <address> <id>`, or undefined when the resource cannot be imported. */
  readonly importCommand?: string;
}

interface DocsInput {
  readonly providerName: string;
  readonly providerSchema: Schema;
  readonly providerExample: string;
  readonly resources: readonly Documented[];
  readonly dataSources: readonly Documented[];
}

function typeName(type: CtyType): string {
  if (typeof type === "string") return type === "dynamic" ? "Dynamic" : type[0]!.toUpperCase() + type.slice(1);
  const [kind, inner] = type;
  if (kind === "object") return "Object";
  if (kind === "tuple") return "Tuple";
  const element = typeName(inner as CtyType);
  return `${kind[0]!.toUpperCase()}${kind.slice(1)} of ${element}`;
}

const capitalised = (word: string) => `${word[0]!.toUpperCase()}${word.slice(1)}`;

function attributeLine(name: string, a: Attribute): string {
  const kind = a.nested === undefined ? typeName(a.type) : `Attributes${a.nested.nesting === "single" ? "" : ` ${capitalised(a.nested.nesting)}`}`;
  const below = a.nested === undefined ? "" : ` (see [below for nested schema](#nestedatt--${name}))`;
  const flags = [kind, ...(a.sensitive ? ["Sensitive"] : []), ...(a.writeOnly ? ["Write-only"] : []), ...(a.deprecated ? ["Deprecated"] : [])];
  return `- \`${name}\` (${flags.join(", ")}) ${a.description}${below}`.trimEnd();
}

/** The Schema section: Required, Optional, Read-Only, then one nested section per block. */
function schemaSection(block: Block, heading = "## Schema"): string {
  const entries = Object.entries(block.attributes).sort(([a], [b]) => (a < b ? -1 : 1));
  const group = (title: string, pick: (a: Attribute) => boolean) => {
    const lines = entries.filter(([, a]) => pick(a)).map(([n, a]) => attributeLine(n, a));
    return lines.length === 0 ? "" : `### ${title}\n\n${lines.join("\n")}\n\n`;
  };
  const blocks = Object.entries(block.blocks ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  const blockLines = blocks.map(([n, b]) =>
    `- \`${n}\` (Block ${b.nesting === "single" ? "" : `${b.nesting[0]!.toUpperCase()}${b.nesting.slice(1)}`}${b.maxItems ? `, Max: ${b.maxItems}` : ""}) ${b.block.description ?? ""}`
      .replace(/ \) /, ") ")
      .trimEnd(),
  );
  const nestedAttributes = entries.flatMap(([n, a]) =>
    a.nested === undefined ? [] : [`<a id="nestedatt--${n}"></a>\n${schemaSection({ attributes: a.nested.attributes }, `### Nested Schema for \`${n}\``)}`],
  );
  const nested =
    nestedAttributes.join("") + blocks.map(([n, b]) => `<a id="nestedblock--${n}"></a>\n${schemaSection(b.block, `### Nested Schema for \`${n}\``)}`).join("");
  return (
    `${heading}\n\n` +
    group("Required", (a) => a.required === true) +
    group("Optional", (a) => a.optional === true) +
    (blockLines.length > 0 ? `### Blocks\n\n${blockLines.join("\n")}\n\n` : "") +
    group("Read-Only", (a) => a.computed === true && a.optional !== true && a.required !== true) +
    nested
  );
}

function frontMatter(title: string, description: string): string {
  return `---\npage_title: "${title}"\nsubcategory: ""\ndescription: |-\n  ${description.split("\n").join("\n  ")}\n---\n\n`;
}

function page(kind: "Resource" | "Data Source", item: Documented, providerName: string): string {
  const description = item.schema.block.description ?? "";
  let text =
    frontMatter(`${item.typeName} ${kind} - ${providerName}`, description) +
    `# ${item.typeName} (${kind})\n\n${description}\n\n## Example Usage\n\n\`\`\`terraform\n${item.example.trimEnd()}\n\`\`\`\n\n` +
    schemaSection(item.schema.block);
  if (kind === "Resource") {
    if (item.importCommand === undefined) {
      text += "## Import\n\nThis resource cannot be imported: declare it, and the first apply takes the setting over.\n";
    } else {
      const [, , address, id] = item.importCommand.trim().split(/\s+/);
      text +=
        `## Import\n\nImport is supported using the following syntax:\n\n\`\`\`shell\n${item.importCommand.trim()}\n\`\`\`\n\n` +
        `or, with Terraform 1.5 and later, an import block:\n\n\`\`\`terraform\nimport {\n  to = ${address}\n  id = "${id}"\n}\n\`\`\`\n`;
    }
  }
  return `${text.trimEnd()}\n`;
}

/** Every page, by path under docs/. */
export function generateDocs(input: DocsInput): Map<string, string> {
  const pages = new Map<string, string>();
  pages.set(
    "index.md",
    `${frontMatter(`${input.providerName} Provider`, input.providerSchema.block.description ?? "")}# ${input.providerName} Provider\n\n${input.providerSchema.block.description ?? ""}\n\n` +
      `## Example Usage\n\n\`\`\`terraform\n${input.providerExample.trimEnd()}\n\`\`\`\n\n${schemaSection(input.providerSchema.block)}`.trimEnd() +
      "\n",
  );
  for (const r of input.resources) pages.set(`resources/${r.typeName.replace(`${input.providerName}_`, "")}.md`, page("Resource", r, input.providerName));
  for (const d of input.dataSources)
    pages.set(`data-sources/${d.typeName.replace(`${input.providerName}_`, "")}.md`, page("Data Source", d, input.providerName));
  return pages;
}
