#!/usr/bin/env python3
"""`jixiao mcda --method topsis` against scikit-criteria and pymcdm on the same CSV, whole process.

Writes a 1,000,000 x 20 decision matrix once (id + c01..c20; c01..c05 cost, the rest benefit;
positive values on five scales, two decimals so that ties occur; seeded), then runs, alternately,
`--runs` times each:

* jixiao:  jixiao mcda --data M.csv --id id --criteria ... --method topsis (stdout to /dev/null)
* skcriteria: pandas.read_csv, mkdm with equal weights, VectorScaler(target="matrix"), TOPSIS
* pymcdm:  pandas.read_csv, pymcdm.methods.TOPSIS(normalization=vector) with equal weights, ranks

Each is a fresh process; wall time, CPU time and peak memory come from os.wait4. Prints a Markdown
table of medians and each one's ratio to scikit-criteria (the issue's goal: jixiao <= 0.5x).

    python3 benches/mcda_python.py --jixiao $CARGO_TARGET_DIR/release/jixiao [--rows 1000000] [--runs 3]

Needs numpy, pandas, scikit-criteria and pymcdm (pip install scikit-criteria pymcdm).
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

CRITERIA = [f"c{i:02}" for i in range(1, 21)]
COST = set(CRITERIA[:5])

SKCRITERIA = """
import sys, numpy as np, pandas as pd, skcriteria as skc
from skcriteria.agg.similarity import TOPSIS
from skcriteria.preprocessing.scalers import VectorScaler
df = pd.read_csv(sys.argv[1])
crit = [c for c in df.columns if c != "id"]
dm = skc.mkdm(df[crit].to_numpy(), objectives=[min if i < 5 else max for i in range(len(crit))],
              weights=[1 / len(crit)] * len(crit), alternatives=df["id"].astype(str).to_numpy(),
              criteria=crit)
dm = VectorScaler(target="matrix").transform(dm)
result = TOPSIS().evaluate(dm)
print(result.rank_[:3], file=sys.stderr)
"""

PYMCDM = """
import sys, numpy as np, pandas as pd
from pymcdm.methods import TOPSIS
from pymcdm.normalizations import vector_normalization
df = pd.read_csv(sys.argv[1])
crit = [c for c in df.columns if c != "id"]
types = np.array([-1 if i < 5 else 1 for i in range(len(crit))])
weights = np.full(len(crit), 1 / len(crit))
pref = TOPSIS(normalization_function=vector_normalization)(df[crit].to_numpy(), weights, types)
ranks = TOPSIS(normalization_function=vector_normalization).rank(pref)
print(ranks[:3], file=sys.stderr)
"""


def write_matrix(path, rows, seed=7):
    import numpy as np

    rng = np.random.default_rng(seed)
    scales = [1.0, 10.0, 100.0, 1000.0, 10000.0]
    data = {"id": [f"A{i:07}" for i in range(rows)]}
    for i, c in enumerate(CRITERIA):
        data[c] = np.round(rng.uniform(0.01, 1.0, rows) * scales[i % 5], 2) + 0.01
    import pandas as pd

    pd.DataFrame(data).to_csv(path, index=False, float_format="%.2f")


def run(cmd):
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode()
    if status != 0:
        sys.exit(f"{cmd[:2]} failed: {err}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jixiao", required=True)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--dir", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "jixiao-mcda"))
    args = ap.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    path = os.path.join(args.dir, f"matrix-{args.rows}.csv")
    if not os.path.exists(path):
        write_matrix(path, args.rows)
    criteria = ",".join(f"{c}:{'-' if c in COST else '+'}" for c in CRITERIA)
    commands = {
        "jixiao mcda": [args.jixiao, "mcda", "--quiet", "--data", path, "--id", "id",
                        "--criteria", criteria, "--method", "topsis"],
        "scikit-criteria": [sys.executable, "-c", SKCRITERIA, path],
        "pymcdm": [sys.executable, "-c", PYMCDM, path],
    }
    results = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, cmd in commands.items():
            results[name].append(run(cmd))
    base = statistics.median(w for w, _, _ in results["scikit-criteria"])
    print(f"{args.rows} x 20 CSV ({os.path.getsize(path) / 1e6:.0f} MB), {args.runs} runs each, alternated\n")
    print("| program | wall s | CPU s | peak MB | wall / scikit-criteria |")
    print("|---|---:|---:|---:|---:|")
    for name, rs in results.items():
        wall = statistics.median(r[0] for r in rs)
        cpu = statistics.median(r[1] for r in rs)
        peak = statistics.median(r[2] for r in rs)
        print(f"| {name} | {wall:.2f} | {cpu:.2f} | {peak / 1e6:.0f} | {wall / base:.2f} |")


if __name__ == "__main__":
    main()
