// Who the provider is to Terraform. The type equals the resource prefix, as for every registry
// provider, so Terraform's implied provider rule (`operationscenter_cluster` → local name
// `operationscenter`), `cdktf get` and the generated class names agree. The host sits under the
// reserved `.invalid` top-level domain (RFC 6761): it never resolves, so a configuration whose
// provider is missing from the local mirror fails with "could not connect" instead of asking some
// machine that answers for the name (`.local` is multicast DNS and was looked up on the network).
/** The npm package that carries the provider, its launcher and the constructs. */
export const PACKAGE_NAME = "cdktf-operations-center";
export const PROVIDER_LOCAL_NAME = "operationscenter";
export const PROVIDER_TYPE = "operationscenter";
export const PROVIDER_HOST = "oc-cdktf.invalid";
export const PROVIDER_NAMESPACE = "oc-cdktf";
export const PROVIDER_SOURCE = `${PROVIDER_HOST}/${PROVIDER_NAMESPACE}/${PROVIDER_TYPE}`;
/** Kept equal to package.json's version (test/bindings.test.ts checks it). */
export const PROVIDER_VERSION = "0.1.0";
