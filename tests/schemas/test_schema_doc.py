"""The README field table generator."""
from ckanext.sektoral import schema_doc


def test_field_table_marks_required_and_code_lists():
    text = schema_doc.render("data_sektoral.yaml", "en")
    assert ("| `frekuensi_penerbitan` | Release frequency | yes | "
            "code list `frekuensi` (8) |") in text
    assert "| `cakupan` | Geographic coverage |  |" in text
    assert "organization (opd)" in schema_doc.render("opd.yaml")


def test_docs_fields_md_is_up_to_date():
    """docs/fields.md (linked from the README) is generated from the
    schemas: regenerate it with
    ``python -m ckanext.sektoral.schema_doc > docs/fields.md``."""
    import pathlib

    path = pathlib.Path(__file__).resolve().parents[2] / "docs" / "fields.md"
    assert path.read_text(encoding="utf-8") == schema_doc.render_all()
