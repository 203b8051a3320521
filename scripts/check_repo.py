#!/usr/bin/env python3
"""Repository hygiene checks, run by scripts/test.sh.

1. The repository stands on its own: no text file refers to material outside it (the
   team's shared folder next to the checkout, or its design notes).
2. No import cycles between the modules of a crate: module A may use module B, or B use A,
   never both (directly or through others). References through the crate root's
   re-exports (`crate::Error`) count for nothing; `crate::a::b` and `super::b` count.

Prints each problem and exits 1 if any; ends with `repo checks: N passed, M failed`.
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Built from pieces so that this file does not match itself.
OUTSIDE = [re.compile(p) for p in (r"\.\./" + "shared", r"\bDESIGN" + r"\.md\b", r"shared/" + "seeds",
                                    # source documents named by an internal number only
                                    r"(?i)(?<![a-z])seeds?[ _-]?`?0\d\d(?!\d)", r"(?i)\bseed flows?\b",
                                    r"(?i)(?:matches|from)_the_seed\b", r"(?i)\bthe seed's\b")]


def tracked_files():
    out = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    return [f for f in out.splitlines() if os.path.isfile(os.path.join(ROOT, f))]


def check_self_contained(files):
    problems = []
    for rel in files:
        if rel.startswith("tests/vectors/wycheproof/"):
            continue
        try:
            with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
                text = f.read()
        except (UnicodeDecodeError, OSError):
            continue
        for n, line in enumerate(text.splitlines(), 1):
            if any(p.search(line) for p in OUTSIDE):
                problems.append(f"{rel}:{n}: refers outside the repository: {line.strip()[:100]}")
    return problems


def strip_comments(text):
    text = re.sub(r"//[^\n]*", "", text)
    return re.sub(r"/\*.*?\*/", "", text, flags=re.S)


def module_of(src, path):
    rel = os.path.relpath(path, src)[:-3]
    return "" if rel in ("lib", "main") else rel


def crate_graph(src):
    files = []
    for d, _, names in os.walk(src):
        files += [os.path.join(d, n) for n in names if n.endswith(".rs")]
    mods = {module_of(src, f) for f in files}

    def resolve(parts):
        # The longest module path that exists; the root counts for nothing.
        for n in range(len(parts), 0, -1):
            cand = "/".join(parts[:n])
            if cand in mods:
                return cand
        return ""

    graph = {m: set() for m in mods if m}
    for f in files:
        me = module_of(src, f)
        if not me:
            continue
        text = strip_comments(open(f, encoding="utf-8").read())
        refs = []
        for m in re.finditer(r"\bcrate::((?:\w+::)*\w+)", text):
            refs.append(m.group(1).split("::"))
        for m in re.finditer(r"\buse crate::\{([^;]*)\};", text, flags=re.S):
            for item in re.split(r",\s*", m.group(1)):
                item = item.strip()
                if item:
                    refs.append(re.split(r"::", item.replace("{", "").replace("}", "")))
        parent = me.rsplit("/", 1)[0] if "/" in me else ""
        for m in re.finditer(r"\bsuper::((?:\w+::)*\w+)", text):
            base = [parent] if parent else []
            refs.append(base + m.group(1).split("::"))
        for parts in refs:
            target = resolve([p for p in parts if p])
            if target and target != me and not me.startswith(target + "/") and not target.startswith(me + "/"):
                graph[me].add(target)
    return graph


def find_cycles(graph):
    cycles, seen = [], set()
    for a in graph:
        for b in graph[a]:
            if a < b and a in reach(graph, b) and (a, b) not in seen:
                seen.add((a, b))
                cycles.append((a, b))
    return cycles


def reach(graph, start):
    todo, out = [start], set()
    while todo:
        m = todo.pop()
        for n in graph.get(m, ()):
            if n not in out:
                out.add(n)
                todo.append(n)
    return out


def main():
    passed = failed = 0
    files = tracked_files()
    problems = check_self_contained(files)
    for p in problems:
        print(p)
    if problems:
        failed += 1
    else:
        passed += 1
        print(f"self-contained: {len(files)} files, no reference outside the repository")
    crates = sorted(os.path.join(ROOT, "crates", c, "src") for c in os.listdir(os.path.join(ROOT, "crates")))
    for src in crates:
        if not os.path.isdir(src):
            continue
        graph = crate_graph(src)
        cycles = find_cycles(graph)
        name = os.path.basename(os.path.dirname(src))
        if cycles:
            failed += 1
            for a, b in cycles:
                print(f"{name}: import cycle between `{a}` and `{b}`")
        else:
            passed += 1
            print(f"{name}: {len(graph)} modules, no import cycle")
    print(f"repo checks: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
