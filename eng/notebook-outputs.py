#!/usr/bin/env python3
"""Copies the outputs of an executed notebook (dotnet-repl's ipynb) into the committed one, cell by cell, in the form
a reader sees without running anything:
  - of consecutive redraws of one live view (a training chart while it trains, the package restore's progress) only
    the last is kept, since a front end that replays the outputs would show every frame;
  - the repository's folder and the home folder are written relative (`experiments/...`, `~/.nuget/...`), so no
    output records the machine it ran on;
  - an HTML output with pictures also carries them as an image/png (one picture) or an image/jpeg of them in a row
    (several, by ImageMagick's convert), which every notebook viewer displays, also those that do not render HTML or
    its inline images.
  usage: notebook-outputs.py EXECUTED.ipynb COMMITTED.ipynb
"""
import base64
import json
import os
import re
import subprocess
import sys
import tempfile

REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
HOME = os.path.expanduser('~').rstrip(os.sep) + os.sep
REDRAWN = ('<div class="puzzlecam-training">', '<div><div><strong>Restore sources</strong>')
PICTURE = re.compile(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"')


def html(output):
    text = output.get('data', {}).get('text/html')
    return ''.join(text) if isinstance(text, list) else (text or '')


def redrawn_kind(output):
    return next((kind for kind in REDRAWN if html(output).startswith(kind)), None)


def machine_free(value):
    """Every string in an output with the repository's and the home folder's absolute paths made relative."""
    if isinstance(value, str):
        return value.replace(REPOSITORY, '').replace(HOME, '~' + os.sep)
    if isinstance(value, list):
        return [machine_free(v) for v in value]
    if isinstance(value, dict):
        return {k: machine_free(v) for k, v in value.items()}
    return value


def tidy(outputs):
    outputs = [machine_free(o) for o in outputs]
    kept = []
    for output in outputs:
        kind = redrawn_kind(output)
        if kind is not None and kept and redrawn_kind(kept[-1]) == kind:
            kept[-1] = output
        else:
            kept.append(output)
    for output in kept:
        pictures = PICTURE.findall(html(output))
        data = output.get('data', {})
        if len(pictures) == 1 and 'image/png' not in data:
            data['image/png'] = pictures[0]
        elif len(pictures) > 1 and 'image/jpeg' not in data:
            data['image/jpeg'] = side_by_side(pictures)
    return kept


def side_by_side(pictures):
    """The pictures of one view in a row, one JPEG (ImageMagick's convert +append), as base64: a preview, a fifth of the
    PNGs' bytes, for the viewers that show no HTML."""
    with tempfile.TemporaryDirectory() as folder:
        names = []
        for i, picture in enumerate(pictures):
            names.append(os.path.join(folder, f'{i}.png'))
            with open(names[-1], 'wb') as f:
                f.write(base64.b64decode(picture))
        row = os.path.join(folder, 'row.jpg')
        subprocess.run(['convert', *names, '-background', 'white', '-gravity', 'north', '-splice', '6x0', '+append', '-quality', '80', row], check=True)
        with open(row, 'rb') as f:
            return base64.b64encode(f.read()).decode('ascii')


def main(executed_path, committed_path):
    executed = json.load(open(executed_path, encoding='utf-8'))
    committed = json.load(open(committed_path, encoding='utf-8'))
    if len(executed['cells']) != len(committed['cells']):
        sys.exit(f'{executed_path} has {len(executed["cells"])} cells, {committed_path} {len(committed["cells"])}: run it again')
    for ran, cell in zip(executed['cells'], committed['cells']):
        if cell['cell_type'] != 'code':
            continue
        cell['outputs'] = tidy(ran.get('outputs', []))
        cell['execution_count'] = ran.get('execution_count')
    with open(committed_path, 'w', encoding='utf-8') as f:
        json.dump(committed, f, indent=1, ensure_ascii=False)
        f.write('\n')


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
