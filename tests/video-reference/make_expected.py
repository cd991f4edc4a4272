#!/usr/bin/env python3
"""Expected frame samples of Qwen2-VL's video processor (transformers' Qwen2VLVideoProcessor.sample_frames), for
DataForge's frame sampler (issue 24). Run where transformers is installed (the GPU machine):
  python3 tests/video-reference/make_expected.py > tests/video-reference/qwen2vl_sample_frames.json
Prints the transformers version, the function's source (so the rule is on record) and, per case, the frame indices."""
import inspect, itertools, json, sys
import transformers
from transformers.models.qwen2_vl.video_processing_qwen2_vl import Qwen2VLVideoProcessor
from transformers.video_utils import VideoMetadata

processor = Qwen2VLVideoProcessor()
source = inspect.getsource(Qwen2VLVideoProcessor.sample_frames)
cases = []
for total, video_fps, fps, (min_frames, max_frames) in itertools.product(
        [1, 3, 4, 7, 25, 48, 100, 250, 301, 1000, 7201], [10.0, 23.976, 25.0, 29.97, 30.0, 60.0], [0.5, 1.0, 2.0, 4.0], [(4, 768), (4, 16), (2, 64)]):
    metadata = VideoMetadata(total_num_frames=total, fps=video_fps, duration=total / video_fps)
    try:
        indices = processor.sample_frames(metadata, temporal_patch_size=2, min_frames=min_frames, max_frames=max_frames, fps=fps)
        result = [int(i) for i in indices]
    except Exception as error:  # the peer refuses some cases: record that it does
        result = {"error": type(error).__name__ + ": " + str(error).split("\n")[0]}
    cases.append({"total_frames": total, "video_fps": video_fps, "fps": fps, "min_frames": min_frames, "max_frames": max_frames, "indices": result})
json.dump({"origin": f"transformers {transformers.__version__}, Qwen2VLVideoProcessor.sample_frames (Apache-2.0)", "temporal_patch_size": 2,
           "source": source, "cases": cases}, sys.stdout, indent=1)
