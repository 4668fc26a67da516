"""Demo data of the single-machine portal.

* :func:`seed` (``ckan sektoral seed-demo``): the OPD of Pemprov Maluku
  Utara with their SDI organization fields, one user per role, and the
  Walidata / Pembina positions.
* :func:`load_cycle` (``ckan sektoral demo``, after :func:`seed`): the
  cycle ``2026-S1`` with 36 items of 12 OPD spread over every stage of the
  SOP. Items are created by importing a data list, and moved through the
  workflow only by the real actions, called as the user the SOP names for
  each step (staff requests, the OPD fills the metadata, uploads a data
  file and submits, the Kasie returns or accepts, staff process and draft,
  the Kabid checks, the Kadis approves, staff publish): the audit log, the
  activity streams, the validation reports and the search index are the
  ones real use produces.

Idempotent: every object of :func:`seed` is looked up first and created or
completed only when missing; :func:`load_cycle` does nothing when the
cycle exists, unless ``reset=True``, which first deletes the cycle's
datasets, files, validation reports, items and audit rows.

All data values are made up (plausible orders of magnitude for Maluku
Utara, not official figures); each dataset says so in its description.
"""
from __future__ import annotations

import contextlib
import csv
import dataclasses
import datetime as dt
import io
import json
import logging
import os
import random
import re
import time
from typing import Any, Iterator, Optional

import ckan.plugins.toolkit as tk

from ckanext.sektoral.logic.context import site_context, site_user

log = logging.getLogger(__name__)

WALIDATA_ORG = "diskominfo-malut"

#: The demo cycle.
DEMO_CYCLE = "2026-S1"
DEMO_CYCLE_TITLE = "Siklus Semester I 2026"
DEMO_CYCLE_START = dt.date(2026, 1, 5)

_ADDRESS = ("Kompleks Perkantoran Pemerintah Provinsi Maluku Utara, Sofifi, "
            "Kota Tidore Kepulauan")
_EMAIL_DOMAIN = "demo.sektoral.local"


@dataclasses.dataclass(frozen=True)
class DemoOrg:
    """One OPD with the fields of the ``opd`` organization schema."""

    name: str
    title: str
    description: str
    singkatan: str = ""
    kode_opd: str = ""
    jenis_opd: str = "dinas"
    bidang_urusan: tuple[str, ...] = ()
    peran_sdi: tuple[str, ...] = ("produsen_data",)
    telepon: str = ""

    def fields(self) -> dict[str, Any]:
        """The organization dict for ``organization_create``/``_patch``."""
        slug = self.singkatan.lower().replace(" ", "")
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "kode_opd": self.kode_opd,
            "singkatan": self.singkatan,
            "nama_resmi": self.title,
            "jenis_opd": self.jenis_opd,
            "bidang_urusan": list(self.bidang_urusan),
            "peran_sdi": list(self.peran_sdi),
            "kontak_nama": f"Pengelola Data {self.singkatan}",
            "kontak_jabatan": "Operator Data Sektoral",
            "kontak_email": f"data.{slug}@{_EMAIL_DOMAIN}",
            "kontak_telepon": self.telepon,
            "alamat": _ADDRESS,
        }


@dataclasses.dataclass(frozen=True)
class DemoUser:
    name: str
    fullname: str
    role: str  # what the person does in the demo (shown to the operator)
    org: Optional[str] = None  # organization the user is a member of
    capacity: str = "editor"
    sysadmin: bool = False
    position: Optional[str] = None  # Walidata / Pembina position


def _org(name: str, title: str, singkatan: str, kode: str, urusan: tuple[str, ...],
         what: str, jenis: str = "dinas", telepon: str = "",
         peran: tuple[str, ...] = ("produsen_data",)) -> DemoOrg:
    return DemoOrg(
        name=name, title=title, singkatan=singkatan, kode_opd=kode,
        jenis_opd=jenis, bidang_urusan=urusan, peran_sdi=peran,
        telepon=telepon,
        description=f"Produsen data bidang {what} (data contoh portal demo).")


ORGS: tuple[DemoOrg, ...] = (
    DemoOrg(
        WALIDATA_ORG,
        "Dinas Komunikasi, Informatika dan Persandian Provinsi Maluku Utara",
        "Walidata Provinsi Maluku Utara: memeriksa dan menyebarluaskan "
        "data sektoral sesuai prinsip Satu Data Indonesia.",
        singkatan="Diskominfo", kode_opd="2.16.2.20.2.21.01.0000",
        bidang_urusan=("2.16", "2.20", "2.21"), peran_sdi=("walidata",),
        telepon="0921 3121001"),
    _org("bappeda-malut",
         "Badan Perencanaan Pembangunan Daerah Provinsi Maluku Utara",
         "Bappeda", "5.01.5.05.0.00.01.0000", ("5.01", "5.05"),
         "perencanaan pembangunan", jenis="badan", telepon="0921 3121002",
         peran=("produsen_data", "walidata_pendukung")),
    _org("dinas-pangan-malut", "Dinas Pangan Provinsi Maluku Utara",
         "Dinas Pangan", "2.09.0.00.0.00.01.0000", ("2.09",), "pangan",
         telepon="0921 3121003"),
    _org("dkp-malut", "Dinas Kelautan dan Perikanan Provinsi Maluku Utara",
         "DKP", "3.25.0.00.0.00.01.0000", ("3.25",),
         "kelautan dan perikanan", telepon="0921 3121004"),
    _org("disdikbud-malut",
         "Dinas Pendidikan dan Kebudayaan Provinsi Maluku Utara",
         "Disdikbud", "1.01.2.22.0.00.01.0000", ("1.01", "2.22"),
         "pendidikan dan kebudayaan", telepon="0921 3121005"),
    _org("dinkes-malut", "Dinas Kesehatan Provinsi Maluku Utara",
         "Dinkes", "1.02.0.00.0.00.01.0000", ("1.02",), "kesehatan",
         telepon="0921 3121006"),
    _org("distan-malut", "Dinas Pertanian Provinsi Maluku Utara",
         "Distan", "3.27.0.00.0.00.01.0000", ("3.27",), "pertanian",
         telepon="0921 3121007"),
    _org("dinas-pupr-malut",
         "Dinas Pekerjaan Umum dan Penataan Ruang Provinsi Maluku Utara",
         "Dinas PUPR", "1.03.0.00.0.00.01.0000", ("1.03",),
         "pekerjaan umum dan penataan ruang", telepon="0921 3121008"),
    _org("dinsos-malut", "Dinas Sosial Provinsi Maluku Utara",
         "Dinsos", "1.06.0.00.0.00.01.0000", ("1.06",), "sosial",
         telepon="0921 3121009"),
    _org("disdukcapil-malut",
         "Dinas Kependudukan dan Pencatatan Sipil Provinsi Maluku Utara",
         "Disdukcapil", "2.12.0.00.0.00.01.0000", ("2.12",),
         "administrasi kependudukan dan pencatatan sipil",
         telepon="0921 3121010"),
    _org("dishub-malut", "Dinas Perhubungan Provinsi Maluku Utara",
         "Dishub", "2.15.0.00.0.00.01.0000", ("2.15",), "perhubungan",
         telepon="0921 3121011"),
    _org("dispar-malut", "Dinas Pariwisata Provinsi Maluku Utara",
         "Dispar", "3.26.0.00.0.00.01.0000", ("3.26",), "pariwisata",
         telepon="0921 3121012"),
    _org("bpkad-malut",
         "Badan Pengelolaan Keuangan dan Aset Daerah Provinsi Maluku Utara",
         "BPKAD", "5.02.0.00.0.00.01.0000", ("5.02",),
         "keuangan dan aset daerah", jenis="badan", telepon="0921 3121013"),
)

USERS: tuple[DemoUser, ...] = (
    DemoUser("admin", "Administrator Portal", "sysadmin", sysadmin=True),
    DemoUser("walidata-staf", "Staf Walidata", "staf", WALIDATA_ORG,
             position="staf"),
    DemoUser("walidata-kasie", "Kepala Seksi Statistik", "kasie", WALIDATA_ORG,
             position="kasie"),
    DemoUser("walidata-kabid", "Kepala Bidang Statistik", "kabid", WALIDATA_ORG,
             position="kabid"),
    DemoUser("walidata-kadis", "Kepala Dinas Kominfo", "kadis", WALIDATA_ORG,
             capacity="admin", position="kadis"),
    DemoUser("bps-malut", "BPS Provinsi Maluku Utara", "pembina",
             position="pembina"),
    DemoUser("opd-bappeda", "Produsen Data Bappeda", "produsen", "bappeda-malut"),
    DemoUser("opd-pangan", "Produsen Data Dinas Pangan", "produsen",
             "dinas-pangan-malut"),
    DemoUser("opd-dkp", "Produsen Data DKP", "produsen", "dkp-malut"),
    DemoUser("opd-disdikbud", "Produsen Data Disdikbud", "produsen",
             "disdikbud-malut"),
    DemoUser("opd-dinkes", "Produsen Data Dinkes", "produsen", "dinkes-malut"),
    DemoUser("opd-distan", "Produsen Data Distan", "produsen", "distan-malut"),
    DemoUser("opd-pupr", "Produsen Data Dinas PUPR", "produsen",
             "dinas-pupr-malut"),
    DemoUser("opd-dinsos", "Produsen Data Dinsos", "produsen", "dinsos-malut"),
    DemoUser("opd-dukcapil", "Produsen Data Disdukcapil", "produsen",
             "disdukcapil-malut"),
    DemoUser("opd-dishub", "Produsen Data Dishub", "produsen", "dishub-malut"),
    DemoUser("opd-dispar", "Produsen Data Dispar", "produsen", "dispar-malut"),
    DemoUser("opd-bpkad", "Produsen Data BPKAD", "produsen", "bpkad-malut"),
)


def _site_user() -> str:
    return site_user()


def _context() -> dict[str, Any]:
    return site_context()


def _show(action: str, id_: str) -> Optional[dict[str, Any]]:
    try:
        return tk.get_action(action)(_context(), {"id": id_})
    except tk.ObjectNotFound:
        return None


def seed(password: str) -> list[DemoUser]:
    """Create the demo organizations, users, memberships and positions if
    missing; complete the SDI fields of organizations created by an
    earlier version. Returns the demo users (created now or before)."""
    for org in ORGS:
        existing = _show("organization_show", org.name)
        if existing is None:
            tk.get_action("organization_create")(_context(), org.fields())
            log.info("created organization %s", org.name)
        elif not existing.get("kode_opd"):
            tk.get_action("organization_patch")(
                _context(), dict(org.fields(), id=existing["id"]))
            log.info("completed organization %s", org.name)
    for user in USERS:
        if _show("user_show", user.name) is None:
            tk.get_action("user_create")(_context(), {
                "name": user.name,
                "fullname": user.fullname,
                "email": f"{user.name}@{_EMAIL_DOMAIN}",
                "password": password,
            })
            log.info("created user %s", user.name)
        if user.sysadmin:
            _make_sysadmin(user.name)
        if user.org:
            tk.get_action("organization_member_create")(_context(), {
                "id": user.org,
                "username": user.name,
                "role": user.capacity,
            })
        if user.position:
            tk.get_action("sektoral_position_assign")(_context(), {
                "user": user.name, "position": user.position})
    return list(USERS)


def _make_sysadmin(name: str) -> None:
    from ckan import model

    obj = model.User.get(name)
    if obj is not None and not obj.sysadmin:
        obj.sysadmin = True
        model.Session.commit()


# -- the demo cycle -------------------------------------------------------------

#: Target stages, in SOP order (also the order of the summary).
STAGES = ("direncanakan", "diminta", "dikirim", "dikembalikan", "diterima",
          "diolah", "dalam_laporan", "diperiksa", "disetujui",
          "dipublikasikan")

#: Transitions that bring a new item to each target stage.
_PATHS: dict[str, tuple[str, ...]] = {
    "direncanakan": (),
    "diminta": ("request",),
    "dikirim": ("request", "submit"),
    "dikembalikan": ("request", "submit", "return"),
    "diterima": ("request", "submit", "accept"),
    "diolah": ("request", "submit", "accept", "process"),
    "dalam_laporan": ("request", "submit", "accept", "process", "draft"),
    "diperiksa": ("request", "submit", "accept", "process", "draft", "check"),
    "disetujui": ("request", "submit", "accept", "process", "draft", "check",
                  "approve"),
    "dipublikasikan": ("request", "submit", "accept", "process", "draft",
                       "check", "approve", "publish"),
}

#: BPS code of each kabupaten/kota -> (share of the province's population,
#: offset of rate indicators from the province value).
_REGENCY_PROFILE: dict[int, tuple[float, float]] = {
    8201: (0.102, -1.6),  # Halmahera Barat
    8202: (0.070, 0.4),   # Halmahera Tengah
    8203: (0.080, -2.1),  # Kepulauan Sula
    8204: (0.188, -1.2),  # Halmahera Selatan
    8205: (0.148, -0.3),  # Halmahera Utara
    8206: (0.071, -0.9),  # Halmahera Timur
    8207: (0.057, -2.6),  # Pulau Morotai
    8208: (0.045, -4.8),  # Pulau Taliabu
    8271: (0.153, 6.9),   # Kota Ternate
    8272: (0.086, 3.1),   # Kota Tidore Kepulauan
}


@dataclasses.dataclass(frozen=True)
class DemoItem:
    """One item of the demo data list and how far it goes."""

    org: str
    title: str
    satuan: str
    template: str
    urusan: str
    stage: str
    sektor: str
    definisi: str
    #: ``count``: the province total ``base`` shared out by population;
    #: ``rate``: ``base`` plus each region's offset times ``spread``.
    kind: str = "count"
    base: float = 1000.0
    decimals: int = 0
    growth: float = 0.03
    spread: float = 1.0
    cara: str = "3"
    metode: tuple[str, ...] = ("data_sekunder",)
    frekuensi: str = "tahunan"
    konsep: str = ""
    #: Note of the Kasie's return (stage ``dikembalikan``).
    return_note: str = ""
    #: Returned once and resubmitted before going further (history).
    returned_once: str = ""
    #: Sent back by the checker after drafting (history).
    report_returned: str = ""
    #: BPS symbols replacing values: ``{(region code, year): symbol}``.
    symbols: tuple[tuple[int, int, str], ...] = ()
    #: Upload a data file that fails validation (and do not submit).
    bad_file: bool = False
    #: Fill the metadata (not for items the OPD has not started on).
    metadata: bool = True
    tags: tuple[str, ...] = ()

    @property
    def level(self) -> str:
        return ("provinsi" if self.template.startswith("provinsi")
                else "kabupaten_kota")

    @property
    def years(self) -> tuple[int, int]:
        return (2019, 2025) if self.level == "provinsi" else (2023, 2025)

    @property
    def needs_file(self) -> bool:
        return self.bad_file or STAGES.index(self.stage) >= STAGES.index(
            "dikirim")


_KK = "kabupaten_kota_tahunan"
_KK_ID = "kabupaten_kota_tahunan_angka_id"
_PR = "provinsi_runtun_waktu"
_PR_ID = "provinsi_runtun_waktu_angka_id"

ITEMS: tuple[DemoItem, ...] = (
    # Bappeda
    DemoItem("bappeda-malut", "Indeks Pembangunan Manusia Menurut Kabupaten/Kota",
             "indeks", _KK_ID, "5.01", "dipublikasikan", "3",
             "Indeks komposit capaian pembangunan manusia dari dimensi umur "
             "panjang dan hidup sehat, pengetahuan, serta standar hidup layak.",
             kind="rate", base=70.6, decimals=2, growth=0.006,
             konsep="Pembangunan manusia menurut metode UNDP/BPS.",
             tags=("ipm", "pembangunan manusia")),
    DemoItem("bappeda-malut", "Persentase Penduduk Miskin Menurut Kabupaten/Kota",
             "persen", _KK_ID, "5.01", "dikirim", "21",
             "Persentase penduduk dengan rata-rata pengeluaran per kapita per "
             "bulan di bawah garis kemiskinan.",
             kind="rate", base=6.4, decimals=2, growth=-0.02, spread=-0.6,
             cara="2", metode=("wawancara",)),
    DemoItem("bappeda-malut", "Laju Pertumbuhan Ekonomi Provinsi Maluku Utara",
             "persen", _PR_ID, "5.01", "dalam_laporan", "14",
             "Pertumbuhan PDRB atas dasar harga konstan dibanding tahun "
             "sebelumnya.",
             kind="rate", base=13.5, decimals=2, growth=0.08),
    # Dinas Pangan
    DemoItem("dinas-pangan-malut", "Produksi Beras Menurut Kabupaten/Kota",
             "ton", _KK, "2.09", "dipublikasikan", "1",
             "Jumlah beras hasil konversi gabah kering giling yang diproduksi "
             "dalam satu tahun.",
             base=21800, growth=0.025, tags=("pangan", "beras"),
             symbols=((8271, 2023, "-"), (8271, 2024, "-"), (8271, 2025, "-"))),
    DemoItem("dinas-pangan-malut",
             "Rata-rata Harga Beras Medium Tingkat Konsumen",
             "rupiah/kg", _PR_ID, "2.09", "diterima", "17",
             "Rata-rata harga eceran beras kualitas medium di pasar "
             "tradisional dalam satu tahun.",
             kind="rate", base=11250, decimals=0, growth=0.045,
             cara="3", metode=("observasi",)),
    DemoItem("dinas-pangan-malut", "Skor Pola Pangan Harapan (PPH)", "skor",
             _PR_ID, "2.09", "diminta", "1",
             "Skor komposisi konsumsi pangan penduduk terhadap pola pangan "
             "harapan (maksimum 100).",
             kind="rate", base=82.4, decimals=1, growth=0.01),
    DemoItem("dinas-pangan-malut", "Ketersediaan Energi per Kapita",
             "kkal/kapita/hari", _PR_ID, "2.09", "direncanakan", "1",
             "Jumlah energi pangan yang tersedia untuk dikonsumsi per "
             "penduduk per hari.", metadata=False),
    # DKP
    DemoItem("dkp-malut", "Produksi Perikanan Tangkap Menurut Kabupaten/Kota",
             "ton", _KK_ID, "3.25", "dipublikasikan", "1",
             "Volume ikan dan biota air lain hasil penangkapan di laut dan "
             "perairan umum yang didaratkan.",
             base=312450.5, decimals=1, growth=0.04,
             returned_once="Satuan di berkas data masih kuintal; mohon "
                           "konversi ke ton sesuai metadata.",
             # one of each BPS symbol (workflow/symbols.py): nihil "-" and
             # "–", not available "...", "…" and "NA", confidential "x"
             symbols=((8271, 2023, "-"), (8272, 2023, "\u2013"),
                      (8208, 2024, "..."), (8207, 2024, "\u2026"),
                      (8206, 2025, "NA"), (8205, 2025, "x")),
             tags=("perikanan", "tangkap")),
    DemoItem("dkp-malut", "Jumlah Nelayan Menurut Kabupaten/Kota", "orang",
             _KK, "3.25", "diolah", "1",
             "Orang yang mata pencahariannya melakukan penangkapan ikan.",
             base=41230, growth=0.012),
    DemoItem("dkp-malut", "Jumlah Kapal Perikanan Menurut Kabupaten/Kota",
             "unit", _KK, "3.25", "dikirim", "1",
             "Kapal dan perahu yang digunakan untuk menangkap ikan, menurut "
             "pendaftaran kapal perikanan.",
             base=9860, growth=0.02),
    DemoItem("dkp-malut", "Produksi Perikanan Budidaya Menurut Kabupaten/Kota",
             "ton", _KK_ID, "3.25", "direncanakan", "1",
             "Volume hasil budidaya ikan, udang dan rumput laut.",
             metadata=False),
    # Disdikbud
    DemoItem("disdikbud-malut",
             "Jumlah Sekolah Menengah Atas Menurut Kabupaten/Kota", "unit",
             _KK, "1.01", "diperiksa", "5",
             "Satuan pendidikan formal jenjang menengah atas (SMA) negeri dan "
             "swasta menurut Dapodik.",
             base=214, growth=0.01),
    DemoItem("disdikbud-malut",
             "Angka Partisipasi Murni SMA/SMK/Sederajat Menurut Kabupaten/Kota",
             "persen", _KK_ID, "1.01", "dikembalikan", "5",
             "Proporsi penduduk usia 16-18 tahun yang bersekolah di jenjang "
             "menengah terhadap seluruh penduduk usia 16-18 tahun.",
             kind="rate", base=67.8, decimals=2, growth=0.01,
             symbols=((8208, 2023, "..."),),
             return_note="Nilai APM Kabupaten Pulau Taliabu 2023 tertulis "
                         "\"...\"; mohon lengkapi atau jelaskan di catatan."),
    DemoItem("disdikbud-malut", "Jumlah Cagar Budaya Menurut Kabupaten/Kota",
             "objek", _KK, "2.22", "diminta", "5",
             "Benda, bangunan, struktur, situs dan kawasan cagar budaya yang "
             "telah ditetapkan.", metadata=False),
    # Dinkes
    DemoItem("dinkes-malut", "Jumlah Puskesmas Menurut Kabupaten/Kota", "unit",
             _KK, "1.02", "disetujui", "9",
             "Pusat kesehatan masyarakat rawat inap dan non rawat inap yang "
             "teregistrasi.",
             base=142, growth=0.01),
    DemoItem("dinkes-malut", "Jumlah Tenaga Kesehatan Menurut Kabupaten/Kota",
             "orang", _KK, "1.02", "diolah", "9",
             "Tenaga medis, keperawatan, kebidanan dan tenaga kesehatan lain "
             "yang bertugas di fasilitas pelayanan kesehatan.",
             base=9120, growth=0.03,
             report_returned="Angka Kota Ternate 2025 melonjak 40%; mohon "
                             "dicek ulang dengan data SISDMK."),
    DemoItem("dinkes-malut", "Prevalensi Balita Stunting Menurut Kabupaten/Kota",
             "persen", _KK_ID, "1.02", "dikembalikan", "9",
             "Persentase balita dengan tinggi badan menurut umur di bawah -2 "
             "standar deviasi median standar WHO.",
             kind="rate", base=23.7, decimals=1, growth=-0.04, spread=-0.8,
             return_note="Mohon cantumkan rujukan metode (e-PPGBM) dan "
                         "status angka."),
    DemoItem("dinkes-malut", "Jumlah Kematian Ibu Menurut Kabupaten/Kota",
             "kasus", _KK, "1.02", "direncanakan", "9",
             "Kematian perempuan saat hamil, bersalin atau dalam 42 hari "
             "setelah persalinan.", metadata=False),
    # Distan
    DemoItem("distan-malut", "Luas Panen Padi Menurut Kabupaten/Kota",
             "hektare", _KK_ID, "3.27", "diperiksa", "1",
             "Luas tanaman padi yang dipungut hasilnya dalam satu tahun.",
             base=13420.5, decimals=2, growth=0.02,
             symbols=((8271, 2023, "-"), (8271, 2024, "-"), (8271, 2025, "-"))),
    DemoItem("distan-malut", "Produksi Pala Menurut Kabupaten/Kota", "ton",
             _KK, "3.27", "diterima", "1",
             "Produksi biji pala kering perkebunan rakyat.",
             base=6870, growth=0.015),
    DemoItem("distan-malut", "Produksi Kelapa Dalam Menurut Kabupaten/Kota",
             "ton", _KK, "3.27", "diminta", "1",
             "Produksi kelapa dalam setara kopra perkebunan rakyat."),
    # PUPR
    DemoItem("dinas-pupr-malut", "Panjang Jalan Provinsi Menurut Kabupaten/Kota",
             "km", _KK_ID, "1.03", "dalam_laporan", "22",
             "Panjang ruas jalan berstatus jalan provinsi menurut keputusan "
             "gubernur.",
             base=1304.62, decimals=2, growth=0.005),
    DemoItem("dinas-pupr-malut",
             "Persentase Rumah Tangga dengan Akses Air Minum Layak",
             "persen", _KK_ID, "1.03", "dikirim", "19",
             "Persentase rumah tangga yang memiliki akses terhadap sumber air "
             "minum layak.",
             kind="rate", base=84.9, decimals=2, growth=0.01, cara="2",
             metode=("wawancara",)),
    # Dinsos
    DemoItem("dinsos-malut",
             "Jumlah Keluarga Penerima Bantuan Sosial Menurut Kabupaten/Kota",
             "keluarga", _KK, "1.06", "dalam_laporan", "21",
             "Keluarga penerima Program Keluarga Harapan dan bantuan sosial "
             "pangan.",
             base=58300, growth=-0.01),
    DemoItem("dinsos-malut",
             "Jumlah Penyandang Disabilitas Terdata Menurut Kabupaten/Kota",
             "orang", _KK, "1.06", "dikirim", "21",
             "Penyandang disabilitas yang tercatat dalam Data Terpadu "
             "Kesejahteraan Sosial.",
             base=7420, growth=0.02, symbols=((8208, 2023, "NA"),)),
    # Disdukcapil
    DemoItem("disdukcapil-malut", "Jumlah Penduduk Menurut Kabupaten/Kota",
             "jiwa", _KK, "2.12", "dipublikasikan", "2",
             "Penduduk adalah semua orang yang berdomisili di wilayah Provinsi "
             "Maluku Utara dan tercatat dalam database kependudukan.",
             base=1340000, growth=0.014,
             konsep="Penduduk menurut domisili administrasi kependudukan.",
             returned_once="Lengkapi konsep sesuai standar data SDI.",
             tags=("penduduk", "kependudukan")),
    DemoItem("disdukcapil-malut",
             "Jumlah Wajib KTP-el yang Telah Merekam Menurut Kabupaten/Kota",
             "jiwa", _KK, "2.12", "diterima", "2",
             "Penduduk wajib KTP elektronik yang telah melakukan perekaman "
             "biometrik.",
             base=945000, growth=0.02),
    DemoItem("disdukcapil-malut",
             "Persentase Anak yang Memiliki Akta Kelahiran Menurut Kabupaten/Kota",
             "persen", _KK_ID, "2.12", "diminta", "2",
             "Persentase anak usia 0-17 tahun yang memiliki akta kelahiran.",
             kind="rate", base=91.3, decimals=2, growth=0.01, bad_file=True),
    # Dishub
    DemoItem("dishub-malut", "Jumlah Penumpang Angkutan Penyeberangan",
             "orang", _PR, "2.15", "diterima", "22",
             "Penumpang yang berangkat dengan kapal penyeberangan dari "
             "pelabuhan di Maluku Utara.",
             base=1265000, growth=0.05,
             symbols=((82, 2020, "..."),)),
    DemoItem("dishub-malut", "Jumlah Pelabuhan Penyeberangan Menurut Kabupaten/Kota",
             "unit", _KK, "2.15", "diminta", "22",
             "Pelabuhan yang melayani angkutan penyeberangan."),
    # Dispar
    DemoItem("dispar-malut",
             "Jumlah Kunjungan Wisatawan Nusantara Menurut Kabupaten/Kota",
             "kunjungan", _KK, "3.26", "disetujui", "10",
             "Perjalanan wisatawan domestik ke objek dan daya tarik wisata.",
             base=318000, growth=0.08),
    DemoItem("dispar-malut", "Jumlah Hotel dan Penginapan Menurut Kabupaten/Kota",
             "unit", _KK, "3.26", "dikembalikan", "10",
             "Usaha akomodasi hotel berbintang, non-bintang dan penginapan.",
             base=212, growth=0.03,
             return_note="Definisi operasional belum sesuai klasifikasi "
                         "akomodasi BPS; mohon perbaiki definisi."),
    DemoItem("dispar-malut", "Jumlah Kunjungan Wisatawan Mancanegara",
             "kunjungan", _PR, "3.26", "diminta", "10",
             "Kunjungan warga negara asing ke Maluku Utara.",
             symbols=((82, 2020, "x"),), metadata=False),
    # BPKAD
    DemoItem("bpkad-malut", "Realisasi Pendapatan Asli Daerah",
             "miliar rupiah", _PR_ID, "5.02", "diolah", "7",
             "Realisasi penerimaan pajak daerah, retribusi daerah, hasil "
             "pengelolaan kekayaan daerah yang dipisahkan dan lain-lain PAD "
             "yang sah.",
             kind="rate", base=485.73, decimals=2, growth=0.09),
    DemoItem("bpkad-malut", "Realisasi Belanja Daerah", "miliar rupiah",
             _PR_ID, "5.02", "dikirim", "7",
             "Realisasi belanja operasi, belanja modal, belanja tidak terduga "
             "dan belanja transfer APBD.",
             kind="rate", base=2870.41, decimals=2, growth=0.06),
    DemoItem("bpkad-malut", "Nilai Aset Tetap Pemerintah Provinsi",
             "miliar rupiah", _PR_ID, "5.02", "direncanakan", "7",
             "Nilai buku aset tetap menurut neraca pemerintah daerah.",
             metadata=False),
)


@dataclasses.dataclass
class LoadResult:
    cycle: str
    skipped: bool
    total: int = 0
    stages: dict[str, int] = dataclasses.field(default_factory=dict)


# -- numbers and data files -------------------------------------------------------

def angka_id(value: float, decimals: int) -> str:
    """Indonesian number format: ``1.234,56``."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _value(item: DemoItem, rng: random.Random, share: float, offset: float,
           year_index: int) -> float:
    trend = (1 + item.growth) ** year_index
    noise = 1 + rng.uniform(-0.03, 0.03)
    if item.kind == "rate":
        return (item.base + offset * item.spread) * trend * noise
    return item.base * share * trend * noise


def data_csv(item: DemoItem, bad: bool = False) -> bytes:
    """A data file of ``item`` in the columns of its Table Schema template
    (BPS codes of ``schemas/codes/wilayah.csv``; Indonesian number format
    for ``*_angka_id`` templates; BPS symbols where ``item.symbols`` says).
    ``bad``: a file with two mistakes an OPD makes (an abbreviated region
    name, a note in a number cell) that validation must reject."""
    from ckanext.sektoral import codes, tables

    shipped = codes.shipped_dir()
    prov = codes.province(shipped)
    prov_code, prov_name = int(prov.extra["kode_bps"]), prov.label("id")
    descriptor = tables.load(item.template)
    header = [f["name"] for f in descriptor["fields"]]
    indonesian = item.template.endswith(tables.INDONESIAN_SUFFIX)
    symbols = {(code, year): symbol for code, year, symbol in item.symbols}
    rng = random.Random(item.title)
    first, last = item.years
    if item.level == "provinsi":
        regions = [(prov_code, prov_name, 1.0, 0.0)]
    else:
        regions = [(int(r.extra["kode_bps"]), r.label("id"),
                    *_REGENCY_PROFILE[int(r.extra["kode_bps"])])
                   for r in codes.regencies(shipped)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for year in range(first, last + 1):
        for code, name, share, offset in regions:
            value = _value(item, rng, share, offset, year - first)
            cell = (angka_id(value, item.decimals) if indonesian
                    else f"{value:.{item.decimals}f}")
            cell = symbols.get((code, year), cell)
            row = {"kode_provinsi": prov_code, "nama_provinsi": prov_name,
                   "kode_kabupaten_kota": code, "nama_kabupaten_kota": name,
                   "nilai": cell, "satuan": item.satuan, "tahun": year}
            if bad and year == first and code == regions[0][0]:
                row["nama_kabupaten_kota"] = "Kab. Halbar"
                row["nilai"] = "belum ada"
            writer.writerow([row[h] for h in header])
    return out.getvalue().encode("utf-8")


def _metadata(item: DemoItem, org: DemoOrg) -> dict[str, Any]:
    first, last = item.years
    fields: dict[str, Any] = {
        "notes": (f"{item.title}, Provinsi Maluku Utara {first}-{last}. "
                  f"{item.definisi}\n\nData contoh portal demo, bukan angka "
                  f"resmi."),
        "frekuensi_penerbitan": item.frekuensi,
        "tahun_awal": str(first),
        "tahun_akhir": str(last),
        "definisi": item.definisi,
        "cara_pengumpulan_data": item.cara,
        "metode_pengumpulan_data": list(item.metode),
        "sektor_kegiatan": item.sektor,
        "klasifikasi_akses": "publik",
        "status_angka": "sementara",  # the last year is preliminary
        "maintainer": f"Pengelola Data {org.singkatan}",
        "maintainer_email": org.fields()["kontak_email"],
    }
    if item.tags:
        fields["tags"] = [{"name": t} for t in item.tags]
    if item.konsep and not item.returned_once:
        fields["konsep"] = item.konsep
    return fields


# -- acting as a user -------------------------------------------------------------

@contextlib.contextmanager
def logged_in(user_name: str) -> Iterator[None]:
    """Run the block in a fresh Flask request (and app) context where
    ``user_name`` is the logged-in user.

    Why: ckanext-validation 2.2.0's ``resource_validation_run`` (called by
    ``resource_create`` to enqueue the validation job) reads the resource
    with ``resource_show({}, ...)``: an empty context, which CKAN fills
    with ``g.user`` (``ckan.logic._prepopulate_context``). Outside a web
    request that is anonymous, and anonymous may not read the resource of
    a *private* dataset, so every upload to an unpublished item would fail
    from the command line. Uploading as the OPD user "logged in" in a test
    request context is what the web form does; no auth is bypassed and
    the compat layer stays untouched. A new app context gives the block
    its own ``g``, so nothing leaks to the caller's context.
    """
    import flask
    import flask_login
    from ckan import model
    from ckan.common import g

    app = flask.current_app._get_current_object()  # type: ignore[attr-defined]
    user = model.User.get(user_name)
    lang = (flask.request.environ.get("CKAN_LANG")
            if flask.has_request_context() else None)
    with app.app_context(), app.test_request_context(
            environ_base={"CKAN_LANG": lang} if lang else None):
        g.user = user.name
        g.userobj = user
        flask_login.login_user(user)
        yield


@contextlib.contextmanager
def _quiet(*loggers: str) -> Iterator[None]:
    """Silence the named loggers in the block (below CRITICAL)."""
    saved = [(logging.getLogger(n), logging.getLogger(n).level)
             for n in loggers]
    for logger, _ in saved:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in saved:
            logger.setLevel(level)


# -- the loader --------------------------------------------------------------------

class _Runner:
    """Calls actions as the demo users (auth checked)."""

    def __init__(self) -> None:
        from ckanext.sektoral import config

        chain = config.approval_chain()
        holders = {u.position: u.name for u in USERS if u.position}
        self.staf = holders["staf"]
        self.kasie = holders["kasie"]
        self.checker = holders.get(chain.checker.value) if chain.checker else None
        self.approver = holders[chain.approver.value]
        self.producers = {u.org: u.name for u in USERS if u.role == "produsen"}

    @staticmethod
    def call(user: str, action: str, **data: Any) -> Any:
        return tk.get_action(action)({"user": user}, data)

    def actor(self, transition: str, item: DemoItem, stage: str) -> str:
        if transition == "submit":
            return self.producers[item.org]
        if transition in ("return", "accept"):
            return self.kasie
        if transition == "check":
            return self.checker or self.approver
        if transition == "approve":
            return self.approver
        if transition == "return_report":
            return (self.checker if stage == "dalam_laporan" and self.checker
                    else self.approver)
        return self.staf


def load_cycle(reset: bool = False) -> LoadResult:
    """Create the demo cycle with its items at every stage (needs
    :func:`seed` first). Does nothing if the cycle exists, unless
    ``reset``: then the cycle is deleted and loaded again."""
    from ckan import model
    from ckanext.sektoral.model import Cycle

    existing = model.Session.query(Cycle).filter(
        Cycle.code == DEMO_CYCLE).first()
    if existing is not None:
        if not reset:
            from ckanext.sektoral.documents import demo as documents_demo
            documents_demo.generate(DEMO_CYCLE)  # the missing documents only
            return LoadResult(DEMO_CYCLE, skipped=True)
        delete_cycle(existing.id)

    run = _Runner()
    orgs = {o.name: o for o in ORGS}
    mail_jobs_before = _mail_job_ids()
    run.call(run.staf, "sektoral_cycle_create", code=DEMO_CYCLE,
             title=DEMO_CYCLE_TITLE, start_date=DEMO_CYCLE_START.isoformat(),
             notes="Siklus contoh portal demo: data yang dikumpulkan dan "
                   "dipublikasikan pada semester I 2026.")

    # Step 1: staff import the data list, then send the request letters.
    ids = _import_datalist(run)
    items = list(zip(ITEMS, ids))
    for item, pkg_id in items:
        if item.stage != "direncanakan":
            run.call(run.staf, "sektoral_request", id=pkg_id)

    # Step 2: the OPD fill the metadata and upload their data files ...
    for item, pkg_id in items:
        if item.stage != "direncanakan" and item.metadata:
            run.call(run.producers[item.org], "package_patch", id=pkg_id,
                     **_metadata(item, orgs[item.org]))
    resources: dict[str, str] = {}
    for item, pkg_id in items:
        if item.needs_file:
            resources[pkg_id] = _upload(run.producers[item.org], item, pkg_id)
    # ... which ckanext-validation checks in the background (RQ): run the
    # queued jobs here, in this process, so the submissions pass the gate.
    run_validation_jobs()
    statuses = _wait_for_validation(resources)
    for item, pkg_id in items:
        status = statuses.get(pkg_id)
        expected = "failure" if item.bad_file else "success"
        if item.needs_file and status != expected:
            raise RuntimeError(f"demo data file of {item.title!r}: validation "
                               f"{status}, expected {expected}")

    # Steps 2-6 as far as each item goes.
    for item, pkg_id in items:
        if not item.bad_file:
            _walk(run, item, pkg_id)
    _drop_mail_jobs(_mail_job_ids() - mail_jobs_before)
    from ckanext.sektoral.documents import demo as documents_demo
    documents_demo.generate(DEMO_CYCLE)  # letters, analyses, compilation, report
    return _summary()


def _mail_queue() -> Any:
    """The RQ queue of the workflow's e-mails (None without notify)."""
    try:
        from ckanext.sektoral import notify
    except ImportError:
        return None
    from ckan.lib import jobs

    return jobs.get_queue(notify.QUEUE)


def _mail_job_ids() -> set[str]:
    queue = _mail_queue()
    return set(queue.job_ids) if queue is not None else set()


def _drop_mail_jobs(job_ids: set[str]) -> None:
    """Every transition queues its e-mails; the demo's history is acted
    out in seconds, not lived: its mails are not sent."""
    import rq

    queue = _mail_queue()
    for job_id in job_ids:
        with contextlib.suppress(rq.exceptions.NoSuchJobError):
            rq.job.Job.fetch(job_id, connection=queue.connection).delete()
    if job_ids:
        log.info("dropped %s e-mail jobs of the demo history", len(job_ids))


def _import_datalist(run: _Runner) -> list[str]:
    from werkzeug.datastructures import FileStorage

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["OPD", "Judul Data", "Satuan", "Level Penyajian",
                     "Frekuensi Penerbitan", "Urusan Pemerintahan",
                     "Template Table Schema", "Catatan"])
    for item in ITEMS:
        writer.writerow([item.org, item.title, item.satuan, item.level,
                         item.frekuensi, item.urusan, item.template, ""])
    upload = FileStorage(stream=io.BytesIO(out.getvalue().encode("utf-8")),
                         filename=f"daftar-data-{DEMO_CYCLE}.csv")
    result = run.call(run.staf, "sektoral_datalist_import", cycle=DEMO_CYCLE,
                      upload=upload)
    return list(result["created"])


def _upload(user: str, item: DemoItem, pkg_id: str, bad: bool = False) -> str:
    from werkzeug.datastructures import FileStorage
    from ckanext.sektoral import tables

    first, last = item.years
    slug = re.sub(r"[^a-z0-9]+", "-", item.title.lower()).strip("-")[:60]
    filename = f"{slug.rstrip('-')}-{first}-{last}.csv"
    content = data_csv(item, bad=bad or item.bad_file)
    upload = FileStorage(stream=io.BytesIO(content), filename=filename,
                         content_type="text/csv")
    with logged_in(user):
        resource = _Runner.call(
            user, "resource_create", package_id=pkg_id, url=filename,
            upload=upload, name=filename, format="CSV", jenis_berkas="data",
            periode_data=f"{first}/{last}",
            description=f"{item.title}, {first}-{last} (data contoh).",
            schema=json.dumps(tables.load(item.template)))
    return resource["id"]


def run_validation_jobs() -> int:
    """Run the jobs queued on CKAN's default queue now, in this process
    (an RQ ``SimpleWorker`` in burst mode: no fork), as ``ckan jobs
    worker`` would. Returns how many ran. A failed job is logged, not
    raised: the queue may hold older jobs that are not the loader's; the
    loader checks the validation report of each of its own files."""
    import rq
    from ckan.lib import jobs

    queue = jobs.get_queue()
    job_ids = set(queue.job_ids)
    if not job_ids:
        return 0
    worker = rq.SimpleWorker([queue], connection=queue.connection)
    worker.work(burst=True, logging_level="WARNING")
    failed = rq.registry.FailedJobRegistry(queue=queue)
    for job_id in job_ids & set(failed.get_job_ids()):
        log.warning("background job %s failed", job_id)
    return len(job_ids)


def _wait_for_validation(resource_ids: dict[str, str],
                         timeout: float = 60.0) -> dict[str, Optional[str]]:
    """Validation status of each resource, waiting while a report is still
    being made (a ``ckan jobs worker`` running at the same time may have
    taken some of the jobs)."""
    deadline = time.monotonic() + timeout
    while True:
        statuses = {pkg_id: _validation_status(res_id)
                    for pkg_id, res_id in resource_ids.items()}
        pending = [s for s in statuses.values() if s in ("created", "running")]
        if not pending or time.monotonic() > deadline:
            return statuses
        time.sleep(0.5)
        run_validation_jobs()


def _validation_status(resource_id: Optional[str]) -> Optional[str]:
    if resource_id is None:
        return None
    try:
        return tk.get_action("resource_validation_show")(
            {"ignore_auth": True}, {"resource_id": resource_id})["status"]
    except tk.ObjectNotFound:
        return None


def _walk(run: _Runner, item: DemoItem, pkg_id: str) -> None:
    steps = list(_PATHS[item.stage])
    if not run.checker:  # an approval chain without a checker
        steps = [s for s in steps if s != "check"]
    steps = [s for s in steps if s != "request"]  # sent already
    stage = "diminta"
    for transition in steps:
        note = item.return_note if transition == "return" else ""
        run.call(run.actor(transition, item, stage), f"sektoral_{transition}",
                 id=pkg_id, note=note)
        stage = _after(transition, stage)
        if transition == "submit" and item.returned_once:
            # The Kasie returns it once; the OPD completes it and resubmits.
            run.call(run.kasie, "sektoral_return", id=pkg_id,
                     note=item.returned_once)
            patch: dict[str, Any] = {"konsep": item.konsep or item.definisi}
            run.call(run.producers[item.org], "package_patch", id=pkg_id,
                     **patch)
            run.call(run.producers[item.org], "sektoral_submit", id=pkg_id)
        if transition == "draft" and item.report_returned:
            run.call(run.actor("return_report", item, "dalam_laporan"),
                     "sektoral_return_report", id=pkg_id,
                     note=item.report_returned)
            stage = "diolah"
            if item.stage != "diolah":
                run.call(run.staf, "sektoral_draft", id=pkg_id)
                stage = "dalam_laporan"


def _after(transition: str, stage: str) -> str:
    return {
        "submit": "dikirim", "return": "dikembalikan", "accept": "diterima",
        "process": "diolah", "draft": "dalam_laporan", "check": "diperiksa",
        "approve": "disetujui", "publish": "dipublikasikan",
    }.get(transition, stage)


def _summary() -> LoadResult:
    status = tk.get_action("sektoral_cycle_status")(
        _context(), {"id": DEMO_CYCLE})
    stages = {s: status["stages"].get(s, 0) for s in STAGES}
    return LoadResult(DEMO_CYCLE, skipped=False, total=status["total"],
                      stages=stages)


def delete_cycle(cycle_id: str) -> None:
    """Delete a cycle with its datasets (purged, with their uploaded files
    and validation reports), items and audit rows. The audit log refuses
    UPDATE, not DELETE: removing a whole demo cycle is an administrator's
    act, not a change of history."""
    from ckan import model
    from ckan.lib import uploader
    from ckanext.sektoral.model import Cycle, Item, Transition

    package_ids = [r[0] for r in model.Session.query(Item.package_id).filter(
        Item.cycle_id == cycle_id)]
    resource_ids: list[str] = []
    for pkg_id in package_ids:
        pkg = model.Package.get(pkg_id)
        if pkg is None:
            continue
        for res in pkg.resources_all:
            resource_ids.append(res.id)
            if res.url_type == "upload":
                path = uploader.get_resource_uploader(
                    {"id": res.id, "url_type": "upload", "url": res.url}
                ).get_path(res.id)
                with contextlib.suppress(OSError):
                    os.remove(path)
        # CKAN's search hook re-reads the purged dataset for the "changed"
        # notification of its resources and logs NotFound with a traceback
        # (the index entry itself is removed by the "deleted" one): noise.
        with _quiet("ckan.model.modification"):
            tk.get_action("dataset_purge")(_context(), {"id": pkg_id})
    if resource_ids:
        try:
            from ckanext.validation.model import Validation
        except ImportError:  # validation plugin not installed
            Validation = None  # noqa: N806
        if Validation is not None:
            model.Session.query(Validation).filter(
                Validation.resource_id.in_(resource_ids)).delete(
                synchronize_session=False)
    model.Session.query(Transition).filter(
        Transition.cycle_id == cycle_id).delete(synchronize_session=False)
    model.Session.query(Item).filter(Item.cycle_id == cycle_id).delete(
        synchronize_session=False)
    model.Session.query(Cycle).filter(Cycle.id == cycle_id).delete(
        synchronize_session=False)
    model.Session.commit()
    log.info("deleted cycle %s with %s datasets", cycle_id, len(package_ids))
