"""The library's words are translatable without flask: English is the source and stays as it was, another
language is chosen per context (thread, request), and every message catalog is complete and compiled."""

from __future__ import annotations

import importlib.util
import sys
import threading
from pathlib import Path

import pytest

from matcher import i18n
from matcher.records import Barrier, EducationLevel, Sector, Support
from matcher.wording import join_words, language_name, wage

ROOT = Path(__file__).resolve().parent.parent


def _i18n_script():
    spec = importlib.util.spec_from_file_location("i18n_script", ROOT / "scripts" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules["i18n_script"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_every_catalog_is_complete_current_and_compiled():
    """scripts/i18n.py check: templates match the code, every sentence translated, placeholders kept, .mo fresh."""
    assert _i18n_script().problems() == []


def test_english_is_the_source_and_the_default():
    assert i18n.get_language() == "en"
    assert wage(24.06) == "$24.06/hour" and wage(31) == "$31/hour"
    assert join_words(["a", "b", "c"]) == "a, b and c"
    assert i18n._(Support.TRANSIT_PASS.label) == "a transit pass"
    assert EducationLevel.HS_DIPLOMA_OR_GED.label == "high school diploma or GED"


def test_spanish_inside_the_block_and_english_again_after():
    with i18n.language("es"):
        assert wage(24.06) == "$24.06 por hora"
        assert join_words(["cuidado de niños", "pase"]) == "cuidado de niños y pase"
        assert i18n._(Sector.HEALTHCARE.label) == "Salud y asistencia social"
        assert i18n._(Barrier.NO_CAR.label) == "no tiene carro"
        assert language_name("en") == "inglés"
        assert i18n.ngettext("{count} more program", "{count} more programs", 1) in (
            "{count} more program", "{count} programa más")
    assert wage(24.06) == "$24.06/hour"


def test_spanish_and_becomes_e_before_an_i_sound():
    with i18n.language("es"):
        assert join_words(["español", "inglés"]) == "español e inglés"
        assert join_words(["padres", "hijos"]) == "padres e hijos"
        assert join_words(["agua", "hielo"]) == "agua y hielo"  # "hie" sounds like "ye"


def test_a_language_with_no_catalog_falls_back_to_english():
    with i18n.language("xx"):
        assert wage(20) == "$20/hour"


def test_each_thread_has_its_own_language():
    seen: dict[str, str] = {}
    started = threading.Barrier(2)

    def work(lang: str) -> None:
        with i18n.language(lang):
            started.wait(5)
            seen[lang] = wage(20)

    threads = [threading.Thread(target=work, args=(x,)) for x in ("en", "es")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    assert seen == {"en": "$20/hour", "es": "$20 por hora"}


def test_the_catalogs_ship_inside_the_packages():
    assert (i18n.locale_dir() / "es" / "LC_MESSAGES" / "matcher.mo").is_file()
    assert i18n.locale_dir().parent.name == "matcher"
    assert "es" in i18n.available_languages()
    kiosk = ROOT / "api" / "kiosk" / "translations" / "es" / "LC_MESSAGES" / "kiosk.mo"
    assert kiosk.is_file()


@pytest.mark.parametrize("lang", ["es"])
def test_no_translation_is_the_english_copied(lang):
    """A translator who copies the English leaves a page half in English: only names and codes may stay."""
    from babel.messages.pofile import read_po

    allowed = {"Error:", "Tagalog", "hmong", "lao", "Email", "{amount}/hour", "{problem}: {remedy}"}
    for po in (i18n.locale_dir() / lang / "LC_MESSAGES" / "matcher.po",
               ROOT / "api" / "kiosk" / "translations" / lang / "LC_MESSAGES" / "kiosk.po"):
        with po.open("rb") as f:
            catalog = read_po(f)
        same = [m.id for m in catalog if m.id and isinstance(m.id, str) and m.string == m.id and m.id not in allowed
                and len(m.id) > 3]
        assert same == [], (po.name, same[:10])


def test_occupation_titles_are_translated_where_written_and_onet_s_elsewhere():
    assert i18n.occupation_title("51-2092.00", "Team Assemblers") == "Team Assemblers"  # English in force
    with i18n.language("es"):
        assert i18n.occupation_title("51-2092.00", "Team Assemblers") == "Ensambladores en equipo"
        assert i18n.occupation_title("11-1011.00", "Chief Executives") == "Chief Executives"  # none written
    with i18n.language("vi"):  # a language with no titles file
        assert i18n.occupation_title("51-2092.00", "Team Assemblers") == "Team Assemblers"


@pytest.mark.parametrize("lang", ["es"])
def test_each_occupation_title_translates_the_onet_title_it_names(lang):
    """Every row's code is an occupation whose O*NET title is still the one the translation was written
    from (a new O*NET release that renames an occupation flags its translation for review); no code twice."""
    import csv

    from matcher.taxonomy import load_taxonomy

    occupations = load_taxonomy().occupations
    with (i18n.locale_dir() / lang / i18n.OCCUPATION_TITLES).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) >= 100
    codes = [r["code"] for r in rows]
    assert len(codes) == len(set(codes))
    stale = [(r["code"], r["onet_title"]) for r in rows
             if r["code"] not in occupations or occupations[r["code"]].title != r["onet_title"]]
    assert stale == []
    assert all(r["title"].strip() for r in rows)
    assert [r["title"] for r in rows if r["title"] == r["onet_title"]] == ["Baristas"]  # the same word in Spanish
    assert len(i18n.occupation_titles(lang)) == len(rows)


def test_skill_names_are_translated_where_written_and_english_elsewhere():
    assert i18n.skill_name("skill:blueprint-reading", "Blueprint reading") == "Blueprint reading"
    with i18n.language("es"):
        assert i18n.skill_name("skill:blueprint-reading", "Blueprint reading") == "Lectura de planos"
        assert i18n.skill_name("cred:comptia-a-plus", "CompTIA A+") == "CompTIA A+"  # a brand name: none written


@pytest.mark.parametrize("lang", ["es"])
def test_each_skill_name_translates_the_taxonomy_name_it_names(lang):
    import csv

    from matcher.taxonomy import load_taxonomy

    skills = load_taxonomy().skills
    with (i18n.locale_dir() / lang / i18n.SKILL_NAMES).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)) >= 90
    assert [(r["id"], r["english_name"]) for r in rows
            if r["id"] not in skills or skills[r["id"]].name != r["english_name"]] == []
    assert all(r["name"].strip() for r in rows)
    assert len(i18n.skill_names(lang)) == len(rows)


@pytest.mark.parametrize("lang", ["es"])
def test_every_translated_skill_name_reads_back_as_its_skill(lang):
    """The kiosk puts a picked name back in the skills box, where it is read again."""
    from matcher.normalize import Normalizer
    from matcher.taxonomy import load_taxonomy

    normalizer = Normalizer(load_taxonomy())
    wrong = [(sid, name, normalizer.normalize(name, kind="any").id) for sid, name in i18n.skill_names(lang).items()
             if normalizer.normalize(name, kind="any").id != sid]
    assert wrong == []
