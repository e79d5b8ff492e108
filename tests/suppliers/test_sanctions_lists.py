"""The list readers are plain Python: no database, and every refusal says where."""

import pytest

from supplyesg.suppliers.sanctions import lists
from tests.suppliers.sanctions_files import csv_list, ftm_lines, standard_un_xml, un_xml


def test_a_un_individual_s_name_joins_its_name_parts_and_keeps_the_original_script_as_an_alias():
    original = "<NAME_ORIGINAL_SCRIPT>리</NAME_ORIGINAL_SCRIPT>".encode()
    data = un_xml(individuals=[{"reference": "KPi.077", "name": "Ri Example", "aliases": ["Ri Ex"]}])
    data = data.replace(b"</LISTED_ON>", b"</LISTED_ON>" + original, 1)
    entry = lists.parse_un_xml(data).entries[0]
    assert (entry.name, entry.kind, entry.aliases) == ("Ri Example", "person", ["Ri Ex", "리"])


def test_each_format_reads_its_own_shape():
    assert [e.reference for e in lists.parse(standard_un_xml(), "un-xml").entries] == ["KPi.001", "KPe.001", "KPe.099"]
    assert [e.name for e in lists.parse(csv_list(), "csv").entries] == ["Far East Tin Smelting Works", "Ivan Example"]
    assert [e.name for e in lists.parse(ftm_lines(), "ftm").entries] == ["Northern Cobalt Refining LLC", "Jane Example"]


def test_an_unknown_format_or_an_empty_file_is_refused():
    with pytest.raises(lists.ListFormatError, match="format: choose one of un-xml, csv, ftm"):
        lists.parse(b"x", "xlsx")
    with pytest.raises(lists.ListFormatError, match="the file is empty"):
        lists.parse(b"", "csv")


def test_a_un_file_without_any_entry_is_refused():
    with pytest.raises(lists.ListFormatError, match="no INDIVIDUALS/INDIVIDUAL or ENTITIES/ENTITY"):
        lists.parse_un_xml(b"<CONSOLIDATED_LIST><INDIVIDUALS/><ENTITIES/></CONSOLIDATED_LIST>")
