// The browser check of the local Operations Center (`npm run test:ui`): the official Operations
// Center web UI, built from its public source, served by the local OC with `--ui`, driven in
// headless Chromium that holds the written client certificate. Each page must show its data and
// no "Error while loading".
//
//   OC_UI_DIST=<the UI's dist/ directory>   required; without it the check is skipped
//   OC_UI_SCREENSHOTS=<dir>                 write a PNG of each checked page there (docs/local-oc)
//   OC_UI_CHROMIUM=<binary>                 default: chromium (Debian's package)
//
// Chromium takes a client certificate from the NSS database under $HOME/.pki/nssdb and, headless,
// only presents one that a managed policy (AutoSelectCertificateForUrls) selects, so the check
// needs certutil and pk12util (libnss3-tools), openssl (to bundle the key pair) and a writable
// /etc/chromium/policies/managed; the policy file it writes there is removed at the end.

import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, accessSync, constants } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startLocalOperationsCenter, type LocalOperationsCenter } from "../../src/local-oc/index.js";

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
// dist/test/ui -> test/fixtures (the YAML fixture is not compiled)
const SEED = join(here, "..", "..", "..", "test", "fixtures", "local-oc", "ui-seed.yaml");
const POLICY_DIR = "/etc/chromium/policies/managed";

interface Page {
  name: string;
  path: string;
  /** Texts the page shows once its data loaded. */
  expect: string[];
  /** File name of its screenshot, when one is kept. */
  screenshot?: string;
}

const INVENTORY = [
  "images",
  "instances",
  "networks",
  "network_acls",
  "network_address_sets",
  "network_forwards",
  "network_integrations",
  "network_load_balancers",
  "network_peers",
  "network_zones",
  "profiles",
  "projects",
  "storage_buckets",
  "storage_pools",
  "storage_volumes",
];
// The inventory pages of the UI have no route for address sets.
const INVENTORY_PAGES = INVENTORY.filter((k) => k !== "network_address_sets");
const INVENTORY_DATA: Record<string, string[]> = {
  networks: ["uplink", "physical"],
  profiles: ["default"],
  projects: ["default"],
  storage_pools: ["local", "remote"],
  storage_volumes: ["backups", "images", "logs", "server02"],
};

const PAGES: Page[] = [
  { name: "servers list", path: "/ui/provisioning/servers-view", expect: ["server01", "server04", "rack 4"], screenshot: "servers.png" },
  {
    name: "server configuration",
    path: "/ui/provisioning/servers/server01/configuration",
    expect: ["Network configuration", "Storage configuration", "192.0.2.11"],
    screenshot: "server-configuration.png",
  },
  {
    name: "cluster configuration",
    path: "/ui/provisioning/clusters/prod/configuration",
    expect: ['<option value="stable"'],
    screenshot: "cluster-configuration.png",
  },
  ...INVENTORY_PAGES.map((kind) => ({
    name: `inventory ${kind}`,
    path: `/ui/inventory/${kind}`,
    expect: INVENTORY_DATA[kind] ?? ["Last updated"],
    ...(kind === "storage_volumes" ? { screenshot: "inventory-storage-volumes.png" } : {}),
  })),
  { name: "updates", path: "/ui/provisioning/updates-view", expect: ["202608200115", "Stable releases"], screenshot: "updates.png" },
  {
    name: "settings",
    path: "/ui/settings",
    expect: ["Trusted TLS client certificate fingerprints", "Default update channel for new servers"],
    screenshot: "settings.png",
  },
  { name: "warnings", path: "/ui/provisioning/warnings", expect: ["Server unreachable", "server04"] },
];

async function has(binary: string): Promise<boolean> {
  try {
    await run("sh", ["-c", `command -v ${binary}`]);
    return true;
  } catch {
    return false;
  }
}

/** Missing prerequisites, each with how to get it. */
async function missing(chromium: string): Promise<string[]> {
  const problems: string[] = [];
  if (!(await has(chromium))) problems.push(`${chromium} not found (apt-get install -y chromium, or set OC_UI_CHROMIUM)`);
  for (const tool of ["certutil", "pk12util"]) if (!(await has(tool))) problems.push(`${tool} not found (apt-get install -y libnss3-tools)`);
  if (!(await has("openssl"))) problems.push("openssl not found (apt-get install -y openssl)");
  try {
    mkdirSync(POLICY_DIR, { recursive: true });
    accessSync(POLICY_DIR, constants.W_OK);
  } catch {
    problems.push(`${POLICY_DIR} is not writable: run the check as root (it installs a certificate-selection policy for the check's URL and removes it after)`);
  }
  return problems;
}

/** An NSS database in a throw-away HOME holding the written client certificate and key. */
async function certificateHome(work: string, configDir: string): Promise<string> {
  const home = join(work, "home");
  const db = join(home, ".pki", "nssdb");
  mkdirSync(db, { recursive: true });
  const p12 = join(work, "client.p12");
  await run("openssl", [
    "pkcs12",
    "-export",
    "-in",
    join(configDir, "client.crt"),
    "-inkey",
    join(configDir, "client.key"),
    "-out",
    p12,
    "-passout",
    "pass:",
    "-name",
    "local-oc-client",
  ]);
  await run("certutil", ["-d", `sql:${db}`, "-N", "--empty-password"]);
  await run("pk12util", ["-d", `sql:${db}`, "-i", p12, "-W", ""]);
  return home;
}

async function chromiumRun(chromium: string, home: string, profile: string, args: string[]): Promise<string> {
  const { stdout } = await run(
    chromium,
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--ignore-certificate-errors",
      `--user-data-dir=${profile}`,
      "--virtual-time-budget=15000",
      "--window-size=1440,1000",
      ...args,
    ],
    { env: { ...process.env, HOME: home }, timeout: 90_000, maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout;
}

async function main(): Promise<number> {
  const dist = process.env["OC_UI_DIST"];
  if (dist === undefined || dist === "") {
    console.log(
      "test:ui skipped: set OC_UI_DIST to the dist/ directory of the official Operations Center UI (git clone FuturFusion/operations-center; cd ui; yarn build)",
    );
    return 0;
  }
  if (!existsSync(join(dist, "index.html"))) {
    console.error(`test:ui: OC_UI_DIST=${dist} has no index.html; point it at the UI's built dist/ directory`);
    return 1;
  }
  const chromium = process.env["OC_UI_CHROMIUM"] ?? "chromium";
  const problems = await missing(chromium);
  if (problems.length > 0) {
    console.error(`test:ui cannot run:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    return 1;
  }
  const shots = process.env["OC_UI_SCREENSHOTS"];
  if (shots !== undefined && shots !== "") mkdirSync(shots, { recursive: true });

  const work = mkdtempSync(join(tmpdir(), "local-oc-ui-"));
  const policy = join(POLICY_DIR, `oc-cdktf-local-oc-ui-check-${process.pid}.json`);
  let oc: LocalOperationsCenter | undefined;
  const failures: string[] = [];
  try {
    oc = await startLocalOperationsCenter({ seed: SEED, uiDir: resolve(dist), createDelayMs: 0 });
    const { dir } = await oc.writeClientConfig(join(work, "config"));
    const home = await certificateHome(work, dir);
    writeFileSync(policy, JSON.stringify({ AutoSelectCertificateForUrls: [JSON.stringify({ pattern: oc.url, filter: {} })] }));
    for (const [i, page] of PAGES.entries()) {
      const profile = join(work, `profile-${i}`);
      const dom = await chromiumRun(chromium, home, profile, ["--dump-dom", oc.url + page.path]);
      const lacking = page.expect.filter((text) => !dom.includes(text));
      const error = /Error while loading[^<]*/.exec(dom)?.[0];
      if (error !== undefined || lacking.length > 0 || !dom.includes("Logout")) {
        failures.push(
          `${page.name} (${page.path}): ${error ?? (lacking.length > 0 ? `does not show ${lacking.map((t) => JSON.stringify(t)).join(", ")}` : "the UI did not get past its login check")}`,
        );
        console.log(`not ok  ${page.name}`);
      } else {
        console.log(`ok      ${page.name}`);
      }
      if (page.screenshot !== undefined && shots !== undefined && shots !== "") {
        await chromiumRun(chromium, home, profile, [`--screenshot=${join(resolve(shots), page.screenshot)}`, oc.url + page.path]);
      }
    }
  } finally {
    rmSync(policy, { force: true });
    await oc?.close();
    rmSync(work, { recursive: true, force: true });
  }
  if (failures.length > 0) {
    console.error(`test:ui: ${failures.length} of ${PAGES.length} pages failed:\n${failures.map((f) => `  - ${f}`).join("\n")}`);
    return 1;
  }
  console.log(`test:ui: all ${PAGES.length} pages show their data`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`test:ui: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
