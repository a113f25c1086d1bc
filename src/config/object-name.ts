// The name rules Operations Center applies to clusters and cluster templates (sources below),
// checked at plan time so a bad name fails before any call. Three rules are stricter than the
// server's (operations-center@41a98e0 internal/provisioning/cluster_model.go (Cluster.Validate),
// cluster_template_model.go (ClusterTemplate.Validate)): a name of only whitespace and a name with
// control characters are refused, because the server accepts them but they cannot be told apart
// in the CLI, the UI or a plan; and "." and "..", because the server accepts them too, but as the
// last segment of a URL path they are cleaned away (by Go's ServeMux and by HTTP clients), so no
// request can reach such an object again.
/** The characters Operations Center forbids in cluster and cluster template names. */
export const NAME_FORBIDDEN_CHARACTERS = `\\/:*?"<>|`;
const CONTROL = /[\u0000-\u001f\u007f]/;

/** The first character of `name` that Operations Center forbids, or undefined. */
export function forbiddenNameCharacter(name: string): string | undefined {
  return [...name].find((character) => NAME_FORBIDDEN_CHARACTERS.includes(character));
}

/** What is wrong with `name` as the name of a `kind` ("cluster", "cluster template"), or undefined. */
export function objectNameProblem(kind: string, name: string): string | undefined {
  if (name === "") return `the ${kind} name must not be empty`;
  if (name.trim() === "") return `the ${kind} name must not be only whitespace`;
  if (name === "." || name === "..")
    return `the ${kind} name must not be "${name}": no request could reach it (URL paths drop "." and ".." segments); choose another name`;
  const control = CONTROL.exec(name);
  if (control !== null) {
    const code = control[0].charCodeAt(0).toString(16).padStart(4, "0");
    return `the ${kind} name ${JSON.stringify(name)} contains the control character U+${code}; use printable characters only`;
  }
  const bad = forbiddenNameCharacter(name);
  if (bad !== undefined) {
    return `the ${kind} name ${JSON.stringify(name)} contains "${bad}"; Operations Center forbids the characters ${[...NAME_FORBIDDEN_CHARACTERS].join(" ")} in names`;
  }
  return undefined;
}

// Operations Center sets no limit, but the name becomes a file name (artifacts, the
// post-clustering Terraform workspace) and a path segment of every URL; 255 bytes is the file
// name limit of common file systems.
const MAX_NAME_BYTES = 255;

/** The name rules for a cluster, as one message, or undefined. */
export function clusterNameProblem(name: string): string | undefined {
  const problem = objectNameProblem("cluster", name);
  if (problem !== undefined) return problem;
  const bytes = Buffer.byteLength(name, "utf8");
  if (bytes > MAX_NAME_BYTES) return `the cluster name is ${bytes} bytes long; at most ${MAX_NAME_BYTES} bytes are allowed (it is used as a file name)`;
  return undefined;
}
