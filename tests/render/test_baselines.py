"""Tests of reading where text stands on a PDF page, and the named destinations, from the PDF's own operators."""

from __future__ import annotations

import pikepdf
import pytest

from service.render.baselines import (
    Destination,
    drop_destinations,
    named_destinations,
    page_baselines,
)


def one_page(content: str) -> pikepdf.Pdf:
    """Return a one-page PDF drawing the given content stream."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595.3, 841.9))
    pdf.pages[0].obj.Contents = pdf.make_stream(content.encode())
    return pdf


def test_text_positions_follow_the_text_matrix() -> None:
    """This test ensures that each text shown is placed by Td, TD, Tm, TL, T* and the quote operators."""
    content = (
        "BT 80 700 Td (a) Tj 0 -30 Td (b) Tj ET\n"
        "BT 1 0 0 1 80 500 Tm 20 TL (c) Tj T* (d) Tj (e) ' ET\n"
        'BT 80 300 Td 0 -25 TD [(f) 10 (g)] TJ T* (h) Tj 1 2 (i) " ET\n'
    )
    with one_page(content) as pdf:
        found = page_baselines(pdf.pages[0])
    assert found == pytest.approx((700, 670, 500, 480, 460, 275, 250, 225))


def test_text_positions_follow_the_graphics_state() -> None:
    """This test ensures that cm scales and moves text, and Q restores the state q saved."""
    content = "q 0.5 0 0 0.5 0 100 cm BT 0 400 Td (a) Tj ET Q BT 0 400 Td (b) Tj ET"
    with one_page(content) as pdf:
        assert page_baselines(pdf.pages[0]) == pytest.approx((300, 400))


def test_destinations_are_read_from_both_places_and_dropped() -> None:
    """This test ensures that destinations are found in the catalogue's /Dests and in its name
    tree, and that dropping them leaves neither."""
    with one_page("") as pdf:
        pdf.add_blank_page()
        first, second = pdf.pages[0].obj, pdf.pages[1].obj
        xyz = pikepdf.Name.XYZ
        pdf.Root.Dests = pikepdf.Dictionary(
            {
                "/a": pikepdf.Array([first, xyz, 0, 700, 0]),
                "/b": pikepdf.Array([first, xyz, 0, 1, 0]),
            }
        )
        tree = pikepdf.NameTree.new(pdf)
        tree["c"] = pikepdf.Dictionary(D=pikepdf.Array([second, xyz, 0, 300.5, 0]))
        pdf.Root.Names = pikepdf.Dictionary(Dests=tree.obj)
        assert named_destinations(pdf) == {
            "a": Destination(0, 700.0),
            "b": Destination(0, 1.0),
            "c": Destination(1, 300.5),
        }
        drop_destinations(pdf)
        assert "/Dests" not in pdf.Root and "/Names" not in pdf.Root
        assert named_destinations(pdf) == {}
