"""The layer contracts (pyproject.toml, checked by lint-imports in `make test`) cover the
whole kernel: a module added under app/ is a kernel module unless it is the help desk or
an integration standing on the features (the Slack app)."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOT_KERNEL = {"help", "slack", "factory", "static", "templates", "__pycache__"}


def kernel_modules() -> set[str]:
    found = set()
    for path in (ROOT / "app").iterdir():
        if path.stem in NOT_KERNEL or path.name.startswith((".", "__init__")):
            continue
        if path.suffix == ".py" or (path / "__init__.py").exists():
            found.add(f"app.{path.stem}")
    return found


def test_the_kernel_contract_names_every_kernel_module():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    [kernel] = [c for c in config["contracts"] if c["name"] == "The kernel imports no feature"]
    assert kernel_modules() == set(kernel["source_modules"])
    assert set(kernel["forbidden_modules"]) == {"app.help", "app.slack", "matching", "feedback", "sessions"}
