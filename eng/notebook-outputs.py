#!/usr/bin/env python3
"""Copies the outputs of an executed notebook (dotnet-repl's ipynb) into the committed one, cell by cell, in the form
a reader sees without running anything:
  - of consecutive redraws of one live view (a training chart while it trains, the package restore's progress) only
    the last is kept, since a front end that replays the outputs would show every frame;
  - an HTML output that is one picture also carries it as image/png, which every notebook viewer displays, also those
    that do not render HTML.
  usage: notebook-outputs.py EXECUTED.ipynb COMMITTED.ipynb
"""
import json
import re
import sys

REDRAWN = ('<div class="puzzlecam-training">', '<div><div><strong>Restore sources</strong>')
PICTURE = re.compile(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"')


def html(output):
    text = output.get('data', {}).get('text/html')
    return ''.join(text) if isinstance(text, list) else (text or '')


def redrawn_kind(output):
    return next((kind for kind in REDRAWN if html(output).startswith(kind)), None)


def tidy(outputs):
    kept = []
    for output in outputs:
        kind = redrawn_kind(output)
        if kind is not None and kept and redrawn_kind(kept[-1]) == kind:
            kept[-1] = output
        else:
            kept.append(output)
    for output in kept:
        pictures = PICTURE.findall(html(output))
        if len(pictures) == 1 and 'image/png' not in output.get('data', {}):
            output['data']['image/png'] = pictures[0]
    return kept


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
