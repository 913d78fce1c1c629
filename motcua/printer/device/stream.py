"""Reading back the ESC/POS bytes motcua sends: for `preview:` printers and for tests.

motcua sends only a handful of commands (init, alignment, feed, raster image, 2D code,
cut). Walking a stream with exactly that grammar proves that nothing else — no stray
text a printer would print as garbage — is in it, and gives back the raster to look at.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from PIL import Image, ImageOps

ESC, GS, LF = 0x1B, 0x1D, 0x0A


@dataclass(frozen=True)
class Command:
    name: str  # "init", "align", "feed", "raster", "qr", "cut", "newline"
    payload: bytes = b""
    width: int = 0  # raster only, in dots
    height: int = 0


class StreamError(ValueError):
    """A byte the grammar does not allow, e.g. raw text between commands."""


def commands(data: bytes) -> Iterator[Command]:
    i = 0

    def need(n: int) -> bytes:
        if i + n > len(data):
            raise StreamError(f"command at byte {i} is cut short")
        return data[i : i + n]

    while i < len(data):
        byte = data[i]
        if byte == LF:
            yield Command("newline")
            i += 1
        elif byte == ESC:
            op = need(2)[1:2]
            if op == b"@":
                yield Command("init")
                i += 2
            elif op in (b"a", b"d"):
                yield Command("align" if op == b"a" else "feed", need(3)[2:3])
                i += 3
            else:
                raise StreamError(f"unexpected ESC {op!r} at byte {i}")
        elif byte == GS:
            op = need(2)[1:2]
            if op == b"v":
                header = need(8)
                if header[2:3] != b"0":
                    raise StreamError(f"unexpected GS v {header[2:3]!r} at byte {i}")
                width_bytes = header[4] + 256 * header[5]
                height = header[6] + 256 * header[7]
                i += 8
                body = need(width_bytes * height)
                yield Command("raster", body, width_bytes * 8, height)
                i += width_bytes * height
            elif op == b"(":
                header = need(5)
                if header[2:3] != b"k":
                    raise StreamError(f"unexpected GS ( {header[2:3]!r} at byte {i}")
                length = header[3] + 256 * header[4]
                i += 5
                yield Command("qr", need(length))
                i += length
            elif op == b"V":
                mode = need(3)[2]
                size = 4 if mode in (65, 66) else 3
                yield Command("cut", need(size)[2:])
                i += size
            else:
                raise StreamError(f"unexpected GS {op!r} at byte {i}")
        else:
            raise StreamError(f"byte {byte:#04x} at {i} would print as text")


# GS ( k functions for QR codes (cn 49): module size, store the data, print what is stored.
_QR_SIZE, _QR_STORE, _QR_PRINT = 67, 80, 81


def raster_image(data: bytes, gap: int = 32) -> Image.Image:
    """The stream's raster images stacked as printed, a blank gap where paper is cut.

    A native QR code (`GS ( k`) is drawn as the printer would, centred, so a preview of a job
    made for a printer that draws its own QR codes still shows the code.
    """
    from motcua.printer.device.render import qr_image  # qrcode: only when a preview is drawn

    parts: list[Image.Image | int] = []  # an int is a gap of that many rows
    qr_data, qr_module = b"", 3
    for command in commands(data):
        if command.name == "raster":
            # In ESC/POS a set bit prints; in a 1-bit PIL image a set bit is white.
            ink = Image.frombytes("1", (command.width, command.height), command.payload)
            parts.append(ImageOps.invert(ink.convert("L")).convert("1"))
        elif command.name == "qr" and command.payload[:1] == b"1":
            function = command.payload[1]
            if function == _QR_SIZE:
                qr_module = command.payload[2]
            elif function == _QR_STORE:
                qr_data = command.payload[3:]
            elif function == _QR_PRINT and qr_data:
                parts.append(qr_image(qr_data.decode("utf-8"), qr_module))
        elif command.name == "cut" and parts:
            parts.append(gap)
    while parts and isinstance(parts[-1], int):
        parts.pop()
    images = [p for p in parts if isinstance(p, Image.Image)]
    width = max((p.width for p in images), default=1)
    height = sum(p if isinstance(p, int) else p.height for p in parts)
    image = Image.new("1", (width, max(height, 1)), 1)
    top = 0
    for part in parts:
        if isinstance(part, Image.Image):
            image.paste(part, ((width - part.width) // 2, top))
            top += part.height
        else:
            top += part
    return image
