"""Tests of the profile settings written before soffice starts: ours replaced, soffice's own kept."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

from service.render.office.profile import OFFICE_SETTINGS, OOR, SCRIPTING, write_settings

SOFFICE_WROTE = f"""<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="{OOR}" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/Product"><prop oor:name="ooSetupLastVersion" oor:op="fuse"><value>7.4</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>
<item oor:path="{SCRIPTING}"><prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>false</value></prop></item>
<item oor:path="{SCRIPTING}"><prop oor:name="SecureURL" oor:op="fuse"><value>file:///</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security"><node oor:name="Scripting" oor:op="replace"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>0</value></prop></node></item>
</oor:items>
"""


def items(path: Path) -> list[tuple[str, str, str]]:
    """Return (path, name, value) of every property a registrymodifications.xcu sets directly."""
    found = []
    for item in ElementTree.parse(path).getroot().findall("item"):
        for prop in item.findall("prop"):
            value = prop.find("value")
            found.append(
                (
                    item.get(f"{{{OOR}}}path", ""),
                    prop.get(f"{{{OOR}}}name", ""),
                    "" if value is None else value.text or "",
                )
            )
    return found


def test_soffice_own_marks_stay_and_our_part_is_written_again(tmp_path: Path) -> None:
    """This test ensures that writing the settings keeps what soffice stored elsewhere (the mark
    that spares every later start its first-start tests) and replaces everything in our part of
    the configuration, a permissive value or a whole node set from above included."""
    target = tmp_path / "user" / "registrymodifications.xcu"
    target.parent.mkdir()
    target.write_text(SOFFICE_WROTE, encoding="utf-8")
    write_settings(tmp_path)
    written = items(target)
    assert ("/org.openoffice.Setup/Product", "ooSetupLastVersion", "7.4") in written
    assert ("/org.openoffice.Office.Common/Misc", "FirstRun", "false") in written
    ours = [(setting.path, setting.name, setting.value) for setting in OFFICE_SETTINGS]
    assert [entry for entry in written if entry[0] == SCRIPTING] == [
        entry for entry in ours if entry[0] == SCRIPTING
    ]
    assert all(entry in written for entry in ours)
    assert 'Security"><node' not in target.read_text(encoding="utf-8")


def test_settings_written_twice_are_there_once(tmp_path: Path) -> None:
    """This test ensures that the settings written before every start do not pile up."""
    write_settings(tmp_path)
    first = (tmp_path / "user" / "registrymodifications.xcu").read_text(encoding="utf-8")
    write_settings(tmp_path)
    assert (tmp_path / "user" / "registrymodifications.xcu").read_text(encoding="utf-8") == first
    assert len(items(tmp_path / "user" / "registrymodifications.xcu")) == len(OFFICE_SETTINGS)


def test_an_unreadable_file_is_replaced_by_the_settings(tmp_path: Path) -> None:
    """This test ensures that a registrymodifications.xcu cut short (soffice killed while it
    wrote) is replaced by the settings alone, and soffice still gets a readable file."""
    target = tmp_path / "user" / "registrymodifications.xcu"
    target.parent.mkdir()
    target.write_text(SOFFICE_WROTE[:300], encoding="utf-8")
    write_settings(tmp_path)
    assert len(items(target)) == len(OFFICE_SETTINGS)
