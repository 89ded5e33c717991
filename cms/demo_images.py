"""Pictures for the demo site, drawn with Pillow so that the repository ships no binary files.

Every picture is a pure function of its arguments: the same page gets the same cover on every machine. Characters
are written with a Noto CJK font when the system has one (fonts-noto-cjk); without it the pictures keep their
shapes and seals and simply carry no text, since a developer's machine may lack the font.
"""

import functools
import io
import math
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

COVER_SIZE = (1200, 675)
WORK_SIZE = (1200, 900)
SCROLL_SIZE = (640, 1400)
JPEG_QUALITY = 82

FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", str(Path.home() / ".fonts"))
# Serif first: it reads as brush-written; Sans is the fallback. The .ttc collections hold JP/KR/SC/TC/HK faces.
FONT_PATTERNS = ("NotoSerifCJK-Bold.ttc", "NotoSerifCJK*.ttc", "NotoSansCJK*.ttc", "*CJK*SC*", "*CJK*")

PAPER = (241, 232, 214)
INK = (28, 28, 30)
SEAL_RED = (178, 34, 34)

# (top colour, bottom colour) of the cover gradient, per section kind.
PALETTES = {
    "warning_cases": ((122, 20, 24), (190, 58, 44)),
    "policy": ((18, 52, 99), (44, 98, 160)),
    "theory": ((22, 78, 70), (58, 132, 110)),
    "hot_topics": ((150, 62, 16), (214, 120, 40)),
    "culture": ((52, 60, 56), (128, 140, 122)),
    "notices": ((46, 58, 84), (96, 112, 146)),
}


@functools.cache
def cjk_font_path():
    """The path of a CJK font on this machine, or None."""
    for directory in FONT_DIRS:
        root = Path(directory)
        if not root.is_dir():
            continue
        for pattern in FONT_PATTERNS:
            for path in sorted(root.rglob(pattern)):
                return str(path)
    return None


@functools.cache
def _font(size):
    path = cjk_font_path()
    if path is None:
        return None
    # Pick the Simplified Chinese face of a collection, so 清 and 廉 take their mainland forms.
    for index in range(8):
        try:
            font = ImageFont.truetype(path, size, index=index)
        except OSError:
            break
        if font.getname()[0].endswith(" SC"):
            return font
    return ImageFont.truetype(path, size)


def _jpeg(image):
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return buffer.getvalue()


def _gradient(size, top, bottom):
    mask = Image.linear_gradient("L").resize(size)
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask)


def _mix(colour, other, amount):
    return tuple(round(a + (b - a) * amount) for a, b in zip(colour, other, strict=True))


def _text(draw, xy, text, size, fill, anchor="la"):
    font = _font(size)
    if font is not None and text:
        draw.text(xy, text, font=font, fill=fill, anchor=anchor)


def _mountains(draw, rng, size, colour, base, layers=3):
    width, height = size
    for layer in range(layers):
        top = base + layer * height * 0.08
        points = [(0, height)]
        x = 0
        while x <= width:
            points.append((x, top - rng.uniform(0, height * 0.16)))
            x += rng.randint(width // 10, width // 5)
        points += [(width, top), (width, height)]
        draw.polygon(points, fill=_mix(colour, (255, 255, 255), 0.12 * (layers - layer)))


def _seal(draw, box, text):
    """A square red seal; its characters are cut out in paper colour when a font exists."""
    x0, y0, x1, y1 = box
    draw.rounded_rectangle(box, radius=(x1 - x0) // 10, fill=SEAL_RED)
    inner = (x1 - x0) * 0.12
    draw.rectangle((x0 + inner, y0 + inner, x1 - inner, y1 - inner), outline=PAPER, width=max(2, (x1 - x0) // 40))
    chars = list(text[:4])
    if not chars or _font(10) is None:
        # Without a font: a lattice, as on an old seal.
        step = (x1 - x0 - 2 * inner) / 3
        for i in (1, 2):
            draw.line((x0 + inner + i * step, y0 + inner, x0 + inner + i * step, y1 - inner), fill=PAPER, width=3)
            draw.line((x0 + inner, y0 + inner + i * step, x1 - inner, y0 + inner + i * step), fill=PAPER, width=3)
        return
    if len(chars) == 1:
        _text(draw, ((x0 + x1) / 2, (y0 + y1) / 2), chars[0], int((x1 - x0) * 0.62), PAPER, "mm")
        return
    # Seals read in columns from right to left.
    size = int((x1 - x0 - 2 * inner) / 2 * 0.86)
    cells = [(1, 0), (1, 1), (0, 0), (0, 1)]
    for char, (column, row) in zip(chars, cells, strict=False):
        cx = x0 + inner + (column + 0.5) * (x1 - x0 - 2 * inner) / 2
        cy = y0 + inner + (row + 0.5) * (y1 - y0 - 2 * inner) / 2
        _text(draw, (cx, cy), char, size, PAPER, "mm")


def cover(seed, kind, mark, title=""):
    """A 1200x675 JPEG: the section's colours, hills, a sun, a large character and the title."""
    rng = random.Random(seed)
    top, bottom = PALETTES.get(kind, PALETTES["notices"])
    image = _gradient(COVER_SIZE, top, bottom)
    draw = ImageDraw.Draw(image)
    width, height = COVER_SIZE
    sun = (rng.randint(120, 560), rng.randint(90, 240))
    radius = rng.randint(60, 110)
    draw.ellipse((sun[0] - radius, sun[1] - radius, sun[0] + radius, sun[1] + radius), fill=_mix(bottom, PAPER, 0.45))
    _mountains(draw, rng, COVER_SIZE, _mix(top, (0, 0, 0), 0.25), height * 0.62)
    for _ in range(rng.randint(3, 6)):
        y = rng.randint(40, height // 2)
        x = rng.randint(0, width - 300)
        draw.line((x, y, x + rng.randint(120, 300), y), fill=_mix(bottom, PAPER, 0.3), width=2)

    card = (width - 430, 110, width - 110, 430)
    draw.rounded_rectangle(card, radius=28, fill=_mix(top, PAPER, 0.88))
    if _font(10) is not None:
        _text(draw, ((card[0] + card[2]) / 2, (card[1] + card[3]) / 2), mark[:1], 230, top, "mm")
    else:
        cx, cy = (card[0] + card[2]) / 2, (card[1] + card[3]) / 2
        draw.ellipse((cx - 90, cy - 90, cx + 90, cy + 90), outline=top, width=14)
        draw.line((cx - 60, cy, cx + 60, cy), fill=top, width=14)
    _seal(draw, (card[2] - 70, card[3] - 70, card[2] + 10, card[3] + 10), mark[:1])
    if title:
        _text(draw, (70, height - 90), title[:22], 46, (255, 255, 255), "ls")
    return _jpeg(image)


def _brush(draw, rng, points, width, colour):
    """An ink stroke: overlapping discs along a path, thinning and drying towards its end."""
    steps = max(2, int(sum(math.dist(a, b) for a, b in zip(points, points[1:], strict=False)) / 3))
    for i in range(steps + 1):
        t = i / steps
        segment = min(int(t * (len(points) - 1)), len(points) - 2)
        local = t * (len(points) - 1) - segment
        (ax, ay), (bx, by) = points[segment], points[segment + 1]
        x, y = ax + (bx - ax) * local, ay + (by - ay) * local
        r = width * (1 - 0.55 * t) * rng.uniform(0.85, 1.1) / 2
        if rng.random() < 0.85 or t < 0.7:
            draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)


def _paper(size, seed):
    rng = random.Random(seed)
    image = Image.new("RGB", size, PAPER)
    draw = ImageDraw.Draw(image)
    for _ in range(size[0] * size[1] // 2500):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        shade = _mix(PAPER, (200, 186, 160), rng.random() * 0.5)
        draw.point((x, y), fill=shade)
    return image


def _inscription(draw, text, x, y, size, colour=INK):
    """Vertical text, top to bottom, as written on a painting."""
    for i, char in enumerate(text):
        _text(draw, (x, y + i * size * 1.1), char, size, colour, "mt")


def lotus(seed, inscription="出淤泥而不染"):
    """An ink lotus: pink petals, a large leaf, stems and an inscription."""
    rng = random.Random(seed)
    image = _paper(WORK_SIZE, seed)
    draw = ImageDraw.Draw(image)
    width, height = WORK_SIZE
    for x, top in ((520, 330), (700, 520), (380, 560)):
        _brush(draw, rng, [(x + rng.randint(-20, 20), height), (x, top)], 12, (60, 70, 50))
    leaf = (560, 560, 980, 760)
    draw.ellipse(leaf, fill=(62, 96, 70))
    for angle in range(0, 360, 30):
        cx, cy = (leaf[0] + leaf[2]) / 2, (leaf[1] + leaf[3]) / 2
        draw.line(
            (cx, cy, cx + 200 * math.cos(math.radians(angle)), cy + 90 * math.sin(math.radians(angle))),
            fill=(40, 66, 48),
            width=3,
        )
    cx, cy = 520, 300
    for angle in range(-70, 71, 28):
        petal = Image.new("L", (220, 220), 0)
        ImageDraw.Draw(petal).ellipse((70, 10, 150, 200), fill=210)
        petal = petal.rotate(angle, resample=Image.BICUBIC, center=(110, 200))
        image.paste((226, 120, 150), (int(cx - 110), int(cy - 150)), petal)
    draw.ellipse((cx - 30, cy - 10, cx + 30, cy + 30), fill=(236, 196, 70))
    bud = (760, 470)
    draw.ellipse((bud[0] - 26, bud[1] - 60, bud[0] + 26, bud[1] + 10), fill=(214, 110, 140))
    image = image.filter(ImageFilter.SMOOTH)
    draw = ImageDraw.Draw(image)
    _inscription(draw, inscription, 1080, 80, 56)
    _seal(draw, (1050, 80 + len(inscription) * 62 + 20, 1120, 80 + len(inscription) * 62 + 90), "清")
    return _jpeg(image)


def bamboo(seed, inscription="清风劲节"):
    """Ink bamboo: jointed stalks and leaves in dark and pale ink."""
    rng = random.Random(seed)
    image = _paper(WORK_SIZE, seed)
    draw = ImageDraw.Draw(image)
    width, height = WORK_SIZE
    for x, tone in ((300, 0.0), (470, 0.35), (640, 0.15)):
        colour = _mix(INK, PAPER, tone)
        y = height
        while y > 60:
            joint = rng.randint(110, 170)
            draw.rounded_rectangle((x - 14, y - joint + 6, x + 14, y - 4), radius=6, fill=colour)
            draw.line((x - 18, y - joint + 3, x + 18, y - joint + 3), fill=colour, width=4)
            y -= joint
            x += rng.randint(-6, 6)
        # Leaves grow in drooping clusters of three from a twig.
        for _ in range(4):
            lx, ly = x + rng.randint(-10, 10), rng.randint(100, height - 260)
            side = rng.choice((-1, 1))
            for _leaf in range(3):
                angle = math.radians(90 - side * rng.randint(30, 75))
                length = rng.randint(80, 140)
                tip = (lx + length * math.cos(angle), ly + length * math.sin(angle))
                _brush(draw, rng, [(lx, ly), tip], 24, colour)
    _inscription(draw, inscription, 1040, 90, 64)
    _seal(draw, (1005, 90 + len(inscription) * 70 + 20, 1075, 90 + len(inscription) * 70 + 90), "竹")
    return _jpeg(image)


def plum(seed, inscription="只留清气满乾坤"):
    """Ink plum blossom: a crooked dark branch with red and white flowers."""
    rng = random.Random(seed)
    image = _paper(WORK_SIZE, seed)
    draw = ImageDraw.Draw(image)

    def branch(x, y, angle, length, width, depth):
        if depth == 0 or length < 20:
            return
        points = [(x, y)]
        for _ in range(3):
            angle += rng.uniform(-0.35, 0.35)
            x, y = x + length / 3 * math.cos(angle), y + length / 3 * math.sin(angle)
            points.append((x, y))
        _brush(draw, rng, points, width, INK)
        for _ in range(rng.randint(2, 4)):
            fx, fy = x + rng.randint(-40, 40), y + rng.randint(-40, 40)
            r = rng.randint(9, 15)
            colour = rng.choice(((196, 40, 52), (214, 70, 80), (250, 246, 240)))
            for k in range(5):
                a = k * 2 * math.pi / 5
                px, py = fx + r * math.cos(a), fy + r * math.sin(a)
                draw.ellipse((px - r, py - r, px + r, py + r), fill=colour)
            draw.ellipse((fx - 4, fy - 4, fx + 4, fy + 4), fill=(230, 190, 60))
        branch(x, y, angle - rng.uniform(0.3, 0.7), length * 0.7, width * 0.65, depth - 1)
        branch(x, y, angle + rng.uniform(0.2, 0.6), length * 0.6, width * 0.6, depth - 1)

    branch(80, 860, -0.9, 420, 34, 4)
    _inscription(draw, inscription, 1080, 70, 58)
    return _jpeg(image)


def landscape(seed, caption=""):
    """A photograph-like dawn over the river: sky gradient, sun, ridges, water and reflections."""
    rng = random.Random(seed)
    width, height = WORK_SIZE
    image = _gradient(WORK_SIZE, (96, 140, 196), (246, 200, 150))
    draw = ImageDraw.Draw(image)
    draw.ellipse((760, 300, 880, 420), fill=(255, 236, 190))
    for layer, colour in enumerate(((120, 130, 150), (84, 98, 112), (52, 66, 70))):
        points = [(0, height * 0.62)]
        for x in range(0, width + 100, 100):
            points.append((x, height * (0.42 + 0.08 * layer) - rng.uniform(0, 110)))
        points += [(width, height * 0.62)]
        draw.polygon(points, fill=colour)
    water = _gradient((width, int(height * 0.38)), (150, 170, 190), (70, 96, 120))
    image.paste(water, (0, int(height * 0.62)))
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        y = rng.randint(int(height * 0.64), height - 10)
        x = rng.randint(640, 1000)
        draw.line((x, y, x + rng.randint(20, 90), y), fill=(250, 226, 180), width=2)
    boat = rng.randint(200, 400)
    draw.polygon([(boat, 650), (boat + 120, 650), (boat + 96, 672), (boat + 22, 672)], fill=(30, 34, 36))
    image = image.filter(ImageFilter.GaussianBlur(1.2))
    if caption:
        _text(ImageDraw.Draw(image), (40, height - 40), caption, 34, (255, 255, 255), "ls")
    return _jpeg(image)


def scroll(seed, text="清正廉洁"):
    """A hanging calligraphy scroll: mounting, paper, the characters in a column, a signature and seals."""
    rng = random.Random(seed)
    width, height = SCROLL_SIZE
    image = Image.new("RGB", SCROLL_SIZE, (92, 112, 104))
    draw = ImageDraw.Draw(image)
    paper = _paper((width - 140, height - 300), seed)
    image.paste(paper, (70, 150))
    draw.rectangle((40, 40, width - 40, 80), fill=(70, 46, 30))
    draw.rectangle((30, height - 90, width - 30, height - 50), fill=(70, 46, 30))
    size = min(230, int((height - 460) / max(len(text), 1) / 1.05))
    if _font(10) is not None:
        for i, char in enumerate(text):
            x = width / 2 + rng.randint(-6, 6)
            _text(draw, (x, 220 + i * size * 1.05), char, size, INK, "mt")
        _inscription(draw, "清河书", 140, height - 460, 34, _mix(INK, PAPER, 0.2))
    else:
        for i in range(len(text) or 4):
            y = 240 + i * 220
            _brush(draw, rng, [(width / 2 - 90, y), (width / 2 + 90, y + 20)], 30, INK)
            _brush(draw, rng, [(width / 2, y - 40), (width / 2 - 10, y + 150)], 26, INK)
    _seal(draw, (110, height - 300, 170, height - 240), "清风")
    return _jpeg(image)


def banner(seed, text="淡泊明志 宁静致远"):
    """A horizontal calligraphy piece: characters in columns read right to left, with seals."""
    rng = random.Random(seed)
    width, height = WORK_SIZE
    image = Image.new("RGB", WORK_SIZE, (60, 50, 44))
    image.paste(_paper((width - 100, height - 100), seed), (50, 50))
    draw = ImageDraw.Draw(image)
    chars = [c for c in text if not c.isspace()]
    per_column = 4
    columns = [chars[i : i + per_column] for i in range(0, len(chars), per_column)]
    size = 150
    for col, column_chars in enumerate(columns):
        x = width - 260 - col * 280
        for row, char in enumerate(column_chars):
            if _font(10) is not None:
                _text(draw, (x + rng.randint(-5, 5), 110 + row * size * 1.05), char, size, INK, "mt")
            else:
                _brush(draw, rng, [(x - 60, 150 + row * 160), (x + 60, 170 + row * 160)], 26, INK)
    _seal(draw, (120, height - 230, 200, height - 150), "清河")
    return _jpeg(image)


WORKS = {"lotus": lotus, "bamboo": bamboo, "plum": plum, "landscape": landscape, "scroll": scroll, "banner": banner}
