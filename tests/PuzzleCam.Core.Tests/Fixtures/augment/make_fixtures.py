"""Pillow 9.4 outputs that the C# colour and geometry augmentations (PuzzleCam.Data.Transforms) must reproduce.

Writes two files next to this script:
  pillow_augment.npz  every input and output image as uint8 (H, W, 3), compressed;
  cases.json          one entry per output: its array name, the input it came from, the operation and its
                      parameters, so the tests take everything from here and hard-code nothing.

The inputs are small odd-sized images built from formulas (no randomness except a seeded NumPy generator for
the colour samples): "broad" spans 0..255, "narrow" spans only ~90..140 so that autocontrast and equalize have
work to do, "tiny" hits the degenerate branches (a constant channel, too few pixels for an equalize step),
"colors" and "hsv" are 32x32 samples of RGB and HSV triples for the colour-space conversions.

Operations follow what the reference's training chain calls: ImageEnhance (Brightness, Color, Contrast,
Sharpness), ImageOps (autocontrast, equalize, posterize, solarize), Image.rotate and Image.transform(AFFINE)
with NEAREST, torchvision's PIL hue shift, ColorJitter with a fixed order and fixed factors, the FixMatch
RandAugment operations at given magnitudes, and the black CutoutAbs rectangle.

Run it with the Debian Python that has Pillow 9.4.0 and NumPy 1.24 (the `python3` on PATH has no PIL):
    /usr/bin/python3 tests/PuzzleCam.Core.Tests/Fixtures/augment/make_fixtures.py
"""
import json
import os

import numpy as np
import PIL
from PIL import Image, ImageDraw, ImageEnhance, ImageOps

HERE = os.path.dirname(os.path.abspath(__file__))


def grid(width, height):
    y, x = np.mgrid[0:height, 0:width]
    return x.astype(np.int64), y.astype(np.int64)


def broad_image():
    x, y = grid(29, 23)
    r = (x * 37 + y * 11) % 256
    g = (x * x + 3 * y * y + 17) % 256
    b = (255 - 5 * x + 7 * y * x) % 256
    return np.stack([r, g, b], axis=-1).astype(np.uint8)


def narrow_image():
    x, y = grid(19, 13)
    r = 90 + (3 * x + y) % 41
    g = 100 + (x + 2 * y) % 31
    b = 95 + (x * y) % 37
    return np.stack([r, g, b], axis=-1).astype(np.uint8)


def tiny_image():
    x, y = grid(5, 4)
    r = np.full_like(x, 77)
    g = np.where((x + y) % 2 == 0, 30, 200)
    b = (x * 53 + y * 19) % 256
    return np.stack([r, g, b], axis=-1).astype(np.uint8)


def color_samples(rng):
    # Every grey, the six pure hues and their ramps, then random triples: the HSV branches all get exercised.
    fixed = [(v, v, v) for v in range(256)]
    for v in range(0, 256, 15):
        fixed += [(v, 0, 0), (0, v, 0), (0, 0, v), (v, v, 0), (0, v, v), (v, 0, v), (255, v, 0), (v, 255, 128)]
    rest = rng.integers(0, 256, size=(32 * 32 - len(fixed), 3))
    return np.concatenate([np.array(fixed), rest]).reshape(32, 32, 3).astype(np.uint8)


def hsv_samples(rng):
    fixed = [(h, s, v) for h in (0, 1, 42, 43, 127, 128, 212, 213, 254, 255) for s in (0, 1, 128, 255) for v in (0, 1, 200, 255)]
    rest = rng.integers(0, 256, size=(32 * 32 - len(fixed), 3))
    return np.concatenate([np.array(fixed), rest]).reshape(32, 32, 3).astype(np.uint8)


def pil(array, mode="RGB"):
    return Image.fromarray(array, mode)


# torchvision.transforms.functional_pil.adjust_hue, step by step.
def adjust_hue(img, factor):
    h, s, v = img.convert("HSV").split()
    shifted = np.array(h, dtype=np.uint8)
    with np.errstate(over="ignore"):
        shifted += np.uint8(factor * 255)
    return Image.merge("HSV", (Image.fromarray(shifted, "L"), s, v)).convert("RGB")


JITTER_STEPS = [
    lambda img, f: ImageEnhance.Brightness(img).enhance(f["brightness"]),
    lambda img, f: ImageEnhance.Contrast(img).enhance(f["contrast"]),
    lambda img, f: ImageEnhance.Color(img).enhance(f["saturation"]),
    lambda img, f: adjust_hue(img, f["hue"]),
]


def color_jitter(img, order, factors):
    for step in order:
        img = JITTER_STEPS[step](img, factors)
    return img


# The FixMatch RandAugment pool (name, max_v, bias) with its magnitude mapping; `negate` stands in for the coin that
# flips the sign of the geometric operations.
def float_param(v, max_v):
    return float(v) * max_v / 10


def int_param(v, max_v):
    return int(v * max_v / 10)


def signed(value, negate):
    return -value if negate else value


RANDAUGMENT = {
    "AutoContrast": (None, None, False, lambda img, v, neg: ImageOps.autocontrast(img)),
    "Brightness": (0.9, 0.05, False, lambda img, v, neg: ImageEnhance.Brightness(img).enhance(float_param(v, 0.9) + 0.05)),
    "Color": (0.9, 0.05, False, lambda img, v, neg: ImageEnhance.Color(img).enhance(float_param(v, 0.9) + 0.05)),
    "Contrast": (0.9, 0.05, False, lambda img, v, neg: ImageEnhance.Contrast(img).enhance(float_param(v, 0.9) + 0.05)),
    "Equalize": (None, None, False, lambda img, v, neg: ImageOps.equalize(img)),
    "Identity": (None, None, False, lambda img, v, neg: img),
    "Posterize": (4, 4, False, lambda img, v, neg: ImageOps.posterize(img, int_param(v, 4) + 4)),
    "Rotate": (30, 0, True, lambda img, v, neg: img.rotate(signed(int_param(v, 30), neg))),
    "Sharpness": (0.9, 0.05, False, lambda img, v, neg: ImageEnhance.Sharpness(img).enhance(float_param(v, 0.9) + 0.05)),
    "ShearX": (0.3, 0, True, lambda img, v, neg: img.transform(img.size, Image.AFFINE, (1, signed(float_param(v, 0.3), neg), 0, 0, 1, 0))),
    "ShearY": (0.3, 0, True, lambda img, v, neg: img.transform(img.size, Image.AFFINE, (1, 0, 0, signed(float_param(v, 0.3), neg), 1, 0))),
    "Solarize": (256, 0, False, lambda img, v, neg: ImageOps.solarize(img, 256 - int_param(v, 256))),
    "TranslateX": (0.3, 0, True, lambda img, v, neg: img.transform(img.size, Image.AFFINE, (1, 0, int(signed(float_param(v, 0.3), neg) * img.size[0]), 0, 1, 0))),
    "TranslateY": (0.3, 0, True, lambda img, v, neg: img.transform(img.size, Image.AFFINE, (1, 0, 0, 0, 1, int(signed(float_param(v, 0.3), neg) * img.size[1])))),
}


def cutout(img, cx, cy, size=16):
    w, h = img.size
    x0 = int(max(0, cx - size / 2.0))
    y0 = int(max(0, cy - size / 2.0))
    x1 = int(min(w, x0 + size))
    y1 = int(min(h, y0 + size))
    out = img.copy()
    ImageDraw.Draw(out).rectangle((x0, y0, x1, y1), (0, 0, 0))
    return out


def main():
    assert PIL.__version__ == "9.4.0", f"the fixtures are Pillow 9.4.0's; this is {PIL.__version__}"
    rng = np.random.default_rng(20210904)
    inputs = {"broad": broad_image(), "narrow": narrow_image(), "tiny": tiny_image(),
              "colors": color_samples(rng), "hsv": hsv_samples(rng)}
    arrays = {f"input_{k}": v for k, v in inputs.items()}
    cases = []

    def add(op, image, output, **params):
        name = f"case{len(cases):03d}"
        out = np.asarray(output, dtype=np.uint8)
        if out.ndim == 2:
            out = out[:, :, None]
        arrays[name] = out
        cases.append({"name": name, "op": op, "input": image, **params})

    images = {k: pil(v) for k, v in inputs.items()}

    add("grayscale", "colors", images["colors"].convert("L"))
    add("rgb_to_hsv", "colors", np.asarray(images["colors"].convert("HSV")))
    add("hsv_to_rgb", "hsv", pil(inputs["hsv"], "HSV").convert("RGB"))

    enhancers = {"brightness": ImageEnhance.Brightness, "color": ImageEnhance.Color,
                 "contrast": ImageEnhance.Contrast, "sharpness": ImageEnhance.Sharpness}
    for op, enhancer in enhancers.items():
        for source in ("broad", "narrow"):
            for factor in (0.0, 0.14, 0.7, 1.3, 2.0, -0.4):
                add(op, source, enhancer(images[source]).enhance(factor), factor=factor)
    for source in ("broad", "narrow", "tiny"):
        add("autocontrast", source, ImageOps.autocontrast(images[source]))
        add("equalize", source, ImageOps.equalize(images[source]))
    for bits in range(1, 9):
        add("posterize", "broad", ImageOps.posterize(images["broad"], bits), bits=bits)
    for threshold in (0, 1, 26, 128, 231, 255, 256):
        add("solarize", "broad", ImageOps.solarize(images["broad"], threshold), threshold=threshold)

    for source in ("broad", "narrow"):
        for degrees in (-27, -3, 14, 27, 100, -170):
            add("rotate", source, images[source].rotate(degrees), degrees=degrees)
    for shear in (-0.27, -0.15, -0.03, 0.03, 0.15, 0.27):
        add("affine", "broad", images["broad"].transform(images["broad"].size, Image.AFFINE, (1, shear, 0, 0, 1, 0)), matrix=[1, shear, 0, 0, 1, 0])
        add("affine", "broad", images["broad"].transform(images["broad"].size, Image.AFFINE, (1, 0, 0, shear, 1, 0)), matrix=[1, 0, 0, shear, 1, 0])
    for shift in (-30, -11, -1, 1, 8, 29):
        add("affine", "broad", images["broad"].transform(images["broad"].size, Image.AFFINE, (1, 0, shift, 0, 1, 0)), matrix=[1, 0, shift, 0, 1, 0])
        add("affine", "broad", images["broad"].transform(images["broad"].size, Image.AFFINE, (1, 0, 0, 0, 1, shift)), matrix=[1, 0, 0, 0, 1, shift])
    general = [0.9, -0.2, 3.7, 0.25, 1.1, -2.2]
    add("affine", "broad", images["broad"].transform(images["broad"].size, Image.AFFINE, tuple(general)), matrix=general)

    for source in ("colors", "broad"):
        for hue in (-0.1, -0.0613, 0.002, 0.1):
            add("hue", source, adjust_hue(images[source], hue), hue=hue)
    jitters = [([0, 1, 2, 3], {"brightness": 1.21, "contrast": 0.77, "saturation": 1.05, "hue": -0.073}),
               ([3, 2, 1, 0], {"brightness": 0.71, "contrast": 1.29, "saturation": 0.8, "hue": 0.1}),
               ([2, 0, 3, 1], {"brightness": 1.0, "contrast": 1.12, "saturation": 1.3, "hue": 0.012})]
    for order, factors in jitters:
        add("colorjitter", "broad", color_jitter(images["broad"], order, factors), order=order, **factors)

    for name, (_, _, has_sign, fn) in RANDAUGMENT.items():
        for v in ((1, 5, 9) if has_sign else (1, 9)):
            for negate in ((False, True) if has_sign else (False,)):
                add("randaugment", "broad", fn(images["broad"], v, negate), operation=name, v=v, negate=negate)
    for cx, cy in ((0.3, 0.2), (28.9, 22.99), (14.5, 11.2), (5.0, 21.5), (8.0, 8.0), (24.7, 3.1)):
        add("cutout", "broad", cutout(images["broad"], cx, cy), cx=cx, cy=cy)

    np.savez_compressed(os.path.join(HERE, "pillow_augment.npz"), **arrays)
    with open(os.path.join(HERE, "cases.json"), "w") as f:
        json.dump({"pillow": PIL.__version__, "numpy": np.__version__, "cases": cases}, f, indent=1)
        f.write("\n")
    print(f"{len(cases)} cases")


if __name__ == "__main__":
    main()
