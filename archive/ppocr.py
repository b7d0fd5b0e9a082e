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
    """The image docgen's own reading uses: the red channel of a colour page (see the module docstring),
    evenly lit. It loses what is printed in red or light on dark: the plain reading keeps that."""
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
    """The page as it is (BGR, 8 bits): each reading prepares its own copy."""
    import cv2
    import numpy as np

    image = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    if image is None:
        raise ValueError(f"{path}: not an image OpenCV can read")
    if image.dtype != "uint8":
        image = cv2.convertScaleAbs(image, alpha=255.0 / max(1, int(image.max())))
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    elif image.shape[2] == 4:
        image = cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    return np.ascontiguousarray(image)


@dataclass(frozen=True)
class Reading:
    """A page as read: its lines, and how many text areas the detector found that neither reading could
    read (a page that lost lines says so, see archive/quality.py)."""

    lines: list[Line]
    unread_areas: int = 0

    @property
    def confidence(self) -> float | None:
        read = sum(len(line.text) for line in self.lines)
        return sum(line.confidence * len(line.text) for line in self.lines) / read if read else None


def recognise(image: Any) -> list[Line]:
    """Every line PP-OCR reads on `image` (an array from `load`), top to bottom (see `read`)."""
    return read(image).lines


def read(image: Any) -> Reading:
    """The page read two ways, line by line the better kept: docgen's own reading (red channel, even
    light, lines cut at column gaps: what phone photos of certificates need) and the engine used plainly
    (RapidOCR's own pipeline and defaults on the page as it is: what colour, light-on-dark and odd
    shapes need).

    docgen's lines are the base. A line only the plain reading found (overlapping none of them) is
    added; a plain line that covers docgen's lines there replaces them when it is better (`_better`):
    so a page never reads less than the engine used plainly, and a fragment of the plain reading
    never replaces a whole line of docgen's. (Chosen page
    by page instead, the plain reading won certificates whose number it had cut in two.)"""
    ours, unread = _read_prepared(image)
    kept = list(ours)
    for line in _read_plain(image):
        covered = [other for other in ours if _overlap(line, other) > 0.3]
        if not covered:
            kept.append(line)
        elif _better(line, covered) and all(other in kept for other in covered):
            kept = [other for other in kept if other not in covered] + [line]
    kept.sort(key=lambda line: ((line.top + line.bottom) / 2, line.left))
    # areas the detector found that nothing read, once the plain reading had its chance
    lost = sum(1 for area in unread if not any(_overlap(area, line) > 0.3 for line in kept))
    return Reading(kept, lost)


def _better(line: Line, covered: list[Line]) -> bool:
    """Whether the plain reading's `line` should replace docgen's lines it covers: more characters
    expected right, or at least as many characters read with more confidence (一 read as — by one
    reading and as 一 by the other: the surer one)."""
    characters = sum(len(other.text.replace(" ", "")) for other in covered)
    surer = line.confidence > max(other.confidence for other in covered)
    return _expected([line]) > _expected(covered) + 1 or (len(line.text.replace(" ", "")) >= characters and surer)


def _expected(lines: list[Line]) -> float:
    return sum(line.confidence * len(line.text.replace(" ", "")) for line in lines)


def _overlap(a: Line, b: Line) -> float:
    """The share of the smaller box that the two boxes share (axis-aligned)."""
    width = min(a.right, b.right) - max(a.left, b.left)
    height = min(a.bottom, b.bottom) - max(a.top, b.top)
    if width <= 0 or height <= 0:
        return 0.0
    smaller = min((a.right - a.left) * (a.bottom - a.top), (b.right - b.left) * (b.bottom - b.top))
    return width * height / smaller if smaller > 0 else 0.0


def _read_prepared(image: Any) -> tuple[list[Line], list[Line]]:
    """docgen's own reading: text found on the prepared page scaled to DETECT_SIDE pixels and read from
    the full-resolution page (detection is most of the time: measured 1.8 of 2.3 s at RapidOCR's
    2000-pixel default on a 200-dpi A4 page, 0.6 s at 1280; recognition keeps the fine strokes).
    Returns the lines read and the areas found but not read (as empty lines, for their boxes)."""
    ocr = engine()
    prepared = _ink(image)
    boxes = _detect(prepared)
    if not boxes:
        return [], []
    crops, _, _ = ocr.text_cls(ocr.get_crop_img_list(prepared, boxes))
    pieces = [split_at_gaps(crop) for crop in crops]
    results, _ = ocr.text_rec([piece for parts in pieces for piece in parts])
    lines, unread, cursor = [], [], 0
    for box, parts in zip(boxes, pieces, strict=True):
        found = results[cursor : cursor + len(parts)]
        cursor += len(parts)
        corners = tuple((float(x), float(y)) for x, y in box)
        kept = [(str(text).strip(), float(score)) for text, score, *_ in found if str(text).strip()]
        score = sum(sc * len(t) for t, sc in kept) / sum(len(t) for t, _ in kept) if kept else 0.0
        if kept and score >= MIN_LINE_SCORE:
            lines.append(Line(corners, dash_as_one(digits_as_digits(" ".join(t for t, _ in kept))), score))
        else:
            unread.append(Line(corners, "", score))
    return lines, unread


def _read_plain(image: Any) -> list[Line]:
    """The engine used plainly: RapidOCR's whole pipeline with its defaults on the page as it is."""
    found, _ = engine()(image)
    lines = []
    for box, text, score in found or []:
        text = str(text).strip()
        if text and float(score) >= MIN_LINE_SCORE:
            corners = tuple((float(x), float(y)) for x, y in box)
            lines.append(Line(corners, dash_as_one(digits_as_digits(text)), float(score)))
    return lines


def _detect(image: Any) -> list[Any]:
    """Text boxes in `image`'s pixels, top to bottom. The detector scales its input so that the shorter
    side is 736 pixels: a line strip (1167x54) became 15,900 pixels wide (45 s, 2 GB). An elongated image
    is first padded with paper to at most 2:1 (the engine's own pipeline pads to 8:1, which still made a
    1654x160 strip 5,900 pixels wide: 6.5 s), so the detector never enlarges a long side past 1,472."""
    import numpy as np

    ocr = engine()
    small, scale = _shrink(image, DETECT_SIDE)
    padded, top, left = _letterbox(small)
    boxes, _ = ocr.text_det(padded)
    if boxes is None or len(boxes) == 0:
        return []
    shift = np.array([left, top], dtype="float32")
    return [((box - shift) / scale).astype("float32") for box in ocr.sorted_boxes(boxes)]


LONGEST_RATIO = 2  # sides longer than this many times the other are padded (see _detect)


def _letterbox(image: Any) -> tuple[Any, int, int]:
    """`image` padded with white so that neither side is more than LONGEST_RATIO times the other (and the
    shorter at least 32 pixels); with the padding added at the top and at the left."""
    import cv2

    height, width = image.shape[:2]
    want_h = max(height, width // LONGEST_RATIO, 32)
    want_w = max(width, height // LONGEST_RATIO, 32)
    top, left = (want_h - height) // 2, (want_w - width) // 2
    if (top, left) == (0, 0) and (want_h, want_w) == (height, width):
        return image, 0, 0
    padded = cv2.copyMakeBorder(
        image, top, want_h - height - top, left, want_w - width - left, cv2.BORDER_CONSTANT, value=(255, 255, 255)
    )
    return padded, top, left


_LONE_DASH = re.compile(r"(?<![—-])[—－](?=[\u4e00-\u9fff])")


def dash_as_one(text: str) -> str:
    """A lone — just before a Chinese character is 一 read as a dash (measured: 'GB18401-2010 一等品'
    came back as '…2010—等品'). A Chinese dash is always doubled (——), and stays as read."""
    return _LONE_DASH.sub("一", text)


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
    # a column with any ink is not a gap: a thin horizontal stroke (一, a hyphen, an underscore) is only a
    # few pixels high, and counting it as a gap cut 统一社会信用代码 into 统 社会信用代码
    inked = ink.sum(axis=0) > 0
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
    small, _ = _shrink(_ink(image), 1024)  # the shape of lines and their direction show at this size
    small, _, _ = _letterbox(small)
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
