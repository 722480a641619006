"""Checking that bytes are a complete JPEG and reading its size from the frame header."""

from __future__ import annotations

_SOI = b"\xff\xd8"
_EOI = b"\xff\xd9"
_START_OF_FRAME = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD})
_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})


class InvalidJpeg(ValueError):
    """The bytes are not a complete JPEG image."""


def jpeg_dimensions(data: bytes) -> tuple[int, int]:
    """(width, height) of a complete JPEG (SOI first, EOI last); InvalidJpeg otherwise."""
    if not data.startswith(_SOI):
        raise InvalidJpeg("does not start with the JPEG SOI marker FFD8")
    if not data.endswith(_EOI):
        raise InvalidJpeg("does not end with the JPEG EOI marker FFD9 (truncated?)")
    position = 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            raise InvalidJpeg(f"expected a marker at byte {position}")
        marker = data[position + 1]
        if marker == 0xFF:
            position += 1
            continue
        if marker in _STANDALONE:
            position += 2
            continue
        length = int.from_bytes(data[position + 2 : position + 4], "big")
        if marker in _START_OF_FRAME:
            if position + 9 > len(data):
                break
            height = int.from_bytes(data[position + 5 : position + 7], "big")
            width = int.from_bytes(data[position + 7 : position + 9], "big")
            if width == 0 or height == 0:
                raise InvalidJpeg(f"frame header gives an empty size {width}x{height}")
            return width, height
        if marker == 0xDA:
            break
        position += 2 + length
    raise InvalidJpeg("no frame header (SOF) before the image data")
