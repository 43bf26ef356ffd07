"""PyTorch's figure for the photo bench cases (test/bench/cases.ts, translate_resnet9_12mp): the
reference's resnet_9blocks (ngf 64, instance norm) translating one WxH image whole in eval mode,
on the CPU with 2 threads, as the reference's test.py would (no_grad). Prints one JSON line.

    /usr/bin/python3 test/bench/torch_photo.py --ref /tmp/ref [--width 4000 --height 3000]

--ref is a checkout of the reference at 2a7afba2 (models/ is enough); see
test/fixtures/reference/tools/README.md. Needs Debian's python3-torch, not the project's tests.
"""
import argparse
import json
import os
import resource
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'reference', 'tools'))
from reference_networks import parse_with_reference  # noqa: E402

p = argparse.ArgumentParser()
p.add_argument('--threads', type=int, default=2)
a, networks = parse_with_reference(p, width=4000, height=3000)

torch.set_num_threads(a.threads)
torch.manual_seed(1)
net = networks.define_G(3, 3, 64, 'resnet_9blocks', norm='instance', use_dropout=False)
net.eval()
x = torch.rand(1, 3, a.height, a.width) * 2 - 1
with torch.no_grad():
    t0 = time.perf_counter()
    y = net(x)
    seconds = time.perf_counter() - t0
print(json.dumps({'torch': torch.__version__, 'threads': a.threads, 'width': a.width, 'height': a.height, 'seconds': round(seconds, 2),
                  'peak_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, 'out': list(y.shape)}))
