// Keeps a rendered summary under a size limit (GitHub refuses comments over 65,536 characters,
// and the comment then silently never appears). Parts are given up in this order: attribute
// details; then operation tables, which shrink to one line per cluster or template (those without
// a destructive operation first); then other changes and drift lines; then whole groups,
// destructive ones last, and a failed plan's errors last of all. What was left out is always
// counted in a note.
import type { PlanDiagnostic } from "../plan-schema.js";
import type { DriftItem, Group, OtherChange, Summary } from "./model.js";

/** One piece of the output that may be shortened or left out. */
export interface Slot {
  kind: "diagnostic" | "group" | "details" | "drift" | "other";
  /** Lower is kept longer. */
  priority: number;
  /** Renderings, longest first; the last is the shortest still worth showing. */
  options: string[];
  /** For counting: the operations it stands for and how many are destructive. */
  operations: number;
  destructive: number;
  /** The slot this one belongs to (a group's details): kept only with it. */
  requires?: number;
}

interface SlotRenderers {
  /** Renderings of the group, longest first; the last is one line. */
  group(group: Group): string[];
  details(group: Group): string | undefined;
  drift(item: DriftItem): string;
  other(change: OtherChange): string;
  diagnostic(diagnostic: PlanDiagnostic): string;
}

/** The slots of a summary in display order: errors and warnings, each group (then its details), drift lines, other changes. */
export function summarySlots(summary: Summary, render: SlotRenderers): Slot[] {
  const slots: Slot[] = [];
  // Errors are what a failed plan is about: kept first of all; warnings with the destructive groups.
  for (const d of summary.diagnostics) {
    if (d.severity === "error" || d.severity === "warning")
      slots.push({ kind: "diagnostic", priority: d.severity === "error" ? -1 : 0, options: [render.diagnostic(d)], operations: 0, destructive: 0 });
  }
  for (const group of summary.groups) {
    const destructive = group.operations.filter((o) => o.destructive).length;
    slots.push({ kind: "group", priority: destructive > 0 ? 0 : 1, options: render.group(group), operations: group.operations.length, destructive });
    const folded = render.details(group);
    if (folded !== undefined) slots.push({ kind: "details", priority: 4, options: [folded], operations: 0, destructive: 0, requires: slots.length - 1 });
  }
  for (const d of summary.drift) slots.push({ kind: "drift", priority: 2, options: [render.drift(d)], operations: 0, destructive: 0 });
  for (const o of summary.other) slots.push({ kind: "other", priority: 3, options: [render.other(o)], operations: 0, destructive: 0 });
  return slots;
}

/** The chosen renderings of one kind, in order. */
export function chosenOf(slots: readonly Slot[], chosen: readonly (string | undefined)[], kind: Slot["kind"]): string[] {
  return chosen.filter((c, i): c is string => c !== undefined && slots[i]!.kind === kind);
}

/** Puts the chosen renderings (undefined: left out) together with the note, in slot order. */
type Assemble = (chosen: readonly (string | undefined)[], note: string | undefined) => string;

const SEPARATOR_ALLOWANCE = 4;

const PLAN_HINT = "The counts in the headline cover everything; render the plan locally with oc-cdktf plan-summary --format text to see all.";

function noteOf(slots: readonly Slot[], chosen: readonly (number | undefined)[], maxChars: number, hint: string): string | undefined {
  const left = { diagnostic: 0, group: 0, details: 0, drift: 0, other: 0 };
  let operations = 0;
  let destructive = 0;
  let shortened = 0;
  slots.forEach((slot, i) => {
    const choice = chosen[i];
    if (choice === undefined) {
      left[slot.kind]++;
      if (slot.kind === "group") {
        operations += slot.operations;
        destructive += slot.destructive;
      }
    } else if (choice > 0) shortened++;
  });
  const parts: string[] = [];
  if (left.diagnostic > 0) parts.push(`${left.diagnostic} diagnostics`);
  if (left.group > 0) parts.push(`${left.group} clusters/templates (${operations} operations, ${destructive} destructive)`);
  if (shortened > 0) parts.push(`the operations of ${shortened} clusters/templates (shown as one line each)`);
  if (left.details > 0) parts.push(`the attribute details of ${left.details} clusters/templates`);
  if (left.drift > 0) parts.push(`${left.drift} drift items`);
  if (left.other > 0) parts.push(`${left.other} other changes`);
  if (parts.length === 0) return undefined;
  return `Left out to stay under ${maxChars} characters: ${parts.join("; ")}. ${hint}`;
}

/** `hint` ends the left-out note: where to see everything. */
export function fit(slots: readonly Slot[], assemble: Assemble, maxChars: number, hint: string = PLAN_HINT): string {
  const render = (chosen: readonly (number | undefined)[]): string =>
    assemble(
      chosen.map((c, i) => (c === undefined ? undefined : slots[i]!.options[c])),
      noteOf(slots, chosen, maxChars, hint),
    );
  const full = slots.map(() => 0);
  const whole = render(full);
  if (whole.length <= maxChars) return whole;

  const chosen: (number | undefined)[] = slots.map(() => undefined);
  const empty = render(chosen).length;
  let used = empty;
  const cost = (i: number, option: number): number => slots[i]!.options[option]!.length + SEPARATOR_ALLOWANCE;
  const order = slots.map((_, i) => i).sort((a, b) => slots[a]!.priority - slots[b]!.priority || a - b);
  // Shortest renderings first, in priority order; then upgrade; details come last of all.
  for (const i of order) {
    if (slots[i]!.kind === "details") continue;
    const shortest = slots[i]!.options.length - 1;
    if (used + cost(i, shortest) <= maxChars) {
      chosen[i] = shortest;
      used += cost(i, shortest);
    }
  }
  for (const i of order) {
    const current = chosen[i];
    if (current === undefined || slots[i]!.kind === "details") continue;
    for (let option = 0; option < current; option++) {
      const extra = cost(i, option) - cost(i, current);
      if (used + extra <= maxChars) {
        chosen[i] = option;
        used += extra;
        break;
      }
    }
  }
  const owned = (i: number): boolean => slots[i]!.requires === undefined || chosen[slots[i]!.requires!] !== undefined;
  for (const i of order) {
    if (slots[i]!.kind !== "details" || !owned(i) || used + cost(i, 0) > maxChars) continue;
    chosen[i] = 0;
    used += cost(i, 0);
  }
  // The estimate left out headers and the note's own length: give up the least important until it fits.
  let text = render(chosen);
  for (const i of [...order].reverse()) {
    if (text.length <= maxChars) break;
    if (chosen[i] === undefined) continue;
    chosen[i] = undefined;
    slots.forEach((slot, j) => {
      if (slot.requires === i) chosen[j] = undefined;
    });
    text = render(chosen);
  }
  return text.length <= maxChars ? text : `${text.slice(0, maxChars - 1)}…`;
}
