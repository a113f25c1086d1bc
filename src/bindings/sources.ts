// The bindings of this package's own provider: its schemas, under its identity.
import { PROVIDER_LOCAL_NAME, PROVIDER_SOURCE, PROVIDER_VERSION } from "../provider/identity.js";
import { generateBindings } from "./generate.js";

export async function providerBindings(): Promise<Map<string, string>> {
  const { provider } = await import("../provider/provider.js");
  return generateBindings(
    { provider: provider.schema, resources: provider.resources, dataSources: provider.dataSources },
    { localName: PROVIDER_LOCAL_NAME, source: PROVIDER_SOURCE, version: PROVIDER_VERSION },
  );
}
