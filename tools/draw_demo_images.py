"""Draw the demo's covers and author photos with Pillow: flat illustrations, made here, copied from nowhere.

    .venv/bin/python tools/draw_demo_images.py

writes ``articles/demo/<article key>.png`` (1600 × 900) and ``articles/demo/authors/<author key>.png`` (800 × 800).
Each is drawn at twice its size, scaled down (smooth edges) and reduced to a small palette, so that a cover stays
well under 150 KB while being wide enough to show every rendition width. The result is the same on every run.
"""

import math
import random
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw

DEMO = Path(__file__).resolve().parents[1] / "articles" / "demo"
COVER_SIZE = (1600, 900)
PHOTO_SIZE = (800, 800)
SCALE = 2  # drawn at twice the size, then scaled down for smooth edges

Colour = tuple[int, int, int]


def sky(draw: ImageDraw.ImageDraw, size: tuple[int, int], top: Colour, bottom: Colour, height: int) -> None:
    """A vertical gradient from ``top`` to ``bottom`` over the first ``height`` pixels, in 12 bands."""
    bands = 12
    for band in range(bands):
        mix = band / (bands - 1)
        colour = tuple(round(a + (b - a) * mix) for a, b in zip(top, bottom, strict=True))
        draw.rectangle([0, band * height // bands, size[0], (band + 1) * height // bands + 1], fill=colour)


def mountains(draw: ImageDraw.ImageDraw, base: int, peaks: list[tuple[int, int, int]], colour: Colour,
              snow: bool = True) -> None:
    """Triangular mountains standing on ``base``: (centre x, height, half width) each, snow on the tops."""
    for x, height, half in peaks:
        draw.polygon([(x - half, base), (x, base - height), (x + half, base)], fill=colour)
        if snow:
            cap = height // 5
            draw.polygon([(x - half * cap // height, base - height + cap), (x, base - height),
                          (x + half * cap // height, base - height + cap),
                          (x + half * cap // height // 3, base - height + cap * 4 // 5),
                          (x - half * cap // height // 3, base - height + cap * 6 // 5)], fill=(245, 247, 250))


def wheel(draw: ImageDraw.ImageDraw, x: int, y: int, radius: int, colour: Colour = (34, 34, 34)) -> None:
    draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=colour)
    draw.ellipse([x - radius // 3, y - radius // 3, x + radius // 3, y + radius // 3], fill=(150, 150, 150))


def electric_buses(draw: ImageDraw.ImageDraw, w: int, h: int) -> None:
    sky(draw, (w, h), (250, 204, 150), (190, 205, 220), h * 3 // 4)
    mountains(draw, h * 9 // 20, [(w * 3 // 16, h // 3, w // 5), (w // 2, h * 11 // 30, w // 4)], (135, 155, 185))
    draw.rectangle([0, h * 7 // 9, w, h], fill=(70, 74, 84))
    for step in range(0, w, w // 8):
        draw.rectangle([step + w // 40, h * 8 // 9, step + w // 12, h * 8 // 9 + h // 90], fill=(230, 230, 210))
    for left in (w // 16, w * 9 // 16):
        right, top, bottom = left + w * 13 // 32, h * 4 // 9, h * 7 // 9 + h // 60
        draw.rounded_rectangle([left, top, right, bottom], radius=h // 25, fill=(46, 160, 116))
        draw.rectangle([left, top + h // 25, right, top + h // 25 + h // 60], fill=(255, 210, 80))
        for window in range(5):
            x = left + w // 40 + window * (right - left - w // 40) // 5
            draw.rectangle([x, top + h // 12, x + (right - left) // 7, top + h * 9 // 50], fill=(200, 232, 242))
        draw.rectangle([left + w // 3, top - h // 40, left + w // 3 + w // 60, top], fill=(60, 60, 60))
        wheel(draw, left + w // 14, bottom, h // 17)
        wheel(draw, right - w // 14, bottom, h // 17)


def bike_lanes(draw: ImageDraw.ImageDraw, w: int, h: int) -> None:
    sky(draw, (w, h), (160, 205, 240), (225, 238, 245), h // 2)
    mountains(draw, h // 2, [(w // 5, h // 4, w // 4), (w * 3 // 5, h * 3 // 10, w // 3), (w, h // 5, w // 4)],
              (120, 150, 170))
    draw.rectangle([0, h // 2, w, h], fill=(96, 100, 108))
    draw.polygon([(w * 2 // 5, h // 2), (w * 3 // 5, h // 2), (w * 9 // 10, h), (w // 10, h)], fill=(54, 150, 90))
    for y in range(h // 2 + h // 30, h, h // 10):
        mix = (y - h // 2) / (h // 2)
        half = round(w // 200 + mix * w // 80)
        draw.rectangle([w // 2 - half, y, w // 2 + half, y + h // 30], fill=(240, 240, 240))
    # A bicycle symbol painted on the lane.
    cx, cy, r = w // 2, h * 4 // 5, h // 14
    white = (245, 245, 245)
    for x in (cx - r * 3 // 2, cx + r * 3 // 2):
        draw.ellipse([x - r, cy - r, x + r, cy + r], outline=white, width=h // 90)
    frame = [(cx - r * 3 // 2, cy), (cx - r // 4, cy), (cx + r // 2, cy - r), (cx - r // 2, cy - r),
             (cx - r * 3 // 2, cy), (cx - r // 4, cy), (cx + r * 3 // 2, cy), (cx + r // 2, cy - r)]
    draw.line(frame, fill=white, width=h // 90, joint="curve")
    for side in (0, 1):
        x = w // 12 if side == 0 else w * 11 // 12
        draw.rectangle([x - w // 100, h // 3, x + w // 100, h * 2 // 3], fill=(90, 70, 50))
        draw.ellipse([x - w // 16, h // 6, x + w // 16, h * 5 // 12], fill=(70, 140, 70))


def photo_exhibition(draw: ImageDraw.ImageDraw, w: int, h: int) -> None:
    draw.rectangle([0, 0, w, h], fill=(52, 56, 66))
    draw.rectangle([0, h * 5 // 6, w, h], fill=(120, 92, 70))
    for number, left in enumerate((w // 10, w * 4 // 10, w * 7 // 10)):
        top, width, height = h // 5 + (number % 2) * h // 20, w // 5, h * 2 // 5
        draw.rectangle([left - w // 80, top - w // 80, left + width + w // 80, top + height + w // 80],
                       fill=(232, 226, 210))
        draw.rectangle([left, top, left + width, top + height], fill=(190, 180, 160))
        mountains(draw, top + height, [(left + width // 3, height * 2 // 3, width // 3),
                                       (left + width * 3 // 4, height // 2, width // 4)], (110, 100, 90), False)
        draw.ellipse([left + width * 3 // 4, top + height // 8, left + width * 7 // 8, top + height // 4],
                     fill=(235, 225, 200))
        draw.ellipse([left + width // 2 - w // 200, top - w // 50, left + width // 2 + w // 200, top - w // 100],
                     fill=(200, 50, 50))
        # Light from above each picture.
        draw.polygon([(left + width // 2 - w // 60, 0), (left + width // 2 + w // 60, 0),
                      (left + width + w // 40, top - w // 40), (left - w // 40, top - w // 40)], fill=(68, 72, 84))


def snow_clearing(draw: ImageDraw.ImageDraw, w: int, h: int) -> None:
    sky(draw, (w, h), (150, 170, 195), (215, 225, 235), h * 3 // 5)
    for number in range(6):
        left = number * w // 6
        draw.rectangle([left + w // 60, h // 4 + (number % 3) * h // 20, left + w // 6 - w // 60, h * 3 // 5],
                       fill=(170 - number * 8, 160, 175))
        for row in range(3):
            for column in range(3):
                x, y = left + w // 30 + column * w // 24, h // 3 + row * h // 12 + (number % 3) * h // 20
                draw.rectangle([x, y, x + w // 60, y + h // 30], fill=(250, 226, 150))
    draw.rectangle([0, h * 3 // 5, w, h], fill=(236, 240, 245))
    draw.rectangle([0, h * 7 // 10, w, h * 9 // 10], fill=(150, 155, 165))
    # A snowplough pushing a heap of snow.
    left, base = w * 2 // 5, h * 17 // 20
    draw.rectangle([left, base - h // 5, left + w // 4, base], fill=(235, 140, 30))
    draw.rectangle([left + w // 6, base - h * 3 // 10, left + w // 4, base - h // 5], fill=(235, 140, 30))
    draw.rectangle([left + w * 5 // 28, base - h * 27 // 100, left + w * 6 // 25, base - h // 5 - h // 60],
                   fill=(200, 232, 242))
    draw.polygon([(left + w // 4, base - h // 8), (left + w * 3 // 10, base - h // 6), (left + w * 3 // 10, base),
                  (left + w // 4, base)], fill=(90, 90, 90))
    draw.ellipse([left + w * 29 // 100, base - h // 6, left + w * 2 // 5, base + h // 40], fill=(250, 250, 252))
    wheel(draw, left + w // 20, base, h // 18)
    wheel(draw, left + w // 5, base, h // 18)
    draw.rectangle([left + w // 5, base - h * 13 // 40, left + w // 5 + w // 60, base - h * 3 // 10],
                   fill=(250, 200, 40))
    flakes = random.Random(4)
    for _flake in range(140):
        x, y, r = flakes.randrange(w), flakes.randrange(h * 3 // 4), flakes.randrange(3, 9) * h // 900
        draw.ellipse([x - r, y - r, x + r, y + r], fill=(255, 255, 255))


def cafe_rents(draw: ImageDraw.ImageDraw, w: int, h: int) -> None:
    sky(draw, (w, h), (120, 170, 220), (200, 225, 240), h // 3)
    # Astana's tower in the distance.
    draw.rectangle([w * 17 // 20 - w // 120, h // 12, w * 17 // 20 + w // 120, h // 3], fill=(230, 235, 240))
    draw.ellipse([w * 17 // 20 - w // 40, h // 20, w * 17 // 20 + w // 40, h // 8], fill=(240, 190, 60))
    draw.rectangle([0, h // 3, w, h], fill=(226, 206, 178))
    stripes = 10
    for stripe in range(stripes):
        colour = (200, 60, 60) if stripe % 2 == 0 else (250, 245, 235)
        left = w // 10 + stripe * (w * 8 // 10) // stripes
        draw.polygon([(left, h * 2 // 5), (left + (w * 8 // 10) // stripes, h * 2 // 5),
                      (left + (w * 8 // 10) // stripes + w // 100, h * 11 // 20), (left + w // 100, h * 11 // 20)],
                     fill=colour)
    draw.rectangle([w // 8, h * 11 // 20, w * 7 // 8, h * 9 // 10], fill=(92, 64, 48))
    draw.rectangle([w // 6, h * 3 // 5, w * 3 // 5, h * 17 // 20], fill=(240, 220, 170))
    draw.rectangle([w * 2 // 3, h * 3 // 5, w * 5 // 6, h * 9 // 10], fill=(60, 42, 32))
    for number in range(4):  # cups on the counter
        x = w // 5 + number * w // 10
        draw.rounded_rectangle([x, h * 7 // 10, x + w // 20, h * 4 // 5], radius=w // 200, fill=(255, 255, 255))
        draw.arc([x + w // 25, h * 29 // 40, x + w // 14, h * 31 // 40], 270, 90, fill=(255, 255, 255),
                 width=w // 300)
    # A "for rent" sign in the window: a rising line.
    draw.rectangle([w * 13 // 20, h * 2 // 5 - h // 6, w * 17 // 20, h * 2 // 5 - h // 60], fill=(255, 255, 255))
    draw.line([(w * 27 // 40, h * 3 // 10), (w * 29 // 40, h * 5 // 18), (w * 31 // 40, h * 11 // 40),
               (w * 33 // 40, h * 2 // 9)], fill=(200, 40, 40), width=h // 90)
    draw.rectangle([0, h * 9 // 10, w, h], fill=(160, 160, 160))


def childrens_library(draw: ImageDraw.ImageDraw, w: int, h: int) -> None:
    draw.rectangle([0, 0, w, h], fill=(250, 236, 206))
    colours = [(220, 80, 70), (70, 130, 200), (80, 170, 110), (240, 180, 60), (150, 100, 190), (240, 130, 60)]
    books = random.Random(7)
    for shelf in range(3):
        top = h // 12 + shelf * h * 4 // 15
        bottom = top + h * 4 // 15 - h // 30
        x = w // 20
        while x < w * 19 // 20 - w // 30:
            width = books.randrange(w // 60, w // 30)
            height = books.randrange((bottom - top) * 3 // 5, bottom - top)
            if x + width > w * 19 // 20:
                break
            draw.rectangle([x, bottom - height, x + width, bottom], fill=books.choice(colours))
            draw.rectangle([x + width // 4, bottom - height * 4 // 5, x + width * 3 // 4, bottom - height * 3 // 4],
                           fill=(250, 245, 230))
            x += width + w // 400
        draw.rectangle([w // 40, bottom, w * 39 // 40, bottom + h // 30], fill=(150, 100, 60))
    draw.rectangle([0, h * 5 // 6, w, h], fill=(120, 180, 160))
    # A small reader on a cushion, with an open book.
    cx, base = w // 2, h * 29 // 30
    draw.ellipse([cx - w // 10, base - h // 14, cx + w // 10, base + h // 40], fill=(240, 180, 60))
    draw.rounded_rectangle([cx - w // 30, base - h // 5, cx + w // 30, base - h // 20], radius=w // 60,
                           fill=(70, 130, 200))
    draw.ellipse([cx - w // 40, base - h * 3 // 10, cx + w // 40, base - h * 5 // 24], fill=(210, 160, 120))
    draw.polygon([(cx - w // 18, base - h // 7), (cx, base - h // 9), (cx + w // 18, base - h // 7),
                  (cx + w // 18, base - h // 14), (cx, base - h // 25), (cx - w // 18, base - h // 14)],
                 fill=(255, 255, 255))


def dombra_contest(draw: ImageDraw.ImageDraw, w: int, h: int) -> None:
    draw.rectangle([0, 0, w, h], fill=(40, 24, 60))
    for x in (w // 4, w * 3 // 4):  # spotlights
        draw.polygon([(x - w // 40, 0), (x + w // 40, 0), (x + w // 5, h * 4 // 5), (x - w // 5, h * 4 // 5)],
                     fill=(70, 50, 95))
    draw.rectangle([0, h * 4 // 5, w, h], fill=(150, 40, 50))
    draw.ellipse([w // 8, h * 3 // 4, w * 7 // 8, h * 17 // 20], fill=(170, 60, 60))
    # A dombra, leaning: a pear-shaped body and a long neck with two strings.
    angle = math.radians(-30)
    cx, cy = w // 2 - w // 8, h * 2 // 3

    def point(along: float, across: float) -> tuple[float, float]:
        return (cx + along * math.cos(angle) - across * math.sin(angle),
                cy + along * math.sin(angle) + across * math.cos(angle))

    body = [point(h * 0.22 * math.cos(t) - h * 0.02, h * 0.13 * math.sin(t) * (1 - 0.25 * math.cos(t)))
            for t in (i * math.pi / 30 for i in range(60))]
    draw.polygon(body, fill=(190, 120, 60))
    draw.polygon([point(h * 0.15, -h * 0.025), point(h * 0.72, -h * 0.018), point(h * 0.72, h * 0.018),
                  point(h * 0.15, h * 0.025)], fill=(140, 80, 40))
    draw.polygon([point(h * 0.72, -h * 0.03), point(h * 0.82, -h * 0.025), point(h * 0.82, h * 0.025),
                  point(h * 0.72, h * 0.03)], fill=(110, 60, 30))
    draw.ellipse([point(-h * 0.05, 0)[0] - h * 0.035, point(-h * 0.05, 0)[1] - h * 0.035,
                  point(-h * 0.05, 0)[0] + h * 0.035, point(-h * 0.05, 0)[1] + h * 0.035], fill=(90, 50, 25))
    for across in (-h * 0.008, h * 0.008):
        draw.line([point(-h * 0.15, across), point(h * 0.8, across)], fill=(245, 235, 200), width=max(2, h // 450))
    # Notes in the air.
    for x, y in ((w * 2 // 3, h // 4), (w * 3 // 4, h * 2 // 5), (w * 5 // 6, h // 5)):
        draw.ellipse([x, y, x + w // 50, y + w // 70], fill=(250, 220, 120))
        draw.rectangle([x + w // 50 - w // 400, y - h // 12, x + w // 50, y + w // 140], fill=(250, 220, 120))


def drip_irrigation(draw: ImageDraw.ImageDraw, w: int, h: int) -> None:
    sky(draw, (w, h), (110, 175, 235), (235, 230, 200), h * 2 // 5)
    draw.ellipse([w * 4 // 5, h // 12, w * 9 // 10, h // 12 + w // 10], fill=(255, 214, 90))
    draw.rectangle([0, h * 2 // 5, w, h], fill=(176, 130, 90))
    for row in range(6):  # rows of plants running towards the horizon
        y = h * 2 // 5 + h // 30 + row * row * h // 60 + row * h // 30
        pipe = max(2, (row + 1) * h // 400)
        draw.rectangle([0, y + (row + 1) * h // 80, w, y + (row + 1) * h // 80 + pipe], fill=(30, 30, 30))
        spacing = w // (20 - row * 2)
        for x in range(spacing // 2, w, spacing):
            size = (row + 2) * h // 120
            draw.polygon([(x, y - size), (x - size // 2, y + size // 3), (x, y + size // 2),
                          (x + size // 2, y + size // 3)], fill=(70, 150, 60))
            drop = max(2, size // 4)
            draw.ellipse([x - drop, y + (row + 1) * h // 80 + pipe + drop, x + drop,
                          y + (row + 1) * h // 80 + pipe + drop * 3], fill=(80, 160, 230))


def portrait(skin: Colour, hair: Colour, shirt: Colour, background: Colour, *, long_hair: bool = False,
             glasses: bool = False) -> Callable[[ImageDraw.ImageDraw, int, int], None]:
    """A head-and-shoulders figure, the same drawing for each author in other colours."""

    def draw_portrait(draw: ImageDraw.ImageDraw, w: int, h: int) -> None:
        draw.rectangle([0, 0, w, h], fill=background)
        cx = w // 2
        if long_hair:
            draw.rounded_rectangle([cx - w // 4, h // 5, cx + w // 4, h * 7 // 10], radius=w // 8, fill=hair)
        draw.ellipse([cx - w * 2 // 5, h * 7 // 10, cx + w * 2 // 5, h * 3 // 2], fill=shirt)
        draw.rectangle([cx - w // 14, h * 11 // 20, cx + w // 14, h * 3 // 4], fill=skin)
        draw.ellipse([cx - w // 5, h // 5, cx + w // 5, h * 13 // 20], fill=skin)
        draw.chord([cx - w * 21 // 100, h * 9 // 50, cx + w * 21 // 100, h * 11 // 20], 180, 360, fill=hair)
        for side in (-1, 1):
            x = cx + side * w // 13
            draw.ellipse([x - w // 60, h * 43 // 100, x + w // 60, h * 46 // 100], fill=(40, 30, 30))
            if glasses:
                draw.ellipse([x - w // 22, h * 40 // 100, x + w // 22, h * 49 // 100], outline=(40, 40, 40),
                             width=w // 120)
        if glasses:
            draw.line([(cx - w // 13 + w // 22, h * 44 // 100), (cx + w // 13 - w // 22, h * 44 // 100)],
                      fill=(40, 40, 40), width=w // 120)
        draw.arc([cx - w // 14, h * 49 // 100, cx + w // 14, h * 57 // 100], 20, 160, fill=(150, 70, 70),
                 width=w // 100)

    return draw_portrait


COVERS = {
    "almaty-electric-buses": electric_buses,
    "almaty-bike-lanes": bike_lanes,
    "almaty-photo-exhibition": photo_exhibition,
    "almaty-snow-clearing": snow_clearing,
    "astana-cafe-rents": cafe_rents,
    "shymkent-childrens-library": childrens_library,
    "taraz-dombra-contest": dombra_contest,
    "turkestan-drip-irrigation": drip_irrigation,
}
PHOTOS = {
    "aigerim-sadykova": portrait((224, 178, 140), (40, 30, 30), (46, 120, 160), (214, 232, 240), long_hair=True),
    "daniyar-omarov": portrait((210, 160, 120), (30, 25, 25), (90, 90, 100), (240, 226, 200)),
    "elena-kim": portrait((236, 200, 170), (60, 40, 35), (170, 60, 80), (226, 236, 214), glasses=True),
}


def drawn(draw_picture: Callable[[ImageDraw.ImageDraw, int, int], None], size: tuple[int, int]) -> Image.Image:
    width, height = size[0] * SCALE, size[1] * SCALE
    image = Image.new("RGB", (width, height), (255, 255, 255))
    draw_picture(ImageDraw.Draw(image), width, height)
    return image.resize(size, Image.Resampling.LANCZOS).quantize(colors=96, dither=Image.Dither.NONE)


def main() -> None:
    for key, draw_cover in COVERS.items():
        drawn(draw_cover, COVER_SIZE).save(DEMO / f"{key}.png", optimize=True)
    for key, draw_photo in PHOTOS.items():
        drawn(draw_photo, PHOTO_SIZE).save(DEMO / "authors" / f"{key}.png", optimize=True)


if __name__ == "__main__":
    main()
