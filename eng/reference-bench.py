"""The PyTorch side of `puzzlecam bench train-step`: the same units of work in PyTorch, for a same-machine comparison.

Run with a Python that has torch and torchvision (on Debian 12: apt-get install python3-torch python3-torchvision,
which is PyTorch 1.13, the version the golden vectors were made with), e.g.

    /usr/bin/python3 eng/reference-bench.py --puzzle          # resnet50 puzzle step, 2x3x256x256, fix mode
    /usr/bin/python3 eng/reference-bench.py --forward_only --image_size 512
    /usr/bin/python3 eng/reference-bench.py --deeplab --image_size 512      # stage 7: DeepLabv3+, GroupNorm heads
    /usr/bin/python3 eng/reference-bench.py --affinitynet --image_size 512  # stage 4: AffinityNet, radius 10

The network is the reference's stage-1 classifier rebuilt from torchvision parts: a torchvision
ResNet-50 whose layer4 has stride 1 and no dilation, FixedBatchNorm (batch_norm with the running statistics) in fix
mode, and a bias-free 1x1 classifier to 20 maps. The puzzle step is the reference's: both passes, the tiles merged back,
the classification, puzzle and masked L1 reconstruction losses, backward, and a nesterov SGD step. It prints the same
`median: X s (min, max, runs)` line as the C# benchmark. Not used by the tests.
"""
import argparse
import math
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


def norm_block(c_in, c_out, k, dilation=1, gn=True):
    return nn.Sequential(nn.Conv2d(c_in, c_out, k, padding=0 if k == 1 else dilation, dilation=dilation, bias=False),
                         nn.GroupNorm(4, c_out) if gn else nn.BatchNorm2d(c_out), nn.ReLU())


class DeepLab(nn.Module):
    """Stage 7's DeepLabv3+: the OS-16 backbone, ASPP (rates 1/6/12/18 and image pooling), the stride-4 decoder."""

    def __init__(self, mode, gn):
        super().__init__()
        self.backbone = build(mode)[0]
        self.aspp = nn.ModuleList([norm_block(2048, 256, 1, 1, gn)] + [norm_block(2048, 256, 3, d, gn) for d in (6, 12, 18)])
        self.pool = norm_block(2048, 256, 1, 1, gn)
        self.project = nn.Sequential(norm_block(1280, 256, 1, 1, gn), nn.Dropout(0.5))
        self.reduce = norm_block(256, 48, 1, 1, gn)
        self.classifier = nn.Sequential(norm_block(304, 256, 3, 1, gn), nn.Dropout(0.5),
                                        norm_block(256, 256, 3, 1, gn), nn.Dropout(0.1), nn.Conv2d(256, 21, 1))

    def forward(self, x):
        b = self.backbone
        low = b[4](b[3](b[2](b[1](b[0](x)))))
        high = b[7](b[6](b[5](low)))
        pooled = F.interpolate(self.pool(F.adaptive_avg_pool2d(high, 1)), size=high.shape[2:], mode="bilinear", align_corners=True)
        aspp = self.project(torch.cat([branch(high) for branch in self.aspp] + [pooled], 1))
        up = F.interpolate(aspp, size=low.shape[2:], mode="bilinear", align_corners=True)
        logits = self.classifier(torch.cat([up, self.reduce(low)], 1))
        return F.interpolate(logits, size=x.shape[2:], mode="bilinear", align_corners=True)


def tile(x, k=2):
    h, w = x.shape[2] // k, x.shape[3] // k
    return torch.cat([x[:, :, r * h:(r + 1) * h, c * w:(c + 1) * w] for r in range(k) for c in range(k)], 0)


def merge(tiles, batch, k=2):
    pieces = torch.split(tiles, batch, 0)
    return torch.cat([torch.cat(pieces[r * k:(r + 1) * k], 3) for r in range(k)], 2)


def path_indices(radius, size):
    """Stage 4's PathIndex: for each path length, the flat indices [dirs, length, sources] of every path's points."""
    floor = int(math.ceil(radius)) - 1
    dirs = [(0, x) for x in range(1, radius)]
    dirs += [(y, x) for y in range(1, radius) for x in range(-radius + 1, radius) if x * x + y * y < radius * radius]
    groups = {}
    for dy, dx in dirs:
        points = [(y, x) for y in range(min(0, dy), max(0, dy) + 1) for x in range(min(0, dx), max(0, dx) + 1)
                  if (dy * x - dx * y) ** 2 / (dy * dy + dx * dx) < 1]
        points.sort(key=lambda p: -(abs(p[0]) + abs(p[1])))
        groups.setdefault(len(points), []).append(points)
    rows, cols = size - floor, size - 2 * floor
    ys, xs = torch.meshgrid(torch.arange(rows), torch.arange(floor, floor + cols), indexing="ij")
    src = (ys * size + xs).reshape(-1)
    return [torch.stack([torch.stack([src + py * size + px for py, px in path]) for path in groups[n]]) for n in sorted(groups)]


class AffinityNet(nn.Module):
    """Stage 4's AffinityNet: the frozen, detached backbone, five edge branches (1x1 conv, GroupNorm(4), upsample, ReLU), the edge logit."""

    def __init__(self, image_size):
        super().__init__()
        self.backbone = build("fix")[0].eval()

        def branch(c, up):
            layers = [nn.Conv2d(c, 32, 1, bias=False), nn.GroupNorm(4, 32)]
            if up > 1:
                layers.append(nn.Upsample(scale_factor=up, mode="bilinear", align_corners=False))
            return nn.Sequential(*layers, nn.ReLU())

        self.edges = nn.ModuleList([branch(64, 1), branch(256, 1), branch(512, 2), branch(1024, 4), branch(2048, 4)])
        self.edge6 = nn.Conv2d(160, 1, 1)
        self.paths = path_indices(10, image_size // 4)

    def forward(self, x):
        b = self.backbone
        with torch.no_grad():
            x1 = b[3](b[2](b[1](b[0](x))))
            x2 = b[4](x1)
            x3 = b[5](x2)
            x4 = b[6](x3)
            x5 = b[7](x4)
        features = [e(f.detach()) for e, f in zip(self.edges, (x1, x2, x3, x4, x5))]
        h, w = features[1].shape[2:]
        edge = self.edge6(torch.cat([f[:, :, :h, :w] for f in features], 1))
        e = torch.sigmoid(edge).flatten(1)
        affinities = []
        for idx in self.paths:
            gathered = torch.index_select(e, 1, idx.flatten()).view(e.shape[0], idx.shape[0], idx.shape[1], idx.shape[2])
            affinities.append(1 - gathered.max(2)[0])
        return torch.cat(affinities, 1)


def affinity_loss(aff, bg_pos, fg_pos, neg):
    pos_term = -torch.log(aff + 1e-5)
    neg_term = -torch.log(1 + 1e-5 - aff)
    bg = (bg_pos * pos_term).sum() / (bg_pos.sum() + 1e-5)
    fg = (fg_pos * pos_term).sum() / (fg_pos.sum() + 1e-5)
    negative = (neg * neg_term).sum() / (neg.sum() + 1e-5)
    return (bg / 2 + fg / 2 + negative) / 2


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch_size", type=int, default=2)
    parser.add_argument("--image_size", type=int, default=256)
    parser.add_argument("--mode", default="fix")
    parser.add_argument("--puzzle", action="store_true")
    parser.add_argument("--forward_only", action="store_true")
    parser.add_argument("--affinitynet", action="store_true", help="stage 4's AffinityNet step (edge branches, path affinities, affinity loss) instead of stage 1's")
    parser.add_argument("--deeplab", action="store_true", help="stage 7's DeepLabv3+ step (GroupNorm heads) instead of stage 1's")
    parser.add_argument("--use_gn", default="True", help="with --deeplab: GroupNorm (True) or BatchNorm (False) heads")
    parser.add_argument("--seg_infer", action="store_true", help="with --deeplab: stage 8's network work on one 500x375 image (scales 0.5/1/1.5/2, each with its flip, logits resized to the image and summed, softmax); no CRF")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    if args.affinitynet:
        model = AffinityNet(args.image_size)
        pairs = sum(idx.shape[0] for idx in model.paths), model.paths[0].shape[2]
        kinds = torch.randint(0, 4, (args.batch_size,) + pairs)
        bg_pos, fg_pos, neg = ((kinds == k).float() for k in range(3))
        optimizer = torch.optim.SGD([p for n, p in model.named_parameters() if not n.startswith("backbone.")],
                                    lr=0.1, momentum=1e-4, weight_decay=1e-4, nesterov=True)
    else:
        model = DeepLab(args.mode, args.use_gn == "True") if args.deeplab else build(args.mode)
    images = torch.randn(args.batch_size, 3, args.image_size, args.image_size)
    labels = (torch.rand(args.batch_size, 20) < 0.15).float()
    masks = torch.randint(0, 21, (args.batch_size, args.image_size, args.image_size))
    if not args.affinitynet:
        optimizer = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=1e-4, weight_decay=1e-4, nesterov=True)
    model.eval() if args.forward_only or args.seg_infer else model.train()
    if args.affinitynet:
        model.backbone.eval()

    def step():
        if args.seg_infer:
            with torch.no_grad():
                total = 0
                for scale in (0.5, 1.0, 1.5, 2.0):
                    x = torch.randn(1, 3, round(375 * scale), round(500 * scale))
                    logits = F.interpolate(model(torch.cat([x, x.flip(-1)])), size=(375, 500), mode="bilinear", align_corners=False)
                    total = total + logits[0] + logits[1].flip(-1)
                F.softmax(total, dim=0).sum().item()
            return
        if args.forward_only:
            with torch.no_grad():
                model(images).sum().item()
            return
        optimizer.zero_grad()
        features = model(images)
        if args.affinitynet:
            loss = affinity_loss(features, bg_pos, fg_pos, neg)
            loss.backward()
            optimizer.step()
            loss.item()
            return
        if args.deeplab:
            loss = F.cross_entropy(features, masks, ignore_index=255)
            loss.backward()
            optimizer.step()
            loss.item()
            return
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
