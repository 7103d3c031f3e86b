"""Runs the DuckDB analytics benchmarks through libstore's C ABI
(bench_duck.c) and the same statements through DuckDB's Python package of
the same version, alternating run by run, and prints best times and ratios.

    python compare.py --ours build/c/bench/bench_duck --work build/bench-duck [--rows N] [--ws-rows N] [--runs K]

wsaggregate reads a workspace file written through the C ABI (--ws-rows
entries, 16 kinds): ours is Workspace Aggregate on the recovered workspace,
DuckDB's is the same GROUP BY on a fresh read-only connection to that file.

rows100k is also run through DuckDB's CLI of the same version (--cli, the
duckdb-cli package): `.mode trash` fetches every row and prints nothing, and
`.timer on` reports the query's own time, so process start-up is not counted.
"""
import argparse
import os
import re
import shutil
import subprocess
import time

import duckdb

OPS = {
    # op: (our call, the same work in DuckDB's own API)
    "export": "COPY probe_results TO '{out}' (FORMAT PARQUET, COMPRESSION zstd)",
    "split16": "COPY probe_results TO '{out}' (FORMAT PARQUET, PARTITION_BY (model), COMPRESSION zstd)",
    "split1000": "COPY probe_results TO '{out}' (FORMAT PARQUET, PARTITION_BY (run_id), COMPRESSION zstd)",
    "rows100k": "SELECT * FROM probe_results LIMIT 100000",
    "wsaggregate": "SELECT entry_kind, count(*) AS n FROM workspace_entries GROUP BY entry_kind ORDER BY entry_kind",
}
LABELS = {
    "export": "ExportParquet, 1 file (zstd)",
    "split16": "ExportSplitParquet, 16 partitions",
    "split1000": "ExportSplitParquet, 1000 partitions",
    "rows100k": "QueryRows, 100k rows",
    "wsaggregate": "Workspace Aggregate, {ws_rows} rows",
}


def workspace_file(ws_dir):
    return os.path.join(ws_dir, "state", "agg.duckdb")


def clear(path):
    if os.path.isdir(path):
        shutil.rmtree(path)
    elif os.path.exists(path):
        os.remove(path)


def ours(binary, op, db, out):
    clear(out)
    res = subprocess.run([binary, op, db, out], check=True, capture_output=True, text=True)
    _, seconds, rows = res.stdout.split()
    return float(seconds), int(rows)


def theirs(op, db, out):
    clear(out)
    con = duckdb.connect(workspace_file(db) if op == "wsaggregate" else db, read_only=True)
    t0 = time.perf_counter()
    if op == "wsaggregate":
        rows = sum(n for _, n in con.execute(OPS[op]).fetchall())
    elif op == "rows100k":
        rows = len(con.execute(OPS[op]).fetchall())
    else:
        if op != "export":
            os.makedirs(out)
        rows = con.execute(OPS[op].format(out=out)).fetchone()[0]
    seconds = time.perf_counter() - t0
    con.close()
    return seconds, rows


def cli(binary, op, db):
    """The query's own run time in DuckDB's CLI (rows100k only)."""
    script = f".timer on\n.mode trash\n{OPS[op]};\n"
    res = subprocess.run([binary, "-readonly", db], input=script, check=True, capture_output=True, text=True)
    m = re.search(r"Run Time \(s\): real ([0-9.]+)", res.stdout + res.stderr)
    if not m:
        raise SystemExit(f"duckdb CLI printed no run time: {res.stdout!r} {res.stderr!r}")
    return float(m.group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ours", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--ws-rows", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--ops", default=",".join(OPS))
    ap.add_argument("--cli", help="DuckDB's CLI (duckdb-cli package) for the rows100k anchor")
    args = ap.parse_args()

    os.makedirs(args.work, exist_ok=True)
    db = os.path.join(args.work, "bench.duckdb")
    clear(db)
    clear(db + ".wal")
    ops = args.ops.split(",")
    subprocess.run([args.ours, "setup", db, str(args.rows)], check=True)
    ws_dir = os.path.join(args.work, "workspace")
    if "wsaggregate" in ops:
        clear(ws_dir)
        os.makedirs(ws_dir)
        subprocess.run([args.ours, "setup-ws", ws_dir, str(args.ws_rows)], check=True)
    print(f"DuckDB {duckdb.__version__} (Python package) vs libstore, {args.rows} probe_results rows, "
          f"best of {args.runs} alternating runs, {os.cpu_count()} CPUs")
    print(f"{'benchmark':38} {'ours s':>9} {'duckdb s':>9} {'ratio':>6} {'ours rows/s':>12}")
    for op in ops:
        source = ws_dir if op == "wsaggregate" else db
        out_ours = os.path.join(args.work, op + "-ours" + (".parquet" if op == "export" else ""))
        out_theirs = os.path.join(args.work, op + "-duckdb" + (".parquet" if op == "export" else ""))
        best_ours = best_theirs = float("inf")
        # A millisecond-scale query needs more samples for a stable best.
        for _ in range(args.runs * 3 if op == "wsaggregate" else args.runs):
            s, rows_ours = ours(args.ours, op, source, out_ours)
            best_ours = min(best_ours, s)
            s, rows_theirs = theirs(op, source, out_theirs)
            best_theirs = min(best_theirs, s)
        if rows_ours != rows_theirs:
            raise SystemExit(f"{op}: row counts differ: ours {rows_ours}, duckdb {rows_theirs}")
        print(f"{LABELS[op].format(ws_rows=args.ws_rows):38} {best_ours:9.4f} {best_theirs:9.4f} {best_ours / best_theirs:6.2f} "
              f"{rows_ours / best_ours:12,.0f}")
        if op == "rows100k" and args.cli:
            best_cli = min(cli(args.cli, op, source) for _ in range(args.runs))
            print(f"{'  same query, DuckDB CLI (.mode trash)':38} {best_ours:9.4f} {best_cli:9.4f} {best_ours / best_cli:6.2f}")
        clear(out_ours)
        clear(out_theirs)


if __name__ == "__main__":
    main()
