"""Page pictures and the way back from their pixels to page coordinates.

A page is rendered grey at the OCR resolution (a huge page at less, so that its
longest side stays within `max_side` pixels and memory stays bounded). Turning it
upright and straightening it give a *working image*; `View.to_page` maps a rectangle
of the working image back to the page's displayed space in points.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np
import pymupdf

Rect = tuple[float, float, float, float]


@dataclass
class View:
    """A working image and the affine map (3 × 3) from its pixels to the page's
    displayed space in points."""

    image: np.ndarray
    to_page: np.ndarray = field(default_factory=lambda: np.eye(3))
    turn: int = 0
    skew: float = 0.0

    def rect_to_page(self, rect: Rect) -> Rect:
        x0, y0, x1, y1 = rect
        corners = np.array([[x0, y0, 1], [x1, y0, 1], [x1, y1, 1], [x0, y1, 1]], dtype=float)
        mapped = corners @ self.to_page.T
        xs, ys = mapped[:, 0], mapped[:, 1]
        return (
            round(float(xs.min()), 2),
            round(float(ys.min()), 2),
            round(float(xs.max()), 2),
            round(float(ys.max()), 2),
        )


def render(page: pymupdf.Page, dpi: int, max_side: int) -> tuple[View, float]:
    """The page as displayed, grey, at `dpi` (less for a huge page); returns the view
    and the resolution used."""
    rect = page.rect
    longest = max(rect.width, rect.height) / 72.0
    used = min(float(dpi), max_side / longest) if longest else float(dpi)
    zoom = used / 72.0
    pix = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), colorspace=pymupdf.csGRAY, alpha=False)
    image = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.stride)
    image = np.ascontiguousarray(image[:, : pix.width])
    if _one_bit_scan(page):
        image = soften(image)
    to_page = np.array([[1 / zoom, 0, rect.x0], [0, 1 / zoom, rect.y0], [0, 0, 1]], dtype=float)
    return View(image=image, to_page=to_page), used


BILEVEL_SIGMA = 1.0  # Gaussian blur (pixels) that gives a bilevel scan its grey edges back


def _one_bit_scan(page: pymupdf.Page) -> bool:
    """A page that is one black-and-white (1 bit per pixel) picture: a fax-style scan."""
    try:
        images = page.get_images(full=True)
    except RuntimeError:
        return False
    return len(images) == 1 and images[0][4] == 1


def soften(image: np.ndarray) -> np.ndarray:
    """A bilevel scan softened: the recogniser was trained on grey pictures and misreads
    jagged strokes ("数量" → "敗量")."""
    return cv2.GaussianBlur(image, (0, 0), BILEVEL_SIGMA) if image.size else image


def _affine3(matrix: np.ndarray) -> np.ndarray:
    return np.vstack([matrix, [0.0, 0.0, 1.0]])


def turn_view(view: View, turn: int) -> View:
    """Turn the working image clockwise by `turn` degrees (0/90/180/270)."""
    import cv2

    turn %= 360
    if not turn:
        return view
    h, w = view.image.shape[:2]
    codes = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    image = cv2.rotate(view.image, codes[turn])
    # new pixel → old pixel
    back = {
        90: np.array([[0, 1, 0], [-1, 0, h - 1], [0, 0, 1]], dtype=float),
        180: np.array([[-1, 0, w - 1], [0, -1, h - 1], [0, 0, 1]], dtype=float),
        270: np.array([[0, -1, w - 1], [1, 0, 0], [0, 0, 1]], dtype=float),
    }[turn]
    return View(image=image, to_page=view.to_page @ back, turn=(view.turn + turn) % 360)


def straighten(view: View, angle: float) -> View:
    """Rotate the working image by `angle` degrees (counter-clockwise, as OpenCV counts)
    about its centre, white filling the corners."""
    import cv2

    if not angle:
        return view
    h, w = view.image.shape[:2]
    forward = cv2.getRotationMatrix2D((w / 2.0, h / 2.0), angle, 1.0)
    image = cv2.warpAffine(view.image, forward, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
    back = _affine3(cv2.invertAffineTransform(forward))
    return View(image=image, to_page=view.to_page @ back, turn=view.turn, skew=angle)
