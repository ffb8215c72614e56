"""Build the FICTIONAL regional sample catalog: training_data/sample_catalog.json.

Every program is invented (providers, employers, seats, dates, outcomes), but it
is built on real codes and figures so the matcher can be exercised realistically:

- occupations: real O*NET-SOC 29.2 codes, checked against ``Occupation Data.txt``;
- CIP 2020 codes: real, and consistent with the occupation per the NCES
  SOC 2018 - CIP 2020 crosswalk (or None, e.g. for laborer OJT);
- skills: O*NET 29.0 Skills/Knowledge element IDs and the curated ``skill:``
  and ``cred:`` IDs of ``training_data/curated/credentials_and_entry_skills.csv``;
- wages: from the OEWS May 2025 table this repo ships (``matcher.wages``):
  first-job wages between the 10th and 25th percentile of the program's area,
  apprentice wages a share of the journey-level median;
- places: real ZIPs of the five service counties with their Census points.

Deterministic: a fixed seed and fixed inputs give a byte-identical file.

    python scripts/build_sample_catalog.py [--source DIR] [--out FILE]

The shared source folder is read only to check codes; the wages and ZIP points
come from ``training_data/`` (build those first with build_reference_data.py).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import random
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from matcher.geo import zip_point  # noqa: E402
from matcher.records import PROGRAM_TYPE_LABELS, Program, ProgramType  # noqa: E402
from matcher.wages import oews_soc, wage_for  # noqa: E402

SEED = 20270101
MIN_PROGRAMS = 220
T = ProgramType

# ----------------------------------------------------------------------------- places

# county -> (FIPS, state, wage area, [(zip, on frequent transit)])
COUNTIES = {
    "Multnomah": ("41051", "OR", "portland", [
        ("97204", True), ("97209", True), ("97211", True), ("97214", True), ("97217", True), ("97220", True),
        ("97227", True), ("97230", True), ("97233", True), ("97236", True), ("97266", True), ("97030", True),
        ("97024", False), ("97060", False)]),
    "Washington": ("41067", "OR", "portland", [
        ("97005", True), ("97006", True), ("97123", True), ("97124", True), ("97223", True), ("97229", False),
        ("97116", False), ("97062", False), ("97113", False), ("97140", False)]),
    "Clackamas": ("41005", "OR", "portland", [
        ("97222", True), ("97015", True), ("97045", True), ("97267", True), ("97027", False), ("97070", False),
        ("97013", False), ("97055", False), ("97086", False)]),
    "Clark": ("53011", "WA", "portland", [
        ("98660", True), ("98661", True), ("98662", True), ("98663", True), ("98682", False), ("98684", True),
        ("98604", False), ("98607", False), ("98642", False)]),
    "Lane": ("41039", "OR", "eugene", [
        ("97401", True), ("97402", True), ("97403", True), ("97404", True), ("97405", True), ("97477", True),
        ("97478", True), ("97424", False), ("97448", False), ("97439", False), ("97487", False)]),
}
# Minimum wage floor for any paid wage (Oregon BOLI from 2025-07-01; WA L&I 2025).
MIN_WAGE = {"Multnomah": 16.30, "Washington": 16.30, "Clackamas": 16.30, "Clark": 16.66, "Lane": 15.05}
METRO = ["Multnomah", "Washington", "Clackamas", "Clark"]

# ----------------------------------------------------------------------------- fictional names

SECTOR_CODE = {
    "advanced_manufacturing": "mfg", "clean_energy": "ce", "construction": "con", "healthcare": "hc",
    "early_learning": "el", "technology": "tech", "transportation_logistics": "tl",
}
# Invented words on purpose, so no name collides with a real organization.
PROVIDERS = {
    ("pdx", "advanced_manufacturing"): ["Fernhollow Fabrication Academy", "Quillbridge Precision Institute",
                                        "Tallowmere Manufacturing Works"],
    ("pdx", "clean_energy"): ["Brightfen Energy Trades School", "Orrowind Clean Power Collective"],
    ("pdx", "construction"): ["Cinderlark Trades Collaborative", "Mossgate Building Trades Council",
                              "Ironvale Joint Apprenticeship Committee", "Pebbleford Construction Pathways"],
    ("pdx", "healthcare"): ["Quillmarsh Health Careers Institute", "Larkspire Care Training Center",
                            "Thistlebrook Behavioral Health Academy"],
    ("pdx", "early_learning"): ["Puddlestone Early Learning Guild", "Wrenwick Child Care Training Hub"],
    ("pdx", "technology"): ["Glimmerpine Tech Works", "Nettlecove Digital Skills Lab"],
    ("pdx", "transportation_logistics"): ["Rumblewick Driving & Logistics School", "Cartwheel Freight Academy"],
    ("lane", "advanced_manufacturing"): ["Mapleferry Makers Institute", "Bramblecut Machining Center"],
    ("lane", "clean_energy"): ["Sunhollow Energy Skills Co-op"],
    ("lane", "construction"): ["Willowmeet Trades Alliance", "Cobblefen Apprenticeship Committee"],
    ("lane", "healthcare"): ["Fennimore Valley Care Academy", "Lanternfield Recovery Training Institute"],
    ("lane", "early_learning"): ["Hazelwhistle Early Childhood Center"],
    ("lane", "technology"): ["Riverquill Code & Support Lab"],
    ("lane", "transportation_logistics"): ["Gravelmoor Truck Driving School"],
}
EMPLOYERS = {
    "advanced_manufacturing": ["Larchgrove Microfab", "Vexmoor Circuits", "Dunwhistle Precision Parts",
                               "Saltreed Automation"],
    "clean_energy": ["Brightwater Solar Installs", "Emberleaf Home Performance", "Cloudrun Heat Pumps"],
    "construction": ["Harrowgate Builders", "Stoneplume Mechanical", "Redfern Electric Co.",
                     "Millbrook Civil Works"],
    "healthcare": ["Aldermere Care Center", "Kestrel Hill Clinic Network", "Bluefinch Home Care",
                   "Oakhaven Recovery Services"],
    "early_learning": ["Little Sprout Learning Co-op", "Tumbleweed Early Years", "Acornway Head Start Partners"],
    "technology": ["Pinegrid Managed IT", "Copperkite Software", "Fogline Help Desk Services"],
    "transportation_logistics": ["Longhaul Larkin Freight", "Crossdock Quarry Logistics", "Palletwing Distribution"],
}

# ----------------------------------------------------------------------------- tracks


@dataclass(frozen=True)
class Track:
    """One occupational pathway and the programs generated for it."""

    key: str
    sector: str
    title: str  # used in program names
    onet: tuple[str, ...]
    cip: str | None
    types: tuple[ProgramType, ...]  # one program per entry
    skills: tuple[str, ...]
    creds: tuple[str, ...] = ()
    entry_skills: tuple[str, ...] = ()
    physical: str = "light"
    background: tuple[str, ...] | None = None  # None: no check; () check, no listed exclusions
    drug_test: bool = False
    license: bool = False
    education: str = "none"
    counties: tuple[str, ...] = tuple(METRO) + ("Lane",)
    apprentice_reading: int | None = None
    apprentice_math: int | None = None
    online_ok: bool = False
    notes: str = ""


VULNERABLE = ("crimes_against_vulnerable", "violent_felony", "sex_offense")

TRACKS: list[Track] = [
    # --- advanced manufacturing
    Track("semi", "advanced_manufacturing", "Semiconductor Fab Technician", ("51-9141.00", "17-3026.00"), "15.0616",
          (T.OCCUPATIONAL_SKILLS, T.CUSTOMIZED, T.CUSTOMIZED, T.OJT, T.INCUMBENT_WORKER, T.REGISTERED_APPRENTICESHIP,
           T.OCCUPATIONAL_SKILLS, T.YOUTH),
          ("skill:cleanroom", "skill:precision-measurement", "skill:quality-inspection", "2.B.3.g", "2.B.3.m",
           "2.C.2.a", "2.C.4.c"), ("cred:mssc-cpt",), (), "light", (), True, False, "hs_diploma_or_ged",
          ("Washington", "Washington", "Washington", "Multnomah", "Clark", "Lane"), 9, 9),
    Track("elec-assy", "advanced_manufacturing", "Electronics Assembly", ("51-2022.00", "51-9061.00"), "15.0702",
          (T.OCCUPATIONAL_SKILLS, T.OJT, T.CUSTOMIZED, T.WORK_EXPERIENCE, T.OCCUPATIONAL_SKILLS),
          ("skill:soldering", "skill:assembly", "skill:quality-inspection", "2.B.3.m", "2.C.3.a"),
          ("cred:ipc-j-std-001", "cred:ipc-a-610"), (), "light", None, False, False, "none",
          ("Washington", "Multnomah", "Clark", "Lane")),
    Track("cnc", "advanced_manufacturing", "CNC Machining", ("51-9161.00", "51-4041.00"), "48.0510",
          (T.OCCUPATIONAL_SKILLS, T.REGISTERED_APPRENTICESHIP, T.OJT, T.INCUMBENT_WORKER, T.PRE_APPRENTICESHIP,
           T.OCCUPATIONAL_SKILLS),
          ("skill:cnc-operation", "skill:precision-measurement", "skill:blueprint-reading", "2.B.3.h", "2.C.3.e",
           "2.A.1.e"), ("cred:nims-machining",), (), "medium", None, True, False, "hs_diploma_or_ged",
          ("Multnomah", "Clackamas", "Washington", "Lane", "Clark"), 8, 9),
    Track("weld", "advanced_manufacturing", "Welding", ("51-4121.00",), "48.0508",
          (T.OCCUPATIONAL_SKILLS, T.PRE_APPRENTICESHIP, T.OJT, T.OCCUPATIONAL_SKILLS, T.YOUTH, T.CUSTOMIZED),
          ("skill:welding-mig", "skill:welding-stick", "skill:welding-tig", "skill:blueprint-reading", "2.B.3.h"),
          ("cred:aws-welding", "cred:osha-10"), (), "heavy", None, True, False, "none",
          ("Multnomah", "Clackamas", "Lane", "Clark", "Washington")),
    Track("mechatronics", "advanced_manufacturing", "Mechatronics and Maintenance",
          ("17-3024.00", "49-9071.00"), "15.0407",
          (T.OCCUPATIONAL_SKILLS, T.REGISTERED_APPRENTICESHIP, T.INCUMBENT_WORKER, T.OJT),
          ("skill:electrical-wiring", "skill:machine-operation", "2.B.3.j", "2.B.3.k", "2.B.3.l", "2.C.3.e"),
          ("cred:osha-10",), (), "medium", None, True, False, "hs_diploma_or_ged",
          ("Washington", "Multnomah", "Lane", "Clark"), 9, 10),
    Track("production", "advanced_manufacturing", "Production Worker", ("51-2092.00", "51-9198.00"), None,
          (T.OJT, T.WORK_EXPERIENCE, T.OJT, T.WORK_EXPERIENCE),
          ("skill:assembly", "skill:machine-operation", "skill:teamwork", "2.B.3.g"), ("cred:forklift",), (),
          "medium", None, True, False, "none", ("Multnomah", "Washington", "Clark", "Lane")),
    # --- clean energy
    Track("solar", "clean_energy", "Solar Installer", ("47-2231.00",), "47.0703",
          (T.OCCUPATIONAL_SKILLS, T.PRE_APPRENTICESHIP, T.OJT, T.OCCUPATIONAL_SKILLS, T.YOUTH, T.CUSTOMIZED),
          ("skill:solar-installation", "skill:electrical-wiring", "skill:power-tools", "2.B.3.d", "2.C.3.d"),
          ("cred:nabcep-pv-associate", "cred:osha-10"), (), "heavy", None, True, True, "hs_diploma_or_ged"),
    Track("weatherization", "clean_energy", "Weatherization Technician", ("47-4099.03",), None,
          (T.OCCUPATIONAL_SKILLS, T.WORK_EXPERIENCE, T.OJT, T.PRE_APPRENTICESHIP, T.YOUTH),
          ("skill:weatherization", "skill:hand-tools", "skill:power-tools", "2.C.3.d", "2.B.3.d"),
          ("cred:osha-10",), (), "heavy", None, False, True, "none"),
    Track("hvac", "clean_energy", "HVAC and Heat Pump Technician", ("49-9021.00",), "47.0201",
          (T.OCCUPATIONAL_SKILLS, T.REGISTERED_APPRENTICESHIP, T.OJT, T.INCUMBENT_WORKER, T.OCCUPATIONAL_SKILLS),
          ("skill:hvac", "skill:electrical-wiring", "2.B.3.d", "2.B.3.k", "2.B.3.l", "2.C.3.e"),
          ("cred:epa-608", "cred:osha-10"), (), "medium", (), True, True, "hs_diploma_or_ged", notes="heat pumps"),
    Track("ce-electric", "clean_energy", "Clean Energy Electrician", ("47-2111.00", "47-2231.00"), "46.0302",
          (T.REGISTERED_APPRENTICESHIP, T.PRE_APPRENTICESHIP, T.REGISTERED_APPRENTICESHIP),
          ("skill:electrical-wiring", "skill:solar-installation", "2.B.3.d", "2.C.3.d", "2.C.4.b"),
          ("cred:osha-10",), (), "medium", None, True, True, "hs_diploma_or_ged", METRO + ["Lane"], 10, 10),
    Track("wind", "clean_energy", "Wind Turbine Technician", ("49-9081.00",), "47.0704",
          (T.OCCUPATIONAL_SKILLS, T.OJT),
          ("2.B.3.j", "2.B.3.k", "2.B.3.l", "skill:electrical-wiring", "2.C.3.e"), ("cred:first-aid-cpr",), (),
          "heavy", None, True, True, "hs_diploma_or_ged", ("Multnomah", "Clark")),
    # --- construction
    Track("carpentry", "construction", "Carpentry", ("47-2031.00",), "46.0201",
          (T.PRE_APPRENTICESHIP, T.REGISTERED_APPRENTICESHIP, T.REGISTERED_APPRENTICESHIP, T.OJT, T.YOUTH,
           T.OCCUPATIONAL_SKILLS, T.PRE_APPRENTICESHIP),
          ("skill:carpentry", "skill:hand-tools", "skill:power-tools", "skill:blueprint-reading",
           "skill:construction-math", "2.C.3.d"), ("cred:osha-10", "cred:nccer-core"), (), "heavy", None, True,
          False, "hs_diploma_or_ged", tuple(METRO) + ("Lane",), 8, 8),
    Track("laborer", "construction", "Construction Laborer", ("47-2061.00",), None,
          (T.OJT, T.WORK_EXPERIENCE, T.REGISTERED_APPRENTICESHIP, T.PRE_APPRENTICESHIP, T.WORK_EXPERIENCE, T.YOUTH),
          ("skill:hand-tools", "skill:concrete", "skill:teamwork", "2.C.3.d"),
          ("cred:osha-10", "cred:flagger"), (), "heavy", None, True, False, "none", tuple(METRO) + ("Lane",), 6, 6),
    Track("electrician", "construction", "Inside Electrician", ("47-2111.00",), "46.0302",
          (T.REGISTERED_APPRENTICESHIP, T.PRE_APPRENTICESHIP, T.REGISTERED_APPRENTICESHIP, T.OCCUPATIONAL_SKILLS),
          ("skill:electrical-wiring", "skill:blueprint-reading", "skill:construction-math", "2.B.3.d", "2.C.4.b"),
          ("cred:osha-10",), (), "medium", None, True, True, "hs_diploma_or_ged", tuple(METRO) + ("Lane",), 10, 10),
    Track("plumbing", "construction", "Plumbing and Pipefitting", ("47-2152.00",), "46.0503",
          (T.REGISTERED_APPRENTICESHIP, T.PRE_APPRENTICESHIP, T.OJT, T.REGISTERED_APPRENTICESHIP),
          ("skill:plumbing", "skill:blueprint-reading", "skill:construction-math", "2.B.3.d", "2.C.3.d"),
          ("cred:osha-10",), (), "heavy", None, True, True, "hs_diploma_or_ged", tuple(METRO) + ("Lane",), 9, 9),
    Track("ironworker", "construction", "Ironworker", ("47-2221.00",), "46.0411",
          (T.REGISTERED_APPRENTICESHIP, T.PRE_APPRENTICESHIP),
          ("skill:welding-stick", "skill:blueprint-reading", "2.C.3.d", "2.C.3.e"), ("cred:osha-10",), (),
          "heavy", None, True, True, "hs_diploma_or_ged", ("Multnomah", "Clark", "Lane"), 8, 8),
    Track("openg", "construction", "Heavy Equipment Operator", ("47-2073.00",), "49.0202",
          (T.REGISTERED_APPRENTICESHIP, T.PRE_APPRENTICESHIP, T.OCCUPATIONAL_SKILLS),
          ("skill:machine-operation", "2.B.3.h", "2.C.3.d"), ("cred:osha-10",), (), "medium", None, True, True,
          "hs_diploma_or_ged", ("Clackamas", "Multnomah", "Lane", "Clark"), 8, 8),
    Track("painting", "construction", "Painting and Drywall Finishing", ("47-2141.00",), "46.0408",
          (T.REGISTERED_APPRENTICESHIP, T.OJT, T.PRE_APPRENTICESHIP),
          ("skill:painting", "skill:drywall", "skill:hand-tools", "2.C.3.d"), ("cred:osha-10", "cred:aerial-lift"),
          (), "medium", None, True, False, "none", ("Multnomah", "Washington", "Lane"), 7, 7),
    Track("sheetmetal", "construction", "Sheet Metal", ("47-2211.00",), "48.0506",
          (T.REGISTERED_APPRENTICESHIP, T.PRE_APPRENTICESHIP),
          ("skill:blueprint-reading", "skill:construction-math", "skill:hvac", "2.C.3.d", "2.C.3.e"),
          ("cred:osha-10",), (), "heavy", None, True, True, "hs_diploma_or_ged", ("Multnomah", "Clark", "Lane"),
          9, 10),
    Track("trades-intro", "construction", "Multi-Trade Construction Readiness",
          ("47-2061.00", "47-2031.00", "47-2111.00"), None,
          (T.PRE_APPRENTICESHIP, T.PRE_APPRENTICESHIP, T.PRE_APPRENTICESHIP, T.YOUTH, T.PRE_APPRENTICESHIP),
          ("skill:hand-tools", "skill:power-tools", "skill:construction-math", "skill:blueprint-reading", "2.C.3.d"),
          ("cred:boli-pre-apprenticeship", "cred:osha-10", "cred:nccer-core", "cred:flagger", "cred:first-aid-cpr"),
          (), "heavy", None, False, False, "none", tuple(METRO) + ("Lane",)),
    # --- healthcare
    Track("cna", "healthcare", "Certified Nursing Assistant", ("31-1131.00",), "51.3902",
          (T.OCCUPATIONAL_SKILLS, T.OCCUPATIONAL_SKILLS, T.OJT, T.CUSTOMIZED, T.YOUTH, T.OCCUPATIONAL_SKILLS,
           T.INCUMBENT_WORKER),
          ("skill:patient-care", "skill:vital-signs", "2.B.1.f", "2.C.1.e", "2.C.5.a"),
          ("cred:cna", "cred:first-aid-cpr"), (), "medium", VULNERABLE, True, False, "none"),
    Track("ma", "healthcare", "Medical Assistant", ("31-9092.00",), "51.0801",
          (T.OCCUPATIONAL_SKILLS, T.OCCUPATIONAL_SKILLS, T.OJT, T.INCUMBENT_WORKER, T.OCCUPATIONAL_SKILLS),
          ("skill:medical-terminology", "skill:vital-signs", "skill:data-entry", "2.C.5.a", "2.C.1.e"),
          ("cred:ccma", "cred:bls"), (), "light", VULNERABLE + ("theft_fraud",), True, False, "hs_diploma_or_ged"),
    Track("phleb", "healthcare", "Phlebotomy Technician", ("31-9097.00",), "51.1009",
          (T.OCCUPATIONAL_SKILLS, T.OCCUPATIONAL_SKILLS, T.OJT, T.OCCUPATIONAL_SKILLS),
          ("skill:patient-care", "skill:medical-terminology", "2.C.4.d", "2.C.5.a"), ("cred:phlebotomy", "cred:bls"),
          (), "light", VULNERABLE, True, False, "hs_diploma_or_ged"),
    Track("pharmtech", "healthcare", "Pharmacy Technician", ("29-2052.00",), "51.0805",
          (T.OCCUPATIONAL_SKILLS, T.REGISTERED_APPRENTICESHIP, T.OCCUPATIONAL_SKILLS, T.OJT),
          ("skill:medical-terminology", "skill:data-entry", "skill:customer-service", "2.C.4.c", "2.A.1.e"),
          ("cred:pharmacy-technician",), (), "light", ("drug_offense", "theft_fraud"), True, False,
          "hs_diploma_or_ged", online_ok=True),
    Track("homecare", "healthcare", "Home Care and Home Health Aide", ("31-1121.00", "31-1122.00"), "51.2602",
          (T.OCCUPATIONAL_SKILLS, T.OJT, T.WORK_EXPERIENCE, T.OCCUPATIONAL_SKILLS, T.YOUTH),
          ("skill:caregiving", "skill:patient-care", "2.B.1.f", "2.B.1.a"),
          ("cred:home-care-worker", "cred:first-aid-cpr"), (), "medium", VULNERABLE + ("theft_fraud",), False, True,
          "none"),
    Track("ekg", "healthcare", "EKG Technician", ("29-2031.00",), "51.0902",
          (T.OCCUPATIONAL_SKILLS, T.OCCUPATIONAL_SKILLS),
          ("skill:patient-care", "skill:medical-terminology", "2.C.5.a", "2.C.4.d"), ("cred:ekg-technician",
                                                                                     "cred:bls"),
          (), "light", VULNERABLE, False, False, "hs_diploma_or_ged", online_ok=True),
    Track("peer", "healthcare", "Peer Support Specialist", ("21-1094.00", "21-1093.00"), "51.1504",
          (T.OCCUPATIONAL_SKILLS, T.OCCUPATIONAL_SKILLS, T.WORK_EXPERIENCE, T.OJT),
          ("2.B.1.a", "2.B.1.f", "2.A.1.b", "2.C.5.b", "2.C.4.e"), ("cred:peer-support-specialist",), (), "light",
          ("crimes_against_vulnerable", "sex_offense"), False, False, "none", online_ok=True,
          notes="lived experience of recovery or mental health challenges valued; many records are not a barrier"),
    Track("qmha", "healthcare", "Mental Health Technician (QMHA)", ("29-2053.00", "21-1093.00"), "51.1502",
          (T.OCCUPATIONAL_SKILLS, T.OJT, T.INCUMBENT_WORKER, T.OCCUPATIONAL_SKILLS),
          ("2.B.1.a", "2.B.1.f", "2.C.4.e", "2.C.5.b", "2.A.1.c"), ("cred:qmha",), (), "light", VULNERABLE, False,
          False, "hs_diploma_or_ged", online_ok=True),
    Track("cadc", "healthcare", "Addiction Counselor (CADC I)", ("21-1011.00",), "51.1501",
          (T.OCCUPATIONAL_SKILLS, T.OCCUPATIONAL_SKILLS, T.OJT, T.INCUMBENT_WORKER),
          ("2.B.1.a", "2.A.1.b", "2.C.5.b", "2.C.4.e", "2.A.1.c"), ("cred:cadc-1",), (), "sedentary",
          ("crimes_against_vulnerable", "sex_offense"), False, False, "hs_diploma_or_ged", online_ok=True),
    Track("chw", "healthcare", "Community Health Worker", ("21-1094.00",), "51.1504",
          (T.OCCUPATIONAL_SKILLS, T.OCCUPATIONAL_SKILLS, T.WORK_EXPERIENCE),
          ("2.B.1.a", "2.B.1.f", "2.A.1.d", "2.C.4.f", "skill:bilingual-spanish"), ("cred:first-aid-cpr",), (),
          "light", ("crimes_against_vulnerable",), False, False, "none", online_ok=True),
    # --- early learning
    Track("childcare", "early_learning", "Child Care Provider", ("39-9011.00",), "19.0709",
          (T.OCCUPATIONAL_SKILLS, T.OJT, T.WORK_EXPERIENCE, T.YOUTH, T.OCCUPATIONAL_SKILLS, T.REGISTERED_APPRENTICESHIP,
           T.OCCUPATIONAL_SKILLS),
          ("skill:childcare", "2.B.1.a", "2.C.6", "2.C.4.e"),
          ("cred:pediatric-first-aid-cpr", "cred:food-handler", "cred:ece-registry-step"), (), "medium", VULNERABLE,
          False, False, "none"),
    Track("preschool", "early_learning", "Preschool Teacher (CDA)", ("25-2011.00",), "13.1210",
          (T.OCCUPATIONAL_SKILLS, T.REGISTERED_APPRENTICESHIP, T.OCCUPATIONAL_SKILLS, T.INCUMBENT_WORKER),
          ("skill:childcare", "2.B.1.e", "2.C.6", "2.C.4.e", "2.A.2.c"),
          ("cred:cda", "cred:pediatric-first-aid-cpr"), ("skill:childcare",), "medium", VULNERABLE, False, False,
          "hs_diploma_or_ged", online_ok=True),
    Track("ta", "early_learning", "Teaching Assistant", ("25-9042.00",), "13.1501",
          (T.OCCUPATIONAL_SKILLS, T.YOUTH, T.WORK_EXPERIENCE),
          ("2.B.1.e", "2.C.6", "2.A.1.a", "skill:bilingual-spanish"), ("cred:first-aid-cpr",), (), "light",
          VULNERABLE, False, False, "hs_diploma_or_ged"),
    # --- technology
    Track("helpdesk", "technology", "IT Help Desk", ("15-1232.00",), "11.1006",
          (T.OCCUPATIONAL_SKILLS, T.OCCUPATIONAL_SKILLS, T.OJT, T.YOUTH, T.CUSTOMIZED, T.WORK_EXPERIENCE,
           T.REGISTERED_APPRENTICESHIP),
          ("skill:it-troubleshooting", "skill:customer-service", "2.B.3.k", "2.C.3.a"),
          ("cred:comptia-a-plus", "cred:google-it-support"), ("skill:computer-basics",), "sedentary", None, False,
          False, "none", online_ok=True),
    Track("netsupport", "technology", "Network Support", ("15-1231.00",), "11.0901",
          (T.OCCUPATIONAL_SKILLS, T.REGISTERED_APPRENTICESHIP, T.INCUMBENT_WORKER),
          ("2.B.3.k", "2.B.4.g", "2.C.3.a", "2.C.9.a"), ("cred:comptia-network-plus",), ("cred:comptia-a-plus",),
          "light", (), False, False, "hs_diploma_or_ged", online_ok=True),
    Track("webdev", "technology", "Web Development", ("15-1254.00",), "11.0801",
          (T.OCCUPATIONAL_SKILLS, T.OCCUPATIONAL_SKILLS, T.REGISTERED_APPRENTICESHIP),
          ("skill:coding-basics", "2.B.3.e", "2.B.3.b", "2.C.3.a"), (), ("skill:computer-basics",), "sedentary", None,
          False, False, "hs_diploma_or_ged", ("Multnomah", "Washington", "Lane"), online_ok=True),
    Track("cyber", "technology", "Cybersecurity Analyst", ("15-1212.00",), "11.1003",
          (T.OCCUPATIONAL_SKILLS, T.INCUMBENT_WORKER, T.OCCUPATIONAL_SKILLS),
          ("2.B.4.g", "2.B.3.k", "2.C.3.a", "2.C.8.a"), ("cred:comptia-security-plus",),
          ("cred:comptia-network-plus",), "sedentary", ("theft_fraud",), False, False, "some_college",
          ("Multnomah", "Washington", "Lane"), online_ok=True),
    # --- transportation and logistics
    Track("cdl", "transportation_logistics", "Commercial Driver (CDL-A)", ("53-3032.00",), "49.0205",
          (T.OCCUPATIONAL_SKILLS, T.OCCUPATIONAL_SKILLS, T.OJT, T.REGISTERED_APPRENTICESHIP, T.CUSTOMIZED),
          ("skill:driving", "2.C.10", "2.B.3.h"), ("cred:cdl-a",), (), "medium", ("recent_dui",), True, True,
          "none", ("Multnomah", "Clackamas", "Clark", "Lane", "Washington")),
    Track("warehouse", "transportation_logistics", "Forklift and Warehouse", ("53-7051.00", "53-7062.00"), "49.0209",
          (T.OCCUPATIONAL_SKILLS, T.OJT, T.WORK_EXPERIENCE, T.WORK_EXPERIENCE, T.YOUTH, T.CUSTOMIZED),
          ("skill:pallet-jack", "skill:warehouse-operations", "skill:inventory", "2.B.3.h"),
          ("cred:forklift", "cred:osha-10"), (), "heavy", None, True, False, "none",
          ("Multnomah", "Clackamas", "Clark", "Lane", "Washington")),
]

#: Tracks added with engine v2: moving up from CNA (medication aide, CNA 2, practical nursing). They are
#: built after every earlier program, so the earlier programs keep their random draws.
MORE_TRACKS: list[Track] = [
    Track("cma", "healthcare", "Certified Medication Aide", ("31-1131.00",), "51.3902",
          (T.OCCUPATIONAL_SKILLS, T.OCCUPATIONAL_SKILLS, T.OJT),
          ("skill:patient-care", "skill:medical-terminology", "2.C.5.a"), ("cred:medication-aide",), ("cred:cna",),
          "medium", VULNERABLE, True, False, "hs_diploma_or_ged", ("Clackamas", "Multnomah", "Lane")),
    Track("cna2", "healthcare", "Certified Nursing Assistant 2", ("31-1131.00",), "51.3902",
          (T.OCCUPATIONAL_SKILLS, T.OCCUPATIONAL_SKILLS),
          ("skill:patient-care", "skill:vital-signs", "2.C.5.a"), ("cred:cna-2",), ("cred:cna",), "medium",
          VULNERABLE, True, False, "hs_diploma_or_ged", ("Clackamas", "Multnomah")),
    Track("lpn", "healthcare", "Practical Nursing (LPN)", ("29-2061.00",), "51.3901",
          (T.OCCUPATIONAL_SKILLS, T.OCCUPATIONAL_SKILLS, T.REGISTERED_APPRENTICESHIP, T.OCCUPATIONAL_SKILLS),
          ("skill:patient-care", "skill:vital-signs", "skill:medical-terminology", "2.C.5.a", "2.C.4.d"),
          ("cred:lpn-license",), (),
          "medium", VULNERABLE, True, False, "hs_diploma_or_ged", ("Clackamas", "Multnomah", "Lane", "Washington"),
          10, 10),
]


def engine_v2_requirements(track: Track, ptype: ProgramType, data: dict) -> None:
    """Requirements and supports real programs have that the first sample lacked, set by rule (no
    random draws, so nothing else changes): background look-back periods, GED help that waives a
    diploma minimum, loaner hotspots for online learning, and work that can be adjusted to a
    stated physical limit."""
    pre = data["prerequisites"]
    supports = set(data["supports"])
    number = int(data["id"].rsplit("-", 1)[1])
    lookback = {"pharmtech": {"drug_offense": 7, "theft_fraud": 7}, "ma": {"theft_fraud": 7},
                "cyber": {"theft_fraud": 10}, "cdl": {"recent_dui": 5}}.get(track.key, {})
    if track.key == "semi" and ptype in (T.OJT, T.CUSTOMIZED):  # employer checks: no felony in 7 years
        pre.update(background_check=True, background_exclusions=["felony"])
        lookback = {"felony": 7}
    if track.key == "warehouse" and ptype in (T.OJT, T.CUSTOMIZED):
        pre.update(background_check=True, background_exclusions=["theft_fraud"])
        lookback = {"theft_fraud": 5}
    pre["background_lookback_years"] = {k: v for k, v in lookback.items() if k in pre["background_exclusions"]}
    if ptype is T.YOUTH or (ptype is T.PRE_APPRENTICESHIP and number % 2):
        supports.add("ged_prep")
    if data["location"]["delivery"] != "in_person" and "laptop_loan" in supports and number % 2 == 0:
        supports.add("hotspot_loan")
    pre["accommodates_physical_limits"] = (
        track.physical in ("sedentary", "light", "medium")
        and track.sector in ("healthcare", "early_learning", "advanced_manufacturing", "technology")
        and ptype in (T.OCCUPATIONAL_SKILLS, T.OJT, T.CUSTOMIZED))
    data["supports"] = sorted(supports)


# ----------------------------------------------------------------------------- program shapes by type

NAME = {
    T.PRE_APPRENTICESHIP: "{t} Pre-Apprenticeship",
    T.REGISTERED_APPRENTICESHIP: "{t} Registered Apprenticeship",
    T.OJT: "{t} On-the-Job Training",
    T.CUSTOMIZED: "{t} Customized Training with Employer Partners",
    T.OCCUPATIONAL_SKILLS: "{t} Certificate Course",
    T.INCUMBENT_WORKER: "{t} Upskilling for Current Workers",
    T.WORK_EXPERIENCE: "{t} Paid Work Experience",
    T.YOUTH: "Youth {t} Pathway",
}
# (weeks lo, hi), (hours/week lo, hi), (completion lo, hi), (placement lo, hi)
SHAPE = {
    T.PRE_APPRENTICESHIP: ((8, 14), (30, 40), (0.65, 0.85), (0.55, 0.75)),
    T.REGISTERED_APPRENTICESHIP: ((104, 208), (40, 40), (0.45, 0.65), (0.85, 0.95)),
    T.OJT: ((8, 26), (32, 40), (0.75, 0.90), (0.80, 0.92)),
    T.CUSTOMIZED: ((4, 12), (20, 40), (0.80, 0.95), (0.75, 0.92)),
    T.OCCUPATIONAL_SKILLS: ((6, 40), (10, 25), (0.60, 0.85), (0.55, 0.80)),
    T.INCUMBENT_WORKER: ((4, 16), (4, 10), (0.85, 0.97), (0.90, 0.99)),
    T.WORK_EXPERIENCE: ((8, 16), (20, 32), (0.60, 0.80), (0.40, 0.60)),
    T.YOUTH: ((10, 26), (15, 25), (0.55, 0.80), (0.40, 0.65)),
}
YOUTH_MAX_AGE = 24


# ----------------------------------------------------------------------------- build


@dataclass
class Builder:
    rng: random.Random
    counters: Counter = field(default_factory=Counter)

    def r2(self, lo: float, hi: float, step: float = 0.01) -> float:
        return round(round(self.rng.uniform(lo, hi) / step) * step, 2)

    def program(self, track: Track, ptype: ProgramType, index: int) -> dict:
        rng = self.rng
        county = track.counties[index % len(track.counties)] if index < len(track.counties) else rng.choice(
            track.counties)
        fips, state, wage_area, zips = COUNTIES[county]
        region = "lane" if county == "Lane" else "pdx"
        self.counters[(region, track.sector)] += 1
        pid = f"{region}-{SECTOR_CODE[track.sector]}-{self.counters[(region, track.sector)]:03d}"
        provider = rng.choice(PROVIDERS[(region, track.sector)])
        (wk_lo, wk_hi), (h_lo, h_hi), (c_lo, c_hi), (p_lo, p_hi) = SHAPE[ptype]

        # Place and delivery.
        zip5, transit = rng.choice(zips)
        lat, lon = zip_point(zip5)
        delivery = "in_person"
        if track.online_ok and ptype in (T.OCCUPATIONAL_SKILLS, T.INCUMBENT_WORKER):
            delivery = rng.choice(["in_person", "hybrid", "online", "hybrid"])
        elif ptype is T.OCCUPATIONAL_SKILLS and track.sector == "healthcare":
            delivery = rng.choice(["in_person", "hybrid"])

        # Wages from OEWS: first job between pct10 and pct25 of the area.
        first = wage_for(track.onet[0], wage_area)
        floor = MIN_WAGE[county]
        start_wage = None
        if first and first.pct10 is not None and first.pct25 is not None:
            start_wage = self.r2(first.pct10, first.pct25)
        paid: dict = {"kind": "none", "hourly_wage": None, "stipend_usd": None}
        cost: dict = {"tuition_usd": 0.0, "funding": ["free"]}
        supports = {"case_management"}
        employers: list[str] = []
        if ptype is T.REGISTERED_APPRENTICESHIP:
            journey = first.median if first else None
            share = self.r2(0.50, 0.65)
            wage = max(floor, round(journey * share, 2)) if journey else floor + self.r2(1, 4)
            paid = {"kind": "wage", "hourly_wage": wage, "stipend_usd": None}
            cost = {"tuition_usd": 0.0, "funding": ["employer_paid"]}
            supports |= {"tools_gear", "mentoring"}
            employers = rng.sample(EMPLOYERS[track.sector], 2)
        elif ptype is T.OJT:
            wage = max(floor, start_wage) if start_wage else floor + self.r2(0.5, 3)
            paid = {"kind": "wage", "hourly_wage": wage, "stipend_usd": None}
            cost = {"tuition_usd": 0.0, "funding": ["wioa_ojt", "employer_paid"]}
            employers = rng.sample(EMPLOYERS[track.sector], 1)
        elif ptype is T.INCUMBENT_WORKER:
            mid = (first.pct25, first.median) if first and first.pct25 else (floor + 2, floor + 6)
            paid = {"kind": "wage", "hourly_wage": max(floor, self.r2(*mid)), "stipend_usd": None}
            cost = {"tuition_usd": 0.0, "funding": ["employer_paid", "state_grant"]}
            employers = rng.sample(EMPLOYERS[track.sector], 1)
        elif ptype is T.WORK_EXPERIENCE:
            paid = {"kind": "wage", "hourly_wage": self.r2(floor, floor + 1.5, 0.05), "stipend_usd": None}
            supports |= {"transit_pass", "mentoring"}
            employers = rng.sample(EMPLOYERS[track.sector], 1)
        elif ptype is T.PRE_APPRENTICESHIP:
            mode = rng.choice(["stipend", "stipend", "wage", "none"])
            if mode == "stipend":
                paid = {"kind": "stipend", "hourly_wage": None, "stipend_usd": float(rng.randrange(1000, 3600, 100))}
                supports.add("stipend")
            elif mode == "wage":
                paid = {"kind": "wage", "hourly_wage": floor, "stipend_usd": None}
            supports |= {"tools_gear", "tutoring", "mentoring"}
        elif ptype is T.YOUTH:
            if rng.random() < 0.6:
                paid = {"kind": "stipend", "hourly_wage": None, "stipend_usd": float(rng.randrange(500, 2500, 100))}
                supports.add("stipend")
            supports |= {"mentoring", "tutoring", "transit_pass"}
        elif ptype is T.CUSTOMIZED:
            employers = rng.sample(EMPLOYERS[track.sector], 2)
            cost = {"tuition_usd": 0.0, "funding": ["employer_paid"]}
            if rng.random() < 0.5:
                paid = {"kind": "wage", "hourly_wage": max(floor, start_wage or floor), "stipend_usd": None}
        else:  # occupational skills: tuition, often WIOA ITA-eligible
            tuition = float(rng.randrange(600, 6500, 50))
            funding = ["wioa_ita"]
            funding += rng.sample(["pell", "payment_plan", "scholarship", "gi_bill", "state_grant"], 2)
            cost = {"tuition_usd": tuition, "funding": sorted(set(funding), key=funding.index)}

        # Supports drawn with realistic frequencies.
        for support, p in (("childcare", 0.30), ("transit_pass", 0.35), ("housing_referral", 0.20),
                           ("tutoring", 0.20), ("digital_skills", 0.15), ("emergency_funds", 0.15),
                           ("accommodations", 0.25)):
            if rng.random() < p:
                supports.add(support)
        if track.license and rng.random() < 0.5:
            supports |= {"license_reinstatement", "drivers_ed"}
        if delivery != "in_person" and rng.random() < 0.5:
            supports.add("laptop_loan")
        if track.background is not None and track.background and rng.random() < 0.3:
            supports.add("record_expungement")

        # Languages: mostly English; a share Spanish or bilingual; a few others.
        roll = rng.random()
        if roll < 0.68:
            languages = ["en"]
        elif roll < 0.86:
            languages = ["en", "es"]
        elif roll < 0.93:
            languages = ["es", "en"]
        else:
            languages = ["en", rng.choice(["vi", "ru", "zh"])]
        if languages != ["en"]:
            supports.add("language_support")

        # Schedule.
        if ptype in (T.REGISTERED_APPRENTICESHIP, T.OJT, T.WORK_EXPERIENCE):
            times = ["day"] + (["evening"] if ptype is T.REGISTERED_APPRENTICESHIP else [])
        elif ptype is T.INCUMBENT_WORKER:
            times = rng.choice([["evening"], ["weekend"], ["evening", "weekend"]])
        elif ptype is T.YOUTH:
            times = rng.choice([["day"], ["evening"], ["day", "weekend"]])
        else:
            times = rng.choice([["day"], ["day"], ["evening"], ["evening", "weekend"], ["weekend"]])
        hours = float(rng.randrange(h_lo, h_hi + 1)) if h_hi > h_lo else float(h_lo)
        self_paced = delivery == "online" and rng.random() < 0.6
        weeks = float(rng.randrange(wk_lo, wk_hi + 1, 2 if wk_hi > 60 else 1))

        # Prerequisites.
        min_age = 16 if ptype is T.YOUTH else 18
        education = track.education if ptype not in (T.YOUTH, T.WORK_EXPERIENCE) else "none"
        reading = math = None
        if ptype is T.REGISTERED_APPRENTICESHIP and track.apprentice_reading:
            reading, math = track.apprentice_reading, track.apprentice_math
        elif ptype is T.PRE_APPRENTICESHIP:
            reading, math = 6, 6
        background = track.background is not None and ptype is not T.YOUTH or (
            track.sector in ("healthcare", "early_learning"))
        exclusions = list(track.background or ()) if background else []
        needs_license = track.license and (ptype is not T.YOUTH)
        if track.key == "cdl":
            needs_license = True  # a regular license first, then the CDL permit
        prereq = {
            "skills": list(track.entry_skills) if ptype in (T.INCUMBENT_WORKER, T.REGISTERED_APPRENTICESHIP,
                                                             T.OCCUPATIONAL_SKILLS) else [],
            "min_education": education,
            "min_age": 21 if (track.key == "cdl" and ptype is T.REGISTERED_APPRENTICESHIP) else min_age,
            "max_age": YOUTH_MAX_AGE if ptype is T.YOUTH else None,
            "must_be_employed": ptype is T.INCUMBENT_WORKER,
            "drivers_license": needs_license,
            "background_check": background,
            "background_exclusions": exclusions,
            "drug_test": track.drug_test and ptype is not T.YOUTH,
            "physical_demand": track.physical,
            "work_authorization": ptype in (T.OJT, T.REGISTERED_APPRENTICESHIP, T.WORK_EXPERIENCE,
                                            T.INCUMBENT_WORKER, T.CUSTOMIZED),
            "min_reading_grade": reading,
            "min_math_grade": math,
        }

        skills = list(track.skills)
        creds = list(track.creds)
        if ptype in (T.WORK_EXPERIENCE, T.YOUTH):
            creds = creds[:1]  # shorter programs award the entry credential only
        if ptype is T.PRE_APPRENTICESHIP and "cred:boli-pre-apprenticeship" not in creds:
            creds.append("cred:boli-pre-apprenticeship")
        cohort = rng.randrange(8, 40)
        seats = max(4, cohort + rng.randrange(-4, 8))
        start = dt.date(2027, 1, 4) + dt.timedelta(weeks=rng.randrange(0, 50))

        what = PROGRAM_TYPE_LABELS[ptype].lower()
        parts = [f"SAMPLE DATA - a fictional {what} program invented for testing and demonstration; "
                 "the provider, employers, dates and outcomes are not real."]
        parts.append(f"Prepares participants for work as {first.title.lower() if first else track.title.lower()}"
                     f" in {county} County, {state}.")
        if ptype is T.YOUTH:
            parts.append(f"For young people aged 16 to {YOUTH_MAX_AGE}.")
        if ptype is T.REGISTERED_APPRENTICESHIP and paid["hourly_wage"]:
            parts.append("Apprentices start at a share of the journey-level wage, with raises as hours are logged.")
        if track.notes:
            parts.append(track.notes[0].upper() + track.notes[1:] + ".")

        data = {
            "id": pid,
            "name": NAME[ptype].format(t=track.title),
            "provider": provider,
            "type": ptype.value,
            "sector": track.sector,
            "target_occupations": list(track.onet),
            "cip_code": None if ptype in (T.WORK_EXPERIENCE,) else track.cip,
            "skills_taught": skills,
            "credentials_awarded": creds,
            "prerequisites": prereq,
            "schedule": {"times": times, "hours_per_week": hours, "self_paced": self_paced},
            "duration_weeks": weeks,
            "cost": cost,
            "paid": paid,
            "supports": sorted(supports),
            "languages": languages,
            "location": {"delivery": delivery, "zip": zip5, "latitude": lat, "longitude": lon,
                         "county": f"{county} County", "state": state, "transit_access": transit, "address": None},
            "seats": seats,
            "next_start": start.isoformat(),
            "outcomes": {"completion_rate": self.r2(c_lo, c_hi), "placement_rate": self.r2(p_lo, p_hi),
                         "median_starting_wage": start_wage, "cohort_size": cohort},
            "employer_partners": employers,
            "description": " ".join(parts),
            "url": None,
            "sample_data": True,
        }
        engine_v2_requirements(track, ptype, data)
        return Program.model_validate(data).model_dump(mode="json", exclude_none=False)


# ----------------------------------------------------------------------------- checks against real code lists


def find_source_dir() -> Path:
    for candidate in (Path("/work/shared/data"), REPO.parent / "shared" / "data"):
        if candidate.is_dir():
            return candidate
    raise SystemExit("shared data folder not found; pass --source")


def check_codes(src: Path, programs: list[dict]) -> None:
    """Fail the build on any code that is not real (O*NET, CIP crosswalk, skill and credential IDs)."""
    with (src / "onet" / "db_29_2_text" / "Occupation Data.txt").open(encoding="utf-8") as fh:
        onet = {line.split("\t", 1)[0] for line in fh}
    elements = set()
    for name in ("Skills.txt", "Knowledge.txt"):
        with (src / "onet" / "db_29_0_excel_converted" / name).open(encoding="utf-8") as fh:
            elements |= {line.split("\t")[1] for line in fh}
    with (src / "crosswalks" / "soc2018_cip2020_crosswalk.csv").open(newline="", encoding="utf-8") as fh:
        crosswalk = {(r["SOC2018Code"], r["CIP2020Code"]) for r in csv.DictReader(fh)}
    with (REPO / "training_data" / "curated" / "credentials_and_entry_skills.csv").open(newline="",
                                                                                       encoding="utf-8") as fh:
        curated = {r["id"] for r in csv.DictReader(fh)}
    problems = []
    for p in programs:
        for code in p["target_occupations"]:
            if code not in onet:
                problems.append(f"{p['id']}: {code} is not an O*NET-SOC 29.2 code")
        if p["cip_code"]:
            socs = {c[:7] for c in p["target_occupations"]} | {oews_soc(c) for c in p["target_occupations"]}
            if not any((soc, p["cip_code"]) in crosswalk for soc in socs):
                problems.append(f"{p['id']}: CIP {p['cip_code']} is not crosswalked to {sorted(socs)}")
        for ident in p["skills_taught"] + p["credentials_awarded"] + p["prerequisites"]["skills"]:
            known = ident in curated if ident.startswith(("cred:", "skill:")) else ident in elements
            if not known:
                problems.append(f"{p['id']}: unknown skill/credential id {ident}")
    # And the library's own check, the one every import runs (matcher.taxonomy.check_program_ids).
    from matcher.taxonomy import check_program_ids, load_taxonomy

    taxonomy = load_taxonomy(REPO / "training_data" / "taxonomy")
    for p in programs:
        problems.extend(f"{p['id']}: {pr}" for pr in check_program_ids(Program.model_validate(p), taxonomy))
    if problems:
        raise SystemExit("sample catalog uses codes that are not real:\n  " + "\n  ".join(problems))


# ----------------------------------------------------------------------------- main

SOURCES = [
    {"name": "O*NET 29.2 Database (occupations) and 29.0 (Skills, Knowledge)", "publisher": "USDOL/ETA",
     "licence": "CC BY 4.0", "used_for": "target_occupations, skill element IDs"},
    {"name": "CIP 2020 to SOC 2018 Crosswalk", "publisher": "NCES/BLS", "licence": "public domain",
     "used_for": "cip_code consistency"},
    {"name": "OEWS May 2025 estimates", "publisher": "BLS", "licence": "public domain",
     "used_for": "starting and apprentice wages (training_data/wages)"},
    {"name": "2023 Gazetteer ZCTA internal points", "publisher": "US Census Bureau", "licence": "public domain",
     "used_for": "location coordinates (training_data/geo)"},
    {"name": "credentials_and_entry_skills.csv", "publisher": "this project (curated)",
     "licence": "project licence", "used_for": "cred: and skill: IDs"},
]


def describe(programs: list[dict]) -> str:
    """SAMPLE_CATALOG.md: what the sample is, what is real, and its distribution."""

    def table(title: str, counts: Counter) -> str:
        rows = "\n".join(f"| {k} | {v} |" for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
        return f"| {title} | programs |\n|---|---|\n{rows}\n"

    by_sector = Counter(p["sector"] for p in programs)
    by_type = Counter(p["type"] for p in programs)
    by_county = Counter(p["location"]["county"] for p in programs)
    by_paid = Counter(p["paid"]["kind"] for p in programs)
    by_lang = Counter("+".join(p["languages"]) for p in programs)
    by_delivery = Counter(p["location"]["delivery"] for p in programs)
    return SAMPLE_MD.format(
        n=len(programs), sector=table("sector", by_sector), type=table("type", by_type),
        county=table("county", by_county), paid=table("paid while training", by_paid),
        lang=table("languages (instruction, first = main)", by_lang), delivery=table("delivery", by_delivery),
    )


SAMPLE_MD = """# Sample catalog - FICTIONAL SAMPLE DATA

**Every program in `sample_catalog.json` is invented.** The providers,
employer partners, program names, seats, start dates, costs, schedules and
outcome rates do not describe any real organization or program. Every record
has `"sample_data": true` and a description starting "SAMPLE DATA". Use it for
tests, demos and development, never to refer a job seeker.

Generated by `scripts/build_sample_catalog.py` (seeded random generator; the
same inputs give a byte-identical file - do not edit by hand). {n} programs
for the Portland metro (Multnomah, Washington and Clackamas counties OR, Clark
County WA) and Lane County OR. Format: the canonical `matcher-catalog` JSON
(version 1); each program is a `matcher.records.Program`.

## What is real

- **Occupations**: every `target_occupations` code is an O*NET-SOC 29.2 code
  (the build fails otherwise).
- **CIP codes**: real CIP 2020 codes that the NCES SOC-CIP crosswalk links to
  one of the program's occupations; None where no program of study applies
  (laborer, weatherization, production OJT and all work experience).
- **Skills and credentials**: O*NET Skills/Knowledge element IDs (e.g. 2.B.3.j
  Equipment Maintenance, 2.C.3.d Building and Construction) and the `skill:` /
  `cred:` IDs of `training_data/curated/credentials_and_entry_skills.csv`.
- **Wages** (from `training_data/wages`, BLS OEWS May 2025): the expected
  starting wage (`outcomes.median_starting_wage`) and OJT wages lie between the
  10th and 25th percentile for the first target occupation in the program's
  area (Portland MSA, or Eugene-Springfield for Lane, with the state/national
  fallback of `matcher.wages`); apprentices start at 50-65% of the journey-level
  (median) wage; incumbent workers between the 25th percentile and the median.
  No paid wage is below the local minimum wage from July 2025 (Oregon:
  Portland metro $16.30, standard $15.05; Washington $16.66).
- **Places**: real ZIP codes of the five counties with their Census 2023 ZCTA
  internal points. Transit-access flags are the generator's rough judgement of
  the ZIP, not a transit agency's data. No street addresses.

## What is invented

Provider and employer names (made-up words, chosen not to match real
organizations), program names, costs, funding mixes, seats, 2027 start dates,
schedules, durations, supports, languages, prerequisites (typical of the kind of
program: driver's licence for CDL and many trades, background checks with
exclusions for healthcare and early learning, drug tests in construction,
manufacturing and transportation, reading/math levels for apprenticeships,
minimum age 16 for youth programs and 18 otherwise) and completion/placement
rates (plausible ranges by program type).

## Distribution

{sector}
{type}
{county}
{paid}
{lang}
{delivery}
"""


def build(src: Path) -> str:
    builder = Builder(random.Random(SEED))
    programs = []
    for track in TRACKS:
        for index, ptype in enumerate(track.types):
            programs.append(builder.program(track, ptype, index))
    # A second offering of the two most common program kinds of every larger
    # track (another provider or county), as real catalogs repeat popular ones.
    for track in TRACKS:
        if len(track.types) >= 4:
            for extra, ptype in enumerate(track.types[:2]):
                programs.append(builder.program(track, ptype, len(track.types) + extra))
    for track in MORE_TRACKS:
        for index, ptype in enumerate(track.types):
            programs.append(builder.program(track, ptype, index))
    if len(programs) < MIN_PROGRAMS:
        raise SystemExit(f"only {len(programs)} programs; at least {MIN_PROGRAMS} wanted")
    ids = [p["id"] for p in programs]
    if len(set(ids)) != len(ids):
        raise SystemExit("duplicate program ids")
    check_codes(src, programs)
    doc = {
        "format": "matcher-catalog",
        "version": 1,
        "sample_data": True,
        "description": ("FICTIONAL SAMPLE CATALOG for the Portland metro (Multnomah, Washington, Clackamas, "
                        "Clark WA) and Lane County: invented programs, providers and employers built on real "
                        "O*NET-SOC and CIP codes, OEWS May 2025 wages and Census ZIP points. Not a list of real "
                        "programs. See training_data/SAMPLE_CATALOG.md."),
        "sources": SOURCES,
        "programs": programs,
    }
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=REPO / "training_data" / "sample_catalog.json")
    args = parser.parse_args(argv)
    text = build(args.source or find_source_dir())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(text.encode("utf-8"))
    md = args.out.with_name("SAMPLE_CATALOG.md")
    md.write_bytes(describe(json.loads(text)["programs"]).encode("utf-8"))
    print(f"wrote {args.out} and {md.name}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
