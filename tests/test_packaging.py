"""newsig works as an installed wheel, not only as an editable checkout.

One build per session (~10 s): the checkout is copied to a temp dir, an sdist is built
from it and the wheel from the unpacked sdist (what ``pip install newsig-*.tar.gz`` does),
offline: ``--no-build-isolation`` uses this venv's setuptools. Then the archives are
listed, and the unpacked wheel is imported on its own (``python -S``: no site-packages,
no editable finder) to check that code finds its files inside the install.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import analyzer

REPO = Path(__file__).resolve().parents[1]
SKIP = {".git", ".venv", "build", "dist", "runs", "__pycache__", ".pytest_cache"}
MODEL_FILES = ("sentiment.safetensors", "sentiment.json", "SHA256SUMS", "README.md")


def _ignore(folder: str, names: list[str]) -> set[str]:
    return {n for n in names if n in SKIP or n.endswith((".egg-info", ".db", ".db-wal", ".db-shm"))}


def _data_files(src: Path) -> list[str]:
    data = src / "analyzer" / "data"
    return sorted(p.relative_to(data).as_posix() for p in data.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def _modules(src: Path) -> list[str]:
    return sorted(p.relative_to(src).as_posix() for p in (src / "analyzer").rglob("*.py") if "__pycache__" not in p.parts)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("pkg")
    src = tmp / "src"
    shutil.copytree(REPO, src, ignore=_ignore)
    out = tmp / "dist"
    run = {"check": True, "capture_output": True, "text": True}
    code = "import sys; from setuptools import build_meta as b; print(b.build_sdist(sys.argv[1]))"
    sdist = out / subprocess.run([sys.executable, "-c", code, str(out)], cwd=src, **run).stdout.strip().splitlines()[-1]
    with tarfile.open(sdist) as tar:
        tar.extractall(tmp / "unpacked", filter="data")
    (unpacked,) = (tmp / "unpacked").iterdir()
    pip = [sys.executable, "-m", "pip", "wheel", str(unpacked), "--no-deps", "--no-build-isolation", "--no-index"]
    subprocess.run([*pip, "-q", "-w", str(out)], cwd=tmp, **run)
    (wheel,) = out.glob("newsig-*.whl")
    return {"sdist": sdist, "wheel": wheel, "tmp": tmp, "src": src}  # src: the copy built (the checkout may change meanwhile)


def test_wheel_holds_model_data_and_every_module(built):
    names = set(zipfile.ZipFile(built["wheel"]).namelist())
    assert {f"newsig_models/{f}" for f in MODEL_FILES} <= names
    assert not any(n.startswith("models/") for n in names)  # never a bare "models" in site-packages
    missing = [f for f in _data_files(built["src"]) if f"analyzer/data/{f}" not in names]
    assert not missing, f"analyzer/data files not in the wheel: {missing}"
    assert "analyzer/data/LICENSES.md" in names
    missing = [m for m in _modules(built["src"]) if m not in names]
    assert not missing, f"modules not in the wheel (a folder without __init__.py?): {missing}"
    assert "cli.py" in names


def test_wheel_metadata_version_and_entry_point(built):
    wheel = zipfile.ZipFile(built["wheel"])
    info = f"newsig-{analyzer.__version__}.dist-info"
    assert f"Version: {analyzer.__version__}\n" in wheel.read(f"{info}/METADATA").decode()
    assert "newsig = cli:app" in wheel.read(f"{info}/entry_points.txt").decode()


def test_wheel_model_matches_its_checksums(built):
    wheel = zipfile.ZipFile(built["wheel"])
    for line in wheel.read("newsig_models/SHA256SUMS").decode().splitlines():
        digest, _, name = line.strip().partition("  ")
        assert hashlib.sha256(wheel.read(f"newsig_models/{name}")).hexdigest() == digest, name


def test_sdist_holds_models_folder_and_data(built):
    with tarfile.open(built["sdist"]) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    assert {f"models/{f}" for f in MODEL_FILES} <= names
    assert {f"analyzer/data/{f}" for f in _data_files(built["src"])} <= names


def test_unpacked_wheel_finds_its_own_files(built):
    """Imported alone (no checkout on the path), paths point inside the install and the checksums verify."""
    site = built["tmp"] / "site"
    zipfile.ZipFile(built["wheel"]).extractall(site)
    code = (
        "import json, analyzer, analyzer.resources as r\n"
        "from analyzer.sentiment.model import MODELS_DIR, verify_checksums\n"
        "from analyzer.query.explore import METADATA\n"
        "from analyzer.universe.listings import DATA_DIR\n"
        "verify_checksums(MODELS_DIR)\n"
        "print(json.dumps({'analyzer': analyzer.__file__, 'models': str(MODELS_DIR), 'data': str(DATA_DIR),"
        " 'metadata': METADATA.is_file(), 'info': analyzer.version_info()}))\n"
    )
    env = {"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-S", "-c", code], cwd=built["tmp"], env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    assert Path(got["analyzer"]).is_relative_to(site)
    assert Path(got["models"]) == site / "newsig_models"
    assert Path(got["data"]) == site / "analyzer" / "data"
    assert got["metadata"] is True
    assert got["info"] == analyzer.version_info()  # same model as the checkout's


def test_version_info_names_the_model():
    info = analyzer.version_info()
    assert info["version"] == analyzer.__version__
    assert info["model"] == info["model_sha256"][:8]
    assert len(info["model_sha256"]) == 64


def test_cli_version_prints_package_and_model():
    from typer.testing import CliRunner

    from cli import app

    result = CliRunner().invoke(app, ["--version"])
    info = analyzer.version_info()
    assert result.exit_code == 0
    assert result.output.strip() == f"newsig {info['version']} (model {info['model']})"
