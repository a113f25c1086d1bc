// The name rules Operations Center applies to clusters and cluster templates (oc-api.md 3.2, 5.3),
// checked at plan time so a bad name fails before any call. Two rules are stricter than the
// server's: a name of only whitespace and a name with control characters are refused, because the
// server accepts them but they cannot be told apart in the CLI, the UI or a plan.
const FORBIDDEN = /[\\/:*?"<>|]/;
const CONTROL = /[\u0000-\u001f\u007f]/;

/** What is wrong with `name` as the name of a `kind` ("cluster", "cluster template"), or undefined. */
export function objectNameProblem(kind: string, name: string): string | undefined {
  if (name === "") return `the ${kind} name must not be empty`;
  if (name.trim() === "") return `the ${kind} name must not be only whitespace`;
  const control = CONTROL.exec(name);
  if (control !== null) {
    const code = control[0].charCodeAt(0).toString(16).padStart(4, "0");
    return `the ${kind} name ${JSON.stringify(name)} contains the control character U+${code}; use printable characters only`;
  }
  const bad = FORBIDDEN.exec(name);
  if (bad !== null) {
    return `the ${kind} name ${JSON.stringify(name)} contains "${bad[0]}"; Operations Center forbids the characters \\ / : * ? " < > | in names`;
  }
  return undefined;
}
