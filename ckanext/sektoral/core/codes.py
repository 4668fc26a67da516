"""Reference code lists (Kode Referensi, Perpres 39/2019) as data.

Every list is a UTF-8 CSV file in ``schemas/codes/`` (installed as
``ckanext.sektoral.schemas/codes``). The first column is the code (the
value stored in datasets), ``label_id`` and ``label_en`` are the labels;
further columns are kept as ``Code.extra`` (e.g. ``kode_bps`` of a
region). These files are the single source of truth for the scheming
choices (``sektoral_code_choices``), the validators (``sektoral_code``,
``sektoral_codes``), the Table Schema templates (``tables.py``) and the
templates of the UI.

A deployment for another province replaces single files without code
changes: ``ckanext.sektoral.codes_path`` names a directory; a file
``<name>.csv`` found there wins over the shipped one, every other list
keeps the shipped file.

Nothing here needs a CKAN request context: ``load(name, directory)`` is
plain Python (unit-testable); only ``load(name)`` without a directory
reads the CKAN configuration.
"""
from __future__ import annotations

import csv
import dataclasses
import functools
import logging
from collections.abc import Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Callable, Optional, Union

log = logging.getLogger(__name__)

LABEL_PREFIX = "label_"
FALLBACK_LANG = "id"

#: Lists shipped with the extension (file ``<name>.csv``).
SHIPPED_LISTS: tuple[str, ...] = (
    "wilayah",
    "urusan_pemerintahan",
    "sektor_kegiatan",
    "frekuensi",
    "level_penyajian",
    "cara_pengumpulan",
    "metode_pengumpulan",
    "klasifikasi_akses",
    "status_angka",
    "jenis_berkas",
    "jenis_opd",
    "peran_sdi",
)


class CodeListError(ValueError):
    """A code list file is missing or malformed."""


@dataclasses.dataclass(frozen=True)
class Code:
    """One entry of a code list."""

    value: str
    labels: Mapping[str, str]
    extra: Mapping[str, str]

    def label(self, lang: Optional[str] = None) -> str:
        """Label in ``lang``, else Indonesian, else any, else the code."""
        for candidate in (lang, FALLBACK_LANG, "en"):
            if candidate and self.labels.get(candidate):
                return self.labels[candidate]
        return next((v for v in self.labels.values() if v), self.value)


@dataclasses.dataclass(frozen=True)
class CodeList:
    """An ordered, immutable code list loaded from one CSV file."""

    name: str
    key: str
    codes: tuple[Code, ...]
    source: str

    def __iter__(self) -> Iterator[Code]:
        return iter(self.codes)

    def __len__(self) -> int:
        return len(self.codes)

    def __contains__(self, value: object) -> bool:
        return value in self._index

    @functools.cached_property
    def _index(self) -> dict[str, Code]:
        return {c.value: c for c in self.codes}

    def values(self) -> list[str]:
        """The codes in file order."""
        return [c.value for c in self.codes]

    def get(self, value: str) -> Optional[Code]:
        """The entry for ``value`` or None."""
        return self._index.get(value)

    def label(self, value: str, lang: Optional[str] = None) -> str:
        """Label of ``value`` (the value itself if unknown)."""
        code = self.get(value)
        return code.label(lang) if code else value

    def where(self, **extra: str) -> list[Code]:
        """Entries whose extra columns equal the given values."""
        return [
            c for c in self.codes
            if all(c.extra.get(k) == v for k, v in extra.items())
        ]

    def choices(self) -> list[dict[str, object]]:
        """Scheming choices: ``[{"value": ..., "label": {lang: ...}}]``."""
        return [
            {"value": c.value, "label": dict(c.labels) or c.value}
            for c in self.codes
        ]


def shipped_dir() -> Path:
    """Directory of the code lists shipped with the package."""
    return Path(str(resources.files("ckanext.sektoral.schemas") / "codes"))


#: Where the portal's configured override directory comes from: set by the
#: plugin (:func:`use_configuration`) to read ``ckanext.sektoral.codes_path``;
#: without it (plain unit tests, scripts) only the shipped files are used.
_configured: Optional[Callable[[], str]] = None


def use_configuration(reader: Optional[Callable[[], str]]) -> None:
    """Read the override directory through ``reader`` from now on (the
    adapter's configuration getter), or stop with None."""
    global _configured
    _configured = reader
    clear_cache()


def configured_dir() -> Optional[Path]:
    """Override directory from ``ckanext.sektoral.codes_path`` (or None)."""
    if _configured is None:
        return None
    path = _configured()
    return Path(path) if path else None


def source_path(name: str, directory: Union[str, Path, None] = None) -> Path:
    """The file that serves list ``name``: the override if it exists."""
    filename = f"{name}.csv"
    if directory:
        candidate = Path(directory) / filename
        if candidate.is_file():
            return candidate
    shipped = shipped_dir() / filename
    if shipped.is_file():
        return shipped
    raise CodeListError(f"code list {name!r} not found ({filename})")


def parse(name: str, path: Path) -> CodeList:
    """Read and check one CSV code list."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            header = [h.strip() for h in (reader.fieldnames or [])]
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise CodeListError(f"{path}: cannot read code list: {e}") from e
    if not header:
        raise CodeListError(f"{path}: empty code list")
    key = header[0]
    label_cols = [h for h in header if h.startswith(LABEL_PREFIX)]
    if not label_cols:
        raise CodeListError(f"{path}: no label_<lang> column")
    codes: list[Code] = []
    seen: set[str] = set()
    for lineno, raw in enumerate(rows, start=2):
        row = {
            (k or "").strip(): (v or "").strip() for k, v in raw.items()
            if k is not None
        }
        value = row.get(key, "")
        if not value:
            if not any(row.values()):
                continue  # blank line
            raise CodeListError(f"{path}:{lineno}: empty code")
        if value in seen:
            raise CodeListError(f"{path}:{lineno}: duplicate code {value!r}")
        seen.add(value)
        labels = {
            col[len(LABEL_PREFIX):]: row.get(col, "") for col in label_cols
        }
        if not any(labels.values()):
            raise CodeListError(f"{path}:{lineno}: code {value!r} has no label")
        extra = {
            k: v for k, v in row.items()
            if k != key and not k.startswith(LABEL_PREFIX)
        }
        codes.append(Code(value=value, labels=labels, extra=extra))
    return CodeList(name=name, key=key, codes=tuple(codes), source=str(path))


@functools.lru_cache(maxsize=128)
def _load_cached(name: str, directory: Optional[str]) -> CodeList:
    path = source_path(name, directory)
    code_list = parse(name, path)
    log.debug("Loaded code list %s from %s", name, path)
    return code_list


def load(name: str, directory: Union[str, Path, None] = None) -> CodeList:
    """Code list ``name`` (cached).

    :param directory: override directory; default: the configured
        ``ckanext.sektoral.codes_path`` (shipped files only if unset).
    """
    if directory is None:
        directory = configured_dir()
    return _load_cached(name, str(directory) if directory else None)


def clear_cache() -> None:
    """Forget loaded lists (after changing files or configuration)."""
    _load_cached.cache_clear()


def province(directory: Union[str, Path, None] = None,
             kode: Optional[str] = None) -> Code:
    """The province entry of ``wilayah`` (``kode`` or the only one)."""
    wilayah = load("wilayah", directory)
    if kode:
        code = wilayah.get(kode)
        if code is None:
            raise CodeListError(f"region {kode!r} not in {wilayah.source}")
        return code
    provinces = wilayah.where(tingkat="provinsi")
    if len(provinces) != 1:
        raise CodeListError(
            f"{wilayah.source}: expected one row with tingkat=provinsi")
    return provinces[0]


def regencies(directory: Union[str, Path, None] = None) -> list[Code]:
    """Kabupaten and kota of ``wilayah`` in file order."""
    return [
        c for c in load("wilayah", directory)
        if c.extra.get("tingkat") in ("kabupaten", "kota")
    ]
