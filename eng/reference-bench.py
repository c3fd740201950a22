"""The PyTorch side of `puzzlecam bench train-step`: the same units of work in PyTorch, for a same-machine comparison.

Run with a Python that has torch and torchvision (on Debian 12: apt-get install python3-torch python3-torchvision,
which is PyTorch 1.13, the version the golden vectors were made with), e.g.

    /usr/bin/python3 eng/reference-bench.py --puzzle          # resnet50 puzzle step, 2x3x256x256, fix mode
    /usr/bin/python3 eng/reference-bench.py --forward_only --image_size 512

The network is the reference's stage-1 classifier rebuilt from torchvision parts (spec 3.3 and 4.3): a torchvision
ResNet-50 whose layer4 has stride 1 and no dilation, FixedBatchNorm (batch_norm with the running statistics) in fix
mode, and a bias-free 1x1 classifier to 20 maps. The puzzle step is spec 4.4's: both passes, the tiles merged back,
the classification, puzzle and masked L1 reconstruction losses, backward, and a nesterov SGD step. It prints the same
`median: X s (min, max, runs)` line as the C# benchmark. Not used by the tests.
"""
import argparse
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision


class FixedBatchNorm(nn.BatchNorm2d):
    def forward(self, x):
        return F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias, training=False, eps=self.eps)


def build(mode):
    norm = FixedBatchNorm if mode == "fix" else nn.BatchNorm2d
    resnet = torchvision.models.resnet50(norm_layer=norm)
    resnet.layer4[0].conv2.stride = (1, 1)
    resnet.layer4[0].downsample[0].stride = (1, 1)
    backbone = nn.Sequential(resnet.conv1, resnet.bn1, resnet.relu, resnet.maxpool,
                             resnet.layer1, resnet.layer2, resnet.layer3, resnet.layer4)
    return nn.Sequential(backbone, nn.Conv2d(2048, 20, 1, bias=False))


def tile(x, k=2):
    h, w = x.shape[2] // k, x.shape[3] // k
    return torch.cat([x[:, :, r * h:(r + 1) * h, c * w:(c + 1) * w] for r in range(k) for c in range(k)], 0)


def merge(tiles, batch, k=2):
    pieces = torch.split(tiles, batch, 0)
    return torch.cat([torch.cat(pieces[r * k:(r + 1) * k], 3) for r in range(k)], 2)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch_size", type=int, default=2)
    parser.add_argument("--image_size", type=int, default=256)
    parser.add_argument("--mode", default="fix")
    parser.add_argument("--puzzle", action="store_true")
    parser.add_argument("--forward_only", action="store_true")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = build(args.mode)
    images = torch.randn(args.batch_size, 3, args.image_size, args.image_size)
    labels = (torch.rand(args.batch_size, 20) < 0.15).float()
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=1e-4, weight_decay=1e-4, nesterov=True)
    model.eval() if args.forward_only else model.train()

    def step():
        if args.forward_only:
            with torch.no_grad():
                model(images).sum().item()
            return
        optimizer.zero_grad()
        features = model(images)
        loss = F.multilabel_soft_margin_loss(features.mean((2, 3)), labels)
        if args.puzzle:
            re_features = merge(model(tile(images)), args.batch_size)
            loss = loss + F.multilabel_soft_margin_loss(re_features.mean((2, 3)), labels)
            mask = labels.unsqueeze(2).unsqueeze(3)
            loss = loss + 4.0 * torch.mean(torch.abs(F.relu(features) - F.relu(re_features)) * mask)
        loss.backward()
        optimizer.step()
        loss.item()

    seconds = []
    for i in range(args.warmup + args.repeats):
        start = time.perf_counter()
        step()
        if i >= args.warmup:
            seconds.append(time.perf_counter() - start)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    print(f"median: {statistics.median(seconds):.4f} s (min {min(seconds):.4f} s, max {max(seconds):.4f} s, {len(seconds)} runs)")


if __name__ == "__main__":
    main()
