"""Copies per second of a batch (rows checked → numbered, archived PDF/A copies → outputs) against the naive way.

Run: .venv/bin/python bench/batch.py [--copies 500] [--naive-copies 10] [--one-by-one-copies 100]
                                     [--signing-copies 100] [--kinds safety_circular,correction_order]
     .venv/bin/python bench/batch.py --command [--copies 500]   (the whole command; see bench/batch_command.py)
The naive way is docxtpl and a cold `soffice --convert-to pdf` per copy, one after the
other (bench/naive.py); both ways run in this one process on the same
machine, so compare the ratio. Peak RSS of the soffice processes is sampled throughout.
Each kind is then run again sealed and signed (the test PKI's bureau certificate and the
specimen seal installed), and signing alone is timed per copy, medians and p95, the way the
service does it (key loaded once, CMS from a template) against the naive way (pyHanko's
SimpleSigner.load_pkcs12_data and sign_pdf for each copy).
"""

from __future__ import annotations

import argparse
import functools
import io
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from service.background.startup import prepare_service

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter  # noqa: E402
from pyhanko.sign import signers  # noqa: E402
from pyhanko.sign.fields import SigSeedSubFilter  # noqa: E402

import service.batch.fitting  # noqa: E402
import service.batch.planning  # noqa: E402
import service.batch.recording  # noqa: E402
import service.batch.rendering  # noqa: E402
import service.render.sealing  # noqa: E402
from bench.batch_command import command_rates  # noqa: E402
from bench.naive import batch_common, naive_rate  # noqa: E402
from service.acts.seal_install import install_seal  # noqa: E402
from service.archive.seals import SealStore, seal_signer  # noqa: E402
from service.batch.compose import CompiledTemplate  # noqa: E402
from service.batch.executor import run_job  # noqa: E402
from service.batch.finishing import FinishingPool  # noqa: E402
from service.batch.jobs import create_job  # noqa: E402
from service.batch.outputs import issued_copies, write_outputs  # noqa: E402
from service.batch.validation import SnapshotArchive, check_rows  # noqa: E402
from service.foundations.config import load_settings  # noqa: E402
from service.foundations.secret import service_secret  # noqa: E402
from service.instruments.registry import get_instrument  # noqa: E402
from service.render.office.pool import OfficePool  # noqa: E402
from service.render.pades import BureauSigner  # noqa: E402
from service.services import Wenshu  # noqa: E402
from tests.pki import PASSPHRASE, bureau_pkcs12, trust_root_pem  # noqa: E402
from tests.render.specimen_seal import specimen_seal_png  # noqa: E402

KINDS = ("safety_circular", "correction_order")
TOWNS = (
    "柳林洲街道",
    "许市镇",
    "钱粮湖镇",
    "良心堡镇",
    "广兴洲镇",
    "采桑湖镇",
    "芦苇场",
    "君山工业园",
)
TOWN_UNITS = (
    "人民政府", "中心学校", "中心卫生院", "财政所", "司法所", "农业综合服务中心",
    "文化站", "社会事务办", "水利站", "自然资源所", "退役军人服务站", "便民服务中心",
)  # fmt: skip
VILLAGES = (
    "新华", "团结", "胜利", "建新", "幸福", "和平", "光明", "东风", "长江", "洞庭", "芦花",
    "湖滨", "东港", "西湖", "南堤", "北洲", "红旗", "新河", "永兴", "丰收", "太平", "兴隆",
    "联合", "民主", "前进", "白沙", "黄泥", "杨林", "桃花", "柳湾", "荷花", "金盆", "银湖",
    "大堤", "新港", "向阳", "青山", "双港", "三合", "五星", "六合", "七星", "八一", "九龙",
    "复兴", "育才", "高桥", "中洲", "沙湖", "垸子", "莲塘", "枫树", "石门", "龙口", "凤凰", "万福",
)  # fmt: skip
DISTRICT_UNITS = (
    "区财政局", "区教育局", "区卫生健康局", "区人力资源和社会保障局", "区自然资源局",
    "区住房和城乡建设局", "区交通运输局", "区水利局", "区农业农村局", "区商务局",
    "区文化旅游广电体育局", "区市场监督管理局", "区应急管理局", "区统计局", "区医疗保障局",
    "区民政局", "区司法局", "区审计局", "区退役军人事务局", "区人民医院", "区中医医院",
    "区疾病预防控制中心", "区第一中学", "区第二中学", "区实验小学", "区机关幼儿园",
)  # fmt: skip


def unit_names(count: int) -> list[str]:
    """Return count distinct, realistic names of units in 君山区."""
    names = [f"岳阳市君山{u}" for u in DISTRICT_UNITS]
    names += [f"岳阳市君山区{t}{u}" for t in TOWNS for u in TOWN_UNITS]
    names += [f"岳阳市君山区{t}{v}村民委员会" for v in VILLAGES for t in TOWNS]
    if count > len(names):
        raise ValueError(f"at most {len(names)} distinct units")
    return names[:count]


def soffice_rss(pool: OfficePool) -> dict[int, int]:
    """Return the resident memory (kB) of each soffice.bin process of the pool."""
    found = {}
    for worker in pool.workers:
        for pid in worker.pids() if worker.process else []:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
                command = Path(f"/proc/{pid}/comm").read_text().strip()
            except OSError:
                continue
            if command.startswith("soffice"):
                rss = next(line for line in status.splitlines() if line.startswith("VmRSS"))
                found[pid] = int(rss.split()[1])
    return found


class RssSampler:
    """Samples the pool's soffice memory every 0.2 s in the background."""

    def __init__(self, pool: OfficePool) -> None:
        self.pool = pool
        self.peak = 0  # the largest single soffice.bin, kB
        self.first: dict[int, int] = {}
        self.last: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> RssSampler:
        self.first = soffice_rss(self.pool)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.last = soffice_rss(self.pool)

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self.peak = max([self.peak, *soffice_rss(self.pool).values()])


# Where the time goes: each stage's calls, timed where they happen (in several threads at once).
STAGES = (
    ("check rows again", service.batch.planning, "check_row"),
    ("fill bodies (Jinja)", CompiledTemplate, "render_body"),
    ("merge DOCX", CompiledTemplate, "merge"),
    ("LibreOffice", OfficePool, "convert"),
    ("crowding check", service.batch.fitting, "crowded_pages"),
    ("split PDF + XMP metadata", service.batch.fitting, "split_copies"),
    ("seal (stamp)", service.render.sealing, "stamp_seal"),
    ("sign", BureauSigner, "sign"),
    # A batch stamps, signs, writes the OFD and hashes in worker processes: what shows here
    # is the wait for them.
    ("seal, sign, OFD, SHA-256 + SM3 (waiting for the workers)", FinishingPool, "finish_all"),
    # A chunk's files are stored side by side: its wall time, not the sum over its threads.
    ("store (fsync)", service.batch.recording, "_store_all"),
    ("record (database)", service.batch.recording, "_record"),
)


class StageTimes:
    """Wraps each stage's function to add up the time spent in it, across threads."""

    def __init__(self) -> None:
        self.seconds = dict.fromkeys((name for name, _, _ in STAGES), 0.0)
        self._lock = threading.Lock()
        self._saved: list[tuple[object, str, object]] = []

    def __enter__(self) -> StageTimes:
        for name, owner, attribute in STAGES:
            # A stage the code no longer calls by that name is left out of the report.
            original = getattr(owner, attribute, None)
            if original is None:
                continue
            self._saved.append((owner, attribute, original))
            setattr(owner, attribute, self._timed(name, original))
        return self

    def __exit__(self, *_: object) -> None:
        for owner, attribute, original in self._saved:
            setattr(owner, attribute, original)

    def _timed(self, name: str, function: Any) -> Any:
        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                with self._lock:
                    self.seconds[name] += time.perf_counter() - started

        return timed


def batch_rate(
    wenshu: Wenshu, kind: str, copies: int, chunk_size: int, out: Path
) -> dict[str, float]:
    """Return seconds for checking, issuing and writing the outputs of one batch, and the rate."""
    instrument = get_instrument(kind)
    common = batch_common(kind)
    rows = [(n + 2, {instrument.recipient_field: u}) for n, u in enumerate(unit_names(copies))]
    started = time.perf_counter()
    check = check_rows(instrument, common, rows, SnapshotArchive(wenshu.database), {})
    assert not check.problems, check.problems[:3]
    job = create_job(wenshu, instrument, common, check, "bench")
    checked = time.perf_counter()
    run_job(wenshu, job.id, chunk_size=chunk_size)
    issued = time.perf_counter()
    write_outputs(wenshu, issued_copies(wenshu, job.id), out)
    finished = time.perf_counter()
    return {
        "check": checked - started,
        "issue": issued - checked,
        "outputs": finished - issued,
        "rate": copies / (finished - started),
        "issue_rate": copies / (issued - checked),
    }


def one_by_one_rate(wenshu: Wenshu, kind: str, copies: int, out: Path) -> float:
    """Return copies per second when each copy is its own LibreOffice conversion (no merging)."""
    if not copies:
        return 0.0
    merge_obstacle = service.batch.rendering.merge_obstacle
    service.batch.rendering.merge_obstacle = lambda template: "bench: one by one"
    try:
        return batch_rate(wenshu, kind, copies, 50, out)["rate"]
    finally:
        service.batch.rendering.merge_obstacle = merge_obstacle


def install_specimen_seal(wenshu: Wenshu) -> None:
    """Install the specimen seal and the test PKI's bureau certificate, as an operator would."""
    install_seal(
        wenshu, specimen_seal_png(), bureau_pkcs12(), PASSPHRASE, trust_root_pem(), 42.0, "bench"
    )


def signing_latencies(wenshu: Wenshu, pdfs: list[bytes]) -> dict[str, list[float]]:
    """Return seconds per copy to sign each PDF, the service's way and the naive way."""
    installed = SealStore.in_instance(wenshu.settings.instance_path).installed()
    assert installed is not None
    ours = seal_signer(installed, service_secret(wenshu.settings), "").signer()
    p12, passphrase = bureau_pkcs12(), PASSPHRASE.encode()
    meta = signers.PdfSignatureMetadata(field_name="Signature", subfilter=SigSeedSubFilter.PADES)

    def naive(pdf: bytes) -> bytes:
        signer = signers.SimpleSigner.load_pkcs12_data(p12, None, passphrase)
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        out: bytes = signers.sign_pdf(writer, meta, signer=signer).getvalue()
        return out

    timings: dict[str, list[float]] = {"service": [], "naive": []}
    for name, sign in (("service", ours.sign), ("naive", naive)):
        sign(pdfs[0])  # warm-up
        for pdf in pdfs:
            started = time.perf_counter()
            sign(pdf)
            timings[name].append(time.perf_counter() - started)
    return timings


def p95(values: list[float]) -> float:
    """Return the 95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)]


def report_batch(label: str, kind: str, copies: int, timing: dict[str, float]) -> None:
    """Print one batch's seconds and rate."""
    print(
        f"{kind} {label}: {copies} copies in "
        f"{timing['check'] + timing['issue'] + timing['outputs']:.1f} s "
        f"(check {timing['check']:.1f} s, issue {timing['issue']:.1f} s, "
        f"outputs {timing['outputs']:.1f} s): {timing['rate']:.1f} copies/s "
        f"({timing['issue_rate']:.1f}/s issuing alone)"
    )


def report_stages(stages: StageTimes, copies: int) -> None:
    """Print where the time went, per copy."""
    spent = ", ".join(
        f"{name} {seconds / copies * 1000:.1f}"
        for name, seconds in stages.seconds.items()
        if seconds
    )
    print(f"  ms per copy, summed over threads: {spent}")


def main() -> None:
    """Measure the batch unsigned and signed, the naive way, and signing alone; print rates and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=500)
    parser.add_argument(
        "--kinds", default=",".join(KINDS), help="comma-separated kinds to measure, in order"
    )
    parser.add_argument("--naive-copies", type=int, default=10)
    parser.add_argument(
        "--without-ofd", action="store_true",
        help="write no OFD beside each copy's PDF, to measure what the OFD costs",
    )  # fmt: skip
    parser.add_argument("--chunk-size", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--one-by-one-copies", type=int, default=100,
        help="copies converted one per LibreOffice call, through the same pipeline (0: skip)",
    )  # fmt: skip
    parser.add_argument(
        "--signing-copies", type=int, default=100,
        help="copies signed alone, the service's way and the naive way (0: skip)",
    )  # fmt: skip
    parser.add_argument(
        "--command", action="store_true",
        help="time only the whole `wenshu batch` command (a subprocess), cold and beside a "
        "running `wenshu serve` (bench/batch_command.py)",
    )  # fmt: skip
    args = parser.parse_args()
    if args.without_ofd:
        service.batch.rendering.ChunkRenderer.ofd = False
    kinds = [kind for kind in args.kinds.split(",") if kind]
    if args.command:
        with tempfile.TemporaryDirectory(prefix="wenshu-bench-") as folder:
            command_rates(Path(folder), kinds, unit_names(args.copies))
        return
    with tempfile.TemporaryDirectory(prefix="wenshu-bench-") as folder:
        instance = Path(folder)
        settings = load_settings(
            {"instance_path": instance / "batch", "office_workers": args.workers}
        )
        pool = OfficePool(settings)
        started = time.perf_counter()
        pool.wait_ready()
        print(f"{args.workers} LibreOffice workers ready in {time.perf_counter() - started:.1f} s")
        wenshu = Wenshu.open(settings, pool)
        prepare_service(wenshu)
        unsigned: dict[str, float] = {}
        try:
            for kind in kinds:
                batch_rate(wenshu, kind, 4, args.chunk_size, instance / "warm" / kind)  # warm-up
                with RssSampler(pool) as rss, StageTimes() as stages:
                    timing = batch_rate(
                        wenshu, kind, args.copies, args.chunk_size, instance / "out" / kind
                    )
                unsigned[kind] = timing["rate"]
                naive = naive_rate(instance / "naive", kind, unit_names(args.naive_copies))
                single = one_by_one_rate(wenshu, kind, args.one_by_one_copies, instance / "single")
                report_batch("unsigned", kind, args.copies, timing)
                print(
                    f"  naive ({args.naive_copies} copies): {naive:.2f} copies/s; "
                    f"speed-up {timing['rate'] / naive:.0f}×"
                )
                if single:
                    print(
                        f"  one copy per LibreOffice call, same pipeline and workers "
                        f"({args.one_by_one_copies} copies): {single:.1f} copies/s"
                    )
                report_stages(stages, args.copies)
                print(
                    f"  soffice RSS: peak {rss.peak / 1024:.0f} MB per process; "
                    f"before {max(rss.first.values(), default=0) / 1024:.0f} MB, "
                    f"after {max(rss.last.values(), default=0) / 1024:.0f} MB"
                )
            # Copies as issued before the seal is installed: what signing starts from.
            archived = sorted(wenshu.archive.root.rglob("*.pdf"))[: args.signing_copies]
            unsigned_pdfs = [path.read_bytes() for path in archived]
            install_specimen_seal(wenshu)
            for kind in kinds:
                batch_rate(wenshu, kind, 4, args.chunk_size, instance / "warm-signed" / kind)
                with StageTimes() as stages:
                    timing = batch_rate(
                        wenshu, kind, args.copies, args.chunk_size, instance / "signed" / kind
                    )
                report_batch("sealed and signed", kind, args.copies, timing)
                print(f"  {timing['rate'] / unsigned[kind]:.0%} of the unsigned rate")
                report_stages(stages, args.copies)
            if unsigned_pdfs:
                timings = signing_latencies(wenshu, unsigned_pdfs)
                ours, theirs = timings["service"], timings["naive"]
                print(
                    f"signing alone, {len(unsigned_pdfs)} copies: the service's way "
                    f"median {statistics.median(ours) * 1000:.1f} ms, p95 {p95(ours) * 1000:.1f} ms; "
                    f"naive (load_pkcs12 + sign_pdf per copy) median "
                    f"{statistics.median(theirs) * 1000:.1f} ms, p95 {p95(theirs) * 1000:.1f} ms; "
                    f"{statistics.median(theirs) / statistics.median(ours):.0f}× faster"
                )
        finally:
            wenshu.close()


if __name__ == "__main__":
    main()
