"""The model registry: versioned artifacts under ``models/``, promotion, rollback, and the only place
model files are loaded.

Layout (``root`` is :func:`matcher.paths.models_dir` unless given)::

    models/
      registry.json            versions with the SHA-256 of each file, the promoted version,
                               the promotion stack (for rollback) and an event log
      <version>/
        model.npz              the served model: compiled tables, wages (numbers only, no pickles)
        estimator.joblib       the fitted scikit-learn estimator (for evaluators; loaded only on request)
        card.json, card.md     the model card
        report.html, report.json   the evaluation and fairness report
        SHA256SUMS

Loading checks the SHA-256 of a file against ``registry.json`` *and* the version's ``SHA256SUMS``
before opening it: a file that does not match is refused (:class:`ModelIntegrityError`). The served
artifact is read with ``numpy.load(allow_pickle=False)``, which never executes code; the joblib
estimator is unpickled only after its checksum matches and only when the installed scikit-learn has
the same minor version as the one that made it (else :class:`ModelCompatibilityError`).

Changes to ``registry.json`` (register, promote, rollback) hold an exclusive ``fcntl`` lock on
``.registry.lock`` and replace the file atomically (write, fsync, ``os.replace``), so two processes
promoting at once never lose an update and a reader always sees a whole file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelCompatibilityError, ModelIntegrityError, NotFoundError, ValidationError
from ..paths import models_dir
from .model import FORMAT_VERSION, AdditiveTables, ProgramWages
from .pair_features import ProgramRates

REGISTRY_FILE = "registry.json"
LOCK_FILE = ".registry.lock"
SERVED = "model.npz"
ESTIMATOR = "estimator.joblib"
CARD = "card.json"
REPORT = "report.json"


@dataclass(frozen=True)
class LoadedModel:
    """A verified, loaded model: what the engine needs plus its card."""

    version: str
    tables: AdditiveTables
    wages: ProgramWages
    feature_names: tuple[str, ...]
    card: dict[str, Any]
    rates: ProgramRates | None = None

    @property
    def blend_weight(self) -> float:
        return float(self.card["blend_weight"])


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class ModelRegistry:
    """Versioned models in a folder (default ``matcher.paths.models_dir()``)."""

    def __init__(self, root: str | Path | None = None) -> None:
        self.root = Path(root) if root is not None else models_dir()

    # ------------------------------------------------------------------ the index

    def _index_path(self) -> Path:
        return self.root / REGISTRY_FILE

    def index(self) -> dict[str, Any]:
        path = self._index_path()
        if not path.exists():
            return {"format": 1, "promoted": None, "stack": [], "versions": {}, "events": []}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelIntegrityError(f"{path} is unreadable or not JSON: {exc}", field="registry") from None
        if not isinstance(data, dict) or "versions" not in data:
            raise ModelIntegrityError(f"{path} is not a model registry", field="registry")
        return data

    @contextlib.contextmanager
    def _locked(self) -> Iterator[dict[str, Any]]:
        """Exclusive lock; yields the index to change; writes it back atomically on success."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / LOCK_FILE, "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                data = self.index()
                yield data
                self._write_index(data)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _write_index(self, data: dict[str, Any]) -> None:
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".registry-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, indent=2, sort_keys=True)
                fh.write("\n")
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self._index_path())
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    # ------------------------------------------------------------------ reading

    def versions(self) -> list[dict[str, Any]]:
        """Every registered version, oldest first, with whether it is promoted."""
        data = self.index()
        out = []
        for version, entry in sorted(data["versions"].items(), key=lambda kv: kv[1].get("created", "")):
            out.append({"version": version, "promoted": version == data.get("promoted"), **entry})
        return out

    def promoted(self) -> str | None:
        return self.index().get("promoted")

    def _entry(self, version: str) -> dict[str, Any]:
        entry = self.index()["versions"].get(version)
        if entry is None:
            raise NotFoundError(f"no model version {version!r} in {self.root}", field="version")
        return dict(entry)

    def resolve(self, version: str | None) -> str:
        """``None`` or ``"promoted"`` -> the promoted version; else the version itself (checked)."""
        if version in (None, "promoted"):
            current = self.promoted()
            if current is None:
                raise NotFoundError(f"no model is promoted in {self.root}", field="version")
            return current
        self._entry(version)
        return version

    def _verified(self, version: str, name: str) -> Path:
        """The path of one file of a version after its SHA-256 matched the registry and SHA256SUMS."""
        entry = self._entry(version)
        expected = entry.get("files", {}).get(name)
        path = self.root / version / name
        if expected is None:
            raise ModelIntegrityError(f"{version}/{name} is not registered", field=name)
        if not path.is_file():
            raise ModelIntegrityError(f"{version}/{name} is missing from {self.root}", field=name)
        sums = self.root / version / "SHA256SUMS"
        listed = {}
        if sums.is_file():
            for line in sums.read_text(encoding="utf-8").splitlines():
                parts = line.split()
                if len(parts) == 2:
                    listed[parts[1]] = parts[0]
        if listed.get(name) != expected:
            raise ModelIntegrityError(f"{version}/SHA256SUMS does not agree with the registry for {name}", field=name)
        actual = sha256_of(path)
        if actual != expected:
            raise ModelIntegrityError(
                f"{version}/{name} has SHA-256 {actual[:16]}..., the registry expects {expected[:16]}...: the file "
                f"was changed or corrupted, so it is refused", field=name)
        return path

    def card(self, version: str | None = None) -> dict[str, Any]:
        version = self.resolve(version)
        card = json.loads(self._verified(version, CARD).read_text(encoding="utf-8"))
        if not isinstance(card, dict):
            raise ModelIntegrityError(f"{version}/{CARD} is not a model card", field=CARD)
        return card

    def report(self, version: str | None = None) -> dict[str, Any] | None:
        """The evaluation and fairness report (``report.json``) of a version after its checksum matched;
        None when the version has none."""
        version = self.resolve(version)
        if REPORT not in self._entry(version).get("files", {}):
            return None
        try:
            report = json.loads(self._verified(version, REPORT).read_text(encoding="utf-8"))
        except ValueError:
            raise ModelIntegrityError(f"{version}/{REPORT} is not JSON", field=REPORT) from None
        if not isinstance(report, dict):
            raise ModelIntegrityError(f"{version}/{REPORT} is not a report", field=REPORT)
        return report

    def load(self, version: str | None = None) -> LoadedModel:
        """Verify and load a version (default: the promoted one) for serving."""
        version = self.resolve(version)
        card = self.card(version)
        fmt = card.get("format_version")
        if fmt != FORMAT_VERSION:
            raise ModelCompatibilityError(
                f"model {version} uses artifact format {fmt}; this matcher reads format {FORMAT_VERSION}: retrain it "
                f"with this version (matcher train)", field="format_version")
        path = self._verified(version, SERVED)
        try:
            with np.load(path, allow_pickle=False) as npz:
                arrays = {k: npz[k] for k in npz.files}
        except (ValueError, OSError) as exc:
            raise ModelIntegrityError(f"{version}/{SERVED} cannot be read: {exc}", field=SERVED) from None
        tables = AdditiveTables.from_arrays(arrays)
        wages = ProgramWages(dict(zip(arrays["wage_ids"].tolist(), arrays["wage_values"].tolist())),
                             float(arrays["wage_fallback"][0]))
        names = tuple(str(n) for n in arrays["feature_names"].tolist())
        rates = None
        if "rate_ids" in arrays:
            rates = ProgramRates(dict(zip(arrays["rate_ids"].tolist(), arrays["rate_values"].tolist())),
                                 float(arrays["rate_prior"][0]))
        return LoadedModel(version, tables, wages, names, card, rates)

    def load_estimator(self, version: str | None = None) -> Any:
        """The fitted scikit-learn estimator of a version: checksum first, then the scikit-learn version,
        and only then unpickled."""
        import joblib
        import sklearn

        version = self.resolve(version)
        card = self.card(version)
        made = str(card.get("libraries", {}).get("scikit-learn", ""))
        if made.split(".")[:2] != sklearn.__version__.split(".")[:2]:
            raise ModelCompatibilityError(
                f"model {version} was made with scikit-learn {made or 'unknown'}; this environment has "
                f"{sklearn.__version__}: an estimator pickled by another scikit-learn version is not loaded. "
                f"Install scikit-learn {made} or retrain (matcher train)", field="scikit-learn")
        return joblib.load(self._verified(version, ESTIMATOR))

    # ------------------------------------------------------------------ writing

    def new_version_id(self, data_hash: str) -> str:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
        base = f"v{stamp}-{data_hash[:8]}"
        version, n = base, 1
        while (self.root / version).exists() or version in self.index()["versions"]:
            n += 1
            version = f"{base}-{n}"
        return version

    def register(self, staging: Path, version: str, summary: dict[str, Any]) -> str:
        """Move a fully written version folder into the registry and record its checksums (not promoted)."""
        if not (staging / SERVED).is_file() or not (staging / CARD).is_file():
            raise ValidationError("a model version needs model.npz and card.json", field="version")
        files = {p.name: sha256_of(p) for p in sorted(staging.iterdir()) if p.is_file() and p.name != "SHA256SUMS"}
        (staging / "SHA256SUMS").write_text("".join(f"{h}  {n}\n" for n, h in files.items()), encoding="utf-8")
        target = self.root / version
        with self._locked() as data:
            if version in data["versions"] or target.exists():
                raise ValidationError(f"model version {version!r} already exists", field="version")
            os.replace(staging, target)
            data["versions"][version] = {"created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                                         "files": files, **summary}
            data["events"].append(_event("register", version))
        return version

    def staging_dir(self) -> Path:
        """A fresh folder inside the registry root to write a version into before :meth:`register`."""
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / f".staging-{uuid.uuid4().hex[:12]}"
        path.mkdir()
        return path

    def discard(self, staging: Path) -> None:
        shutil.rmtree(staging, ignore_errors=True)

    def promote(self, version: str, *, reason: str = "") -> str | None:
        """Make ``version`` the one served; returns the version it replaced. Verifies the files first."""
        self._verified(version, SERVED)
        self._verified(version, CARD)
        with self._locked() as data:
            if version not in data["versions"]:
                raise NotFoundError(f"no model version {version!r} in {self.root}", field="version")
            previous = data.get("promoted")
            data["promoted"] = version
            data["stack"].append(version)
            data["events"].append(_event("promote", version, previous=previous, reason=reason))
        return previous

    def rollback(self, *, reason: str = "") -> str:
        """Serve the version promoted before the current one again; returns it."""
        with self._locked() as data:
            stack = [v for v in data["stack"] if v in data["versions"]]
            if len(stack) < 2:
                raise NotFoundError("there is no earlier promoted model to roll back to", field="version")
            current = stack.pop()
            while stack and stack[-1] == current:
                stack.pop()
            if not stack:
                raise NotFoundError("there is no earlier promoted model to roll back to", field="version")
            data["stack"] = stack
            data["promoted"] = stack[-1]
            data["events"].append(_event("rollback", stack[-1], previous=current, reason=reason))
            return str(stack[-1])


def _event(action: str, version: str, **extra: Any) -> dict[str, Any]:
    return {"at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "action": action, "version": version,
            "pid": os.getpid(), **{k: v for k, v in extra.items() if v not in (None, "")}}


def write_served(path: Path, tables: AdditiveTables, wages: ProgramWages, feature_names: tuple[str, ...],
                 rates: ProgramRates | None = None) -> None:
    """Write the served artifact (numbers and strings only)."""
    ids = sorted(wages.by_program)
    arrays: dict[str, Any] = {**tables.to_arrays(), "feature_names": np.array(feature_names),
                              "wage_ids": np.array(ids, dtype=str),
                              "wage_values": np.array([wages.by_program[i] for i in ids]),
                              "wage_fallback": np.array([wages.fallback])}
    if rates is not None:
        rids = sorted(rates.by_program)
        arrays.update(rate_ids=np.array(rids, dtype=str), rate_values=np.array([rates.by_program[i] for i in rids]),
                      rate_prior=np.array([rates.prior]))
    np.savez_compressed(path, **arrays)
