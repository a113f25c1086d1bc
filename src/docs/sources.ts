// The docs of this package's own provider: its schemas and the examples beside them.
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { PROVIDER_LOCAL_NAME } from "../provider/identity.js";
import { generateDocs } from "./generate.js";

export const EXAMPLES_DIR = fileURLToPath(new URL("../../../examples/", import.meta.url));

function example(...parts: string[]): string {
  const file = path.join(EXAMPLES_DIR, ...parts);
  if (!existsSync(file)) throw new Error(`examples/${parts.join("/")} is missing: every resource and data source needs an example for its docs page`);
  return readFileSync(file, "utf8");
}

export async function providerDocs(): Promise<Map<string, string>> {
  const { provider } = await import("../provider/provider.js");
  return generateDocs({
    providerName: PROVIDER_LOCAL_NAME,
    providerSchema: provider.schema,
    providerExample: example("provider", "provider.tf"),
    resources: provider.resources.map((r) => {
      const importFile = path.join(EXAMPLES_DIR, "resources", r.typeName, "import.sh");
      if ((r.import !== undefined) !== existsSync(importFile)) {
        throw new Error(
          `examples/resources/${r.typeName}/import.sh ${r.import === undefined ? "exists, but the resource cannot be imported" : "is missing, but the resource can be imported"}`,
        );
      }
      return {
        typeName: r.typeName,
        schema: r.schema,
        example: example("resources", r.typeName, "resource.tf"),
        ...(r.import !== undefined ? { importCommand: readFileSync(importFile, "utf8") } : {}),
      };
    }),
    dataSources: provider.dataSources.map((d) => ({ typeName: d.typeName, schema: d.schema, example: example("data-sources", d.typeName, "data-source.tf") })),
  });
}
