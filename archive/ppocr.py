"""PP-OCR (PaddleOCR's Chinese detection, direction and recognition models) through RapidOCR on ONNX Runtime.

Why this engine: on phone photos of certificates (perspective, a shadow, a red seal on the text,
JPEG) Tesseract `chi_sim` gave no text at all on 4 of 6 pages; PP-OCRv4 read them (bench/ocr_engines.py).

* The models ship inside the pinned wheel `rapidocr-onnxruntime` 1.4.4 (ch_PP-OCRv4 det/rec and the
  mobile direction classifier, 16 MB) and load from site-packages: nothing is downloaded, which a
  closed bureau network requires. Later `rapidocr` 3.x releases fetch models at first use.
* Red seals (公章) over black text: recognition reads the red channel of a colour page, where red ink
  is as light as the paper and black or blue ink stays dark. Measured on the generated photos: the
  line under the seal came back only this way. Red print (a seal, a red heading) is therefore not
  read; the page image in the archive copy keeps it.
* PP-OCR recognises lines, not pages: it does not turn a page lying on its side or upside down.
  `orientation()` decides that first: text boxes taller than wide mean the page lies on its side;
  the direction classifier's votes over the lines then tell 0 from 180 degrees.
* One engine per process, loaded on first use (about 0.3 s) and kept: ocrmypdf calls the engine once
  per page, and loading per page would double the time of a short document.
"""

from __future__ import annotations

import functools
import importlib.metadata
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archive.errors import EngineMissing

PACKAGE = "rapidocr-onnxruntime"
PINNED = "1.4.4"
MODELS = ("ch_PP-OCRv4_det_infer.onnx", "ch_PP-OCRv4_rec_infer.onnx", "ch_ppocr_mobile_v2.0_cls_infer.onnx")
THREADS_ENV = "DOCGEN_OCR_THREADS"
DETECT_SIDE = 1280  # pixels of the longer side text is found at (see recognise)
MIN_LINE_SCORE = 0.5  # lines read with less confidence are noise (RapidOCR's own default)
GAP_SHARE = 0.45  # an ink gap this share of the line box's height (two spaces or more) separates columns
INSTALL_HINT = f"run 'bash scripts/setup' (pip package {PACKAGE}=={PINNED}, which carries the models)"


@dataclass(frozen=True)
class Line:
    """One line of text as read: its corners in image pixels (clockwise from top left), text and confidence."""

    box: tuple[tuple[float, float], ...]
    text: str
    confidence: float

    @property
    def left(self) -> float:
        return min(x for x, _ in self.box)

    @property
    def right(self) -> float:
        return max(x for x, _ in self.box)

    @property
    def top(self) -> float:
        return min(y for _, y in self.box)

    @property
    def bottom(self) -> float:
        return max(y for _, y in self.box)


@dataclass(frozen=True)
class Orientation:
    angle: int  # clockwise degrees the page content is turned; 0, 90, 180 or 270
    confidence: float  # 0 (a guess) to 10 (every line agrees)


def model_dir() -> Path:
    """Where the models are: inside the installed package (checked, so a broken install says so)."""
    try:
        import rapidocr_onnxruntime
    except ImportError as exc:
        raise EngineMissing(f"the PP-OCR engine is not installed ({exc}); {INSTALL_HINT}") from None
    folder = Path(rapidocr_onnxruntime.__file__).parent / "models"
    missing = [name for name in MODELS if not (folder / name).is_file()]
    if missing:
        raise EngineMissing(f"PP-OCR models missing from {folder}: {', '.join(missing)}; {INSTALL_HINT}")
    return folder


@functools.cache
def versions() -> dict[str, str]:
    """Engine, runtime and model names, for the record."""
    model_dir()
    return {
        PACKAGE: importlib.metadata.version(PACKAGE),
        "onnxruntime": importlib.metadata.version("onnxruntime"),
        "models": "ch_PP-OCRv4_det, ch_PP-OCRv4_rec, ch_ppocr_mobile_v2.0_cls",
    }


@functools.cache
def engine() -> Any:
    """The loaded RapidOCR pipeline of this process (threads from DOCGEN_OCR_THREADS, default 1)."""
    folder = model_dir()
    from rapidocr_onnxruntime import RapidOCR

    threads = int(os.environ.get(THREADS_ENV, "1"))
    settings: dict[str, Any] = {
        "det_model_path": str(folder / MODELS[0]),
        "rec_model_path": str(folder / MODELS[1]),
        "cls_model_path": str(folder / MODELS[2]),
    }
    for part in ("det", "cls", "rec"):
        settings[f"{part}_intra_op_num_threads"] = threads
        settings[f"{part}_inter_op_num_threads"] = 1
    return RapidOCR(**settings)


def _ink(image: Any) -> Any:
    """The image recognition reads: the red channel of a colour page (see the module docstring), evenly lit."""
    import numpy as np

    gray = image[:, :, 2] if image.ndim == 3 and image.shape[2] >= 3 else image  # OpenCV orders channels BGR
    flat = _even_light(gray)
    return np.ascontiguousarray(np.stack([flat, flat, flat], axis=2))


def _even_light(gray: Any) -> Any:
    """The page as if lit evenly: each pixel over the paper's brightness around it (a shadow across a
    photographed page darkens ink and paper alike; the quantities in a shadowed column came back only so)."""
    import cv2

    size = max(15, (min(gray.shape[:2]) // 40) | 1)
    paper = cv2.morphologyEx(gray, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (size, size)))
    paper = cv2.GaussianBlur(paper, (0, 0), size / 2)
    return cv2.divide(gray, paper, scale=255)


def load(path: Path) -> Any:
    import cv2

    image = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    if image is None:
        raise ValueError(f"{path}: not an image OpenCV can read")
    if image.ndim == 3 and image.shape[2] == 4:
        image = cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    if image.dtype != "uint8":
        image = cv2.convertScaleAbs(image, alpha=255.0 / max(1, int(image.max())))
    return _ink(image)


def recognise(image: Any) -> list[Line]:
    """Every line PP-OCR reads on `image` (an array from `load`), top to bottom.

    Text is found on the page scaled to DETECT_SIDE pixels and read from the full-resolution page:
    detection is most of the time (measured: 1.8 of 2.3 s at RapidOCR's 2000-pixel default on a 200-dpi
    A4 page, 0.6 s at 1280) and finds lines as well at that size; recognition keeps the fine strokes.
    """
    ocr = engine()
    small, scale = _shrink(image, DETECT_SIDE)
    boxes, _ = ocr.text_det(small)
    if boxes is None or len(boxes) == 0:
        return []
    boxes = [(box / scale).astype("float32") for box in ocr.sorted_boxes(boxes)]
    crops, _, _ = ocr.text_cls(ocr.get_crop_img_list(image, boxes))
    pieces = [split_at_gaps(crop) for crop in crops]
    read, _ = ocr.text_rec([piece for parts in pieces for piece in parts])
    lines, cursor = [], 0
    for box, parts in zip(boxes, pieces, strict=True):
        results = read[cursor : cursor + len(parts)]
        cursor += len(parts)
        kept = [(str(text).strip(), float(score)) for text, score, *_ in results if str(text).strip()]
        if not kept:
            continue
        text = " ".join(t for t, _ in kept)
        score = sum(sc * len(t) for t, sc in kept) / sum(len(t) for t, _ in kept)
        if score >= MIN_LINE_SCORE:
            lines.append(Line(tuple((float(x), float(y)) for x, y in box), digits_as_digits(text), score))
    return lines


_IDENTIFIER = re.compile(r"[A-Za-z0-9]{6,}")


def digits_as_digits(text: str) -> str:
    """'O' read inside a run that is mostly digits is the digit 0: PP-OCR read S000032050000231001 on a
    clean 200-dpi scan as SO00032050000231001 (a certificate number is letters then digits; models such
    as VMC850 have no O). Runs with letters for the most part are left as read."""

    def fix(match: re.Match[str]) -> str:
        run = match.group(0)
        digits = sum(c.isdigit() for c in run)
        return run.replace("O", "0").replace("o", "0") if digits >= 0.6 * len(run) else run

    return _IDENTIFIER.sub(fix, text)


def split_at_gaps(crop: Any) -> list[Any]:
    """A line's image cut where the ink leaves a gap wider than GAP_SHARE of the line's height.

    The recogniser drops the spaces of a line (measured: "CK6150    8" and "IRB1200    6" in a printed
    table came back as CK61508 and IRB12006, a model with its quantity run in), and the detector joins
    table cells whose columns are close; the ink gaps between columns are still on the page. Reading
    each piece alone and joining them with a space keeps the columns apart.
    """
    import cv2
    import numpy as np

    height, width = crop.shape[:2]
    if width < 3 * height:
        return [crop]
    gray = (cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY) if crop.ndim == 3 else crop).astype("float32")
    # ink is what is clearly darker than the paper around it: a shadow darkens paper and ink alike
    paper = cv2.morphologyEx(gray, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (height, height)))
    ink = gray < 0.75 * np.maximum(paper, 1)
    inked = ink.sum(axis=0) > max(1, height // 20)
    gap = max(4, int(GAP_SHARE * height))
    cuts, run_start = [], None
    for x, has_ink in enumerate([*inked.tolist(), True]):
        if not has_ink and run_start is None:
            run_start = x
        elif has_ink and run_start is not None:
            if x - run_start >= gap and run_start > 0 and x < width:
                cuts.append((run_start, x))
            run_start = None
    if not cuts:
        return [crop]
    edges = [0, *(c for cut in cuts for c in cut), width]
    margin = max(2, height // 8)
    return [
        np.ascontiguousarray(crop[:, max(0, a - margin) : min(width, b + margin)])
        for a, b in zip(edges[::2], edges[1::2], strict=True)
        if b - a > 1
    ]


def orientation(image: Any) -> Orientation:
    """Which way the page content is turned, from the shape of its text boxes and the direction classifier."""
    import numpy as np

    ocr = engine()
    small, _ = _shrink(image, 1024)  # the shape of lines and their direction show at this size
    boxes, _ = ocr.text_det(small)
    if boxes is None or len(boxes) == 0:
        return Orientation(0, 0.0)
    sizes = [
        (np.linalg.norm(b[0] - b[1]), np.linalg.norm(b[1] - b[2]))  # width along the box, height
        for b in boxes
    ]
    tall = sum(1 for w, h in sizes if h > 1.5 * w)
    wide = sum(1 for w, h in sizes if w > 1.5 * h)
    if tall + wide == 0:
        return Orientation(0, 0.0)
    sideways = tall > wide
    upright, turned_boxes = small, boxes
    if sideways:
        upright = np.ascontiguousarray(np.rot90(small, k=1))  # k=1: 90 deg counter-clockwise
        turned_boxes, _ = ocr.text_det(upright)
        if turned_boxes is None or len(turned_boxes) == 0:
            return Orientation(90, 0.0)
    crops = ocr.get_crop_img_list(upright, sorted(turned_boxes, key=_area, reverse=True)[:24])
    _, votes, _ = ocr.text_cls(crops)
    flipped = sum(score for label, score in votes if label == "180")
    straight = sum(score for label, score in votes if label == "0")
    total = flipped + straight or 1.0
    upside_down = flipped > straight
    agreement = abs(flipped - straight) / total
    shape_agreement = abs(tall - wide) / (tall + wide)
    confidence = round(10 * float(min(agreement, shape_agreement)), 2)
    # content turned clockwise by `angle`: a page on its side read after a 90 deg counter-clockwise turn
    # was turned 90 deg clockwise, and 270 when it still reads upside down after that turn
    angle = (90 if sideways else 0) + (180 if upside_down else 0)
    return Orientation(angle % 360, confidence)


def _area(box: Any) -> float:
    import numpy as np

    return float(np.linalg.norm(box[0] - box[1]) * np.linalg.norm(box[1] - box[2]))


def _shrink(image: Any, longest: int) -> tuple[Any, float]:
    import cv2

    height, width = image.shape[:2]
    scale = min(1.0, longest / max(height, width))
    if scale == 1.0:
        return image, 1.0
    return cv2.resize(image, (int(width * scale), int(height * scale)), interpolation=cv2.INTER_AREA), scale
