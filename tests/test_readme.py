"""The README's annotated tree of analysis/ names every module and package there is."""

from __future__ import annotations

import re

from analysis.paper import REPO_ROOT

README = REPO_ROOT / "README.md"


def _tree() -> str:
    text = README.read_text(encoding="utf-8")
    section = text.split("## The project", 1)[1].split("\n## ", 1)[0]
    return re.search(r"```\n(.*?)```", section, re.S).group(1)


def _entries(tree: str) -> set[str]:
    """Paths named in the tree: each line's first word, nested by indentation under its folder."""
    out: set[str] = set()
    stack: list[tuple[int, str]] = []
    for line in tree.splitlines():
        match = re.match(r"^( *)(\S+)", line)
        if not match or match.group(2).startswith(("#", "│", "▼")):
            continue
        indent, words = len(match.group(1)), match.group(2)
        while stack and stack[-1][0] >= indent:
            stack.pop()
        parent = stack[-1][1] if stack else ""
        for word in words.split(","):
            name = word.strip()
            if name:
                out.add(parent + name)
        if words.endswith("/"):
            stack.append((indent, parent + words))
    return out


def test_the_readme_tree_names_every_module_of_analysis():
    named = _entries(_tree())
    actual = set()
    for path in (REPO_ROOT / "analysis").rglob("*.py"):
        rel = path.relative_to(REPO_ROOT).as_posix()
        if path.name == "__init__.py" or "__pycache__" in rel:
            continue
        actual.add(rel)
    for package in (REPO_ROOT / "analysis").rglob("__init__.py"):
        actual.add(package.parent.relative_to(REPO_ROOT).as_posix() + "/")
    missing = sorted(p for p in actual if p not in named)
    assert not missing, f"README.md's tree of the project does not name: {missing}"
    gone = sorted(p for p in named if p.startswith("analysis/") and p.endswith((".py", "/")) and p not in actual)
    assert not gone, f"README.md's tree names modules that do not exist: {gone}"
