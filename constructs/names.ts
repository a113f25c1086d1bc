// Name rules Operations Center applies to clusters and cluster templates (non-empty, none of
// \ / : * ? " < > |), checked at synth time so that a bad name fails before any API call.
const FORBIDDEN = /[\\/:*?"<>|]/;

export function checkObjectName(kind: string, constructPath: string, name: unknown, prop = "name"): string {
  if (typeof name !== "string" || name === "") {
    throw new Error(`${kind} '${constructPath}': ${prop} must be a non-empty string.`);
  }
  const bad = FORBIDDEN.exec(name);
  if (bad !== null) {
    throw new Error(
      `${kind} '${constructPath}': ${prop} "${name}" contains "${bad[0]}"; Operations Center forbids the characters \\ / : * ? " < > | in names.`,
    );
  }
  return name;
}

/** The Terraform resource name prefix of a construct: its id, with other characters as `_`. */
export function resourcePrefix(id: string): string {
  const cleaned = id.replace(/[^A-Za-z0-9_-]/g, "_");
  return /^[A-Za-z_]/.test(cleaned) ? cleaned : `_${cleaned}`;
}
