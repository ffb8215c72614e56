"""Write the JSON Schemas of the record types to docs/schemas/.

Generated from the pydantic models in matcher.records, so the schemas cannot
disagree with what the library accepts; tests/test_records.py fails if the
committed files differ from a fresh generation. Run after changing records.py:

    python scripts/export_schemas.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from matcher.catalog import CATALOG_FORMAT, CATALOG_VERSION
from matcher.records import Program, SeekerProfile

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "docs" / "schemas"
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _with_header(schema: dict[str, Any], title: str, description: str) -> dict[str, Any]:
    out: dict[str, Any] = {"$schema": DIALECT, "title": title, "description": description}
    out.update({k: v for k, v in schema.items() if k not in ("title", "description")})
    return out


def catalog_schema() -> dict[str, Any]:
    program = Program.model_json_schema()
    defs = dict(program.pop("$defs", {}))
    defs["Program"] = program
    return {
        "$schema": DIALECT,
        "title": "Catalog",
        "description": "A program catalog file in the canonical JSON format (see docs/records.md).",
        "type": "object",
        "properties": {
            "format": {"const": CATALOG_FORMAT},
            "version": {"const": CATALOG_VERSION},
            "programs": {"type": "array", "items": {"$ref": "#/$defs/Program"}},
        },
        "required": ["programs"],
        "additionalProperties": False,
        "$defs": defs,
    }


def generate() -> dict[str, str]:
    """File name -> file text for every schema (deterministic)."""
    schemas = {
        "program.schema.json": _with_header(Program.model_json_schema(), "Program",
                                            "One training program in a catalog (matcher.records.Program)."),
        "seeker_profile.schema.json": _with_header(
            SeekerProfile.model_json_schema(), "SeekerProfile",
            "What the matcher reads about a job seeker (matcher.records.SeekerProfile). "
            "Demographics are deliberately not part of it."),
        "catalog.schema.json": catalog_schema(),
        **history_schemas(),
    }
    return {name: json.dumps(schema, indent=2, ensure_ascii=False) + "\n" for name, schema in schemas.items()}


def history_schemas() -> dict[str, Any]:
    """The outcome-history records, one JSON Lines record each (docs/learning.md)."""
    from matcher.learning.history import Enrollment, Outcome, Participant

    return {
        "history_participant.schema.json": _with_header(
            Participant.model_json_schema(), "HistoryParticipant",
            "One line of participants.jsonl: the profile at enrollment and reporting-only demographics "
            "(matcher.learning.history.Participant)."),
        "history_enrollment.schema.json": _with_header(
            Enrollment.model_json_schema(), "HistoryEnrollment",
            "One line of enrollments.jsonl (matcher.learning.history.Enrollment)."),
        "history_outcome.schema.json": _with_header(
            Outcome.model_json_schema(), "HistoryOutcome",
            "One line of outcomes.jsonl (matcher.learning.history.Outcome)."),
    }


def main() -> int:
    SCHEMA_DIR.mkdir(parents=True, exist_ok=True)
    for name, text in generate().items():
        (SCHEMA_DIR / name).write_text(text, encoding="utf-8")
        print(f"wrote {SCHEMA_DIR / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
