#!/usr/bin/env python3
"""Copies the outputs of an executed notebook (dotnet-repl's ipynb) into the committed one, cell by cell, in the form
a reader sees without running anything:
  - of consecutive redraws of one live view (a training chart while it trains, the package restore's progress) only
    the last is kept, since a front end that replays the outputs would show every frame;
  - the repository's folder and the home folder are written relative (`experiments/...`, `~/.nuget/...`), so no
    output records the machine it ran on;
  - an HTML output with pictures also carries them as an image/png (one picture) or an image/jpeg of them in a row
    (several, by ImageMagick's convert), which every notebook viewer displays, also those that do not render HTML or
    its inline images;
  - a plotly chart, which only a page that runs scripts draws (VS Code does, a code host does not), gets a still of
    itself inside its div, taken by headless Chromium when the notebook is committed; where scripts run, the chart
    replaces it.
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
CHART = re.compile(r'(<div id="(puzzlecam-plot-[0-9a-f]+)" class="puzzlecam-plotly" style="[^"]*height:(\d+)px">)(</div>)'
                   r'(<script type="text/javascript">\(function\(\)\{var figure=.*?draw\(\);\}\)\(\);</script>)', re.S)
PLOTLY_JS = re.compile(r'<script type="text/javascript" class="puzzlecam-plotly-js">.*?</script>', re.S)
CHROMIUM = os.environ.get('CHROMIUM', 'chromium')
STILL_WIDTH = 760


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


def with_still(output, plotly_js):
    """The output with a still of its chart inside the chart's div, and a script that removes the still once plotly.js
    has drawn the chart there."""
    text = html(output)
    match = CHART.search(text)
    if match is None or plotly_js is None:
        return output
    opening, chart_id, height, closing, script = match.groups()
    with tempfile.TemporaryDirectory() as folder:
        page, shot = os.path.join(folder, 'chart.html'), os.path.join(folder, 'chart.png')
        with open(page, 'w', encoding='utf-8') as f:
            f.write(f'<!doctype html><html><body style="margin:0;width:{STILL_WIDTH}px">{plotly_js}{opening}{closing}{script}</body></html>')
        subprocess.run([CHROMIUM, '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', f'--window-size={STILL_WIDTH},{height}',
                        '--virtual-time-budget=10000', f'--screenshot={shot}', 'file://' + page], check=True, capture_output=True)
        small = os.path.join(folder, 'chart8.png')
        # A chart is a few flat colours: 32 of them keep it legible at a fraction of the bytes.
        subprocess.run(['convert', shot, '-colors', '32', 'PNG8:' + small], check=True)
        with open(small, 'rb') as f:
            still = base64.b64encode(f.read()).decode('ascii')
    image = (f'<img class="puzzlecam-plotly-still" src="data:image/png;base64,{still}" style="width:100%;max-width:{STILL_WIDTH}px;height:auto" '
             'alt="the chart as it was drawn when the notebook ran"/>')
    swap = ('<script type="text/javascript">(function(){var t=setInterval(function(){var el=document.getElementById("' + chart_id + '");'
            'if(!el){clearInterval(t);return;}if(el.querySelector(".plot-container")){var s=el.querySelector(".puzzlecam-plotly-still");'
            'if(s){s.remove();}clearInterval(t);}},100);})();</script>')
    output['data']['text/html'] = text.replace(match.group(0), opening + image + closing + script + swap, 1)
    return output


def tidy(outputs, plotly_js=None):
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
    return [with_still(output, plotly_js) for output in kept]


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
    found = (PLOTLY_JS.search(html(o)) for c in executed['cells'] for o in c.get('outputs', []))
    plotly_js = next((m.group(0) for m in found if m), None)
    for ran, cell in zip(executed['cells'], committed['cells']):
        if cell['cell_type'] != 'code':
            continue
        cell['outputs'] = tidy(ran.get('outputs', []), plotly_js)
        cell['execution_count'] = ran.get('execution_count')
    with open(committed_path, 'w', encoding='utf-8') as f:
        json.dump(committed, f, indent=1, ensure_ascii=False)
        f.write('\n')


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
