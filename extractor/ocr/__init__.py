"""Offline OCR for scanned reports: pages with no (or a garbage) text layer are read by
RapidOCR (PP-OCR models bundled in the wheel; no network, no GPU) or tesseract, and the
ruled tables on them are rebuilt from their printed lines into the same row text the
text-layer reader writes — so one template parser reads every input.

Modules (each small, one job):

- `settings`  OcrSettings (mode auto|always|never, engine, dpi, thresholds), passed as
              an argument (`extract_document(path, ocr=OcrSettings(...))`)
- `engines`   RapidOCR / tesseract behind one interface, loaded once per process
- `raster`    page → grey picture; working image ↔ page coordinates
- `orient`    quarter turns (90/180/270) and skew
- `grid`      table structure from ruling lines (OpenCV morphology), merged cells
- `layout`    OCR lines → cells → row text with boxes and confidences
- `cells`     a second look at cells read badly or not at all
- `page`      one page: render → straighten → tables → read → turn if needed → row text
- `reader`    the PDF reader's OCR branch: which pages, notes, nothing-legible error
- `model`     OcrPage (a Page with its OCR lines), OcrLine, OcrStretch, PageOcr
- `annotate`  after extraction: boxes on spans, `ocr.low_confidence` flags, meta
- `sidecar`   `--save-ocr` files beside the JSON
- `quality`   garbage text layers, legibility

Importing this package loads neither OpenCV nor the OCR engine.
"""

from extractor.ocr.settings import DISABLED, OcrSettings, parse_ocr_option

__all__ = ["DISABLED", "OcrSettings", "parse_ocr_option"]
