"""Bulk import (JSON and CSV), all or nothing with row/field errors, and export round trips."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from fastapi.testclient import TestClient

from credex.db.models import Competency, Framework
from credex.db.session import Database
from tests.api.test_frameworks import API, ESCO_A, ESCO_B, count, published_framework

IMPORT = f"{API}/import"
SCHEMA = json.loads(
    (Path(__file__).parents[2] / "schemas" / "framework.schema.json").read_text(encoding="utf-8")
)
HEADER = "code,parent_code,title,description,language,esco_uri,eqf_level,skill_type"
METADATA = {"title": "Creative skills", "default_language": "en", "version": "3.1"}


def document(**fields: Any) -> dict[str, Any]:
    return {
        "format": "credex-framework-1",
        "title": {"en": "Creative skills", "it": "Competenze creative"},
        "description": {"en": "For the cultural and creative industries"},
        "default_language": "en",
        "version": "1.0",
        "publisher": "CREDEX",
        "source_url": "https://example.org/creative",
        "license": "CC-BY-4.0",
        "competencies": [
            {"code": "A", "title": {"en": "Create", "it": "Creare"}, "eqf_level": 5},
            {
                "code": "A.1",
                "parent_code": "A",
                "title": {"en": "Sketch"},
                "description": {"en": "Quick visual ideas"},
                "esco_uri": ESCO_A,
                "skill_type": "skill/competence",
            },
            {"code": "A.1.a", "parent_code": "A.1", "title": {"en": "Ink"}, "skill_uri": "urn:x:1"},
            {"code": "B", "title": {"en": "Manage"}, "esco_uri": ESCO_B, "eqf_level": 6},
        ],
    } | fields


def upload_csv(
    client: TestClient, headers: dict[str, str], text: str | bytes, **metadata: str
) -> Any:
    data = text.encode() if isinstance(text, str) else text
    return client.post(
        IMPORT,
        data=METADATA | metadata,
        files={"file": ("framework.csv", data, "text/csv")},
        headers=headers,
    )


def errors_by_pointer(response: Any) -> dict[str, dict[str, Any]]:
    assert response.status_code == 422, response.text
    return {e["pointer"]: e for e in response.json()["errors"]}


def test_json_import_creates_a_draft_with_the_hierarchy(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    response = client.post(IMPORT, json=document(), headers=admin_headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["status"], body["competency_count"], body["version"]) == ("draft", 4, "1.0")
    items = client.get(f"{API}/{body['id']}/competencies", headers=admin_headers).json()["items"]
    by_code = {i["code"]: i for i in items}
    assert by_code["A.1"]["parent"] == by_code["A"]["id"]
    assert by_code["A.1.a"]["parent"] == by_code["A.1"]["id"]
    assert by_code["A"]["title"] == {"en": "Create", "it": "Creare"}
    assert by_code["A.1.a"]["skill_uri"] == "urn:x:1"


def test_json_import_reports_every_problem_and_writes_nothing(
    client: TestClient, admin_headers: dict[str, str], database: Database
) -> None:
    before = (count(database, Framework), count(database, Competency))
    bad = document(
        default_language="en",
        competencies=[
            {"code": "A", "title": {"en": "A"}},
            {"code": "A", "title": {"en": "again"}},
            {"code": "B", "parent_code": "ZZ", "title": {"en": "B"}},
            {"code": "C", "title": {"en": "C"}, "eqf_level": 9},
            {"code": "D", "title": {"en": "D"}, "esco_uri": "http://data.europa.eu/esco/skill/x"},
            {"code": "E", "title": {}},
            {"code": "F", "title": {"en-": "F"}},
            {"code": "G", "parent_code": "H", "title": {"en": "G"}},
            {"code": "H", "parent_code": "G", "title": {"en": "H"}},
            {"code": "I", "title": {"de": "nur Deutsch"}},
            "not an object",
        ],
    )
    errors = errors_by_pointer(client.post(IMPORT, json=bad, headers=admin_headers))
    expected = {
        "/competencies/1/code": (2, "code", "duplicate code 'A'"),
        "/competencies/2/parent_code": (3, "parent_code", "no competency with code 'ZZ'"),
        "/competencies/3/eqf_level": (4, "eqf_level", "less than or equal to 8"),
        "/competencies/4/esco_uri": (5, "esco_uri", "UUID"),
        "/competencies/5/title": (6, "title", "at least one language"),
        "/competencies/6/title": (7, "title", "BCP 47"),
        "/competencies/7/parent_code": (8, "parent_code", "loops back"),
        "/competencies/8/parent_code": (9, "parent_code", "loops back"),
        "/competencies/9/title": (10, "title", "'en'"),
        "/competencies/10": (11, None, "must be an object"),
    }
    for pointer, (row, field, words) in expected.items():
        assert errors[pointer]["row"] == row, pointer
        assert errors[pointer]["field"] == field, pointer
        assert words in errors[pointer]["detail"], (pointer, errors[pointer])
    assert len(errors) == len(expected)
    assert (count(database, Framework), count(database, Competency)) == before


def test_json_import_checks_the_framework_fields(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    bad = document(title={"fr": "Titre"}, default_language="en", version="", colour="red")
    errors = errors_by_pointer(client.post(IMPORT, json=bad, headers=admin_headers))
    assert errors["/title"]["detail"] == "needs a 'en' entry" or "/version" in errors
    assert {"/version", "/colour"} <= errors.keys()
    assert errors_by_pointer(
        client.post(IMPORT, json=document(competencies=[]), headers=admin_headers)
    )["/competencies"]
    assert errors_by_pointer(client.post(IMPORT, json=[1, 2], headers=admin_headers))["/"]
    wrong_format = client.post(IMPORT, json=document(format="other-1"), headers=admin_headers)
    assert "/format" in errors_by_pointer(wrong_format)


def test_csv_import_with_row_numbers_in_errors(
    client: TestClient, admin_headers: dict[str, str], database: Database
) -> None:
    before = count(database, Competency)
    text = "\n".join(
        [
            HEADER,
            "A,,Create,,en,,5,",
            "B,A,Sketch,,,,4,knowledge",
            "",
            "C,A,Ink,,,,x,",
            "D,A,Paint,,,,12,",
            "E,Q,Print,,,,,",
            "A,,Again,,,,,",
            "F,,,,,,,",
            "G,,Ok,,klingon!,,,",
        ]
    )
    errors = errors_by_pointer(upload_csv(client, admin_headers, text))
    expected = {
        "/competencies/2/eqf_level": (5, "eqf_level"),
        "/competencies/3/eqf_level": (6, "eqf_level"),
        "/competencies/4/parent_code": (7, "parent_code"),
        "/competencies/5/code": (8, "code"),
        "/competencies/6/title": (9, "title"),
        "/competencies/7/language": (10, "language"),
    }
    for pointer, (row, field) in expected.items():
        assert (errors[pointer]["row"], errors[pointer]["field"]) == (row, field), pointer
    assert "first in row 2" in errors["/competencies/5/code"]["detail"]
    assert count(database, Competency) == before


def test_csv_import_semicolons_bom_and_translations(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    text = (
        "\ufeffcode;parent_code;title;title@IT;description;language;esco_uri;eqf_level;skill_type\r\n"
        f'A;;"Create; make";Creare;"Line one\nline two";en;{ESCO_A};5;skill/competence\r\n'
        "B;A;Sketch;;;;;;\r\n"
    )
    response = upload_csv(client, admin_headers, text.encode("utf-8"), publisher="CREDEX")
    assert response.status_code == 201, response.text
    fid = response.json()["id"]
    assert response.json()["title"] == {"en": "Creative skills"}
    items = client.get(f"{API}/{fid}/competencies", headers=admin_headers).json()["items"]
    a = next(i for i in items if i["code"] == "A")
    assert a["title"] == {"en": "Create; make", "it": "Creare"}
    assert a["description"] == {"en": "Line one\nline two"}
    assert (a["esco_uri"], a["eqf_level"], a["skill_type"]) == (ESCO_A, 5, "skill/competence")


def test_csv_header_and_encoding_problems(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    unknown = errors_by_pointer(upload_csv(client, admin_headers, "code,title,colour\nA,B,red\n"))
    assert unknown["/columns/2"]["field"] == "colour"
    assert unknown["/columns/2"]["row"] == 1
    missing = upload_csv(client, admin_headers, "code,description\nA,B\n")
    assert missing.json()["errors"][0]["field"] == "title"
    latin1 = upload_csv(client, admin_headers, "code,title\nA,Café\n".encode("latin-1"))
    assert "/file" in errors_by_pointer(latin1)
    assert "/" in errors_by_pointer(upload_csv(client, admin_headers, ""))
    header_only = errors_by_pointer(upload_csv(client, admin_headers, HEADER + "\n"))
    assert "/competencies" in header_only


def test_csv_import_checks_metadata_fields(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    response = upload_csv(
        client, admin_headers, "code,title\nA,B\n", default_language="xx-", title=""
    )
    errors = errors_by_pointer(response)
    assert {"/default_language", "/title"} <= errors.keys()
    no_file = client.post(IMPORT, data=METADATA, files={"other": ("x", b"")}, headers=admin_headers)
    assert "/file" in errors_by_pointer(no_file)


def test_import_refuses_other_content_and_oversized_bodies(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    text = client.post(
        IMPORT, content=b"code,title", headers=admin_headers | {"content-type": "text/csv"}
    )
    assert text.status_code == 422
    broken = client.post(
        IMPORT, content=b"{not json", headers=admin_headers | {"content-type": "application/json"}
    )
    assert broken.status_code == 400
    huge = client.post(
        IMPORT,
        content=b" " * (6 * 1024 * 1024),
        headers=admin_headers | {"content-type": "application/json"},
    )
    assert huge.status_code == 413
    assert huge.headers["content-type"] == "application/problem+json"


def test_large_import_is_batched(client: TestClient, admin_headers: dict[str, str]) -> None:
    rows = [HEADER] + [
        f"C{n},{'C' + str(n // 10) if n >= 10 else ''},Competency {n},,,,{n % 8 + 1},"
        for n in range(1500)
    ]
    response = upload_csv(client, admin_headers, "\n".join(rows))
    assert response.status_code == 201, response.text[:500]
    assert response.json()["competency_count"] == 1500


def test_json_export_round_trips_and_matches_the_schema(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    created = client.post(IMPORT, json=document(), headers=admin_headers).json()
    exported = client.get(f"{API}/{created['id']}/export", headers=admin_headers)
    assert exported.status_code == 200
    assert exported.headers["content-type"] == "application/json"
    assert 'filename="creative-skills-1-0.json"' in exported.headers["content-disposition"]
    first = exported.json()
    jsonschema.validate(first, SCHEMA)
    assert [c["code"] for c in first["competencies"]] == ["A", "A.1", "A.1.a", "B"]
    again = client.post(IMPORT, json=first, headers=admin_headers)
    assert again.status_code == 201, again.text
    second = client.get(f"{API}/{again.json()['id']}/export", headers=admin_headers).json()
    volatile = {"id"}
    assert {k: v for k, v in first.items() if k not in volatile} == {
        k: v for k, v in second.items() if k not in volatile
    }


def test_csv_export_round_trips(client: TestClient, admin_headers: dict[str, str]) -> None:
    source = document()
    source["competencies"][1]["description"] = {"en": 'Quick, "visual"\nideas', "fr": "Idées"}
    created = client.post(IMPORT, json=source, headers=admin_headers).json()
    exported = client.get(f"{API}/{created['id']}/export?format=csv", headers=admin_headers)
    assert exported.status_code == 200
    assert exported.headers["content-type"] == "text/csv; charset=utf-8"
    header = exported.text.split("\r\n", 1)[0]
    assert header == HEADER + ",skill_uri,title@it,description@fr"
    metadata = {"title": "Creative skills", "default_language": "en", "version": "1.0"}
    reimported = upload_csv(client, admin_headers, exported.content, **metadata)
    assert reimported.status_code == 201, reimported.text
    original = client.get(f"{API}/{created['id']}/export", headers=admin_headers).json()
    copy = client.get(f"{API}/{reimported.json()['id']}/export", headers=admin_headers).json()
    assert copy["competencies"] == original["competencies"]
    again = client.get(f"{API}/{reimported.json()['id']}/export?format=csv", headers=admin_headers)
    assert again.text == exported.text


def test_export_of_published_framework_and_unknown_format(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    framework = published_framework(client, admin_headers)
    body = client.get(f"{API}/{framework['id']}/export", headers=admin_headers).json()
    jsonschema.validate(body, SCHEMA)
    assert body["status"] == "published"
    assert body["published_at"]
    bad = client.get(f"{API}/{framework['id']}/export?format=xml", headers=admin_headers)
    assert bad.status_code == 422


@pytest.mark.parametrize(
    "broken",
    [
        {"title": {"en": "x"}},
        document(competencies=[{"code": "A"}]),
        document(competencies=[{"code": "A", "title": {"en": "x"}, "eqf_level": 9}]),
        document(default_language="english"),
    ],
)
def test_schema_rejects_broken_documents(broken: dict[str, Any]) -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, SCHEMA)
