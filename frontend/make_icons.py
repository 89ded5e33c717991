"""Draws the app icons once (python frontend/make_icons.py); the PNGs are committed."""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

RED = (183, 28, 28)
HERE = Path(__file__).parent / "static" / "frontend" / "icons"
FONTS = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
]


def draw(size):
    image = Image.new("RGB", (size, size), RED)
    pen = ImageDraw.Draw(image)
    inset = size // 8
    pen.rounded_rectangle((inset, inset, size - inset, size - inset), radius=size // 6, fill=(255, 253, 248))
    font = next((ImageFont.truetype(f, int(size * 0.5)) for f in FONTS if Path(f).exists()), None)
    if font:
        pen.text((size / 2, size / 2), "清", fill=RED, font=font, anchor="mm")
    else:  # no CJK font on this machine: a plain mark still reads as the brand colour
        pen.ellipse((size * 0.35, size * 0.35, size * 0.65, size * 0.65), fill=RED)
    image.save(HERE / f"icon-{size}.png", optimize=True)


if __name__ == "__main__":
    HERE.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        draw(size)
