"""Helpers shared by the exercise-check tests: what a check printed, and what it must say when it refuses."""


def verdict(capsys):
    """The line the check printed."""
    return capsys.readouterr().out.strip()


def assert_rejected(out, *words):
    """``out`` is a ``[✗]`` verdict that names every one of ``words``."""
    assert out.startswith("[✗]"), out
    for word in words:
        assert word in out, out
