"""The editable narratives of a cycle's report: foreword, one chapter per
urusan of the cycle's items, conclusions."""
from __future__ import annotations

import sqlalchemy as sa

from ckan import model

from ckanext.sektoral import clock
from ckanext.sektoral.core import contracts
from ckanext.sektoral.documents import store
from ckanext.sektoral.model.documents import ReportNarrative

FOREWORD = "kata_pengantar"
CONCLUSION = "kesimpulan"
FIXED_CHAPTERS = (FOREWORD, CONCLUSION)


def narratives(cycle_id: str) -> dict[str, str]:
    rows = model.Session.query(ReportNarrative).filter(
        ReportNarrative.cycle_id == cycle_id)
    return {r.chapter: r.text for r in rows}


def set_narrative(cycle_id: str, chapter: str, text: str,
                  user_name: str) -> contracts.Narrative:
    row = model.Session.get(ReportNarrative, (cycle_id, chapter)) or \
        ReportNarrative(cycle_id=cycle_id, chapter=chapter)
    row.text = text
    row.updated = clock.utcnow()
    row.updated_by = user_name
    model.Session.add(row)
    model.Session.flush()  # the caller commits
    return {"cycle_id": cycle_id, "chapter": chapter, "text": text,
            "updated": row.updated.isoformat(), "updated_by": user_name}


def chapters(cycle_id: str) -> list[contracts.ChapterRef]:
    """Chapters whose narrative may be edited: foreword, one per urusan
    of the cycle's items, conclusions."""
    rows = model.Session.execute(sa.text(
        "SELECT DISTINCT pe.value FROM sektoral_item i "
        "JOIN package_extra pe ON pe.package_id = i.package_id "
        "AND pe.key = 'urusan_pemerintahan' AND pe.state = 'active' "
        "WHERE i.cycle_id = :c"), {"c": cycle_id}).fetchall()
    codes = sorted(r[0] for r in rows if r[0])
    found: list[contracts.ChapterRef] = [
        {"key": FOREWORD, "title": "Kata Pengantar"}]
    found += [{"key": c, "title": f"{c} "
               f"{store.code_label('urusan_pemerintahan', c)}"}
              for c in codes]
    found.append({"key": CONCLUSION, "title": "Kesimpulan"})
    return found
