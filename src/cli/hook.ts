import { runHook } from "../hooks/run.js";

/** `oc-cdktf hook <kind> [spec-file]`: what the synthesized provisioners run. */
export async function run(argv: string[]): Promise<number> {
  const [kind, specFile] = argv;
  if (kind === undefined) {
    process.stderr.write("usage: oc-cdktf hook <kind> [spec-file]\n");
    return 2;
  }
  return runHook(kind, specFile);
}
