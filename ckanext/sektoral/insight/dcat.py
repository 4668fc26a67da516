"""DCAT-compatible JSON-LD of published datasets (schema.org + DCAT terms).

ckanext-dcat is not part of the pinned stack, so the portal serves its own
JSON-LD: a ``schema:Dataset`` (what search engines and most harvesters read)
that also carries the DCAT / Dublin Core terms DCAT-AP harvesters map
(``dcat:theme``, ``dct:accrualPeriodicity``, ``dct:temporal``,
``dct:spatial``, ``dcat:distribution`` with ``dcat:downloadURL``), and the
Satu Data Indonesia fields as ``additionalProperty`` entries whose
``propertyID`` is the field name of the ``data-sektoral`` schema (so a
harvester that knows SDI finds ``frekuensi_penerbitan``, ``satuan``,
``definisi`` ... by name, with code and label).

Plain functions: ``dataset_jsonld(pkg, urls)`` and ``catalog_jsonld(...)``.
"""
from __future__ import annotations

from typing import Any, Callable, Optional

from ckanext.sektoral.core import codes
from ckanext.sektoral.core.completeness import is_data_resource

CONTEXT = {
    "@vocab": "https://schema.org/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "adms": "http://www.w3.org/ns/adms#",
    "sektoral": "urn:ckanext-sektoral:",
}

#: ADMS status of a withdrawn dataset (EU dataset-status vocabulary).
ADMS_WITHDRAWN = ("http://publications.europa.eu/resource/authority/"
                  "dataset-status/WITHDRAWN")

#: EU frequency vocabulary (DCAT-AP) of the ``frekuensi`` codes.
FREQUENCY_URIS = {
    "harian": "DAILY", "mingguan": "WEEKLY", "bulanan": "MONTHLY",
    "triwulanan": "QUARTERLY", "empat_bulanan": "ANNUAL_3",
    "semesteran": "ANNUAL_2", "tahunan": "ANNUAL",
    "lebih_dari_dua_tahunan": "OTHER",
}
FREQUENCY_BASE = "http://publications.europa.eu/resource/authority/frequency/"

#: SDI fields published as ``additionalProperty`` (field, code list or None).
SDI_FIELDS: tuple[tuple[str, Optional[str]], ...] = (
    ("frekuensi_penerbitan", "frekuensi"),
    ("tahun_awal", None),
    ("tahun_akhir", None),
    ("level_penyajian", "level_penyajian"),
    ("cakupan", None),
    ("kode_wilayah", "wilayah"),
    ("konsep", None),
    ("definisi", None),
    ("klasifikasi", None),
    ("ukuran", None),
    ("satuan", None),
    ("cara_pengumpulan_data", "cara_pengumpulan"),
    ("metode_pengumpulan_data", "metode_pengumpulan"),
    ("sektor_kegiatan", "sektor_kegiatan"),
    ("urusan_pemerintahan", "urusan_pemerintahan"),
    ("klasifikasi_akses", "klasifikasi_akses"),
    ("status_angka", "status_angka"),
    ("rujukan", None),
    ("kode_kegiatan_bps", None),
    ("nomor_rekomendasi_bps", None),
)

Labeller = Callable[[str, str], str]


def _label(list_name: str, value: str) -> str:
    try:
        return codes.load(list_name).label(value, "id")
    except Exception:  # unknown list: the code itself
        return value


def _values(value: Any) -> list[str]:
    if value in (None, "", []):
        return []
    if isinstance(value, list):
        return [str(v) for v in value if v not in (None, "")]
    return [str(value)]


def dataset_jsonld(pkg: dict[str, Any], *, dataset_url: str,
                   download_urls: Optional[dict[str, str]] = None,
                   variables: Optional[list[dict[str, Any]]] = None,
                   with_context: bool = True,
                   withdrawal: Optional[dict[str, Any]] = None
                   ) -> dict[str, Any]:
    """JSON-LD of one dataset.

    A withdrawn dataset (``withdrawal``: its notice with ``created``,
    ``note`` and ``text``) says so: ``adms:status`` withdrawn,
    ``creativeWorkStatus`` "Withdrawn", the notice first in the
    description and in ``sektoral:withdrawalNotice``, and no distribution
    of its data (the downloads answer 410).

    :param dataset_url: absolute URL of the dataset page (the ``@id``)
    :param download_urls: ``{"text/csv": url, ...}`` of the portal's own
        downloads of the validated data (added as distributions)
    :param variables: the Table Schema fields of the data file (MS-Var:
        name, title, description) for ``variableMeasured``
    """
    doc: dict[str, Any] = {}
    if with_context:
        doc["@context"] = CONTEXT
    doc.update({
        "@type": ["Dataset", "dcat:Dataset"],
        "@id": dataset_url,
        "url": dataset_url,
        "identifier": pkg.get("id"),
        "name": pkg.get("title") or pkg.get("name"),
        "description": pkg.get("notes") or "",
        "inLanguage": "id",
        "isAccessibleForFree": True,
    })
    tags = [t.get("display_name") or t.get("name")
            for t in pkg.get("tags") or []]
    if tags:
        doc["keywords"] = tags
    if pkg.get("license_url"):
        doc["license"] = pkg["license_url"]
    elif pkg.get("license_title"):
        doc["license"] = pkg["license_title"]
    org = pkg.get("organization") or {}
    if org:
        publisher = {"@type": "GovernmentOrganization",
                     "name": org.get("title") or org.get("name")}
        doc["publisher"] = publisher
        doc["creator"] = publisher
        doc["dct:publisher"] = {"@type": "dct:Agent",
                                "name": publisher["name"]}
    if pkg.get("maintainer") or pkg.get("maintainer_email"):
        contact: dict[str, Any] = {"@type": "ContactPoint",
                                   "contactType": "data"}
        if pkg.get("maintainer"):
            contact["name"] = pkg["maintainer"]
        if pkg.get("maintainer_email"):
            contact["email"] = pkg["maintainer_email"]
        doc["contactPoint"] = contact
        doc["dcat:contactPoint"] = contact
    if pkg.get("metadata_created"):
        doc["datePublished"] = pkg["metadata_created"][:10]
        doc["dct:issued"] = pkg["metadata_created"][:10]
    if pkg.get("metadata_modified"):
        doc["dateModified"] = pkg["metadata_modified"][:10]
        doc["dct:modified"] = pkg["metadata_modified"][:10]
    first, last = pkg.get("tahun_awal"), pkg.get("tahun_akhir")
    if first or last:
        first, last = first or last, last or first
        doc["temporalCoverage"] = f"{first}/{last}" if first != last \
            else str(first)
        doc["dct:temporal"] = {"@type": "dct:PeriodOfTime",
                               "dcat:startDate": f"{first}-01-01",
                               "dcat:endDate": f"{last}-12-31"}
    if pkg.get("cakupan") or pkg.get("kode_wilayah"):
        place: dict[str, Any] = {"@type": "Place"}
        if pkg.get("cakupan"):
            place["name"] = pkg["cakupan"]
        if pkg.get("kode_wilayah"):
            place["identifier"] = pkg["kode_wilayah"]
        doc["spatialCoverage"] = place
        doc["dct:spatial"] = place
    freq = pkg.get("frekuensi_penerbitan")
    if freq in FREQUENCY_URIS:
        doc["dct:accrualPeriodicity"] = {
            "@id": FREQUENCY_BASE + FREQUENCY_URIS[freq]}
    themes = [_label("urusan_pemerintahan", v)
              for v in _values(pkg.get("urusan_pemerintahan"))]
    themes += [_label("sektor_kegiatan", v)
               for v in _values(pkg.get("sektor_kegiatan"))]
    if themes:
        doc["dcat:theme"] = themes
        doc["about"] = themes
    methods = [_label("cara_pengumpulan", v)
               for v in _values(pkg.get("cara_pengumpulan_data"))]
    if methods:
        doc["measurementTechnique"] = methods
    if pkg.get("rujukan"):
        doc["citation"] = pkg["rujukan"]

    properties = []
    for field, list_name in SDI_FIELDS:
        for value in _values(pkg.get(field)):
            prop: dict[str, Any] = {"@type": "PropertyValue",
                                    "propertyID": field, "value": value}
            if list_name:
                prop["valueReference"] = _label(list_name, value)
            properties.append(prop)
    if properties:
        doc["additionalProperty"] = properties

    if variables:
        unit = pkg.get("satuan")
        measured = []
        for variable in variables:
            entry: dict[str, Any] = {"@type": "PropertyValue",
                                     "propertyID": variable.get("name"),
                                     "name": variable.get("title")
                                     or variable.get("name")}
            if variable.get("description"):
                entry["description"] = variable["description"]
            if unit and variable.get("type") in ("number", "integer") \
                    and not str(variable.get("name", "")).startswith("kode_"):
                entry["unitText"] = unit
            measured.append(entry)
        doc["variableMeasured"] = measured

    distributions = []
    for res in pkg.get("resources") or []:
        if not res.get("url"):
            continue
        dist = {"@type": ["DataDownload", "dcat:Distribution"],
                "name": res.get("name") or res.get("url"),
                "contentUrl": res["url"], "dcat:downloadURL": res["url"]}
        if res.get("format"):
            dist["encodingFormat"] = res["format"]
            dist["dct:format"] = res["format"]
        if res.get("description"):
            dist["description"] = res["description"]
        distributions.append(dist)
    for mimetype, url in (download_urls or {}).items():
        distributions.append({"@type": ["DataDownload", "dcat:Distribution"],
                              "contentUrl": url, "dcat:downloadURL": url,
                              "encodingFormat": mimetype,
                              "dcat:mediaType": mimetype})
    if withdrawal is not None:
        text = withdrawal.get("text") or withdrawal.get("note") or ""
        doc["adms:status"] = {"@id": ADMS_WITHDRAWN}
        doc["creativeWorkStatus"] = "Withdrawn"
        doc["sektoral:withdrawalNotice"] = text
        doc["sektoral:withdrawn"] = (withdrawal.get("created") or "")[:10]
        doc["description"] = f"{text}\n\n{doc['description']}".strip()
        data_urls = {r.get("url") for r in pkg.get("resources") or []
                     if is_data_resource(r)}
        distributions = [d for d in distributions
                         if d["contentUrl"] not in data_urls
                         and d["contentUrl"] not in
                         (download_urls or {}).values()]
    if distributions:
        doc["distribution"] = distributions
    return doc


def catalog_jsonld(*, title: str, url: str, description: str,
                   datasets: list[dict[str, Any]], total: int,
                   next_url: Optional[str] = None) -> dict[str, Any]:
    """A ``DataCatalog`` / ``dcat:Catalog`` of dataset documents."""
    doc: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": ["DataCatalog", "dcat:Catalog"],
        "@id": url,
        "url": url,
        "name": title,
        "description": description,
        "inLanguage": "id",
        "numberOfItems": total,
        "dataset": datasets,
    }
    if next_url:
        doc["relatedLink"] = next_url
    return doc
