"""Walks of an expression graph shared by the exercise and claim tests: each returns the values ``root`` depends on.

Importable as ``graph_walks`` from any test below tests/: pytest puts tests/ on ``sys.path`` when it loads
tests/conftest.py (tests/ has no ``__init__.py``), as it puts tests/exercises there for ``verdicts``.
"""


def walk_with_a_stack(root, visited, mark):
    """The exercise's walk without recursion, keeping the values seen in ``visited`` with ``mark`` (set.add or list.append)."""
    order, stack = [], [(root, False)]
    while stack:
        v, children_done = stack.pop()
        if children_done:
            order.append(v)
        elif v not in visited:
            mark(visited, v)
            stack.append((v, True))
            stack.extend((child, False) for child in reversed(v.children) if child not in visited)
    return order


def iterative(root):
    """The exercise's answer: every value ``root`` depends on, each after its children, with a stack and a set."""
    return walk_with_a_stack(root, set(), set.add)


def visited_list(root):
    """The same walk with a list where the set belongs: a right order, but each ``in`` reads the whole list."""
    return walk_with_a_stack(root, [], list.append)


def recursive(root):
    """The same order by a function that calls itself once per level: a deep chain exceeds Python's limit."""
    order, visited = [], set()

    def visit(v):
        if v not in visited:
            visited.add(v)
            for child in v.children:
                visit(child)
            order.append(v)

    visit(root)
    return order
