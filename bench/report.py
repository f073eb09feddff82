#!/usr/bin/env python3
"""report.py - the numbers of `make bench`.

  report.py row TSLOG NONCE CHECK_B PAYLOAD_SHA
      one boot's dated console (bench/serial_ts.py) -> a CSV fragment:
      load_s,load_host_s,load_cpu_s,rss_kb,rss_floor_kb,bb_load_s,bb_rss_kb,
      bb_floor_kb,exec_s,exec_cpu_s,b_first_line,copy_s,copy_cpu_s,unpack_ms,
      unpacked_bytes,kaslr,ok,fail
      copy_s: kernel A's "Starting new kernel" to the purgatory's first line
      (kx -d: "kx purgatory: started"; kexec --console-serial: "I'm in
      purgatory"), empty when the purgatory said nothing; exec_s ends at the
      first line that is not the purgatory's. unpack_ms, unpacked_bytes: from
      kx -d's "unpacked CODEC in MS ms: BYTES bytes from N" lines (the time
      summed, the last size: the kernel as kx loads it); kaslr: "on" or
      "off (WHY)" when kx loads the kernel it unpacked (its plan's KASLR),
      "kernel B's own" when kernel B's decompressor runs (kx's plan says so,
      or kx hands the file to kexec_file_load), empty when the tool says
      nothing (kexec-tools). fail: why a boot failed.

  report.py doc QEMU_CSV DIGEST_CSV SIZES_CSV MACHINE_TXT OUT_DIR DOC [READONCE_TXT]
      medians, ratios, targets -> OUT_DIR/<stamp>-summary.csv, the chart
      (gnuplot, OUT_DIR/chart.svg) and the generated part of DOC (between
      "<!-- bench:begin -->" and "<!-- bench:end -->").

  report.py doc32 ARCH QEMU_CSV MACHINE_TXT OUT_DIR DOC
      the other architectures' rows (bench/run.sh with BENCH_ARCH=arm, i386
      or ppc64le; named for the 32-bit ones, the first two): medians,
      ratios and every failed boot with its reason -> OUT_DIR/<stamp>-ARCH-summary.csv
      and the part of DOC between "<!-- bench:ARCH:begin -->" and
      "<!-- bench:ARCH:end -->".
"""
import csv
import os
import re
import statistics
import subprocess
import sys


def parse_elapsed(s):
    """busybox time -v: '0m 7.03s' or '1:02:03' style."""
    s = s.strip()
    m = re.match(r"^(\d+)m (\d+(?:\.\d+)?)s$", s)
    if m:
        return int(m.group(1)) * 60 + float(m.group(2))
    parts = s.split(":")
    try:
        v = 0.0
        for p in parts:
            v = v * 60 + float(p)
        return v
    except ValueError:
        return None


# The purgatories' lines (kx -d; kexec-tools --console-serial): the end of
# the copy phase, not kernel B's first line. kexec-tools' arm64 purgatory
# goes on with "purgatory: entry=...", "purgatory: dtb=...", "purgatory:
# booting kernel now".
PURG = ("kx purgatory:", "I'm in purgatory")


def is_purg(text):
    return any(m in text for m in PURG) or text.startswith("purgatory: ")


def row(tslog, nonce, check_b, payload_sha):
    lines, cpu = [], []
    with open(tslog, errors="replace") as f:
        for ln in f:
            parts = ln.rstrip("\n").split(" ", 2)
            try:
                t, c = float(parts[0]), float(parts[1])
            except (ValueError, IndexError):
                continue
            lines.append((t, parts[2] if len(parts) > 2 else ""))
            cpu.append(c)
    v = {}
    start = None
    unpack_ms, unpacked = None, ""
    for i, (t, text) in enumerate(lines):
        if text.startswith("BENCH-OUT: "):
            # kx -d's lines: its unpack timing, its plan's syscall and KASLR
            o = text[len("BENCH-OUT: "):]
            mu = re.search(r": unpacked \S+ in ([0-9.]+) ms: (\d+) bytes from \d+", o)
            if mu:
                unpack_ms = (unpack_ms or 0.0) + float(mu.group(1))
                unpacked = mu.group(2)
            mk = re.search(r"kernel: unpacked at load .*; KASLR (randomized|off \(([^)]*)\))", o)
            if mk:
                v["kaslr"] = "on" if mk.group(1) == "randomized" else "off (%s)" % mk.group(2)
            elif "kernel: as it is, its own decompressor runs" in o:
                v["kaslr"] = "kernel B's own"
            if re.search(r"^kx plan: .*syscall kexec_file_load", o):
                v["file_load"] = True
        elif text.startswith("BENCH-LOAD-START"):
            v["t_load0"], v["c_load0"] = t, cpu[i]
        elif text.startswith("BENCH-LOAD-END rc=0"):
            v["t_load1"], v["c_load1"] = t, cpu[i]
        elif text.startswith("BENCH-LOAD: "):
            m = re.search(r"elapsed_s=([0-9.]+) maxrss_kb=(\d+) rc=0", text)
            if m:
                v["load"], v["rss"] = float(m.group(1)), m.group(2)
        elif text.startswith("BENCH-LOAD-BUSYBOX: "):
            f = text.split(": ", 1)[1].rsplit(" ", 1)
            if len(f) == 2:
                v["bb_load"], v["bb_rss"] = parse_elapsed(f[0]), f[1].strip()
        elif text.startswith("BENCH-RSS-FLOOR: "):
            f = text.split(": ", 1)[1].split()
            if len(f) == 2:
                v["floor"], v["bb_floor"] = f
        elif "Starting new kernel" in text and start is None:
            start = i
        elif start is not None and re.search(r"[Cc]ommand line:", text) and ("kxbench.nonce=" + nonce) in text:
            # x86: "Command line: ...", ARM: "Kernel command line: ..."
            v["nonce_ok"] = True
        elif text.startswith("KXB-PAYLOAD:"):
            v["payload_ok"] = text.split(":", 1)[1].strip() == payload_sha
        elif text.startswith("BENCH-ERROR:") and "error" not in v:
            v["error"] = text.split(":", 1)[1].strip()
        elif start is not None and "Initramfs unpacking failed" in text and "initramfs" not in v:
            v["initramfs"] = text[text.index("Initramfs"):].strip()
    exec_s = exec_cpu = first = copy_s = copy_cpu = ""
    if start is not None:
        for j in range(start + 1, len(lines)):
            t, text = lines[j]
            if is_purg(text):
                if not copy_s:
                    copy_s = "%.3f" % (t - lines[start][0])
                    copy_cpu = "%.3f" % (cpu[j] - cpu[start])
                continue
            # kernel A may still print after "Starting new kernel" (32-bit ARM:
            # "Bye!"): a line dated later than 0.000000 is kernel A's
            ts = re.match(r"\s*\[\s*(\d+)\.(\d+)\]", text)
            if ts and int(ts.group(1) + ts.group(2)) != 0:
                continue
            if text.strip() and not text.startswith("[serial_ts"):
                exec_s = "%.3f" % (t - lines[start][0])
                exec_cpu = "%.3f" % (cpu[j] - cpu[start])
                first = re.sub(r"[^ -~]", "", text)[:60].replace(",", ";").replace('"', "'")
                break
    load_host = load_cpu = ""
    if "t_load0" in v and "t_load1" in v:
        load_host = "%.3f" % (v["t_load1"] - v["t_load0"])
        load_cpu = "%.3f" % (v["c_load1"] - v["c_load0"])
    ok = bool(exec_s) and v.get("nonce_ok", False) and v.get("load") is not None
    if check_b == "1":
        ok = ok and v.get("payload_ok", False)
    # why a boot failed, in a few words (a peer's failure is a result too)
    fail = ""
    if not ok:
        if v.get("error"):
            fail = v["error"]
        elif v.get("load") is None:
            fail = "no load measured"
        elif start is None:
            fail = "kernel A never started kernel B"
        elif not exec_s:
            fail = "kernel B printed nothing"
        elif v.get("initramfs"):
            fail = "kernel B: " + v["initramfs"]
        elif not v.get("nonce_ok"):
            fail = "kernel B without this run's command line"
        elif "payload_ok" in v:
            fail = "kernel B: its initrd's payload damaged (sha256 differs)"
        else:
            fail = "kernel B never reached its /init"
        fail = re.sub(r"[^ -~]", "", fail).replace(",", ";").replace('"', "'")[:100]

    def f3(x):
        return "%.3f" % x if x is not None else ""
    # kexec_file_load gets the file as it is: kernel B's decompressor runs
    # (and randomizes), whatever kx's plan unpacked
    kaslr = "kernel B's own" if v.get("file_load") else v.get("kaslr", "")
    print(",".join([f3(v.get("load")), load_host, load_cpu, v.get("rss", ""), v.get("floor", ""),
                    f3(v.get("bb_load")), v.get("bb_rss", ""), v.get("bb_floor", ""),
                    exec_s, exec_cpu, first, copy_s, copy_cpu, f3(unpack_ms), unpacked, kaslr,
                    "1" if ok else "0", fail]))


# --------------------------------------------------------------------------- doc

LABEL = {
    "kx-c": "kx -c",
    "kx-c-i": "kx -c -i",
    "kx-s": "kx -s",
    "kx-auto": "kx (default: auto)",
    "kx-c-below": "kx -c --mem-max=START",
    "kx-c-asis": "kx -c --no-unpack",
    "kx-auto-asis": "kx --no-unpack",
    "kx-auto-nokaslr": "kx, nokaslr",
    "kexec": "kexec (default)",
    "kexec-i": "kexec -i",
    "kexec-s": "kexec -s",
}
WHAT = {
    "kx-c": "kexec_load, kx's purgatory, XXH64 check",
    "kx-c-i": "kexec_load, kx's purgatory, no check",
    "kx-s": "kexec_file_load, the kernel's purgatory (SHA-256)",
    "kx-auto": "auto: kexec_load where no policy asks for kexec_file_load",
    "kx-c-below": "kx -c --mem-max=START: initrd below kernel A's freed initrd",
    "kx-c-asis": "as kx -c, the bzImage as it is (kernel B decompresses itself)",
    "kx-auto-asis": "as kx (auto), the bzImage as it is (kernel B decompresses itself): "
                    "kexec-tools' payload through kx",
    "kx-auto-nokaslr": "as kx (auto), kernel B's command line with `nokaslr`",
    "kexec": "kexec_load, kexec-tools' purgatory, SHA-256 check",
    "kexec-i": "kexec_load, kexec-tools' purgatory, no check",
    "kexec-s": "kexec_file_load, the kernel's purgatory (SHA-256)",
}
SHORT = {"kx-auto": "kx (auto)", "kx-c-below": "kx -c (below)", "kx-c-asis": "kx -c (as is)",
         "kx-auto-asis": "kx (as is)", "kx-auto-nokaslr": "kx (nokaslr)"}
ORDER = ["kx-c", "kexec", "kx-c-i", "kexec-i", "kx-s", "kexec-s", "kx-auto", "kx-auto-nokaslr",
         "kx-auto-asis", "kx-c-below", "kx-c-asis"]
PAIRS = [("kx-c", "kexec"), ("kx-c-i", "kexec-i"), ("kx-s", "kexec-s"), ("kx-auto", "kexec"),
         ("kx-auto", "kexec-s"), ("kx-auto-nokaslr", "kexec"), ("kx-auto-asis", "kexec"),
         ("kx-c-below", "kexec"), ("kx-c-asis", "kexec")]


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fnum(x, fmt="%.2f"):
    return fmt % x if x is not None else "—"


def ratio(a, b):
    return a / b if a is not None and b else None


def read_csv(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def fl(s):
    try:
        return float(s)
    except (TypeError, ValueError):
        return None


KEYS = ["load", "load_cpu", "rss", "bb_rss", "exec", "exec_cpu", "floor", "bb_floor", "copy", "copy_cpu",
        "unpack", "unpacked"]
COL = {"load": "load_s", "load_cpu": "load_cpu_s", "rss": "rss_kb", "bb_rss": "bb_rss_kb",
       "exec": "exec_s", "exec_cpu": "exec_cpu_s", "floor": "rss_floor_kb", "bb_floor": "bb_floor_kb",
       "copy": "copy_s", "copy_cpu": "copy_cpu_s", "unpack": "unpack_ms", "unpacked": "unpacked_bytes"}
# KASLR per row: what kx's plan said (kx -d), else whose it is
KASLR_PEER = "kernel B's own"


def kaslr_of(rs):
    """The KASLR cell of a tool's boots: kx's plan when it unpacked the kernel
    (on / off (why)), else kernel B's own decompressor randomizes (kexec-tools,
    --no-unpack, kexec_file_load); several values when the boots differ."""
    vals = sorted({(r.get("kaslr") or KASLR_PEER) for r in rs})
    return " / ".join(vals) if vals else "—"


def after_unpack(x, r0):
    """The payload a row's loader holds: the kernel as kx unpacked it (when it
    loads that: KASLR on or off) or the file, plus the initrd."""
    k = int(r0["kernel_bytes"])
    if x.get("unpacked") and x.get("kaslr", "").startswith(("on", "off")):
        k = int(x["unpacked"])
    return k + int(r0["initrd_bytes"])


def doc(qemu_csv, digest_csv, sizes_csv, machine_txt, out_dir, doc_path, readonce_txt=None):
    rows = read_csv(qemu_csv)
    stamp = os.path.basename(qemu_csv)[: -len("-qemu.csv")]
    tools = [t for t in ORDER if any(r["tool"] == t for r in rows)]
    m = {}
    for t in tools:
        rs = [r for r in rows if r["tool"] == t and r["ok"] == "1"]
        x = {"n": len(rs), "of": len([r for r in rows if r["tool"] == t])}
        for k in KEYS:
            vals = [fl(r.get(COL[k])) for r in rs]
            x[k] = med(vals)
            vals = [v for v in vals if v is not None]
            x[k + "_min"] = min(vals) if vals else None
            x[k + "_max"] = max(vals) if vals else None
        x["kaslr"] = kaslr_of(rs)
        m[t] = x
    r0 = rows[0]
    payload = int(r0["kernel_bytes"]) + int(r0["initrd_bytes"])
    rounds = max((x["of"] for x in m.values()), default=0)
    loads = [fl(r.get("host_load1")) for r in rows]
    loads = [v for v in loads if v is not None]

    summary = os.path.join(out_dir, stamp + "-summary.csv")
    with open(summary, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["tool", "label", "boots_ok", "boots"] + [
            "%s_%s" % (COL[k], sfx) for k in KEYS for sfx in ("median", "min", "max")] +
            ["kaslr", "payload_bytes"])
        for t in tools:
            x = m[t]
            w.writerow([t, LABEL[t], x["n"], x["of"]] + [
                fnum(x[k + sfx], "%.3f") for k in KEYS for sfx in ("", "_min", "_max")] +
                [x["kaslr"], after_unpack(x, r0)])

    # chart: medians of load time and exec latency per tool (seconds)
    dat = os.path.join(out_dir, stamp + "-chart.dat")
    with open(dat, "w") as f:
        for t in tools:
            x = m[t]
            f.write('"%s" %s %s %s %s\n' % (SHORT.get(t, LABEL[t]),
                                         fnum(x["load"], "%.3f"), fnum(x["load_cpu"], "%.3f"),
                                         fnum(x["exec"], "%.3f"), fnum(x["exec_cpu"], "%.3f")))
    svg = os.path.join(out_dir, "chart.svg")
    gp = """set terminal svg size 960,440 dynamic font "sans,12" background "white"
set output "%s"
set title "kx vs kexec-tools %s: Debian kernel + %d MiB initrd, QEMU TCG guest, medians of %d rounds (%s)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.9 border -1
set boxwidth 0.9
set ylabel "seconds"
set yrange [0:*]
set offsets 0, 0, graph 0.25, 0
set grid ytics
set key top left
set xtics scale 0
plot "%s" using 2:xtic(1) title "load (guest wall clock)" lc rgb "#9ecae1", \\
     "" using 3 title "load (QEMU CPU time)" lc rgb "#3182bd", \\
     "" using 4 title "exec latency (host wall clock)" lc rgb "#fcae91", \\
     "" using 5 title "exec latency (QEMU CPU time)" lc rgb "#de2d26"
""" % (svg, r0["kexec_tools"], round(int(r0["initrd_bytes"]) / 2**20), rounds, stamp, dat)
    try:
        subprocess.run(["gnuplot"], input=gp.encode(), check=True)
    except (OSError, subprocess.CalledProcessError) as e:
        sys.stderr.write("report.py: gnuplot failed (%s); no chart\n" % e)
    os.unlink(dat)

    digest = read_csv(digest_csv) if digest_csv and os.path.exists(digest_csv) else []
    sizes = read_csv(sizes_csv) if sizes_csv and os.path.exists(sizes_csv) else []
    machine = ""
    if machine_txt and os.path.exists(machine_txt):
        machine = "; ".join(ln.strip() for ln in open(machine_txt) if ln.strip())

    def g(t, k):
        return m.get(t, {}).get(k)

    L = []
    L.append("Run `%s`: %s." % (stamp, machine))
    L.append("")
    L.append("Payload: `%s` (%d bytes) + an incompressible %d-byte initrd = %.1f MiB. "
             "Guest: QEMU TCG, q35, `-cpu max`, 1 vCPU, %s MiB, kernel A booted with `quiet`, "
             "kernel B with `earlyprintk=serial,ttyS0`. kexec-tools `%s` (Debian's binary, unmodified). "
             "%d rounds, each boots every tool once in turn (one fresh boot per measurement); medians. "
             "Host load average during the boots: %s. Raw rows: `bench/results/%s-qemu.csv`."
             % (r0["kernel"], int(r0["kernel_bytes"]), int(r0["initrd_bytes"]), payload / 2**20,
                os.environ.get("KX_E2E_MEM", "2048"), r0["kexec_tools"], rounds,
                "%.1f–%.1f" % (min(loads), max(loads)) if loads else "?", stamp))
    L.append("")
    L.append("| tool | what | load (s) | load, CPU (s) | unpack at load (s) | peak RSS (MB) | RSS / payload | "
             "busybox `time -v` RSS (MB) | exec latency (s) | exec, CPU (s) | copy phase, CPU (s) | KASLR "
             "| boots ok |")
    L.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|")
    for t in tools:
        x = m[t]
        L.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d/%d |" % (
            LABEL[t], WHAT[t], fnum(x["load"]), fnum(x["load_cpu"]),
            fnum(x["unpack"] / 1000 if x["unpack"] is not None else None),
            fnum(x["rss"] / 1024 if x["rss"] is not None else None, "%.1f"),
            fnum(x["rss"] * 1024 / after_unpack(x, r0) if x["rss"] is not None else None, "%.3f×"),
            fnum(x["bb_rss"] / 1024 if x["bb_rss"] is not None else None, "%.1f"),
            fnum(x["exec"]), fnum(x["exec_cpu"]), fnum(x["copy_cpu"], "%.3f"), x["kaslr"], x["n"], x["of"]))
    L.append("")
    floor, bbfloor = med([g(t, "floor") for t in tools]), med([g(t, "bb_floor") for t in tools])
    unp = [x["unpacked"] for x in m.values() if x.get("unpacked") and x["kaslr"].startswith(("on", "off"))]
    L.append("*load*: wall time of the load command in the guest (`rsstime`, guest monotonic clock); "
             "*unpack at load*: the wall time kx spent unpacking the kernel during that load (guest "
             "clock, kx's own `-d` line: `unpacked CODEC in MS ms: BYTES bytes from N`; — where nothing "
             "was unpacked, and for kexec-tools, which does not unpack a bzImage); "
             "*exec latency*: host time from kernel A's `kexec_core: Starting new kernel` to kernel B's "
             "first serial line; *copy phase*: from the same line to the purgatory's first line "
             "(kernel A's shutdown and `relocate_kernel` moving the staged pages; — where the "
             "kernel's purgatory runs, which prints nothing); "
             "*CPU*: the CPU time QEMU used over the same interval (see Method). "
             "*peak RSS*: `ru_maxrss` of the loader (`rsstime`; %s MB for busybox's `true`). "
             "*RSS / payload*: peak RSS over the payload the loader holds: for the rows where kx loads the "
             "kernel it unpacked (KASLR on or off), the payload after decompression (the unpacked kernel, "
             "%s bytes, + the initrd), as issue 14 defines its target; else the kernel file + the initrd "
             "(%d bytes). *KASLR*: on or off as kx's plan says when kx unpacked and relocated the kernel "
             "itself (off: `nokaslr` on kernel B's command line); *kernel B's own* where kernel B's "
             "decompressor runs and randomizes (kexec-tools, `--no-unpack`, and `kexec_file_load`, which "
             "gets the bzImage). "
             "*busybox `time -v` RSS*: the figure busybox prints for the same run, 4× too high "
             "(%s MB for `true`)."
             % (fnum(floor / 1024 if floor else None, "%.1f"), "%d" % med(unp) if unp else "—", payload,
                fnum(bbfloor / 1024 if bbfloor else None, "%.1f")))
    L.append("")
    L.append("Ratios kx / kexec-tools (medians; CPU time in parentheses):")
    L.append("")
    L.append("| kx | kexec-tools | load | peak RSS | exec latency |")
    L.append("|---|---|---:|---:|---:|")

    def both(a, b, k):
        w = ratio(g(a, k), g(b, k))
        c = ratio(g(a, k + "_cpu"), g(b, k + "_cpu"))
        return "%s (%s)" % (fnum(w, "%.2f×"), fnum(c, "%.2f×"))
    for a, b in PAIRS:
        if a in m and b in m:
            L.append("| %s | %s | %s | %s | %s |" % (LABEL[a], LABEL[b], both(a, b, "load"),
                                                   fnum(ratio(g(a, "rss"), g(b, "rss")), "%.3f×"),
                                                   both(a, b, "exec")))
    if "kx-c" in m and "kexec-i" in m:
        L.append("| %s | %s | | | %s |" % (LABEL["kx-c"], LABEL["kexec-i"], both("kx-c", "kexec-i", "exec")))
    L.append("")
    for a, b, what in (("kx-c", "kx-c-i", "kx's XXH64 check at exec (`kx -c` − `kx -c -i`)"),
                       ("kexec", "kexec-i", "kexec-tools' SHA-256 check at exec (`kexec` − `kexec -i`)")):
        if g(a, "exec_cpu") is not None and g(b, "exec_cpu") is not None:
            d = g(a, "exec_cpu") - g(b, "exec_cpu")
            L.append("- Cost of %s: %.2f s of CPU time for %.1f MiB%s." % (
                what, d, payload / 2**20,
                ", %.0f MB/s in the guest" % (payload / d / 1e6) if d > 0.05 else " (within the noise)"))
    # issue 14: the kernel unpacked at load moves kernel B's decompression
    # from the exec (downtime) to the load
    for a, b in (("kx-auto", "kx-auto-asis"), ("kx-c", "kx-c-asis")):
        if g(a, "load_cpu") is not None and g(b, "load_cpu") is not None and \
                g(a, "exec_cpu") is not None and g(b, "exec_cpu") is not None:
            L.append("- Decompression at load (`%s` − `%s`): load +%.2f s of CPU time (+%.2f s wall); "
                     "exec latency −%.2f s of CPU time (−%.2f s wall)." % (
                         LABEL[a], LABEL[b], g(a, "load_cpu") - g(b, "load_cpu"),
                         g(a, "load") - g(b, "load"), g(b, "exec_cpu") - g(a, "exec_cpu"),
                         g(b, "exec") - g(a, "exec")))
    for a, b in (("kx-c", "kexec"), ("kx-c-i", "kexec-i"), ("kx-auto", "kexec"), ("kx-auto-asis", "kexec")):
        if g(a, "copy_cpu") is not None and g(b, "copy_cpu") is not None:
            L.append("- Copy phase (kernel A's shutdown and `relocate_kernel`), `%s` / `%s`: %.3f s / %.3f s "
                     "of CPU time (%s)." % (LABEL[a], LABEL[b], g(a, "copy_cpu"), g(b, "copy_cpu"),
                                           fnum(ratio(g(a, "copy_cpu"), g(b, "copy_cpu")), "%.2f×")))
    L.append("")

    L.append("Targets (issue 7), judged on the medians of QEMU CPU time (wall clock in parentheses):")
    L.append("")
    L.append("| target | measured | met |")
    L.append("|---|---|---|")

    def tgt(name, val, ok):
        L.append("| %s | %s | %s |" % (name, val, "—" if ok is None else ("yes" if ok else "**no**")))

    def rt(a, b, k, limit, name):
        c = ratio(g(a, k + "_cpu"), g(b, k + "_cpu"))
        w = ratio(g(a, k), g(b, k))
        tgt(name, "%s (%s)" % (fnum(c, "%.2f×"), fnum(w, "%.2f×")), None if c is None else c <= limit)
    rt("kx-c", "kexec", "exec", 0.65, "exec latency `kx -c` ≤ 0.65× `kexec`")
    rt("kx-c", "kexec-i", "exec", 1.15, "exec latency `kx -c` ≤ 1.15× `kexec -i`")
    rt("kx-c", "kexec", "load", 0.35, "load time `kx -c` ≤ 0.35× `kexec`")
    # the payload: since issue 14, the one after decompression where kx loads
    # the kernel it unpacked (issue 7 had the files; both shown)
    rss = g("kx-c", "rss")
    pa = after_unpack(m["kx-c"], r0) if "kx-c" in m else payload
    r = rss * 1024 / pa if rss is not None else None
    tgt("peak RSS `kx -c` (kexec_load) ≤ 1.1× payload (after decompression where kx unpacks the kernel)",
        "%s (%s MB; %s of the files)" % (
            fnum(r, "%.3f×"), fnum(rss / 1024 if rss else None, "%.1f"),
            fnum(rss * 1024 / payload if rss is not None else None, "%.3f×")), None if r is None else r <= 1.1)
    rss = g("kx-s", "rss")
    tgt("peak RSS `kx -s` (kexec_file_load) ≤ 4 MB",
        fnum(rss / 1024 if rss else None, "%.2f MB"), None if rss is None else rss * 1024 <= 4e6)
    if readonce_txt and os.path.exists(readonce_txt):
        ro = [ln.strip() for ln in open(readonce_txt) if ln.startswith("read-once:")]
        if ro and not any("skipped" in x for x in ro):
            ok = all(x.startswith("read-once: ok") for x in ro)
            hashed = [x for x in ro if "hashed once:" in x or "hashing" in x]
            m_ = re.search(r"(\d+) kx_xxh64 calls over (\d+) bytes", hashed[0]) if hashed else None
            tgt("each byte read once, hashed once (`kx -c`, in user space; `bench/read-once.sh`)",
                ("kernel and initrd each opened once, mapped once, never read(); %s kx_xxh64 calls over "
                 "%s bytes (one per segment)" % (m_.group(1), m_.group(2))) if ok and m_ else
                "; ".join(x[len("read-once: "):] for x in ro), ok)
    sz = {s["what"]: s for s in sizes}
    if "kx-purgatory" in sz:
        b = int(sz["kx-purgatory"]["bytes"])
        tgt("x86_64 purgatory ≤ 4 KB", "%d bytes" % b, b <= 4096)
    L.append("")

    # issue 14 (downtime): the kernel unpacked at load, auto mode's kexec_load
    L.append("Targets (issue 14: downtime), judged on the medians of QEMU CPU time (wall clock in "
             "parentheses); *payload after decompression*: the unpacked kernel + the initrd:")
    L.append("")
    L.append("| target | measured | met |")
    L.append("|---|---|---|")
    rt("kx-auto", "kexec", "exec", 0.15, "exec latency `kx -l` (default) ≤ 0.15× `kexec -l`")
    rt("kx-auto", "kexec-s", "exec", 0.25, "exec latency `kx -l` (default) ≤ 0.25× `kexec -s`")
    rt("kx-c", "kexec", "exec", 0.15, "exec latency `kx -c` ≤ 0.15× `kexec -l`")
    rt("kx-auto", "kexec", "load", 0.8, "load time `kx -l` (default) ≤ 0.8× `kexec -l` (decompression moves here)")
    # the default takes kexec_load where no policy asks for kexec_file_load
    rss = g("kx-auto", "rss")
    pa = after_unpack(m["kx-auto"], r0) if "kx-auto" in m else payload
    r = rss * 1024 / pa if rss is not None else None
    tgt("peak RSS, kexec_load path (`kx -l` default) ≤ 1.1× payload after decompression",
        "%s (%s MB for %.1f MiB)" % (fnum(r, "%.3f×"), fnum(rss / 1024 if rss else None, "%.1f"), pa / 2**20),
        None if r is None else r <= 1.1)
    rt("kx-auto-asis", "kexec", "copy", 1.0,
       "copy phase in kernel A, `kx -l --no-unpack` ≤ `kexec -l` (the same payload: the bzImage)")
    ka, kn = g("kx-auto", "kaslr"), g("kx-auto-nokaslr", "kaslr")
    if ka is not None or kn is not None:
        tgt("KASLR kept: on with `kx -l`, off with `nokaslr` (kx's plan, `-d`)",
            "%s; with `nokaslr`: %s" % (ka or "—", kn or "—"),
            None if ka is None or kn is None else (ka == "on" and kn.startswith("off")))
    if "kx-static" in sz:
        b = int(sz["kx-static"]["bytes"])
        tgt("`kx-static` (x86_64) stripped, with its purgatory and the decompressors it carries "
            "≤ 160 KiB (kexec-tools' static build: 223 KB)", "%d bytes (%.1f KiB)" % (b, b / 1024),
            b <= 160 * 1024)
    if "kx-purgatory" in sz:
        b = int(sz["kx-purgatory"]["bytes"])
        tgt("x86_64 purgatory ≤ 4 KB", "%d bytes" % b, b <= 4096)
    L.append("")

    if sizes:
        L.append("Sizes:")
        L.append("")
        L.append("| file | bytes | KiB | note |")
        L.append("|---|---:|---:|---|")
        for s_ in sizes:
            L.append("| %s | %s | %.1f | %s |" % (s_["what"], s_["bytes"], int(s_["bytes"]) / 1024, s_["note"]))
        L.append("")
    if digest:
        L.append("Digest micro-benchmark (`bench/digest_bench.c`; best of N runs over a buffer of M MiB):")
        L.append("")
        L.append("| routine | where | MiB × runs | MB/s | vs portable SHA-256 | vs OpenSSL SHA-256 |")
        L.append("|---|---|---:|---:|---:|---:|")
        by = {}
        for d in digest:
            by.setdefault(d["where"], {})[d["routine"]] = float(d["mb_s"])
        for d in digest:
            base = by[d["where"]]
            p = base.get("sha256-portable")
            o = base.get("sha256-openssl")
            v = float(d["mb_s"])
            L.append("| %s | %s | %s × %s | %.0f | %s | %s |" % (
                d["routine"], d["where"], d["mib"], d["runs"], v, fnum(v / p if p else None, "%.1f×"),
                fnum(v / o if o else None, "%.2f×")))
        L.append("")
    L.append("![load time and exec latency per tool](../bench/results/chart.svg)")

    text = open(doc_path).read() if os.path.exists(doc_path) else ""
    b_, e_ = "<!-- bench:begin -->", "<!-- bench:end -->"
    if b_ not in text or e_ not in text:
        text += "\n%s\n%s\n" % (b_, e_)
    pre, rest = text.split(b_, 1)
    _, post = rest.split(e_, 1)
    text = pre + b_ + "\n" + "\n".join(L) + "\n" + e_ + post
    with open(doc_path, "w") as f:
        f.write(text)
    print("\n".join(L))


GUEST32 = {
    "arm": "QEMU TCG, `virt`, `-cpu cortex-a15`, 1 vCPU, 1024 MiB; Debian's armmp zImage as kernel A and B; "
           "kernel B with `earlycon=pl011,0x9000000`",
    "i386": "QEMU TCG, q35, `-cpu max`, 1 vCPU, 1024 MiB; Debian's 686 kernel (no PAE) as kernel A and B; "
            "kernel B with `earlyprintk=serial,ttyS0`",
    "ppc64le": "QEMU TCG, `pseries`, `-cpu POWER9`, 1 vCPU, 1024 MiB, SLOF; Debian's powerpc64le ELF vmlinux "
               "as kernel A and B; console hvc0 (the hypervisor's terminal, kernel B's from its first line)",
    "arm64": "QEMU TCG, `virt`, `-cpu cortex-a57`, 1 vCPU, 2048 MiB; Debian's arm64 Image as kernel A and, "
             "gzip'd (`gzip -9`: an Image.gz, which both tools unpack at load), as kernel B; kernel B with "
             "`earlycon=pl011,0x9000000`",
}
WHAT32 = {
    "arm": {"kx-c": "kexec_load, kx's purgatory, XXH64 check (MMU off)",
            "kx-c-i": "kexec_load, kx's purgatory, no check",
            "kx-auto": "auto: kexec_load (the only call on 32-bit ARM)",
            "kexec": "kexec_load, no purgatory (kexec-tools has none on ARM), no check",
            "kexec-i": "the same (`-i` changes nothing on ARM)"},
    "i386": {"kx-c": "kexec_load, kx's purgatory, XXH64 check",
             "kx-c-i": "kexec_load, kx's purgatory, no check",
             "kx-auto": "auto: kexec_load (the only call on i386)",
             "kexec": "kexec_load, kexec-tools' purgatory, SHA-256 check",
             "kexec-i": "kexec_load, kexec-tools' purgatory, no check"},
    "ppc64le": {"kx-c": "kexec_load, kx's purgatory, XXH64 check",
                "kx-c-i": "kexec_load, kx's purgatory, no check",
                "kx-auto": "auto: kexec_load (Debian's ppc64el kernel has no kexec_file_load)",
                "kexec": "kexec_load, kexec-tools' purgatory, SHA-256 check",
                "kexec-i": "kexec_load, kexec-tools' purgatory, no check"},
    "arm64": {"kx-c": "kexec_load, kx's purgatory, XXH64 check (MMU and caches on)",
              "kx-c-i": "kexec_load, kx's purgatory, no check",
              "kx-auto": "auto: kexec_load (Debian 12's arm64 kernel has no kexec_file_load)",
              "kexec": "kexec_load, kexec-tools' purgatory, SHA-256 check (caches off)",
              "kexec-i": "kexec_load, kexec-tools' purgatory, no check",
              "kx-s": "kexec_file_load (not in Debian 12's arm64 kernel)",
              "kexec-s": "kexec_file_load (not in Debian 12's arm64 kernel)"},
}
ORDER32 = ["kx-c", "kexec", "kx-c-i", "kexec-i", "kx-auto"]
PAIRS32 = [("kx-c", "kexec"), ("kx-c-i", "kexec-i"), ("kx-auto", "kexec"), ("kx-c", "kexec-i")]


def doc32(arch, qemu_csv, machine_txt, out_dir, doc_path):
    rows = read_csv(qemu_csv)
    stamp = os.path.basename(qemu_csv)[: -len("-qemu.csv")]
    tools = [t for t in ORDER32 if any(r["tool"] == t for r in rows)]
    tools += sorted({r["tool"] for r in rows} - set(tools))
    m = {}
    for t in tools:
        all_ = [r for r in rows if r["tool"] == t]
        # timings from every boot that measured them: a kernel B that starts
        # and then finds its initrd damaged still started (its failure is shown)
        x = {"n": len([r for r in all_ if r["ok"] == "1"]), "of": len(all_),
             "fails": sorted({r.get("fail", "") or "?" for r in all_ if r["ok"] != "1"})}
        for k in ("load", "load_cpu", "rss", "exec", "exec_cpu", "copy_cpu", "unpack", "unpacked"):
            x[k] = med([fl(r.get(COL[k])) for r in all_])
        m[t] = x
    r0 = rows[0]
    payload = int(r0["kernel_bytes"]) + int(r0["initrd_bytes"])
    loads = [v for v in (fl(r.get("host_load1")) for r in rows) if v is not None]
    rounds = max((x["of"] for x in m.values()), default=0)
    with open(os.path.join(out_dir, stamp + "-summary.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["tool", "boots_ok", "boots", "load_s", "load_cpu_s", "rss_kb", "exec_s", "exec_cpu_s",
                    "copy_cpu_s", "unpack_ms", "unpacked_bytes", "failures"])
        for t in tools:
            x = m[t]
            w.writerow([t, x["n"], x["of"]] + [fnum(x[k], "%.3f") for k in
                                                ("load", "load_cpu", "rss", "exec", "exec_cpu", "copy_cpu",
                                                 "unpack")] + [fnum(x["unpacked"], "%d")] +
                       ["; ".join(x["fails"])])
    machine = ""
    if machine_txt and os.path.exists(machine_txt):
        machine = "; ".join(ln.strip() for ln in open(machine_txt) if ln.strip())
    what = WHAT32.get(arch, {})
    L = []
    L.append("Run `%s` (%s): %s." % (stamp, arch, machine))
    L.append("")
    L.append("Payload: `%s` (%d bytes) + an incompressible %d-byte initrd = %.1f MiB. Guest: %s. "
             "kexec-tools `%s` (Debian's binary, unmodified, default options). %d round(s), each boots "
             "every tool once (one fresh boot per measurement); kernel B runs its `/init` and checks the "
             "payload's SHA-256 (`boots ok`). Medians over every boot that got that far (a kernel B that "
             "starts and then finds its initrd damaged did start). Host load average during the boots: %s. "
             "Raw rows: `bench/results/%s-qemu.csv`."
             % (r0["kernel"], int(r0["kernel_bytes"]), int(r0["initrd_bytes"]), payload / 2**20,
                GUEST32.get(arch, arch), r0["kexec_tools"], rounds,
                "%.1f–%.1f" % (min(loads), max(loads)) if loads else "?", stamp))
    unp = [x["unpacked"] for x in m.values() if x.get("unpacked")]
    if unp:
        L[-1] += (" kx unpacks the kernel at load to %d bytes (its `-d` line), so the payload after "
                  "decompression is %.1f MiB." % (med(unp), (med(unp) + int(r0["initrd_bytes"])) / 2**20))
    L.append("")
    L.append("| tool | what | load (s) | load, CPU (s) | unpack at load (s) | peak RSS (MB) | exec latency (s) "
             "| exec, CPU (s) | copy phase, CPU (s) | boots ok | why a boot failed |")
    L.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for t in tools:
        x = m[t]
        base, _, more = t.partition("+")
        label = (base + "".join(" " + o for o in more.split("+"))) if more else LABEL.get(t, t)
        desc = what.get(base, "") + ("; an experiment with kexec-tools' extra options" if more else "")
        L.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            label.replace("|", "\\|"), desc, fnum(x["load"]), fnum(x["load_cpu"]),
            fnum(x["unpack"] / 1000 if x["unpack"] is not None else None),
            fnum(x["rss"] / 1024 if x["rss"] is not None else None, "%.1f"),
            fnum(x["exec"]), fnum(x["exec_cpu"]), fnum(x["copy_cpu"], "%.3f"),
            ("%d/%d" % (x["n"], x["of"])) if x["n"] == x["of"] else "**%d/%d**" % (x["n"], x["of"]),
            "; ".join(x["fails"])))
    L.append("")
    L.append("Ratios kx / kexec-tools (medians; CPU time in parentheses):")
    L.append("")
    L.append("| kx | kexec-tools | load | peak RSS | exec latency |")
    L.append("|---|---|---:|---:|---:|")

    def g(t, k):
        return m.get(t, {}).get(k)

    def both(a, b, k):
        return "%s (%s)" % (fnum(ratio(g(a, k), g(b, k)), "%.2f×"),
                            fnum(ratio(g(a, k + "_cpu"), g(b, k + "_cpu")), "%.2f×"))
    for a, b in PAIRS32:
        if a in m and b in m:
            L.append("| %s | %s | %s | %s | %s |" % (LABEL[a], LABEL[b], both(a, b, "load"),
                                                   fnum(ratio(g(a, "rss"), g(b, "rss")), "%.3f×"),
                                                   both(a, b, "exec")))
    if g("kx-c", "exec_cpu") is not None and g("kx-c-i", "exec_cpu") is not None:
        d = g("kx-c", "exec_cpu") - g("kx-c-i", "exec_cpu")
        L.append("")
        L.append("- Cost of kx's XXH64 check at exec (`kx -c` − `kx -c -i`): %.2f s of CPU time for %.1f MiB%s." % (
            d, payload / 2**20, ", %.0f MB/s in the guest" % (payload / d / 1e6) if d > 0.05 else
            " (within the noise)"))
    if arch != "arm" and g("kexec", "exec_cpu") is not None and g("kexec-i", "exec_cpu") is not None:
        d = g("kexec", "exec_cpu") - g("kexec-i", "exec_cpu")
        L.append("- Cost of kexec-tools' SHA-256 check at exec (`kexec` − `kexec -i`): %.2f s of CPU time%s." % (
            d, " (within the noise)" if abs(d) <= 0.05 else ""))
    for a, b in (("kx-c", "kexec"), ("kx-c-i", "kexec-i")):
        if g(a, "copy_cpu") is not None and g(b, "copy_cpu") is not None:
            L.append("- Copy phase (kernel A's shutdown and the relocation of the staged pages, to the "
                     "purgatory's first line), `%s` / `%s`: %.3f s / %.3f s of CPU time." % (
                         LABEL[a], LABEL[b], g(a, "copy_cpu"), g(b, "copy_cpu")))
    b_, e_ = "<!-- bench:%s:begin -->" % arch, "<!-- bench:%s:end -->" % arch
    text = open(doc_path).read() if os.path.exists(doc_path) else ""
    if b_ not in text or e_ not in text:
        text += "\n%s\n%s\n" % (b_, e_)
    pre, rest = text.split(b_, 1)
    _, post = rest.split(e_, 1)
    text = pre + b_ + "\n" + "\n".join(L) + "\n" + e_ + post
    with open(doc_path, "w") as f:
        f.write(text)
    print("\n".join(L))


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "row" and len(sys.argv) == 6:
        row(*sys.argv[2:])
    elif len(sys.argv) >= 2 and sys.argv[1] == "doc" and len(sys.argv) in (8, 9):
        doc(*sys.argv[2:])
    elif len(sys.argv) == 7 and sys.argv[1] == "doc32":
        doc32(*sys.argv[2:])
    else:
        sys.stderr.write(__doc__)
        sys.exit(2)
