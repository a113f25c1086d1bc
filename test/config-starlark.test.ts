// Unit: the check of an Incus placement scriptlet (src/config/starlark.ts), no server: the Starlark
// grammar it reads and each broken rule named with file, line and column.

import assert from "node:assert/strict";
import { test } from "node:test";
import { checkPlacementScriptlet, formatStarlarkProblem } from "../src/config/starlark.js";

const check = (source: string) => checkPlacementScriptlet(source, "place.star").map(formatStarlarkProblem);

test("a scriptlet with helpers inside functions, comprehensions, lambdas and nested defs passes", () => {
  const source = `
LIMIT = 4

def busy(name):
    state = get_cluster_member_state(name)
    return state.sysinfo.load_averages[0] > LIMIT

def instance_placement(request, candidate_members):
    free = [m for m in candidate_members if not busy(m.server_name)]
    key = lambda m: m.server_name
    def first(items):
        return sorted(items, key=key)[0] if items else None
    target = first(free)
    if target != None:
        set_target(target.server_name)
    else:
        log_warn("no free member for ", request.name)
    return
`;
  assert.deepEqual(check(source), []);
});

test("each broken rule is named with file, line and column", () => {
  assert.deepEqual(check("def instance_placement(candidate_members, request):\n    return\n"), []);
  assert.deepEqual(check("def place(request, candidate_members):\n    pass\n"), [
    'place.star:1:1: the function "instance_placement" is required but has not been found in the scriptlet; define def instance_placement(request, candidate_members):',
  ]);
  assert.match(
    check("def instance_placement(request, candidate_members, extra=1):\n    pass\n")[0]!,
    /^place\.star:1:1: .*defines arguments \[request candidate_members extra\]/,
  );
  assert.match(
    check("def instance_placement(request, candidate_members):\n    while True:\n        pass\n")[0]!,
    /^place\.star:2:5: while loops are not allowed/,
  );
  assert.match(
    check("def a():\n    return b()\ndef b():\n    return a()\ndef instance_placement(request, candidate_members):\n    a()\n").join("\n"),
    /place\.star:2:12: recursion is not allowed .*a calls b, which leads back to a/,
  );
  assert.match(
    check('set_target("x")\ndef instance_placement(request, candidate_members):\n    pass\n')[0]!,
    /^place\.star:1:1: set_target\(\) is called at top level/,
  );
  assert.match(
    check("def instance_placement(request, candidate_members):\n    get_instances()\n")[0]!,
    /^place\.star:2:5: get_instances is not one of the documented placement helpers/,
  );
  assert.match(check("def instance_placement(request, candidate_members):\n    return foo\n")[0]!, /^place\.star:2:12: undefined: foo/);
  assert.match(check("def instance_placement(request, candidate_members):\n    x = (1,\n")[0]!, /^place\.star:\d+:\d+: syntax error/);
  assert.match(
    check("X = 1\nX = 2\ndef instance_placement(request, candidate_members):\n    pass\n")[0]!,
    /^place\.star:2:1: cannot reassign global X declared at place\.star:1:1/,
  );
  assert.match(
    check("for x in []:\n    pass\ndef instance_placement(request, candidate_members):\n    pass\n")[0]!,
    /^place\.star:1:1: for statement not within a function/,
  );
});

test("the Starlark grammar: literals of every kind, unpacking, augmented assignment, conditional expressions, dict comprehensions", () => {
  const source = [
    "# comment",
    'PREFS = {"a": 1, "b": [1, 2,], }',
    "def score(m, weights={}):",
    '    r = rb"raw\\d" + b"x"',
    '    s = """multi',
    'line %s""" % m.server_name',
    "    x, y = 1, 2",
    "    x += y",
    '    return len(s) * weights.get("cpu", 1) if x not in [3] else -x',
    "",
    "def instance_placement(request, candidate_members):",
    "    best = sorted(candidate_members, key = lambda m: score(m))",
    "    for i, m in enumerate(best):",
    '        if i > 0 and not m.server_name.startswith("gpu"):',
    "            continue",
    '        log_info("candidate", m.server_name, {k: v for k, v in PREFS.items()})',
    '    set_target(best[0].server_name) if best else fail("no candidates")',
    "    return None",
    "",
  ].join("\n");
  assert.deepEqual(check(source), []);
  assert.deepEqual(check("def instance_placement(request, candidate_members):\n    return 2 ** 3\n"), [
    'place.star:2:14: syntax error: got "**", want end of line',
  ]);
});
