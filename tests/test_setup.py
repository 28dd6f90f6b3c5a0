"""The set-up: the dependency lists agree, and the package installs from git into a clean environment."""

import re
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# conda names that differ from pip's, and conda entries that are not Python packages of the course
CONDA_TO_PIP = {"python-graphviz": "graphviz"}
CONDA_ONLY = {"python", "pip", "graphviz"}  # the interpreter, the installer, Graphviz's `dot` program


def split_requirement(line):
    """("name", "specifier") from "name>=1.0", with the name normalised as pip does."""
    match = re.fullmatch(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(.*?)\s*", line)
    assert match, f"cannot read the requirement {line!r}"
    return re.sub(r"[-_.]+", "-", match.group(1)).lower(), match.group(2).replace(" ", "")


def requirements_txt():
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return dict(split_requirement(line) for line in lines if line.strip() and not line.lstrip().startswith("#"))


def environment_yml():
    """The conda dependencies (the list under `dependencies:`), conda names mapped to pip's."""
    text = (ROOT / "environment.yml").read_text()
    block = re.search(r"^dependencies:\n((?:[ \t]+-[^\n]*\n?|[ \t]*#[^\n]*\n?)+)", text, re.MULTILINE)
    assert block, "environment.yml has no dependencies list"
    entries = [line.split("-", 1)[1].split("#")[0].strip() for line in block.group(1).splitlines() if line.strip().startswith("-")]
    assert all(isinstance(e, str) and e and ":" not in e for e in entries), entries  # no nested `pip:` section
    packages = {}
    for entry in entries:
        name, spec = split_requirement(entry)
        if name in CONDA_ONLY:
            continue
        packages[CONDA_TO_PIP.get(name, name)] = spec
    return packages


def pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_environment_yml_names_the_same_packages_as_requirements_txt():
    assert environment_yml() == requirements_txt()


def test_environment_yml_installs_graphviz_and_python():
    text = (ROOT / "environment.yml").read_text()
    assert re.search(r"^\s+- graphviz\s*$", text, re.MULTILINE), "the `dot` program for conda users"
    assert re.search(r"^\s+- python>=3\.10\s*$", text, re.MULTILINE)


# The package admits Colab's versions (installing it there must change nothing); the local lab may ask for newer
# ones, as JupyterLab 4 does for its widgets: ipywidgets 8.
LAB_NEEDS_NEWER = {"ipywidgets": (">=7.7", ">=8.1")}


def test_package_dependencies_are_in_requirements_txt():
    requirements = requirements_txt()
    for dependency in pyproject()["project"]["dependencies"]:
        name, spec = split_requirement(dependency)
        assert name in requirements, f"{name} is a dependency of the package but not in requirements.txt"
        expected = LAB_NEEDS_NEWER.get(name, (spec, spec))
        assert (spec, requirements[name]) == expected, f"{name}: {spec!r} in pyproject.toml, {requirements[name]!r} in requirements.txt"


def test_the_course_tools_are_in_requirements_txt():
    for tool in ("pytest", "hypothesis", "nbval", "jupyterlab", "ipykernel", "nbformat"):
        assert tool in requirements_txt()


def test_python_version_and_version_number_agree():
    import micrograd_mlp

    project = pyproject()["project"]
    assert project["requires-python"] == ">=3.10"
    assert project["version"] == micrograd_mlp.__version__
    assert project["scripts"]["micrograd-mlp"] == "micrograd_mlp.cli:main"


def test_installs_from_git_into_a_fresh_environment(tmp_path):
    """`pip install git+...` (as the notebooks do on Colab), from this repository's committed HEAD."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    no_system_packages = subprocess.run(
        [str(python), "-c", "import sys; print(sys.prefix != sys.base_prefix)"], capture_output=True, text=True
    )
    assert no_system_packages.stdout.strip() == "True"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", f"git+{ROOT.as_uri()}"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert install.returncode == 0, install.stdout + install.stderr
    check = textwrap.dedent(
        """
        import micrograd_mlp
        from micrograd_mlp import MLP, Value, mse
        print(micrograd_mlp.__file__)
        model = MLP(2, [4, 1], seed=0)
        x = [Value(0.5), Value(-1.0)]
        loss = mse([model(x)], [1.0])
        loss.backward()
        print(all(p.grad == p.grad for p in model.parameters()), x[0].grad != 0.0, round(loss.data, 12))
        """
    )
    run = subprocess.run([str(python), "-c", check], capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    location, result = run.stdout.splitlines()
    assert Path(location).is_relative_to(venv), "imported the checkout instead of the installed package"
    # the same numbers as here
    from micrograd_mlp import MLP, Value, mse

    model = MLP(2, [4, 1], seed=0)
    x = [Value(0.5), Value(-1.0)]
    loss = mse([model(x)], [1.0])
    loss.backward()
    assert result == f"True True {round(loss.data, 12)}"
    cli = subprocess.run([str(venv / "bin" / "micrograd-mlp"), "--help"], capture_output=True, text=True, cwd=tmp_path)
    assert cli.returncode == 0 and "--dataset" in cli.stdout
