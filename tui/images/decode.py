"""Fetched bytes -> one RGB/RGBA picture, the pixel count checked before decoding.

Pillow's ``Image.open`` reads only the header, so ``width * height`` is known before a
single pixel is decoded: a 20,000 x 20,000 PNG of a few hundred bytes (a decompression
bomb) is refused there. Only web formats are opened; Pillow's other plugins (EPS, which
runs Ghostscript, and a long tail of rarely fuzzed ones) never see article bytes.

A file whose header is fine but whose data is cut short or corrupt is "failed", not
"not an image": it is an image that did not arrive whole.
"""

from __future__ import annotations

import io

from PIL import Image, ImageOps, UnidentifiedImageError

from tui.images.limits import FAILED, NOT_AN_IMAGE, TOO_BIG, ImageFailure

__all__ = ["WEB_FORMATS", "decode"]

#: The formats articles use; AVIF where this Pillow has it.
WEB_FORMATS: tuple[str, ...] = ("PNG", "JPEG", "GIF", "WEBP", "BMP", "ICO", "AVIF")


def _formats() -> list[str]:
    Image.init()
    return [name for name in WEB_FORMATS if name in Image.OPEN]


def decode(data: bytes, max_pixels: int) -> Image.Image:
    """The first frame of ``data`` as RGB (or RGBA when it has transparency), upright.

    Raises ``ImageFailure``: "not an image" (no known header), "too big" (more than
    ``max_pixels`` by the header, or Pillow's own bomb guard), "failed" (truncated/corrupt).
    """
    try:
        image = Image.open(io.BytesIO(data), formats=_formats())
    except Image.DecompressionBombError as exc:
        raise ImageFailure(TOO_BIG, str(exc)) from exc
    except UnidentifiedImageError as exc:
        raise ImageFailure(NOT_AN_IMAGE) from exc
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        # a known signature with a broken header
        raise ImageFailure(FAILED, f"{type(exc).__name__}: {exc}") from exc
    with image:
        width, height = image.size
        if width <= 0 or height <= 0:
            raise ImageFailure(FAILED, f"{width}x{height}")
        if width * height > max_pixels:
            raise ImageFailure(TOO_BIG, f"{width}x{height} pixels")
        try:
            image.seek(0)  # the first frame of a GIF/WebP/APNG animation
            image.load()
            upright = ImageOps.exif_transpose(image)
            return upright.convert("RGBA" if _has_alpha(upright) else "RGB")
        except Image.DecompressionBombError as exc:
            raise ImageFailure(TOO_BIG, str(exc)) from exc
        except (OSError, ValueError, SyntaxError, EOFError, IndexError) as exc:
            raise ImageFailure(FAILED, f"{type(exc).__name__}: {exc}") from exc


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in image.info
