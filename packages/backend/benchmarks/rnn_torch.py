"""PyTorch reference for the `rnn` benchmark: one training step of the same leaky RNN.

Forward over T steps with recurrent noise (sigma_rec * sqrt(2 / alpha) * N(0, 1) added to the
pre-activation, drawn with torch.randn), softplus units, sigmoid readout, masked squared error, BPTT
through autograd, element-wise gradient clipping to [-1, 1] and Adam (lr 1e-3). Block-diagonal modules
are computed as a batched product over the modules (only the diagonal blocks), as a PyTorch user would.

Usage: rnn_torch.py N B T modules [inputs outputs threads steps]
Prints one JSON object: {"msPerStep": ..., "threads": ..., "torch": version}.
Run it with OPENBLAS_NUM_THREADS=1 MALLOC_MMAP_THRESHOLD_=1000000000 MALLOC_TRIM_THRESHOLD_=1000000000
(the benchmark does) so intra-op parallelism comes from torch's own thread pool.
"""

import json
import sys
import time

import torch


def main() -> None:
    n, b, t, modules = (int(v) for v in sys.argv[1:5])
    n_in = int(sys.argv[5]) if len(sys.argv) > 5 else 33
    n_out = int(sys.argv[6]) if len(sys.argv) > 6 else 33
    threads = int(sys.argv[7]) if len(sys.argv) > 7 else 2
    steps = int(sys.argv[8]) if len(sys.argv) > 8 else 10
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    alpha, sigma = 0.2, 0.05
    std = sigma * (2 / alpha) ** 0.5
    size = n // modules

    w_in = torch.nn.Parameter(torch.randn(n, n_in) / n_in**0.5)
    w_rec = torch.nn.Parameter(0.5 * torch.eye(size).repeat(modules, 1, 1))  # [modules, size, size]
    b_rec = torch.nn.Parameter(torch.zeros(n))
    w_out = torch.nn.Parameter(torch.randn(n_out, n) * 0.1)
    b_out = torch.nn.Parameter(torch.zeros(n_out))
    params = [w_in, w_rec, b_rec, w_out, b_out]
    optimizer = torch.optim.Adam(params, lr=1e-3, eps=1e-8)
    x = torch.rand(t, b, n_in)
    y = torch.rand(t, b, n_out)
    mask = torch.ones(t, b, n_out)

    def step() -> float:
        optimizer.zero_grad(set_to_none=True)
        drive = x @ w_in.T + b_rec + std * torch.randn(t, b, n)
        h = torch.zeros(b, n)
        states = []
        for k in range(t):
            if modules == 1:
                recurrent = h @ w_rec[0].T
            else:
                recurrent = torch.einsum("bmj,mij->bmi", h.view(b, modules, size), w_rec).reshape(b, n)
            h = (1 - alpha) * h + alpha * torch.nn.functional.softplus(drive[k] + recurrent)
            states.append(h)
        outputs = torch.sigmoid(torch.stack(states) @ w_out.T + b_out)
        loss = (((outputs - y) * mask) ** 2).mean()
        loss.backward()
        torch.nn.utils.clip_grad_value_(params, 1.0)
        optimizer.step()
        return loss.item()

    for _ in range(3):
        step()
    started = time.perf_counter()
    for _ in range(steps):
        step()
    elapsed = time.perf_counter() - started
    print(json.dumps({"msPerStep": 1000 * elapsed / steps, "threads": threads, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
