"""The seal's PNG is decoded and compressed once per process, whatever the number of copies stamped."""

from __future__ import annotations

import pikepdf
import pytest

from service.render import overlay
from tests.render.specimen_seal import specimen_seal_png


def test_seal_png_is_encoded_once_for_many_documents(monkeypatch: pytest.MonkeyPatch) -> None:
    """This test ensures that stamping many copies decodes the seal's PNG once, each copy getting the same image and soft mask."""
    overlay._encoded.cache_clear()
    opened = []
    real_open = overlay.Image.open

    def counting_open(*args: object, **kwargs: object) -> object:
        opened.append(1)
        return real_open(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(overlay.Image, "open", counting_open)
    images = []
    for _ in range(3):
        document = pikepdf.new()
        image = overlay.png_image(document, specimen_seal_png())
        images.append((image.read_raw_bytes(), image.SMask.read_raw_bytes(), int(image.Width)))
    assert len(opened) == 1
    assert images[0] == images[1] == images[2]
    assert images[0][2] == 600
