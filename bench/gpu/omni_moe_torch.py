#!/usr/bin/env python3
"""The peer of `dataforge train`: the same sparse MoE model written in PyTorch (eager), for bench/gpu/train.sh.

It reads a DataForge run folder for everything that must match: run.json (model shape and training options),
init.safetensors (the weights before step 1, `dataforge train --save-init`) and metrics.jsonl (which shard rows each
step trained on), and the packed shards themselves with pyarrow. The model is written the way a PyTorch user would:
torch.autocast(bfloat16), fused AdamW (torch.optim.AdamW(fused=True)), foreach gradient clipping, the same
per-document bucketed scaled_dot_product_attention, the same loop-free expert dispatch (sort, one [E, C, D] buffer, two
bmm), float32 routing, the DeepSeek-V3 bias update and the Switch auxiliary loss. Batches are built before the timed
loop and pinned (an ideal loader, in the peer's favour). Writes one JSON line per step.
Usage: python3 omni_moe_torch.py --shards DIR --run DIR --out FILE.jsonl [--steps N]
"""
import argparse, json, math, os, time
import numpy as np
import pyarrow.parquet as pq
import torch
import torch.nn.functional as F
from safetensors.torch import load_file

MODALITIES = 3
CAPACITY_STEP = 64
MIN_BUCKET = 16


class Projection(torch.nn.Module):
    def __init__(self, inputs, outputs):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.empty(outputs, inputs))

    def forward(self, x):
        return F.linear(x, self.weight)


class RmsNorm(torch.nn.Module):
    def __init__(self, dim, eps=1e-6):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


class SwiGlu(torch.nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.hidden = hidden
        self.gate_up = Projection(dim, 2 * hidden)
        self.down = Projection(hidden, dim)

    def forward(self, x):
        h = self.gate_up(x)
        return self.down(F.silu(h[..., :self.hidden]) * h[..., self.hidden:])


def rotary_sections(pairs):
    spatial = pairs * 3 // 8
    return [0] * (pairs - 2 * spatial) + [1] * spatial + [2] * spatial


def rotary_angles(positions, head_dim, theta):
    pairs = head_dim // 2
    inverse = torch.pow(torch.tensor(theta, dtype=torch.float64), -torch.arange(0, pairs, dtype=torch.float64) * 2 / head_dim).float().to(positions.device)
    selector = torch.zeros(3, pairs, device=positions.device)
    for p, s in enumerate(rotary_sections(pairs)):
        selector[s, p] = 1
    all_ = positions.reshape(3, -1).float().unsqueeze(-1) * inverse
    angles = (all_ * selector.unsqueeze(1)).sum(0)
    doubled = torch.cat([angles, angles], -1).unsqueeze(1)
    return doubled.cos(), doubled.sin()


def rotary_apply(x, cos, sin):
    half = x.shape[-1] // 2
    rotated = torch.cat([-x[..., half:], x[..., :half]], -1)
    return x * cos + rotated * sin


class Attention(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        self.heads, self.kv_heads, self.head_dim = c["heads"], c["kv_heads"], c["dim"] // c["heads"]
        self.query = Projection(c["dim"], self.heads * self.head_dim)
        self.key = Projection(c["dim"], self.kv_heads * self.head_dim)
        self.value = Projection(c["dim"], self.kv_heads * self.head_dim)
        self.output = Projection(self.heads * self.head_dim, c["dim"])

    def forward(self, x, cos, sin, batch):
        b, l = x.shape[0], x.shape[1]
        q = rotary_apply(self.query(x).view(b * l, self.heads, self.head_dim), cos, sin)
        k = rotary_apply(self.key(x).view(b * l, self.kv_heads, self.head_dim), cos, sin)
        v = self.value(x).view(b * l, self.kv_heads, self.head_dim)
        outs = []
        for length, docs, gather in batch["buckets"]:
            qb = q.index_select(0, gather).to(torch.bfloat16).view(docs, length, self.heads, self.head_dim).transpose(1, 2)
            kb = k.index_select(0, gather).to(torch.bfloat16).view(docs, length, self.kv_heads, self.head_dim).transpose(1, 2)
            vb = v.index_select(0, gather).to(torch.bfloat16).view(docs, length, self.kv_heads, self.head_dim).transpose(1, 2)
            if self.kv_heads != self.heads:
                kb = kb.repeat_interleave(self.heads // self.kv_heads, dim=1)
                vb = vb.repeat_interleave(self.heads // self.kv_heads, dim=1)
            o = F.scaled_dot_product_attention(qb, kb, vb, is_causal=True)
            outs.append(o.transpose(1, 2).reshape(docs * length, self.heads * self.head_dim))
        outs.append(torch.zeros(1, self.heads * self.head_dim, dtype=outs[0].dtype, device=x.device))
        placed = torch.cat(outs, 0).index_select(0, batch["scatter"]).view(b, l, -1)
        return self.output(placed)


class MixtureOfExperts(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        self.experts, self.top_k, self.hidden = c["experts"], c["top_k"], c["expert_dim"]
        self.modality_routing = c["modality_routing"]
        self.shared = SwiGlu(c["dim"], c["expert_dim"])
        self.experts_gate_up = torch.nn.Parameter(torch.empty(self.experts, c["dim"], 2 * self.hidden))
        self.experts_down = torch.nn.Parameter(torch.empty(self.experts, self.hidden, c["dim"]))
        self.router = Projection(c["dim"], (MODALITIES if self.modality_routing else 1) * self.experts)
        self.register_buffer("routing_bias", torch.zeros(self.experts))

    def forward(self, x, batch):
        out = self.shared(x)
        idx = batch["routed"]
        count = idx.shape[0]
        tokens = x.index_select(0, idx)
        router_index = batch["router"] if self.modality_routing else torch.zeros_like(batch["router"])
        with torch.autocast("cuda", enabled=False):
            logits = F.linear(tokens.float(), self.router.weight.float())
        logits = logits.view(count, MODALITIES if self.modality_routing else 1, self.experts)
        logits = logits.gather(1, router_index.view(count, 1, 1).expand(count, 1, self.experts)).squeeze(1)
        probs = F.softmax(logits.float(), -1)
        chosen = (probs.detach() + self.routing_bias).topk(self.top_k, dim=-1).indices
        weights = probs.gather(1, chosen)
        weights = weights / weights.sum(-1, keepdim=True)
        slots = chosen.flatten()
        sorted_experts, order = slots.sort(stable=True)
        load = torch.bincount(slots, minlength=self.experts)
        capacity = (int(load.max().item()) + CAPACITY_STEP - 1) // CAPACITY_STEP * CAPACITY_STEP
        starts = load.cumsum(0) - load
        rank = torch.arange(count * self.top_k, device=x.device) - starts.index_select(0, sorted_experts)
        place = sorted_experts * capacity + rank
        sorted_tokens = torch.div(order, self.top_k, rounding_mode="floor")
        buffer = torch.zeros(self.experts * capacity, x.shape[1], dtype=torch.bfloat16, device=x.device)
        buffer = buffer.index_copy(0, place, tokens.index_select(0, sorted_tokens).to(torch.bfloat16))
        gate_up = torch.bmm(buffer.view(self.experts, capacity, -1), self.experts_gate_up.to(torch.bfloat16))
        hidden = F.silu(gate_up[..., :self.hidden]) * gate_up[..., self.hidden:]
        expert_out = torch.bmm(hidden, self.experts_down.to(torch.bfloat16)).view(self.experts * capacity, -1)
        per_slot = torch.zeros(count * self.top_k, x.shape[1], dtype=expert_out.dtype, device=x.device)
        per_slot = per_slot.index_copy(0, order, expert_out.index_select(0, place))
        combined = (per_slot.view(count, self.top_k, -1) * weights.unsqueeze(-1)).sum(1)
        out = out.index_add(0, idx, combined.to(out.dtype))
        fraction = load.float() / (count * self.top_k)
        aux = self.experts * (fraction * probs.mean(0)).sum()
        return out, aux, load


class Block(torch.nn.Module):
    def __init__(self, c, sparse):
        super().__init__()
        self.attention_norm = RmsNorm(c["dim"])
        self.attention = Attention(c)
        self.ffn_norm = RmsNorm(c["dim"])
        if sparse:
            self.moe = MixtureOfExperts(c)
        else:
            self.dense = SwiGlu(c["dim"], c["ffn_dim"])
        self.sparse = sparse

    def forward(self, x, cos, sin, batch):
        h = x + self.attention(self.attention_norm(x), cos, sin, batch)
        normed = self.ffn_norm(h)
        if not self.sparse:
            return h + self.dense(normed).to(h.dtype), None
        routed, aux, load = self.moe(normed.reshape(-1, normed.shape[-1]), batch)
        return h + routed.view(normed.shape).to(h.dtype), (aux, load)


class OmniMoe(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.embedding = torch.nn.Embedding(c["vocab_size"], c["dim"])
        self.blocks = torch.nn.ModuleList([Block(c, layer > 0) for layer in range(c["layers"])])
        self.norm = RmsNorm(c["dim"])
        if not c["tie_embeddings"]:
            self.head = Projection(c["dim"], c["vocab_size"])

    def forward(self, batch):
        cos, sin = rotary_angles(batch["positions"], self.c["dim"] // self.c["heads"], self.c["rope_theta"])
        x = self.embedding(batch["ids"])
        auxes, loads = [], []
        for block in self.blocks:
            x, routing = block(x, cos, sin, batch)
            if routing is not None:
                auxes.append(routing[0])
                loads.append(routing[1])
        return self.norm(x), auxes, loads

    def logits(self, hidden):
        weight = self.embedding.weight if self.c["tie_embeddings"] else self.head.weight
        return F.linear(hidden, weight).float()


def bucket_length(n):
    b = MIN_BUCKET
    while b < n:
        b *= 2
    return b


def build_batch(rows, length):
    """The same layout as DataForge's TrainingBatch/AttentionLayout, in numpy."""
    b = len(rows)
    ids = np.stack([r["input_ids"] for r in rows]).astype(np.int64)
    modality = np.stack([r["modality"] for r in rows]).astype(np.int64)
    positions = np.stack([np.stack([r["rope_t"] for r in rows]), np.stack([r["rope_h"] for r in rows]), np.stack([r["rope_w"] for r in rows])]).astype(np.int64)
    labels = np.stack([r["labels"] for r in rows]).astype(np.int64)
    pos_ids = np.stack([r["position_ids"] for r in rows])
    targets = np.full((b, length), -100, dtype=np.int64)
    targets[:, :-1] = np.where(pos_ids[:, 1:] != 0, labels[:, 1:], -100)
    flat_mod = modality.reshape(-1)
    routed = np.nonzero((flat_mod >= 0) & (flat_mod < 3))[0]
    flat_targets = targets.reshape(-1)
    target_index = np.nonzero(flat_targets != -100)[0]
    docs = []
    for row, r in enumerate(rows):
        cu = r["cu_seqlens"]
        for d in range(len(cu) - 1):
            if cu[d + 1] > cu[d]:
                docs.append((row * length + int(cu[d]), int(cu[d + 1] - cu[d])))
    scatter = np.zeros(b * length, dtype=np.int64)
    covered = np.zeros(b * length, dtype=bool)
    groups = {}
    for start, n in docs:
        groups.setdefault(bucket_length(n), []).append((start, n))
    buckets, before, pairs = [], 0, 0
    for bl in sorted(groups):
        members = groups[bl]
        gather = np.empty(len(members) * bl, dtype=np.int64)
        for d, (start, n) in enumerate(members):
            pairs += n * (n + 1) // 2
            gather[d * bl:(d + 1) * bl] = start
            gather[d * bl:d * bl + n] = np.arange(start, start + n)
            scatter[start:start + n] = before + d * bl + np.arange(n)
            covered[start:start + n] = True
        buckets.append((bl, len(members), torch.from_numpy(gather).pin_memory()))
        before += len(gather)
    scatter[~covered] = before
    real = sum(int(r["cu_seqlens"][-1]) if len(r["cu_seqlens"]) else 0 for r in rows)
    pin = lambda a: torch.from_numpy(np.ascontiguousarray(a)).pin_memory()
    return {
        "ids": pin(ids), "positions": pin(positions), "routed": pin(routed), "router": pin(flat_mod[routed]),
        "target_index": pin(target_index), "target_ids": pin(flat_targets[target_index]), "scatter": pin(scatter),
        "buckets": buckets, "real": real, "pairs": pairs, "targets": len(target_index),
    }


def to_device(batch, device):
    out = {k: (v.to(device, non_blocking=True) if torch.is_tensor(v) else v) for k, v in batch.items()}
    out["buckets"] = [(l, d, g.to(device, non_blocking=True)) for l, d, g in batch["buckets"]]
    return out


def flops_per_step(c, real, pairs, targets):
    d, hd = c["dim"], c["dim"] // c["heads"]
    projections = d * hd * (2 * c["heads"] + 2 * c["kv_heads"])
    dense = 3 * d * c["ffn_dim"]
    sparse = 3 * d * c["expert_dim"] * (c["top_k"] + 1) + d * c["experts"]
    per_token = c["layers"] * projections + dense + (c["layers"] - 1) * sparse
    attention = c["layers"] * pairs * 2 * 2 * hd * c["heads"]
    head = targets * d * c["vocab_size"]
    return 3 * (2 * per_token * real + attention + 2 * head)


def chunked_backward(model, hidden, aux, batch, coefficient, scale, chunk):
    """DataForge's ChunkedLoss: the head and loss a chunk of targets at a time, then one backward through the model."""
    ti, tid = batch["target_index"], batch["target_ids"]
    targets = ti.shape[0]
    if chunk <= 0 or targets <= chunk:
        with torch.autocast("cuda", dtype=torch.bfloat16):
            states = hidden.reshape(-1, hidden.shape[-1]).index_select(0, ti)
            lm = F.cross_entropy(model.logits(states), tid)
        ((lm + coefficient * aux) * scale).backward()
        return lm.detach()
    cut = hidden.detach().requires_grad_(True)
    flat = cut.reshape(-1, cut.shape[-1])
    total = torch.zeros((), device=hidden.device)
    for start in range(0, targets, chunk):
        with torch.autocast("cuda", dtype=torch.bfloat16):
            states = flat.index_select(0, ti[start:start + chunk])
            summed = F.cross_entropy(model.logits(states), tid[start:start + chunk], reduction="sum") / targets
        (summed * scale).backward()
        total += summed.detach()
    ((hidden * cut.grad).sum() + coefficient * scale * aux).backward()
    return total


def lr_at(step, total, warmup, peak, min_ratio):
    if warmup > 0 and step < warmup:
        return peak * (step + 1) / warmup
    decay = max(1, total - warmup - 1)
    progress = min(max((step - warmup) / decay, 0), 1)
    minimum = peak * min_ratio
    return minimum + (peak - minimum) * 0.5 * (1 + math.cos(math.pi * progress))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shards", required=True)
    ap.add_argument("--run", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--steps", type=int, default=0)
    args = ap.parse_args()
    run = json.load(open(os.path.join(args.run, "run.json")))
    c, o = run["model"], run["options"]
    steps_rows = [json.loads(line)["rows"] for line in open(os.path.join(args.run, "metrics.jsonl"))]
    steps = args.steps or len(steps_rows)
    index = json.load(open(os.path.join(args.shards, "index.json")))
    columns = ["input_ids", "labels", "modality", "position_ids", "rope_t", "rope_h", "rope_w", "cu_seqlens"]
    table = {k: [] for k in columns}
    for f in index["files"]:
        t = pq.read_table(os.path.join(args.shards, f["name"]), columns=columns)
        for k in columns:
            table[k].extend(np.asarray(x, dtype=np.int64) for x in t.column(k).to_pylist())
    length = index["seq_len"]
    micro = o["batch_size"]
    batches = [[build_batch([{k: table[k][r] for k in columns} for r in steps_rows[s][i:i + micro]], length)
                for i in range(0, len(steps_rows[s]), micro)] for s in range(steps)]

    device = torch.device("cuda")
    torch.manual_seed(0)
    model = OmniMoe(c).to(device)
    state = load_file(os.path.join(args.run, "init.safetensors"))
    own = model.state_dict()
    missing = [k for k in own if k not in state]
    if missing:
        raise SystemExit(f"init.safetensors lacks {missing[:3]}")
    model.load_state_dict({k: v for k, v in state.items() if k in own}, strict=True)
    params = [p for p in model.parameters()]
    decay = [p for p in params if p.dim() >= 2]
    no_decay = [p for p in params if p.dim() < 2]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": o["weight_decay"]}, {"params": no_decay, "weight_decay": 0.0}],
                                  lr=o["learning_rate"], betas=(0.9, 0.95), eps=1e-8, fused=True)
    moe_layers = [blk.moe for blk in model.blocks if blk.sparse]
    torch.cuda.reset_peak_memory_stats()
    with open(args.out, "w") as out:
        for step in range(steps):
            start = time.perf_counter()
            lr = lr_at(step, o["steps"], o["warmup_steps"], o["learning_rate"], o["min_learning_rate_ratio"])
            for g in optimizer.param_groups:
                g["lr"] = lr
            optimizer.zero_grad(set_to_none=True)
            lm_total, aux_total, load = 0, 0, 0
            for part in batches[step]:
                batch = to_device(part, device)
                scale = 1.0 / len(batches[step])
                with torch.autocast("cuda", dtype=torch.bfloat16):
                    hidden, auxes, loads = model(batch)
                    aux = torch.stack(auxes).sum()
                lm = chunked_backward(model, hidden, aux, batch, c["aux_loss_coefficient"], scale, o.get("loss_chunk", 0))
                lm_total = lm_total + lm.detach() / len(batches[step])
                aux_total = aux_total + aux.detach() / len(batches[step])
                load = load + torch.stack(loads)
            lm, aux = lm_total, aux_total
            norm = torch.nn.utils.clip_grad_norm_(params, o["clip_norm"])
            optimizer.step()
            with torch.no_grad():
                for layer, moe in enumerate(moe_layers):
                    l = load[layer].float()
                    if c.get("bias_update_rule", "sign") == "proportional":
                        shortfall = (l.mean() - l) / l.mean().clamp_min(1)
                    else:
                        shortfall = (l.mean() - l).sign()
                    moe.routing_bias.add_(shortfall * c["bias_update_rate"])
            scalars = torch.stack([lm.detach(), aux.detach(), norm.float()]).cpu().tolist()
            counts = load.cpu().numpy()
            seconds = time.perf_counter() - start
            cv = [float(x.std() / x.mean()) for x in counts.astype(np.float64)]
            real = sum(part["real"] for part in batches[step])
            flops = sum(flops_per_step(c, part["real"], part["pairs"], part["targets"]) for part in batches[step])
            out.write(json.dumps({"step": step + 1, "lm_loss": scalars[0], "aux_loss": scalars[1], "grad_norm": scalars[2],
                                  "tokens": real, "tokens_per_second": real / seconds,
                                  "model_tflops": flops / seconds / 1e12, "step_seconds": seconds, "expert_load_cv": cv,
                                  "max_memory_allocated": torch.cuda.max_memory_allocated()}) + "\n")
            if (step + 1) % 20 == 0:
                print(f"peer step {step + 1}/{steps} loss {scalars[0]:.4f} {real / seconds:.0f} tok/s", flush=True)


if __name__ == "__main__":
    main()
