// The runtimes this package needs, named once: package.json's `engines` (compared by
// test/package-tarball.test.ts), the README and the messages below say the same.

/** undici, the provider's HTTP client, needs Node.js 20.18.1 (its `engines`); older ones lack `File`. */
export const MINIMUM_NODE = "20.18.1";

/** Write-only attributes (certificate keys, cluster secrets) need Terraform 1.11. */
export const MINIMUM_TERRAFORM = "1.11";

function parts(version: string): number[] {
  return version
    .replace(/^v/, "")
    .split(".")
    .map((p) => Number.parseInt(p, 10) || 0);
}

/** True when `version` (e.g. process.versions.node) is `minimum` or newer. */
function atLeast(version: string, minimum: string): boolean {
  const [have, need] = [parts(version), parts(minimum)];
  for (let i = 0; i < Math.max(have.length, need.length); i++) {
    const [h, n] = [have[i] ?? 0, need[i] ?? 0];
    if (h !== n) return h > n;
  }
  return true;
}

/** What to tell a user whose Node.js is too old for `what`, or undefined when it is recent enough. */
export function unsupportedNode(what: string, version: string = process.versions.node): string | undefined {
  if (atLeast(version, MINIMUM_NODE)) return undefined;
  return `${what} needs Node.js ${MINIMUM_NODE} or newer (22 and 24 are tested too); this is Node.js ${version} (${process.execPath}). Put a newer node first on PATH.\n`;
}
