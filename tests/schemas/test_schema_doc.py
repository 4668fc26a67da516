"""The README field table generator."""
from ckanext.sektoral import schema_doc


def test_field_table_marks_required_and_code_lists():
    text = schema_doc.render("data_sektoral.yaml", "en")
    assert ("| `frekuensi_penerbitan` | Release frequency | yes | "
            "code list `frekuensi` (8) |") in text
    assert "| `cakupan` | Geographic coverage |  |" in text
    assert "organization (opd)" in schema_doc.render("opd.yaml")
