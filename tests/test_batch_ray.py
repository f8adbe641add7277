"""`proplens batch --engine ray` on real Ray clusters: nodes started with `ray start` on this machine,
inside a network namespace that holds only the loopback interface (so nothing binds to, or leaves by, a
real network), with Ray's token authentication on. Skipped, saying why, where namespaces are not allowed."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from proplens.batch import run_local
from tests.conftest import EXAMPLES, write

pytest.importorskip("ray", reason="the ray extra is not installed")

DEMO = (EXAMPLES / "demo-articles" / "article1000001.txt").read_text(encoding="utf-8")
BIN = Path(sys.executable).parent
LOOPBACK_UP = (
    "import fcntl, socket, struct; "
    "fcntl.ioctl(socket.socket(socket.AF_INET, socket.SOCK_DGRAM), 0x8914, "
    "struct.pack('16sH14s', b'lo', 0x1 | 0x8 | 0x40, b''))"
)


def _namespaces_allowed() -> str:
    if not shutil.which("unshare"):
        return "unshare (util-linux) is not installed"
    probe = subprocess.run(["unshare", "-n", "--map-root-user", "true"], capture_output=True, text=True)
    return "" if probe.returncode == 0 else f"network namespaces are not allowed here: {probe.stderr.strip()}"


in_own_network = pytest.mark.skipif(bool(_namespaces_allowed()), reason=_namespaces_allowed() or "-")


@pytest.fixture
def place() -> Iterator[Path]:
    """A short folder (Ray's socket paths must stay under 108 bytes) for the cluster's files."""
    folder = Path(tempfile.mkdtemp(prefix="pl-ray-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def in_namespace(place: Path, nodes: list[int], steps: str, timeout: float = 420) -> dict[str, dict]:  # type: ignore[type-arg]
    """Start a Ray cluster (a head, then workers; `nodes` are their CPUs) with token authentication in a
    fresh network namespace, run the bash `steps` (each ``step NAME COMMAND...`` records its exit code,
    output and seconds), stop the cluster, and return the steps' results by name."""
    script = f"""
set -u
export PATH={BIN}:$PATH HOME={place}/home RAY_USAGE_STATS_ENABLED=0
export RAY_AUTH_MODE=token RAY_AUTH_TOKEN_PATH={place}/token
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1
mkdir -p $HOME {place}/steps
python -c "{LOOPBACK_UP}"
python -c "import secrets; print(secrets.token_hex(32))" > $RAY_AUTH_TOKEN_PATH
step() {{
    local name=$1; shift
    local t0=$(date +%s.%N)
    "$@" > {place}/steps/$name.out 2> {place}/steps/$name.err
    echo $? > {place}/steps/$name.rc
    python -c "import time; print(time.time() - $t0)" > {place}/steps/$name.seconds
}}
ray start --head --node-ip-address 127.0.0.1 --port 6379 --num-cpus {nodes[0]} --include-dashboard false \\
    --disable-usage-stats --temp-dir {place}/r > {place}/head.log 2>&1 || echo "head failed"
"""
    for cpus in nodes[1:]:
        script += (
            f"ray start --address 127.0.0.1:6379 --node-ip-address 127.0.0.1 --num-cpus {cpus} "
            f"--disable-usage-stats >> {place}/workers.log 2>&1 || echo 'worker failed'\n"
        )
    script += steps + "\nray stop --force > /dev/null 2>&1\n"
    result = subprocess.run(
        ["unshare", "-n", "--map-root-user", "bash", "-c", script],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert "failed" not in result.stdout, result.stdout + (place / "head.log").read_text(errors="replace")
    found = {}
    for rc in sorted((place / "steps").glob("*.rc")):
        name = rc.stem
        found[name] = {
            "rc": int(rc.read_text()),
            "out": (place / "steps" / f"{name}.out").read_text(errors="replace"),
            "err": (place / "steps" / f"{name}.err").read_text(errors="replace"),
            "seconds": float((place / "steps" / f"{name}.seconds").read_text()),
        }
    return found


def _shards(folder: Path, shards: int = 6, per_shard: int = 4) -> Path:
    for shard in range(shards):
        rows = [json.dumps({"id": f"n{shard}-{n}", "text": DEMO}) for n in range(per_shard)]
        write(folder / f"part-{shard}.jsonl", "\n".join(rows) + "\n")
    write(folder / "part-9.jsonl", "{broken\n" + json.dumps({"id": "n9-0", "text": DEMO}) + "\n")
    return folder


S3 = "s3://corpus/out?endpoint_override=127.0.0.1:5555&scheme=http&region=us-east-1"
S3_UP = f"""
moto_server -H 127.0.0.1 -p 5555 > /dev/null 2>&1 &
for _ in $(seq 100); do
    python -c "import socket; socket.create_connection(('127.0.0.1', 5555))" 2>/dev/null && break; sleep 0.1
done
python -c "import pyarrow.fs as f
f.FileSystem.from_uri('{S3}&allow_bucket_creation=true')[0].create_dir('corpus')"
"""
S3_DOWN = """python -c "import sys, pyarrow.fs as f, pyarrow.parquet as pq
fs, path = f.FileSystem.from_uri('{uri}')
for table in ('articles', 'spans'):
    pq.write_table(pq.read_table(path + '/' + table, filesystem=fs), '{place}/s3-' + table + '.parquet')
"
"""


@in_own_network
def test_two_one_cpu_nodes_share_the_shards_write_to_s3_and_match_the_local_engine(
    tmp_path: Path, place: Path
) -> None:
    source = _shards(tmp_path / "in")
    many = _shards(tmp_path / "many", shards=12, per_shard=2)
    out, head = tmp_path / "cluster", "--address 127.0.0.1:6379"
    batch = f"proplens batch {source} {out} --engine ray {head} --chunk-size 2 --no-entities"
    steps = f"""
step cluster {batch}
step rerun {batch}
step capped proplens batch {source} {tmp_path}/capped --engine ray {head} --workers 1 --no-entities
ray start --address 127.0.0.1:6379 --node-ip-address 127.0.0.1 --num-cpus 1 > /dev/null 2>&1
step grown proplens batch {many} {tmp_path}/grown --engine ray {head} --no-entities
echo not-the-token > {place}/wrong-token
RAY_AUTH_TOKEN_PATH={place}/wrong-token step wrong_token \
    proplens batch {source} {tmp_path}/x --engine ray {head}
step no_cluster proplens batch {source} {tmp_path}/y --engine ray --address 127.0.0.1:6390
{S3_UP}
step s3 proplens batch {source} "{S3}" --engine ray {head} --chunk-size 2 --no-entities
{S3_DOWN.format(uri=S3, place=place)}
"""
    steps_run = in_namespace(place, [1, 1], steps)
    cluster = steps_run["cluster"]
    # a record was unreadable: exit 1, the record named, the rest analysed
    assert cluster["rc"] == 1 and "part-9.jsonl:1" in cluster["err"], cluster
    assert "analysed 25 articles" in cluster["out"] and "Traceback" not in cluster["err"]
    nodes = {json.loads(r.read_text())["node"] for r in (out / "_shards").glob("*.json")}
    assert len(nodes) == 2, "both nodes analysed shards"
    run_local(source, tmp_path / "local", workers=2, chunk_size=2, entities=False)
    for table in ("articles", "spans"):
        local = pq.read_table(tmp_path / "local" / table).to_pylist()
        assert pq.read_table(out / table).to_pylist() == local, table
        assert pq.read_table(place / f"s3-{table}.parquet").to_pylist() == local, f"s3 {table}"
    assert steps_run["s3"]["rc"] == 1 and "analysed 25 articles" in steps_run["s3"]["out"]
    assert "nothing left to do: 7 of 7 shards (25 articles) were done" in steps_run["rerun"]["out"]
    capped = {json.loads(r.read_text())["node"] for r in (tmp_path / "capped" / "_shards").glob("*.json")}
    assert steps_run["capped"]["rc"] == 1 and len(capped) == 1, "--workers 1: one actor, on one node"
    # a third node joined: the pool is sized by the cluster (3 CPUs), not by this machine's 2 cores
    grown = {json.loads(r.read_text())["node"] for r in (tmp_path / "grown" / "_shards").glob("*.json")}
    assert steps_run["grown"]["rc"] == 1 and len(grown) == 3, steps_run["grown"]
    for name, says in (
        ("wrong_token", "refused this driver's token"),
        ("no_cluster", "no Ray cluster answers at 127.0.0.1:6390"),
    ):
        step = steps_run[name]
        assert step["rc"] == 1 and says in step["err"], step
        assert len(step["err"].strip().splitlines()) == 1 and step["seconds"] < 60, step
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()


@in_own_network
def test_a_cluster_where_no_actor_can_ever_fit_is_an_error_within_a_minute(
    tmp_path: Path, place: Path
) -> None:
    source = _shards(tmp_path / "in", shards=1, per_shard=1)
    steps = f"step batch proplens batch {source} {tmp_path}/out --engine ray --address 127.0.0.1:6379"
    started = time.monotonic()
    step = in_namespace(place, [0], steps)["batch"]
    assert step["rc"] == 1 and "has no node with 1 CPU for an analysis actor" in step["err"], step
    assert len(step["err"].strip().splitlines()) == 1 and step["seconds"] < 60
    assert time.monotonic() - started < 120 and not (tmp_path / "out").exists()


def _nested_auth_error() -> Exception:
    error = ConnectionError("Failed to connect to Ray cluster at 127.0.0.1:6379")
    error.__cause__ = RuntimeError(
        "Failed to connect to GCS. Last connection error: Traceback (most recent call last):\n"
        + '  File "python/ray/includes/common.pxi", line 119, in ray._raylet.check_status\n' * 12
        + "ray.exceptions.AuthenticationError: RPC error: InvalidAuthToken: Authentication token is missing"
    )
    return error


class _FakeRay:
    """Stands in for `ray` where a test needs Ray's own failure without a cluster to cause it."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def init(self, **_: object) -> None:
        raise self.error


@pytest.mark.parametrize(
    ("error", "says"),
    [
        (
            RuntimeError(
                "Version mismatch: The cluster was started with:\n    Ray: 2.59.0\n    Python: 3.12.1\n"
                "This process on node 127.0.0.1 was started with:\n    Ray: 2.60.0\n    Python: 3.11.9\n"
            ),
            "runs another Ray or Python version than this driver: install the cluster's versions here",
        ),
        (
            RuntimeError("ray.exceptions.AuthenticationError: RPC error: bad token"),
            "refused this driver's token",
        ),
        (ConnectionError("GCS did not answer\n  after 3 tries"), "could not join the Ray cluster at"),
        (_nested_auth_error(), "refused this driver's token"),  # the shape Ray 2.60 gives a wrong token
    ],
)
def test_rays_errors_on_joining_a_cluster_become_one_line_saying_what_to_do(
    error: Exception, says: str
) -> None:
    import socket

    from proplens.batch.ray import _init
    from proplens.errors import ProplensError

    listener = socket.create_server(("127.0.0.1", 0))  # something answers at the address
    address = f"127.0.0.1:{listener.getsockname()[1]}"
    with listener, pytest.raises(ProplensError) as raised:
        _init(_FakeRay(error), address)
    assert says in str(raised.value) and "\n" not in str(raised.value)


@pytest.mark.parametrize("address", ["localhost", "10.0.0.1:port", ":6379"])
def test_a_malformed_address_is_refused_before_ray_is_asked(address: str) -> None:
    from proplens.batch.ray import _probe
    from proplens.errors import ProplensError

    with pytest.raises(ProplensError, match="bad Ray address"):
        _probe(address)


def test_actors_that_cannot_start_are_an_error_within_the_time_allowed_and_busy_ones_are_waited_for(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import threading

    from proplens.batch.ray import _rows_within
    from proplens.errors import ProplensError

    class Slow:
        def __init__(self, seconds: float) -> None:
            self.seconds = seconds

        def iter_rows(self) -> Iterator[dict]:  # type: ignore[type-arg]
            threading.Event().wait(self.seconds)
            yield {"n": 1}

    started = time.monotonic()
    with pytest.raises(ProplensError, match="nothing came"):
        list(_rows_within(Slow(30), 0.5, lambda: False, lambda: "nothing came"))
    assert time.monotonic() - started < 5
    # actors hold CPUs (a long first shard): a notice, then the rows when they come
    assert list(_rows_within(Slow(1.5), 0.5, lambda: True, lambda: "still nothing")) == [{"n": 1}]
    assert "still nothing; actors hold CPUs, waiting on" in capsys.readouterr().err
