// The bench's ratios of interleaved runs (test/bench/stats.ts): per pair, not across all runs.
import assert from "node:assert/strict";
import { test } from "node:test";
import { comparePairs, table } from "./bench/stats.js";

test("the bench's per-pair ratios divide each subject run by the reference run taken with it, and the table shows them", () => {
  // A machine that slows down: both sides slower in later pairs, the ratio of each pair steady.
  const subject = [120, 150, 240];
  const reference = [100, 125, 200];
  const comparison = comparePairs(subject, reference, "note", 1.25);
  assert.deepEqual(comparison.paired, { n: 3, median: 1.2, min: 1.2, max: 1.2 });
  // Across runs the range says far less: fastest subject / slowest reference to the reverse.
  assert.deepEqual(comparison.ratioRange, { min: 0.6, max: 2.4 });
  assert.match(table([], [{ name: "apply / floor", comparison }]), /apply \/ floor\s+1\.20x\s+0\.60-2\.40x\s+1\.20x \(1\.20-1\.20\)\s+<= 1\.25x: met/);
  // Pairs are taken by index, as the runs were: not smallest with smallest.
  assert.deepEqual(comparePairs([100, 150, 240], [125, 100, 200], "note").paired, { n: 3, median: 1.2, min: 0.8, max: 1.5 });
  assert.throws(() => comparePairs(subject, reference.slice(1), "note"), /pairs of 3 and 2 runs/);
});
