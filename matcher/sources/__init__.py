"""Real catalogs in: state ETPLs, college program lists, apprenticeship registries, through mappings boards write.

- :mod:`.mapping` - the mapping file (TOML) and its pydantic model; :func:`load_mapping`.
- :mod:`.convert` - value converters (CIP, O*NET, money, dates, yes/no/unknown...).
- :mod:`.derive` - derivations (occupations from CIP, sector from occupations...).
- :mod:`.importer` - :func:`import_file`: rows -> validated programs + an :class:`ImportReport`.
- :mod:`.duplicates` - likely duplicates across sources, merged only when asked.
- :mod:`.report` - the import report.

CTDL JSON-LD is read by :mod:`matcher.ctdl`, which returns the same report.
``docs/sources.md`` is the guide for writing a mapping.
"""

from .importer import SourceImport, import_file
from .mapping import Mapping, load_mapping, parse_mapping, shipped_mappings
from .report import Duplicate, ImportReport

__all__ = ["Duplicate", "ImportReport", "Mapping", "SourceImport", "import_file", "load_mapping", "parse_mapping",
           "shipped_mappings"]
