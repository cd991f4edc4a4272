"""Expected Qwen2-VL image grids, computed by transformers' own smart_resize.

Run where transformers is installed (the GPU machine has it; this machine does not):
    python3 tests/qwen2vl-reference/make_expected.py > tests/qwen2vl-reference/smart_resize.json
Origin: huggingface/transformers, src/transformers/models/qwen2_vl/image_processing_qwen2_vl.py, function
smart_resize (Apache-2.0); the version used is recorded in the output. The test LayoutTests reads the JSON and checks
ImageGrid.For against every case: rows = h_bar / 28, columns = w_bar / 28, or refused where transformers raises.
"""
import inspect
import json
import sys

import transformers
from transformers.models.qwen2_vl.image_processing_qwen2_vl import smart_resize

FACTOR = 28
MIN_PIXELS = 56 * 56
MAX_PIXELS = 28 * 28 * 1280

sides = [1, 2, 3, 10, 13, 14, 15, 27, 28, 29, 41, 42, 43, 55, 56, 57, 99, 100, 111, 224, 225, 333, 480, 500, 640,
         999, 1000, 1023, 1080, 1920, 2000, 2800, 3000, 4000, 4096, 5000, 8000, 10000]
cases = []
for height in sides:
    for width in sides:
        case = {"height": height, "width": width}
        try:
            h_bar, w_bar = smart_resize(height, width, factor=FACTOR, min_pixels=MIN_PIXELS, max_pixels=MAX_PIXELS)
            case["h_bar"], case["w_bar"] = int(h_bar), int(w_bar)
        except ValueError as error:
            case["error"] = str(error)
        cases.append(case)

json.dump(
    {
        "origin": "transformers " + transformers.__version__ + " transformers/models/qwen2_vl/image_processing_qwen2_vl.py smart_resize (Apache-2.0)",
        "factor": FACTOR,
        "min_pixels": MIN_PIXELS,
        "max_pixels": MAX_PIXELS,
        "source": inspect.getsource(smart_resize),
        "cases": cases,
    },
    sys.stdout,
    indent=1,
)
sys.stdout.write("\n")
