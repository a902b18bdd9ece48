"""OCR engines behind one small interface, loaded once per process.

- `rapidocr` (default): RapidOCR on onnxruntime with the PP-OCR models bundled in the
  wheel: no download, no network, no GPU. The text-direction classifier is off
  (`use_cls=False`): on table cells it turns "98%" into "%86". Page orientation is
  decided per page instead (`extractor.ocr.orient`).
- `tesseract`: the `tesseract` program with the `chi_sim` language (Debian packages
  tesseract-ocr, tesseract-ocr-chi-sim), when installed. It reads these tables far worse.

`get_engine(name, threads)` caches the engine: models are loaded once per process.
"""

from __future__ import annotations

import csv
import functools
import io
import shutil
import subprocess
import tempfile
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from extractor.errors import ExtractorError
from extractor.layout import Mark

Quad = np.ndarray  # 4 × 2 float array of corner points (x, y) in image pixels


class EngineUnavailable(ExtractorError, RuntimeError):
    """The engine cannot run here; the message says what to install."""


# A word (a single character for Chinese) of a line: its offsets in the line text, its
# horizontal extent in image pixels and its confidence.
Word = Mark


def locate_words(text: str, items: list[tuple[str, float, float, float]]) -> list[Word]:
    """Words given as (text, x0, x1, confidence) in reading order, found one after the
    other in the line text; [] if they do not spell the line."""
    words: list[Word] = []
    pos = 0
    for word, x0, x1, confidence in items:
        word = word.strip()
        if not word:
            continue
        at = text.find(word, pos)
        if at < 0 or text[pos:at].strip():
            return []
        words.append(Word(at, at + len(word), x0, x1, confidence))
        pos = at + len(word)
    return words if not text[pos:].strip() else []


@dataclass
class RawLine:
    text: str
    quad: Quad
    confidence: float
    words: list[Word] = field(default_factory=list)

    @property
    def rect(self) -> tuple[float, float, float, float]:
        xs, ys = self.quad[:, 0], self.quad[:, 1]
        return float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())


class Engine(ABC):
    name: str

    @abstractmethod
    def read(self, image: np.ndarray, det_scale: float = 1.0) -> list[RawLine]:
        """Every text line of a grey page image; the detector may work on the image
        scaled by `det_scale` (boxes are returned in the image's own pixels)."""

    @abstractmethod
    def recognize(self, crop: np.ndarray) -> tuple[str, float]:
        """Text and confidence of one cropped line image."""


def _bgr(image: np.ndarray) -> np.ndarray:
    import cv2

    return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR) if image.ndim == 2 else image


class RapidOcrEngine(Engine):
    name = "rapidocr"
    MIN_DET_SIDE = 640

    def __init__(self, threads: int = 0) -> None:
        try:
            from rapidocr import RapidOCR
        except ImportError as exc:  # pragma: no cover - depends on the installation
            raise EngineUnavailable(
                f"未安装 RapidOCR（pip install rapidocr onnxruntime）：{exc}"
            ) from exc
        params: dict[str, Any] = {
            "Global.use_cls": False,
            "Global.log_level": "error",
            "Global.max_side_len": 8000,  # pages are sized by the renderer, not here
            "Det.limit_type": "max",
            "Det.limit_side_len": 1408,
            # line images are recognised two at a time: a batch is padded to its widest
            # line, and six full-width lines at once cost ~300 MB more for no speed
            "Rec.rec_batch_num": 2,
        }
        if threads > 0:
            params["EngineConfig.onnxruntime.intra_op_num_threads"] = threads
            params["EngineConfig.onnxruntime.inter_op_num_threads"] = 1
        self._ocr = RapidOCR(params=params)

    def _det_side(self, image: np.ndarray, det_scale: float) -> None:
        """Let the detector see the page at `det_scale` of its pixels."""
        side = max(self.MIN_DET_SIDE, int(max(image.shape[:2]) * det_scale) // 32 * 32)
        self._ocr.cfg.Det.limit_side_len = side
        detector = getattr(self._ocr, "text_det", None)
        if detector is not None and hasattr(detector, "limit_side_len"):
            detector.limit_side_len = side

    def read(self, image: np.ndarray, det_scale: float = 1.0) -> list[RawLine]:
        self._det_side(image, det_scale)
        out = self._ocr(
            _bgr(image), use_det=True, use_cls=False, use_rec=True, return_word_box=True
        )
        boxes = getattr(out, "boxes", None)
        if boxes is None or out.txts is None:
            return []
        lines = [
            RawLine(str(text), np.asarray(box, dtype=np.float32), float(score))
            for box, text, score in zip(boxes, out.txts, out.scores, strict=False)
        ]
        _attach_words(lines, getattr(out, "word_results", None) or ())
        return [line for line in lines if line.text.strip()]

    def recognize(self, crop: np.ndarray) -> tuple[str, float]:
        out = self._ocr(_bgr(crop), use_det=False, use_cls=False, use_rec=True)
        txts = getattr(out, "txts", None)
        if not txts:
            return "", 0.0
        return str(txts[0]), float(out.scores[0])


def _attach_words(lines: list[RawLine], results: Any) -> None:
    """RapidOCR's word boxes, one tuple of (text, score, quad) per line; lines without
    words are left out of that list, so each tuple goes to the next line it spells."""
    j = 0
    for line in lines:
        if j >= len(results):
            return
        items = []
        for entry in results[j]:
            try:
                word, score, quad = entry
                xs = [float(pt[0]) for pt in quad]
            except (TypeError, ValueError, IndexError):
                items = []
                break
            items.append((str(word), min(xs), max(xs), float(score)))
        words = locate_words(line.text, items)
        if words:
            line.words = words
            j += 1


class TesseractEngine(Engine):
    """The `tesseract` program (chi_sim), through its TSV output."""

    name = "tesseract"
    LANG = "chi_sim"

    def __init__(self, threads: int = 0) -> None:
        exe = shutil.which("tesseract")
        if exe is None:
            raise EngineUnavailable(
                "未安装 tesseract（apt-get install tesseract-ocr tesseract-ocr-chi-sim）"
            )
        langs = subprocess.run(
            [exe, "--list-langs"], capture_output=True, text=True, check=False
        ).stdout.split()
        if self.LANG not in langs:
            raise EngineUnavailable(
                "tesseract 缺少中文模型（apt-get install tesseract-ocr-chi-sim）"
            )
        self.exe = exe
        self.env = {"OMP_THREAD_LIMIT": str(threads)} if threads > 0 else None

    def _tsv(self, image: np.ndarray, psm: int) -> list[dict[str, str]]:
        import cv2

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "page.png"
            cv2.imwrite(str(path), image)
            done = subprocess.run(
                [self.exe, str(path), "stdout", "-l", self.LANG, "--psm", str(psm), "tsv"],
                capture_output=True,
                text=True,
                check=False,
                env=self.env,
            )
        if done.returncode != 0:
            raise RuntimeError(f"tesseract 运行失败：{done.stderr.strip()[:200]}")
        return list(
            csv.DictReader(io.StringIO(done.stdout), delimiter="\t", quoting=csv.QUOTE_NONE)
        )

    def read(self, image: np.ndarray, det_scale: float = 1.0) -> list[RawLine]:
        groups: dict[tuple[str, str, str], list[dict[str, str]]] = {}
        for word in self._tsv(image, psm=11):
            if word.get("level") == "5" and (word.get("text") or "").strip():
                key = (word["block_num"], word["par_num"], word["line_num"])
                groups.setdefault(key, []).append(word)
        return [_tesseract_line(words) for words in groups.values()]

    def recognize(self, crop: np.ndarray) -> tuple[str, float]:
        words = [w for w in self._tsv(crop, psm=7) if w.get("level") == "5" and w.get("text")]
        if not words:
            return "", 0.0
        line = _tesseract_line(words)
        return line.text, line.confidence


def _tesseract_line(words: list[dict[str, str]]) -> RawLine:
    from extractor.layout import join_cell_lines

    words = sorted(words, key=lambda w: int(w["left"]))
    x0 = min(int(w["left"]) for w in words)
    y0 = min(int(w["top"]) for w in words)
    x1 = max(int(w["left"]) + int(w["width"]) for w in words)
    y1 = max(int(w["top"]) + int(w["height"]) for w in words)
    text = join_cell_lines(w["text"] for w in words)
    confidence = min(max(float(w["conf"]), 0.0) for w in words) / 100.0
    quad = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32)
    items = [
        (
            w["text"],
            float(w["left"]),
            float(int(w["left"]) + int(w["width"])),
            max(float(w["conf"]), 0.0) / 100.0,
        )
        for w in words
    ]
    return RawLine(text, quad, confidence, locate_words(text, items))


_ENGINES: dict[str, type[Engine]] = {"rapidocr": RapidOcrEngine, "tesseract": TesseractEngine}


@functools.cache
def get_engine(name: str, threads: int = 0) -> Engine:
    """The engine, built once per process (and per thread count)."""
    try:
        cls = _ENGINES[name]
    except KeyError:
        raise EngineUnavailable(
            f"未知的 OCR 引擎 {name!r}（可用：{', '.join(_ENGINES)}）"
        ) from None
    return cls(threads)  # type: ignore[call-arg]


def engine_problem(name: str, threads: int = 0) -> str | None:
    """Why the engine cannot be used here, or None if it can."""
    try:
        get_engine(name, threads)
    except EngineUnavailable as exc:
        return str(exc)
    return None
